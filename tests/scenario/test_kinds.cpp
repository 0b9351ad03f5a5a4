// Kinds: each enum's names are the strings of scenario files and outputs, each name parses back to
// its member, and the scenario parser fixes the kinds it reads.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <string_view>

#include "scenario/kinds.hpp"
#include "scenario/scenario.hpp"
#include "../support.hpp"

using namespace expoflow::model;
using expoflow::test::load_or_fail;

namespace {

// Every member up to `last` parses back from its name; near misses do not parse.
template <class E>
void check_names(E last, const char* (*name)(E), std::optional<E> (*parse)(std::string_view)) {
  for (std::size_t i = 0; i <= static_cast<std::size_t>(last); ++i) {
    const auto k = static_cast<E>(i);
    const std::string n = name(k);
    INFO(n);
    CHECK(parse(n) == k);
    CHECK_FALSE(parse(n + " "));
    CHECK_FALSE(parse(n.substr(1)));
  }
  CHECK_FALSE(parse(""));
}

}  // namespace

TEST_CASE("kinds: every name parses back to its member and nothing else parses") {
  check_names(RecordKind::renege, record_kind_name, parse_record_kind);
  check_names(PlaceKind::stop, place_kind_name, parse_place_kind);
  check_names(EventKind::extra_trains, event_kind_name, parse_event_kind);
  check_names(WalkDirection::both, walk_direction_name, parse_walk_direction);
  check_names(ReplanChoice::logit, replan_choice_name, parse_replan_choice);
  check_names(GateChoice::uniform, gate_choice_name, parse_gate_choice);
  check_names(LotKind::dropoff, lot_kind_name, parse_lot_kind);
  check_names(GiveUp::leave, give_up_name, parse_give_up);
  check_names(PatienceDist::lognormal, patience_dist_name, parse_patience_dist);
  check_names(Statistic::share_before, statistic_name, parse_statistic);
  check_names(ObservedBound::max, observed_bound_name, parse_observed_bound);
  check_names(WaitKind::bus, wait_kind_name, parse_wait_kind);
  CHECK(kNumWaitKinds == static_cast<std::size_t>(WaitKind::bus) + 1);
  CHECK(kNumRecordKinds == static_cast<std::size_t>(RecordKind::renege) + 1);
  // Names are the members' own, as the outputs print them.
  CHECK(std::string(record_kind_name(RecordKind::vehicle_out)) == "vehicle_out");
  CHECK(std::string(place_kind_name(PlaceKind::taxi_bays)) == "taxi_bays");
  CHECK(std::string(place_kind_name(PlaceKind::coach_park)) == lot_kind_name(LotKind::coach_park));
  CHECK(std::string(event_kind_name(EventKind::close_walkway)) == "close_walkway");
  CHECK(std::string(gate_choice_name(GateChoice::least_cost)) == "least_cost");
}

TEST_CASE("the scenario parser fixes kinds: strings in the file, enums in the scenario") {
  const Scenario s = load_or_fail("scenarios/ciie2024.toml");
  CHECK(s.gate_choice == GateChoice::least_cost);
  CHECK(s.policy.replan_choice == ReplanChoice::shares);
  bool taxi_departures = false;
  for (const ObservedDef& o : s.observed)
    if (o.id == "taxi_departures") {
      taxi_departures = true;
      CHECK(o.probe.record == RecordKind::vehicle_out);
      CHECK(o.probe.place_kind == PlaceKind::taxi_stand);
      CHECK(o.probe.vehicles);
    } else if (o.id == "entries") {
      CHECK(o.probe.record == RecordKind::pass);
      CHECK(o.probe.place_kind == PlaceKind::gate);
      CHECK_FALSE(o.probe.vehicles);
    }
  CHECK(taxi_departures);
  int dropoff_lots = 0;
  for (const LotDef& l : s.lots) dropoff_lots += l.kind == LotKind::dropoff ? 1 : 0;
  CHECK(dropoff_lots > 0);

  const Scenario u = load_or_fail("scenarios/ciie2024.toml", {"gate_choice=\"uniform\"", "policy.replan.choice=\"logit\""});
  CHECK(u.gate_choice == GateChoice::uniform);
  CHECK(u.policy.replan_choice == ReplanChoice::logit);

  const Scenario outage = load_or_fail("scenarios/line17-outage.toml");
  REQUIRE_FALSE(outage.events.empty());
  CHECK(outage.events.front().kind == EventKind::suspend_line);
  CHECK(outage.events.front().direction == WalkDirection::both);  // the default

  const Scenario exits = load_or_fail("tests/data/whatif/exit_direction.toml");
  REQUIRE(exits.policy.exit_direction.size() == 1);
  CHECK(exits.policy.exit_direction.front().morning == WalkDirection::forward);
}
