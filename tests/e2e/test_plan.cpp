// `expoflow plan`, through the command line, on the M/M/c gate of tests/data/plan/gate_mmc_plan.toml
// (one security gate, Poisson arrivals, exponential screening; its lanes are the servers and the
// lever): the plan for "mean wait <= w" and for "P(wait > t) <= p" (a p95 target is the latter with
// p = 0.05) is Erlang C's smallest number of lanes c, computed here from the scenario as loaded,
// when c's margin and c - 1's excess exceed five times the indifference zone (2% of the bound):
// the simulated day starts with an empty queue, which biases its waits low by about a percent at
// these loads (asserted). A case inside the zone may return c or c + 1, and states its confidence.
// A target no lever setting meets exits 2 naming it; a lever that changes no target is reported;
// the same seed gives the same plan.json on 1 and 2 threads; plan.toml runs with `expoflow run`.
// `--stress` finds Erlang C's breaking point for a target, and without targets the demand at which
// each of two car parks (tests/data/plan/lots_stress.toml) fills, against the Gamma law of the
// car that fills it.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "../support.hpp"

using namespace expoflow::test;
using nlohmann::json;

namespace {

const std::string kScenario = "tests/data/plan/gate_mmc_plan.toml";
constexpr double kIndifference = 0.02;  // of the bound

// The gate as loaded: arrival rate, service rate and offered load.
struct Gate {
  double lambda = 0, mu = 0, a = 0;
};
Gate gate() {
  const auto s = load_or_fail(kScenario);
  const auto& g = s.gates.at(0);
  const auto& c = s.classes.at(0);
  Gate out;
  out.mu = 1 / g.service_mean_s;
  out.lambda = c.volume.front() * s.demand_scale / (c.profile_bin_s * static_cast<double>(c.profile.size()));
  out.a = out.lambda / out.mu;
  return out;
}

// Erlang C's smallest number of lanes c whose `measure(c)` is at most `bound`, with c's margin and
// c - 1's excess (as shares of the bound) both asserted beyond `zones` indifference zones, or
// both the other way (c - 1 within one zone above the bound) when zones is negative.
template <class Measure>
int erlang_lanes(const Gate& g, Measure measure, double bound, double zones = 5) {
  int lanes = static_cast<int>(std::floor(g.a)) + 1;
  while (measure(lanes) > bound) ++lanes;
  INFO("bound " << bound << ", c = " << lanes << ": " << measure(lanes) << ", c - 1: " << measure(lanes - 1));
  if (zones > 0) {
    REQUIRE((bound - measure(lanes)) / bound > zones * kIndifference);
    REQUIRE((measure(lanes - 1) - bound) / bound > zones * kIndifference);
  } else {
    REQUIRE((measure(lanes - 1) - bound) / bound < kIndifference);
  }
  return lanes;
}

int erlang_lanes(double w) {
  const Gate g = gate();
  return erlang_lanes(g, [&](int c) { return erlang_c(c, g.a) / (c * g.mu - g.lambda); }, w);
}

// P(W > t) of M/M/c FCFS with c lanes (a < c): C(c, a) e^{-(c mu - lambda) t}.
double p_over(const Gate& g, int c, double t) { return erlang_c(c, g.a) * std::exp(-(c * g.mu - g.lambda) * t); }

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

TEST_CASE("plan returns Erlang C's smallest number of lanes at each of two independent gates", "[cli][plan][statistical]") {
  // Each step of the search helps one gate's target and leaves the other's unchanged, so the lazy
  // greedy skips the other gate's lever once it has tried it; the cheapest plan is still each
  // gate's own Erlang C answer (the same gate as above, at each of the two).
  const TempDir tmp("plan-two-gates");
  const int want = erlang_lanes(10.0);
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow(
      "plan tests/data/plan/two_gates_plan.toml --seed 5 -q -j 2 --out '" + out.string() + "'", tmp);
  INFO(o.err << o.out);
  REQUIRE(o.code == 0);
  const json plan = json::parse(read_text(out / "plan.json"));
  REQUIRE(plan["levers"].size() == 2);
  for (const auto& lever : plan["levers"]) CHECK(lever["value"].get<double>() == want);
  CHECK(plan["cost"].get<double>() == 2 * (want - 19));
  for (const auto& target : plan["targets"]) CHECK(target["verdict"] == "met");
}

TEST_CASE("plan returns Erlang C's smallest number of lanes for P(wait > t) <= p and p95 targets",
          "[cli][plan][statistical]") {
  const TempDir tmp("plan-share");
  const Gate g = gate();
  struct Case {
    double t, p;
    std::string target;  // the --target given; its own bound replaces the scenario's mean-wait one
  };
  for (const Case& c : {Case{120, 0.02, "gate[security].wait_p95_s<=120, share=0.02"},
                        Case{30, 0.05, "gate[security].wait_p95_s<=30"}}) {
    const int want = erlang_lanes(g, [&](int lanes) { return p_over(g, lanes, c.t); }, c.p);
    const fs::path out = tmp.path / fmt::format("t{}", c.t);
    // The scenario's mean-wait target is made slack (an hour) so that the share decides.
    const Outcome o = run_expoflow(
        plan_args(out, fmt::format("--set 'target[mean_wait].max=3600' --target '{}'", c.target)), tmp);
    INFO(o.err << o.out);
    REQUIRE(o.code == 0);
    const json plan = json::parse(read_text(out / "plan.json"));
    CHECK(plan["levers"][0]["value"].get<double>() == want);
    const json& share = plan["targets"][1];
    CHECK(share["estimate"] == "share_over");
    CHECK(share["over_s"].get<double>() == c.t);
    CHECK(share["value"].get<double>() == c.p);
    CHECK(share["verdict"] == "met");
    CHECK(share["binds"] == true);
  }
}

TEST_CASE("plan: inside the indifference zone it returns c or c + 1 and states its confidence",
          "[cli][plan][statistical]") {
  const TempDir tmp("plan-delta");
  const Gate g = gate();
  const double t = 60;
  // Erlang C: 21 lanes leave P(W > 60 s) = 0.0197; a bound 1% below it puts 21 inside the zone.
  const double p = p_over(g, 21, t) / 1.01;
  const int c = erlang_lanes(g, [&](int lanes) { return p_over(g, lanes, t); }, p, -1) - 1;
  const Outcome o = run_expoflow(
      plan_args(tmp.path / "out", fmt::format("--set 'target[mean_wait].max=3600' --target "
                                              "'gate[security].wait_p95_s<={}, share={:.10g}'",
                                              t, p)),
      tmp);
  INFO(o.err << o.out);
  REQUIRE(o.code == 0);
  const json plan = json::parse(read_text(tmp.path / "out" / "plan.json"));
  const double lanes = plan["levers"][0]["value"].get<double>();
  CHECK((lanes == c || lanes == c + 1));
  const json& share = plan["targets"][1];
  const double stated = share["confidence_met"].get<double>();
  CHECK(stated > 0);
  CHECK(stated < 1);
  if (lanes == c) CHECK(share["within_delta"] == true);
  CHECK(o.out.find("P(met)") != std::string::npos);
}

TEST_CASE("plan: --target is read as a [[target]] table, and a wrong one is named before anything runs", "[cli][plan]") {
  const TempDir tmp("plan-target-option");
  const Outcome bad_form = run_expoflow(plan_args(tmp.path / "a", "--target 'gate[security].wait_mean_s=10'"), tmp);
  CHECK(bad_form.code == 2);
  CHECK(bad_form.err.find("--target 'gate[security].wait_mean_s=10': expected INDICATOR<=BOUND") != std::string::npos);
  const Outcome bad_key = run_expoflow(
      plan_args(tmp.path / "b", "--target 'gate[security].wait_mean_s<=10, confidence=1.5'"), tmp);
  CHECK(bad_key.code == 2);
  CHECK(bad_key.err.find("confidence") != std::string::npos);
  CHECK(bad_key.err.find("between 0 and 1") != std::string::npos);
  const Outcome share_of_mean = run_expoflow(
      plan_args(tmp.path / "c", "--target 'gate[security].wait_mean_s<=10, share=0.1'"), tmp);
  CHECK(share_of_mean.code == 2);
  CHECK(share_of_mean.err.find("not a percentile of waits") != std::string::npos);
  // An unknown indicator is named with the close ones, and nothing is simulated: no progress.
  const Outcome unknown = run_expoflow(
      "plan " + kScenario + " --seed 5 -j 1 -r 2 --out '" + (tmp.path / "d").string() +
          "' --target 'gate[security].wait_p59_s<=10'",
      tmp);
  CHECK(unknown.code == 2);
  CHECK(unknown.err.find("no indicator 'gate[security].wait_p59_s'") != std::string::npos);
  CHECK(unknown.err.find("gate[security].wait_p95_s") != std::string::npos);
  CHECK(unknown.err.find("candidate") == std::string::npos);
  CHECK(!fs::exists(tmp.path / "d" / "plan.json"));
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

TEST_CASE("plan --stress finds the demand at which Erlang C's mean wait reaches the target inside its interval, "
          "the same on 1 and 2 threads",
          "[cli][plan][stress][statistical]") {
  const TempDir tmp("plan-stress");
  const Gate g = gate();
  // 22 lanes and a mean wait of at most 5 s (4.2 s at the scenario's demand): the factor f on
  // demand with W_q(22 lanes, f lambda) = 5 s, by bisection on Erlang C (1.0154, a load of 0.83,
  // where a day from an empty queue is close to steady state).
  const int lanes = 22;
  const double w = 5;
  auto wq = [&](double f) { return erlang_c(lanes, f * g.a) / (lanes * g.mu - f * g.lambda); };
  double lo = 1, hi = lanes / g.a;
  for (int i = 0; i < 100; ++i) ((wq((lo + hi) / 2) > w) ? hi : lo) = (lo + hi) / 2;
  const double breaking = (lo + hi) / 2;
  const fs::path out = tmp.path / "stress";
  const Outcome o = run_expoflow(plan_args(out, fmt::format("--stress -r {} --set 'target[mean_wait].max={}' --set "
                                                            "'gate[security].lanes[00:00]={}'",
                                                            samples(12), w, lanes)),
                                 tmp);
  INFO(o.err << o.out);
  REQUIRE(o.code == 0);
  const json stress = json::parse(read_text(out / "stress.json"));
  const json& t = stress["targets"][0];
  INFO("Erlang C's breaking point " << breaking << "; interval " << t["interval"].dump());
  CHECK(t["failing_below_bracket"] == 0);
  CHECK(t["holding_above_bracket"] == 0);
  CHECK(t["interval"][0].get<double>() <= breaking);
  CHECK(breaking <= t["interval"][1].get<double>());
  CHECK(t["interval"][1].get<double>() - t["interval"][0].get<double>() < 0.05);  // an interval that says something
  CHECK(fs::exists(out / "stress.csv"));
  CHECK(o.out.find("what breaks first") != std::string::npos);

  // The same breaking points on one thread.
  const Outcome one = run_expoflow(plan_args(tmp.path / "one", fmt::format("--stress -r {} --set "
                                                                           "'target[mean_wait].max={}' --set "
                                                                           "'gate[security].lanes[00:00]={}'",
                                                                           samples(12), w, lanes),
                                             1),
                                   tmp);
  REQUIRE(one.code == 0);
  CHECK(read_result(tmp.path / "one" / "stress.json") == read_result(out / "stress.json"));
  CHECK(read_text(tmp.path / "one" / "stress.csv") == read_text(out / "stress.csv"));
}

TEST_CASE("plan --stress without targets finds where each capacity-limited component breaks: a park of twice the "
          "spaces later, each inside its interval from theory",
          "[cli][plan][stress][statistical]") {
  const TempDir tmp("plan-stress-implicit");
  // tests/data/plan/lots_stress.toml: a park of C spaces that half of a Poisson(270 f) count of cars
  // pick fills at f = Gamma(C, 1) / 135, of mean C / 135.
  const std::string scenario = "tests/data/plan/lots_stress.toml";
  const double cars_per_park = load_or_fail(scenario).classes.at(0).volume.at(0) / 2;
  const fs::path out = tmp.path / "stress";
  const Outcome o = run_expoflow(fmt::format("plan {} --stress --seed 5 -q -j 2 -r {} --out '{}'", scenario,
                                             samples(12), out.string()),
                                 tmp);
  INFO(o.err << o.out);
  REQUIRE(o.code == 0);
  const json stress = json::parse(read_text(out / "stress.json"));
  CHECK(stress["days_simulated"] == json::array({1, 1}));
  std::map<std::string, json> by_id;
  std::vector<std::string> order;
  for (const json& t : stress["targets"]) {
    CHECK(t["implicit"] == true);
    by_id[t["id"].get<std::string>()] = t;
    order.push_back(t["id"].get<std::string>());
  }
  REQUIRE(by_id.count("lot[P1].peak_use@d1"));
  REQUIRE(by_id.count("lot[P2].peak_use@d1"));
  for (const auto& [lot, spaces] : {std::pair{"lot[P1].peak_use@d1", 100.0}, std::pair{"lot[P2].peak_use@d1", 200.0}}) {
    const json& t = by_id[lot];
    const double theory = spaces / cars_per_park;
    INFO(lot << ": theory " << theory << ", interval " << t["interval"].dump());
    CHECK(t["bound_from"] == "capacity");
    CHECK(t["fails_at"].get<double>() == spaces);
    CHECK(t["failing_below_bracket"] == 0);
    CHECK(t["holding_above_bracket"] == 0);
    CHECK(t["interval"][0].get<double>() <= theory);
    CHECK(theory <= t["interval"][1].get<double>());
  }
  // Twice the spaces break later: the intervals do not overlap, and P1 is listed first.
  CHECK(by_id["lot[P1].peak_use@d1"]["interval"][1].get<double>() < by_id["lot[P2].peak_use@d1"]["interval"][0].get<double>());
  CHECK(order.front() == "lot[P1].peak_use@d1");
  // The walkway's bound is its level of service F (870 persons on 400 m²), which 540 cars never
  // reach: it holds in every replication.
  bool walkway = false;
  for (const auto& [id, t] : by_id)
    if (id.rfind("walkway[lot_link]", 0) == 0) {
      walkway = true;
      CHECK(t["bound_from"] == "level_of_service");
      CHECK(t["fails_at"].get<double>() == 870);
      CHECK(t["holding_above_bracket"].get<int>() == static_cast<int>(samples(12)));
    }
  CHECK(walkway);
  CHECK(o.out.find("peak >= 100 vehicles: full") != std::string::npos);
  CHECK(o.out.find("no targets: each capacity-limited component") != std::string::npos);
}

TEST_CASE("plan --stress without targets and without a capacity-limited component exits 2 before running",
          "[cli][plan][stress]") {
  const TempDir tmp("plan-stress-nothing");
  const Outcome o = run_expoflow("plan tests/data/model/gate_mmc.toml --stress -q -r 2 --out '" +
                                     (tmp.path / "out").string() + "'",
                                 tmp);
  CHECK(o.code == 2);
  CHECK(o.err.find("no capacity-limited component") != std::string::npos);
  CHECK(!fs::exists(tmp.path / "out" / "stress.json"));
}
