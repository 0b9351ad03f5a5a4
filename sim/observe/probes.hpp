#pragma once
// The probes of a scenario's observed totals: which places a probe counts at, and the probe the
// Recorder keeps for an observed total. Written once here, for the run and for calibration's
// check that every observation is measurable.
#include <vector>

#include "observe/recorder.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::observe {

// Whether a place is one where a probe counts: of its place kind, booked if it asks, and among its
// places if it names any.
bool probe_matches(const scenario::ProbeDef& probe, const Place& place);
// The probe measuring an observed total: a counted record at places of a kind, in a window.
Probe make_probe(const std::vector<Place>& places, const scenario::ObservedDef& o);

}  // namespace expoflow::observe
