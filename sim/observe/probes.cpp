#include "observe/probes.hpp"

#include <algorithm>

namespace expoflow::observe {

bool probe_matches(const scenario::ProbeDef& probe, const Place& place) {
  if (place.kind != probe.place_kind) return false;
  if (probe.booked_only && !place.booked) return false;
  return probe.places.empty() || std::find(probe.places.begin(), probe.places.end(), place.id) != probe.places.end();
}

Probe make_probe(const std::vector<Place>& places, const scenario::ObservedDef& o) {
  Probe pr;
  pr.kind = o.probe.record;
  pr.vehicles = o.probe.vehicles;
  pr.from = o.from_s;
  pr.to = o.to_s;
  pr.at_place.assign(places.size(), 0);
  for (std::size_t i = 0; i < places.size(); ++i) pr.at_place[i] = probe_matches(o.probe, places[i]);
  return pr;
}

}  // namespace expoflow::observe
