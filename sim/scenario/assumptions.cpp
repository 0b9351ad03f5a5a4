// [[assumption]]: the values a sensitivity study moves, each checked to make a valid scenario at
// both ends of its range.
#include <fmt/format.h>

#include <algorithm>

#include "scenario/detail.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::scenario::detail {

namespace {

// `path=value` for each value that changes when `a.path` takes `value`: the value itself and, in
// a share vector, the residual. Nothing (and *error) when the residual would be negative.
std::optional<std::vector<std::string>> side_overrides(const Node& tree, const AssumptionDef& a, double value,
                                                       std::string* error) {
  std::vector<std::string> out{fmt::format("{}={}", a.path, value)};
  auto shares = share_vector_of(tree, a.path);
  if (!shares) return out;
  Node t = tree;
  Node* n = lookup(t, a.path);
  n->kind = Node::Kind::floating;
  n->floating = value;
  if (!rebalance(t, *shares, error)) return std::nullopt;
  out.push_back(fmt::format("{}={}", shares->residual_path, lookup(t, shares->residual_path)->number()));
  return out;
}

// The problems of the scenario with `overrides` applied (and no assumptions, so that the check
// does not recurse), as one line; "" when it builds.
std::string variant_problems(const Node& tree, const std::vector<std::string>& overrides, const std::string& file) {
  Node t = tree;
  std::erase_if(t.members, [](const auto& m) { return m.first == "assumption"; });
  Problems problems;
  for (const auto& o : overrides) apply_override(t, o, file, problems);
  if (problems.empty()) build_scenario(t, file, problems);
  if (problems.empty()) return "";
  const Problem& p = problems.list().front();
  return p.path.empty() ? p.message : p.path + ": " + p.message;
}

}  // namespace

std::vector<AssumptionDef> read_assumptions(Reader& root, const Node& tree, const std::string& file,
                                            bool check_variants) {
  std::vector<AssumptionDef> out;
  for (auto& r : root.tables("assumption")) {
    AssumptionDef a;
    a.pos = r.pos();
    a.path = r.string("path");
    a.label = r.string("label", a.path);
    a.source = r.string("source");
    const std::size_t before = r.problems().size();
    const Node* n = a.path.empty() ? nullptr : lookup(tree, a.path);
    bool residual = false;
    if (a.path.empty()) {
      // reported by string() as missing
    } else if (!n) {
      r.error("path", missing_value(tree, a.path));
    } else if (!n->is_number()) {
      r.error("path", fmt::format("'{}' is {}, not a number", a.path, n->type_name()));
    } else if (auto shares = share_vector_of(tree, a.path, &residual); shares && residual) {
      r.error("path", fmt::format("is the residual member of the share vector '{}' (it takes 1 - the others); "
                                  "make one of the other members the assumption",
                                  shares->table_path));
    } else {
      a.value = n->number();
    }
    if (std::any_of(out.begin(), out.end(), [&](const AssumptionDef& x) { return x.path == a.path; }))
      r.error("path", fmt::format("'{}' is already an assumption", a.path));
    a.low = r.number("low", std::min(0.5 * a.value, 1.5 * a.value));
    a.high = r.number("high", std::max(0.5 * a.value, 1.5 * a.value));
    const bool resolved = r.problems().size() == before;
    if (resolved && !(a.low < a.high))
      r.error(r.has("high") ? "high" : "low",
              a.value == 0 && !r.has("low") && !r.has("high")
                  ? std::string("the scenario's value is 0, so ±50% is no range: give low and high")
                  : fmt::format("low must be below high, got low = {}, high = {}", show_number(a.low),
                                show_number(a.high)));
    if (r.problems().size() == before) {
      const char* keys[] = {"low", "high"};
      for (std::size_t side = 0; side < 2; ++side) {
        const double v = side ? a.high : a.low;
        std::string why;
        auto overrides = side_overrides(tree, a, v, &why);
        if (overrides && check_variants) why = variant_problems(tree, *overrides, file);
        if (!why.empty())
          r.error(r.has(keys[side]) ? keys[side] : "path",
                  fmt::format("with {} = {} the scenario is not valid: {}", keys[side], show_number(v), why));
        else if (overrides)
          a.overrides[side] = std::move(*overrides);
      }
    }
    r.finish();
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace expoflow::scenario::detail
