// Conservation and capacity in the CIIE baseline, checked record by record: no place ever holds
// or queues a negative number of persons, no vehicle leaves above its capacity, no lot, bay, rank
// or walkway holds more than it has room for, and what is still inside at the horizon is accounted
// for place by place.
#include <catch2/catch.hpp>

#include <cstdint>
#include <fmt/format.h>
#include <map>
#include <sstream>
#include <string>
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

// Per place: persons and vehicles present (enter - leave) and persons queueing (queue_join -
// queue_leave), with every breach of a bound written down as it happens. Checking in the observer
// and asserting once at the end keeps millions of records out of Catch's bookkeeping.
class FlowLedger final : public RecordObserver {
 public:
  struct Level {
    std::int64_t persons = 0, vehicles = 0, queued = 0;
    std::int64_t peak_persons = 0, peak_vehicles = 0;
    std::uint64_t entered_persons = 0, left_persons = 0;
  };

  // max_cab_party: the largest party that may leave by taxi (a cab takes one party; the model has
  // no cab capacity of its own, so this is the bound a cab's load must respect).
  FlowLedger(const std::vector<Place>& places, double max_cab_party)
      : places_(places), levels_(places.size()), max_cab_party_(max_cab_party) {}

  void on_record(const Record& r) override {
    if (r.place >= places_.size()) {
      ++num_breaches_;
      breaches_.push_back(fmt::format("t={} record at place {} of {}", r.time, r.place, places_.size()));
      return;
    }
    Level& l = levels_[r.place];
    const Place& pl = places_[r.place];
    const auto persons = static_cast<std::int64_t>(r.persons);
    const auto vehicles = static_cast<std::int64_t>(r.vehicles);
    switch (r.kind) {
      case RecordKind::enter:
        l.persons += persons;
        l.vehicles += vehicles;
        l.entered_persons += r.persons;
        l.peak_persons = std::max(l.peak_persons, l.persons);
        l.peak_vehicles = std::max(l.peak_vehicles, l.vehicles);
        // Vehicle places (lots, taxi bays, the cab rank) hold at most their spaces; a walkway at
        // most its storage (persons). Platforms are not bounded here: riders leaving a train step
        // onto the platform whatever its crowd (only boarding riders wait for floor space).
        if (pl.counts_vehicles && pl.capacity > 0 && static_cast<double>(l.vehicles) > pl.capacity)
          breach(r, fmt::format("{} vehicles present, capacity {}", l.vehicles, pl.capacity));
        if (pl.kind == PlaceKind::walkway && static_cast<double>(l.persons) > pl.capacity)
          breach(r, fmt::format("{} persons present, storage {}", l.persons, pl.capacity));
        break;
      case RecordKind::leave:
        l.persons -= persons;
        l.vehicles -= vehicles;
        l.left_persons += r.persons;
        if (l.persons < 0 || l.vehicles < 0)
          breach(r, fmt::format("negative occupancy: {} persons, {} vehicles", l.persons, l.vehicles));
        break;
      case RecordKind::queue_join: l.queued += persons; break;
      case RecordKind::queue_leave:
        l.queued -= persons;
        if (l.queued < 0) breach(r, fmt::format("negative queue: {} persons", l.queued));
        break;
      case RecordKind::vehicle_out:
        if (pl.kind == PlaceKind::taxi_stand) {
          ++cabs_;
          if (r.vehicles != 1 || static_cast<double>(r.persons) > max_cab_party_)
            breach(r, fmt::format("{} cabs left with {} persons", r.vehicles, r.persons));
        }
        break;
      case RecordKind::depart:
        ++departures_;
        if (static_cast<double>(r.persons) > r.value)
          breach(r, fmt::format("vehicle left with {} on board, capacity {}", r.persons, r.value));
        break;
      default: break;
    }
  }

  const std::vector<Level>& levels() const { return levels_; }
  const std::vector<std::string>& breaches() const { return breaches_; }
  std::uint64_t num_breaches() const { return num_breaches_; }
  std::uint64_t departures() const { return departures_; }
  std::uint64_t cabs() const { return cabs_; }

 private:
  void breach(const Record& r, const std::string& what) {
    ++num_breaches_;
    if (breaches_.size() < 20)
      breaches_.push_back(fmt::format("t={} {} ({}): {}", r.time, places_[r.place].id,
                                      record_kind_name(r.kind), what));
  }

  const std::vector<Place>& places_;
  std::vector<Level> levels_;
  std::vector<std::string> breaches_;
  double max_cab_party_;
  std::uint64_t num_breaches_ = 0, departures_ = 0, cabs_ = 0;
};

double max_cab_party(const Scenario& s) {
  double most = 0;
  for (const ClassDef& c : s.classes)
    for (std::size_t a = 0; a < kNumModes; ++a)
      if (c.access[a] > 0 && c.egress[a][static_cast<std::size_t>(Mode::taxi)] > 0)
        for (double size : s.party_size[a].sizes) most = std::max(most, size);
  return most;
}

}  // namespace

TEST_CASE("CIIE: occupancies and queues never go negative and vehicles and lots stay within capacity",
          "[model][conservation]") {
  const Scenario s = load_ciie({"demand_scale=0.1"});
  const Simulation sim(s);
  const auto& places = sim.places();

  for (std::uint32_t rep : {0u, 1u}) {
    DYNAMIC_SECTION("replication " << rep) {
      FlowLedger ledger(places, max_cab_party(s));
      const ReplicationResult res = sim.run(7, rep, &ledger);

      INFO(join_lines(ledger.breaches()));
      CHECK(ledger.num_breaches() == 0);
      CHECK(ledger.departures() > 1000);  // the capacity checks saw real traffic
      CHECK(ledger.cabs() > 100);

      // The recorder observes the same stream: its levels must agree with the ledger's.
      const auto& st = res.recorder->places();
      for (std::size_t i = 0; i < places.size(); ++i) {
        const auto& l = ledger.levels()[i];
        INFO(places[i].id);
        CHECK(st[i].occupancy.min_seen() >= 0);
        CHECK(st[i].queue.min_seen() >= 0);
        CHECK(st[i].occupancy.value() ==
              static_cast<double>(places[i].counts_vehicles ? l.vehicles : l.persons));
        CHECK(st[i].queue.value() == static_cast<double>(l.queued));
      }

      // Lots, taxi bays and the cab rank did fill to something (else the bound is vacuous) —
      // at least one vehicle place was used.
      bool any_vehicle_place_used = false;
      for (std::size_t i = 0; i < places.size(); ++i)
        any_vehicle_place_used = any_vehicle_place_used || (places[i].counts_vehicles && ledger.levels()[i].peak_vehicles > 0);
      CHECK(any_vehicle_place_used);
    }
  }
}

// What is still somewhere at the horizon (d6 23:00), one line per place that is not empty.
struct Leftover {
  std::vector<std::string> lines;
  std::int64_t platform_persons = 0, stop_queued = 0, other_persons = 0;
};

Leftover leftover(const std::vector<Place>& places, const FlowLedger& ledger) {
  Leftover out;
  for (std::size_t i = 0; i < places.size(); ++i) {
    const auto& l = ledger.levels()[i];
    if (l.persons == 0 && l.vehicles == 0 && l.queued == 0) continue;
    out.lines.push_back(fmt::format("{} ({}): {} present, {} vehicles, {} queueing", places[i].id,
                                    place_kind_name(places[i].kind), l.persons, l.vehicles, l.queued));
    if (places[i].kind == PlaceKind::platform) out.platform_persons += l.persons;
    else out.other_persons += l.persons;
    if (places[i].kind == PlaceKind::stop) out.stop_queued += l.queued;
    else out.other_persons += l.queued;
  }
  return out;
}

// Replication 0 (seed 7) of a scenario under a FlowLedger, and what it left at the horizon.
struct AtHorizon {
  explicit AtHorizon(const Scenario& s)
      : sim(s), ledger(sim.places(), max_cab_party(s)), res(sim.run(7, 0, &ledger)),
        left(leftover(sim.places(), ledger)) {}
  AtHorizon(const AtHorizon&) = delete;  // the ledger refers to the places of `sim`

  // For a failure's message: the persons generated and left inside, and every place not empty.
  std::string account() const {
    std::ostringstream out;
    out << "persons_generated " << res.persons_generated << ", persons_left_inside " << res.persons_left_inside
        << "\n" << join_lines(left.lines);
    return out.str();
  }

  const Simulation sim;
  FlowLedger ledger;
  const ReplicationResult res;
  const Leftover left;
};

TEST_CASE("CIIE: at the horizon no visitor is left anywhere and only station users who came after "
          "the last train still wait on a platform", "[model][conservation]") {
  const Scenario s = load_ciie({"demand_scale=0.1"});
  const AtHorizon h(s);
  const Leftover& left = h.left;
  INFO(h.account());

  // Walkways, halls, entrances, fare gates, lots, taxi and bus queues: empty.
  CHECK(left.other_persons == 0);
  // Every person left on a platform waits at a stop of that platform for a train that will not
  // come today (background users entering the station after the last departure).
  CHECK(left.platform_persons == left.stop_queued);
  // persons_left_inside counts them, and also background users whose entry falls after the
  // horizon and who never arrived (see the next test for the exact account).
  CHECK(h.res.persons_left_inside >= static_cast<double>(left.platform_persons));
}

// The same run with no background station entries in the hours a user could not catch the last
// train: then everything that entered has left, and persons_left_inside is exactly 0. The
// scenario is changed in memory (a Scenario is a plain value) so that the test does not restate
// the 24 hourly rates of the file.
TEST_CASE("CIIE without station entries after the last train: everything is empty at the horizon",
          "[model][conservation]") {
  Scenario s = load_ciie({"demand_scale=0.1"});
  for (auto& l : s.lines) {
    if (!l.metro) continue;
    for (std::size_t h = 0; h < l.background_entries.size(); ++h)
      if (static_cast<double>(h + 1) * 3600 > l.last_s - 600) l.background_entries[h] = 0;  // 10 min to reach the train
  }
  const AtHorizon h(s);
  const auto& places = h.sim.places();
  const FlowLedger& ledger = h.ledger;
  INFO(h.account());

  CHECK(ledger.num_breaches() == 0);
  for (std::size_t i = 0; i < places.size(); ++i) {
    const auto& l = ledger.levels()[i];
    INFO(places[i].id);
    CHECK(l.persons == 0);
    CHECK(l.queued == 0);
    // Cabs that arrive after the last passenger wait in the rank (up to its capacity): vehicles,
    // not persons. Every other vehicle place is empty.
    if (places[i].kind != PlaceKind::cab_rank) CHECK(l.vehicles == 0);
  }
  CHECK(h.res.persons_left_inside == 0);
}

// A party that came by coach to a lot served by a shuttle rides the shuttle back to its coach,
// which then leaves. The CIIE coach park has no shuttle; this gives it one.
TEST_CASE("A coach park served by a shuttle: every coach that parks leaves again",
          "[model][conservation]") {
  Scenario s = load_ciie({"demand_scale=0.1", "lot[coach].shuttle=\"parking_shuttle\""});
  const Simulation sim(s);
  const auto& places = sim.places();
  FlowLedger ledger(places, max_cab_party(s));
  sim.run(7, 0, &ledger);
  CHECK(ledger.num_breaches() == 0);
  for (std::size_t i = 0; i < places.size(); ++i)
    if (places[i].kind == PlaceKind::coach_park) {
      INFO(places[i].id << ": " << ledger.levels()[i].peak_vehicles << " coaches at peak");
      CHECK(ledger.levels()[i].peak_vehicles > 0);
      CHECK(ledger.levels()[i].vehicles == 0);
    }
}
