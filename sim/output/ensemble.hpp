#pragma once
// Replications of one scenario and what they add up to: means and 95% intervals of the observed
// totals and indicators, and time-binned tables averaged over replications.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ensemble/replications.hpp"
#include "kernel/stats.hpp"
#include "model/simulation.hpp"

namespace expoflow::output {

struct Ensemble {
  const model::Simulation* sim = nullptr;
  ensemble::Settings settings;
  std::vector<model::ReplicationResult> reps;  // in replication order
  std::vector<Tally> observed;                 // per scenario.observed
  std::vector<std::pair<std::string, Tally>> kpis;
  std::uint64_t events = 0;
  std::size_t peak_pending = 0;
  std::uint32_t resumed = 0;  // replications reused from replication_dir
};

// Replications 0..R-1 through the ensemble runner (ensemble::run_replications), combined in
// replication order: the same for any number of threads or MPI ranks. Complete on rank 0, empty
// on the others. Throws model::Interrupted if a stop was requested.
Ensemble run_ensemble(const model::Simulation& sim, const ensemble::Settings& settings);

// "d1 09:15" for seconds since the scenario's start.
std::string clock_label(double t);

}  // namespace expoflow::output
