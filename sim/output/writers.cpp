#include "output/writers.hpp"

#include <cstdio>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <unistd.h>

#include "support/text.hpp"

namespace expoflow::output {

namespace fs = std::filesystem;
using model::Place;
using scenario::PlaceKind;


namespace {

const Tally* find_kpi(const Ensemble& e, const std::string& name) {
  for (auto& [n, t] : e.kpis)
    if (n == name) return &t;
  return nullptr;
}

double kpi_mean(const Ensemble& e, const std::string& name) {
  const Tally* t = find_kpi(e, name);
  return t ? t->mean() : 0.0;
}

double bin_start(std::size_t b, double bin_s) { return static_cast<double>(b) * bin_s; }

// "start_s,clock," of every bin: the first two columns of the per-bin tables, formatted once.
std::vector<std::string> bin_prefixes(std::size_t bins, double bin_s) {
  std::vector<std::string> out(bins);
  for (std::size_t b = 0; b < bins; ++b)
    out[b] = fmt::format("{},{},", bin_start(b, bin_s), clock_label(bin_start(b, bin_s)));
  return out;
}

void append(fmt::memory_buffer& out, std::string_view text) { out.append(text.data(), text.data() + text.size()); }

// Rounded to a whole number, with thousands separators.
std::string fmt_num(double x) { return support::group_thousands(std::to_string(std::llround(x))); }

}  // namespace

std::string summary_json(const Ensemble& e, const std::string& version, const std::string& scenario_hash) {
  const auto& s = e.sim->scenario();
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["title"] = s.title;
  j["scenario_hash"] = scenario_hash;
  j["seed"] = e.settings.seed;
  j["replications"] = e.settings.replications;
  j["version"] = version;
  j["observations"] = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    const auto& o = s.observed[i];
    const Interval ci = confidence_interval95(e.observed[i]);
    nlohmann::ordered_json x;
    x["name"] = o.id;
    x["observed"] = o.value;
    x["simulated"] = ci.mean;
    x["simulated_ci95"] = {ci.lo, ci.hi};
    x["rel_error"] = (ci.mean - o.value) / o.value;
    x["window"] = {clock_label(o.from_s), clock_label(o.to_s)};
    x["source"] = o.source;
    j["observations"].push_back(x);
  }
  nlohmann::ordered_json k = nlohmann::ordered_json::object();
  for (auto& [name, t] : e.kpis) {
    const Interval ci = confidence_interval95(t);
    k[name] = {{"mean", ci.mean}, {"ci95", {ci.lo, ci.hi}}};
  }
  j["kpis"] = k;
  // Level of service of each metro platform at its mean peak occupancy (Fruin, queueing areas).
  nlohmann::ordered_json los = nlohmann::ordered_json::object();
  for (const Place& p : e.sim->places())
    if (p.kind == PlaceKind::platform) {
      const std::string line = p.id.substr(0, p.id.find(".platform"));
      const double peak = kpi_mean(e, line + ".platform_peak");
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
  const auto& places = e.sim->places();
  const std::size_t bins = e.sim->num_bins();
  const double bin_s = e.sim->scenario().bin_s;
  const auto prefix = bin_prefixes(bins, bin_s);
  fmt::memory_buffer out;
  append(out, "bin_start_s,clock,place,place_kind,counter,persons,vehicles\n");
  auto to = std::back_inserter(out);
  for (std::size_t p = 0; p < places.size(); ++p)
    for (std::size_t k = 0; k < model::kNumCounted; ++k)
      for (std::size_t b = 0; b < bins; ++b) {
        const double persons = e.mean(p, Series(kPersons + k), b);
        const double vehicles = e.mean(p, Series(kVehicles + k), b);
        if (persons == 0 && vehicles == 0) continue;
        fmt::format_to(to, FMT_COMPILE("{}{},{},{},{:.6g},{:.6g}\n"), prefix[b], places[p].id, scenario::place_kind_name(places[p].kind),
                       scenario::record_kind_name(model::kCountedKinds[k]), persons, vehicles);
      }
  return fmt::to_string(out);
}

std::string queues_csv(const Ensemble& e) {
  const auto& places = e.sim->places();
  const std::size_t bins = e.sim->num_bins();
  const double bin_s = e.sim->scenario().bin_s;
  const auto prefix = bin_prefixes(bins, bin_s);
  fmt::memory_buffer out;
  append(out, "bin_start_s,clock,place,place_kind,queue_mean,queue_max,served,wait_mean_s,wait_max_s,wait_p50_s,wait_p95_s\n");
  auto to = std::back_inserter(out);
  for (std::size_t p = 0; p < places.size(); ++p)
    for (std::size_t b = 0; b < bins; ++b) {
      const double qmean = e.mean(p, kQueueMean, b);
      const double qmax = e.mean(p, kQueueMax, b);
      const double n = e.mean(p, kWaitN, b);
      const double wsum = e.mean(p, kWaitSum, b);
      const double wmax = e.mean(p, kWaitMax, b);
      if (qmax == 0 && n == 0) continue;
      // Percentiles of the waits pooled over the replications (entrances and taxi stands only).
      std::string p50, p95;
      if (const auto& waits = e.places[p].waits; !waits.empty()) {
        const Histogram& pooled = waits[b];
        if (pooled.count() > 0) {
          p50 = fmt::format(FMT_COMPILE("{:.6g}"), pooled.quantile(0.5));
          p95 = fmt::format(FMT_COMPILE("{:.6g}"), pooled.quantile(0.95));
        }
      }
      fmt::format_to(to, FMT_COMPILE("{}{},{},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{},{}\n"), prefix[b], places[p].id,
                     scenario::place_kind_name(places[p].kind), qmean, qmax, n, n > 0 ? wsum / n : 0.0, wmax, p50, p95);
    }
  return fmt::to_string(out);
}

std::string occupancy_csv(const Ensemble& e) {
  const auto& places = e.sim->places();
  const std::size_t bins = e.sim->num_bins();
  const double bin_s = e.sim->scenario().bin_s;
  const auto prefix = bin_prefixes(bins, bin_s);
  fmt::memory_buffer out;
  append(out, "bin_start_s,clock,place,place_kind,occupancy_mean,occupancy_max,capacity,area_m2,level_of_service\n");
  auto to = std::back_inserter(out);
  for (std::size_t p = 0; p < places.size(); ++p)
    for (std::size_t b = 0; b < bins; ++b) {
      const double omean = e.mean(p, kOccupancyMean, b);
      const double omax = e.mean(p, kOccupancyMax, b);
      if (omax == 0) continue;
      const Place& pl = places[p];
      const std::string los = pl.area_m2 > 0 && !pl.counts_vehicles && pl.kind != PlaceKind::hall
                                  ? std::string(1, model::fruin_los(pl, omax)) : "";
      fmt::format_to(to, FMT_COMPILE("{}{},{},{:.6g},{:.6g},{:.6g},{:.6g},{}\n"), prefix[b], pl.id, scenario::place_kind_name(pl.kind), omean, omax,
                     pl.capacity, pl.area_m2, los);
    }
  return fmt::to_string(out);
}

std::string comparison_table(const Ensemble& e) {
  const auto& s = e.sim->scenario();
  const auto& places = e.sim->places();
  std::string out;
  out += fmt::format("\n{} — {} replication(s), seed {}\n\n", s.title, e.settings.replications, e.settings.seed);
  out += fmt::format("{:<26} {:>10} {:>12} {:>27} {:>9}\n", "reported total", "observed", "simulated",
                     "95% interval", "error");
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    const Interval ci = confidence_interval95(e.observed[i]);
    const double err = (ci.mean - s.observed[i].value) / s.observed[i].value;
    out += fmt::format("{:<26} {:>10} {:>12} {:>27} {:>+8.1f}%\n", s.observed[i].id, fmt_num(s.observed[i].value),
                       fmt_num(ci.mean), fmt::format("[{} – {}]", fmt_num(ci.lo), fmt_num(ci.hi)), 100 * err);
  }
  out += fmt::format("\n{:<26} {:>12} {:>14} {:>14}\n", "entrance", "peak queue", "wait p95 (min)",
                     "wait mean (min)");
  for (const Place& p : places)
    if (p.kind == PlaceKind::gate)
      out += fmt::format("{:<26} {:>12} {:>14.1f} {:>14.1f}\n", p.id, fmt_num(kpi_mean(e, p.id + ".peak_queue")),
                         kpi_mean(e, p.id + ".wait_p95_s") / 60, kpi_mean(e, p.id + ".wait_mean_s") / 60);
  out += fmt::format("\n{:<26} {:>14} {:>5} {:>17} {:>12}\n", "line", "platform peak", "LOS", "denied boardings",
                     "boardings");
  for (const Place& p : places)
    if (p.kind == PlaceKind::metro || p.kind == PlaceKind::bus || p.kind == PlaceKind::shuttle) {
      std::string peak = "-", los = "-";
      if (p.kind == PlaceKind::metro) {
        const double v = kpi_mean(e, p.id + ".platform_peak");
        peak = fmt_num(v);
        for (const Place& q : places)
          if (q.id == p.id + ".platform") los = std::string(1, model::fruin_los(q, v));
      }
      out += fmt::format("{:<26} {:>14} {:>5} {:>17} {:>12}\n", p.id, peak, los,
                         fmt_num(kpi_mean(e, p.id + ".denied_boardings")), fmt_num(kpi_mean(e, p.id + ".boardings")));
    }
  for (const Place& p : places)
    if (p.kind == PlaceKind::taxi_stand)
      out += fmt::format("\n{}: party wait mean {:.1f} min, p95 {:.1f} min, peak {} persons queueing; "
                         "cab wait mean {:.1f} min, peak {} cabs in the rank\n",
                         p.id, kpi_mean(e, p.id + ".party_wait_mean_s") / 60, kpi_mean(e, p.id + ".party_wait_p95_s") / 60,
                         fmt_num(kpi_mean(e, p.id + ".peak_parties_waiting")), kpi_mean(e, p.id + ".cab_wait_mean_s") / 60,
                         fmt_num(kpi_mean(e, p.id + ".peak_cabs_waiting")));
  out += fmt::format("\n{:<26} {:>10} {:>16} {:>12}\n", "car park / lot", "spaces", "peak occupancy", "peak queue");
  for (const Place& p : places)
    if (p.kind == PlaceKind::car_park || p.kind == PlaceKind::coach_park || p.kind == PlaceKind::dropoff)
      out += fmt::format("{:<26} {:>10} {:>16} {:>12}\n", p.id, fmt_num(p.capacity),
                         fmt_num(kpi_mean(e, p.id + ".peak_occupancy")), fmt_num(kpi_mean(e, p.id + ".peak_queue")));
  out += fmt::format("\nhalls peak occupancy {} persons; densest walkway peak {:.2f} persons/m²\n",
                     fmt_num(kpi_mean(e, "halls.peak_occupancy")), kpi_mean(e, "walkways.max_peak_density"));
  return out;
}

}  // namespace expoflow::output
