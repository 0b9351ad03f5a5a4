#pragma once
// The tiny site of the model's unit tests, built in C++ (no scenario file), and what a test does
// with it: start a replication, put a hand-made party at a node and hand it on with advance(), run
// the clock, and read the records the run emitted.
//
//   origin ─200 m─ plaza ─100 m─ west (entrance) ─50 m─ halls
//                  │  └──150 m── east (entrance) ─50 m──┘
//                  ├─50 m─ stop (bus)
//                  ├─50 m─ stand (taxi)
//                  └─50 m─ lot (car park)
//
// Every walkway is 5 m wide and two-way. Both entrances have one lane from 08:00 to 18:00 and
// screen a person in 10 s on average; the halls close at 18:00. One visitor class, on foot both
// ways, stays 2 h (sd 1 min) but leaves by closing, and has no demand of its own (volume 0): the
// parties of a test are the ones it puts. add_bus_line, add_taxi_stand and add_lot add what a test needs.
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support.hpp"
#include "model/world.hpp"

namespace expoflow::test {

// A clock time of the first day, in seconds of the scenario.
constexpr Time at(int hours, int minutes = 0) { return hours * 3600.0 + minutes * 60.0; }

// The element of a scenario list (gates, walkways, lines ...) with this id.
template <class Defs>
auto& by_id(Defs& defs, const std::string& id) {
  for (auto& d : defs)
    if (d.id == id) return d;
  throw std::invalid_argument("no element " + id);
}

inline scenario::Scenario tiny_scenario() {
  using namespace model;
  Scenario s;
  s.name = "tiny";
  s.horizon_s = kSecondsPerDay;
  for (const char* id : {"origin", "plaza", "west", "east", "halls", "stop", "stand", "lot"}) s.nodes.push_back({id, id});
  auto walkway = [&](const char* from, const char* to, double length_m) {
    s.walkways.push_back({.id = std::string(from) + "_" + to, .from = from, .to = to, .length_m = length_m, .width_m = 5});
  };
  walkway("origin", "plaza", 200);
  walkway("plaza", "west", 100);
  walkway("plaza", "east", 150);
  walkway("west", "halls", 50);
  walkway("east", "halls", 50);
  for (const char* n : {"stop", "stand", "lot"}) walkway("plaza", n, 50);
  for (const char* g : {"west", "east"})
    s.gates.push_back({.id = g, .node = g, .lanes = {{{at(8), 1}, {at(18), 0}}}, .service_mean_s = 10});
  s.halls = {.node = "halls", .open_s = at(9), .close_s = at(18), .area_m2 = 10000};
  s.walk_origins = {{.id = "origin", .node = "origin"}};
  for (auto& ps : s.party_size) ps = {{1}, {1}};
  ClassDef c{.id = "visitor", .volume = {0}, .profile_start_s = at(8), .profile = {1, 1}, .dwell_mean_s = 7200, .dwell_sd_s = 60,
             .latest_s = at(18)};
  c.access[static_cast<std::size_t>(Mode::walk)] = 1;
  for (auto& row : c.egress) row[static_cast<std::size_t>(Mode::walk)] = 1;
  s.classes = {c};
  return s;
}

// A bus line through the stop: 12 places a trip, a quarter of them taken by other riders; trips
// reach the stop at 08:00, 08:30, 09:00 and 09:30, 10 min after leaving upstream. Two directions,
// both bringing riders to the site and taking them home: southbound (boarding in the north) and
// northbound. Visitors by bus split evenly over them, both ways.
inline void add_bus_line(scenario::Scenario& s, const std::string& id = "bus") {
  scenario::TransitLineDef l{.id = id, .vehicle_capacity = 12, .fleet = 1, .first_s = at(8), .last_s = at(9, 30), .site_node = "stop"};
  l.directions.push_back({.id = "southbound", .from_zone = "north", .to_zone = "south", .travel_s = 600,
                          .headway_s = {{{0, 1800}}}, .background_load = std::vector<double>(24, 0.25)});
  l.directions.push_back(l.directions[0]);
  l.directions[1].id = "northbound";
  std::swap(l.directions[1].from_zone, l.directions[1].to_zone);
  const int line = static_cast<int>(s.lines.size());
  s.lines.push_back(l);
  for (int d : {0, 1}) {
    s.bus_access.push_back({{line, d}, 0.5});
    s.bus_egress.push_back({{line, d}, 0.5});
  }
}

// Taxi stand P6 at the stand, open 08:00-20:00: 60 cabs an hour, a rank of 2 cabs, one loading
// bay (1 min on average).
inline void add_taxi_stand(scenario::Scenario& s) {
  s.taxi_stands.push_back({.id = "P6", .node = "stand", .bays = 1, .loading_mean_s = 60, .rank_capacity = 2,
                           .open_s = at(8), .close_s = at(20), .cabs_per_hour = std::vector<double>(24, 60)});
}

// Car park P1 at the lot, reached on foot.
inline void add_lot(scenario::Scenario& s, double spaces) {
  s.lots.push_back({.id = "P1", .node = "lot", .kind = scenario::LotKind::car_park, .spaces = spaces});
}

// A party of `size` persons of the visitor class, on foot both ways; its key names its draws.
inline model::Party visitor(std::uint64_t key, std::uint16_t size = 1) {
  model::Party p;
  p.key = key;
  p.size = size;
  return p;
}

class Site {
 public:
  scenario::Scenario s = tiny_scenario();  // change it before start()
  RecordLog log;                         // every record of the run, in order

  Site() = default;
  Site(const Site&) = delete;  // the simulation refers to s
  Site& operator=(const Site&) = delete;

  // Build the simulation and the run state of replication 0, and start the run (the demand
  // generated, the supply scheduled); the clock is at 0.
  model::World& start(std::uint64_t seed = 1) {
    sim_ = std::make_unique<model::Simulation>(s);
    world_ = std::make_unique<model::World>(*sim_, seed, 0, &log);
    model::start_run(*world_);
    return *world_;
  }
  model::World& w() { return *world_; }
  const model::Simulation& sim() const { return *sim_; }

  // A new party of the run at a node; hand it on with advance().
  std::uint32_t put(model::Party p, const std::string& node) {
    p.node = model::narrow<std::uint16_t>(*sim_->graph().find(node));
    return world_->new_party(p);
  }

  // A new party at a node, handed on to stage `st` there (as a component would with advance()).
  std::uint32_t hand_on(model::Party p, const std::string& node, model::Stage st) {
    const std::uint32_t pid = put(p, node);
    model::advance(w(), pid, st);
    return pid;
  }

  // Run every event due by t, then set the clock to t.
  void run_until(Time t) {
    while (!w().cal.empty() && w().cal.next_time() <= t && model::step(w())) {
    }
    w().now = t;
  }
  // Run every event due by the horizon.
  void run() {
    while (model::step(w())) {
    }
  }

  std::uint32_t place(const std::string& id) const { return place_index(*sim_, id); }
  // The records of one kind at one place, and their times, persons, vehicles and values.
  std::vector<model::Record> records(const std::string& at_place, scenario::RecordKind kind) const {
    std::vector<model::Record> out;
    const std::uint32_t pl = place(at_place);
    for (const model::Record& r : log.records)
      if (r.place == pl && r.kind == kind) out.push_back(r);
    return out;
  }
  template <class F>
  auto each(const std::string& at_place, scenario::RecordKind kind, F&& field) const {
    std::vector<decltype(field(model::Record{}))> out;
    for (const model::Record& r : records(at_place, kind)) out.push_back(field(r));
    return out;
  }
  std::vector<Time> times(const std::string& at_place, scenario::RecordKind kind) const {
    return each(at_place, kind, [](const model::Record& r) { return r.time; });
  }
  std::vector<std::uint32_t> persons(const std::string& at_place, scenario::RecordKind kind) const {
    return each(at_place, kind, [](const model::Record& r) { return r.persons; });
  }
  std::vector<std::uint32_t> vehicles(const std::string& at_place, scenario::RecordKind kind) const {
    return each(at_place, kind, [](const model::Record& r) { return r.vehicles; });
  }
  std::vector<double> values(const std::string& at_place, scenario::RecordKind kind) const {
    return each(at_place, kind, [](const model::Record& r) { return r.value; });
  }

 private:
  std::unique_ptr<model::Simulation> sim_;
  std::unique_ptr<model::World> world_;
};

}  // namespace expoflow::test
