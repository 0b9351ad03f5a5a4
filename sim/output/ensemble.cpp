#include "output/ensemble.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <fmt/format.h>
#include <thread>

namespace expoflow::output {

Ensemble run_ensemble(const model::Simulation& sim, const RunSettings& settings) {
  Ensemble e;
  e.sim = &sim;
  e.settings = settings;
  e.reps.resize(settings.replications);
  unsigned threads = settings.threads ? settings.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, std::max<std::uint32_t>(1, settings.replications));
  std::atomic<std::uint32_t> next{0};
  auto worker = [&] {
    for (std::uint32_t r; (r = next.fetch_add(1)) < settings.replications;)
      e.reps[r] = sim.run(settings.seed, r);
  };
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
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
