#pragma once
// The headline indicators (KPIs) of a replication, computed from the Recorder's statistics once it
// is closed. A KPI is named by a typed id, {place, metric}: the place it is of (an entrance, a
// line, a taxi stand, a lot, the halls, a re-plan place, a policy or event; kWholeSite for one of
// the whole site) and what it measures. Names ("gate[west].wait_p95_s") are made only by the
// outputs (output/kpi_names.hpp). Which places are entrances, lines, ... comes from a plain
// description (KpiPlaces) that the model fills from its layout: nothing here knows the model.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "observe/recorder.hpp"

namespace expoflow::observe {

enum class Metric : std::uint8_t {
  // An entrance (its gate place).
  entries,      // persons screened
  peak_queue,   // also of a lot (vehicles)
  wait_mean_s,  // per person
  wait_p95_s,
  turned_away,
  // A line (its line place).
  boardings,
  denied_boardings,
  platform_peak,             // metro: peak platform occupancy
  platform_wait_p95_s,       // metro
  fare_gates_in_wait_p95_s,  // metro
  max_load_ratio,            // the fullest vehicle's load over its capacity
  // A taxi stand (its parties' place).
  departures,  // cabs that left with a party
  party_wait_mean_s,
  party_wait_p95_s,
  peak_parties_waiting,
  cab_wait_mean_s,
  peak_cabs_waiting,
  // A lot (vehicles) or the halls (persons).
  peak_occupancy,
  // The whole site (place kWholeSite).
  densest_walkway_peak,       // the largest peak density of any walkway, persons/m²
  all_entrances_wait_mean_s,  // the wait of every person screened, at any entrance
  all_entrances_wait_p95_s,
  // A re-plan place.
  replanned_persons,
  // A policy or an event.
  activations,
  active_min,  // minutes in force
  // A queue parties may balk at or give up (an entrance, fare gates, a taxi stand, a stop).
  balked_persons,   // did not join its queue: the expected wait exceeded their patience
  reneged_persons,  // left its queue when their patience ran out
  // When a peak happened: the start of the time bin of the peak (the first, if several bins hold
  // it), in seconds since the run's start; of the peak named before the "_at_s".
  peak_queue_at_s,            // an entrance, a lot
  platform_peak_at_s,         // a metro line
  peak_parties_waiting_at_s,  // a taxi stand
  peak_occupancy_at_s,        // a lot, the halls
  // A metro line's station: the largest queues at its fare gates in and out.
  fare_gates_in_peak_queue,
  fare_gates_out_peak_queue,
  // A metro line's station: the busiest hour's fare-gate passes (the largest count in any run of
  // whole bins covering an hour), into the station, out of it and both, and when that hour began.
  station_peak_hour_in,
  station_peak_hour_in_at_s,
  station_peak_hour_out,
  station_peak_hour_out_at_s,
  station_peak_hour_both,
  station_peak_hour_both_at_s,
  // A walkway: its peak density (persons/m²) and when.
  peak_density,
  peak_density_at_s,
  // A place with a capacity (a queueing area, a platform, a walkway, the holding area, a cab rank,
  // taxi bays, a lot): its peak occupancy over its capacity, and when.
  peak_use,
  peak_use_at_s,
  // Persons arriving at the site by an access mode (its arrivals place).
  arrivals,
  // A metro line's station: persons through its fare gates in and out.
  fare_gates_in_passes,
  fare_gates_out_passes,
};
inline constexpr std::size_t kNumMetrics = static_cast<std::size_t>(Metric::fare_gates_out_passes) + 1;
// Whether a metric is a time (seconds since the start), not an amount.
constexpr bool is_time(Metric m) {
  switch (m) {
    case Metric::peak_queue_at_s: case Metric::platform_peak_at_s: case Metric::peak_parties_waiting_at_s:
    case Metric::peak_occupancy_at_s: case Metric::station_peak_hour_in_at_s: case Metric::station_peak_hour_out_at_s:
    case Metric::station_peak_hour_both_at_s: case Metric::peak_density_at_s: case Metric::peak_use_at_s:
      return true;
    default: return false;
  }
}

// The place of a KPI of the whole site.
inline constexpr std::uint32_t kWholeSite = ~std::uint32_t{0};

struct KpiId {
  std::uint32_t place = kWholeSite;  // index into the simulation's places, or kWholeSite
  Metric metric = Metric::entries;
  std::uint16_t scope = 0;  // index into the simulation's scopes; 0 is the whole run
  friend bool operator==(const KpiId&, const KpiId&) = default;
};

// A span of simulated time the indicators are computed over: the whole run (always the first), a
// day, a window (an event's, or one asked for), or an hour of a day (the hourly indicators only:
// hourly_kpis); whole time bins [bin_lo, bin_hi).
struct Scope {
  enum class Kind : std::uint8_t { run, day, window, hour };
  Kind kind = Kind::run;
  std::string name;  // "run", "d4", the window's name
  std::size_t bin_lo = 0, bin_hi = 0;
};

struct Kpi {
  KpiId id;
  double value = 0;
};

// Which places the KPIs are of (indices into the simulation's places), each list in place order.
struct KpiPlaces {
  struct Line {
    std::uint32_t place = 0;  // boardings, denied boardings, vehicle departures
    bool metro = false;
    std::uint32_t platform = 0, fare_in = 0, fare_out = 0;  // a metro line's station
    double capacity = 0;                      // of one vehicle
  };
  struct TaxiStand {
    std::uint32_t parties = 0, cabs = 0;  // the parties' line, the cab rank
  };
  struct Walkway {
    std::uint32_t place = 0;
    double area_m2 = 0;
  };
  std::vector<std::uint32_t> gates;
  std::vector<Line> lines;
  std::vector<TaxiStand> taxi_stands;
  std::vector<std::uint32_t> lots;
  std::uint32_t hall = 0;
  std::vector<Walkway> walkways;
  std::vector<std::uint32_t> replans;   // re-plan places
  std::vector<std::uint32_t> switches;  // policies and events
  std::vector<std::uint32_t> patience_places;  // queues parties may balk at or give up
  std::vector<std::uint32_t> capacity_places;  // every place with a capacity but the lines'
  std::vector<double> capacities;               // of capacity_places
  std::vector<std::uint32_t> arrivals;          // the arrivals place of each access mode
};

// Every KPI of a replication, in a fixed order: for each scope in turn, per entrance, per line, per
// taxi stand, per lot, the halls, the densest walkway, all entrances together, per re-plan place,
// per policy or event, per walkway, per capacity, per access mode. Every scope but the hours has
// the same KPIs (but for the vehicles' largest load ratio, of the whole run only); an hour has
// the hourly ones: entries, peak queue and waits (mean, p95) at each entrance; boardings and denied
// boardings of each line, fare-gate passes and peak queues in and out, the waits (p95) at the
// fare gates in, the platform's peak and waits (p95);
// the taxi stands' party waits and peak queue; arrivals by access mode.
std::vector<Kpi> compute_kpis(const Recorder& rec, const KpiPlaces& at, const std::vector<Scope>& scopes);

// Whether a metric is a percentile of waits (wait_p95_s and the like).
bool is_wait_percentile(Metric m);
// The share of the waits behind a percentile indicator (is_wait_percentile) that exceed `bound_s`
// over the indicator's scope: the waits its percentile is taken of, read the same way.
double wait_share_over(const Recorder& rec, const KpiPlaces& at, const std::vector<Scope>& scopes, KpiId id,
                       double bound_s);

}  // namespace expoflow::observe
