// Problems, the node tree, parsing with toml++ and `extends` resolution.
#include "scenario/document.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <fstream>
#include <iterator>
#include <sstream>
#include <system_error>
#include <vector>

#include <toml++/toml.h>

#include "scenario/detail.hpp"

namespace expoflow::scenario {

namespace detail {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string near_miss(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = 3;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(word, c);
    if (d > 0 && d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string unknown_name(std::string message, std::string_view name, const std::vector<std::string>& valid) {
  if (const std::string near = near_miss(name, valid); !near.empty()) message += fmt::format("; did you mean '{}'?", near);
  if (valid.empty()) return message + " (there is none)";
  // A site of hundreds of nodes would bury the message: the first few say what the names look like.
  return message + " (valid: " + first_names(valid, 20) + ")";
}

std::string first_names(const std::vector<std::string>& names, std::size_t shown) {
  std::string list;
  for (std::size_t i = 0; i < names.size() && i < shown; ++i) list += (i ? ", " : "") + names[i];
  if (names.size() > shown) list += fmt::format(" and {} more", names.size() - shown);
  return list;
}

std::string show_number(double value) { return fmt::format("{}", value); }

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Problems

std::string format(const Problem& p) {
  std::string out = p.pos.file;
  if (p.pos.line != 0) {
    out += fmt::format(":{}", p.pos.line);
    if (p.pos.column != 0) out += fmt::format(":{}", p.pos.column);
  }
  out += ": ";
  if (!p.path.empty()) out += p.path + ": ";
  out += p.message;
  return out;
}

void Problems::error(SourcePos pos, std::string path, std::string message) {
  list_.push_back(Problem{std::move(pos), std::move(path), std::move(message)});
}

std::string Problems::report() const {
  // Files in the order their first problem was found; within a file, by line and column (a
  // problem of the whole file, without a line, first); found order among equals.
  std::vector<std::string> files;
  for (const auto& p : list_)
    if (std::find(files.begin(), files.end(), p.pos.file) == files.end()) files.push_back(p.pos.file);
  auto rank = [&](const Problem& p) {
    return std::tuple(std::find(files.begin(), files.end(), p.pos.file) - files.begin(), p.pos.line, p.pos.column);
  };
  std::vector<const Problem*> order;
  for (const auto& p : list_) order.push_back(&p);
  std::stable_sort(order.begin(), order.end(), [&](const Problem* a, const Problem* b) { return rank(*a) < rank(*b); });
  std::string out;
  for (const Problem* p : order) out += format(*p) + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// Node

Node::Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;
Node::~Node() = default;

const Node* Node::find(std::string_view key) const {
  for (const auto& [k, v] : members)
    if (k == key) return &v;
  return nullptr;
}

Node* Node::find(std::string_view key) {
  return const_cast<Node*>(static_cast<const Node*>(this)->find(key));
}

std::string Node::type_name() const {
  switch (kind) {
    case Kind::table: return "a table";
    case Kind::array: return "an array";
    case Kind::string: return "a string";
    case Kind::integer: return "an integer";
    case Kind::floating: return "a float";
    case Kind::boolean: return "a boolean";
    case Kind::datetime: return "a date-time";
  }
  return "a value";
}

// ---------------------------------------------------------------------------------------------
// Parsing

namespace {

SourcePos position(const toml::source_region& region, const std::string& file) {
  return SourcePos{file, region.begin.line, region.begin.column};
}

template <typename T>
std::string print(const T& value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

Node convert(const toml::node& in, SourcePos pos) {
  Node out;
  out.pos = pos;
  const std::string& file = pos.file;
  switch (in.type()) {
    case toml::node_type::table: {
      out.kind = Node::Kind::table;
      // toml::table keeps its keys sorted; members are put back in file order.
      std::vector<std::pair<const toml::key*, const toml::node*>> entries;
      for (auto&& [key, value] : *in.as_table()) entries.emplace_back(&key, &value);
      std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        const auto& pa = a.first->source().begin;
        const auto& pb = b.first->source().begin;
        return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
      });
      for (const auto& [key, value] : entries) {
        // A member is reported where its key is written (a value may be a table header away).
        SourcePos at = key->source().begin.line != 0 ? position(key->source(), file)
                                                     : position(value->source(), file);
        out.members.emplace_back(std::string(key->str()), convert(*value, std::move(at)));
      }
      break;
    }
    case toml::node_type::array:
      out.kind = Node::Kind::array;
      for (const auto& item : *in.as_array())
        out.items.push_back(convert(item, position(item.source(), file)));
      break;
    case toml::node_type::string:
      out.kind = Node::Kind::string;
      out.text = in.as_string()->get();
      break;
    case toml::node_type::integer:
      out.kind = Node::Kind::integer;
      out.integer = in.as_integer()->get();
      break;
    case toml::node_type::floating_point:
      out.kind = Node::Kind::floating;
      out.floating = in.as_floating_point()->get();
      break;
    case toml::node_type::boolean:
      out.kind = Node::Kind::boolean;
      out.boolean = in.as_boolean()->get();
      break;
    case toml::node_type::date:
      out.kind = Node::Kind::datetime;
      out.text = print(in.as_date()->get());
      break;
    case toml::node_type::time:
      out.kind = Node::Kind::datetime;
      out.text = print(in.as_time()->get());
      break;
    case toml::node_type::date_time:
      out.kind = Node::Kind::datetime;
      out.text = print(in.as_date_time()->get());
      break;
    case toml::node_type::none: break;
  }
  return out;
}

// The first byte that breaks UTF-8, with its line and column; false when the text is valid.
bool find_bad_utf8(std::string_view text, std::size_t* bad, std::uint32_t* line,
                   std::uint32_t* column) {
  std::uint32_t ln = 1, col = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t min = 0, cp = 0;
    if (c < 0x80) {
      len = 1;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, cp = c & 0x07u;
    }
    bool ok = len != 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto cc = static_cast<unsigned char>(text[i + k]);
      if ((cc & 0xC0) != 0x80) ok = false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    // Overlong forms, surrogates and code points beyond Unicode are not UTF-8 either.
    if (ok && len > 1 && (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (!ok) {
      *bad = i;
      *line = ln;
      *column = col;
      return true;
    }
    if (c == '\n') {
      ++ln;
      col = 1;
    } else {
      ++col;
    }
    i += len;
  }
  return false;
}

// A non-ASCII character where TOML allows none: outside strings and comments (bare keys and
// values are ASCII), or right after a backslash in a basic string. toml++ 3.3 reaches undefined
// behaviour (an "unreachable" point in its Unicode whitespace test) on some of them, e.g. 'é' or
// '。' where a key or value should be, so they are reported here before toml++ sees the text.
// Found by the fuzzer (tests/fuzz/); the text is valid UTF-8 at this point.
bool find_stray_non_ascii(std::string_view text, std::size_t* at, std::uint32_t* line,
                          std::uint32_t* column, bool* after_backslash) {
  enum class In { normal, comment, basic, ml_basic, literal, ml_literal } in = In::normal;
  std::uint32_t ln = 1, col = 1;
  auto starts = [&](std::size_t i, std::string_view s) { return text.substr(i, s.size()) == s; };
  auto stray = [&](std::size_t i, bool backslash) {
    *at = i;
    *line = ln;
    *column = col;
    *after_backslash = backslash;
    return true;
  };
  std::size_t i = 0;
  char last = '\n';  // the last character outside strings and comments
  // Whether a value is being read (after '=', inside an array) rather than a key: there a '.'
  // belongs to a number (`1."x"` is a malformed float, not a dotted key) and opens no string.
  std::vector<char> nest;  // '[' an array, '{' an inline table, innermost last
  bool in_value = false;
  auto advance = [&](std::size_t n) {  // n bytes, keeping line and column (in characters)
    for (std::size_t k = 0; k < n && i < text.size(); ++k, ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (c == '\n') {
        ++ln;
        col = 1;
      } else if ((c & 0xC0) != 0x80) {
        ++col;
      }
    }
  };
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    switch (in) {
      case In::normal: {
        if (c >= 0x80) return stray(i, false);
        // A quote opens a string only where TOML puts one: at the start of a line (a quoted key)
        // or after '=', '[', ',', '{' or '.'. Elsewhere (`0"9..."`) toml++ reports an error by
        // reading on, so what follows is checked as if outside a string.
        const bool opens = last == '\n' || last == '=' || last == '[' || last == ',' || last == '{' ||
                           (last == '.' && !in_value);
        if (c == '=') in_value = true;
        else if (c == '[' && in_value) nest.push_back('[');
        else if (c == '{') { nest.push_back('{'); in_value = false; }
        else if ((c == ']' || c == '}') && !nest.empty()) nest.pop_back();
        if (c == ',' || c == '\n' || c == ']' || c == '}') in_value = !nest.empty() && nest.back() == '[';
        if (c == '#') in = In::comment;
        else if (opens && starts(i, "\"\"\"")) { in = In::ml_basic; last = '"'; advance(3); continue; }
        else if (opens && c == '"') in = In::basic;
        else if (opens && starts(i, "'''")) { in = In::ml_literal; last = '\''; advance(3); continue; }
        else if (opens && c == '\'') in = In::literal;
        if (c == '\n') last = '\n';
        else if (c != ' ' && c != '\t' && c != '\r') last = static_cast<char>(c);
        break;
      }
      case In::comment:
        if (c == '\n') {
          in = In::normal;
          last = '\n';
        }
        break;
      case In::literal:
        if (c == '\'' || c == '\n') in = In::normal;
        break;
      case In::ml_literal:
        if (starts(i, "'''")) { in = In::normal; advance(3); continue; }
        break;
      case In::basic:
      case In::ml_basic:
        if (c == '\\') {
          advance(1);
          auto blank = [&] {
            return i < text.size() &&
                   (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n');
          };
          if (in == In::ml_basic && blank()) {  // a line-ending backslash eats the blanks after it
            while (blank()) advance(1);
            if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) return stray(i, true);
            continue;
          }
          if (i < text.size() && static_cast<unsigned char>(text[i]) >= 0x80) return stray(i, true);
          advance(1);  // the escaped character
          continue;
        }
        if (in == In::basic && (c == '"' || c == '\n')) in = In::normal;
        if (in == In::ml_basic && starts(i, "\"\"\"")) { in = In::normal; advance(3); continue; }
        break;
    }
    advance(1);
  }
  return false;
}

// toml++ limits the nesting of values (TOML_MAX_NESTED_VALUES, 256) but not of keys: it recurses
// once per level of a dotted key or table header, so `a.a.a...` 50,000 levels deep overflows the
// stack. Keys are held to the same depth, checked here before toml++ sees the text.
constexpr std::size_t kMaxKeyDepth = 256;

// Skip the string that starts at text[i] (a quote), to just after it, counting lines.
std::size_t skip_string(std::string_view text, std::size_t i, std::uint32_t* line) {
  const char q = text[i];
  const bool multi = text.substr(i, 3) == std::string(3, q);
  const std::string_view end = multi ? text.substr(i, 3) : text.substr(i, 1);
  for (i += end.size(); i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++*line;
      if (!multi) return i;  // an unterminated string: toml++ reports it
    }
    if (q == '"' && text[i] == '\\') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++*line;
      ++i;
    } else if (text.substr(i, end.size()) == end) {
      return i + end.size();
    }
  }
  return i;
}

// The first key (dotted key or table header) with more than kMaxKeyDepth levels: its line and
// column. A key is what follows the start of a line, a '{' or a ',' up to '=', ']', '}' or ','.
// (A number after a ',' in an array is taken for a key too: it has one dot at most.)
bool find_deep_key(std::string_view text, std::uint32_t* line, std::uint32_t* column) {
  std::uint32_t ln = 1;
  std::size_t line_start = 0, key_start = 0, dots = 0;
  bool in_key = true;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      i = skip_string(text, i, &ln);
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      ++ln;
      line_start = key_start = i + 1;
      in_key = true;
      dots = 0;
    } else if (c == '{' || c == ',') {
      in_key = true;
      key_start = i + 1;
      dots = 0;
    } else if (in_key && c == '.' && ++dots > kMaxKeyDepth) {
      *line = ln;
      *column = static_cast<std::uint32_t>(key_start - line_start + 1);
      return true;
    } else if (c == '=' || c == ']' || c == '}') {
      in_key = false;
    }
    ++i;
  }
  return false;
}

// The character (UTF-8) starting at byte i, and its code point.
std::string character_at(std::string_view text, std::size_t i, std::uint32_t* code) {
  const auto c = static_cast<unsigned char>(text[i]);
  const std::size_t len = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
  std::uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
  for (std::size_t k = 1; k < len && i + k < text.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
  *code = cp;
  return std::string(text.substr(i, len));
}

}  // namespace

std::optional<Node> parse(std::string_view text, const std::string& name, Problems& problems) {
  std::size_t bad = 0;
  std::uint32_t line = 0, column = 0;
  if (find_bad_utf8(text, &bad, &line, &column)) {
    problems.error(SourcePos{name, line, column}, "",
                   fmt::format("file is not valid UTF-8 text (byte 0x{:02x} at line {})",
                               static_cast<unsigned char>(text[bad]), line));
    return std::nullopt;
  }
  bool after_backslash = false;
  if (find_stray_non_ascii(text, &bad, &line, &column, &after_backslash)) {
    std::uint32_t code = 0;
    const std::string character = character_at(text, bad, &code);
    problems.error(SourcePos{name, line, column}, "",
                   fmt::format("invalid TOML: unexpected character '{}' (U+{:04X}) {}", character,
                               code,
                               after_backslash ? "after a backslash in a string"
                                               : "outside a string or comment"));
    return std::nullopt;
  }
  if (find_deep_key(text, &line, &column)) {
    problems.error(SourcePos{name, line, column}, "",
                   fmt::format("invalid TOML: a key nested more than {} levels deep (a dotted key or table header)",
                               kMaxKeyDepth));
    return std::nullopt;
  }
  try {
    const toml::table table = toml::parse(text, name);
    return convert(table, SourcePos{name, 0, 0});
  } catch (const toml::parse_error& e) {
    problems.error(position(e.source(), name), "",
                   fmt::format("invalid TOML: {}", e.description()));
  } catch (const std::exception& e) {
    problems.error(SourcePos{name, 0, 0}, "", fmt::format("cannot parse: {}", e.what()));
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Loading and `extends`

namespace {

bool is_table_array(const Node& n) {
  return n.is_array() && !n.items.empty() &&
         std::all_of(n.items.begin(), n.items.end(), [](const Node& i) { return i.is_table(); });
}

const std::string* id_of(const Node& n) {
  const Node* id = n.is_table() ? n.find("id") : nullptr;
  return id && id->kind == Node::Kind::string ? &id->text : nullptr;
}

void merge(Node& base, Node&& child);

// Arrays of tables merge by id; an element without id means the child gives the whole array.
void merge_array(Node& base, Node&& child) {
  const bool by_id = is_table_array(base) && is_table_array(child) &&
                     std::all_of(child.items.begin(), child.items.end(),
                                 [](const Node& i) { return id_of(i) != nullptr; });
  if (!by_id) {
    base = std::move(child);
    return;
  }
  for (auto& item : child.items) {
    auto same = std::find_if(base.items.begin(), base.items.end(), [&](const Node& b) {
      const std::string* id = id_of(b);
      return id && *id == *id_of(item);
    });
    if (same != base.items.end())
      merge(*same, std::move(item));
    else
      base.items.push_back(std::move(item));
  }
}

// Every value keeps the position of the file that set it last, and so does a merged table: the
// child wrote into it, so a problem of the table as a whole (shares that no longer sum to 1, a
// lane count in a schedule, a direction named in a split) is where the child changed it, not
// where the base first defined it.
void merge(Node& base, Node&& child) {
  if (!base.is_table() || !child.is_table()) {
    if (base.is_array() && child.is_array())
      merge_array(base, std::move(child));
    else
      base = std::move(child);
    return;
  }
  base.pos = child.pos;
  for (auto& [key, value] : child.members) {
    if (Node* existing = base.find(key))
      merge(*existing, std::move(value));
    else
      base.members.emplace_back(key, std::move(value));
  }
}

// Two elements of one array of tables with the same id, in a file that extends another: merging
// would silently fold them into one, so they are reported here (in a file without `extends`,
// Reader::tables reports them). `path` is the parameter path of `table`.
void report_duplicate_ids(const Node& table, const std::string& path, Problems& problems) {
  for (const auto& [key, value] : table.members) {
    const std::string here = path.empty() ? key : path + "." + key;
    if (value.is_table()) {
      report_duplicate_ids(value, here, problems);
      continue;
    }
    if (!is_table_array(value)) continue;
    std::vector<const Node*> seen;
    for (const auto& item : value.items) {
      const Node* id = item.find("id");
      if (!id || id->kind != Node::Kind::string) continue;
      const std::string element = here + "[" + id->text + "]";
      auto first = std::find_if(seen.begin(), seen.end(),
                                [&](const Node* s) { return s->text == id->text; });
      if (first != seen.end())
        problems.error(id->pos, element,
                       fmt::format("duplicate id '{}' (first at {}:{})", id->text,
                                   (*first)->pos.file, (*first)->pos.line));
      else
        seen.push_back(id);
      report_duplicate_ids(item, element, problems);
    }
  }
}

struct Frame {
  std::filesystem::path canonical;
  std::string name;
};

enum class ReadStatus { ok, missing, symlink_loop, directory, not_a_file, unreadable, too_large };

// Sizes as people read them: 1.0 GB, 64 MB, 12 kB (binary multiples).
std::string human_size(std::uintmax_t bytes) {
  const double b = static_cast<double>(bytes);
  if (b >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GB", b / (1024.0 * 1024 * 1024));
  if (b >= 1024.0 * 1024) return fmt::format("{:.1f} MB", b / (1024.0 * 1024));
  if (b >= 1024.0) return fmt::format("{:.1f} kB", b / 1024.0);
  return fmt::format("{} bytes", bytes);
}

// Reads only regular files (following links), at most kMaxFileBytes: a bigger file is refused
// before anything is read (its size is in *size). A FIFO, a device or a socket is refused before it
// is opened (opening a FIFO blocks until someone writes to it).
ReadStatus read_file(const std::filesystem::path& file, std::string* text, std::uintmax_t* size) {
  std::error_code ec;
  (void)std::filesystem::status(file, ec);
  if (ec == std::errc::too_many_symbolic_link_levels) return ReadStatus::symlink_loop;
  if (std::filesystem::is_directory(file, ec)) return ReadStatus::directory;
  if (!std::filesystem::exists(file, ec)) return ReadStatus::missing;
  if (!std::filesystem::is_regular_file(file, ec)) return ReadStatus::not_a_file;
  *size = std::filesystem::file_size(file, ec);
  if (!ec && *size > kMaxFileBytes) return ReadStatus::too_large;
  std::ifstream in(file, std::ios::binary);
  if (!in) return ReadStatus::unreadable;
  text->clear();
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    text->append(buffer, static_cast<std::size_t>(in.gcount()));
    if (text->size() > kMaxFileBytes) {
      *size = 0;  // unknown
      text->clear();
      text->shrink_to_fit();
      return ReadStatus::too_large;
    }
  }
  if (in.bad()) return ReadStatus::unreadable;
  return ReadStatus::ok;
}

std::string describe(ReadStatus s, std::uintmax_t size) {
  switch (s) {
    case ReadStatus::missing: return "file not found";
    case ReadStatus::symlink_loop: return "a symlink loop (too many levels of symbolic links)";
    case ReadStatus::directory: return "is a directory, not a file";
    case ReadStatus::not_a_file: return "is not a regular file (a pipe, a device or a socket): only files are read";
    case ReadStatus::unreadable: return "cannot read file";
    case ReadStatus::too_large:
      return fmt::format("file is too large ({}the limit is {} MB)",
                         size ? human_size(size) + "; " : std::string(), kMaxFileBytes >> 20);
    case ReadStatus::ok: break;
  }
  return "";
}

std::filesystem::path canonical_or_self(const std::filesystem::path& p) {
  std::error_code ec;
  auto c = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : c;
}

// `origin` is where the request came from: the `extends` key of the including file, or nothing
// for the file the user named. `bases`, if given, receives each base's name as it is followed.
std::optional<Node> load_chain(const std::filesystem::path& file, const std::string& name,
                               const Node* origin, std::vector<Frame>& stack, Problems& problems,
                               std::vector<std::string>* bases) {
  const auto canonical = canonical_or_self(file);
  for (std::size_t i = 0; i < stack.size(); ++i) {
    if (stack[i].canonical != canonical) continue;
    std::string chain;
    for (std::size_t k = i; k < stack.size(); ++k) chain += stack[k].name + " -> ";
    chain += name;
    problems.error(origin ? origin->pos : SourcePos{name, 0, 0}, "", "extends cycle: " + chain);
    return std::nullopt;
  }

  std::string text;
  std::uintmax_t size = 0;
  if (const ReadStatus status = read_file(file, &text, &size); status != ReadStatus::ok) {
    if (origin)
      problems.error(origin->pos, "extends",
                     fmt::format("cannot load base '{}': {} ({})", origin->text,
                                 describe(status, size), name));
    else
      problems.error(SourcePos{name, 0, 0}, "", describe(status, size));
    return std::nullopt;
  }
  // A UTF-8 byte-order mark, as some editors write, is skipped; UTF-16 is named as such.
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    problems.error(origin ? origin->pos : SourcePos{name, 0, 0}, origin ? "extends" : "",
                   fmt::format("{}is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8",
                               origin ? fmt::format("base '{}' ({}) ", origin->text, name) : std::string()));
    return std::nullopt;
  }
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    problems.error(origin ? origin->pos : SourcePos{name, 0, 0}, origin ? "extends" : "",
                   origin ? fmt::format("base '{}' is empty ({})", origin->text, name)
                          : std::string("file is empty: a scenario needs at least name, days, "
                                        "[[node]], [[gate]], [halls], [party_size] and [[class]]"));
    return std::nullopt;
  }
  auto tree = parse(text, name, problems);
  if (!tree) return std::nullopt;

  auto at = std::find_if(tree->members.begin(), tree->members.end(),
                         [](const auto& m) { return m.first == "extends"; });
  if (at == tree->members.end()) return tree;
  const Node extends = std::move(at->second);
  tree->members.erase(at);
  report_duplicate_ids(*tree, "", problems);
  if (extends.kind != Node::Kind::string) {
    problems.error(extends.pos, "extends",
                   "expected a string (a file name), got " + extends.type_name());
    return std::nullopt;
  }
  const std::filesystem::path base_file = file.parent_path() / extends.text;
  const std::string base_name =
      (std::filesystem::path(name).parent_path() / extends.text).lexically_normal().string();
  stack.push_back(Frame{canonical, name});
  if (bases) bases->push_back(base_name);
  auto base = load_chain(base_file, base_name, &extends, stack, problems, bases);
  stack.pop_back();
  if (!base) return std::nullopt;
  merge(*base, std::move(*tree));
  base->pos = SourcePos{name, 0, 0};
  return base;
}

}  // namespace

std::optional<Node> load(const std::filesystem::path& file, Problems& problems, std::vector<std::string>* chain) {
  std::vector<Frame> stack;
  return load_chain(file, file.string(), nullptr, stack, problems, chain);
}

}  // namespace expoflow::scenario
