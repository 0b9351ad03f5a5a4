#include "model/disruptions.hpp"

#include "model/world.hpp"

namespace expoflow::model {

namespace {

// Whether an event names this id: its own, or "*" for all of a kind.
bool names(const EventDef& ev, const std::string& id) { return ev.target == "*" || ev.target == id; }

// What event `ev` acts on, by index in the domain of its kind.
std::vector<char> resolve_hits(const World& w, const EventDef& ev) {
  std::vector<char> out;
  auto by_id = [&](const auto& defs) {
    for (const auto& d : defs) out.push_back(names(ev, d.id));
  };
  switch (ev.kind) {
    case EventKind::lanes:
    case EventKind::close_gate: by_id(w.s.gates); break;
    case EventKind::cab_supply: by_id(w.s.taxi_stands); break;
    case EventKind::walk_speed: by_id(w.s.walkways); break;
    case EventKind::suspend_line:
      // A line ("line2") or one direction of it ("line2.westbound").
      for (std::size_t dir = 0; dir < w.L.directions.size(); ++dir) {
        const TransitLineDef& line = w.s.lines[w.L.directions[dir].line];
        out.push_back(ev.target == line.id || ev.target == line.id + "." + line.directions[w.L.dir_index[dir]].id);
      }
      break;
    default: break;  // close_walkway and extra_trains name one walkway or direction, read where used
  }
  return out;
}

// Edges of a walkway: forward (from -> to), backward, or both.
std::vector<EdgeId> walkway_edges(const World& w, const std::string& id, WalkDirection direction) {
  std::vector<EdgeId> out;
  for (std::size_t k = 0; k < w.s.walkways.size(); ++k) {
    if (w.s.walkways[k].id != id) continue;
    for (EdgeId e = 0; e < w.g.num_edges(); ++e) {
      const auto& info = w.g.edge(e);
      if (info.walkway != k) continue;
      const bool forward = w.g.node_id(info.from) == w.s.walkways[k].from;
      if (direction == WalkDirection::both || (direction == WalkDirection::forward) == forward) out.push_back(e);
    }
  }
  return out;
}

// Which directions' lines are suspended now. (Read on every set-off and every trip: kept per
// direction, updated when a suspension starts or ends.)
void update_suspended(World& w) {
  DisruptionState& D = w.disruptions;
  for (std::size_t dir = 0; dir < w.L.directions.size(); ++dir) {
    D.suspended[dir] = 0;
    for (std::size_t i = 0; i < w.s.events.size(); ++i)
      if (D.active[i] && w.s.events[i].kind == EventKind::suspend_line && D.hits[i][dir]) D.suspended[dir] = 1;
  }
}

}  // namespace

namespace disruptions {

void build(World& w) {
  w.disruptions.active.assign(w.s.events.size(), 0);
  w.disruptions.suspended.assign(w.L.directions.size(), 0);
  for (auto& ev : w.s.events) {
    w.disruptions.hits.push_back(resolve_hits(w, ev));
    w.disruptions.any_walk_speed = w.disruptions.any_walk_speed || ev.kind == EventKind::walk_speed;
  }
}

void schedule(World& w) {
  for (std::size_t i = 0; i < w.s.events.size(); ++i) {
    w.cal.schedule(w.s.events[i].from_s, kEventStart, static_cast<std::uint32_t>(i));
    w.cal.schedule(w.s.events[i].to_s, kEventEnd, static_cast<std::uint32_t>(i));
  }
  // Exit direction control: three switches a day per walkway (morning, reversal, end).
  const auto& xd = w.s.policy.exit_direction;
  for (int d = 0; d < w.s.days; ++d)
    for (std::size_t i = 0; i < xd.size(); ++i) {
      const Time base = d * kSecondsPerDay;
      w.cal.schedule(base + xd[i].from_s, kExitDirection, static_cast<std::uint32_t>(3 * i));
      w.cal.schedule(base + xd[i].switch_s, kExitDirection, static_cast<std::uint32_t>(3 * i + 1));
      w.cal.schedule(base + xd[i].to_s, kExitDirection, static_cast<std::uint32_t>(3 * i + 2));
    }
}

bool suspended(const World& w, std::size_t dir) { return w.disruptions.suspended[dir] != 0; }

bool hits(const World& w, std::size_t event, std::size_t index) { return w.disruptions.hits[event][index] != 0; }

// cab_supply, walk_speed and extra_trains act where rates, speeds and timetables are read.
void on_event(World& w, std::uint32_t i, bool start) {
  const EventDef& ev = w.s.events[i];
  w.disruptions.active[i] = start;
  if (ev.kind == EventKind::suspend_line) update_suspended(w);
  w.emit(start ? RecordKind::activate : RecordKind::leave, w.L.place_events[i], 1);
  if (start) w.emit(RecordKind::enter, w.L.place_events[i], 1);
  if (ev.kind == EventKind::suspend_line && start) {
    // Riders waiting for a suspended line re-plan: those still upstream choose another way to
    // the site, those at the site stop or platform another way home.
    for (std::size_t d = 0; d < w.L.directions.size(); ++d)
      if (suspended(w, d)) transit::send_back_waiting(w, d);
  } else if (ev.kind == EventKind::close_gate || ev.kind == EventKind::lanes) {
    for (std::size_t g = 0; g < w.L.gates.size(); ++g)
      if (hits(w, i, g)) {
        security::set_lanes(w, g);
        if (ev.kind == EventKind::close_gate && start) security::redirect_queue(w, g);
      }
  } else if (ev.kind == EventKind::close_walkway) {
    walking::close_edges(w, walkway_edges(w, ev.target, ev.direction), start ? 1 : -1);
    walking::refresh_paths(w);
  }
}

// Morning: the other direction closes. Afternoon: reversed. End of day: both open.
void on_exit_direction(World& w, std::uint32_t code) {
  const auto& x = w.s.policy.exit_direction[code / 3];
  const WalkDirection other = x.morning == WalkDirection::forward ? WalkDirection::backward : WalkDirection::forward;
  const std::uint32_t phase = code % 3;
  if (phase == 0) {
    walking::close_edges(w, walkway_edges(w, x.walkway, other), 1);
  } else if (phase == 1) {
    walking::close_edges(w, walkway_edges(w, x.walkway, other), -1);
    walking::close_edges(w, walkway_edges(w, x.walkway, x.morning), 1);
  } else {
    walking::close_edges(w, walkway_edges(w, x.walkway, x.morning), -1);
  }
  w.emit(phase == 2 ? RecordKind::leave : RecordKind::activate, w.L.place_exit_policy, 1);
  if (phase == 0) w.emit(RecordKind::enter, w.L.place_exit_policy, 1);
  walking::refresh_paths(w);
}

double lane_scale(const World& w, std::size_t gate) {
  double scale = 1;
  for (std::size_t i = 0; i < w.s.events.size(); ++i) {
    const EventDef& ev = w.s.events[i];
    if (!w.disruptions.active[i] || !hits(w, i, gate)) continue;
    if (ev.kind == EventKind::lanes) scale *= ev.scale;
    if (ev.kind == EventKind::close_gate) scale = 0;
  }
  return scale;
}

double walk_speed_scale(const World& w, EdgeId e) {
  double scale = 1;
  if (!w.disruptions.any_walk_speed) return scale;  // most scenarios: no walk_speed event to look for
  for (std::size_t i = 0; i < w.s.events.size(); ++i)
    if (w.disruptions.active[i] && w.s.events[i].kind == EventKind::walk_speed && hits(w, i, w.g.edge(e).walkway))
      scale *= w.s.events[i].scale;
  return scale;
}

}  // namespace disruptions
}  // namespace expoflow::model
