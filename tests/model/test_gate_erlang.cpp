// A security gate of the full model, alone, as an M/M/c queue: the mean wait of the simulated
// gate against Erlang C, and Little's law on its queue.
//
// The scenario (tests/data/model/gate_mmc.toml) puts a walk origin at the gate node, so a party
// (always one person) joins the gate queue the moment it arrives. Arrival times are uniform over
// 00:00-22:00 given their number every day, i.e. a Poisson process over that window; screening is
// exponential. The analytic values are computed from the scenario as loaded (lanes, service mean,
// volume and profile), so the file is the single statement of the set-up.
//
// Waits are taken from the record stream (RecordKind::served at the gate carries the wait), with
// each day's first 30 minutes of arrivals deleted (a queue that starts empty is biased low) and
// only parties arriving before the day's arrival period ends (after it the queue drains, which
// M/M/c does not describe). A negative control with one lane fewer must fail the same check.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "scenario/scenario.hpp"
#include "model/simulation.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

constexpr std::uint64_t kSeed = 2024;
const std::uint32_t kReplications = expoflow::test::samples(40);
constexpr double kWarmup_s = 1800;

Scenario load(const std::vector<std::string>& overrides = {}) {
  return load_or_fail("tests/data/model/gate_mmc.toml", overrides);
}

// The M/M/c parameters the scenario describes.
struct GateQueue {
  int lanes = 0;
  double mu = 0, lambda = 0;       // per second
  double arrivals_from_s = 0;      // clock time of the first arrival of a day
  double arrivals_to_s = 0;        // clock time the arrival period ends
  double wq() const { return erlang_c(lanes, lambda / mu) / (lanes * mu - lambda); }
};

GateQueue gate_queue(const Scenario& s) {
  REQUIRE(s.gates.size() == 1);
  REQUIRE(s.classes.size() == 1);
  const GateDef& g = s.gates[0];
  REQUIRE(g.lanes.steps.size() == 1);  // the same lanes all day
  const ClassDef& c = s.classes[0];
  for (double w : c.profile) REQUIRE(w == c.profile.front());  // uniform arrivals
  for (double v : c.volume) REQUIRE(v == c.volume.front());
  GateQueue q;
  q.lanes = static_cast<int>(std::llround(g.lanes.steps[0].second * g.lanes_scale));
  q.mu = 1 / g.service_mean_s;
  q.arrivals_from_s = c.profile_start_s;
  q.arrivals_to_s = c.profile_start_s + c.profile_bin_s * static_cast<double>(c.profile.size());
  q.lambda = c.volume.front() * s.demand_scale / (q.arrivals_to_s - q.arrivals_from_s);
  return q;
}

// Waits at one place of parties that arrived inside [from, to) of the clock, any day. A served
// record is written when service begins, so the party arrived at time - wait (it walked no
// distance: the origin is the gate's node).
class WindowWaits final : public RecordObserver {
 public:
  WindowWaits(std::uint32_t place, double from_clock, double to_clock)
      : place_(place), from_(from_clock), to_(to_clock) {}
  void on_record(const Record& r) override {
    if (r.place != place_ || r.kind != RecordKind::served) return;
    const double clock = std::fmod(r.time - r.value, kSecondsPerDay);
    if (clock >= from_ && clock < to_) waits_.add(r.value);
  }
  const Tally& waits() const { return waits_; }

 private:
  std::uint32_t place_;
  double from_, to_;
  Tally waits_;
};

// Mean gate wait per replication, and the 95% interval of those means.
Interval mean_wait_interval(const Scenario& s, const GateQueue& q) {
  const Simulation sim(s);
  const std::uint32_t gate = place_index(sim, "gate[" + s.gates[0].id + "]");
  Tally means;
  for (std::uint32_t rep = 0; rep < kReplications; ++rep) {
    WindowWaits w(gate, q.arrivals_from_s + kWarmup_s, q.arrivals_to_s);
    const ReplicationResult r = sim.run(kSeed, rep, &w);
    REQUIRE(w.waits().count() > 100000);
    REQUIRE(r.persons_left_inside <= r.persons_generated);
    means.add(w.waits().mean());
  }
  return confidence_interval95(means);
}

// The queue of one place integrated from its own join/leave records, and every wait at it.
class QueueIntegral final : public RecordObserver {
 public:
  explicit QueueIntegral(std::uint32_t place) : place_(place) {}
  void on_record(const Record& r) override {
    if (r.place != place_) return;
    switch (r.kind) {
      case RecordKind::queue_join: step(r.time, r.persons); break;
      case RecordKind::queue_leave: step(r.time, -static_cast<double>(r.persons)); break;
      case RecordKind::served:
        wait_sum_ += r.value * r.persons;
        served_ += r.persons;
        break;
      default: break;
    }
  }
  double integral(Time end) const { return integral_ + level_ * (end - last_); }
  double level() const { return level_; }
  double wait_sum() const { return wait_sum_; }
  double served() const { return served_; }

 private:
  void step(Time t, double delta) {
    integral_ += level_ * (t - last_);
    last_ = t;
    level_ += delta;
  }
  std::uint32_t place_;
  Time last_ = 0;
  double level_ = 0, integral_ = 0, wait_sum_ = 0, served_ = 0;
};

}  // namespace

TEST_CASE("Erlang C helper: known values and no overflow", "[model][gate][erlang]") {
  CHECK(erlang_c(1, 0.7) == Approx(0.7).epsilon(1e-12));        // M/M/1: C = rho
  CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3).epsilon(1e-12));    // by hand: B = 1/5
  CHECK(erlang_c(1000, 950) > 0);
  CHECK(erlang_c(1000, 950) < 1);
}

TEST_CASE("a multi-lane security gate is M/M/c: mean wait matches Erlang C and one lane fewer does not",
          "[model][gate][erlang][slow][statistical]") {
  const Scenario s = load();
  const GateQueue q = gate_queue(s);
  REQUIRE(q.lanes >= 10);
  REQUIRE(q.lanes <= 40);
  const double rho = q.lambda / (q.lanes * q.mu);
  REQUIRE(rho == Approx(0.9).epsilon(0.01));
  const double wq = q.wq();

  const Interval ci = mean_wait_interval(s, q);
  INFO(fmt::format("c = {}, rho = {:.4f}: Erlang C Wq = {:.4f} s; simulated {:.4f} +- {:.4f} s ({:.2f}%)",
                   q.lanes, rho, wq, ci.mean, ci.half_width, 100 * ci.half_width / wq));
  // The design's precision (2% of Wq) holds for the full 40 replications; a reduced sample
  // (sanitizer preset) is checked for the interval alone.
  if (kReplications == 40) CHECK(ci.half_width <= 0.02 * wq);
  CHECK(ci.lo <= wq);
  CHECK(wq <= ci.hi);

  // Negative control: the same check with one lane fewer must reject the c-lane value.
  const Scenario fewer = load({fmt::format("gate[{}].lanes={{ \"00:00\" = {} }}", s.gates[0].id, q.lanes - 1)});
  REQUIRE(gate_queue(fewer).lanes == q.lanes - 1);
  const Interval control = mean_wait_interval(fewer, gate_queue(fewer));
  INFO(fmt::format("{} lanes: simulated {:.4f} +- {:.4f} s (Erlang C for {} lanes: {:.4f} s)", q.lanes - 1,
                   control.mean, control.half_width, q.lanes - 1, gate_queue(fewer).wq()));
  CHECK_FALSE((control.lo <= wq && wq <= control.hi));
}

TEST_CASE("Little's law holds exactly on the gate queue over a path that starts and ends empty",
          "[model][gate][little]") {
  const Scenario s = load();
  const Simulation sim(s);
  const std::uint32_t gate = place_index(sim, "gate[" + s.gates[0].id + "]");
  QueueIntegral own(gate);
  const ReplicationResult r = sim.run(kSeed, 0, &own);
  const Time end = s.horizon_s;

  // Starts empty by construction; must have drained by the horizon, everyone screened.
  REQUIRE(own.level() == 0);
  REQUIRE(own.served() == r.persons_generated);
  const auto& stats = r.recorder->places()[gate];
  CHECK(stats.queue.value() == 0);
  CHECK(stats.queue.min_seen() == 0);
  CHECK(stats.total_persons[counted_index(RecordKind::pass)] == r.persons_generated);

  const double arrival_rate = own.served() / end;
  const double mean_wait = own.wait_sum() / own.served();
  const double time_avg_queue = own.integral(end) / end;
  INFO(fmt::format("L = {:.6f}, lambda W = {:.6f} x {:.6f} s", time_avg_queue, arrival_rate, mean_wait));
  REQUIRE(time_avg_queue > 1);  // a real queue, not an empty one
  CHECK(time_avg_queue == Approx(arrival_rate * mean_wait).epsilon(1e-6));

  // The Recorder's binned queue level integrates the same path.
  double recorder_integral = 0;
  for (std::size_t b = 0; b < r.recorder->num_bins(); ++b)
    recorder_integral += stats.queue.bin_mean(b) * r.recorder->bin_s();
  CHECK(recorder_integral / end == Approx(time_avg_queue).epsilon(1e-6));
}
