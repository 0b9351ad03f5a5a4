#pragma once
// Replications 0..R-1 of one Simulation through the runner: each saved as it finishes (for
// --resume), reused from its saved file when resuming, reduced on the thread that ran it to what
// its consumer keeps, and handed to the consumer in replication order. Each replication depends
// only on (seed, stream, replication), and replications travel between ranks as exact bytes, so
// what the consumer sees does not depend on the thread count or the number of MPI ranks.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "ensemble/runner.hpp"
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

namespace detail {
// Replication r as saved in settings.replication_dir (its bytes and the replication), if it is there
// and of this tag, seed and index.
std::optional<std::pair<std::string, model::ReplicationResult>> load_saved(const model::Simulation& sim,
                                                                           const Settings& settings, std::uint32_t r);
// Replication r run, and saved when settings.replication_dir is set (its bytes then, else empty).
std::pair<std::string, model::ReplicationResult> run_and_save(const model::Simulation& sim, const Settings& settings,
                                                              std::uint32_t r);
std::optional<model::ReplicationResult> from_bytes(const model::Simulation& sim, const Settings& settings,
                                                   const std::string& bytes);
std::string to_bytes(const model::ReplicationResult& rep, const Settings& settings);
}  // namespace detail

namespace detail {

// Jobs 0..jobs-1 through the runner, job j being replication `replication_of(j)` of simulation
// `sim_of(j)`: saved and resumed as settings say, reduced where it ran, and handed to
// `consume(j, T&&)` in job order. What run_replications and run_paired_replications share.
template <class T, class SimOf, class ReplicationOf, class Reduce, class Consume>
std::uint32_t run_jobs(std::uint32_t jobs, const Settings& settings, SimOf&& sim_of, ReplicationOf&& replication_of,
                       Reduce&& reduce, Consume&& consume) {
  // On rank 0 a replication is reduced where it ran; on the others it stays bytes, for rank 0.
  struct Finished {
    std::optional<T> kept;
    std::string bytes;
  };
  const bool sends = settings.ranks > 1 && settings.rank != 0;
  if (!settings.replication_dir.empty()) std::filesystem::create_directories(settings.replication_dir);
  std::atomic<std::uint32_t> resumed{0};
  auto produce = [&](std::uint32_t j) {
    const model::Simulation& sim = sim_of(j);
    const std::uint32_t r = replication_of(j);
    std::pair<std::string, model::ReplicationResult> done;
    if (auto saved = settings.resume ? load_saved(sim, settings, r) : std::nullopt) {
      done = std::move(*saved);
      ++resumed;
    } else {
      done = run_and_save(sim, settings, r);
    }
    if (!sends) {
      std::string().swap(done.first);  // saved already: free the bytes before reducing
      return Finished{reduce(std::move(done.second)), {}};
    }
    if (done.first.empty()) done.first = to_bytes(done.second, settings);
    return Finished{std::nullopt, std::move(done.first)};
  };
  // Another rank's job, read on rank 0 by the simulation that ran it.
  const Codec<Finished> codec{[](Finished&& f) { return std::move(f.bytes); },
                              [&](std::uint32_t j, const std::string& bytes) -> std::optional<Finished> {
                                auto rep = from_bytes(sim_of(j), settings, bytes);
                                if (!rep) return std::nullopt;
                                return Finished{reduce(std::move(*rep)), {}};
                              }};
  const Pool pool{settings.threads, settings.rank, settings.ranks, 0, settings.progress};
  run<Finished>(
      jobs, pool, produce, [&](std::uint32_t j, Finished&& f) { consume(j, std::move(*f.kept)); }, &codec);
  return resumed;
}

}  // namespace detail

// Run the replications: `reduce(ReplicationResult&&)` turns each into what is kept of it (a T) on
// the worker thread that ran it (or, for another rank's, on rank 0's calling thread), and
// `consume(T&&)` receives them in replication order (on rank 0: every replication; on the other
// ranks: none). Returns how many replications this process reused from settings.replication_dir.
// Throws model::Interrupted if a stop was requested, or the first failure.
template <class T, class Reduce, class Consume>
std::uint32_t run_replications(const model::Simulation& sim, const Settings& settings, Reduce&& reduce,
                               Consume&& consume) {
  return detail::run_jobs<T>(
      settings.replications, settings, [&](std::uint32_t) -> const model::Simulation& { return sim; },
      [](std::uint32_t j) { return j; }, reduce, [&](std::uint32_t, T&& t) { consume(std::move(t)); });
}

// Replications 0..R-1 of two simulations with the same seed, pair by pair (common random
// numbers): replication r of `a` and of `b` are jobs 2r and 2r + 1 of one runner, so both share
// the threads and ranks, and `consume(T&& a_r, T&& b_r)` receives each pair in replication order
// (on rank 0), the same for any number of threads or ranks. Nothing is saved: the two would
// share settings.replication_dir, which must be empty.
template <class T, class Reduce, class Consume>
void run_paired_replications(const model::Simulation& a, const model::Simulation& b, const Settings& settings,
                             Reduce&& reduce, Consume&& consume) {
  if (!settings.replication_dir.empty())
    throw std::logic_error("paired replications are not saved: no replication folder");
  std::optional<T> first;  // replication r of a, until that of b comes
  detail::run_jobs<T>(
      2 * settings.replications, settings,
      [&](std::uint32_t j) -> const model::Simulation& { return j % 2 ? b : a; }, [](std::uint32_t j) { return j / 2; },
      reduce, [&](std::uint32_t j, T&& t) {
        if (j % 2 == 0) {
          first.emplace(std::move(t));
          return;
        }
        consume(std::move(*first), std::move(t));
        first.reset();
      });
}

}  // namespace expoflow::ensemble
