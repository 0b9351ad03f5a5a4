// One replication of the expo model: the event loop and the two dispatch switches.
//
// An event due runs its component's handler (switch on the event kind); a party's event resumes it
// at its stage (switch on the stage); a party handed on begins its next stage (advance, switch on
// the stage). Everything else lives in the components' files (world.hpp lists them).
#include <atomic>

#include "model/world.hpp"
#include "observe/probes.hpp"

namespace expoflow::model {

namespace {

// A party's event is due: resume it where it is.
void resume(World& w, std::uint32_t pid) {
  switch (w.parties[pid].stage) {
    case Stage::walk: walking::resume(w, pid); break;
    case Stage::security: security::resume(w, pid); break;
    case Stage::fare_out:
    case Stage::fare_in: transit::resume_fare_gate(w, pid); break;
    case Stage::platform: transit::platform_granted(w, pid); break;
    case Stage::ride: transit::alight(w, pid); break;
    case Stage::taxi_bay: taxi::resume_bay(w, pid); break;
    case Stage::drop_bay:
    case Stage::pickup_bay: parking::resume_bay(w, pid); break;
    case Stage::lot_space: parking::space_granted(w, pid); break;
    case Stage::pickup_wait: parking::pickup_arrived(w, pid); break;
    case Stage::ride_out: parking::leave(w, pid); break;  // the lot shuttle has brought it back
    case Stage::hall: halls::resume(w, pid); break;
    case Stage::holding: halls::resume_holding(w, pid); break;
    case Stage::alight: transit::step_onto_platform(w, pid); break;
    case Stage::queue_area: {  // space in the queueing area of the line it waits to join
      const Party& p = w.parties[pid];
      walking::area_granted(w, pid, p.after == Stage::security ? security::queue_area(w, p) : transit::queue_area(w, p, p.after));
      break;
    }
    default: EXPOFLOW_CHECK(false, "party resumed in a stage without events");
  }
}

std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);

// Parties are touched in time order, not memory order: the next event's party is most likely not
// in cache. It is loaded ahead: the next event's, and the one kPrefetchAhead places on in the
// calendar's sorted run (a miss to memory takes longer than one event); when a new bucket has just
// become the run, its first ones too.
constexpr std::size_t kPrefetchAhead = 4;

void prefetch_ahead(World& w) {
  if (Event next; w.cal.peek_near(&next) && next.kind == kParty) w.prefetch_party(next.target);
  std::size_t from = kPrefetchAhead;
  if (w.cal.num_runs() != w.runs_seen) {
    w.runs_seen = w.cal.num_runs();
    from = 1;
  }
  for (std::size_t k = from; k <= kPrefetchAhead; ++k)
    if (Event ahead; w.cal.peek_ahead(k, &ahead) && ahead.kind == kParty) w.prefetch_party(ahead.target);
}

}  // namespace

void advance(World& w, std::uint32_t pid, Stage st) {
  w.parties[pid].stage = st;
  switch (st) {
    case Stage::up_wait: transit::wait_upstream(w, pid); break;
    case Stage::fare_in:
    case Stage::fare_out: transit::begin_fare_gate(w, pid); break;
    case Stage::platform: transit::begin_platform(w, pid); break;
    case Stage::board: transit::begin_board(w, pid); break;
    case Stage::entrance: security::head_for_entrance(w, pid); break;
    case Stage::security: security::begin(w, pid); break;
    case Stage::holding: halls::begin_holding(w, pid); break;
    case Stage::hall: halls::begin(w, pid); break;
    case Stage::taxi: taxi::begin(w, pid); break;
    case Stage::lot_space: parking::arrive(w, pid); break;
    case Stage::drop_bay:
    case Stage::pickup_bay: parking::begin_bay(w, pid); break;
    case Stage::pickup_wait: parking::begin_pickup_wait(w, pid); break;
    case Stage::lot_leave: parking::leave(w, pid); break;
    case Stage::home: replan::head_home(w, pid); break;
    case Stage::done: w.finish(pid); break;
    default: EXPOFLOW_CHECK(false, "stage cannot be begun");
  }
}

void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

void start_run(World& w) {
  demand::generate(w);
  // Supply, in a fixed order (events at the same instant run in the order scheduled).
  security::schedule(w);
  transit::schedule(w);
  disruptions::schedule(w);
  taxi::schedule(w);
  halls::schedule(w);
}

bool step(World& w) {
  if (w.cal.empty() || w.cal.next_time() > w.s.horizon_s) return false;
  if ((w.cal.num_processed() & 0xffff) == 0 && stop_requested()) throw Interrupted{};
  const Event e = w.cal.pop();
  w.now = e.time;
  prefetch_ahead(w);
  switch (e.kind) {
    case kArrival: demand::on_arrival(w); break;
    case kParty: resume(w, e.target); break;
    case kTripUp: transit::on_trip_upstream(w, e.target); break;
    case kTripArrive: transit::on_trip_arrive(w, e.target); break;
    case kCab: taxi::on_cab(w, e.target); break;
    case kLanes: security::on_lanes(w, e.target); break;
    case kStandClose: taxi::on_close(w, e.target); break;
    case kEventStart: disruptions::on_event(w, e.target, true); break;
    case kEventEnd: disruptions::on_event(w, e.target, false); break;
    case kExitDirection: disruptions::on_exit_direction(w, e.target); break;
    case kHallsOpen: halls::on_open(w); break;
    case kHallsClose: halls::on_close(w); break;
    case kPatience: patience::on_expire(w, e.target); break;
    default: EXPOFLOW_CHECK(false, "unknown event kind");
  }
  return true;
}

ReplicationResult Simulation::run(std::uint64_t seed, std::uint32_t replication,
                                  RecordObserver* extra_observer, const RunLimits& limits) const {
  World w(*this, seed, replication, extra_observer);
  start_run(w);
  bool capped = false;
  while (step(w))
    if (limits.max_events != 0 && w.cal.num_processed() >= limits.max_events) {
      capped = !w.cal.empty() && w.cal.next_time() <= w.s.horizon_s;
      break;
    }
  w.now = w.s.horizon_s;
  w.rec->close(w.s.horizon_s);
  ReplicationResult out;
  out.seed = seed;
  out.replication = replication;
  for (const Probe& p : w.rec->probes()) out.observed.push_back(probe_value(p));
  out.kpis = compute_kpis(*w.rec, kpi_places_, scopes_);
  out.events = w.cal.num_processed();
  out.peak_pending = w.cal.peak_size();
  out.num_parties = w.parties.size();
  out.persons_generated = w.persons_generated;
  out.persons_left_inside = w.persons_live;
  out.capped = capped;
  out.recorder = std::move(w.rec);
  return out;
}

}  // namespace expoflow::model
