// Re-planning: a party whose line is suspended chooses another direction of the same mode if one
// runs, else another mode by its class's shares; on the way home likewise.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

const std::string kSetOff = "replans.at_setoff";

// A site with the bus line, `target` suspended all day, the clock at 07:50 (the first trips leave
// upstream for the site then).
void start_suspended(Site& site, const std::string& target) {
  add_bus_line(site.s);
  site.s.events.push_back({.kind = EventKind::suspend_line, .target = target, .from_s = 0, .to_s = kSecondsPerDay});
  site.start();
  site.run_until(at(7, 50));
}

// A party of 3 that meant to come by the southbound bus (direction 0).
Party southbound_rider() {
  Party p = visitor(7, 3);
  p.access = Mode::bus;
  p.access_at = 0;
  return p;
}

}  // namespace

TEST_CASE("a party whose direction is suspended at set-off rides the other direction of its mode", "[model][replan]") {
  Site site;
  start_suspended(site, "bus.southbound");
  World& w = site.w();
  const std::uint32_t pid = site.put(southbound_rider(), "stop");
  replan::access(w, pid, replan::Why::setoff);

  CHECK(site.persons(kSetOff, RecordKind::replan) == std::vector<std::uint32_t>{3});
  CHECK(site.records("replans.while_waiting", RecordKind::replan).empty());
  CHECK(w.parties[pid].access == Mode::bus);
  CHECK(w.parties[pid].access_dir() == 1);
  CHECK(site.persons("arrivals[bus]", RecordKind::arrive) == std::vector<std::uint32_t>{3});
  CHECK(site.persons("line[bus].direction[northbound].upstream", RecordKind::queue_join) == std::vector<std::uint32_t>{3});
  CHECK(site.records("line[bus].direction[southbound].upstream", RecordKind::queue_join).empty());
}

TEST_CASE("a party whose mode has no direction running comes by another mode of its class", "[model][replan]") {
  Site site;
  ClassDef& c = site.s.classes[0];
  c.access[static_cast<std::size_t>(Mode::walk)] = 0.5;
  c.access[static_cast<std::size_t>(Mode::bus)] = 0.5;
  start_suspended(site, "bus");
  World& w = site.w();
  const std::uint32_t pid = site.put(southbound_rider(), "stop");
  replan::access(w, pid, replan::Why::setoff);

  CHECK(site.persons(kSetOff, RecordKind::replan) == std::vector<std::uint32_t>{3});
  CHECK(w.parties[pid].access == Mode::walk);
  CHECK(site.persons("arrivals[walk]", RecordKind::arrive) == std::vector<std::uint32_t>{3});
  site.run();
  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{3});
}

TEST_CASE("visitors drawn onto a suspended direction at set-off are exactly those re-planning", "[model][replan]") {
  // The same demand (common random numbers) with and without the southbound suspension: who
  // would have queued southbound re-plans at set-off, and everyone queues northbound.
  auto run = [](Site& site, bool suspended) {
    add_bus_line(site.s);
    ClassDef& c = site.s.classes[0];
    c.volume = {60};
    c.profile = {1};  // set-offs 07:50-08:50, all within the line's hours
    c.access = {};
    c.access[static_cast<std::size_t>(Mode::bus)] = 1;
    if (suspended)
      site.s.events.push_back({.kind = EventKind::suspend_line, .target = "bus.southbound", .from_s = 0, .to_s = kSecondsPerDay});
    site.start();
    site.run();
  };
  Site base, down;
  run(base, false);
  run(down, true);
  auto persons = [](const Site& site, const std::string& place, RecordKind kind) {
    double n = 0;
    for (std::uint32_t k : site.persons(place, kind)) n += k;
    return n;
  };
  const std::string south = "line[bus].direction[southbound].upstream", north = "line[bus].direction[northbound].upstream";
  const double southbound = persons(base, south, RecordKind::queue_join);
  REQUIRE(southbound > 0);
  CHECK(persons(base, kSetOff, RecordKind::replan) == 0);
  CHECK(persons(down, kSetOff, RecordKind::replan) == southbound);
  CHECK(persons(down, south, RecordKind::queue_join) == 0);
  CHECK(persons(down, north, RecordKind::queue_join) == 60);
}

TEST_CASE("a party leaving by a suspended direction goes home by the other one", "[model][replan]") {
  Site site;
  start_suspended(site, "bus.southbound");
  World& w = site.w();
  site.run_until(at(8, 45));
  Party p = visitor(7, 2);
  p.egress = Mode::bus;
  p.egress_at = 0;
  const std::uint32_t pid = site.hand_on(p, "halls", Stage::home);

  CHECK(site.persons(kSetOff, RecordKind::replan) == std::vector<std::uint32_t>{2});
  CHECK(w.parties[pid].egress_dir() == 1);
  site.run();
  // It walks to the stop and takes the next northbound bus, at 09:00.
  CHECK(site.persons("line[bus].direction[northbound].stop", RecordKind::queue_join) == std::vector<std::uint32_t>{2});
  CHECK(site.times("line[bus]", RecordKind::board) == std::vector<Time>{at(9)});
}
