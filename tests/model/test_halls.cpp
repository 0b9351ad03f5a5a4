// Halls: a party stays for its dwell draw, but not past closing; the hall occupancy policy steps
// up through its tiers (staggered entry, queueing inside, exit only) as occupancy crosses their
// thresholds, and acts on the entrances' lanes.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

TEST_CASE("a party leaves the halls after its dwell draw, or at closing if that comes first", "[model][halls]") {
  Site site;
  World& w = site.start();
  site.run_until(at(10));
  const Time early_dwell = demand::dwell(w, w.parties[site.hand_on(visitor(1), "halls", Stage::hall)]);
  site.run_until(at(17));
  const Time late_dwell = demand::dwell(w, w.parties[site.hand_on(visitor(2), "halls", Stage::hall)]);
  // The class's dwell: 2 h, sd 1 min. The late party would stay past 18:00.
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
