// A security gate with patience, alone, as an M/M/c+M queue (Erlang A): the probability of
// abandoning and the mean time in queue of all arrivals (abandoners included) against the exact
// birth-death solution, at rho = 0.9 and in overload (rho = 1.2, where Erlang C has no steady
// state and Erlang A does).
//
// The scenario (tests/data/model/gate_abandon.toml) puts the walk origin at the gate node, so a
// party (one person) joins the queue the moment it arrives. Each day's arrivals are a Poisson
// count spread uniformly over the arrival window: a Poisson process. Screening and patience are
// exponential; nobody balks; whoever's patience runs out leaves. Each replication is one day;
// arrivals of its first 60 minutes (the queue starts empty) and after the window (the queue then
// drains) are deleted. Waits and abandonments come from the record stream: a served record carries
// the wait, a renege record the time waited, so the arrival was at time - value.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "scenario/scenario.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

constexpr std::uint64_t kSeed = 2025;
constexpr std::uint32_t kReplications = 40;  // cheap: a day of a few thousand arrivals each
constexpr double kWarmup_s = 3600;

struct Abandoning {
  int lanes = 0;
  double lambda = 0, mu = 0, theta = 0;  // per second
  double from_s = 0, to_s = 0;           // the arrival window
};

Abandoning model_of(const scenario::Scenario& s) {
  REQUIRE(s.gates.size() == 1);
  REQUIRE(s.classes.size() == 1);
  const auto& g = s.gates[0];
  const auto& c = s.classes[0];
  REQUIRE(c.poisson_count);
  REQUIRE(g.lanes.steps.size() == 1);
  const scenario::PatienceDef& patience = s.patience[static_cast<std::size_t>(scenario::WaitKind::security)];
  REQUIRE(patience.dist == scenario::PatienceDist::exponential);
  REQUIRE_FALSE(patience.balk);
  REQUIRE(patience.then == scenario::GiveUp::leave);
  for (double w : c.profile) REQUIRE(w == c.profile.front());
  Abandoning a;
  a.lanes = static_cast<int>(std::llround(g.lanes.steps[0].second * g.lanes_scale));
  a.mu = 1 / g.service_mean_s;
  a.theta = 1 / patience.mean_s;
  a.from_s = c.profile_start_s;
  a.to_s = c.profile_start_s + c.profile_bin_s * static_cast<double>(c.profile.size());
  a.lambda = c.volume.front() * c.volume_scale * s.demand_scale / (a.to_s - a.from_s);
  return a;
}

// Erlang A exactly: the birth-death chain with birth rate lambda and death rate n mu up to c
// lanes, then c mu + (n - c) theta. Returns {P(abandon), mean time in queue of all arrivals}.
std::pair<double, double> erlang_a(const Abandoning& a) {
  double p = 1, total = 1, lq = 0;
  for (int n = 1; n < 100000; ++n) {
    const double death = std::min(n, a.lanes) * a.mu + std::max(0, n - a.lanes) * a.theta;
    p *= a.lambda / death;
    total += p;
    lq += std::max(0, n - a.lanes) * p;
    if (n > a.lanes && p < 1e-16 * total) break;
  }
  lq /= total;
  return {a.theta * lq / a.lambda, lq / a.lambda};
}

class Waits final : public RecordObserver {
 public:
  Waits(std::uint32_t place, double from, double to) : place_(place), from_(from), to_(to) {}
  void on_record(const Record& r) override {
    if (r.place != place_ || (r.kind != RecordKind::served && r.kind != RecordKind::renege)) return;
    const double arrived = r.time - r.value;
    if (arrived < from_ || arrived >= to_) return;
    ++arrivals_;
    wait_sum_ += r.value;
    if (r.kind == RecordKind::renege) ++abandoned_;
  }
  double arrivals() const { return arrivals_; }
  double share_abandoned() const { return abandoned_ / arrivals_; }
  double mean_wait() const { return wait_sum_ / arrivals_; }

 private:
  std::uint32_t place_;
  double from_, to_, arrivals_ = 0, abandoned_ = 0, wait_sum_ = 0;
};

struct Intervals {
  Interval abandon, wait;
};

Interval interval99(const Tally& t) {
  Interval r;
  r.mean = t.mean();
  r.half_width = student_t_quantile(0.995, t.count() - 1) * t.stddev() / std::sqrt(static_cast<double>(t.count()));
  r.lo = r.mean - r.half_width;
  r.hi = r.mean + r.half_width;
  return r;
}

Intervals simulate(const scenario::Scenario& s, const Abandoning& a) {
  const Simulation sim(s);
  const std::uint32_t gate = place_index(sim, "gate[" + s.gates[0].id + "]");
  Tally abandon, wait, counts;
  for (std::uint32_t rep = 0; rep < kReplications; ++rep) {
    Waits w(gate, a.from_s + kWarmup_s, a.to_s);
    const ReplicationResult r = sim.run(kSeed, rep, &w);
    REQUIRE(w.arrivals() > 1000);
    abandon.add(w.share_abandoned());
    wait.add(w.mean_wait());
    counts.add(r.persons_generated);
  }
  // The daily count is a Poisson count: its variance over replications is its mean (a fixed count
  // has none), within a loose chi-square band for 40 replications.
  CHECK(counts.stddev() > 0);
  CHECK(counts.variance() / counts.mean() > 0.4);
  CHECK(counts.variance() / counts.mean() < 1.8);
  return {interval99(abandon), interval99(wait)};
}

bool inside(const Interval& ci, double x) { return ci.lo <= x && x <= ci.hi; }

void check_erlang_a(const std::vector<std::string>& overrides, double rho_expected) {
  const scenario::Scenario s = load_or_fail("tests/data/model/gate_abandon.toml", overrides);
  const Abandoning a = model_of(s);
  const double rho = a.lambda / (a.lanes * a.mu);
  REQUIRE(rho == Approx(rho_expected).epsilon(1e-9));
  const auto [p_ab, wq] = erlang_a(a);
  const Intervals sim = simulate(s, a);
  INFO(fmt::format("c = {}, rho = {:.3f}, mean patience {:.0f} s: Erlang A P(abandon) = {:.5f}, Wq = {:.3f} s; "
                   "simulated {:.5f} +- {:.5f}, {:.3f} +- {:.3f} s (99%)",
                   a.lanes, rho, 1 / a.theta, p_ab, wq, sim.abandon.mean, sim.abandon.half_width, sim.wait.mean,
                   sim.wait.half_width));
  CHECK(inside(sim.abandon, p_ab));
  CHECK(inside(sim.wait, wq));

  // Negative control: a patience 1.5 times as long must be rejected by the same intervals.
  Abandoning longer = a;
  longer.theta = a.theta / 1.5;
  const auto [p_long, wq_long] = erlang_a(longer);
  INFO(fmt::format("patience x1.5: Erlang A P(abandon) = {:.5f}, Wq = {:.3f} s", p_long, wq_long));
  CHECK_FALSE((inside(sim.abandon, p_long) && inside(sim.wait, wq_long)));
}

}  // namespace

TEST_CASE("Erlang A helper: no patience limit tends to Erlang C, and a known overload value", "[model][gate][erlang]") {
  // Patience very long: the chain is M/M/c, and the mean wait that of Erlang C.
  Abandoning a{10, 0.15, 1.0 / 60, 1e-9, 0, 1};
  const double c = erlang_c(10, 9.0);
  CHECK(erlang_a(a).second == Approx(c / (10.0 / 60 - 0.15)).epsilon(1e-4));
  // Overload with patience: abandonment takes at least the excess (lambda - c mu) / lambda.
  Abandoning over{10, 0.2, 1.0 / 60, 1.0 / 300, 0, 1};
  CHECK(erlang_a(over).first > (0.2 - 10.0 / 60) / 0.2);
  CHECK(erlang_a(over).first < 0.5);
}

TEST_CASE("a gate with exponential patience is M/M/c+M: abandonment and wait match Erlang A at rho 0.9",
          "[model][gate][erlang][patience][statistical]") {
  check_erlang_a({}, 0.9);
}

TEST_CASE("a gate with exponential patience in overload (rho 1.2) matches Erlang A",
          "[model][gate][erlang][patience][statistical]") {
  check_erlang_a({"class[visitor].volume=[4320]"}, 1.2);
}
