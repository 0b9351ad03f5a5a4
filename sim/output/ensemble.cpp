#include "output/ensemble.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>

namespace expoflow::output {

namespace {

Ensemble combine(const model::Simulation& sim, const ensemble::Settings& settings,
                 std::vector<model::ReplicationResult> reps) {
  Ensemble e;
  e.sim = &sim;
  e.settings = settings;
  e.reps = std::move(reps);
  e.observed.resize(sim.scenario().observed.size());
  for (auto& r : e.reps) {
    for (std::size_t i = 0; i < r.observed.size(); ++i) e.observed[i].add(r.observed[i]);
    if (e.kpis.empty())
      for (auto& [name, v] : r.kpis) e.kpis.emplace_back(name, Tally{});
    for (std::size_t i = 0; i < r.kpis.size(); ++i) e.kpis[i].second.add(r.kpis[i].second);
    e.events += r.events;
    e.peak_pending = std::max(e.peak_pending, r.peak_pending);
  }
  return e;
}

}  // namespace

Ensemble run_ensemble(const model::Simulation& sim, const ensemble::Settings& settings) {
  std::vector<model::ReplicationResult> reps;
  const std::uint32_t resumed =
      ensemble::run_replications(sim, settings, [&](model::ReplicationResult&& r) { reps.push_back(std::move(r)); });
  Ensemble e = combine(sim, settings, std::move(reps));
  e.resumed = resumed;
  return e;
}

std::string clock_label(double t) {
  const auto s = static_cast<long long>(std::floor(t + 0.5));
  const long long day = s / 86400, rem = s % 86400;
  return fmt::format("d{} {:02}:{:02}", day + 1, rem / 3600, (rem % 3600) / 60);
}

}  // namespace expoflow::output
