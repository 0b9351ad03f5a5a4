// Time patterns of the calibrated baseline, read from the record stream of one replication: every
// service keeps its hours, the cab rank is empty while the stand is closed, platforms and queueing
// areas never hold more than their capacity, and the holding area fills before the halls open and
// is empty once they have.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;
using scenario::PlaceKind;
using scenario::RecordKind;

namespace {

struct Baseline {
  scenario::Scenario s = load_or_fail("scenarios/ciie2024-calibrated.toml");
  model::Simulation sim{s};
  RecordLog log;
  Baseline() { sim.run(1, 0, &log); }

  // A place's level (persons, or vehicles where it counts them) at each instant it changes, once
  // every enter/leave record of that instant is in.
  template <class F>
  void levels(std::uint32_t place, F&& f) const {
    double level = 0;
    Time at = -1;
    for (const model::Record& r : log.records)
      if (r.place == place && (r.kind == RecordKind::enter || r.kind == RecordKind::leave)) {
        if (r.time != at && at >= 0) f(at, level);
        at = r.time;
        const double n = r.persons + r.vehicles;
        level += r.kind == RecordKind::enter ? n : -n;
      }
    if (at >= 0) f(at, level);
  }
};

const Baseline& baseline() {
  static const Baseline b;
  return b;
}

}  // namespace

TEST_CASE("baseline: nobody joins a line, shuttle or taxi stand outside its hours", "[time_patterns]") {
  const Baseline& b = baseline();
  const double allowed = b.s.service_wait_max_s;
  std::map<std::uint32_t, std::pair<double, double>> hours;  // place -> [from, to] (clock)
  for (const auto& l : b.s.lines)
    for (const auto& d : l.directions)
      if (!d.to_zone.empty()) hours[place_index(b.sim, "line[" + l.id + "].direction[" + d.id + "].stop")] = {l.first_s - allowed, l.last_s};
  for (const auto& t : b.s.taxi_stands) hours[place_index(b.sim, "taxi_stand[" + t.id + "]")] = {t.open_s - allowed, t.close_s};
  REQUIRE(hours.size() >= 5);
  std::size_t joins = 0, outside = 0;
  for (const model::Record& r : b.log.records)
    if (r.kind == RecordKind::queue_join)
      if (auto it = hours.find(r.place); it != hours.end()) {
        ++joins;
        const double c = clock_of(r.time);
        if (c < it->second.first || c > it->second.second) ++outside;
      }
  CHECK(joins > 1000);
  CHECK(outside == 0);
}

TEST_CASE("baseline: the cab rank is empty while the stand is closed", "[time_patterns]") {
  const Baseline& b = baseline();
  const auto& t = b.s.taxi_stands.at(0);
  double peak = 0;
  std::size_t outside_nonempty = 0;
  b.levels(place_index(b.sim, "taxi_stand[" + t.id + "].cab_rank"), [&](Time at, double level) {
    peak = std::max(peak, level);
    const double c = clock_of(at);
    if ((c < t.open_s || c >= t.close_s) && level != 0) ++outside_nonempty;
  });
  CHECK(peak > 0);
  CHECK(outside_nonempty == 0);
}

TEST_CASE("baseline: platforms and queueing areas never hold more than their capacity", "[time_patterns]") {
  const Baseline& b = baseline();
  std::size_t checked = 0;
  for (std::uint32_t p = 0; p < b.sim.places().size(); ++p) {
    const model::Place& pl = b.sim.places()[p];
    if (pl.kind != PlaceKind::platform && pl.kind != PlaceKind::queue_area) continue;
    ++checked;
    double peak = 0;
    b.levels(p, [&](Time, double level) { peak = std::max(peak, level); });
    INFO(pl.id << ": peak " << peak << ", capacity " << pl.capacity);
    CHECK(peak <= pl.capacity);
    // Platforms and the entrances' areas fill (the fare gates' may never queue at an instant's end).
    if (pl.kind == PlaceKind::platform || pl.id.rfind("gate[", 0) == 0) CHECK(peak > 0);
  }
  CHECK(checked >= 8);  // two platforms, two fare-gate areas each, four entrances
}

TEST_CASE("baseline: the holding area fills before the halls open and is empty once they have", "[time_patterns]") {
  const Baseline& b = baseline();
  std::vector<double> before(static_cast<std::size_t>(b.s.days), 0.0), after(static_cast<std::size_t>(b.s.days), 0.0);
  b.levels(place_index(b.sim, "halls.holding_area"), [&](Time at, double level) {
    const auto d = static_cast<std::size_t>(at / kSecondsPerDay);
    if (clock_of(at) < b.s.halls.open_s) before[d] = std::max(before[d], level);
    else if (clock_of(at) >= b.s.halls.open_s + 3600) after[d] = std::max(after[d], level);
  });
  for (std::size_t d = 0; d < before.size(); ++d) {
    INFO("day " << d + 1);
    CHECK(before[d] > 0);
    CHECK(after[d] == 0);
  }
}
