#pragma once
// The indicators by scope (the whole run, each day, each window: observe::Scope) and the headroom
// of every capacity-limited component: as JSON for summary.json, as the tidy kpis.csv and
// headroom.csv, and as the tables `expoflow run` prints.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "output/ensemble.hpp"

namespace expoflow::output {

// [lo, hi] with the ends written by `value`, or null where a single replication gives no interval.
template <class Value>
nlohmann::ordered_json interval_json(const Interval& ci, Value&& value) {
  return ci.exists ? nlohmann::ordered_json{value(ci.lo), value(ci.hi)} : nlohmann::ordered_json();
}
inline nlohmann::ordered_json interval_json(const Interval& ci) {
  return interval_json(ci, [](double x) { return x; });
}

// The scopes after the whole run (days, windows; the hours are in kpis.csv only), each with its
// span and every indicator's mean and 95% interval, by name.
nlohmann::ordered_json scopes_json(const Ensemble& e);
// scope,scope_kind,from_s,to_s,indicator,mean,ci95_lo,ci95_hi: every indicator of every scope,
// the hours' included.
std::string kpis_csv(const Ensemble& e);

// The day with the most entries (mean over the replications), as a scope index; 0 (the whole
// run) if the run has no day scopes.
std::size_t busiest_day(const Ensemble& e);
// The printed table of one scope: entrances (entries, peak queue and when, waits), stations
// (busiest hour in, out and both and when, fare-gate queues), platforms (peak, when, LOS, denied
// boardings), taxi stands, lots, the halls and the densest walkway by name and when.
std::string scope_table(const Ensemble& e, std::size_t scope, const std::string& heading);
// The tables `expoflow run` prints after the whole run's: the busiest day's (every day's if
// `every_day`), then each window's (the events' and those asked for).
std::string scope_tables(const Ensemble& e, bool every_day);

// Every capacity-limited component's peak use over its capacity, when, and its level of service,
// sorted with the closest to breaking first (the whole run); the vehicles of each line by their
// fullest load. Printed: the first `rows` (all if 0).
std::string headroom_csv(const Ensemble& e);
std::string headroom_table(const Ensemble& e, std::size_t rows);

}  // namespace expoflow::output
