#pragma once
// This process among MPI ranks: starting and stopping MPI, failing every rank, summing over
// ranks. The replications are shared out over ranks by the ensemble runner (ensemble/runner.hpp);
// only rank 0 prints and writes.
#include <functional>
#include <string>
#include <vector>

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

}  // namespace expoflow::cli
