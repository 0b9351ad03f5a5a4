#pragma once
// The one runner of replications (and of any numbered jobs: calibration's evaluations are jobs
// too). Jobs 0..N-1 run on the threads of this process and, under MPI, over ranks (job j on rank
// j % ranks). Each job's result is handed to a consumer on the calling thread in job order,
// through a bounded reorder buffer: a job finished early waits until those before it are
// consumed, and a worker does not start a job while `window` jobs of this process are started
// and not yet consumed, so memory does not grow with the number of jobs. Under MPI the other
// ranks send each result's bytes to rank 0 as it is consumed there in order (MPI_Probe and
// MPI_Recv by tag j from its owner), and rank 0 consumes every job: it too holds only a bounded
// number. With one thread in one process the jobs run on the calling thread itself, one after
// the other (a simulation runs a few per cent slower on a thread of its own).
//
// Stopping: model::request_stop() (a signal) makes the running simulations throw
// model::Interrupted, and no job starts after it. A job (or the consumer) that fails stops the
// others; the first failure is rethrown once every worker has finished.
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace expoflow::ensemble {

// How jobs are shared out.
struct Pool {
  unsigned threads = 0;     // threads of this process; 0 = all cores
  int rank = 0, ranks = 1;  // this process among MPI ranks (the caller has started MPI when ranks > 1)
  // The most jobs of this process started and not yet consumed (running, or finished and waiting in
  // the reorder buffer); 0 = twice the threads.
  std::size_t window = 0;
  // On rank 0, on the calling thread, after each job is consumed: jobs consumed, jobs in all.
  std::function<void(std::uint32_t, std::uint32_t)> progress;
};

// A result as bytes and back, for the trip from its rank to rank 0 (needed when ranks > 1).
template <class T>
struct Codec {
  std::function<std::string(T&&)> save;
  // The bytes of job j; nothing: the bytes are not a result.
  std::function<std::optional<T>(std::uint32_t j, const std::string&)> load;
};

namespace detail {

// The runner without the result type: results live in slots the callbacks own.
struct Callbacks {
  std::function<void(std::uint32_t job, std::size_t slot)> run;      // a worker thread: run, keep in slot
  std::function<void(std::uint32_t job, std::size_t slot)> consume;  // hand over, free the slot
  std::function<std::string(std::size_t slot)> save;                 // ranks > 1, not rank 0: bytes, free
  std::function<void(std::uint32_t job, std::string&& bytes)> consume_bytes;  // rank 0: another rank's job
};

// The threads and the window of a pool for `jobs` jobs: the window is the number of slots.
struct Plan {
  unsigned threads = 1;
  std::size_t window = 2;
};
Plan plan(const Pool& pool, std::uint32_t jobs);

void run(std::uint32_t jobs, const Pool& pool, const Plan& plan, const Callbacks& c);

}  // namespace detail

// Run jobs 0..jobs-1: `produce(j)` (returning a T) on the worker threads of the rank that owns j,
// `consume(j, T&&)` on the calling thread of rank 0 in job order. Under MPI (pool.ranks > 1) a
// codec carries the other ranks' results. Throws the first failure, or model::Interrupted.
template <class T, class Produce, class Consume>
void run(std::uint32_t jobs, const Pool& pool, Produce&& produce, Consume&& consume, const Codec<T>* codec = nullptr) {
  const detail::Plan plan = detail::plan(pool, jobs);
  std::vector<std::optional<T>> slots(plan.window);
  auto take = [&](std::size_t s) {
    T v = std::move(*slots[s]);
    slots[s].reset();
    return v;
  };
  detail::Callbacks c;
  c.run = [&](std::uint32_t j, std::size_t s) { slots[s].emplace(produce(j)); };
  c.consume = [&](std::uint32_t j, std::size_t s) { consume(j, take(s)); };
  if (codec) {
    c.save = [&](std::size_t s) { return codec->save(take(s)); };
    c.consume_bytes = [&](std::uint32_t j, std::string&& bytes) {
      std::optional<T> v = codec->load(j, bytes);
      bytes = std::string();
      if (!v)
        throw std::runtime_error("the result of job " + std::to_string(j) + " from rank " +
                                 std::to_string(j % static_cast<std::uint32_t>(pool.ranks)) + " could not be read");
      consume(j, std::move(*v));
    };
  }
  detail::run(jobs, pool, plan, c);
}

}  // namespace expoflow::ensemble
