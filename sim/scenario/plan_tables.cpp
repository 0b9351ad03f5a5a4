// [[target]] and [[lever]]: what `expoflow plan` aims at and what it may change.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "scenario/detail.hpp"
#include "scenario/document.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::scenario::detail {

namespace {

// Whether --set could give `path` a value: it names one, or a key still missing from a table that
// is there (`gate[west].lanes_scale`, which takes its default until set).
bool settable(const Node& tree, const std::string& path) {
  Node t = tree;
  Problems ignored;
  return apply_override(t, path + "=0", "lever", ignored);
}

// The keys a target and a lever share: where the table is, what it names (`key`: its indicator,
// its path), its id (default: what it names) and its source.
template <class Def>
void read_named(Reader& r, const char* key, std::string Def::*named, Def& d) {
  d.pos = r.pos();
  d.*named = r.string(key);
  d.id = r.string("id", d.*named);
  d.source = r.string("source", "");
}

}  // namespace

std::vector<TargetDef> read_targets(Reader& root) {
  std::vector<TargetDef> out;
  for (auto& r : root.tables("target")) {
    TargetDef t;
    read_named(r, "indicator", &TargetDef::indicator, t);
    const bool has_max = r.has("max"), has_min = r.has("min");
    if (has_max && has_min) {
      r.number("max");
      r.number("min");
      r.error("min", "a target has one bound: max or min, not both");
    } else if (!has_max && !has_min) {
      r.error("", "a target needs a bound: max (the indicator at most) or min (at least)");
    } else {
      t.is_max = has_max;
      t.bound = r.number(has_max ? "max" : "min");
    }
    if (r.has("share")) {
      t.share = r.number("share");
      if (!(t.share > 0 && t.share < 1))
        r.error("share", fmt::format("must be between 0 and 1 (exclusive), got {}", show_number(t.share)));
      else if (has_min)
        r.error("share", "a share of waits over a bound goes with max (P(wait > max) <= share), not min");
    }
    t.confidence = r.number("confidence", 0.95);
    if (!(t.confidence > 0 && t.confidence < 1))
      r.error("confidence", fmt::format("must be between 0 and 1 (exclusive), got {}", show_number(t.confidence)));
    r.finish();
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<LeverDef> read_levers(Reader& root, const Node& tree) {
  std::vector<LeverDef> out;
  for (auto& r : root.tables("lever")) {
    LeverDef l;
    read_named(r, "path", &LeverDef::path, l);
    const Node* n = l.path.empty() ? nullptr : lookup(tree, l.path);
    if (l.path.empty()) {
      // reported by string() as missing
    } else if (!n && !settable(tree, l.path)) {
      r.error("path", missing_value(tree, l.path));
    } else if (n && !n->is_number()) {
      r.error("path", fmt::format("'{}' is {}, not a number", l.path, n->type_name()));
    } else if (std::any_of(out.begin(), out.end(), [&](const LeverDef& x) { return x.path == l.path; })) {
      r.error("path", fmt::format("'{}' is already a lever", l.path));
    }
    const std::size_t before = r.problems().size();
    l.min = r.number("min");
    l.max = r.number("max");
    l.step = r.positive("step", 1.0);
    l.cost = r.non_negative("cost", 1.0);
    if (r.problems().size() == before) {
      const double steps = (l.max - l.min) / l.step;
      if (!(l.min <= l.max))
        r.error("max", fmt::format("min must not exceed max, got min = {}, max = {}", show_number(l.min),
                                   show_number(l.max)));
      else if (std::abs(steps - std::round(steps)) > 1e-9 * std::max(1.0, steps))
        r.error("step", fmt::format("max - min = {} is not a whole number of steps of {}", show_number(l.max - l.min),
                                    show_number(l.step)));
      else if (steps > 1e6)
        r.error("step", fmt::format("at most 1000000 steps from min to max, got {}", show_number(steps)));
    }
    r.finish();
    out.push_back(std::move(l));
  }
  return out;
}

}  // namespace expoflow::scenario::detail
