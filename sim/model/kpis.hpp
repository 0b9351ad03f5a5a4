#pragma once
// What a replication hands back: the observed totals' probes and the headline indicators, read
// from the recorder's statistics at the end of the run.
#include "model/simulation.hpp"

namespace expoflow::model {

struct World;

// The replication's result: probes, indicators and run figures (takes the recorder).
ReplicationResult collect_result(World& w);

}  // namespace expoflow::model
