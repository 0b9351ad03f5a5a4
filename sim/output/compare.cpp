#include "output/compare.hpp"

#include <algorithm>
#include <unordered_map>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <nlohmann/json.hpp>

#include "observe/probes.hpp"
#include "output/kpi_names.hpp"
#include "output/scopes.hpp"
#include "output/writers.hpp"

namespace expoflow::output {

double ComparedValue::variance_reduction() const {
  const double independent = base.variance() + variant.variance();
  const double paired = diff.variance();
  if (paired > 0) return independent / paired;
  return independent > 0 ? std::numeric_limits<double>::infinity() : 1.0;
}

bool ComparedValue::significant() const {
  const Interval ci = confidence_interval95(diff);
  return ci.lo > 0 || ci.hi < 0;
}

namespace {

// Base and variant values of one quantity, replication by replication, and their differences.
ComparedValue paired(const std::string& name, bool observed, const std::vector<double>& base,
                     const std::vector<double>& variant, std::size_t reps) {
  ComparedValue v;
  v.name = name;
  v.observed = observed;
  for (std::size_t r = 0; r < reps; ++r) {
    const double b = base[r], x = variant[r], d = x - b;
    v.base.add(b);
    v.variant.add(x);
    v.diff.add(d);
    v.diff_sum += d;
    v.diff_sum_sq += d * d;
  }
  return v;
}

}  // namespace

Comparison compare(const Ensemble& base, const Ensemble& variant) {
  Comparison c;
  c.base_name = base.sim->scenario().name;
  c.variant_name = variant.sim->scenario().name;
  c.settings = base.settings;
  const std::size_t reps = std::min(base.count, variant.count);
  const auto& bo = base.sim->scenario().observed;
  const auto& vo = variant.sim->scenario().observed;
  for (std::size_t i = 0; i < bo.size(); ++i)
    for (std::size_t j = 0; j < vo.size(); ++j)
      if (bo[i].id == vo[j].id) {
        c.values.push_back(paired(bo[i].id, true, base.observed_values[i], variant.observed_values[j], reps));
        c.values.back().statistic = bo[i].statistic;
      }
  if (reps == 0) return c;
  // Indicators by name: the two simulations number their places each their own way.
  // The hours are compared bin by bin (comparison_bins.csv), not here.
  auto kind = [](const Ensemble& e, observe::KpiId id) { return e.sim->scopes()[id.scope].kind; };
  std::unordered_map<std::string, std::size_t> variant_index;
  for (std::size_t j = 0; j < variant.kpis.size(); ++j)
    if (kind(variant, variant.kpis[j].first) != observe::Scope::Kind::hour)
      variant_index.emplace(kpi_name(variant.kpis[j].first, *variant.sim), j);
  for (std::size_t i = 0; i < base.kpis.size(); ++i) {
    if (kind(base, base.kpis[i].first) == observe::Scope::Kind::hour) continue;
    const std::string name = kpi_name(base.kpis[i].first, *base.sim);
    if (const auto j = variant_index.find(name); j != variant_index.end()) {
      c.values.push_back(paired(name, false, base.kpi_values[i], variant.kpi_values[j->second], reps));
      c.values.back().of_a_day = kind(base, base.kpis[i].first) == observe::Scope::Kind::day;
    }
  }
  return c;
}

namespace {
std::string num(double x) {
  if (std::isinf(x)) return "inf";
  if (std::abs(x) >= 1000) return fmt::format("{:.0f}", x);
  return fmt::format("{:.4g}", x);
}
}  // namespace

std::string comparison_text(const Comparison& c) {
  std::string out = fmt::format("\nbase {} vs variant {}{} — {} paired replication(s), seed {} (common random numbers)\n\n",
                                c.base_name, c.variant_name, overrides_text(c.variant_overrides), c.settings.replications, c.settings.seed);
  out += fmt::format("{:<52} {:>12} {:>12} {:>12} {:>25} {:>9}\n", "value", "base", "variant", "difference",
                     "95% interval", "var. red.");
  for (const auto& v : c.values) {
    if (v.base.mean() == 0 && v.variant.mean() == 0 && v.diff.variance() == 0) continue;  // never happened
    if (v.of_a_day) continue;
    const Interval ci = confidence_interval95(v.diff);
    // A level (base, variant) and a difference in the units a planner reads them in.
    scenario::ObservedDef as;
    as.statistic = v.statistic;
    const bool counts = v.statistic == scenario::Statistic::total || v.statistic == scenario::Statistic::max_hourly;
    auto level = [&](double x) { return counts ? num(x) : observe::value_text(as, x); };
    auto change = [&](double d) {
      if (v.statistic == scenario::Statistic::peak_hour) return num(d / 60) + " min";
      return v.statistic == scenario::Statistic::share_before ? num(100 * d) + " pts" : num(d);
    };
    out += fmt::format("{:<52} {:>12} {:>12} {:>12} {:>25} {:>9} {}\n", v.name, level(v.base.mean()),
                       level(v.variant.mean()), change(ci.mean), fmt::format("[{}, {}]", change(ci.lo), change(ci.hi)),
                       num(v.variance_reduction()), v.significant() ? "*" : "");
  }
  out += "\n* the 95% interval of the paired difference excludes zero. var. red.: variance of the difference\n"
         "  with independent random numbers over that with common random numbers.\n";
  return out;
}

std::string comparison_json(const Comparison& c, const nlohmann::ordered_json& made_by) {
  nlohmann::ordered_json j;
  j["base"] = c.base_name;
  j["variant"] = c.variant_name;
  for (const auto& [key, value] : made_by.items()) j[key] = value;
  j["values"] = nlohmann::ordered_json::array();
  for (const auto& v : c.values) {
    const Interval ci = confidence_interval95(v.diff);
    const double vr = v.variance_reduction();
    j["values"].push_back({{"name", v.name},
                           {"observed_total", v.observed},
                           {"base", v.base.mean()},
                           {"variant", v.variant.mean()},
                           {"difference", ci.mean},
                           {"difference_ci95", {ci.lo, ci.hi}},
                           {"significant", v.significant()},
                           {"variance_reduction", std::isinf(vr) ? nlohmann::ordered_json() : nlohmann::ordered_json(vr)}});
  }
  // Each event window of the variant, with the places whose queue and wait changed most in it.
  j["windows"] = nlohmann::ordered_json::array();
  for (const auto& w : c.windows) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    for (const auto& x : w.changes)
      changes.push_back({{"place", x.place},
                         {"place_kind", x.place_kind},
                         {"metric", kBinMetricNames[x.metric]},
                         {"base", x.base},
                         {"variant", x.variant},
                         {"difference", x.diff.mean},
                         {"difference_ci95", interval_json(x.diff)}});
    j["windows"].push_back({{"event", w.window.name},
                            {"kind", w.window.kind},
                            {"target", w.window.target},
                            {"from_s", w.window.from_s},
                            {"to_s", w.window.to_s},
                            {"from", clock_label(w.window.from_s)},
                            {"to", clock_label(w.window.to_s)},
                            {"changed_most", changes}});
  }
  return j.dump(2) + "\n";
}

std::string comparison_csv(const Comparison& c) {
  std::string out = "name,observed_total,base,variant,difference,difference_lo,difference_hi,significant,variance_reduction\n";
  for (const auto& v : c.values) {
    const Interval ci = confidence_interval95(v.diff);
    out += fmt::format("{},{},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{},{}\n", v.name, v.observed ? 1 : 0,
                       v.base.mean(), v.variant.mean(), ci.mean, ci.lo, ci.hi, v.significant() ? 1 : 0,
                       num(v.variance_reduction()));
  }
  return out;
}

}  // namespace expoflow::output
