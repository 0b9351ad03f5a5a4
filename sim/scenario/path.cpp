// Parameter paths: `gate[west].lanes_scale`, lookups and `path=value` overrides.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scenario/detail.hpp"
#include "scenario/document.hpp"

namespace expoflow::scenario {

namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

const std::string* id_of(const Node& n) {
  const Node* id = n.is_table() ? n.find("id") : nullptr;
  return id && id->kind == Node::Kind::string ? &id->text : nullptr;
}

// An array's element by its 0-based index written in decimal digits.
const Node* element_at(const Node& array, const std::string& id) {
  if (id.empty() || id.size() > 9 || !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return nullptr;
  const auto i = std::stoul(id);
  return i < array.items.size() ? &array.items[i] : nullptr;
}

// The element `[id]` of `container`: an array of tables matched by id, an array of values by its
// 0-based index (`weights[5]`) or, for a plain table (`access[metro]`), the member of that name.
const Node* select(const Node& container, const std::string& id) {
  if (container.is_array()) {
    for (const auto& item : container.items)
      if (const std::string* it = id_of(item); it && *it == id) return &item;
    if (!container.items.empty() && !container.items.front().is_table()) return element_at(container, id);
    return nullptr;
  }
  if (container.is_table()) return container.find(id);
  return nullptr;
}

std::vector<std::string> ids_in(const Node& container) {
  std::vector<std::string> ids;
  if (container.is_array()) {
    for (const auto& item : container.items)
      if (const std::string* id = id_of(item)) ids.push_back(*id);
  } else if (container.is_table()) {
    for (const auto& [k, v] : container.members) ids.push_back(k);
  }
  return ids;
}

void set_origin(Node& n, const SourcePos& pos) {
  n.pos = pos;
  for (auto& [k, v] : n.members) set_origin(v, pos);
  for (auto& item : n.items) set_origin(item, pos);
}

}  // namespace

std::optional<std::vector<PathSegment>> parse_path(std::string_view path, std::string* error) {
  auto fail = [&](std::string message) -> std::optional<std::vector<PathSegment>> {
    if (error) *error = std::move(message);
    return std::nullopt;
  };
  if (path.empty()) return fail("empty path");
  std::vector<PathSegment> segments;
  std::size_t i = 0;
  while (true) {
    PathSegment segment;
    const std::size_t start = i;
    while (i < path.size() && is_key_char(path[i])) ++i;
    segment.key = std::string(path.substr(start, i - start));
    if (segment.key.empty()) {
      if (i < path.size())
        return fail(fmt::format("unexpected '{}' at column {} of '{}'", path[i], i + 1, path));
      return fail(fmt::format("missing key at the end of '{}'", path));
    }
    if (i < path.size() && path[i] == '[') {
      const std::size_t close = path.find(']', i + 1);
      if (close == std::string_view::npos) return fail(fmt::format("missing ']' in '{}'", path));
      std::string id(path.substr(i + 1, close - i - 1));
      if (id.empty()) return fail(fmt::format("empty id in '{}'", path));
      if (id.find('[') != std::string::npos)
        return fail(fmt::format("unexpected '[' inside an id in '{}'", path));
      segment.id = std::move(id);
      i = close + 1;
    }
    segments.push_back(std::move(segment));
    if (i == path.size()) break;
    if (path[i] != '.')
      return fail(fmt::format("unexpected '{}' at column {} of '{}'", path[i], i + 1, path));
    ++i;
  }
  return segments;
}

const Node* lookup(const Node& root, std::string_view path) {
  auto segments = parse_path(path, nullptr);
  if (!segments) return nullptr;
  const Node* at = &root;
  for (const auto& s : *segments) {
    at = at->is_table() ? at->find(s.key) : nullptr;
    if (at && s.id) at = select(*at, *s.id);
    if (!at) return nullptr;
  }
  return at;
}

Node* lookup(Node& root, std::string_view path) {
  return const_cast<Node*>(lookup(static_cast<const Node&>(root), path));
}

std::string missing_value(const Node& root, std::string_view path) {
  const std::string head = fmt::format("no value at '{}' in the scenario", path);
  std::string error;
  auto segments = parse_path(path, &error);
  if (!segments) return head + ": " + error;
  const Node* at = &root;
  std::string walked;
  for (const auto& s : *segments) {
    const Node* next = at->is_table() ? at->find(s.key) : nullptr;
    if (!next) {
      const std::string where = walked.empty() ? "" : fmt::format(" in '{}'", walked);
      return detail::unknown_name(fmt::format("{}: no key '{}'{}", head, s.key, where), s.key, ids_in(*at));
    }
    walked += (walked.empty() ? "" : ".") + s.key;
    if (s.id) {
      const Node* element = select(*next, *s.id);
      if (!element)
        return detail::unknown_name(fmt::format("{}: unknown id '{}' in '{}'", head, *s.id, walked), *s.id,
                                    ids_in(*next));
      walked += "[" + *s.id + "]";
      next = element;
    }
    at = next;
  }
  return head;
}

namespace {

std::string join_path(const std::vector<PathSegment>& segments, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) {
    if (i) out += '.';
    out += segments[i].key;
    if (segments[i].id) out += "[" + *segments[i].id + "]";
  }
  return out;
}

// The table holding `path`'s value and the value's key in it: `a.b.c` -> (`a.b`, `c`);
// `a.b[c]` (a member chosen by name) -> (`a.b`, `c`).
std::pair<std::string, std::string> split_parent(const std::string& path) {
  auto segments = parse_path(path, nullptr);
  if (!segments || segments->empty()) return {"", ""};
  auto last = segments->back();
  if (last.id) {
    std::vector<PathSegment> parent(segments->begin(), segments->end());
    parent.back().id.reset();
    return {join_path(parent, parent.size()), *last.id};
  }
  return {join_path(*segments, segments->size() - 1), last.key};
}

bool is_share_table(const Node& t) {
  if (!t.is_table() || t.members.size() < 2) return false;
  double sum = 0;
  for (auto& [k, v] : t.members) {
    if (!v.is_number()) return false;
    sum += v.number();
  }
  return std::abs(sum - 1.0) <= 1e-6;
}

}  // namespace

std::optional<ShareVector> share_vector_of(const Node& root, const std::string& path, bool* is_residual) {
  const auto [parent_path, key] = split_parent(path);
  const Node* parent = parent_path.empty() ? &root : lookup(root, parent_path);
  if (!parent || !is_share_table(*parent)) return std::nullopt;
  if (is_residual) *is_residual = parent->members.back().first == key;
  ShareVector v{parent_path, parent_path + "." + parent->members.back().first, {}};
  for (std::size_t i = 0; i + 1 < parent->members.size(); ++i)
    v.member_paths.push_back(parent_path + "." + parent->members[i].first);
  return v;
}

bool rebalance(Node& root, const ShareVector& v, std::string* error) {
  double sum = 0;
  for (const auto& m : v.member_paths) sum += lookup(root, m)->number();
  const double residual = 1.0 - sum;
  if (residual < -1e-9) {
    if (error)
      *error = fmt::format("{} would be {:.6g} (1 - the other members of {}), below 0", v.residual_path, residual,
                           v.table_path);
    return false;
  }
  Node* r = lookup(root, v.residual_path);
  r->kind = Node::Kind::floating;
  r->floating = std::max(0.0, residual);
  return true;
}

bool apply_override(Node& root, std::string_view assignment, const std::string& origin,
                    Problems& problems) {
  const SourcePos pos{origin, 0, 0};
  const std::size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    problems.error(pos, "", fmt::format("expected path=value, got '{}'", assignment));
    return false;
  }
  const std::string path(trim(assignment.substr(0, eq)));
  const std::string_view value_text = trim(assignment.substr(eq + 1));

  std::string error;
  auto segments = parse_path(path, &error);
  if (!segments) {
    problems.error(pos, path, "bad parameter path: " + error);
    return false;
  }
  if (value_text.empty()) {
    problems.error(pos, path, "missing value after '='");
    return false;
  }
  Problems value_problems;
  auto doc = parse("v = " + std::string(value_text), origin, value_problems);
  const Node* parsed = doc ? doc->find("v") : nullptr;
  if (!parsed || doc->members.size() != 1) {
    std::string why;
    if (!value_problems.empty()) why = ": " + value_problems.list().front().message;
    problems.error(pos, path, fmt::format("bad value '{}'{}", value_text, why));
    return false;
  }
  Node value = *parsed;
  set_origin(value, pos);

  // Walk down, creating missing tables but never missing array elements. Each table on the way
  // is now last written by the override and takes its position (as a file that extends another
  // does, document.cpp): a problem of the table as a whole, such as shares that no longer sum to
  // 1, names the --set that changed it.
  Node* at = &root;
  std::string walked;
  for (std::size_t k = 0; k < segments->size(); ++k) {
    const PathSegment& s = (*segments)[k];
    const bool last = k + 1 == segments->size();
    if (!at->is_table()) {
      problems.error(pos, path, fmt::format("'{}' is {}, not a table", walked, at->type_name()));
      return false;
    }
    if (!walked.empty()) walked += '.';
    walked += s.key;
    Node* next = at->find(s.key);
    if (!s.id) {
      if (last) {
        if (next)
          *next = std::move(value);
        else
          at->members.emplace_back(s.key, std::move(value));
        return true;
      }
      if (!next) {
        at->members.emplace_back(s.key, Node{});
        next = &at->members.back().second;
      }
      if (next->is_table()) next->pos = pos;
      at = next;
      continue;
    }
    if (!next) {
      problems.error(pos, path, fmt::format("no '{}' to choose '{}' from", walked, *s.id));
      return false;
    }
    Node* element = const_cast<Node*>(select(*next, *s.id));
    if (!element) {
      if (next->is_array() && !next->items.empty() && !next->items.front().is_table()) {
        problems.error(pos, path, fmt::format("'{}' has {} elements: an index from 0 to {}, not '{}'", walked,
                                              next->items.size(), next->items.size() - 1, *s.id));
        return false;
      }
      problems.error(pos, path,
                     detail::unknown_name(fmt::format("unknown id '{}' in '{}'", *s.id, walked), *s.id, ids_in(*next)));
      return false;
    }
    walked += "[" + *s.id + "]";
    element->pos = pos;
    if (last) {
      // Replacing a whole element keeps its id, so it can still be found by it.
      const bool keep_id = next->is_array() && value.is_table() && !value.find("id");
      Node id = keep_id ? *element->find("id") : Node{};
      *element = std::move(value);
      if (keep_id) element->members.insert(element->members.begin(), {"id", std::move(id)});
      return true;
    }
    at = element;
  }
  return true;
}

}  // namespace expoflow::scenario
