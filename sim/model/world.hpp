#pragma once
// The run state of one replication, shared by every component, and the few verbs they all use.
//
// The model is a set of components (demand, security, transit, taxi, parking, halls, walking,
// disruptions, re-planning), each a file of plain data (its state struct, held here) and free
// functions over a World. A component hands a party on only with advance(); it calls another
// component only through the functions that component's header declares, never into its state.
// run.cpp holds the event loop and the two dispatch switches (an event due, a stage begun).
//
// Why not a class per component with virtual handlers: a replication runs some ten million events,
// and a plain switch over an enum keeps each one a direct call the compiler can inline (the model
// library is built as one unit for that reason; see sim/CMakeLists.txt).
#include <cstdint>
#include <memory>
#include <vector>

#include "kernel/calendar.hpp"
#include "kernel/random.hpp"
#include "kernel/resource.hpp"
#include "model/choice.hpp"
#include "model/demand.hpp"
#include "model/disruptions.hpp"
#include "model/halls.hpp"
#include "model/layout.hpp"
#include "model/parking.hpp"
#include "model/party.hpp"
#include "model/patience.hpp"
#include "model/replan.hpp"
#include "model/security.hpp"
#include "model/taxi.hpp"
#include "model/transit.hpp"
#include "model/walking.hpp"

namespace expoflow::model {

// What an event in the calendar does; its target says to whom (a party, a direction, a gate ...).
enum CalendarEvent : std::uint32_t {
  kArrival,        // the next party of the demand list sets off (target unused)
  kParty,          // a party resumes at its stage (target: party)
  kTripUp,         // a trip leaves the upstream boarding point (target: direction)
  kTripArrive,     // a trip reaches the site stop (target: direction)
  kCab,            // a cab reaches the stand (target: stand)
  kLanes,          // an entrance's lane schedule steps (target: gate)
  kStandClose,     // a taxi stand closes for the day (target: stand)
  kEventStart,     // a scenario event comes into force (target: event)
  kEventEnd,       // ... and ends
  kExitDirection,  // exit direction control switches (target: 3 x walkway + phase)
  kHallsOpen,      // the halls open for the day: the holding area empties (target unused)
  kHallsClose,     // the halls close for the day: the holding area takes its limit again
  kPatience,       // a waiting party's patience runs out (target: party; stale if it was served)
};

struct World {
  World(const Simulation& sim, std::uint64_t seed, std::uint32_t rep, RecordObserver* extra);

  // ---- what the run reads ------------------------------------------------------------------
  const Simulation& sim;
  const Scenario& s;
  const Simulation::Layout& L;
  const network::SiteGraph& g;

  // ---- shared state ------------------------------------------------------------------------
  std::unique_ptr<Recorder> rec;
  RecordObserver* extra;
  RandomStream demand_rng, service_rng, choice_rng, supply_rng, background_rng;
  Calendar cal;
  Time now = 0;
  std::uint64_t runs_seen = 0;  // the calendar's sorted runs seen (prefetching, run.cpp)
  std::vector<Party> parties;
  std::vector<std::uint32_t> free_slots;  // party slots free for reuse
  double persons_generated = 0, persons_live = 0;
  std::vector<Resource> res;
  std::vector<std::uint32_t> res_place;  // the place each resource records at
  std::vector<char> res_vehicles;        // resources whose queue is of vehicles
  // Resources whose grant is not a service counted at their place, but a step before one: a
  // walkway's storage, whose traversal is served once, at its outlet. Their grant records no
  // `served`; a wait for them is carried by the party (Party::carried_wait) to that service.
  std::vector<char> res_carries_wait;

  // ---- the components' own state -------------------------------------------------------------
  DemandState demand;
  SecurityState security;
  TransitState transit;
  TaxiState taxi;
  ParkingState parking;
  HallState halls;
  WalkingState walking;
  DisruptionState disruptions;
  ReplanState replan;
  ChoiceState choice;

  // ---- verbs ---------------------------------------------------------------------------------
  std::uint32_t add_resource(std::int64_t capacity, std::uint32_t place, bool vehicles = false,
                             bool carries_wait = false) {
    res.emplace_back(capacity);
    res_place.push_back(place);
    res_vehicles.push_back(vehicles);
    res_carries_wait.push_back(carries_wait);
    return static_cast<std::uint32_t>(res.size() - 1);
  }

  [[gnu::always_inline]] void emit(RecordKind kind, std::uint32_t place, std::uint32_t persons,
                                   std::uint32_t vehicles = 0, double value = 0) {
    const Record r{now, place, persons, vehicles, kind, value};
    rec->record(r);
    if (extra) extra->on_record(r);
#if defined(EXPOFLOW_CHECKS)
    check_invariants(r);
#endif
  }

  // A record about party p at resource r: in persons, or as one vehicle where vehicles queue
  // (car-park spaces, drop-off and taxi bays).
  [[gnu::always_inline]] void emit_for(RecordKind kind, std::uint32_t r, const Party& p, double value = 0) {
    emit_for(kind, r, p.size, value);
  }
  [[gnu::always_inline]] void emit_for(RecordKind kind, std::uint32_t r, std::uint32_t persons, double value = 0) {
    if (res_vehicles[r]) emit(kind, res_place[r], 0, 1, value);
    else emit(kind, res_place[r], persons, 0, value);
  }

  // Ask resource r for `units` on behalf of a party. True: granted now (the caller starts the
  // service). False: the party waits; a kParty event resumes it when granted.
  bool acquire(std::uint32_t pid, std::uint32_t r, std::uint32_t units) {
    Party& p = parties[pid];
    p.phase = Phase::waiting;
    if (res[r].request(pid, units, now, p.size)) {
      if (res_carries_wait[r]) p.carried_wait = 0;
      else emit_for(RecordKind::served, r, p, 0.0);
      return true;
    }
    emit_for(RecordKind::queue_join, r, p);
    return false;
  }

  // The party itself is not read here (it has waited, so it is out of cache): its event, due
  // now, resumes it, and the prefetch has it loaded by then. Only a wait it carries on (a
  // walkway's storage, spilled back) is written to it.
  void on_granted(std::uint32_t r, const Request& q) {
    prefetch_party(q.id);
    emit_for(RecordKind::queue_leave, r, q.weight);
    if (res_carries_wait[r]) parties[q.id].carried_wait = static_cast<float>(now - q.since);
    else emit_for(RecordKind::served, r, q.weight, now - q.since);
    cal.schedule(now, kParty, q.id);
  }
  auto grant_to(std::uint32_t r) {
    return [this, r](const Request& q) { on_granted(r, q); };
  }

  void release(std::uint32_t r, std::uint32_t units) { res[r].release(units, grant_to(r)); }
  void set_capacity(std::uint32_t r, std::int64_t capacity) { res[r].set_capacity(capacity, grant_to(r)); }

  // Join a waiting line that vehicles serve with offer(): never granted at once.
  // `units`: places the party needs (its size on a vehicle, one cab at a taxi stand).
  void wait_for_vehicle(std::uint32_t pid, std::uint32_t r, std::uint32_t units) {
    const Party& p = parties[pid];
    res[r].wait(pid, units, now, p.size);
    emit(RecordKind::queue_join, res_place[r], p.size);
  }
  // A request of such a line taken by a vehicle (or cab).
  void left_waiting_line(std::uint32_t r, const Request& q) {
    emit(RecordKind::queue_leave, res_place[r], q.weight);
    emit(RecordKind::served, res_place[r], q.weight, 0, now - q.since);
  }

  // Remove everyone waiting on r (an entrance closing, a line suspended, the last bus gone) and
  // hand each party to `then`, oldest first, once all have left the line.
  template <class Then>
  void withdraw_to(std::uint32_t r, Then&& then) {
    std::vector<std::uint32_t> ids;
    res[r].withdraw_all([&](const Request& q) {
      emit_for(RecordKind::queue_leave, r, q.weight);
      ids.push_back(q.id);
    });
    for (std::uint32_t pid : ids) then(pid);
  }

  // The party holds what it got for `seconds` (or until `t`), then resumes at its stage.
  void hold(std::uint32_t pid, Time seconds) { hold_until(pid, now + seconds); }
  void hold_until(std::uint32_t pid, Time t) {
    parties[pid].phase = Phase::holding;
    cal.schedule(t, kParty, pid);
  }

  // Both ends of the record: at 48 bytes, half the parties straddle two cache lines.
  void prefetch_party(std::uint32_t pid) const {
    const char* p = reinterpret_cast<const char*>(&parties[pid]);
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(Party) - 1);
  }

  // Parties live in slots that are reused once a party has left: memory follows the number of
  // parties present, not the number over the whole run.
  std::uint32_t new_party(const Party& p) {
    persons_live += p.size;
    if (!free_slots.empty()) {
      const std::uint32_t pid = free_slots.back();
      free_slots.pop_back();
      parties[pid] = p;
      return pid;
    }
    parties.push_back(p);
    return static_cast<std::uint32_t>(parties.size() - 1);
  }

  // The party has left the model: its slot is free for a later party.
  [[gnu::always_inline]] void finish(std::uint32_t pid) {
    Party& p = parties[pid];
    p.stage = Stage::done;
    persons_live -= p.size;
    free_slots.push_back(pid);
  }

  // A party's keyed draw.
  [[gnu::always_inline]] static double u(const RandomStream& st, const Party& p, std::uint64_t draw) {
    return st.uniform(p.key, draw);
  }

#if defined(EXPOFLOW_CHECKS)
  void check_invariants(const Record& r);
  std::vector<double> inv_present, inv_queue;
#endif
};

// Generate the demand and schedule the supply: the run is ready to step.
void start_run(World& w);
// Run the next event due by the horizon; false when there is none.
bool step(World& w);

// Start stage `st` for the party at its current node: the component owning the stage takes it
// over. The one way a component hands a party on (run.cpp).
void advance(World& w, std::uint32_t pid, Stage st);

}  // namespace expoflow::model
