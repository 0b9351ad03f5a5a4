// Typed, tracked reading of scenario tables, and clock/moment texts.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scenario/detail.hpp"
#include "scenario/document.hpp"

namespace expoflow::scenario {

namespace {

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "'" : ", '") + item + "'";
  return out;
}

bool plain_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

}  // namespace

bool is_plain_id(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), plain_char);
}

bool is_plain_folder_name(std::string_view text) { return is_plain_id(text) && text.front() != '.'; }

std::optional<double> parse_clock(std::string_view text) {
  const std::size_t c1 = text.find(':');
  if (c1 == std::string_view::npos) return std::nullopt;
  const std::string_view hh = text.substr(0, c1);
  std::string_view rest = text.substr(c1 + 1);
  std::string_view mm = rest, ss = "00";
  if (const std::size_t c2 = rest.find(':'); c2 != std::string_view::npos) {
    mm = rest.substr(0, c2);
    ss = rest.substr(c2 + 1);
  }
  if (!digits(hh) || hh.size() > 2 || !digits(mm) || mm.size() != 2 || !digits(ss) ||
      ss.size() != 2)
    return std::nullopt;
  const int h = to_int(hh), m = to_int(mm), s = to_int(ss);
  if (h > 24 || m > 59 || s > 59 || (h == 24 && (m != 0 || s != 0))) return std::nullopt;
  return h * 3600.0 + m * 60.0 + s;
}

std::optional<double> parse_moment(std::string_view text) {
  if (text.empty() || text.front() != 'd') return std::nullopt;
  const std::size_t space = text.find_first_of(" \t");
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view day = text.substr(1, space - 1);
  std::string_view clock = text.substr(space);
  while (!clock.empty() && (clock.front() == ' ' || clock.front() == '\t')) clock.remove_prefix(1);
  if (!digits(day) || day.size() > 6) return std::nullopt;
  const int n = to_int(day);
  if (n < 1) return std::nullopt;
  const auto seconds = parse_clock(clock);
  if (!seconds) return std::nullopt;
  return (n - 1) * 86400.0 + *seconds;
}

Reader::Reader(const Node& table, std::string path, Problems& problems)
    : node_(&table), path_(std::move(path)), problems_(&problems) {}

bool Reader::has(std::string_view key) const { return node_->find(key) != nullptr; }

bool Reader::missing(std::string_view key) {
  if (has(key)) return false;
  get(key);
  error(key, "missing required key");
  return true;
}

std::string Reader::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const Node* Reader::get(std::string_view key) {
  if (std::find(read_.begin(), read_.end(), key) == read_.end()) read_.emplace_back(key);
  return node_->find(key);
}

void Reader::error(std::string_view key, std::string message) {
  if (key.empty()) {
    problems_->error(node_->pos, path_, std::move(message));
    return;
  }
  const Node* n = node_->find(key);
  problems_->error(n ? n->pos : node_->pos, key_path(key), std::move(message));
}

// ---- numbers ----------------------------------------------------------------------------------
// Each check returns the value when it is good; otherwise it reports and returns nothing, and the
// public accessor falls back.

namespace {

std::optional<double> as_number(Reader& r, std::string_view key, const Node& n) {
  if (!n.is_number()) {
    r.error(key, "expected a number, got " + n.type_name());
    return std::nullopt;
  }
  const double v = n.number();
  if (!std::isfinite(v)) {
    r.error(key, "must be a finite number, got " + detail::show_number(v));
    return std::nullopt;
  }
  return v;
}

enum class Bound { any, positive, non_negative, fraction };

std::optional<double> bounded(Reader& r, std::string_view key, const Node& n, Bound bound) {
  const auto v = as_number(r, key, n);
  if (!v) return v;
  const char* rule = nullptr;
  if (bound == Bound::positive && !(*v > 0))
    rule = "must be > 0";
  else if (bound == Bound::non_negative && !(*v >= 0))
    rule = "must be >= 0";
  else if (bound == Bound::fraction && !(*v >= 0 && *v <= 1))
    rule = "must be in [0, 1]";
  if (!rule) return v;
  r.error(key, fmt::format("{}, got {}", rule, detail::show_number(*v)));
  return std::nullopt;
}

double required_number(Reader& r, std::string_view key, const Node* n, Bound bound) {
  if (!n) {
    r.error(key, "missing required key");
    return 0;
  }
  return bounded(r, key, *n, bound).value_or(0);
}

double optional_number(Reader& r, std::string_view key, const Node* n, Bound bound, double fallback) {
  return n ? bounded(r, key, *n, bound).value_or(fallback) : fallback;
}

}  // namespace

double Reader::number(std::string_view key) { return required_number(*this, key, get(key), Bound::any); }
double Reader::number(std::string_view key, double fallback) {
  return optional_number(*this, key, get(key), Bound::any, fallback);
}
double Reader::positive(std::string_view key) {
  return required_number(*this, key, get(key), Bound::positive);
}
double Reader::positive(std::string_view key, double fallback) {
  return optional_number(*this, key, get(key), Bound::positive, fallback);
}
double Reader::non_negative(std::string_view key) {
  return required_number(*this, key, get(key), Bound::non_negative);
}
double Reader::non_negative(std::string_view key, double fallback) {
  return optional_number(*this, key, get(key), Bound::non_negative, fallback);
}
double Reader::fraction(std::string_view key) {
  return required_number(*this, key, get(key), Bound::fraction);
}
double Reader::fraction(std::string_view key, double fallback) {
  return optional_number(*this, key, get(key), Bound::fraction, fallback);
}

std::int64_t Reader::count(std::string_view key) { return missing(key) ? 0 : count(key, 0); }

std::int64_t Reader::count(std::string_view key, std::int64_t fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::integer) {
    error(key, "expected an integer, got " + n->type_name() +
                   (n->kind == Node::Kind::floating ? " (" + detail::show_number(n->floating) + ")"
                                                    : std::string()));
    return fallback;
  }
  if (n->integer < 0) {
    error(key, fmt::format("must be >= 0, got {}", n->integer));
    return fallback;
  }
  return n->integer;
}

// ---- ranges ------------------------------------------------------------------------------------

namespace {

std::string range_text(Range range) {
  std::string out = fmt::format("{}..{}", detail::show_number(range.lo), detail::show_number(range.hi));
  if (!range.unit.empty()) out += fmt::format(" {}", range.unit);
  return out;
}

}  // namespace

bool Reader::check_range(std::string_view key, double v, Range range, std::string_view what) {
  if (v >= range.lo && v <= range.hi) return true;
  error(key, fmt::format("{}must be {}, got {}", what, range_text(range), detail::show_number(v)));
  return false;
}

double Reader::number_in(std::string_view key, Range range) {
  return missing(key) ? 0 : number_in(key, range, 0);
}

double Reader::number_in(std::string_view key, Range range, double fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  const auto v = as_number(*this, key, *n);
  return v && check_range(key, *v, range) ? *v : fallback;
}

std::int64_t Reader::count_in(std::string_view key, Range range) {
  return missing(key) ? 0 : count_in(key, range, 0);
}

std::int64_t Reader::count_in(std::string_view key, Range range, std::int64_t fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::integer) return count(key, fallback);  // its type error
  const auto v = static_cast<double>(n->integer);
  if (v >= range.lo && v <= range.hi) return n->integer;
  error(key, fmt::format("must be {}, got {}", range_text(range), n->integer));  // the integer as written
  return fallback;
}

// ---- strings and choices -----------------------------------------------------------------------

std::string Reader::string(std::string_view key) { return missing(key) ? std::string() : string(key, {}); }

std::string Reader::string(std::string_view key, std::string fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::string) {
    error(key, "expected a string, got " + n->type_name());
    return fallback;
  }
  return n->text;
}

bool Reader::boolean(std::string_view key, bool fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::boolean) {
    error(key, "expected true or false, got " + n->type_name());
    return fallback;
  }
  return n->boolean;
}

std::string Reader::choice(std::string_view key, const std::vector<std::string>& allowed,
                           std::string fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::string) {
    error(key, fmt::format("expected one of {}, got {}", quoted_list(allowed), n->type_name()));
    return fallback;
  }
  if (std::find(allowed.begin(), allowed.end(), n->text) != allowed.end()) return n->text;
  std::string message = fmt::format("must be one of {}, got '{}'", quoted_list(allowed), n->text);
  if (const std::string near = detail::near_miss(n->text, allowed); !near.empty())
    message += fmt::format("; did you mean '{}'?", near);
  error(key, std::move(message));
  return fallback;
}

// ---- arrays and maps ---------------------------------------------------------------------------

std::vector<double> Reader::numbers(std::string_view key) { return missing(key) ? std::vector<double>() : numbers(key, {}); }

std::vector<double> Reader::numbers(std::string_view key, std::vector<double> fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (!n->is_array()) {
    error(key, "expected an array of numbers, got " + n->type_name());
    return fallback;
  }
  std::vector<double> out;
  bool ok = true;
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    if (!item.is_number() || !std::isfinite(item.number())) {
      problems_->error(item.pos, key_path(key),
                       fmt::format("element {}: expected a finite number, got {}", i + 1,
                                   item.is_number() ? detail::show_number(item.number())
                                                    : item.type_name()));
      ok = false;
      continue;
    }
    out.push_back(item.number());
  }
  return ok ? out : fallback;
}

std::vector<std::string> Reader::strings(std::string_view key, std::vector<std::string> fallback) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (!n->is_array()) {
    error(key, "expected an array of strings, got " + n->type_name());
    return fallback;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    if (item.kind != Node::Kind::string) {
      problems_->error(item.pos, key_path(key),
                       fmt::format("element {}: expected a string, got {}", i + 1,
                                   item.type_name()));
      ok = false;
      continue;
    }
    out.push_back(item.text);
  }
  return ok ? out : fallback;
}

std::vector<std::pair<std::string, double>> Reader::number_map(std::string_view key) {
  const Node* n = get(key);
  std::vector<std::pair<std::string, double>> out;
  if (!n) return out;
  if (!n->is_table()) {
    error(key, "expected a table of numbers, got " + n->type_name());
    return out;
  }
  for (const auto& [name, value] : n->members) {
    const std::string path = key_path(key) + "." + name;
    if (!value.is_number() || !std::isfinite(value.number())) {
      problems_->error(value.pos, path,
                       "expected a finite number, got " + (value.is_number()
                                                              ? detail::show_number(value.number())
                                                              : value.type_name()));
      continue;
    }
    if (value.number() < 0) {
      problems_->error(value.pos, path,
                       "must be >= 0, got " + detail::show_number(value.number()));
      continue;
    }
    out.emplace_back(name, value.number());
  }
  return out;
}

// ---- clock times -------------------------------------------------------------------------------

double Reader::clock(std::string_view key) { return missing(key) ? 0 : clock(key, 0); }

double Reader::clock(std::string_view key, double fallback) {
  return time_text(key, fallback, "a clock time \"HH:MM\"", "00:00 to 24:00", parse_clock);
}

double Reader::moment(std::string_view key) { return missing(key) ? 0 : moment(key, 0); }

double Reader::moment(std::string_view key, double fallback) {
  return time_text(key, fallback, "a moment \"dN HH:MM\"", "day N from 1", parse_moment);
}

double Reader::time_text(std::string_view key, double fallback, std::string_view form, std::string_view range,
                         std::optional<double> (*parse)(std::string_view)) {
  const Node* n = get(key);
  if (!n) return fallback;
  if (n->kind != Node::Kind::string) {
    error(key, fmt::format("expected {}, got {}", form, n->type_name()));
    return fallback;
  }
  if (auto v = parse(n->text)) return *v;
  error(key, fmt::format("expected {} ({}), got '{}'", form, range, n->text));
  return fallback;
}

// ---- nested tables -----------------------------------------------------------------------------

std::optional<Reader> Reader::table(std::string_view key) {
  const Node* n = get(key);
  if (!n) return std::nullopt;
  if (!n->is_table()) {
    error(key, "expected a table, got " + n->type_name());
    return std::nullopt;
  }
  return Reader(*n, key_path(key), *problems_);
}

std::vector<Reader> Reader::tables(std::string_view key) {
  const Node* n = get(key);
  std::vector<Reader> out;
  if (!n) return out;
  if (!n->is_array()) {
    error(key, "expected an array of tables ([[" + std::string(key) + "]]), got " +
                   n->type_name());
    return out;
  }
  std::vector<const Node*> seen;  // elements with an id, to find duplicates
  for (std::size_t i = 0; i < n->items.size(); ++i) {
    const Node& item = n->items[i];
    const std::string base = key_path(key);
    if (!item.is_table()) {
      problems_->error(item.pos, fmt::format("{}[{}]", base, i),
                       "expected a table, got " + item.type_name());
      continue;
    }
    const Node* id = item.find("id");
    std::string path = fmt::format("{}[{}]", base, i);
    if (id && id->kind == Node::Kind::string) {
      path = base + "[" + id->text + "]";
      auto first = std::find_if(seen.begin(), seen.end(),
                                [&](const Node* s) { return s->text == id->text; });
      if (first != seen.end())
        problems_->error(id->pos, path,
                         fmt::format("duplicate id '{}' (first at {}:{})", id->text,
                                     (*first)->pos.file, (*first)->pos.line));
      else
        seen.push_back(id);
      // Ids name rows and columns of the CSV files and folders: plain words only.
      if (!is_plain_id(id->text))
        problems_->error(id->pos, path + ".id",
                         fmt::format("'{}' is not a plain id: use letters, digits, '_', '-' and '.' only "
                                     "(an id names rows and columns of the result files)", id->text));
    } else if (id) {
      problems_->error(id->pos, path + ".id", "expected a string, got " + id->type_name());
    }
    Reader element(item, std::move(path), *problems_);
    element.get("id");
    out.push_back(std::move(element));
  }
  return out;
}

// ---- unknown keys ------------------------------------------------------------------------------

void Reader::finish() {
  for (const auto& [key, value] : node_->members) {
    if (key == "source" || key == "note") continue;
    if (std::find(read_.begin(), read_.end(), key) != read_.end()) continue;
    std::string message = fmt::format("unknown key '{}'", key);
    if (const std::string near = detail::near_miss(key, read_); !near.empty())
      message += fmt::format("; did you mean '{}'?", near);
    problems_->error(value.pos, path_, std::move(message));
  }
}

}  // namespace expoflow::scenario
