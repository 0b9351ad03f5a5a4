// Parking: a car park is a number of spaces held for the visit; a car finding none free queues at
// the entry and parks when a car leaves.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// A car party arriving at car park P1 now, to leave with the car after its visit.
std::uint32_t drive_in(Site& site, std::uint64_t key) {
  Party p = visitor(key, 2);
  p.access = p.egress = Mode::car;
  return site.hand_on(p, "lot", Stage::lot_space);
}

}  // namespace

TEST_CASE("with one space, the second car queues until the first leaves, then takes its space", "[model][parking]") {
  Site site;
  add_lot(site.s, 1);
  World& w = site.start();
  site.run_until(at(9));
  drive_in(site, 1);
  site.run_until(at(9, 10));
  const std::uint32_t second = drive_in(site, 2);
  CHECK(site.times("lot[P1]", RecordKind::vehicle_in) == std::vector<Time>{at(9), at(9, 10)});
  CHECK(site.times("lot[P1]", RecordKind::queue_join) == std::vector<Time>{at(9, 10)});
  CHECK(w.parties[second].phase == Phase::waiting);
  site.run();

  // The first car leaves after its party's visit; the second parks at that moment.
  const auto left = site.times("lot[P1]", RecordKind::leave);
  const auto parked = site.times("lot[P1]", RecordKind::enter);
  REQUIRE(left.size() == 2);
  REQUIRE(parked.size() == 2);
  CHECK(left[0] > at(11));  // the visit: the halls for 2 h
  CHECK(parked == std::vector<Time>{at(9), left[0]});
  CHECK(site.values("lot[P1]", RecordKind::served) == std::vector<double>{0, left[0] - at(9, 10)});
  // Both cars have left with their occupants; lot records count vehicles, not persons.
  CHECK(site.persons("lot[P1]", RecordKind::vehicle_out) == std::vector<std::uint32_t>{2, 2});
  CHECK(site.vehicles("lot[P1]", RecordKind::enter) == std::vector<std::uint32_t>{1, 1});
}
