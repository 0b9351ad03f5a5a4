#pragma once
// The validated, immutable description of one scenario: site, transport, demand, observed totals.
// Built once from a scenario file by build_scenario(); the simulation only reads it. Run settings
// (seed, replications, output folder) are not part of it (they come from the command line).
#include <array>
#include <iosfwd>
#include <cstdint>
#include <optional>
#include <limits>
#include <string>
#include <vector>

#include "kernel/time.hpp"
#include "scenario/kinds.hpp"
#include "scenario/document.hpp"

namespace expoflow::scenario {

// Travel modes. Access modes bring a party to the site, egress modes take it away.
enum class Mode : std::uint8_t { metro, bus, car, coach, dropoff, walk, taxi, pickup };
inline constexpr std::size_t kNumModes = 8;
const char* mode_name(Mode m);

struct NodeDef {
  std::string id, kind;
  // Where the node stands on a site plan, in metres (x east, y north): for drawings only (the map
  // of `expoflow view`, `expoflow graph`); the model never reads them. A scenario positions every
  // node or none.
  std::optional<double> x_m, y_m;
};

struct WalkwayDef {
  std::string id, from, to;
  double length_m = 0, width_m = 0;
  bool both_ways = true;
  double speed_scale = 1.0;  // < 1 in rain
};

// A value that changes at clock times of every day: [(seconds since midnight, value)], sorted.
struct DailySchedule {
  std::vector<std::pair<double, double>> steps;
  double at(double clock_s) const;  // value of the last step at or before clock_s; 0 before the first
};

struct GateDef {
  std::string id, node;
  DailySchedule lanes;
  double lanes_scale = 1.0;
  double service_mean_s = 0;  // per person, exponential
  double queue_area_m2 = 0;   // floor space for the queue in front of the lanes (0: not limited)
};

struct HallsDef {
  std::string node;
  double open_s = 0, close_s = 0;  // clock times
  double area_m2 = 0;
  // Whoever is still inside when its class's latest time comes near is released uniformly over
  // the last sweep_s before it (0: everyone left at that moment leaves at it).
  double sweep_s = 0;
  // Parties of classes that wait for opening, screened before `open`, wait in a holding area of
  // holding_area_m2 at holding_density persons/m²; while it is full, screening of them stops.
  double holding_area_m2 = 0, holding_density = 2.0;
};

// A clock-time profile: weights of equal bins from `start_s` (e.g. arrivals, leave times).
struct Profile {
  double start_s = 0, bin_s = 3600;
  std::vector<double> weights;
  bool empty() const { return weights.empty(); }
};

struct DirectionDef {
  std::string id;          // e.g. "westbound"
  std::string from_zone;   // where site-bound riders board ("" = nobody boards for the site)
  std::string to_zone;     // where site-leaving riders go ("" = the train takes nobody away)
  double travel_s = 0;     // from the upstream boarding point to the site stop
  DailySchedule headway_s; // by clock time; 0 = no service
  std::vector<double> background_load;  // 24 hourly fractions of capacity on board at the site stop
  double background_alight = 0;         // share of that load leaving the train at the site stop
};

struct TransitLineDef {
  std::string id;
  bool metro = false;
  double vehicle_capacity = 0;
  double fleet = 0, round_trip_s = 0;  // buses: the headway is at least round_trip / fleet
  double first_s = 0, last_s = 86400;  // service hours (clock)
  std::string site_node;               // bus: the stop; metro: the platform
  // Metro station elements.
  std::string concourse_node;
  double fare_gates_in = 0, fare_gates_out = 0, fare_gate_service_s = 0;
  double platform_area_m2 = 0, platform_density = 0;  // storage = area * density
  double fare_gate_queue_area_m2 = 0;  // in front of the fare gates, each way (0: not limited)
  std::vector<double> background_entries;             // 24 hourly rates, persons/h
  double background_scale = 1.0;                      // scales background station users
  std::vector<double> background_split;               // over directions
  std::vector<DirectionDef> directions;
  bool counts_as_shuttle = false;  // boardings count as shuttle passengers
};

struct TaxiStandDef {
  std::string id, node;
  double bays = 0, loading_mean_s = 0, rank_capacity = 0;
  double open_s = 0, close_s = 86400;
  std::vector<double> cabs_per_hour;  // 24 hourly supply rates while open
  double cab_supply_scale = 1.0;
};

struct LotDef {  // car parks, coach parks, drop-off lots
  std::string id, node;
  LotKind kind = LotKind::car_park;
  double spaces = 0;            // car/coach park spaces, or drop-off bays
  double stop_mean_s = 0;       // drop-off: unloading/loading time per vehicle
  double pickup_delay_mean_s = 0;  // drop-off used for pick-up: wait for the car to come
  bool booked = false;          // pre-booked car park (counted in parking_booked_vehicles)
  std::string shuttle;          // bus line between this lot and the site ("" = walk)
  double weight = 1;            // share of this mode's users that use this lot
};

struct WalkOriginDef {
  std::string id, node;
  double weight = 1;
};

struct PartySizeDef {
  std::vector<double> sizes, weights;
};

// How long a party waits in a queue before it gives up, and whether it joins a queue whose
// expected wait is longer than that at all ([patience.<kind of wait>]). Each party draws its own
// patience (a keyed draw: common random numbers hold). `then` is the entrance's only: on the way
// home a party that gives up takes another line or mode.
struct PatienceDef {
  double mean_s = 0, sd_s = 0;  // mean_s 0: no patience (waits as long as it takes)
  PatienceDist dist = PatienceDist::exponential;
  bool balk = true;  // a party does not join when the expected wait exceeds its patience
  GiveUp then = GiveUp::other_entrance;
  bool enabled() const { return mean_s > 0; }
};

struct ClassDef {
  std::string id;
  std::vector<double> volume;           // persons per day, one per scenario day
  bool poisson_count = false;           // each day's persons a Poisson count of mean volume
  double volume_scale = 1.0;
  double profile_start_s = 0;           // clock time of the first profile bin
  double profile_bin_s = 3600;
  std::vector<double> profile;          // arrival weights per bin
  // When a party leaves the halls: either a clock-time leave profile, truncated to [arrival +
  // min_visit_s, latest_s], or a dwell (lognormal, mean and sd) after its admission. Either way it
  // is gone by latest_s (clock; default the halls' closing), through the halls' closing sweep.
  Profile leave;
  double min_visit_s = 0;
  double dwell_mean_s = 0, dwell_sd_s = 0;  // used when `leave` is empty
  double latest_s = 0;
  bool wait_for_opening = false;  // screened before the halls open: waits in the holding area
  std::array<double, kNumModes> access{};                   // shares over access modes
  std::array<std::array<double, kNumModes>, kNumModes> egress{};  // [access][egress]
};

struct ProbeDef {
  RecordKind record = RecordKind::pass;    // pass, board, alight, denied, vehicle_in, vehicle_out, arrive
  PlaceKind place_kind = PlaceKind::gate;  // e.g. gate, fare_gate, shuttle, taxi_stand, car_park
  bool vehicles = false;                   // measure = "vehicles" (else "persons")
  std::vector<std::string> places;  // optional: only these place ids
  bool booked_only = false;
};

// A reported figure and the probe that measures it in the simulation. Fitted ones (`fit`) enter
// the calibration's objective, an equality with its uncertainty or a one-sided bound; the others
// are checks: computed, printed and written with their residual, never fitted. A check passes
// when the simulated value lies within `tolerance` (relative) of the value, inside `range`, or on
// the right side of a bound.
struct ObservedDef {
  std::string id;
  double value = 0, uncertainty = 0;
  double from_s = 0, to_s = 0;
  ProbeDef probe;
  Statistic statistic = Statistic::total;
  double at_s = 0;  // share_before: the clock time (seconds since midnight)
  ObservedBound bound = ObservedBound::equal;
  bool fit = true;
  double tolerance = 0;              // relative; 0 = none
  std::optional<std::pair<double, double>> range;  // in the statistic's units
  std::string source;
  scenario::SourcePos pos;  // of its table, for problems found once the places are known
};

// A disruption or intervention in force over [from, to) (moments of the scenario).
//   suspend_line   line (or "line.direction"): no trip runs; riders re-plan
//   close_gate     gate: the entrance admits nobody; its queue goes to other entrances
//   lanes          gate ("*" = all): open lanes scaled by `scale`
//   cab_supply     stand ("*" = all): cab arrivals scaled by `scale`
//   walk_speed     walkway ("*" = all): walking speed scaled by `scale` (rain)
//   close_walkway  walkway, direction (forward | backward | both): closed (station exits)
//   extra_trains   line.direction: extra trips every `headway_min` minutes
struct EventDef {
  std::string id;
  EventKind kind = EventKind::suspend_line;
  std::string target;
  WalkDirection direction = WalkDirection::both;
  double from_s = 0, to_s = 0, scale = 1, headway_s = 0;
};

// Crowd-control policies reported at the site.
struct PolicyDef {
  // Station entries (inbound fare gates) close while a platform holds more than close_above x
  // its capacity, and reopen below reopen_below x capacity.
  bool platform_exits = false;
  double platform_close_above = 0.6, platform_reopen_below = 0.4;
  // Hall occupancy tiers: staggered entry (lanes x stagger_lane_share), queueing inside (visitors
  // held in the entrance halls while the halls hold queue_inside or more), exit only (no
  // admissions while halls plus holding areas hold exit_only or more). Each lifts below
  // reopen_share x its threshold.
  bool hall_occupancy = false;
  double staggered_entry = 80000, stagger_lane_share = 0.5, queue_inside = 130000,
         exit_only = 180000, reopen_share = 0.95;
  // Exit direction control: between `from` and `switch_at` (clock) only the `morning` direction of
  // each listed walkway is open; from `switch_at` to `to` only the other one.
  struct ExitDirection {
    std::string walkway;
    WalkDirection morning = WalkDirection::forward;
    double from_s = 0, switch_s = 0, to_s = 0;
  };
  std::vector<ExitDirection> exit_direction;
  // How parties choose again when their mode is unavailable: shares (in proportion to their
  // class's shares among the available modes) or logit (those shares times
  // exp(-logit_per_min x travel minutes), the travel time of each mode from its own access point
  // to the nearest entrance, or from the halls to where it leaves).
  ReplanChoice replan_choice = ReplanChoice::shares;
  double logit_per_min = 0.1;
};

// A free parameter of the calibration: a numeric value of the scenario named by its parameter
// path, with bounds and a prior (value and spread) that keeps it plausible where the observed
// totals cannot pin it down. A share (a member of a share vector) is freed through the vector's
// last member, which takes 1 - the others.
struct FreeParam {
  std::string path;
  double min = 0, max = 0, prior = 0, prior_sd = 0;
  scenario::SourcePos pos;
};

struct CalibrationDef {
  std::vector<FreeParam> params;
  int replications = 8;
  int max_iterations = 20;
};

// An assumption ([[assumption]]): a numeric value of the scenario, named by its parameter path,
// that no source pins down. `expoflow sensitivity` moves it to `low` and to `high` (default: half
// and one and a half times the scenario's value), one assumption at a time. Each side is the
// scenario with `overrides` applied as --set would: the value and, for a member of a share vector,
// the vector's residual (1 - the others). Both sides are checked to make valid scenarios at load.
// A span of time the indicators are also computed over (`--window NAME=dN HH:MM..dN HH:MM`).
struct WindowDef {
  std::string id;
  double from_s = 0, to_s = 0;
};

struct AssumptionDef {
  std::string path, label, source;
  double value = 0, low = 0, high = 0;
  std::array<std::vector<std::string>, 2> overrides;  // [0] low, [1] high: `path=value` each
  scenario::SourcePos pos;
};

// A service target ([[target]]) for `expoflow plan`: an indicator by its KPI name, with its scope
// after an '@' ("gate[north].wait_p95_s@d5"), kept at most `max` or at least `min`, each at
// `confidence`. Whether the indicator exists is checked by the command, once its simulation is
// built. Like [[assumption]], targets leave the scenario's results and hash as they were.
struct TargetDef {
  std::string id, indicator, source;
  bool is_max = true;  // `max`: indicator <= bound; `min`: indicator >= bound
  double bound = 0, confidence = 0.95;
  // On a percentile of waits with a max: P(wait > bound) <= share. Unset (NaN), the percentile's
  // own (0.05 for a p95).
  double share = std::numeric_limits<double>::quiet_NaN();
  scenario::SourcePos pos;
};

// A lever ([[lever]]) for `expoflow plan`: a numeric value of the scenario by its parameter path
// that the plan may set from `min` to `max` in steps of `step` (1: whole units), each step
// costing `cost` (in any unit the user chooses).
struct LeverDef {
  std::string id, path, source;
  double min = 0, max = 0, step = 1, cost = 1;
  scenario::SourcePos pos;
};

struct Scenario {
  std::string name, title, file;
  std::string start_date;  // day 1's date, "YYYY-MM-DD" ("" if not given): drawn, never simulated
  std::string hash;  // values_hash of the merged tree it was built from: what was run
  std::vector<std::string> extends;  // the files `file` extends, nearest first (load_scenario)
  int days = 1;
  double horizon_s = 0;  // simulated time
  double bin_s = 900;
  double walk_speed_mean = 1.34, walk_speed_sd = 0.26;
  double jam_density = 5.4, storage_density = 4.0, max_specific_flow = 1.3;
  double queue_density = 3.3;  // persons/m² a queueing area holds at most
  double demand_scale = 1.0;
  // A party finding its service (line, shuttle, taxi stand) closed waits for it only if it opens
  // within this; otherwise it chooses again.
  double service_wait_max_s = 0;
  // How a party picks its entrance: least_cost (walking time plus expected queueing time among
  // open entrances) or uniform (at random, whatever the queues: for benchmarks and tests).
  GateChoice gate_choice = GateChoice::least_cost;
  std::array<PatienceDef, kNumWaitKinds> patience;  // by WaitKind: [patience.<kind>]
  // [choice]: the way home chosen by a logit on the class's shares and the expected waits.
  struct Choice {
    bool enabled = false;
    double beta_per_min = 0.1;  // weight of a minute of expected wait
    double info_lag_s = 300;    // time constant of the information parties choose on
  } choice;
  std::vector<NodeDef> nodes;
  std::vector<WalkwayDef> walkways;
  std::vector<GateDef> gates;
  HallsDef halls;
  std::vector<TransitLineDef> lines;
  // Metro access/egress split over "line.direction" (indices into lines/directions).
  std::vector<std::pair<std::pair<int, int>, double>> metro_access, metro_egress;
  std::vector<std::pair<std::pair<int, int>, double>> bus_access, bus_egress;
  std::vector<TaxiStandDef> taxi_stands;
  std::vector<LotDef> lots;
  std::vector<WalkOriginDef> walk_origins;
  std::array<PartySizeDef, kNumModes> party_size;
  std::vector<ClassDef> classes;
  std::vector<ObservedDef> observed;
  std::vector<EventDef> events;
  PolicyDef policy;
  CalibrationDef calibration;
  std::vector<AssumptionDef> assumptions;
  std::vector<TargetDef> targets;
  std::vector<LeverDef> levers;
  std::vector<WindowDef> windows;  // asked for on the command line (add_windows); part of the hash
};

// What a replication of a scenario needs, estimated before anything runs: scenario validation
// refuses a scenario one replication of which cannot fit in memory, and every command that
// simulates multiplies it by the replications it runs at once and saves (cli::check_resources).
struct Footprint {
  // Parties over the run (each class at its smallest party size, background station users one
  // each), by class, and on the busiest day: no more are ever present at once (everyone leaves by
  // the day's closing sweep).
  double parties = 0, peak_day_parties = 0;
  std::vector<double> parties_by_class;
  // Bytes: one running replication's demand and parties; the walking paths between every pair of
  // nodes (once per simulation).
  double replication_bytes = 0, path_bytes = 0;
};
Footprint footprint(const Scenario& s);
// Parties a replication can hold at once: its event calendar addresses at most this many
// (kernel/calendar.hpp, kMaxTarget).
inline constexpr double kMaxPartiesAtOnce = (1u << 24) - 1;
// 190 GB, 2.5 GB, 1.3 TB (binary multiples): the sizes the estimates print.
std::string show_bytes(double bytes);
// 3.2 billion, 48 million, 12000.
std::string show_count(double n);
// Free memory as the kernel estimates it (MemAvailable), in bytes; nothing when unknown.
std::optional<double> memory_available();

// The merged tree as `path = value  # file:line` lines (validate --print); without positions
// (`positions` false), what the scenario's hash is made of.
void print_tree(const Node& n, const std::string& path, std::ostream& out, bool positions = true);
// The hash of a merged tree's values (every file of the extends chain and every override
// applied), whatever the formatting of the files: 16 hex digits.
std::string values_hash(const Node& root);

// Read and validate a merged scenario tree. Every problem found is added to `problems` (with file,
// line, column and parameter path); the result is only meaningful when no problem was added.
Scenario build_scenario(const scenario::Node& root, const std::string& file,
                        scenario::Problems& problems);

// Load a file (with extends and `path=value` overrides) and build it. Nothing on any problem.
// The overrides are applied before the hash is taken: it covers them. Problems name `overrides` by
// "--set" and `params` (applied after them: a sweep's grid point) by "--param".
std::optional<Scenario> load_scenario(const std::string& file,
                                      const std::vector<std::string>& overrides,
                                      scenario::Problems& problems,
                                      const std::vector<std::string>& params = {});

}  // namespace expoflow::scenario
