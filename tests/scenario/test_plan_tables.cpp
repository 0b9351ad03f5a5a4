// [[target]] and [[lever]] (what `expoflow plan` aims at and may change): read with their defaults,
// and, like [[assumption]], left out of the scenario's hash. Their bad forms are in the
// bad-scenario corpus (tests/bad_scenarios/target_*.toml, lever_*.toml).
#include <catch2/catch.hpp>

#include <fstream>

#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

TEST_CASE("targets and levers are read with their defaults", "[scenario][plan]") {
  const auto s = load_or_fail("tests/data/plan/gate_mmc_plan.toml");
  REQUIRE(s.targets.size() == 1);
  const auto& t = s.targets[0];
  CHECK(t.id == "mean_wait");
  CHECK(t.indicator == "gate[security].wait_mean_s");
  CHECK(t.is_max);
  CHECK(t.bound == 10);
  CHECK(t.confidence == 0.95);
  REQUIRE(s.levers.size() == 1);
  const auto& l = s.levers[0];
  CHECK(l.id == "lanes");
  CHECK(l.path == "gate[security].lanes[00:00]");
  CHECK(l.min == 19);
  CHECK(l.max == 30);
  CHECK(l.step == 1);
  CHECK(l.cost == 1);
}

TEST_CASE("targets and levers leave the scenario's hash as it was", "[scenario][plan]") {
  const TempDir tmp("plan-tables");
  const fs::path more = tmp.path / "more.toml";
  {
    std::ofstream f(more);
    f << "extends = \"" << source_path("tests/data/plan/gate_mmc_plan.toml") << "\"\n"
      << "[[target]]\nid = \"min_entries\"\nindicator = \"gate[security].entries\"\nmin = 1000\nconfidence = 0.9\n"
      << "[[lever]]\nid = \"scale\"\npath = \"gate[security].lanes_scale\"\nmin = 1\nmax = 2\nstep = 0.25\ncost = 3\n";
  }
  scenario::Problems problems;
  const auto s = scenario::load_scenario(more.string(), {}, problems);
  INFO(problems.report());
  REQUIRE(s);
  CHECK(s->hash == load_or_fail("tests/data/plan/gate_mmc_plan.toml").hash);
  // A file that extends another and has [[target]] tables with ids adds to the list.
  REQUIRE(s->targets.size() == 2);
  CHECK(!s->targets[1].is_max);
  CHECK(s->targets[1].confidence == 0.9);
  // A lever may name a key the scenario leaves at its default (lanes_scale, 1).
  REQUIRE(s->levers.size() == 2);
  CHECK(s->levers[1].path == "gate[security].lanes_scale");
  CHECK(s->levers[1].step == 0.25);
  CHECK(s->levers[1].cost == 3);
  // And one without the tables at all hashes alike too: the base of the plan scenario.
  CHECK(load_or_fail("tests/data/plan/gate_mmc_plan.toml", {"target[mean_wait].max=20"}).hash == s->hash);
}
