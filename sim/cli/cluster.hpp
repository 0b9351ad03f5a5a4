#pragma once
// Replications across processes with MPI: each rank runs its share (r % ranks == rank, on its own
// threads), rank 0 gathers every replication's results in replication order and writes the
// outputs. Each replication depends only on (seed, stream, replication), and the results travel
// as exact bytes, so the outputs are the same for any number of ranks, and without MPI.
#include <functional>
#include <optional>
#include <vector>
#include <string>

#include "output/ensemble.hpp"

namespace expoflow::cli {

struct Cluster {
  int rank = 0, size = 1;
  bool root() const { return rank == 0; }
};

// MPI_Init when built with MPI (a program started without mpirun is one rank).
Cluster cluster_start(int* argc, char*** argv);
void cluster_stop();
// Stop every rank: a failing rank names itself; rank 0 writes nothing.
[[noreturn]] void cluster_fail(const Cluster& c, const std::string& message, int code);

// Sum a vector over all ranks, in place (every rank gets the sum); null without MPI.
std::function<void(std::vector<double>&)> cluster_sum(const Cluster& c);

// The ensemble over all ranks: complete on rank 0, empty (no replications) on the others.
output::Ensemble cluster_ensemble(const Cluster& c, const model::Simulation& sim, output::RunSettings settings);

}  // namespace expoflow::cli
