// Transit: a trip offers its free places (capacity minus the load already on board) to the riders
// waiting upstream, first come first served; those left behind are counted as denied and take a
// later trip. A suspended direction runs no trip.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// A party of one waiting upstream for the bus line's southbound direction (direction 0).
std::uint32_t wait_southbound(Site& site, std::uint64_t key) {
  Party p = visitor(key);
  p.access = p.egress = Mode::bus;
  p.ride = 0;
  return site.hand_on(p, "stop", Stage::up_wait);
}

}  // namespace

TEST_CASE("a trip boards what fits above its background load, and leaves the rest for the next", "[model][transit]") {
  Site site;
  add_bus_line(site.s);
  site.start();
  for (std::uint64_t key = 0; key < 12; ++key) wait_southbound(site, key);
  site.run();

  // 12 places, floor(0.25 x 12) = 3 taken: 9 board the trip leaving upstream at 07:50, 3 are
  // left behind and board the 08:20 trip.
  CHECK(site.times("line[bus]", RecordKind::board) == std::vector<Time>{at(7, 50), at(8, 20)});
  CHECK(site.persons("line[bus]", RecordKind::board) == std::vector<std::uint32_t>{9, 3});
  CHECK(site.times("line[bus]", RecordKind::denied) == std::vector<Time>{at(7, 50)});
  CHECK(site.persons("line[bus]", RecordKind::denied) == std::vector<std::uint32_t>{3});
  // Each trip leaves upstream with its background load and its boarders, no more than capacity.
  const std::string upstream = "line[bus].direction[southbound].upstream";
  CHECK(site.persons(upstream, RecordKind::depart) == std::vector<std::uint32_t>{12, 6});
  CHECK(site.values(upstream, RecordKind::depart) == std::vector<double>{12, 12});
  // They ride 10 min and get off at the stop, party by party.
  std::vector<Time> alighted(9, at(8));
  alighted.insert(alighted.end(), 3, at(8, 30));
  CHECK(site.times("line[bus]", RecordKind::alight) == alighted);
}

TEST_CASE("waiting riders all board when the trip has room for them", "[model][transit]") {
  Site site;
  add_bus_line(site.s);
  site.start();
  for (std::uint64_t key = 0; key < 9; ++key) wait_southbound(site, key);
  site.run();
  CHECK(site.persons("line[bus]", RecordKind::board) == std::vector<std::uint32_t>{9});
  CHECK(site.records("line[bus]", RecordKind::denied).empty());
}

TEST_CASE("no trip of a suspended line runs during the suspension", "[model][transit]") {
  Site site;
  add_bus_line(site.s);
  site.s.events.push_back({.kind = EventKind::suspend_line, .target = "bus", .from_s = at(7), .to_s = at(8, 45)});
  site.start();
  site.run();
  // Without it, both directions would leave the stop at 08:00, 08:30, 09:00 and 09:30.
  CHECK(site.times("line[bus]", RecordKind::depart) == std::vector<Time>{at(9), at(9), at(9, 30), at(9, 30)});
}

TEST_CASE("both directions of a running line leave the stop at every trip of the timetable", "[model][transit]") {
  Site site;
  add_bus_line(site.s);
  site.start();
  site.run();
  CHECK(site.times("line[bus]", RecordKind::depart) ==
        std::vector<Time>{at(8), at(8), at(8, 30), at(8, 30), at(9), at(9), at(9, 30), at(9, 30)});
}

TEST_CASE("a party heading home by a line outside its hours chooses again, and inside the allowed wait it waits",
          "[model][transit]") {
  Site site;
  add_bus_line(site.s);  // trips 08:00-09:30
  site.s.service_wait_max_s = 900;
  World& w = site.start();
  auto head_home = [&](std::uint64_t key) {
    Party p = visitor(key);
    p.egress = Mode::bus;
    p.egress_at = 0;
    site.hand_on(p, "halls", Stage::home);
  };
  site.run_until(at(7, 40));
  head_home(1);  // the first trip is 20 min away: more than the 15 min allowed
  site.run_until(at(7, 50));
  head_home(2);  // 10 min away: waits for it
  site.run_until(at(11));
  head_home(3);  // after the last trip
  site.run();
  // Only the second waited at the stop; the other two went home another way (on foot, the
  // class's only other mode).
  CHECK(site.persons("line[bus].direction[southbound].stop", RecordKind::queue_join).size() == 1);
  CHECK(site.persons("line[bus].direction[northbound].stop", RecordKind::queue_join).empty());
  CHECK(site.times("replans.service_closed", RecordKind::replan) == std::vector<Time>{at(7, 40), at(11)});
  CHECK(site.records("replans.at_setoff", RecordKind::replan).empty());
  (void)w;
}

namespace {
// A party of the visitor class heading home by the bus line's southbound direction.
std::uint32_t bus_home(Site& site, std::uint64_t key) {
  Party p = visitor(key);
  p.egress = Mode::bus;
  p.egress_at = 0;
  return site.hand_on(p, "halls", Stage::home);
}
}  // namespace

TEST_CASE("a rider whose patience runs out at the stop leaves for another way home, and one expecting too long balks",
          "[model][transit][patience]") {
  Site site;
  add_bus_line(site.s);  // trips reach the stop every 30 min from 08:00
  auto& bus_patience = site.s.patience[static_cast<std::size_t>(scenario::WaitKind::bus)];
  bus_patience = {.mean_s = 300, .balk = false};
  World& w = site.start();
  site.run_until(at(8, 5));
  const std::uint32_t pid = bus_home(site, 11);
  const Party rider = w.parties[pid];
  const Time patience = dist::exponential(300, World::u(w.choice_rng, rider, kDrawPatience));
  site.run();
  const Time joined = site.times("line[bus].direction[southbound].stop", RecordKind::queue_join).at(0);
  REQUIRE(joined + patience < at(8, 30));  // the set-up: it gives up before the 08:30 trip
  CHECK(site.times("line[bus].direction[southbound].stop", RecordKind::renege) == std::vector<Time>{joined + patience});
  CHECK(site.records("line[bus]", RecordKind::board).empty());  // it never rode
  CHECK(w.parties[pid].egress == Mode::walk);
  CHECK(w.parties[pid].stage == Stage::done);

  // Balking: with balking on and a patience far shorter than the wait for the next trip, a rider
  // does not join the stop's line at all.
  Site balk;
  add_bus_line(balk.s);
  balk.s.patience[static_cast<std::size_t>(scenario::WaitKind::bus)] = {.mean_s = 1, .balk = true};
  World& wb = balk.start();
  balk.run_until(at(8, 5));
  const std::uint32_t b = bus_home(balk, 12);
  balk.run();
  CHECK(balk.persons("line[bus].direction[southbound].stop", RecordKind::balk) == std::vector<std::uint32_t>{1});
  CHECK(balk.records("line[bus].direction[southbound].stop", RecordKind::queue_join).empty());
  CHECK(wb.parties[b].egress == Mode::walk);
}
