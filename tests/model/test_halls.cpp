// Halls: a party stays for its dwell draw, but not past closing, or leaves by its class's leave-time
// profile, truncated; classes that wait for opening wait in the holding area; the hall occupancy policy steps
// up through its tiers (staggered entry, queueing inside, exit only) as occupancy crosses their
// thresholds, and acts on the entrances' lanes.
#include <algorithm>
#include <numeric>

#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

TEST_CASE("a party leaves the halls after its dwell draw, or at closing if that comes first", "[model][halls]") {
  Site site;
  World& w = site.start();
  site.run_until(at(10));
  const Party early = visitor(1), late = visitor(2);
  const dist::Lognormal dwell(7200, 60);  // the class's dwell: 2 h, sd 1 min
  const Time early_dwell = dwell(w.demand_rng.uniform(early.key, kDrawDwell));
  const Time late_dwell = dwell(w.demand_rng.uniform(late.key, kDrawDwell));
  site.hand_on(early, "halls", Stage::hall);
  site.run_until(at(17));
  site.hand_on(late, "halls", Stage::hall);
  // The late party would stay past 18:00.
  REQUIRE(at(10) + early_dwell < at(18));
  REQUIRE(at(17) + late_dwell > at(18));
  site.run();

  CHECK(site.times("halls", RecordKind::enter) == std::vector<Time>{at(10), at(17)});
  CHECK(site.times("halls", RecordKind::leave) == std::vector<Time>{at(10) + early_dwell, at(18)});
}

TEST_CASE("the hall occupancy policy steps up a tier at each threshold and lifts when the halls empty",
          "[model][halls]") {
  Site site;
  PolicyDef& pd = site.s.policy;
  pd.hall_occupancy = true;
  pd.staggered_entry = 3;
  pd.queue_inside = 5;
  pd.exit_only = 6;  // halls plus those held in the entrance halls
  for (const char* g : {"west", "east"}) by_id(site.s.gates, g).lanes = {{{at(8), 2}, {at(18), 0}}};
  World& w = site.start();
  site.run_until(at(10));
  auto west_lanes = [&] { return w.res[w.security.gate_res[0]].capacity(); };
  CHECK(west_lanes() == 2);

  std::vector<int> tiers;
  std::vector<std::int64_t> lanes;
  for (std::uint64_t key = 1; key <= 6; ++key) {
    site.hand_on(visitor(key), "halls", Stage::hall);
    tiers.push_back(w.halls.tier);
    lanes.push_back(west_lanes());
  }
  // Staggered entry at 3 persons inside halves the lanes; queueing inside at 5 holds the sixth
  // in the entrance halls, which brings those on site to 6: exit only, no lane open.
  CHECK(tiers == std::vector<int>{0, 0, 1, 1, 2, 3});
  CHECK(lanes == std::vector<std::int64_t>{2, 2, 1, 1, 1, 0});
  CHECK(site.times("policy.hall_occupancy.staggered_entry", RecordKind::activate) == std::vector<Time>{at(10)});
  CHECK(site.times("policy.hall_occupancy.queue_inside", RecordKind::activate) == std::vector<Time>{at(10)});
  CHECK(site.times("policy.hall_occupancy.exit_only", RecordKind::activate) == std::vector<Time>{at(10)});
  CHECK(site.persons("halls", RecordKind::enter) == std::vector<std::uint32_t>{1, 1, 1, 1, 1});
  CHECK(site.persons("halls.hold", RecordKind::queue_join) == std::vector<std::uint32_t>{1});

  site.run();
  CHECK(w.halls.tier == 0);
  CHECK(w.halls.occupancy == 0);
  CHECK(site.persons("halls", RecordKind::leave).size() == 6);
}

namespace {

// The leave-time profile of these tests: from 12:00, hourly weights 1, 1, 2 (so 12:00-15:00).
void leave_profile(scenario::Scenario& s, double min_visit_s, double sweep_s) {
  auto& c = s.classes[0];
  c.leave = {.start_s = at(12), .bin_s = 3600, .weights = {1, 1, 2}};
  c.min_visit_s = min_visit_s;
  s.halls.sweep_s = sweep_s;
}

// The profile's cumulative weight below t, written out by hand for weights 1, 1, 2 from 12:00.
double cumulative(Time t) {
  const double h = std::clamp((t - at(12)) / 3600, 0.0, 3.0);
  return h <= 2 ? h : 2 + 2 * (h - 2);
}

// Its inverse: the time below which the cumulative weight is c.
Time inverse(double c) { return at(12) + 3600 * (c <= 2 ? c : 2 + (c - 2) / 2); }

}  // namespace

TEST_CASE("a party leaves at its draw from the leave-time profile truncated to its minimum visit, or in the sweep",
          "[model][halls]") {
  Site site;
  leave_profile(site.s, 3600, 1200);  // a visit of at least 1 h; a 20 min sweep before 18:00
  World& w = site.start();
  site.run_until(at(10));
  const Party early = visitor(1), mid = visitor(2), late = visitor(3);
  site.hand_on(early, "halls", Stage::hall);  // window [11:00, 18:00]: the whole profile
  site.run_until(at(13, 30));
  site.hand_on(mid, "halls", Stage::hall);  // window [14:30, 18:00]: the last half of the 14:00 bin
  site.run_until(at(14, 30));
  site.hand_on(late, "halls", Stage::hall);  // window [15:30, 18:00]: no weight left, so the sweep
  site.run();

  auto u = [&](const Party& p, std::uint64_t draw) { return w.demand_rng.uniform(p.key, draw); };
  const Time early_leave = inverse(cumulative(at(11)) + u(early, kDrawDwell) * (cumulative(at(18)) - cumulative(at(11))));
  const Time mid_leave = inverse(cumulative(at(14, 30)) + u(mid, kDrawDwell) * (cumulative(at(18)) - cumulative(at(14, 30))));
  const Time late_leave = at(17, 40) + 1200 * u(late, kDrawSweep);
  const auto leaves = site.times("halls", RecordKind::leave);
  REQUIRE(leaves.size() == 3);
  std::vector<Time> expected{early_leave, mid_leave, late_leave};
  std::sort(expected.begin(), expected.end());
  for (std::size_t i = 0; i < 3; ++i) CHECK(leaves[i] == Approx(expected[i]).epsilon(1e-12));
  CHECK(mid_leave >= at(14, 30));
  CHECK(mid_leave <= at(15));
}

TEST_CASE("hall departures follow the leave-time profile: no 15-minute bin above 1.5 x what the profile gives it",
          "[model][halls]") {
  // 3,000 visitors arriving 08:00-12:00 leave by the profile (at least 1 h after admission); the
  // expected departures of each 15-min bin are summed party by party from the profile truncated
  // to its window, worked out here from the weights (a second implementation).
  Site site;
  leave_profile(site.s, 3600, 1800);
  auto& c = site.s.classes[0];
  c.volume = {3000};
  c.profile_start_s = at(8);
  c.profile_bin_s = 3600;
  c.profile = {1, 1, 1, 1};
  for (const char* g : {"west", "east"}) by_id(site.s.gates, g).lanes = {{{at(7), 20}, {at(18), 0}}};
  site.start();
  site.run();

  std::vector<double> expected(96, 0.0), observed(96, 0.0);
  for (const Record& r : site.records("halls", RecordKind::enter)) {
    const double lo = r.time + 3600, hi = at(18);
    const double mass = cumulative(hi) - cumulative(lo);
    if (mass <= 0) {  // the sweep: uniform over 17:30-18:00
      for (int b = 70; b < 72; ++b) expected[static_cast<std::size_t>(b)] += r.persons * 0.5;
      continue;
    }
    for (int b = 0; b < 96; ++b) {
      const double b0 = std::max(lo, b * 900.0), b1 = std::min(hi, (b + 1) * 900.0);
      if (b1 > b0) expected[static_cast<std::size_t>(b)] += r.persons * (cumulative(b1) - cumulative(b0)) / mass;
    }
  }
  for (const Record& r : site.records("halls", RecordKind::leave)) observed[static_cast<std::size_t>(r.time / 900)] += r.persons;
  const auto peak = static_cast<std::size_t>(std::max_element(observed.begin(), observed.end()) - observed.begin());
  INFO("busiest bin " << peak << ": " << observed[peak] << " departures, the profile gives " << expected[peak]);
  CHECK(std::accumulate(observed.begin(), observed.end(), 0.0) == Approx(std::accumulate(expected.begin(), expected.end(), 0.0)));
  CHECK(observed[peak] < 1.5 * expected[peak]);
  for (std::size_t b = 0; b < 96; ++b)
    if (expected[b] == 0) CHECK(observed[b] == 0);
}

TEST_CASE("the holding area fills before opening, blocks the lanes while full, and empties at opening",
          "[model][halls]") {
  Site site;
  site.s.classes[0].wait_for_opening = true;
  site.s.halls.holding_area_m2 = 2;  // 4 persons at 2 persons/m²
  site.s.halls.holding_density = 2;
  for (const char* g : {"west", "east"}) by_id(site.s.gates, g).lanes = {{{at(8), 2}, {at(18), 0}}};
  World& w = site.start();
  site.run_until(at(8));
  for (std::uint64_t key = 1; key <= 7; ++key) site.hand_on(visitor(key), "west", Stage::security);
  site.run_until(at(8, 50));
  // Four screened and in the holding area; two more screened wait for space in it, each keeping
  // its lane, so the seventh is not screened.
  CHECK(w.res[w.halls.holding_res].in_use() == 4);
  CHECK(site.persons("halls.holding_area", RecordKind::enter).size() == 4);
  CHECK(site.persons("halls.holding_area", RecordKind::queue_join).size() == 2);
  CHECK(site.persons("gate[west]", RecordKind::pass).size() == 4);
  CHECK(w.res[w.security.gate_res[0]].in_use() == 2);
  CHECK(w.res[w.security.gate_res[0]].weight_waiting() == 1);
  CHECK(site.times("halls", RecordKind::enter).empty());
  site.run_until(at(10));
  // At 09:00 the four go in; the other three pass and walk in after.
  const auto entered = site.times("halls", RecordKind::enter);
  REQUIRE(entered.size() == 7);
  CHECK(std::count(entered.begin(), entered.end(), at(9)) == 4);
  CHECK(site.times("halls.holding_area", RecordKind::enter).size() == 6);
  CHECK(site.times("halls.holding_area", RecordKind::leave).size() == 6);
  CHECK(w.res[w.halls.holding_res].in_use() == 0);
}

TEST_CASE("a class's latest time cuts its leave-time profile: nobody stays past it", "[model][halls]") {
  // The profile runs to 15:00 but the class leaves by 14:00: the draw is the profile truncated to
  // [admission, 14:00], worked out by hand.
  Site site;
  leave_profile(site.s, 0, 0);
  site.s.classes[0].latest_s = at(14);
  World& w = site.start();
  site.run_until(at(10));
  std::vector<Time> expected;
  for (std::uint64_t key = 1; key <= 20; ++key) {
    const Party p = visitor(key);
    site.hand_on(p, "halls", Stage::hall);
    expected.push_back(inverse(w.demand_rng.uniform(p.key, kDrawDwell) * cumulative(at(14))));
  }
  site.run();
  std::sort(expected.begin(), expected.end());
  const auto leaves = site.times("halls", RecordKind::leave);
  REQUIRE(leaves.size() == expected.size());
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    CHECK(leaves[i] <= at(14));
    CHECK(leaves[i] == Approx(expected[i]).epsilon(1e-12));
  }
}
