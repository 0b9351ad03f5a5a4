#include "model/halls.hpp"

#include <algorithm>
#include <cmath>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

// Hall occupancy tiers: 1 staggered entry, 2 queueing inside, 3 exit only. Each lifts below
// reopen_share x its threshold.
int next_tier(const World& w, double on_site) {
  const PolicyDef& pd = w.s.policy;
  const double occ = w.halls.occupancy;
  int tier = w.halls.tier;
  auto up = [&](int t, double level, double threshold) {
    if (tier < t && level >= threshold) tier = t;
  };
  up(1, occ, pd.staggered_entry);
  up(2, occ, pd.queue_inside);
  up(3, on_site, pd.exit_only);
  if (tier == 3 && on_site < pd.reopen_share * pd.exit_only) tier = 2;
  if (tier == 2 && occ < pd.reopen_share * pd.queue_inside) tier = 1;
  if (tier == 1 && occ < pd.reopen_share * pd.staggered_entry) tier = 0;
  return tier;
}

// The halls' occupancy changes by `delta`; the policy follows.
void occupancy_change(World& w, double delta) {
  HallState& H = w.halls;
  H.occupancy += delta;
  if (!w.s.policy.hall_occupancy) return;
  const PolicyDef& pd = w.s.policy;
  Resource& admission = w.res[H.hall_res];
  const std::uint64_t held = admission.weight_waiting();
  const int tier = next_tier(w, H.occupancy + static_cast<double>(held));
  if (tier == H.tier) {
    if (tier < 2 && held == 0 && admission.capacity() != Resource::kUnlimited) w.set_capacity(H.hall_res, Resource::kUnlimited);
    return;
  }
  for (int t = 1; t <= 3; ++t) {
    const std::uint32_t place = w.L.place_hall_policy[static_cast<std::size_t>(t - 1)];
    if (H.tier < t && tier >= t) {
      w.emit(RecordKind::activate, place, 1);
      w.emit(RecordKind::enter, place, 1);
    }
    if (H.tier >= t && tier < t) w.emit(RecordKind::leave, place, 1);
  }
  const bool lanes_change = (H.tier >= 1) != (tier >= 1) || (H.tier >= 3) != (tier >= 3);
  H.tier = tier;
  // Queueing inside: admission to the halls only as others leave, up to the threshold; once
  // lifted, those still held go in as space allows, not all at once.
  const bool holding = tier >= 2 || admission.weight_waiting() > 0;
  w.set_capacity(H.hall_res, holding ? static_cast<std::int64_t>(pd.queue_inside) : Resource::kUnlimited);
  if (lanes_change)
    for (std::size_t g = 0; g < w.L.gates.size(); ++g) security::set_lanes(w, g);
}

void enter(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  w.emit(RecordKind::enter, w.L.place_hall, p.size);
  occupancy_change(w, p.size);
  w.hold_until(pid, std::max(demand::leave_time(w, p), w.now));
}

// Out of the holding area: its space is free for the next party screened before opening.
void leave_holding(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  p.in_holding = false;
  w.emit(RecordKind::leave, w.L.place_holding, p.size);
  w.release(w.halls.holding_res, p.size);
}

void leave(World& w, std::uint32_t pid) {
  const std::uint16_t size = w.parties[pid].size;
  w.emit(RecordKind::leave, w.L.place_hall, size);
  w.release(w.halls.hall_res, size);
  occupancy_change(w, -static_cast<double>(size));
  if (choice::enabled(w)) choice::way_home(w, pid);
  advance(w, pid, Stage::home);
}

}  // namespace

namespace halls {

void build(World& w) {
  w.halls.hall_res = w.add_resource(Resource::kUnlimited, w.L.place_hall_hold);
  w.halls.holding_res = w.add_resource(static_cast<std::int64_t>(w.L.holding_capacity), w.L.place_holding);
}

void schedule(World& w) {
  for (int d = 0; d < w.s.days; ++d) {
    w.cal.schedule(d * kSecondsPerDay + w.s.halls.open_s, kHallsOpen, 0);
    w.cal.schedule(d * kSecondsPerDay + w.s.halls.close_s, kHallsClose, 0);
  }
}

void on_open(World& w) { w.set_capacity(w.halls.holding_res, Resource::kUnlimited); }
void on_close(World& w) { w.set_capacity(w.halls.holding_res, static_cast<std::int64_t>(w.L.holding_capacity)); }

bool needs_holding(const World& w, const Party& p) {
  return !p.in_holding && w.s.classes[p.cls].wait_for_opening && clock_of(w.now) < w.s.halls.open_s;
}

void begin_holding(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  p.in_holding = true;
  if (w.acquire(pid, w.halls.holding_res, p.size)) resume_holding(w, pid);
}

void resume_holding(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (p.phase == Phase::waiting) {  // space in the holding area: through the entrance to it
    w.emit(RecordKind::enter, w.L.place_holding, p.size);
    security::pass(w, pid);
    return;
  }
  leave_holding(w, pid);  // the halls open
  advance(w, pid, Stage::hall);
}

int policy_tier(const World& w) { return w.halls.tier; }

void begin(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (p.in_holding) {
    const Time open = day_start(w.now) + w.s.halls.open_s;
    if (w.now < open) {  // screened before opening: wait for it in the holding area
      p.stage = Stage::holding;
      w.hold_until(pid, open);
      return;
    }
    leave_holding(w, pid);
  }
  if (w.acquire(pid, w.halls.hall_res, p.size)) enter(w, pid);  // held inside while the halls are full
  else occupancy_change(w, 0);  // the holding areas count towards exit only
}

void resume(World& w, std::uint32_t pid) {
  if (w.parties[pid].phase == Phase::waiting) enter(w, pid);
  else leave(w, pid);
}

}  // namespace halls
}  // namespace expoflow::model
