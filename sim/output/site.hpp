// site.json: the places of a scenario that stand on its site plan, with where each is drawn (the
// map of `expoflow view`).
#pragma once

#include <string>
#include <vector>

#include "model/simulation.hpp"

namespace expoflow::output {

// {"scenario", "title", "start_date" (day 1, "YYYY-MM-DD"; only if the scenario gives it), "days",
//  "bin_s", "horizon_s", "positioned": bool, "fruin": {walkway, queue}, "nodes": [{id, kind, x, y}],
//  "places": [{id, kind, capacity, area_m2, node, x, y} and, for a walkway's direction, "to",
//  "x2", "y2", "width_m"]}. A place is drawn at its node: a gate and its queue area at the gate's
// node, a line's fare gates and their queue areas at its concourse, its platform and stops at its
// site node, the halls' places at the halls' node, a taxi stand's and a lot's at theirs; a walkway's
// direction is a line from its start to its end. Places off the plan (upstream stations, events,
// policies, arrivals, replans, whole lines) are left out. Without node positions ("positioned":
// false) no place has x, y.
std::string site_json(const model::Simulation& sim);

}  // namespace expoflow::output
