#include "cli/cluster.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

#ifdef EXPOFLOW_HAVE_MPI
#include <mpi.h>
#endif

namespace expoflow::cli {

#ifdef EXPOFLOW_HAVE_MPI
namespace {
// Started by mpirun / srun: their launchers set one of these. A program started on its own is a
// single rank and does not initialise MPI at all (a singleton MPI_Init costs start-up time and
// leaves allocations that leak checkers report).
bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", "MPI_LOCALNRANKS"})
    if (std::getenv(v)) return true;
  return false;
}
bool g_mpi_started = false;
}  // namespace
#endif

Cluster cluster_start([[maybe_unused]] int* argc, [[maybe_unused]] char*** argv) {
  Cluster c;
#ifdef EXPOFLOW_HAVE_MPI
  if (!launched_by_mpi()) return c;
  // The ensemble runner's calling thread sends and receives while its worker threads run.
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  g_mpi_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &c.rank);
  MPI_Comm_size(MPI_COMM_WORLD, &c.size);
#endif
  return c;
}

void cluster_stop() {
#ifdef EXPOFLOW_HAVE_MPI
  if (g_mpi_started) MPI_Finalize();
#endif
}

void cluster_fail(const Cluster& c, const std::string& message, int code) {
  if (c.size > 1) std::cerr << fmt::format("expoflow: rank {} of {} failed: {}\n", c.rank, c.size, message);
  else std::cerr << "expoflow: " << message << "\n";
#ifdef EXPOFLOW_HAVE_MPI
  if (c.size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

std::function<void(std::vector<double>&)> cluster_sum([[maybe_unused]] const Cluster& c) {
#ifdef EXPOFLOW_HAVE_MPI
  if (c.size > 1)
    return [](std::vector<double>& v) {
      MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
    };
#endif
  return nullptr;
}

}  // namespace expoflow::cli
