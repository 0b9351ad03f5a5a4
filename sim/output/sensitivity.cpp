#include "output/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "output/compare.hpp"
#include "output/kpi_names.hpp"

namespace expoflow::output {

namespace {

const char* const kSides[] = {"low", "high"};

std::string show(double x) {
  if (std::abs(x) >= 1000) return fmt::format("{:.0f}", x);
  return fmt::format("{:.4g}", x);
}

std::string signed_interval(const Tally& diff) {
  if (diff.count() == 0) return "n/a";
  const Interval ci = confidence_interval95(diff);
  const bool significant = ci.lo > 0 || ci.hi < 0;
  return fmt::format("{}{} [{}, {}]{}", ci.mean > 0 ? "+" : "", show(ci.mean), show(ci.lo), show(ci.hi),
                     significant ? "*" : " ");
}

// A CSV field: quoted when it holds a comma or a quote (a label may).
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

}  // namespace

std::vector<std::string> headline_indicators(const Ensemble& base) {
  using observe::Metric;
  const auto& places = base.sim->places();
  std::vector<std::string> out;
  auto add = [&](Metric m) {
    for (const auto& [id, t] : base.kpis)
      if (id.metric == m && id.scope == 0) out.push_back(kpi_name(id, places));
  };
  add(Metric::all_entrances_wait_p95_s);
  add(Metric::platform_peak);
  // Denied boardings of the lines with a platform (metro): where a crowd is left behind.
  for (const auto& [id, t] : base.kpis)
    if (id.metric == Metric::denied_boardings && id.scope == 0 &&
        std::any_of(base.kpis.begin(), base.kpis.end(), [&](const auto& k) {
          return k.first.place == id.place && k.first.metric == Metric::platform_peak;
        }))
      out.push_back(kpi_name(id, places));
  add(Metric::party_wait_p95_s);
  for (const auto& o : base.sim->scenario().observed) out.push_back(o.id);
  return out;
}

std::vector<std::string> indicator_names(const Ensemble& base) {
  std::vector<std::string> out;
  for (const auto& v : compare(base, base).values) out.push_back(v.name);
  return out;
}

Tornado::Tornado(const Ensemble& base, std::vector<scenario::AssumptionDef> moved,
                 std::vector<std::string> names)
    : scenario(base.sim->scenario().name), settings(base.settings), assumptions(std::move(moved)), base_(&base) {
  const Comparison itself = compare(base, base);
  for (auto& name : names) {
    TornadoIndicator ind{name, 0, {}};
    for (const auto& v : itself.values)
      if (v.name == name) ind.base_mean = v.base.mean();
    for (std::size_t k = 0; k < assumptions.size(); ++k) ind.bars.push_back(TornadoBar{k, {}, 0});
    indicators.push_back(std::move(ind));
  }
}

void Tornado::add(std::size_t k, int side, const Ensemble& variant) {
  const Comparison c = compare(*base_, variant);
  for (auto& ind : indicators)
    for (const auto& v : c.values)
      if (v.name == ind.name) {
        TornadoBar& bar = ind.bars[k];
        bar.diff[static_cast<std::size_t>(side)] = v.diff;
        bar.effect = std::max(std::abs(bar.diff[0].mean()), std::abs(bar.diff[1].mean()));
      }
}

void Tornado::rank() {
  for (auto& ind : indicators)
    std::stable_sort(ind.bars.begin(), ind.bars.end(),
                     [](const TornadoBar& a, const TornadoBar& b) { return a.effect > b.effect; });
}

std::string tornado_text(const Tornado& t, std::size_t top) {
  std::string out = fmt::format(
      "\nSensitivity of {} — {} assumption(s), each at its low and high value, {} paired replication(s), seed {} "
      "(common random numbers)\n",
      t.scenario, t.assumptions.size(), t.settings.replications, t.settings.seed);
  for (const auto& ind : t.indicators) {
    out += fmt::format("\n{}   base {}\n", ind.name, show(ind.base_mean));
    out += fmt::format("  {:>4}  {:<40} {:>10} {:>10}  {:<34} {:<34}\n", "rank", "assumption", "low", "high",
                       "difference at low [95%]", "difference at high [95%]");
    for (std::size_t i = 0; i < ind.bars.size() && i < top; ++i) {
      const TornadoBar& bar = ind.bars[i];
      const auto& a = t.assumptions[bar.assumption];
      out += fmt::format("  {:>4}  {:<40} {:>10} {:>10}  {:<34} {:<34}\n", i + 1, a.label, show(a.low), show(a.high),
                         signed_interval(bar.diff[0]), signed_interval(bar.diff[1]));
    }
  }
  out += "\n* the 95% interval of the paired difference (variant - base) excludes zero: at these replications the\n"
         "  assumption measurably moves the indicator. Ranked by the larger of the two mean differences.\n";
  return out;
}

std::string tornado_csv(const Tornado& t) {
  std::string out = "indicator,assumption,label,side,value,base_mean,diff_mean,ci95_lo,ci95_hi,rank\n";
  for (const auto& ind : t.indicators)
    for (std::size_t i = 0; i < ind.bars.size(); ++i) {
      const TornadoBar& bar = ind.bars[i];
      const auto& a = t.assumptions[bar.assumption];
      for (std::size_t side = 0; side < 2; ++side) {
        const Interval ci = confidence_interval95(bar.diff[side]);
        out += fmt::format("{},{},{},{},{:.10g},{:.10g},{:.10g},{:.10g},{:.10g},{}\n", csv_field(ind.name),
                           csv_field(a.path), csv_field(a.label), kSides[side], side ? a.high : a.low, ind.base_mean,
                           ci.mean, ci.lo, ci.hi, i + 1);
      }
    }
  return out;
}

std::string tornado_json(const Tornado& t) {
  using nlohmann::ordered_json;
  ordered_json j;
  j["scenario"] = t.scenario;
  j["seed"] = t.settings.seed;
  j["replications"] = t.settings.replications;
  j["assumptions"] = ordered_json::array();
  for (const auto& a : t.assumptions)
    j["assumptions"].push_back({{"path", a.path}, {"label", a.label}, {"source", a.source}, {"value", a.value},
                                {"low", a.low}, {"high", a.high}});
  j["indicators"] = ordered_json::array();
  for (const auto& ind : t.indicators) {
    ordered_json bars = ordered_json::array();
    for (std::size_t i = 0; i < ind.bars.size(); ++i) {
      const TornadoBar& bar = ind.bars[i];
      const auto& a = t.assumptions[bar.assumption];
      ordered_json b{{"rank", i + 1}, {"assumption", a.path}, {"label", a.label}, {"effect", bar.effect}};
      for (std::size_t side = 0; side < 2; ++side) {
        const Interval ci = confidence_interval95(bar.diff[side]);
        b[kSides[side]] = {{"value", side ? a.high : a.low}, {"difference", ci.mean}, {"difference_ci95", {ci.lo, ci.hi}}};
      }
      bars.push_back(std::move(b));
    }
    j["indicators"].push_back({{"name", ind.name}, {"base_mean", ind.base_mean}, {"bars", std::move(bars)}});
  }
  return j.dump(2) + "\n";
}

}  // namespace expoflow::output
