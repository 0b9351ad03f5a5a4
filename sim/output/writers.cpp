#include "output/writers.hpp"

#include <cstdio>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

#include "observe/probes.hpp"
#include "output/kpi_names.hpp"
#include "output/scopes.hpp"
#include "support/text.hpp"

namespace expoflow::output {

namespace fs = std::filesystem;
using observe::Metric;
using observe::Place;
using scenario::PlaceKind;


namespace {

// The mean of an indicator over the replications (an error if there is no such indicator).
double kpi_mean(const Ensemble& e, std::uint32_t place, observe::Metric metric) { return e.kpi({place, metric}).mean(); }

double bin_start(std::size_t b, double bin_s) { return static_cast<double>(b) * bin_s; }

// "start_s,clock," of every bin: the first two columns of the per-bin tables, formatted once.
std::vector<std::string> bin_prefixes(std::size_t bins, double bin_s) {
  std::vector<std::string> out(bins);
  for (std::size_t b = 0; b < bins; ++b)
    out[b] = fmt::format("{},{},", bin_start(b, bin_s), clock_label(bin_start(b, bin_s)));
  return out;
}

void append(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// A table in long format with a row per place, group (a counted kind, say) and time bin, in that
// order, under `header`. For each, `fill(p, group, b, row)` decides whether there is a row; if so
// it writes the row's own columns to `row()`, which first writes the columns every such row starts
// with: bin start (s), clock, place, place kind; `compact`: bin start and place only (a file kept
// small enough to commit).
template <class Fill>
std::string per_bin_table(const Ensemble& e, std::string_view header, std::size_t groups, Fill&& fill,
                          bool compact = false) {
  const auto& places = e.sim->places();
  const std::size_t bins = e.sim->num_bins();
  auto prefix = bin_prefixes(bins, e.sim->scenario().bin_s);
  if (compact)
    for (std::size_t b = 0; b < bins; ++b) prefix[b] = fmt::format("{},", bin_start(b, e.sim->scenario().bin_s));
  fmt::memory_buffer out;
  append(out, header);
  auto to = std::back_inserter(out);
  for (std::size_t p = 0; p < places.size(); ++p)
    for (std::size_t g = 0; g < groups; ++g)
      for (std::size_t b = 0; b < bins; ++b)
        fill(p, g, b, [&] {
          if (compact) return fmt::format_to(to, FMT_COMPILE("{}{},"), prefix[b], places[p].id);
          return fmt::format_to(to, FMT_COMPILE("{}{},{},"), prefix[b], places[p].id,
                                scenario::place_kind_name(places[p].kind));
        });
  return fmt::to_string(out);
}

// Rounded to a whole number, with thousands separators.
std::string fmt_num(double x) { return support::group_thousands(std::to_string(std::llround(x))); }

// "[lo – hi]" with the ends written by `text`, or "—" where a single replication gives no interval.
template <class Text>
std::string interval_text(const Interval& ci, Text&& text) {
  return ci.exists ? fmt::format("[{} – {}]", text(ci.lo), text(ci.hi)) : "—";
}


// A fitted equality on a count in a window: one of the reported totals.
bool is_plain_total(const scenario::ObservedDef& o) {
  return o.fit && o.bound == scenario::ObservedBound::equal && o.statistic == scenario::Statistic::total;
}

// The other observations: bounds and checks of when things happen, each with its criterion and
// whether the simulation meets it.
std::string patterns_table(const Ensemble& e) {
  const auto& s = e.sim->scenario();
  std::string out = fmt::format("\n{:<26} {:>10} {:>12} {:>27} {:>9} {:>18} {:>7}\n", "reported pattern",
                                "observed", "simulated", "95% interval", "residual", "criterion", "");
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    const auto& o = s.observed[i];
    if (is_plain_total(o)) continue;
    const Interval ci = nonnegative_interval95(e.observed[i]);
    const observe::Assessment a = observe::assess(o, ci.mean);
    out += fmt::format("{:<26} {:>10} {:>12} {:>27} {:>9} {:>18} {:>7}\n", o.id, observe::value_text(o, o.value),
                       observe::value_text(o, ci.mean),
                       interval_text(ci, [&](double x) { return observe::value_text(o, x); }),
                       observe::residual_text(o, a), (o.fit ? "fitted " : "") + observe::criterion_text(o),
                       a.ok ? "ok" : "OUTSIDE");
  }
  return out;
}

}  // namespace

std::string summary_json(const Ensemble& e, const nlohmann::ordered_json& made_by) {
  const auto& s = e.sim->scenario();
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["title"] = s.title;
  for (const auto& [key, value] : made_by.items()) j[key] = value;
  j["observations"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    const auto& o = s.observed[i];
    const Interval ci = nonnegative_interval95(e.observed[i]);
    nlohmann::ordered_json x;
    x["name"] = o.id;
    x["observed"] = o.value;
    x["simulated"] = ci.mean;
    x["simulated_ci95"] = interval_json(ci);
    const observe::Assessment a = observe::assess(o, ci.mean);
    x["statistic"] = scenario::statistic_name(o.statistic);
    x["fit"] = o.fit;
    x["bound"] = scenario::observed_bound_name(o.bound);
    x["criterion"] = observe::criterion_text(o);
    if (a.relative) x["rel_error"] = a.residual;
    else x["residual"] = a.residual;
    x["residual_text"] = observe::residual_text(o, a);
    x["observed_text"] = observe::value_text(o, o.value);
    x["simulated_text"] = observe::value_text(o, ci.mean);
    x["simulated_ci95_text"] = interval_json(ci, [&](double v) { return observe::value_text(o, v); });
    x["within"] = a.ok;
    x["window"] = {clock_label(o.from_s), clock_label(o.to_s)};
    x["source"] = o.source;
    j["observations"].push_back(x);
  }
  nlohmann::ordered_json k = nlohmann::ordered_json::object();
  for (auto& [id, t] : e.kpis) {
    if (id.scope != 0) continue;
    const Interval ci = nonnegative_interval95(t);  // every indicator is a count, wait, peak or share
    k[kpi_name(id, e.sim->places())] = {{"mean", ci.mean}, {"ci95", interval_json(ci)}};
  }
  j["kpis"] = k;
  j["scopes"] = scopes_json(e);
  // Level of service of each metro platform at its mean peak occupancy (Fruin, queueing areas).
  nlohmann::ordered_json los = nlohmann::ordered_json::object();
  for (const auto& line : e.sim->kpi_places().lines)
    if (line.metro) {
      const Place& p = e.sim->places()[line.platform];
      const double peak = kpi_mean(e, line.place, Metric::platform_peak);
      los[p.id] = {{"peak_persons", peak}, {"area_m2", p.area_m2},
                   {"m2_per_person", peak > 0 ? nlohmann::ordered_json(p.area_m2 / peak) : nlohmann::ordered_json()},
                   {"level_of_service", std::string(1, model::fruin_los(p, peak))}};
    }
  j["level_of_service"] = los;
  const double n = static_cast<double>(std::max<std::uint32_t>(1, e.count));
  j["demand"] = {{"persons_per_replication", e.persons_generated / n},
                 {"persons_inside_at_horizon", e.persons_left_inside / n}};
  return j.dump(2) + "\n";
}

std::string counts_csv(const Ensemble& e) {
  return per_bin_table(e, "bin_start_s,clock,place,place_kind,counter,persons,vehicles\n", observe::kNumCounted,
                       [&](std::size_t p, std::size_t k, std::size_t b, auto&& row) {
                         const double persons = e.mean(p, Series(kPersons + k), b);
                         const double vehicles = e.mean(p, Series(kVehicles + k), b);
                         if (persons == 0 && vehicles == 0) return;
                         fmt::format_to(row(), FMT_COMPILE("{},{:.6g},{:.6g}\n"),
                                        scenario::record_kind_name(observe::kCountedKinds[k]), persons, vehicles);
                       });
}

std::string queues_csv(const Ensemble& e) {
  return per_bin_table(
      e, "bin_start_s,clock,place,place_kind,queue_mean,queue_max,served,wait_mean_s,wait_max_s,wait_p50_s,wait_p95_s\n", 1,
      [&](std::size_t p, std::size_t, std::size_t b, auto&& row) {
        const double qmean = e.mean(p, kQueueMean, b), qmax = e.mean(p, kQueueMax, b);
        const double n = e.mean(p, kWaitN, b), wsum = e.mean(p, kWaitSum, b), wmax = e.mean(p, kWaitMax, b);
        if (qmax == 0 && n == 0) return;
        // Each replication's percentiles of the bin, averaged over the replications that served
        // anyone in it (entrances and taxi stands only).
        std::string p50, p95;
        if (const auto median = e.wait_percentile(p, kWaitP50, b)) {
          p50 = fmt::format(FMT_COMPILE("{:.6g}"), *median);
          p95 = fmt::format(FMT_COMPILE("{:.6g}"), *e.wait_percentile(p, kWaitP95, b));
        }
        fmt::format_to(row(), FMT_COMPILE("{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{},{}\n"), qmean, qmax, n,
                       n > 0 ? wsum / n : 0.0, wmax, p50, p95);
      });
}

std::string occupancy_csv(const Ensemble& e) {
  return per_bin_table(
      e, "bin_start_s,clock,place,place_kind,occupancy_mean,occupancy_max,capacity,area_m2,level_of_service\n", 1,
      [&](std::size_t p, std::size_t, std::size_t b, auto&& row) {
        const double omean = e.mean(p, kOccupancyMean, b), omax = e.mean(p, kOccupancyMax, b);
        if (omax == 0) return;
        const Place& pl = e.sim->places()[p];
        const std::string los = pl.area_m2 > 0 && !pl.counts_vehicles && pl.kind != PlaceKind::hall
                                    ? std::string(1, model::fruin_los(pl, omax)) : "";
        fmt::format_to(row(), FMT_COMPILE("{:.6g},{:.6g},{:.6g},{:.6g},{}\n"), omean, omax, pl.capacity, pl.area_m2, los);
      });
}

std::string series_csv(const Ensemble& e) {
  // A mean and the half-width of its 95% t-interval over `n` values, both to three significant
  // digits; both empty where the mean is zero, the half-width alone with a single value.
  const auto mean_ci = [](std::uint64_t n, const BinSums& sums, std::size_t b) {
    const Interval ci = confidence_interval95(n, sums.sum(b), sums.sum_sq(b));
    if (ci.mean == 0) return std::string(",");
    if (!ci.exists) return fmt::format(FMT_COMPILE("{},"), support::three_significant(ci.mean));
    return fmt::format(FMT_COMPILE("{},{}"), support::three_significant(ci.mean),
                       support::three_significant(ci.half_width));
  };
  return per_bin_table(
      e,
      "bin_start_s,place,queue_mean,queue_ci95,occupancy_mean,occupancy_ci95,served,served_ci95,"
      "wait_p50_s,wait_p50_ci95,wait_p95_s,wait_p95_ci95\n",
      1, [&](std::size_t p, std::size_t, std::size_t b, auto&& row) {
        const auto& s = e.places[p].series;
        const auto served = static_cast<std::uint64_t>(s[kWaitServed].sum(b));  // replications serving anyone
        if (s[kQueueMean].sum(b) == 0 && s[kOccupancyMean].sum(b) == 0 && s[kWaitN].sum(b) == 0 && served == 0) return;
        fmt::format_to(row(), FMT_COMPILE("{},{},{},{},{}\n"), mean_ci(e.count, s[kQueueMean], b),
                       mean_ci(e.count, s[kOccupancyMean], b), mean_ci(e.count, s[kWaitN], b),
                       mean_ci(served, s[kWaitP50], b), mean_ci(served, s[kWaitP95], b));
      },
      true);
}

std::string overrides_text(const std::vector<std::string>& overrides) {
  std::string out;
  for (const auto& o : overrides) out += " --set " + o;
  return out;
}

std::string comparison_table(const Ensemble& e, const std::string& overrides) {
  const auto& s = e.sim->scenario();
  const auto& places = e.sim->places();
  const observe::KpiPlaces& at = e.sim->kpi_places();
  std::string out;
  out += fmt::format("\n{}{} — {} replication(s), seed {}\n\n", s.title, overrides, e.settings.replications,
                     e.settings.seed);
  out += fmt::format("{:<26} {:>10} {:>12} {:>27} {:>9}\n", "reported total", "observed", "simulated",
                     "95% interval", "error");
  bool any_pattern = false;
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    if (!is_plain_total(s.observed[i])) {
      any_pattern = true;
      continue;
    }
    const Interval ci = nonnegative_interval95(e.observed[i]);
    const double err = observe::assess(s.observed[i], ci.mean).residual;
    out += fmt::format("{:<26} {:>10} {:>12} {:>27} {:>+8.1f}%\n", s.observed[i].id, fmt_num(s.observed[i].value),
                       fmt_num(ci.mean), interval_text(ci, fmt_num), 100 * err);
  }
  if (any_pattern) out += patterns_table(e);
  out += fmt::format("\n{:<26} {:>12} {:>14} {:>14}\n", "entrance", "peak queue", "wait p95 (min)",
                     "wait mean (min)");
  for (const std::uint32_t g : at.gates)
    out += fmt::format("{:<26} {:>12} {:>14.1f} {:>14.1f}\n", places[g].id, fmt_num(kpi_mean(e, g, Metric::peak_queue)),
                       kpi_mean(e, g, Metric::wait_p95_s) / 60, kpi_mean(e, g, Metric::wait_mean_s) / 60);
  out += fmt::format("\n{:<26} {:>14} {:>5} {:>17} {:>12}\n", "line", "platform peak", "LOS", "denied boardings",
                     "boardings");
  for (const auto& line : at.lines) {
    std::string peak = "-", los = "-";
    if (line.metro) {
      const double v = kpi_mean(e, line.place, Metric::platform_peak);
      peak = fmt_num(v);
      los = std::string(1, model::fruin_los(places[line.platform], v));
    }
    out += fmt::format("{:<26} {:>14} {:>5} {:>17} {:>12}\n", places[line.place].id, peak, los,
                       fmt_num(kpi_mean(e, line.place, Metric::denied_boardings)),
                       fmt_num(kpi_mean(e, line.place, Metric::boardings)));
  }
  for (const auto& stand : at.taxi_stands) {
    const std::uint32_t p = stand.parties;
    out += fmt::format("\n{}: party wait mean {:.1f} min, p95 {:.1f} min, peak {} persons queueing; "
                       "cab wait mean {:.1f} min, peak {} cabs in the rank\n",
                       places[p].id, kpi_mean(e, p, Metric::party_wait_mean_s) / 60,
                       kpi_mean(e, p, Metric::party_wait_p95_s) / 60, fmt_num(kpi_mean(e, p, Metric::peak_parties_waiting)),
                       kpi_mean(e, p, Metric::cab_wait_mean_s) / 60, fmt_num(kpi_mean(e, p, Metric::peak_cabs_waiting)));
  }
  out += fmt::format("\n{:<26} {:>10} {:>16} {:>12}\n", "car park / lot", "spaces", "peak occupancy", "peak queue");
  for (const std::uint32_t l : at.lots)
    out += fmt::format("{:<26} {:>10} {:>16} {:>12}\n", places[l].id, fmt_num(places[l].capacity),
                       fmt_num(kpi_mean(e, l, Metric::peak_occupancy)), fmt_num(kpi_mean(e, l, Metric::peak_queue)));
  out += fmt::format("\nhalls peak occupancy {} persons; densest walkway peak {:.2f} persons/m²\n",
                     fmt_num(kpi_mean(e, at.hall, Metric::peak_occupancy)),
                     kpi_mean(e, observe::kWholeSite, Metric::densest_walkway_peak));
  return out;
}

}  // namespace expoflow::output
