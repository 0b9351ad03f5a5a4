#include "output/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <fmt/format.h>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "output/serialize.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::output {

namespace fs = std::filesystem;

namespace {
fs::path replication_file(const RunSettings& s, std::uint32_t r) {
  return s.replication_dir / fmt::format("replication-{:05}.bin", r);
}
std::optional<model::ReplicationResult> load_saved(const model::Simulation& sim, const RunSettings& s,
                                                   std::uint32_t r) {
  std::ifstream in(replication_file(s, r), std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto rep = load_replication(sim, ss.str(), s.tag);
  if (rep && (rep->seed != s.seed || rep->replication != r)) return std::nullopt;
  return rep;
}
}  // namespace

Ensemble run_ensemble(const model::Simulation& sim, const RunSettings& settings) {
  std::vector<model::ReplicationResult> reps(settings.replications);
  std::vector<char> have(settings.replications, 0);
  std::uint32_t resumed = 0;
  if (settings.resume && !settings.replication_dir.empty())
    for (std::uint32_t r = 0; r < settings.replications; ++r)
      if (auto rep = load_saved(sim, settings, r)) {
        reps[r] = std::move(*rep);
        have[r] = 1;
        ++resumed;
      }
  if (!settings.replication_dir.empty()) fs::create_directories(settings.replication_dir);
  unsigned threads = settings.threads ? settings.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<std::uint32_t>(1, (settings.replications - resumed) / settings.ranks));
  std::atomic<std::uint32_t> next{0}, done{resumed};
  std::mutex mu;
  std::exception_ptr failure;
  auto worker = [&] {
    try {
      for (std::uint32_t r; (r = next.fetch_add(1)) < settings.replications;) {
        if (have[r] || static_cast<int>(r % static_cast<std::uint32_t>(settings.ranks)) != settings.rank) continue;
        reps[r] = sim.run(settings.seed, r);
        if (!settings.replication_dir.empty())
          support::write_atomically(replication_file(settings, r), save_replication(reps[r], settings.tag));
        const std::uint32_t n = ++done;
        if (settings.progress) {
          std::lock_guard lock(mu);
          settings.progress(n, settings.replications);
        }
      }
    } catch (...) {
      model::request_stop();  // the other workers stop too
      std::lock_guard lock(mu);
      if (!failure) failure = std::current_exception();
    }
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) std::rethrow_exception(failure);
  Ensemble e = combine(sim, settings, std::move(reps));
  e.resumed = resumed;
  return e;
}

Ensemble combine(const model::Simulation& sim, const RunSettings& settings, std::vector<model::ReplicationResult> reps) {
  Ensemble e;
  e.sim = &sim;
  e.settings = settings;
  e.reps = std::move(reps);
  e.observed.resize(sim.scenario().observed.size());
  for (auto& r : e.reps) {
    for (std::size_t i = 0; i < r.observed.size(); ++i) e.observed[i].add(r.observed[i]);
    if (e.kpis.empty())
      for (auto& [name, v] : r.kpis) e.kpis.emplace_back(name, Tally{});
    for (std::size_t i = 0; i < r.kpis.size(); ++i) e.kpis[i].second.add(r.kpis[i].second);
    e.events += r.events;
    e.peak_pending = std::max(e.peak_pending, r.peak_pending);
  }
  return e;
}

std::string clock_label(double t) {
  const auto s = static_cast<long long>(std::floor(t + 0.5));
  const long long day = s / 86400, rem = s % 86400;
  return fmt::format("d{} {:02}:{:02}", day + 1, rem / 3600, (rem % 3600) / 60);
}

}  // namespace expoflow::output
