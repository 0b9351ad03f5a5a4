// Common random numbers: every draw of a party is keyed by (seed, stream, replication, party key,
// draw index), so a change on the supply side — half the security lanes at the West entrance —
// must leave demand exactly as it was (same parties, arriving at the same moments, at the same
// access points, in groups of the same size) while congestion downstream changes.
//
// Records carry no party ids, so demand is observed where each party's arrival event leaves a
// record before any queueing that supply could influence:
//   - metro and bus riders join the waiting line upstream of their direction (queue_join at a
//     place of kind "upstream"), at the moment they start waiting for a train or bus;
//   - car, coach and drop-off parties drive into their lot (vehicle_in with persons > 0; a pick-up
//     car comes empty, later, and is left out);
//   - walkers step onto the walkway that leaves their origin (enter), which at this demand is
//     never near its storage (checked), so nobody waits to step onto it.
// Car parties at a lot with a shuttle appear twice (vehicle_in, then the shuttle's upstream line);
// the person count below leaves the shuttle's line out so that every person is counted once.
// A party's class is not visible in the record stream, so only its arrival time, access point
// (hence access mode) and size are compared; an `arrive` record per party would show the class too.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "scenario/scenario.hpp"
#include "model/simulation.hpp"
#include "../support.hpp"

using namespace expoflow::model;
using namespace expoflow::test;

namespace {

Scenario load_ciie(const std::vector<std::string>& overrides) {
  return load_or_fail("scenarios/ciie2024.toml", overrides);
}

using Arrival = std::tuple<double, std::uint32_t, std::uint32_t>;  // time, place, persons
using GateJoin = std::pair<double, std::uint32_t>;                  // time, persons

class DemandLog final : public RecordObserver {
 public:
  DemandLog(const Scenario& s, const std::vector<Place>& places) : places_(places) {
    // Walkways that leave a walk origin: "walkway[id].forward" from `from`, ".backward" from `to`.
    std::set<std::string> origins;
    for (auto& w : s.walk_origins) origins.insert(w.node);
    std::set<std::string> origin_walkways;
    for (auto& w : s.walkways) {
      if (origins.count(w.from)) origin_walkways.insert("walkway[" + w.id + "]" + (w.both_ways ? ".forward" : ""));
      if (w.both_ways && origins.count(w.to)) origin_walkways.insert("walkway[" + w.id + "].backward");
    }
    std::set<std::string> lot_shuttles;
    for (auto& l : s.lots)
      if (!l.shuttle.empty()) lot_shuttles.insert("line[" + l.shuttle + "]");
    for (auto& p : places) {
      origin_walkway_.push_back(origin_walkways.count(p.id) > 0);
      const bool upstream = p.kind == PlaceKind::upstream;
      upstream_.push_back(upstream);
      bool shuttle = false;
      for (auto& prefix : lot_shuttles) shuttle = shuttle || p.id.rfind(prefix + ".", 0) == 0;
      lot_shuttle_upstream_.push_back(upstream && shuttle);
    }
    REQUIRE(std::count(origin_walkway_.begin(), origin_walkway_.end(), true) ==
            static_cast<long>(s.walk_origins.size()));
  }

  void on_record(const Record& r) override {
    const Place& pl = places_[r.place];
    switch (r.kind) {
      case RecordKind::queue_join:
        if (upstream_[r.place]) arrive(r, !lot_shuttle_upstream_[r.place]);
        else if (pl.kind == PlaceKind::gate) gate_joins.emplace_back(r.time, r.persons);
        else if (pl.kind == PlaceKind::car_park || pl.kind == PlaceKind::coach_park) lot_queue_persons += r.persons;
        break;
      case RecordKind::vehicle_in:
        if (r.persons > 0) arrive(r, true);
        break;
      case RecordKind::enter:
        if (origin_walkway_[r.place]) {
          arrive(r, true);
          origin_walkway_present_[r.place] += r.persons;
          origin_walkway_headroom = std::min(origin_walkway_headroom, pl.capacity - origin_walkway_present_[r.place]);
        }
        break;
      case RecordKind::leave:
        if (origin_walkway_[r.place]) origin_walkway_present_[r.place] -= r.persons;
        break;
      default: break;
    }
  }

  std::vector<Arrival> arrivals;
  std::vector<GateJoin> gate_joins;
  std::map<int, double> persons_by_day;  // persons counted once, by day of arrival
  double origin_walkway_headroom = 1e300;  // least free storage seen on those walkways, persons
  double lot_queue_persons = 0;

 private:
  void arrive(const Record& r, bool count_persons) {
    arrivals.emplace_back(r.time, r.place, r.persons);
    if (count_persons) persons_by_day[static_cast<int>(std::floor(r.time / 86400))] += r.persons;
  }

  const std::vector<Place>& places_;
  std::vector<bool> origin_walkway_, upstream_, lot_shuttle_upstream_;
  std::map<std::uint32_t, double> origin_walkway_present_;
};

struct Observed {
  DemandLog log;
  ReplicationResult res;
};

}  // namespace

TEST_CASE("CRN: halving the West entrance's lanes leaves every party's arrival unchanged",
          "[model][crn]") {
  // A fifth of the demand: at 5% nobody but the staff who come before the lanes open at 06:30
  // ever queues at an entrance, with or without half the West lanes, and the control below could
  // not see the change.
  const Scenario base_s = load_ciie({"demand_scale=0.2"});
  const Scenario fewer_s = load_ciie({"demand_scale=0.2", "gate[west].lanes_scale=0.5"});
  const Simulation base_sim(base_s), fewer_sim(fewer_s);
  REQUIRE(base_sim.places().size() == fewer_sim.places().size());

  DemandLog base(base_s, base_sim.places()), fewer(fewer_s, fewer_sim.places());
  const ReplicationResult base_res = base_sim.run(11, 0, &base);
  const ReplicationResult fewer_res = fewer_sim.run(11, 0, &fewer);

  // Preconditions of reading arrivals off these records: the first walkway of a walk always had
  // room for the largest party (nobody waited to step onto it), and nobody queued for a space in
  // a car or coach park (a shuttle rider would then join its line later).
  double largest_party = 0;
  for (auto& ps : base_s.party_size)
    for (double x : ps.sizes) largest_party = std::max(largest_party, x);
  REQUIRE(base.origin_walkway_headroom >= largest_party);
  REQUIRE(fewer.origin_walkway_headroom >= largest_party);
  REQUIRE(base.lot_queue_persons == 0);
  REQUIRE(fewer.lot_queue_persons == 0);

  // (No SECTIONs: Catch would run both replications again for each.)
  // Every arrival (time, access point, persons) is the same, in the same order.
  REQUIRE(base.arrivals.size() > 1000);
  CHECK(base.arrivals.size() == fewer.arrivals.size());
  CHECK(base.arrivals == fewer.arrivals);

  // The arrivals account for every person generated, day by day, in both runs; the background
  // station users (also parties) are the same too.
  CHECK(base_res.persons_generated == fewer_res.persons_generated);
  CHECK(base_res.num_parties == fewer_res.num_parties);
  CHECK(base.persons_by_day == fewer.persons_by_day);
  double total = 0;
  for (auto& [day, persons] : base.persons_by_day) total += persons;
  CHECK(total == base_res.persons_generated);
  CHECK(base.persons_by_day.size() == static_cast<std::size_t>(base_s.days));

  // Control: the change had an effect at the entrances.
  auto a = base.gate_joins, b = fewer.gate_joins;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  INFO("queue joins at entrances: " << a.size() << " with all lanes, " << b.size() << " with half at West");
  CHECK(a != b);
  CHECK(b.size() > a.size());

  // Negative control: the arrival signature does see a change of demand (another seed).
  DemandLog other(base_s, base_sim.places());
  base_sim.run(12, 0, &other);
  CHECK(other.arrivals != base.arrivals);
}
