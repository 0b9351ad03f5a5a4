#include "model/world.hpp"

#include "observe/probes.hpp"

namespace expoflow::model {

World::World(const Simulation& sim_, std::uint64_t seed, std::uint32_t rep, RecordObserver* extra_)
    : sim(sim_), s(sim_.scenario()), L(sim_.layout()), g(sim_.graph()),
      rec(std::make_unique<Recorder>(sim_.places(), L.num_bins, s.bin_s)), extra(extra_),
      demand_rng(seed, "demand", rep), service_rng(seed, "service", rep), choice_rng(seed, "choice", rep),
      supply_rng(seed, "supply", rep), background_rng(seed, "background", rep) {
  // Resources in a fixed order: walkways first, so that edge e's storage is resource 2e and its
  // outlet 2e + 1.
  walking::build(*this);
  security::build(*this);
  transit::build(*this);
  taxi::build(*this);
  parking::build(*this);
  halls::build(*this);
  disruptions::build(*this);
  choice::build(*this);  // last: it keeps a value by resource
  for (const ObservedDef& o : s.observed) rec->add_probe(make_probe(sim.places(), o));
}

#if defined(EXPOFLOW_CHECKS)
// Debug and test builds check, record by record, that nothing is lost or overfilled: persons (or
// vehicles) present and queueing at every place never negative, no vehicle above its
// capacity, no walkway, lot, bay or cab rank above its capacity. Platforms and halls may hold
// more than their nominal capacity (riders alight regardless; the halls' limit is a policy).
void World::check_invariants(const Record& r) {
  if (inv_present.empty()) {
    inv_present.assign(sim.places().size(), 0.0);
    inv_queue.assign(sim.places().size(), 0.0);
  }
  const Place& pl = sim.places()[r.place];
  const double units = r.persons + r.vehicles;
  switch (r.kind) {
    case RecordKind::enter:
      inv_present[r.place] += units;
      if (pl.capacity > 0 && pl.kind != PlaceKind::platform && pl.kind != PlaceKind::hall && pl.kind != PlaceKind::metro &&
          pl.kind != PlaceKind::bus && pl.kind != PlaceKind::shuttle)
        EXPOFLOW_CHECK(inv_present[r.place] <= pl.capacity + 1e-9, pl.id.c_str());
      break;
    case RecordKind::leave:
      inv_present[r.place] -= units;
      EXPOFLOW_CHECK(inv_present[r.place] >= -1e-9, pl.id.c_str());
      break;
    case RecordKind::queue_join: inv_queue[r.place] += units; break;
    case RecordKind::queue_leave:
      inv_queue[r.place] -= units;
      EXPOFLOW_CHECK(inv_queue[r.place] >= -1e-9, pl.id.c_str());
      break;
    case RecordKind::depart:
      EXPOFLOW_CHECK(r.value <= 0 || r.persons <= r.value + 1e-9, pl.id.c_str());
      break;
    default: break;
  }
}
#endif

}  // namespace expoflow::model
