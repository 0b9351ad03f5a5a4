// The Recorder's probes: an observed total counts the records of its kind at the places of its
// kind within its window [from, to), in persons or in vehicles as it says. Records are emitted by
// hand here, at chosen times, and the totals worked out by hand.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

TEST_CASE("an observed total counts its record kind at its kind of place from the start of its window up to but not "
          "including its end, in persons or vehicles",
          "[model][recorder]") {
  Site site;
  add_taxi_stand(site.s);
  site.s.observed.push_back({.id = "entries", .from_s = at(9), .to_s = at(10),
                             .probe = {.record = RecordKind::pass, .place_kind = PlaceKind::gate}});
  site.s.observed.push_back({.id = "taxi_departures", .from_s = at(9), .to_s = at(10),
                             .probe = {.record = RecordKind::vehicle_out, .place_kind = PlaceKind::taxi_stand, .vehicles = true}});
  site.s.observed.push_back({.id = "taxi_passengers", .from_s = at(9), .to_s = at(10),
                             .probe = {.record = RecordKind::vehicle_out, .place_kind = PlaceKind::taxi_stand}});
  World& w = site.start();
  const std::uint32_t west = site.place("gate[west]"), east = site.place("gate[east]"), stand = site.place("taxi_stand[P6]"),
                      walkway = site.place("walkway[plaza_west].forward");
  auto emit_at = [&](Time t, RecordKind kind, std::uint32_t place, std::uint32_t persons, std::uint32_t vehicles = 0) {
    site.run_until(t);
    w.emit(kind, place, persons, vehicles);
  };
  emit_at(at(8, 59), RecordKind::pass, west, 1);            // before the window
  emit_at(at(9), RecordKind::pass, west, 2);                // at its start: counted
  emit_at(at(9, 30), RecordKind::pass, east, 4);            // another entrance: counted
  emit_at(at(9, 30), RecordKind::denied, west, 100);        // another kind
  emit_at(at(9, 30), RecordKind::pass, walkway, 200);       // another kind of place
  emit_at(at(9, 30), RecordKind::vehicle_out, stand, 3, 1); // a cab with 3 passengers
  emit_at(at(9, 45), RecordKind::vehicle_out, stand, 2, 1); // a cab with 2
  emit_at(at(10) - 0.5, RecordKind::pass, west, 8);         // just before its end: counted
  emit_at(at(10), RecordKind::pass, west, 16);              // at its end: not counted
  emit_at(at(10), RecordKind::vehicle_out, stand, 4, 1);    // not counted

  const auto& probes = w.rec->probes();
  REQUIRE(probes.size() == 3);
  CHECK(probes[0].total == 2 + 4 + 8);
  CHECK(probes[1].total == 2);      // cabs
  CHECK(probes[2].total == 3 + 2);  // their passengers
}
