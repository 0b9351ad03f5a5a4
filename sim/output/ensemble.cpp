#include "output/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <stdexcept>

#include "output/kpi_names.hpp"

namespace expoflow::output {

Ensemble::Ensemble(const model::Simulation& sim_, const ensemble::Settings& settings_)
    : sim(&sim_), settings(settings_) {
  observed.resize(sim_.scenario().observed.size());
  observed_values.resize(observed.size());
  places.resize(sim_.places().size());
}

ReplicationValues values_of(model::ReplicationResult&& r) {
  ReplicationValues v;
  v.observed = std::move(r.observed);
  v.kpis = std::move(r.kpis);
  v.events = r.events;
  v.peak_pending = r.peak_pending;
  v.persons_generated = r.persons_generated;
  v.persons_left_inside = r.persons_left_inside;
  // The series are the Recorder's own vectors, moved (the means divided in place): reducing a
  // replication allocates nothing, and what is not kept is freed with the Recorder just after.
  std::vector<observe::PlaceStats> stats = r.recorder->take_places();
  r.recorder.reset();
  v.places.resize(stats.size());
  for (std::size_t p = 0; p < stats.size(); ++p) {
    observe::PlaceStats& s = stats[p];
    ReplicationValues::Place& out = v.places[p];
    auto keep = [&](std::size_t series, std::vector<double>&& x) {
      if (std::any_of(x.begin(), x.end(), [](double y) { return y != 0; }))
        out.series[series] = std::move(x);
    };
    for (std::size_t k = 0; k < observe::kNumCounted; ++k) {
      keep(kPersons + k, std::move(s.persons[k]));
      keep(kVehicles + k, std::move(s.vehicles[k]));
    }
    keep(kQueueMean, s.queue.take_bin_means());
    keep(kQueueMax, s.queue.take_bin_maxima());
    keep(kOccupancyMean, s.occupancy.take_bin_means());
    keep(kOccupancyMax, s.occupancy.take_bin_maxima());
    keep(kWaitN, std::move(s.wait_n));
    keep(kWaitSum, std::move(s.wait_sum));
    keep(kWaitMax, std::move(s.wait_max));
    if (!s.wait_bin_hist.empty()) {
      const std::size_t bins = s.wait_bin_hist.size();
      std::vector<double> p50(bins, 0.0), p95(bins, 0.0), served(bins, 0.0);
      for (std::size_t b = 0; b < bins; ++b)
        if (const Histogram& h = s.wait_bin_hist[b]; h.count() > 0) {
          p50[b] = h.quantile(0.5);
          p95[b] = h.quantile(0.95);
          served[b] = 1;
        }
      keep(kWaitP50, std::move(p50));
      keep(kWaitP95, std::move(p95));
      keep(kWaitServed, std::move(served));
    }
  }
  return v;
}

void Ensemble::add(ReplicationValues&& r) {
  for (std::size_t i = 0; i < r.observed.size(); ++i) {
    observed[i].add(r.observed[i]);
    observed_values[i].push_back(r.observed[i]);
  }
  if (kpis.empty())
    for (const observe::Kpi& k : r.kpis) kpis.emplace_back(k.id, Tally{});
  kpi_values.resize(kpis.size());
  for (std::size_t i = 0; i < r.kpis.size(); ++i) {
    kpis[i].second.add(r.kpis[i].value);
    kpi_values[i].push_back(r.kpis[i].value);
  }
  events += r.events;
  peak_pending = std::max(peak_pending, r.peak_pending);
  persons_generated += r.persons_generated;
  persons_left_inside += r.persons_left_inside;
  const std::size_t bins = sim->num_bins();
  for (std::size_t p = 0; p < places.size(); ++p) {
    PlaceSums& sums = places[p];
    const ReplicationValues::Place& x = r.places[p];
    for (std::size_t i = 0; i < kNumSeries; ++i)
      for (std::size_t b = 0; b < x.series[i].size(); ++b) sums.series[i].add(bins, b, x.series[i][b]);
  }
  ++count;
}

std::size_t Ensemble::kpi_index(observe::KpiId id) const {
  for (std::size_t i = 0; i < kpis.size(); ++i)
    if (kpis[i].first == id) return i;
  if (!sim) throw std::out_of_range("no indicator in an empty ensemble");
  throw std::out_of_range(fmt::format("no indicator {} in the results of {}", describe_kpi(id, sim->places()),
                                      sim->scenario().name));
}

Ensemble run_ensemble(const model::Simulation& sim, const ensemble::Settings& settings) {
  Ensemble e(sim, settings);
  e.resumed = ensemble::run_replications<ReplicationValues>(
      sim, settings, [](model::ReplicationResult&& r) { return values_of(std::move(r)); },
      [&](ReplicationValues&& r) { e.add(std::move(r)); });
  return e;
}

std::string clock_label(double t) {
  const auto s = static_cast<long long>(std::floor(t + 0.5));
  const long long day = s / 86400, rem = s % 86400;
  return fmt::format("d{} {:02}:{:02}", day + 1, rem / 3600, (rem % 3600) / 60);
}

}  // namespace expoflow::output
