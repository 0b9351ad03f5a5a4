#include "model/security.hpp"

#include <cmath>
#include <limits>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

bool halls_closed(const World& w) { return std::fmod(w.now, kSecondsPerDay) >= w.s.halls.close_s; }

// Whoever the entrances will not admit (closed for the day) heads home without entering, counted
// as denied at the entrance.
void turn_away(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  walking::leave_area(w, pid, w.security.area_res[p.gate]);
  w.emit(RecordKind::denied, w.L.gates[p.gate].place, p.size);
  advance(w, pid, Stage::home);
}

// The wait a person joining gate g now expects: the persons queueing times the screening time,
// over the lanes open (kClosed if none is).
constexpr double kClosed = 1e7;
double expected_wait(const World& w, std::size_t g) {
  const Resource& r = w.res[w.security.gate_res[g]];
  const auto lanes = r.capacity();
  return lanes > 0 ? static_cast<double>(r.weight_waiting()) * w.L.gates[g].service_mean_s / static_cast<double>(lanes)
                   : kClosed;
}

// The wait a person joining gate g now can expect, as it sees the gate: none if a lane is free
// and nobody queues; otherwise its place in the queue (the persons queueing and itself) times the
// screening time, over the lanes. (For M/M/c this is the mean wait of an arrival that finds every
// lane busy and that queue.)
double wait_on_joining(const World& w, std::size_t g) {
  const Resource& r = w.res[w.security.gate_res[g]];
  if (r.available() > 0 && r.num_waiting() == 0) return 0;
  return static_cast<double>(r.weight_waiting() + 1) * w.L.gates[g].service_mean_s / static_cast<double>(r.capacity());
}

// The entrance a party heads for: the least walking time plus expected queueing time among
// open entrances other than `skip` (visitors see the queues and are directed by staff); a closed
// one only if every entrance is closed, and `skip` only if no other is reachable.
std::size_t choose_gate(const World& w, NodeId from, std::size_t skip) {
  const auto& gates = w.L.gates;
  const network::PathTable& paths = walking::paths(w);
  std::size_t best = skip < gates.size() ? skip : 0;
  double best_cost = std::numeric_limits<double>::infinity();
  for (std::size_t g = 0; g < gates.size(); ++g) {
    const double dist_m = paths.distance_m(from, gates[g].node);
    if (dist_m == network::kUnreachable || g == skip) continue;
    const double cost = dist_m / w.s.walk_speed_mean + expected_wait(w, g);
    if (cost < best_cost) {
      best_cost = cost;
      best = g;
    }
  }
  return best;
}

}  // namespace

namespace security {

void build(World& w) {
  for (auto& g : w.L.gates) {
    w.security.gate_res.push_back(w.add_resource(0, g.place));
    w.security.area_res.push_back(g.queue_capacity > 0 ? w.add_resource(static_cast<std::int64_t>(g.queue_capacity), g.place_area)
                                                       : walking::kNoArea);
  }
}

void schedule(World& w) {
  for (std::size_t g = 0; g < w.L.gates.size(); ++g) {
    set_lanes(w, g);
    for (int d = 0; d < w.s.days; ++d)
      for (auto& [t, v] : w.L.gates[g].lanes) w.cal.schedule(d * kSecondsPerDay + t, kLanes, static_cast<std::uint32_t>(g));
  }
}

void set_lanes(World& w, std::size_t g) {
  const double clock = std::fmod(w.now, kSecondsPerDay);
  std::int64_t lanes = 0;
  for (auto& [t, v] : w.L.gates[g].lanes)
    if (t <= clock) lanes = v;
  // Disruptions and the hall occupancy policy act on the lanes the schedule opens.
  double scale = disruptions::lane_scale(w, g);
  const int tier = halls::policy_tier(w);
  if (tier >= 1) scale *= w.s.policy.stagger_lane_share;
  if (tier >= 3) scale = 0;
  if (scale != 1) lanes = static_cast<std::int64_t>(std::llround(static_cast<double>(lanes) * scale));
  w.set_capacity(w.security.gate_res[g], lanes);
}

// At closing time the entrances stop admitting: whoever still queues is turned away.
void on_lanes(World& w, std::uint32_t g) {
  set_lanes(w, g);
  const std::uint32_t r = w.security.gate_res[g];
  if (w.res[r].capacity() == 0 && halls_closed(w)) w.withdraw_to(r, [&](std::uint32_t pid) { turn_away(w, pid); });
}

void redirect_queue(World& w, std::size_t g) {
  w.withdraw_to(w.security.gate_res[g], [&](std::uint32_t pid) {
    walking::leave_area(w, pid, w.security.area_res[g]);
    advance(w, pid, Stage::entrance);
  });
}

void head_for_entrance(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const std::size_t n = w.L.gates.size();
  const std::size_t g = w.s.gate_choice == GateChoice::uniform
                            ? std::min(n - 1, static_cast<std::size_t>(World::u(w.choice_rng, p, kDrawGate) * static_cast<double>(n)))
                            : choose_gate(w, p.node, p.gave_up > 0 ? p.gate : n);
  p.gate = static_cast<std::uint16_t>(g);
  walking::walk(w, pid, w.L.gates[g].node, Stage::security, w.security.area_res[g] != walking::kNoArea);
}

namespace {
void start_screening(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  walking::leave_area(w, pid, w.security.area_res[p.gate]);
  const double mean = w.L.gates[p.gate].service_mean_s;
  double hold = 0;
  for (std::uint32_t i = 0; i < p.size; ++i) hold += dist::exponential(mean, World::u(w.service_rng, p, kDrawService + i));
  w.hold(pid, hold);
}

}  // namespace

// The party gives up its entrance (it balked, or its patience ran out in the queue): it tries the
// best other entrance, or leaves without entering if the scenario says so.
void give_up(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  walking::leave_area(w, pid, w.security.area_res[p.gate]);
  if (w.s.patience[static_cast<std::size_t>(WaitKind::security)].then == GiveUp::leave) {
    advance(w, pid, Stage::home);
    return;
  }
  ++p.gave_up;
  advance(w, pid, Stage::entrance);
}

std::uint32_t gate_resource(const World& w, const Party& p) { return w.security.gate_res[p.gate]; }

std::uint32_t queue_area(const World& w, const Party& p) { return w.security.area_res[p.gate]; }

// A party with patience balks when the wait it expects is longer than its patience, and otherwise
// joins with its patience running. An entrance not open yet is waited for without patience
// (visitors arriving early know the opening time).
void begin(World& w, std::uint32_t pid) {
  if (!walking::enter_area(w, pid, queue_area(w, w.parties[pid]), Stage::security)) return;
  if (halls_closed(w)) {
    turn_away(w, pid);
    return;
  }
  const Party& p = w.parties[pid];
  const std::uint32_t r = w.security.gate_res[p.gate];
  const bool open = w.res[r].capacity() > 0;
  if (open && patience::balks(w, pid, r, WaitKind::security, wait_on_joining(w, p.gate))) {
    give_up(w, pid);
    return;
  }
  if (w.acquire(pid, r, 1)) start_screening(w, pid);
  else if (open) patience::start(w, pid, WaitKind::security);
}

void resume(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (p.phase == Phase::waiting) {
    start_screening(w, pid);
    return;
  }
  // Screened before opening: the party waits for space in the holding area, keeping its lane.
  if (halls::needs_holding(w, p)) advance(w, pid, Stage::holding);
  else pass(w, pid);
}

void pass(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  w.release(w.security.gate_res[p.gate], 1);
  w.emit(RecordKind::pass, w.L.gates[p.gate].place, p.size);
  walking::walk(w, pid, w.L.hall_node, Stage::hall);
}

}  // namespace security
}  // namespace expoflow::model
