#pragma once
// The names of KPIs in the outputs (summary.json, comparisons, sweep tables): made here only, from
// the typed id and the simulation's places. "<place>.<metric>" for most ("gate[west].wait_p95_s",
// "line[line2].platform_peak", "halls.peak_occupancy"), "<place>_persons" for a re-plan place
// ("replans.at_setoff_persons"), and a scope of the whole site ("entrances.wait_p95_s",
// "walkways.max_peak_density"). An indicator of a day or window carries its scope's name after an
// '@' ("gate[west].wait_p95_s@d4", "entrances.wait_p95_s@l17_outage"); the whole run's, none.
#include <string>
#include <vector>

#include "observe/kpis.hpp"
#include "observe/records.hpp"

namespace expoflow::model {
class Simulation;
}

namespace expoflow::output {

// Throws std::out_of_range for an id whose place is not among `places` (or is kWholeSite for a
// metric of a place, or a place for a metric of the whole site).
std::string kpi_name(observe::KpiId id, const std::vector<observe::Place>& places);
// The name with its scope's (of sim's scopes) after an '@', unless the scope is the whole run.
std::string kpi_name(observe::KpiId id, const model::Simulation& sim);

// What an id is, for a message: its name, or its place index and metric if it names none.
std::string describe_kpi(observe::KpiId id, const std::vector<observe::Place>& places);

}  // namespace expoflow::output
