#pragma once
// Replications 0..R-1 of one Simulation through the runner: each saved as it finishes (for
// --resume), reused from its saved file when resuming, and handed to a consumer in replication
// order. Each replication depends only on (seed, stream, replication), and results travel between
// ranks as exact bytes, so what the consumer sees does not depend on the thread count or the
// number of MPI ranks.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include "model/simulation.hpp"

namespace expoflow::ensemble {

struct Settings {
  std::uint64_t seed = 1;
  std::uint32_t replications = 10;
  unsigned threads = 0;  // 0 = all cores
  // Where each finished replication is saved (empty: nowhere), and whether saved ones are reused.
  std::filesystem::path replication_dir;
  std::string tag;  // scenario hash and seed: saved replications of another tag are ignored
  bool resume = false;
  // Under MPI: this process runs the replications r with r % ranks == rank; rank 0 consumes them all.
  int rank = 0, ranks = 1;
  // On rank 0, after each replication is consumed: replications consumed, replications in all.
  std::function<void(std::uint32_t, std::uint32_t)> progress;
};

// Run the replications and hand each to `consume` in replication order (on rank 0: every
// replication; on the other ranks: none). Returns how many replications this process reused from
// settings.replication_dir. Throws model::Interrupted if a stop was requested, or the first failure.
std::uint32_t run_replications(const model::Simulation& sim, const Settings& settings,
                               const std::function<void(model::ReplicationResult&&)>& consume);

}  // namespace expoflow::ensemble
