#pragma once
// What a replication hands back: the observed totals' probes and the headline indicators, read
// from the recorder's statistics at the end of the run.
#include "model/simulation.hpp"

namespace expoflow::model {

struct World;

// Whether a place is one where a probe counts: of its place kind, booked if it asks, and among its
// places if it names any.
bool probe_matches(const ProbeDef& probe, const Place& place);
// The probe measuring an observed total: a counted record at places of a kind, in a window.
Probe make_probe(const Simulation& sim, const ObservedDef& o);
// The replication's result: probes, indicators and run figures (takes the recorder).
ReplicationResult collect_result(World& w);

}  // namespace expoflow::model
