// `expoflow plan`, through the command line, on the M/M/c gate of tests/data/plan/gate_mmc_plan.toml
// (one security gate, Poisson arrivals, exponential screening; its lanes are the servers and the
// lever): the plan for "mean wait <= w" is Erlang C's smallest number of lanes c, computed here
// from the scenario as loaded, when c's margin and c - 1's excess exceed the indifference zone
// (2% of the bound). The simulated day starts with an empty queue, which biases its mean wait
// low by about a percent at these loads, so the cases keep both well beyond the zone (asserted).
// A target no lever setting meets exits 2 naming it; a lever that changes no target is reported;
// the same seed gives the same plan.json on 1 and 2 threads; plan.toml runs with `expoflow run`.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "../support.hpp"

using namespace expoflow::test;
using nlohmann::json;

namespace {

const std::string kScenario = "tests/data/plan/gate_mmc_plan.toml";
constexpr double kIndifference = 0.02;  // of the bound

// Erlang C's smallest number of lanes whose mean wait is at most w, asserted outside the zone.
int erlang_lanes(double w) {
  const auto s = load_or_fail(kScenario);
  const auto& g = s.gates.at(0);
  const auto& c = s.classes.at(0);
  const double mu = 1 / g.service_mean_s;
  const double lambda = c.volume.front() * s.demand_scale / (c.profile_bin_s * static_cast<double>(c.profile.size()));
  const double a = lambda / mu;
  auto wq = [&](int lanes) { return erlang_c(lanes, a) / (lanes * mu - lambda); };
  int lanes = static_cast<int>(std::floor(a)) + 1;
  while (wq(lanes) > w) ++lanes;
  INFO("w = " << w << ", c = " << lanes << ": W_q(c) = " << wq(lanes) << ", W_q(c-1) = " << wq(lanes - 1));
  REQUIRE((w - wq(lanes)) / w > 5 * kIndifference);
  REQUIRE((wq(lanes - 1) - w) / w > 5 * kIndifference);
  return lanes;
}

std::string plan_args(const fs::path& out, const std::string& extra, unsigned threads = 2) {
  return "plan " + kScenario + " --seed 5 -q -j " + std::to_string(threads) + " --out '" + out.string() + "' " + extra;
}

}  // namespace

TEST_CASE("plan returns Erlang C's smallest number of lanes for a mean-wait target", "[cli][plan][statistical]") {
  const TempDir tmp("plan-erlang");
  for (const double w : {10.0, 20.0}) {
    const int want = erlang_lanes(w);
    const fs::path out = tmp.path / fmt::format("w{}", w);
    const Outcome o = run_expoflow(plan_args(out, fmt::format("--set 'target[mean_wait].max={}'", w)), tmp);
    INFO(o.err << o.out);
    REQUIRE(o.code == 0);
    const json plan = json::parse(read_text(out / "plan.json"));
    CHECK(plan["levers"][0]["value"].get<double>() == want);
    CHECK(plan["cost"].get<double>() == want - 19);
    CHECK(plan["targets"][0]["verdict"] == "met");
    CHECK(plan["targets"][0]["binds"] == true);
    CHECK(plan["verification"]["all_targets_met"] == true);
    CHECK(plan["search"]["replications_spent"].get<int>() > 0);
  }
}

TEST_CASE("plan: a target no lever setting meets exits 2 naming the target", "[cli][plan]") {
  const TempDir tmp("plan-infeasible");
  const Outcome o = run_expoflow(
      plan_args(tmp.path / "out", "--set 'lever[lanes].max=20' --set 'target[mean_wait].max=10' -r 4"), tmp);
  CHECK(o.code == 2);
  CHECK(o.err.find("target 'mean_wait'") != std::string::npos);
  CHECK(!fs::exists(tmp.path / "out" / "plan.json"));
}

TEST_CASE("plan: an indicator that does not exist is named with the close ones", "[cli][plan]") {
  const TempDir tmp("plan-unknown");
  const Outcome o = run_expoflow(
      plan_args(tmp.path / "out", "--set 'target[mean_wait].indicator=\"gate[security].wait_men_s\"' -r 2"), tmp);
  CHECK(o.code == 2);
  CHECK(o.err.find("no indicator 'gate[security].wait_men_s'") != std::string::npos);
  CHECK(o.err.find("gate[security].wait_mean_s") != std::string::npos);
}

TEST_CASE("plan reports a lever that changes no target, gives the same plan on 1 and 2 threads, and its plan.toml "
          "runs",
          "[cli][plan][determinism]") {
  const TempDir tmp("plan-determinism");
  // Fewer replications and 20 s: a quick search (c = 20 from 19), still decided by intervals.
  const std::string extra = "--set 'target[mean_wait].max=20' -r 4 --max-replications 12 --verify-replications 6";
  const Outcome one = run_expoflow(plan_args(tmp.path / "one", extra, 1), tmp);
  INFO(one.err);
  REQUIRE(one.code == 0);
  const Outcome two = run_expoflow(plan_args(tmp.path / "two", extra, 2), tmp);
  REQUIRE(two.code == 0);
  CHECK(read_result(tmp.path / "one" / "plan.json") == read_result(tmp.path / "two" / "plan.json"));
  CHECK(read_text(tmp.path / "one" / "plan.toml") == read_text(tmp.path / "two" / "plan.toml"));
  CHECK(!fs::exists(tmp.path / "one" / ".plan-replications"));

  const std::string toml = read_text(tmp.path / "one" / "plan.toml");
  CHECK(toml.find("lanes.\"00:00\" = 20") != std::string::npos);
  const Outcome run = run_expoflow("run '" + (tmp.path / "one" / "plan.toml").string() + "' -r 2 -q --out '" +
                                       (tmp.path / "run").string() + "'",
                                   tmp);
  INFO(run.err);
  CHECK(run.code == 0);

  // A second lever that no target depends on: the halls' area, far beyond what anyone fills.
  const fs::path idle = tmp.path / "idle.toml";
  {
    std::ofstream f(idle);
    f << "extends = \"" << (kSourceDir / kScenario).string() << "\"\n"
      << "[[lever]]\nid = \"hall_area\"\npath = \"halls.area_m2\"\nmin = 100000\nmax = 100002\ncost = 1\n";
  }
  const Outcome o = run_expoflow("plan '" + idle.string() + "' --seed 5 -q -j 2 --out '" +
                                     (tmp.path / "idle").string() + "' " + extra,
                                 tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const json plan = json::parse(read_text(tmp.path / "idle" / "plan.json"));
  CHECK(plan["levers_without_effect"] == json::array({"hall_area"}));
  CHECK(plan["levers"][1]["value"].get<double>() == 100000);
  CHECK(o.out.find("lever hall_area changed no target") != std::string::npos);
}
