// Demand: generate() makes, for each class and day, parties until their persons reach the day's
// volume, sorted by (set-off time, key), each setting off within its class's arrival profile; a
// party's attributes are keyed draws, so the same key gives the same party whatever else changes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

constexpr std::size_t kWalk = static_cast<std::size_t>(Mode::walk), kCar = static_cast<std::size_t>(Mode::car);

// Two days of demand: visitors (100 and 40 persons; 60% on foot, 40% by car, 2 h arrival profile
// from 08:00) and staff (25 and 10, on foot, from 07:00). Parties of 1-3 on foot, 1, 2 or 4 by car.
void two_classes(Scenario& s) {
  s.days = 2;
  s.horizon_s = 2 * kSecondsPerDay;
  s.party_size[kWalk] = {{1, 2, 3}, {1, 1, 1}};
  s.party_size[kCar] = {{1, 2, 4}, {1, 1, 1}};
  add_lot(s, 1000);
  ClassDef& visitors = s.classes[0];
  visitors.volume = {100, 40};
  visitors.access[kWalk] = 0.6;
  visitors.access[kCar] = 0.4;
  visitors.egress[kCar] = {};
  visitors.egress[kCar][kCar] = 1;
  ClassDef staff = visitors;
  staff.id = "staff";
  staff.volume = {25, 10};
  staff.profile_start_s = at(7);
  staff.access = {};
  staff.access[kWalk] = 1;
  s.classes.push_back(staff);
}

// What a party set off with, from its `arrive` record.
struct SetOff {
  Time time;
  std::uint32_t persons;
  std::string mode;  // the place arrivals[mode]
  double cls;
  bool operator==(const SetOff&) const = default;
};
std::ostream& operator<<(std::ostream& os, const SetOff& a) {
  return os << "{" << a.time << " s, " << a.persons << " persons, " << a.mode << ", class " << a.cls << "}";
}

// Run until every party of the demand list has set off: each sets off once, in list order, with
// an `arrive` record. What each key set off with.
std::map<std::uint64_t, SetOff> set_offs(Site& site) {
  World& w = site.w();
  while (w.demand.next_arrival < w.demand.arrivals.size()) step(w);
  std::vector<SetOff> seen;
  for (const Record& r : site.log.records)
    if (r.kind == RecordKind::arrive) seen.push_back({r.time, r.persons, site.sim().places()[r.place].id, r.value});
  REQUIRE(seen.size() == w.demand.arrivals.size());
  std::map<std::uint64_t, SetOff> out;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    CHECK(seen[i].time == w.demand.arrivals[i].time);
    out[w.demand.arrivals[i].key] = seen[i];
  }
  return out;
}

}  // namespace

TEST_CASE("the demand list reaches each class's daily volume in persons, sorted by time then key", "[model][demand]") {
  Site site;
  two_classes(site.s);
  World& w = site.start();
  const auto& list = w.demand.arrivals;
  CHECK(std::adjacent_find(list.begin(), list.end(), [](const auto& a, const auto& b) {
          return a.time > b.time || (a.time == b.time && a.key >= b.key);
        }) == list.end());

  std::map<std::pair<std::size_t, int>, double> persons;  // by class and day
  double total = 0;
  for (const auto& [key, a] : set_offs(site)) {
    const auto c = static_cast<std::size_t>(a.cls);
    const int day = static_cast<int>(std::floor(a.time / kSecondsPerDay));
    persons[{c, day}] += a.persons;
    total += a.persons;
    // Within the class's two hours of arrivals that day.
    const Time start = day * kSecondsPerDay + w.s.classes[c].profile_start_s;
    CHECK(a.time >= start);
    CHECK(a.time < start + at(2));
  }
  // Parties are added until the volume is reached: the last one (at most 4 persons) crosses it.
  for (std::size_t c = 0; c < 2; ++c)
    for (int day = 0; day < 2; ++day) {
      INFO("class " << c << ", day " << day);
      const double volume = w.s.classes[c].volume[static_cast<std::size_t>(day)];
      CHECK(persons[{c, day}] >= volume);
      CHECK(persons[{c, day}] <= volume + 3);
    }
  CHECK(w.persons_generated == total);
}

TEST_CASE("a party's time, size, mode and class depend only on its key", "[model][demand]") {
  Site base, changed;
  two_classes(base.s);
  two_classes(changed.s);
  // More visitors on the first day, more lanes and a longer walkway: none of it is a draw of the
  // parties both have.
  changed.s.classes[0].volume[0] = 150;
  by_id(changed.s.gates, "west").lanes_scale = 3;
  by_id(changed.s.walkways, "origin_plaza").length_m = 400;
  base.start();
  changed.start();
  const auto before = set_offs(base), after = set_offs(changed);

  CHECK(after.size() > before.size());
  const auto by_car = std::count_if(before.begin(), before.end(), [](const auto& kv) { return kv.second.mode == "arrivals[car]"; });
  CHECK(by_car > 0);  // both modes drawn
  CHECK(by_car < static_cast<long>(before.size()));
  for (const auto& [key, a] : before) {
    INFO("key " << key);
    REQUIRE(after.count(key) == 1);
    CHECK(after.at(key) == a);
  }
}
