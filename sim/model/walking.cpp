#include "model/walking.hpp"

#include <algorithm>
#include <cmath>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

std::uint32_t storage_res(EdgeId e) { return 2 * e; }
std::uint32_t outlet_res(EdgeId e) { return 2 * e + 1; }

// A party's free walking speed (m/s), from its key.
float speed_of(const World& w, const Party& p) {
  if (p.background) return static_cast<float>(w.s.walk_speed_mean);
  return static_cast<float>(std::clamp(
      dist::normal(w.s.walk_speed_mean, w.s.walk_speed_sd, World::u(w.demand_rng, p, kDrawSpeed)), 0.5, 2.2));
}

// Weidmann's fundamental diagram: speed falls with density k = walkers / area (persons/m²) to
// zero at jam. The factor is a function of the walkway and its count of walkers, and the same
// counts recur on busy walkways, so recent values are kept in a small direct-mapped table.
double walkway_speed_factor(World& w, EdgeId e, std::uint32_t walkers, double area_m2) {
  const double k = static_cast<double>(walkers) / area_m2;
  if (k <= 0) return 1.0;
  const double x = 1.913 * (1.0 / k - 1.0 / w.s.jam_density);
  // exp(-x) < 2^-54 beyond x = 38: 1 - exp(-x) rounds to 1 exactly (most walkways, most of the time).
  if (x > 38) return 1.0;
  auto& m = w.walking.factor_memo[(static_cast<std::size_t>(walkers) * 64 + e) & (WalkingState::kFactorMemo - 1)];
  if (m.edge != e || m.walkers != walkers) m = {e, walkers, std::max(1.0 - std::exp(-x), 0.05)};
  return m.factor;
}

void next_edge(World& w, std::uint32_t pid);

// Walk by this table from now on (the open walkways', or one for the closures in force).
void use_paths(World& w, const network::PathTable* table) {
  WalkingState& W = w.walking;
  W.paths = table;
  auto [it, fresh] = W.route_slots.try_emplace(table);
  if (fresh) it->second.assign(table->num_nodes() * table->num_nodes(), 0);
  W.slots = &it->second;
}

// The current table's path from a to b, read off its tree the first time it is asked for; null
// when b cannot be reached from a.
const std::vector<EdgeId>* route(World& w, NodeId a, NodeId b) {
  WalkingState& W = w.walking;
  std::uint32_t& slot = (*W.slots)[static_cast<std::size_t>(a) * W.paths->num_nodes() + b];
  if (slot == 0) {
    auto p = W.paths->path(a, b);
    if (!p) return nullptr;
    W.routes.push_back(std::move(*p));
    slot = static_cast<std::uint32_t>(W.routes.size());
  }
  return &W.routes[slot - 1];
}

// Storage granted: walk the walkway's length at the speed its density allows.
void start_walk_body(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (p.on_platform) transit::leave_platform(w, p);
  const EdgeId e = (*p.path)[p.edge_i];
  const WalkwayLayout& wk = w.L.walkways[e];
  w.emit(RecordKind::enter, wk.place, p.size);
  // Speed follows the density of those walking; people already queueing at the outlet stand
  // at the far end and do not slow the walkers (they still take storage space).
  auto& walkers = w.walking.walkers[e];
  walkers += p.size;
  if (p.speed == 0) p.speed = speed_of(w, p);  // drawn on the party's first walkway
  double v = static_cast<double>(p.speed) * wk.speed_scale * walkway_speed_factor(w, e, walkers, wk.area_m2);
  v *= disruptions::walk_speed_scale(w, e);
  w.hold(pid, wk.length_m / v);
}

void pass_outlet(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const EdgeId e = (*p.path)[p.edge_i];
  const WalkwayLayout& wk = w.L.walkways[e];
  w.emit(RecordKind::leave, wk.place, p.size);
  w.emit(RecordKind::pass, wk.place, p.size);
  // The last walkway's place is kept by a party that must find space in a queueing area ahead.
  if (!(p.kept_storage && static_cast<std::size_t>(p.edge_i) + 1 == p.path->size())) w.release(storage_res(e), p.size);
  p.node = narrow<std::uint16_t>(w.g.edge(e).to);
  ++p.edge_i;
  next_edge(w, pid);
}

// A walkway's outlet passes one party at a time: a party that finds it free passes at once and
// then occupies it for size / outlet_rate (the headway that limits the flow to width x maximum
// flow); one that finds it occupied queues, keeping its storage, and passes when its turn comes.
// The outlet is a one-unit Resource booked on arrival, since each hold is known then: a walk
// costs one event per walkway when the outlet is free, and two when the party has to queue.
void reach_outlet(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const EdgeId e = (*p.path)[p.edge_i];
  w.walking.walkers[e] -= p.size;
  const std::uint32_t o = outlet_res(e);
  const Time pass = w.res[o].book(pid, w.now, p.size / w.L.walkways[e].outlet_rate, p.size);
  if (pass == w.now) {
    w.emit_for(RecordKind::served, o, p, static_cast<double>(p.carried_wait));
    pass_outlet(w, pid);
  } else {
    p.phase = Phase::at_outlet;
    w.emit_for(RecordKind::queue_join, o, p);
    w.cal.schedule(pass, kParty, pid);
  }
}

void outlet_turn(World& w, std::uint32_t pid) {
  const std::uint32_t o = outlet_res((*w.parties[pid].path)[w.parties[pid].edge_i]);
  const Request q = w.res[o].take_booked();
  w.emit_for(RecordKind::queue_leave, o, q.weight);
  // One `served` per traversal, its wait that for the storage (spill-back) and for the outlet.
  w.emit_for(RecordKind::served, o, q.weight, w.now - q.since + static_cast<double>(w.parties[pid].carried_wait));
  pass_outlet(w, pid);
}

void next_edge(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (p.path == nullptr || p.edge_i >= p.path->size()) {
    if (p.on_platform) transit::leave_platform(w, p);
    if (p.edge_i == 0) p.kept_storage = false;  // walked no walkway: nothing kept
    p.node = p.dest;
    advance(w, pid, p.after);
    return;
  }
  // A walkway closed since the party set out: take the best open way from here (none: it walks on
  // through the closure, already past the last junction that avoids it; validation makes sure
  // that every place parties are routed to stays reachable while walkways are closed).
  if (w.walking.closed[(*p.path)[p.edge_i]] > 0) {
    if (const auto* np = route(w, p.node, p.dest); np && p.node != p.dest) {
      p.path = np;
      p.edge_i = 0;
    }
  }
  if (w.acquire(pid, storage_res((*p.path)[p.edge_i]), p.size)) start_walk_body(w, pid);
}

}  // namespace

namespace walking {

void build(World& w) {
  // The storage's grant is the start of a traversal, not its service: the traversal is served
  // once, at the outlet, with the storage's wait carried there.
  for (auto& wk : w.L.walkways) {
    w.add_resource(static_cast<std::int64_t>(wk.storage), wk.place, false, true);
    w.add_resource(1, wk.place);
  }
  w.walking.walkers.assign(w.L.walkways.size(), 0);
  w.walking.closed.assign(w.g.num_edges(), 0);
  use_paths(w, &w.g.open_paths());
}

void walk(World& w, std::uint32_t pid, NodeId dest, Stage after, bool keep_storage) {
  Party& p = w.parties[pid];
  release_kept(w, pid);
  p.kept_storage = keep_storage;
  p.dest = narrow<std::uint16_t>(dest);
  p.after = after;
  p.stage = Stage::walk;
  p.edge_i = 0;
  p.path = route(w, p.node, dest);
  EXPOFLOW_CHECK(p.path != nullptr, "walk to an unreachable node");
  next_edge(w, pid);
}

void resume(World& w, std::uint32_t pid) {
  switch (w.parties[pid].phase) {
    case Phase::waiting: start_walk_body(w, pid); break;  // storage granted after a wait (spill-back queue)
    case Phase::holding: reach_outlet(w, pid); break;     // reached the end: the outlet limits the flow
    case Phase::at_outlet: outlet_turn(w, pid); break;    // its turn at the outlet
  }
}

const network::PathTable& paths(const World& w) { return *w.walking.paths; }

void release_kept(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (!p.kept_storage) return;
  p.kept_storage = false;
  w.release(storage_res((*p.path)[p.edge_i - 1]), p.size);
}

bool enter_area(World& w, std::uint32_t pid, std::uint32_t area, Stage next) {
  Party& p = w.parties[pid];
  if (area == kNoArea) {
    release_kept(w, pid);
    return true;
  }
  if (p.in_queue_area) return true;  // in it already (back from the holding area)
  p.in_queue_area = true;
  p.after = next;
  p.stage = Stage::queue_area;
  if (!w.acquire(pid, area, p.size)) return false;  // stands on its walkway meanwhile
  p.stage = next;
  w.emit(RecordKind::enter, w.res_place[area], p.size);
  release_kept(w, pid);
  return true;
}

void area_granted(World& w, std::uint32_t pid, std::uint32_t area) {
  Party& p = w.parties[pid];
  w.emit(RecordKind::enter, w.res_place[area], p.size);
  release_kept(w, pid);
  advance(w, pid, p.after);
}

void leave_area(World& w, std::uint32_t pid, std::uint32_t area) {
  Party& p = w.parties[pid];
  if (area == kNoArea || !p.in_queue_area) return;
  p.in_queue_area = false;
  w.emit(RecordKind::leave, w.res_place[area], p.size);
  w.release(area, p.size);
}

void close_edges(World& w, const std::vector<EdgeId>& edges, int delta) {
  for (EdgeId e : edges) w.walking.closed[e] += delta;
}

void refresh_paths(World& w) {
  WalkingState& W = w.walking;
  std::vector<char> closed(W.closed.size());
  bool any = false;
  for (std::size_t e = 0; e < W.closed.size(); ++e) {
    closed[e] = W.closed[e] > 0;
    any = any || closed[e];
  }
  if (!any) {
    use_paths(w, &w.g.open_paths());
    return;
  }
  auto it = W.path_cache.find(closed);
  if (it == W.path_cache.end())
    it = W.path_cache.emplace(closed, std::make_unique<network::PathTable>(w.g.paths_without(closed))).first;
  use_paths(w, it->second.get());
}

}  // namespace walking
}  // namespace expoflow::model
