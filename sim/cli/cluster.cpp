#include "cli/cluster.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <iostream>

#include "output/serialize.hpp"

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
  MPI_Init(argc, argv);
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

output::Ensemble cluster_ensemble(const Cluster& c, const model::Simulation& sim, output::RunSettings settings) {
  settings.rank = c.rank;
  settings.ranks = c.size;
  if (!c.root()) settings.progress = nullptr;
  output::Ensemble mine;
  try {
    mine = output::run_ensemble(sim, settings);
  } catch (const model::Interrupted&) {
    throw;
  } catch (const std::exception& e) {
    cluster_fail(c, e.what(), 1);
  }
  if (c.size == 1) return mine;
#ifdef EXPOFLOW_HAVE_MPI
  const std::string tag = settings.tag.empty() ? "mpi" : settings.tag;
  std::vector<model::ReplicationResult> all(settings.replications);
  for (std::uint32_t r = 0; r < settings.replications; ++r) {
    const int owner = static_cast<int>(r % static_cast<std::uint32_t>(c.size));
    if (owner == 0) {
      if (c.root()) all[r] = std::move(mine.reps[r]);
      continue;
    }
    if (c.rank == owner) {
      const std::string bytes = output::save_replication(mine.reps[r], tag);
      MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, static_cast<int>(r), MPI_COMM_WORLD);
    } else if (c.root()) {
      MPI_Status status;
      MPI_Probe(owner, static_cast<int>(r), MPI_COMM_WORLD, &status);
      int n = 0;
      MPI_Get_count(&status, MPI_BYTE, &n);
      std::string bytes(static_cast<std::size_t>(n), '\0');
      MPI_Recv(bytes.data(), n, MPI_BYTE, owner, static_cast<int>(r), MPI_COMM_WORLD, MPI_STATUS_IGNORE);
      auto rep = output::load_replication(sim, bytes, tag);
      if (!rep) cluster_fail(c, fmt::format("replication {} from rank {} could not be read", r, owner), 1);
      all[r] = std::move(*rep);
    }
  }
  if (!c.root()) return output::Ensemble{};
  output::Ensemble e = output::combine(sim, settings, std::move(all));
  e.resumed = mine.resumed;
  return e;
#else
  return mine;
#endif
}

}  // namespace expoflow::cli
