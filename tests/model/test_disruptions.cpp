// Disruptions: a scenario event is in force over [from, to) and acts only on what it names: a
// suspended line (or one direction of it), an entrance's lanes scaled.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// Which directions are suspended now, in layout order: bus.southbound, bus.northbound,
// shuttle.southbound, shuttle.northbound.
std::vector<bool> suspended_now(const World& w) {
  std::vector<bool> out;
  for (std::size_t d = 0; d < w.L.directions.size(); ++d) out.push_back(disruptions::suspended(w, d));
  return out;
}

std::vector<std::int64_t> lanes_now(const World& w) {
  std::vector<std::int64_t> out;
  for (std::uint32_t r : w.security.gate_res) out.push_back(w.res[r].capacity());
  return out;
}

// The suspension of `target` from 10:00 to 11:00, on a site with two bus lines: which directions
// are suspended at 09:30, 10:30 and 11:30.
std::vector<std::vector<bool>> suspension_of(const std::string& target) {
  Site site;
  add_bus_line(site.s, "bus");
  add_bus_line(site.s, "shuttle");
  site.s.events.push_back({.kind = EventKind::suspend_line, .target = target, .from_s = at(10), .to_s = at(11)});
  site.start();
  std::vector<std::vector<bool>> out;
  for (Time t : {at(9, 30), at(10, 30), at(11, 30)}) {
    site.run_until(t);
    out.push_back(suspended_now(site.w()));
  }
  CHECK(site.times("event[suspend_line:" + target + "]", RecordKind::activate) == std::vector<Time>{at(10)});
  CHECK(site.times("event[suspend_line:" + target + "]", RecordKind::leave) == std::vector<Time>{at(11)});
  return out;
}

}  // namespace

TEST_CASE("a suspended line has both its directions suspended during the window, and no other line's",
          "[model][disruptions]") {
  using V = std::vector<bool>;
  CHECK(suspension_of("bus") == std::vector<V>{{0, 0, 0, 0}, {1, 1, 0, 0}, {0, 0, 0, 0}});
}

TEST_CASE("a suspended direction is the only one suspended", "[model][disruptions]") {
  using V = std::vector<bool>;
  CHECK(suspension_of("shuttle.northbound") == std::vector<V>{{0, 0, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}});
}

TEST_CASE("a lanes event scales the named entrance's open lanes during its window", "[model][disruptions]") {
  Site site;
  for (const char* g : {"west", "east"}) by_id(site.s.gates, g).lanes = {{{at(8), 4}, {at(18), 0}}};
  site.s.events.push_back({.kind = EventKind::lanes, .target = "west", .from_s = at(10), .to_s = at(11), .scale = 0.5});
  site.s.events.push_back({.kind = EventKind::lanes, .target = "*", .from_s = at(12), .to_s = at(13), .scale = 1.5});
  World& w = site.start();
  using V = std::vector<std::int64_t>;
  std::vector<V> lanes;  // west, east
  for (Time t : {at(9), at(10, 30), at(11, 30), at(12, 30), at(13, 30), at(18, 30)}) {
    site.run_until(t);
    lanes.push_back(lanes_now(w));
  }
  CHECK(lanes == std::vector<V>{{4, 4}, {2, 4}, {4, 4}, {6, 6}, {4, 4}, {0, 0}});
}

TEST_CASE("a closed entrance sends its queue to the other entrance, and finishes whom it screens",
          "[model][disruptions]") {
  Site site;
  site.s.events.push_back({.kind = EventKind::close_gate, .target = "west", .from_s = at(10), .to_s = at(11)});
  World& w = site.start();
  site.run_until(at(9));
  // 600 persons take the west lane for 100 min on average (sd 4 min); 2 queue behind them.
  for (std::uint16_t size : {600, 2}) {
    Party p = visitor(size, size);
    p.gate = 0;
    site.hand_on(p, "west", Stage::security);
  }
  site.run_until(at(10));
  CHECK(lanes_now(w) == std::vector<std::int64_t>{0, 1});
  CHECK(site.times("gate[west]", RecordKind::queue_leave) == std::vector<Time>{at(10)});
  site.run();
  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{600});
  CHECK(site.persons("gate[east]", RecordKind::pass) == std::vector<std::uint32_t>{2});
}
