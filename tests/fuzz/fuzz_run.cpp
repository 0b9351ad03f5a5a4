// libFuzzer target: the whole model on arbitrary bytes. An input that the loader accepts without a
// problem is built into a Simulation and run for one replication, so that well-formed but absurd
// values (a range's extremes, odd combinations of valid values) reach the site graph, the layout,
// every component and the indicators. Whatever the input, nothing may crash, hang, throw out, break
// an invariant of the model (EXPOFLOW_CHECKS is on here) or trip AddressSanitizer /
// UndefinedBehaviorSanitizer. Built by cmake/Fuzz.cmake (clang only) and run by scripts/fuzz
// --target fuzz_run; the inputs it found are kept in tests/fuzz/corpus_run/.
//
// The work of one input is bounded so that the fuzzer keeps its pace and no valid input can run
// long: demand (visitors and the metro's background users) is scaled down to a budget of parties,
// as `demand_scale` and `background_scale` would, and the replication stops after a number of
// events (model::RunLimits) — a few simulated hours of a busy day. Demand at full scale is the
// concern of the resource estimate at validation, not of this target.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/simulation.hpp"
#include "scenario/document.hpp"
#include "scenario/scenario.hpp"

namespace {

constexpr double kPartiesBudget = 20000;     // visitor parties and background users, all days
constexpr std::uint64_t kMaxEvents = 300000;  // per input

// Parties the demand would make (the largest at one person each) and background users.
double parties(const expoflow::scenario::Scenario& s) {
  double total = 0;
  for (const auto& c : s.classes)
    for (int d = 0; d < s.days && static_cast<std::size_t>(d) < c.volume.size(); ++d)
      total += c.volume[static_cast<std::size_t>(d)] * c.volume_scale * s.demand_scale;
  for (const auto& l : s.lines)
    for (double x : l.background_entries) total += x * l.background_scale * s.days;
  return total;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace expoflow;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  scenario::Problems problems;
  auto root = scenario::parse(text, "fuzz.toml", problems);
  if (!root) return 0;
  scenario::Scenario s = scenario::build_scenario(*root, "fuzz.toml", problems);
  if (!problems.empty()) return 0;
  if (const double n = parties(s); n > kPartiesBudget) {
    const double f = kPartiesBudget / n;
    s.demand_scale *= f;
    for (auto& l : s.lines) l.background_scale *= f;
  }
  const model::Simulation sim(s);
  const model::ReplicationResult r = sim.run(1, 0, nullptr, model::RunLimits{kMaxEvents});
  // What every replication promises, whatever it ran into.
  if (r.events > kMaxEvents || !std::isfinite(r.persons_generated) || !std::isfinite(r.persons_left_inside) ||
      r.persons_left_inside < -1e-6 ||
      r.observed.size() != s.observed.size())
    __builtin_trap();
  return 0;
}
