#pragma once
// The kinds a scenario and the simulation name: enums, fixed when the scenario is validated, so
// that only the scenario parser reads them as strings. Each has the name that scenario files and
// outputs use (`<enum>_name`) and the way back (`parse_<enum>`, nothing for any other string).
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

namespace expoflow::scenario {

namespace kinds_detail {

// `names` holds every member's name at the member's value.
template <class E, std::size_t N>
constexpr const char* name(const char* const (&names)[N], E e) {
  return names[static_cast<std::size_t>(e)];
}

template <class E, std::size_t N>
constexpr std::optional<E> parse(const char* const (&names)[N], std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return static_cast<E>(i);
  return std::nullopt;
}

}  // namespace kinds_detail

// For `enum class Enum` whose last member is `last`, given its members' names in order: the array
// kEnumNames and the functions `const char* fn_name(Enum)` and
// `std::optional<Enum> parse_fn(std::string_view)` (nothing for a string that names no member).
#define EXPOFLOW_KIND_NAMES(Enum, fn, last, ...)                                             \
  inline constexpr const char* k##Enum##Names[] = {__VA_ARGS__};                              \
  static_assert(std::size(k##Enum##Names) == static_cast<std::size_t>(Enum::last) + 1);      \
  inline const char* fn##_name(Enum e) { return kinds_detail::name(k##Enum##Names, e); }     \
  inline std::optional<Enum> parse_##fn(std::string_view s) {                                 \
    return kinds_detail::parse<Enum>(k##Enum##Names, s);                                      \
  }

// What a record of the record stream says happened (observe/records.hpp).
enum class RecordKind : std::uint8_t {
  pass,         // persons passed a counting point (security lane, fare gate)
  board,        // persons boarded a vehicle (value: -1) at a stop
  alight,       // persons left a vehicle
  denied,       // persons left behind by a full vehicle (once per vehicle that left them)
  vehicle_in,   // a vehicle entered a lot / stand
  vehicle_out,  // a vehicle left a lot / stand (persons: its occupants)
  arrive,       // a visitor party set off by its access mode (place arrivals[mode]; value: class)
  activate,     // a disruption or policy came into force (its place also gets enter/leave)
  replan,       // persons who changed their plan because a service was unavailable
  enter,        // persons (or vehicles) now present at a place: occupancy +
  leave,        // occupancy -
  queue_join,   // persons joined the queue of a place
  queue_leave,  // persons who had queued left the queue to be served
  served,       // persons began service (value: their wait in s, zero when served at once)
  depart,       // a vehicle left a stop (persons: load on leaving, value: its capacity)
  balk,         // persons who did not join a queue whose expected wait exceeded their patience
  renege,       // persons who left a queue when their patience ran out (value: their wait in s)
};
inline constexpr std::size_t kNumRecordKinds = 17;
EXPOFLOW_KIND_NAMES(RecordKind, record_kind, renege,  // record_kind_name, parse_record_kind
                    "pass", "board", "alight", "denied", "vehicle_in", "vehicle_out", "arrive",
                    "activate", "replan", "enter", "leave", "queue_join", "queue_leave", "served",
                    "depart", "balk", "renege")

// What a place of the simulation is (Place::kind in observe/records.hpp; the place_kind of the outputs).
enum class PlaceKind : std::uint8_t {
  gate, walkway, fare_gate, platform, metro, bus, shuttle, taxi_stand, cab_rank, taxi_bays,
  car_park, coach_park, dropoff, hall, hold, event, replan, policy, arrivals, upstream, stop, queue_area
};
EXPOFLOW_KIND_NAMES(PlaceKind, place_kind, queue_area,  // place_kind_name, parse_place_kind
                    "gate", "walkway", "fare_gate", "platform", "metro", "bus", "shuttle",
                    "taxi_stand", "cab_rank", "taxi_bays", "car_park", "coach_park", "dropoff",
                    "hall", "hold", "event", "replan", "policy", "arrivals", "upstream", "stop",
                    "queue_area")

// What a disruption or intervention does (EventDef::kind in scenario.hpp).
enum class EventKind : std::uint8_t {
  suspend_line, close_gate, lanes, cab_supply, walk_speed, close_walkway, extra_trains
};
EXPOFLOW_KIND_NAMES(EventKind, event_kind, extra_trains,  // event_kind_name, parse_event_kind
                    "suspend_line", "close_gate", "lanes", "cab_supply", "walk_speed",
                    "close_walkway", "extra_trains")

// Which way of a walkway: from -> to (forward), to -> from (backward), or both.
enum class WalkDirection : std::uint8_t { forward, backward, both };
EXPOFLOW_KIND_NAMES(WalkDirection, walk_direction, both,  // walk_direction_name, parse_walk_direction
                    "forward", "backward", "both")

// How parties choose again when their mode is unavailable (PolicyDef::replan_choice).
enum class ReplanChoice : std::uint8_t { shares, logit };
EXPOFLOW_KIND_NAMES(ReplanChoice, replan_choice, logit,  // replan_choice_name, parse_replan_choice
                    "shares", "logit")

// How a party picks its entrance (Scenario::gate_choice).
// What a party whose patience ran out at an entrance does: try another entrance (once), or leave
// without entering (an abandoning queue, for checks against queueing theory).
enum class GiveUp : std::uint8_t { other_entrance, leave };
EXPOFLOW_KIND_NAMES(GiveUp, give_up, leave,  // give_up_name, parse_give_up
                    "other_entrance", "leave")

// The kinds of wait a party may give up ([patience.<kind>]): the entrance's security queue, a
// metro station's fare-gate queue on the way home, the taxi stand, a bus or shuttle stop.
enum class WaitKind : std::uint8_t { security, fare_gates, taxi, bus };
inline constexpr std::size_t kNumWaitKinds = 4;
EXPOFLOW_KIND_NAMES(WaitKind, wait_kind, bus,  // wait_kind_name, parse_wait_kind
                    "security", "fare_gates", "taxi", "bus")

// How a patience is distributed.
enum class PatienceDist : std::uint8_t { exponential, lognormal };
EXPOFLOW_KIND_NAMES(PatienceDist, patience_dist, lognormal,  // patience_dist_name, parse_patience_dist
                    "exponential", "lognormal")

enum class GateChoice : std::uint8_t { least_cost, uniform };
EXPOFLOW_KIND_NAMES(GateChoice, gate_choice, uniform,  // gate_choice_name, parse_gate_choice
                    "least_cost", "uniform")

// What a lot is (LotDef::kind).
enum class LotKind : std::uint8_t { car_park, coach_park, dropoff };
EXPOFLOW_KIND_NAMES(LotKind, lot_kind, dropoff,  // lot_kind_name, parse_lot_kind
                    "car_park", "coach_park", "dropoff")

// What an observation measures of the records its probe counts (ObservedDef::statistic):
//   total          the count in the window
//   max_hourly     the largest count in any 60 minutes of the window (5-minute steps)
//   peak_hour      the clock time the busiest 60 minutes start, the window's days summed by clock time
//   share_before   the share of the window's count before a clock time (`at`) of its day
enum class Statistic : std::uint8_t { total, max_hourly, peak_hour, share_before };
EXPOFLOW_KIND_NAMES(Statistic, statistic, share_before,  // statistic_name, parse_statistic
                    "total", "max_hourly", "peak_hour", "share_before")

// How an observation bounds what is simulated: equal to it (within its uncertainty or tolerance),
// at least it, at most it.
enum class ObservedBound : std::uint8_t { equal, min, max };
EXPOFLOW_KIND_NAMES(ObservedBound, observed_bound, max,  // observed_bound_name, parse_observed_bound
                    "equal", "min", "max")

#undef EXPOFLOW_KIND_NAMES

}  // namespace expoflow::scenario
