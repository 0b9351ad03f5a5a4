#include "ensemble/runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "model/simulation.hpp"

#ifdef EXPOFLOW_HAVE_MPI
#include <mpi.h>
#endif

namespace expoflow::ensemble::detail {

namespace {

// The jobs of `rank`: rank, rank + ranks, ...
std::uint32_t local_jobs(std::uint32_t jobs, std::uint32_t rank, std::uint32_t ranks) {
  return jobs > rank ? (jobs - rank - 1) / ranks + 1 : 0;
}

void send_to_root([[maybe_unused]] std::uint32_t job, [[maybe_unused]] const std::string& bytes) {
#ifdef EXPOFLOW_HAVE_MPI
  MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, 0, static_cast<int>(job), MPI_COMM_WORLD);
#else
  throw std::logic_error("more than one rank in a build without MPI");
#endif
}

std::string receive_from([[maybe_unused]] std::uint32_t owner, [[maybe_unused]] std::uint32_t job) {
#ifdef EXPOFLOW_HAVE_MPI
  MPI_Status status;
  MPI_Probe(static_cast<int>(owner), static_cast<int>(job), MPI_COMM_WORLD, &status);
  int n = 0;
  MPI_Get_count(&status, MPI_BYTE, &n);
  std::string bytes(static_cast<std::size_t>(n), '\0');
  MPI_Recv(bytes.data(), n, MPI_BYTE, static_cast<int>(owner), static_cast<int>(job), MPI_COMM_WORLD,
           MPI_STATUS_IGNORE);
  return bytes;
#else
  throw std::logic_error("more than one rank in a build without MPI");
#endif
}

}  // namespace

Plan plan(const Pool& pool, std::uint32_t jobs) {
  const auto ranks = static_cast<std::uint32_t>(std::max(1, pool.ranks));
  const std::uint32_t local = local_jobs(jobs, static_cast<std::uint32_t>(pool.rank), ranks);
  Plan p;
  p.threads = pool.threads ? pool.threads : std::max(1u, std::thread::hardware_concurrency());
  p.threads = std::min<unsigned>(p.threads, std::max<std::uint32_t>(1, local));
  p.window = pool.window ? pool.window : 2 * static_cast<std::size_t>(p.threads);
  return p;
}

void run(std::uint32_t jobs, const Pool& pool, const Plan& plan, const Callbacks& c) {
  const auto ranks = static_cast<std::uint32_t>(std::max(1, pool.ranks));
  const auto rank = static_cast<std::uint32_t>(pool.rank);
  const bool root = rank == 0;
  const std::uint32_t local = local_jobs(jobs, rank, ranks);
  const std::size_t window = plan.window;

  // One thread of one process: each job runs on the calling thread and is consumed at once.
  if (plan.threads == 1 && ranks == 1) {
    for (std::uint32_t j = 0; j < jobs; ++j) {
      if (model::stop_requested()) throw model::Interrupted{};
      c.run(j, 0);
      c.consume(j, 0);
      if (pool.progress) pool.progress(j + 1, jobs);
    }
    return;
  }

  // Shared by the workers and the consumer, under `mu`. Jobs of this process are counted by their
  // local index i (job rank + i * ranks); local job i lives in slot i % window, free again once
  // consumed: at most `window` are started and not consumed, so no two share a slot.
  std::mutex mu;
  std::condition_variable cv;
  std::uint32_t started = 0, consumed = 0;
  std::vector<char> ready(window, 0);
  bool stop = false;
  std::exception_ptr failure;
  // The first failure is kept before the simulations are asked to stop, so that it is the one
  // rethrown, not the Interrupted of a worker that saw the request.
  auto fail = [&](std::exception_ptr e) {
    {
      const std::lock_guard lock(mu);
      if (!failure) failure = std::move(e);
      stop = true;
    }
    model::request_stop();
    cv.notify_all();
  };

  auto worker = [&] {
    for (;;) {
      std::uint32_t i = 0;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stop || started >= local || started < consumed + window; });
        if (stop || started >= local) return;
        i = started++;
      }
      try {
        if (model::stop_requested()) throw model::Interrupted{};
        c.run(rank + i * ranks, i % window);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
      {
        const std::lock_guard lock(mu);
        ready[i % window] = 1;
      }
      cv.notify_all();
    }
  };
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < plan.threads && local > 0; ++t) threads.emplace_back(worker);

  try {
    for (std::uint32_t j = 0; j < jobs; ++j) {
      const std::uint32_t owner = j % ranks;
      if (owner == rank) {
        const std::size_t s = (j / ranks) % window;
        {
          std::unique_lock lock(mu);
          cv.wait(lock, [&] { return stop || ready[s]; });
          if (stop) break;
          ready[s] = 0;
        }
        if (root) c.consume(j, s);
        else send_to_root(j, c.save(s));
        {
          const std::lock_guard lock(mu);
          ++consumed;
        }
        cv.notify_all();
      } else if (root) {
        c.consume_bytes(j, receive_from(owner, j));
      } else {
        continue;
      }
      if (root && pool.progress) pool.progress(j + 1, jobs);
    }
  } catch (...) {
    fail(std::current_exception());
  }
  {
    const std::lock_guard lock(mu);
    stop = true;  // workers waiting for room leave
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace expoflow::ensemble::detail
