#pragma once
// Replications of one scenario and what they add up to: means and 95% intervals of the observed
// totals and indicators, and time-binned tables averaged over replications.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "model/simulation.hpp"

namespace expoflow::output {

struct RunSettings {
  std::uint64_t seed = 1;
  std::uint32_t replications = 10;
  unsigned threads = 0;  // 0 = all cores
  // Where each finished replication is saved (empty: nowhere), and whether saved ones are reused.
  std::filesystem::path replication_dir;
  std::string tag;  // scenario hash and seed: saved replications of another tag are ignored
  bool resume = false;
  // Under MPI: this process runs the replications r with r % ranks == rank (the others stay empty).
  int rank = 0, ranks = 1;
  // Called (from worker threads, one at a time) after each replication: done, total.
  std::function<void(std::uint32_t, std::uint32_t)> progress;
};

struct Ensemble {
  const model::Simulation* sim = nullptr;
  RunSettings settings;
  std::vector<model::ReplicationResult> reps;  // in replication order
  std::vector<Tally> observed;                 // per scenario.observed
  std::vector<std::pair<std::string, Tally>> kpis;
  std::uint64_t events = 0;
  std::size_t peak_pending = 0;
  std::uint32_t resumed = 0;  // replications reused from replication_dir
};

// Run replications 0..R-1 (on `threads` threads; results do not depend on the thread count:
// each replication's random streams depend only on (seed, stream, replication), and results are
// combined in replication order). Throws model::Interrupted if a stop was requested.
Ensemble run_ensemble(const model::Simulation& sim, const RunSettings& settings);

// Combine replications already run (in replication order) into an ensemble.
Ensemble combine(const model::Simulation& sim, const RunSettings& settings, std::vector<model::ReplicationResult> reps);

// "d1 09:15" for seconds since the scenario's start.
std::string clock_label(double t);

}  // namespace expoflow::output
