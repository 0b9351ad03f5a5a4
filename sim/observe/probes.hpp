#pragma once
// The probes of a scenario's observed totals: which places a probe counts at, and the probe the
// Recorder keeps for an observed total. Written once here, for the run and for calibration's
// check that every observation is measurable.
#include <string>
#include <vector>

#include "observe/recorder.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::observe {

// Whether a place is one where a probe counts: of its place kind, booked if it asks, and among its
// places if it names any.
bool probe_matches(const scenario::ProbeDef& probe, const Place& place);
// The probe measuring an observed total: a counted record at places of a kind, in a window.
Probe make_probe(const std::vector<Place>& places, const scenario::ObservedDef& o);
// Why an observation cannot be measured (its probe matches no place: a typo in `places`, a place
// kind the site lacks), naming the places it could count at; empty when it can.
std::string unmeasurable(const scenario::ObservedDef& o, const std::vector<Place>& places);
// What a probe measured, in its statistic's units: a count, a clock time in seconds, a share.
double probe_value(const Probe& p);

// How a simulated value stands against an observation: the residual (relative for counts,
// seconds for a peak hour, share points for a share) and whether it is within what the
// observation allows (its tolerance, range or bound; an equality with neither is judged by its
// uncertainty, two standard deviations).
struct Assessment {
  double residual = 0;
  bool relative = true;  // the residual is (simulated - observed) / observed
  bool ok = true;
};
Assessment assess(const scenario::ObservedDef& o, double simulated);
// The residual as printed: "+1.2%", "+45 min", "-3.1 pts".
std::string residual_text(const scenario::ObservedDef& o, const Assessment& a);
// A value in its statistic's units as printed: "852,000", "16:15", "41.2%".
std::string value_text(const scenario::ObservedDef& o, double v);
// What the observation asks, as printed: "±20%", "in 09:00-10:00", ">= 180,000", "fitted".
std::string criterion_text(const scenario::ObservedDef& o);

}  // namespace expoflow::observe
