// Capacity of each kind of component: fed at 1.2 times its capacity, it delivers its capacity and
// its queue grows by the difference.
//
// Each component gets a small scenario of its own (tests/data/model/capacity_*.toml,
// walkway_overload.toml) in which everything else is wide and fast. The checks read the record
// stream only:
// - conservation: what arrived = what was served + what is still queued (+ held inside);
// - deterministic service (walkway outlet, train and bus places, car-park spaces): exact bounds;
// - exponential service (security lanes, taxi bays): while every server is busy, completions are
//   a Poisson process at the full service rate, so the count in a window has a known mean; a 95%
//   interval over replications must contain it, and so must the interval of the queue's growth;
// - no vehicle ever leaves above its capacity (RecordKind::depart: persons = load, value =
//   capacity), no place holds more than its capacity.
#include <catch2/catch.hpp>

#include <algorithm>
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

constexpr std::uint64_t kSeed = 7;

Scenario load(const std::string& name) { return load_or_fail("tests/data/model/" + name); }

// A level at a place (queue from queue_join/queue_leave, occupancy from enter/leave), stepped
// through the log: its value after time t, and its least and greatest value over [from, to].
// Values are taken at the end of each instant: a unit handed from one party to the next is
// released and taken again at the same time (a `leave` record, then the next `enter`), which is
// no real dip.
struct Level {
  double at_end = 0, min = 0, max = 0;
};
Level level_of(const std::vector<Record>& log, std::uint32_t place, RecordKind up, RecordKind down, Time from,
               Time to, bool vehicles = false) {
  Level lv;
  bool seen = false;
  double v = 0;
  Time instant = -1;
  auto note = [&] {
    if (!seen) lv.min = lv.max = v;
    lv.min = std::min(lv.min, v);
    lv.max = std::max(lv.max, v);
    seen = true;
  };
  for (const Record& r : log) {
    if (r.time > to) break;
    if (r.place != place || (r.kind != up && r.kind != down)) continue;
    if (r.time != instant && instant >= from) note();  // the previous instant is complete
    if (r.time != instant && instant < from && r.time > from) note();  // the value at `from`
    instant = r.time;
    const double d = vehicles ? r.vehicles : r.persons;
    v += r.kind == up ? d : -d;
  }
  note();
  lv.at_end = v;
  return lv;
}

// The greatest value a level ever takes, even for a moment (never above capacity means never).
double peak_of(const std::vector<Record>& log, std::uint32_t place, RecordKind up, RecordKind down,
               bool vehicles = false) {
  double v = 0, peak = 0;
  for (const Record& r : log)
    if (r.place == place && (r.kind == up || r.kind == down)) {
      const double d = vehicles ? r.vehicles : r.persons;
      v += r.kind == up ? d : -d;
      peak = std::max(peak, v);
    }
  return peak;
}

void check_no_vehicle_above_capacity(const std::vector<Record>& log, const Simulation& sim) {
  std::size_t departures = 0;
  for (const Record& r : log)
    if (r.kind == RecordKind::depart) {
      ++departures;
      INFO(sim.places()[r.place].id << " at t = " << r.time << ": load " << r.persons << ", capacity " << r.value);
      REQUIRE(r.value > 0);
      REQUIRE(r.persons <= r.value);
    }
  CHECK(departures > 0);
}

// Per-vehicle bookkeeping at one stop: the board and denied records a departure writes, its
// depart record, and how many were still waiting at that moment (in record order: riders let onto
// the platform by the boarding join the stop queue later in the same instant, and were not left
// behind by this train).
struct Departure {
  Time time = 0;
  double boarded = 0, denied = 0, load = 0, capacity = 0, waiting = 0;
};
std::vector<Departure> departures(const std::vector<Record>& log, std::uint32_t line_place,
                                  std::uint32_t depart_place, std::uint32_t queue_place) {
  std::vector<Departure> out;
  Departure cur;
  double waiting = 0;
  for (const Record& r : log) {
    if (r.place == queue_place && r.kind == RecordKind::queue_join) waiting += r.persons;
    if (r.place == queue_place && r.kind == RecordKind::queue_leave) waiting -= r.persons;
    if (r.place == line_place && r.kind == RecordKind::board) cur.boarded += r.persons;
    if (r.place == line_place && r.kind == RecordKind::denied) cur.denied += r.persons;
    if (r.place == depart_place && r.kind == RecordKind::depart) {
      cur.time = r.time;
      cur.load = r.persons;
      cur.capacity = r.value;
      cur.waiting = waiting;
      out.push_back(cur);
      cur = Departure{};
    }
  }
  return out;
}

}  // namespace

TEST_CASE("security gate at 1.2x capacity: lanes x 1/service_mean served, queue grows by the rest",
          "[model][capacity][gate][statistical]") {
  const Scenario s = load("capacity_gate.toml");
  const Simulation sim(s);
  const std::uint32_t gate = place_index(sim, "gate[security]");
  const int lanes = 10;
  const double capacity = lanes / s.gates[0].service_mean_s;  // persons/s
  const double demand = s.classes[0].volume[0] / (4 * 3600.0);
  REQUIRE(demand == Approx(1.2 * capacity));
  const Time from = 3600, to = 4 * 3600;  // every lane busy: checked below

  Tally passed, growth;
  for (std::uint32_t rep = 0; rep < samples(30); ++rep) {
    RecordLog log;
    const ReplicationResult r = sim.run(kSeed, rep, &log);
    const auto& L = log.records;
    const Level queue = level_of(L, gate, RecordKind::queue_join, RecordKind::queue_leave, from, to);
    REQUIRE(queue.min > 0);  // all lanes busy over the whole window
    const double served = sum_of(L, gate, RecordKind::served, 0, to + 1);
    const double pass = sum_of(L, gate, RecordKind::pass, 0, to + 1);
    const double in_service = served - pass;
    // Conservation at the horizon (the end of the arrival period): arrived = passed + being
    // screened + queued.
    CHECK(in_service == lanes);
    CHECK(r.persons_generated == pass + in_service + queue.at_end);
    passed.add(sum_of(L, gate, RecordKind::pass, from, to + 1));
    const Level before = level_of(L, gate, RecordKind::queue_join, RecordKind::queue_leave, 0, from);
    growth.add(queue.at_end - before.at_end);
  }
  const Interval served_ci = confidence_interval95(passed), growth_ci = confidence_interval95(growth);
  const double expect_served = capacity * (to - from), expect_growth = (demand - capacity) * (to - from);
  INFO(fmt::format("served in 3 h: {:.1f} +- {:.1f} (capacity {:.0f}); queue growth {:.1f} +- {:.1f} (expected {:.0f})",
                   served_ci.mean, served_ci.half_width, expect_served, growth_ci.mean, growth_ci.half_width,
                   expect_growth));
  CHECK(served_ci.half_width <= 0.02 * expect_served);
  CHECK(served_ci.lo <= expect_served);
  CHECK(expect_served <= served_ci.hi);
  // The check can tell: the throughput of one lane more or one lane fewer is rejected.
  for (const int other : {lanes - 1, lanes + 1}) {
    const double wrong = expect_served * other / lanes;
    CHECK_FALSE((served_ci.lo <= wrong && wrong <= served_ci.hi));
  }
  CHECK(growth_ci.lo <= expect_growth);
  CHECK(expect_growth <= growth_ci.hi);
}

TEST_CASE("walkway at 1.2x its outflow: width x max_specific_flow out, storage full, queue spills back",
          "[model][capacity][walkway]") {
  const Scenario s = load("walkway_overload.toml");
  const Simulation sim(s);
  const std::uint32_t walkway = place_index(sim, "walkway[corridor]");
  const auto& w = s.walkways[0];
  const double outflow = w.width_m * s.max_specific_flow;                          // 0.8 persons/s
  const double storage = std::floor(w.length_m * w.width_m * s.storage_density);  // 400 persons
  REQUIRE(sim.places()[walkway].capacity == storage);
  const Time arrivals_end = 2 * 3600;
  REQUIRE(s.classes[0].volume[0] / arrivals_end == Approx(1.2 * outflow));

  for (std::uint32_t rep = 0; rep < 3; ++rep) {
    RecordLog log;
    const ReplicationResult r = sim.run(kSeed, rep, &log);
    const auto& L = log.records;
    // Storage: never more inside than it holds, and full from 45 min to the end of the arrivals.
    CHECK(peak_of(L, walkway, RecordKind::enter, RecordKind::leave) == storage);
    const Level inside = level_of(L, walkway, RecordKind::enter, RecordKind::leave, 45 * 60, arrivals_end);
    REQUIRE(inside.min == storage);
    // Outflow: the outlet holds each person 1/outflow s, so while the walkway is full (the outlet
    // always has someone waiting) every 5 minutes pass exactly 240 persons, give or take one.
    for (Time t = 45 * 60; t + 300 <= arrivals_end; t += 300) {
      INFO("5 minutes from t = " << t);
      CHECK(std::abs(sum_of(L, walkway, RecordKind::pass, t, t + 300) - outflow * 300) <= 1);
    }
    // Spill-back and conservation at the end of the arrivals: everyone has arrived; whoever has
    // neither passed nor got a place inside queues at the entry, part of all who queue there.
    const double passed = sum_of(L, walkway, RecordKind::pass, 0, arrivals_end + 1e-9);
    const Level queue = level_of(L, walkway, RecordKind::queue_join, RecordKind::queue_leave, 0, arrivals_end);
    const double at_entry = r.persons_generated - passed - inside.at_end;
    INFO(fmt::format("at 2 h: passed {}, inside {}, at the entry {}, queueing in all {}", passed, inside.at_end,
                     at_entry, queue.at_end));
    CHECK(at_entry > 0.1 * r.persons_generated);
    CHECK(at_entry <= queue.at_end);
    CHECK(queue.at_end - at_entry <= storage);  // the rest queue inside, at the outlet
    // Everyone has passed by the horizon: nothing lost, nothing left.
    CHECK(sum_of(L, walkway, RecordKind::pass, 0, s.horizon_s + 1) == r.persons_generated);
    CHECK(level_of(L, walkway, RecordKind::queue_join, RecordKind::queue_leave, 0, s.horizon_s).at_end == 0);
  }
}

TEST_CASE("a walkway serves each traversal once, its wait that at the entry (spill-back) and at the outlet",
          "[model][capacity][walkway]") {
  // The overloaded walkway: parties queue both for its storage (spilled back to the entry) and at
  // its outlet. Each traversal is one `served` record, counted as the persons who walked it
  // (their `pass`), and its wait adds both queues: the waits of all served add up to the time
  // persons spent queueing there (the queue's integral; the queue is empty at the horizon).
  const Scenario s = load("walkway_overload.toml");
  const Simulation sim(s);
  const std::uint32_t walkway = place_index(sim, "walkway[corridor]");
  RecordLog log;
  const ReplicationResult r = sim.run(kSeed, 0, &log);
  double served = 0, waited = 0, queue = 0, integral = 0;
  Time last = 0;
  bool storage_waits = false;
  for (const Record& rec : log.records) {
    if (rec.place != walkway) continue;
    integral += queue * (rec.time - last);
    last = rec.time;
    if (rec.kind == RecordKind::queue_join) queue += rec.persons;
    if (rec.kind == RecordKind::queue_leave) queue -= rec.persons;
    if (rec.kind == RecordKind::enter && queue > 0) storage_waits = true;
    if (rec.kind == RecordKind::served) {
      served += rec.persons;
      waited += rec.persons * rec.value;
    }
  }
  REQUIRE(queue == 0);
  REQUIRE(storage_waits);  // both queues are exercised
  const double walked = sum_of(log.records, walkway, RecordKind::pass, 0, s.horizon_s + 1);
  CHECK(walked == r.persons_generated);
  CHECK(served == walked);
  CHECK(served == sum_of(log.records, walkway, RecordKind::enter, 0, s.horizon_s + 1));
  CHECK(waited == Approx(integral).epsilon(1e-6));
}

TEST_CASE("metro at 1.2x: trains board what fits beside the background load, the rest is denied",
          "[model][capacity][metro]") {
  const Scenario s = load("capacity_metro.toml");
  const Simulation sim(s);
  const std::uint32_t line_in = place_index(sim, "line[line_in]");
  const std::uint32_t upstream = place_index(sim, "line[line_in].direction[inbound].upstream");
  const std::uint32_t line_out = place_index(sim, "line[line_out]");
  const std::uint32_t platform = place_index(sim, "line[line_out].platform");
  const std::uint32_t stop = place_index(sim, "line[line_out].direction[outbound].stop");
  const double k = s.lines[0].vehicle_capacity;                                // 200
  const double space_in = k - std::floor(0.25 * k), space_out = k - 0.375 * k;  // 150, 125
  const double headway = 300;
  const double platform_capacity = 300;
  REQUIRE(sim.places()[platform].capacity == platform_capacity);
  const double demand = s.classes[0].volume[0] / (2 * 3600.0);
  REQUIRE(demand == Approx(1.2 * space_in / headway));

  for (std::uint32_t rep = 0; rep < 3; ++rep) {
    RecordLog log;
    const ReplicationResult r = sim.run(kSeed, rep, &log);
    const auto& L = log.records;
    check_no_vehicle_above_capacity(L, sim);

    // Access: riders wait upstream; each train takes what fits beside its background load.
    const auto in = departures(L, line_in, upstream, upstream);
    REQUIRE(in.size() > 20);
    double boarded = 0;
    int full_trains = 0;
    for (std::size_t i = 0; i < in.size(); ++i) {
      const Departure& d = in[i];
      INFO("line_in train at t = " << d.time);
      if (i > 0) CHECK(d.time - in[i - 1].time == Approx(headway));
      CHECK(d.load == std::floor(0.25 * k) + d.boarded);
      CHECK(d.boarded <= space_in);
      // Denied riders are those still waiting after the train: only if it left full.
      CHECK(d.denied == d.waiting);
      if (d.denied > 0) {
        CHECK(d.boarded == space_in);
        ++full_trains;
      }
      boarded += d.boarded;
    }
    CHECK(full_trains >= 20);  // most of the two hours
    // Conservation: every visitor waited upstream and boarded by the horizon.
    CHECK(sum_of(L, upstream, RecordKind::queue_join, 0, s.horizon_s + 1) == r.persons_generated);
    CHECK(boarded == r.persons_generated);

    // Egress: riders take platform space (at most its capacity), then wait for a train that
    // arrives with 75 on board and takes at most 125.
    const auto out = departures(L, line_out, line_out, stop);
    int full_out = 0;
    double boarded_out = 0;
    for (const Departure& d : out) {
      INFO("line_out train at t = " << d.time);
      CHECK(d.load == 0.375 * k + d.boarded);
      CHECK(d.boarded <= space_out);
      CHECK(d.denied == d.waiting);
      if (d.denied > 0) {
        CHECK(d.boarded == space_out);
        ++full_out;
      }
      boarded_out += d.boarded;
    }
    CHECK(full_out >= 10);
    CHECK(boarded_out == r.persons_generated);
    CHECK(peak_of(L, platform, RecordKind::enter, RecordKind::leave) == platform_capacity);
    CHECK(peak_of(L, platform, RecordKind::queue_join, RecordKind::queue_leave) > 0);  // spill-back
    CHECK(level_of(L, platform, RecordKind::enter, RecordKind::leave, 0, s.horizon_s).at_end == 0);
  }
}

TEST_CASE("bus line at 1.2x: a departure carries its capacity and the fleet bounds the headway",
          "[model][capacity][bus]") {
  const Scenario s = load("capacity_bus.toml");
  const Simulation sim(s);
  const std::uint32_t line = place_index(sim, "line[shuttle]");
  const std::uint32_t upstream = place_index(sim, "line[shuttle].direction[to_site].upstream");
  const auto& l = s.lines[0];
  const double min_headway = l.round_trip_s / l.fleet;  // 900 s, although the timetable asks 300 s
  REQUIRE(min_headway == 900);
  REQUIRE(s.classes[0].volume[0] / (2 * 3600.0) == Approx(1.2 * l.vehicle_capacity / min_headway));

  RecordLog log;
  const ReplicationResult r = sim.run(kSeed, 0, &log);
  const auto& L = log.records;
  check_no_vehicle_above_capacity(L, sim);
  const auto deps = departures(L, line, upstream, upstream);
  REQUIRE(deps.size() >= 8);
  int full = 0;
  double boarded = 0;
  for (std::size_t i = 0; i < deps.size(); ++i) {
    const Departure& d = deps[i];
    INFO("bus at t = " << d.time);
    if (i > 0) CHECK(d.time - deps[i - 1].time == Approx(min_headway));
    CHECK(d.load == d.boarded);
    CHECK(d.boarded <= l.vehicle_capacity);
    CHECK(d.denied == d.waiting);
    if (d.denied > 0) {
      CHECK(d.boarded == l.vehicle_capacity);
      ++full;
    }
    boarded += d.boarded;
  }
  CHECK(full >= 6);
  // Conservation at the horizon: arrived = boarded + still waiting.
  const double waiting = level_of(L, upstream, RecordKind::queue_join, RecordKind::queue_leave, 0, s.horizon_s).at_end;
  CHECK(r.persons_generated == boarded + waiting);
}

TEST_CASE("taxi bays at 1.2x: bays x 1/loading_mean cabs leave, the queue grows by the rest",
          "[model][capacity][taxi]") {
  const Scenario s = load("capacity_taxi.toml");
  const Simulation sim(s);
  const std::uint32_t stand = place_index(sim, "taxi_stand[stand]");
  const std::uint32_t bays = place_index(sim, "taxi_stand[stand].bays");
  const auto& t = s.taxi_stands[0];
  const double capacity = t.bays / t.loading_mean_s;  // cabs/s
  const double demand = 72 / 900.0;                    // after the first quarter hour
  REQUIRE(demand == Approx(1.2 * capacity));
  const Time from = 5400, to = 3 * 3600;

  Tally left, growth;
  for (std::uint32_t rep = 0; rep < 30; ++rep) {
    RecordLog log;
    sim.run(kSeed, rep, &log);
    const auto& L = log.records;
    CHECK(peak_of(L, bays, RecordKind::enter, RecordKind::leave, true) == t.bays);
    const Level busy = level_of(L, bays, RecordKind::enter, RecordKind::leave, from, to, true);
    // Pairs of party and cab queue for a bay; the queue is counted in cabs.
    const Level queue = level_of(L, bays, RecordKind::queue_join, RecordKind::queue_leave, from, to, true);
    REQUIRE(queue.min > 0);  // parties wait for a bay over the whole window...
    CHECK(busy.min == t.bays);  // ...and every bay is loading
    left.add(sum_of(L, stand, RecordKind::vehicle_out, from, to + 1, true));
    const Level before = level_of(L, bays, RecordKind::queue_join, RecordKind::queue_leave, 0, from, true);
    growth.add(queue.at_end - before.at_end);
    // Conservation, in cabs: pairs that reached a bay's queue = loaded and gone + loading + queued.
    const double joined = sum_of(L, bays, RecordKind::served, 0, to + 1, true) + queue.at_end;
    CHECK(joined == sum_of(L, stand, RecordKind::vehicle_out, 0, to + 1, true) + busy.at_end + queue.at_end);
  }
  const Interval left_ci = confidence_interval95(left), growth_ci = confidence_interval95(growth);
  const double expect_left = capacity * (to - from), expect_growth = (demand - capacity) * (to - from);
  INFO(fmt::format("cabs out in 1.5 h: {:.1f} +- {:.1f} (capacity {:.0f}); queue growth {:.1f} +- {:.1f} (expected {:.0f})",
                   left_ci.mean, left_ci.half_width, expect_left, growth_ci.mean, growth_ci.half_width, expect_growth));
  CHECK(left_ci.half_width <= 0.03 * expect_left);
  CHECK(left_ci.lo <= expect_left);
  CHECK(expect_left <= left_ci.hi);
  CHECK(growth_ci.lo <= expect_growth);
  CHECK(expect_growth <= growth_ci.hi);
}

TEST_CASE("car park fed 1.2x its spaces: full, never above, the rest queue and get in when cars leave",
          "[model][capacity][car_park]") {
  const Scenario s = load("capacity_car_park.toml");
  const Simulation sim(s);
  const std::uint32_t lot = place_index(sim, "lot[P]");
  const double spaces = s.lots[0].spaces;
  const Time arrivals_end = 2 * 3600, close = s.halls.close_s;

  for (std::uint32_t rep = 0; rep < 3; ++rep) {
    RecordLog log;
    const ReplicationResult r = sim.run(kSeed, rep, &log);
    const auto& L = log.records;
    const double cars = sum_of(L, lot, RecordKind::vehicle_in, 0, arrivals_end, true);
    REQUIRE(cars == 1.2 * spaces);
    CHECK(r.persons_generated == 2 * cars);
    // Occupancy in vehicles never above the spaces; full once the arrivals are over.
    CHECK(peak_of(L, lot, RecordKind::enter, RecordKind::leave, true) == spaces);
    const Level parked = level_of(L, lot, RecordKind::enter, RecordKind::leave, arrivals_end, close - 1, true);
    CHECK(parked.min == spaces);
    CHECK(parked.max == spaces);
    // The queue is kept in vehicles: 20 cars wait at the entrance until the close.
    const Level queue = level_of(L, lot, RecordKind::queue_join, RecordKind::queue_leave, arrivals_end, close - 1, true);
    CHECK(queue.min == cars - spaces);
    CHECK(cars == parked.at_end + queue.at_end);  // conservation
    // The queued cars got in only when others left, at or after the close; all leave by the horizon.
    std::size_t waited = 0;
    for (const Record& x : L)
      if (x.place == lot && x.kind == RecordKind::served && x.value > 0) {
        ++waited;
        CHECK(x.time >= close);
      }
    CHECK(waited == cars - spaces);
    CHECK(sum_of(L, lot, RecordKind::vehicle_out, 0, s.horizon_s + 1, true) == cars);
    CHECK(level_of(L, lot, RecordKind::enter, RecordKind::leave, 0, s.horizon_s, true).at_end == 0);
  }
}

TEST_CASE("a replication bounded in events stops after them, as the start of the unbounded run, and says so",
          "[model][limits]") {
  const Scenario s = load("capacity_gate.toml");
  const Simulation sim(s);
  RecordLog whole, cut;
  const ReplicationResult full = sim.run(kSeed, 0, &whole);
  REQUIRE(full.events > 2000);
  CHECK_FALSE(full.capped);
  const ReplicationResult part = sim.run(kSeed, 0, &cut, RunLimits{1000});
  CHECK(part.capped);
  CHECK(part.events == 1000);
  REQUIRE(!cut.records.empty());
  REQUIRE(cut.records.size() < whole.records.size());
  for (std::size_t i = 0; i < cut.records.size(); ++i) {
    const Record &a = cut.records[i], &b = whole.records[i];
    INFO("record " << i);
    CHECK((a.time == b.time && a.place == b.place && a.persons == b.persons && a.kind == b.kind && a.value == b.value));
  }
  // A bound the run never reaches changes nothing.
  const ReplicationResult roomy = sim.run(kSeed, 0, nullptr, RunLimits{full.events + 1});
  CHECK_FALSE(roomy.capped);
  CHECK(roomy.events == full.events);
}
