// A day simulated alone (Simulation::simulate_days) comes out bit for bit as that day of the run of
// every day: each indicator of a day, or of an hour or window within the range, is the same
// double. This holds because supply (lanes, trains and their background loads, cabs, halls) runs
// over every day whatever the range, its draws keyed by trip, cab and day, and because nothing of
// one day's demand is left at midnight (the stands empty their ranks at closing, the halls sweep
// their visitors out, the last trains leave before midnight). The CIIE calibrated site at a fifth
// of its demand exercises every component in a few seconds.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "model/simulation.hpp"
#include "output/kpi_names.hpp"
#include "scenario/scenario.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

namespace {

// Whether scope k of `sim` lies within days first..last (0-based, inclusive).
bool within(const model::Simulation& sim, std::size_t k, int first, int last) {
  const auto& scope = sim.scopes()[k];
  const double from = static_cast<double>(scope.bin_lo) * sim.scenario().bin_s;
  const double to = static_cast<double>(scope.bin_hi) * sim.scenario().bin_s;
  return scope.kind != observe::Scope::Kind::run && from >= first * kSecondsPerDay && to <= (last + 1) * kSecondsPerDay;
}

}  // namespace

TEST_CASE("a range of days simulated alone matches those days of the full run bit for bit", "[model][days]") {
  const auto s = load_or_fail("scenarios/ciie2024-calibrated.toml", {"demand_scale=0.2"});
  const model::Simulation all(s);
  const auto full = all.run(11, 1);
  for (const auto& [first, last] : std::vector<std::pair<int, int>>{{4, 5}, {2, 2}, {0, 0}}) {
    model::Simulation some(s);
    some.simulate_days(first, last);
    const auto alone = some.run(11, 1);
    REQUIRE(alone.kpis.size() == full.kpis.size());
    std::size_t compared = 0;
    double entries_inside = 0, entries_outside = 0;
    for (std::size_t i = 0; i < full.kpis.size(); ++i) {
      const auto& id = full.kpis[i].id;
      REQUIRE(alone.kpis[i].id == id);
      const bool day = all.scopes()[id.scope].kind == observe::Scope::Kind::day;
      if (id.metric == observe::Metric::entries && day)
        (within(all, id.scope, first, last) ? entries_inside : entries_outside) += alone.kpis[i].value;
      if (!within(all, id.scope, first, last)) continue;
      INFO("days " << first + 1 << ".." << last + 1 << ": " << output::kpi_name(id, all));
      CHECK(alone.kpis[i].value == full.kpis[i].value);
      ++compared;
    }
    INFO("days " << first + 1 << ".." << last + 1);
    CHECK(compared > 1000);
    CHECK(entries_inside > 0);   // the range's visitors came
    CHECK(entries_outside == 0);  // and nobody else
    CHECK(alone.events < full.events);
  }
}

TEST_CASE("a range of days outside the scenario's is refused", "[model][days]") {
  const auto s = load_or_fail("tests/data/small/tiny.toml");
  model::Simulation sim(s);
  CHECK_THROWS_AS(sim.simulate_days(0, s.days), std::invalid_argument);
  CHECK_THROWS_AS(sim.simulate_days(1, 0), std::invalid_argument);
  CHECK_THROWS_AS(sim.simulate_days(-1, 0), std::invalid_argument);
}
