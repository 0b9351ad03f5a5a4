#include "model/replan.hpp"

#include <algorithm>
#include <cmath>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

std::int16_t pick(const std::vector<double>& weights, double uu) {
  return narrow<std::int16_t>(static_cast<std::int32_t>(dist::discrete(weights, uu)));
}

template <class Weights>
bool any_positive(const Weights& w) {
  return std::any_of(w.begin(), w.end(), [](double x) { return x > 0; });
}

// Direction weights restricted to the lines running now (for access: by the time the party gets
// to the site on them).
std::vector<double> available_dirs(const World& w, const std::vector<double>& weights, bool access) {
  std::vector<double> out(weights);
  for (std::size_t d = 0; d < out.size(); ++d)
    if (out[d] > 0 && !transit::available(w, d, access ? w.L.directions[d].travel_s : 0)) out[d] = 0;
  return out;
}

bool mode_available(const World& w, Mode m, bool access) {
  const auto& L = w.L;
  switch (m) {
    case Mode::metro: return any_positive(available_dirs(w, access ? L.metro_access_w : L.metro_egress_w, access));
    case Mode::bus: return any_positive(available_dirs(w, access ? L.bus_access_w : L.bus_egress_w, access));
    case Mode::taxi: return taxi::any_open(w);
    default: return true;
  }
}

// Travel minutes by mode: to the nearest entrance from the mode's access points (plus the ride
// for metro and bus), and from the halls to where the mode leaves; averaged over the mode's
// choices with their weights, at the mean walking speed.
void compute_mode_minutes(World& w) {
  const auto& L = w.L;
  const network::PathTable& paths = walking::paths(w);
  auto& minutes = w.replan.mode_minutes;
  minutes.assign(2, std::array<double, kNumModes>{});
  const double v = w.s.walk_speed_mean;
  auto to_gate = [&](NodeId n) {
    double best = network::kUnreachable;
    for (auto& g : L.gates) best = std::min(best, paths.distance_m(n, g.node));
    return best == network::kUnreachable ? 0.0 : best / v;
  };
  auto from_hall = [&](NodeId n) {
    const double d = paths.distance_m(L.hall_node, n);
    return d == network::kUnreachable ? 0.0 : d / v;
  };
  auto average = [](const std::vector<double>& wt, auto&& time_of) {
    double sum = 0, tw = 0;
    for (std::size_t i = 0; i < wt.size(); ++i)
      if (wt[i] > 0) {
        sum += wt[i] * time_of(i);
        tw += wt[i];
      }
    return tw > 0 ? sum / tw : 0.0;
  };
  auto dir_access = [&](std::size_t d) { return L.directions[d].travel_s + to_gate(L.lines[L.directions[d].line].site_node); };
  auto dir_egress = [&](std::size_t d) {
    const LineLayout& l = L.lines[L.directions[d].line];
    return L.directions[d].travel_s + from_hall(l.metro ? l.concourse_node : l.site_node);
  };
  auto lot_access = [&](std::size_t i) { return to_gate(L.lots[i].node); };
  auto lot_egress = [&](std::size_t i) { return from_hall(L.lots[i].node) + L.lots[i].pickup_delay_mean_s; };
  auto origin_access = [&](std::size_t i) { return to_gate(L.walk_origins[i]); };
  auto origin_egress = [&](std::size_t i) { return from_hall(L.walk_origins[i]); };
  auto at = [](std::array<double, kNumModes>& a, Mode m) -> double& { return a[static_cast<std::size_t>(m)]; };
  auto& a = minutes[0];
  auto& e = minutes[1];
  at(a, Mode::metro) = average(L.metro_access_w, dir_access) / 60;
  at(a, Mode::bus) = average(L.bus_access_w, dir_access) / 60;
  at(a, Mode::car) = average(L.car_park_weights, lot_access) / 60;
  at(a, Mode::coach) = average(L.coach_park_weights, lot_access) / 60;
  at(a, Mode::dropoff) = average(L.dropoff_weights, lot_access) / 60;
  at(a, Mode::walk) = average(L.walk_origin_weights, origin_access) / 60;
  at(e, Mode::metro) = average(L.metro_egress_w, dir_egress) / 60;
  at(e, Mode::bus) = average(L.bus_egress_w, dir_egress) / 60;
  at(e, Mode::pickup) = average(L.dropoff_weights, lot_egress) / 60;
  at(e, Mode::walk) = average(L.walk_origin_weights, origin_egress) / 60;
  double taxi = 0;
  for (auto& t : L.taxis) taxi = std::max(taxi, from_hall(t.node));
  at(e, Mode::taxi) = taxi / 60;
}

// Multiply mode weights by exp(-beta x travel minutes) (the logit re-plan choice).
void apply_logit(World& w, std::array<double, kNumModes>& weights, bool access) {
  if (w.replan.mode_minutes.empty()) compute_mode_minutes(w);
  for (std::size_t m = 0; m < kNumModes; ++m)
    if (weights[m] > 0) weights[m] *= std::exp(-w.s.policy.logit_per_min * w.replan.mode_minutes[access ? 0 : 1][m]);
}

// Mode weights restricted to the modes available now, other than the party's `current` one.
void restrict_modes(const World& w, std::array<double, kNumModes>& weights, Mode current, bool access) {
  for (std::size_t m = 0; m < kNumModes; ++m)
    if (!mode_available(w, static_cast<Mode>(m), access) || static_cast<Mode>(m) == current) weights[m] = 0;
}

// Choose the way home again. `avoid_line`: the line the party gave up (no direction of it is
// chosen), or -1. Walking home is open when nothing else is; where nobody walks (the site has no
// walk origin), false when nothing else is open, the party's way home left as it was.
bool choose_egress_again(World& w, std::uint32_t pid, std::int64_t avoid_line = -1, bool avoid_mode = false) {
  Party& p = w.parties[pid];
  if (is_vehicle_mode(p.egress)) return true;  // they need their vehicle
  if (choice::enabled(w))
    return choice::way_home(w, pid, avoid_line, avoid_mode && avoid_line < 0 ? std::optional<Mode>(p.egress) : std::nullopt);
  const auto& L = w.L;
  auto dirs = available_dirs(w, p.egress == Mode::metro ? L.metro_egress_w : L.bus_egress_w, false);
  if (avoid_line >= 0)
    for (std::size_t d = 0; d < dirs.size(); ++d)
      if (static_cast<std::int64_t>(L.directions[d].line) == avoid_line) dirs[d] = 0;
  if (is_line_mode(p.egress) && any_positive(dirs)) {
    p.egress_at = pick(dirs, World::u(w.choice_rng, p, kDrawReplanChoice));
    return true;
  }
  std::array<double, kNumModes> weights = w.s.classes[p.cls].egress[static_cast<std::size_t>(p.access)];
  restrict_modes(w, weights, p.egress, false);
  if (w.s.policy.replan_choice == ReplanChoice::logit) apply_logit(w, weights, false);
  if (!any_positive(weights) && L.walk_origins.empty()) return false;
  p.egress = any_positive(weights) ? static_cast<Mode>(dist::discrete(weights, World::u(w.choice_rng, p, kDrawReplanMode)))
                                   : Mode::walk;
  p.egress_at = narrow<std::int16_t>(demand::egress_choice(w, p, World::u(w.choice_rng, p, kDrawReplanChoice)));
  return true;
}

// A party at a stop or stand whose service is not running: it frees what it holds there
// (`leave`: its place on a platform) and goes home another way, the replan counted at `place`.
// Where walking home is open, those behind it move up before it chooses (they are in the queues it
// weighs); where nobody walks, choosing again may find nothing open, so it chooses first and, if
// nothing is, frees nothing and stays to wait for its service (false).
template <class Leave>
bool leave_for_another_way(World& w, std::uint32_t pid, std::uint32_t place, Leave&& leave) {
  if (w.L.walk_origins.empty()) {
    if (!choose_egress_again(w, pid)) return false;
    leave();
  } else {
    leave();
    choose_egress_again(w, pid);
  }
  w.emit(RecordKind::replan, place, w.parties[pid].size);
  advance(w, pid, Stage::home);
  return true;
}

// Whoever now comes with a vehicle leaves with it; whoever came without one cannot.
void come_with_vehicle_leave_with_it(World& w, Party& p) {
  if (!is_vehicle_mode(p.egress) && !is_vehicle_mode(p.access)) return;
  p.egress = is_vehicle_mode(p.access) ? p.access : Mode::metro;
  p.egress_at = narrow<std::int16_t>(demand::egress_choice(w, p, World::u(w.choice_rng, p, kDrawReplanChoice)));
}

// Whoever gave up waiting: car users walk to their car, others take the metro.
void reroute(World& w, std::uint32_t pid) {
  choice::arrived(w, pid);
  Party& p = w.parties[pid];
  if (is_vehicle_mode(p.egress)) {
    walking::walk(w, pid, w.L.lots[p.lot()].node, Stage::lot_leave);
    return;
  }
  if (!any_positive(w.L.metro_egress_w)) {
    w.finish(pid);  // nowhere else to go: counted as denied where it waited
    return;
  }
  p.egress = Mode::metro;
  p.egress_at = pick(w.L.metro_egress_w, World::u(w.choice_rng, p, kDrawReroute));
  advance(w, pid, Stage::home);
}

}  // namespace

namespace replan {

// Another direction of the same mode if one runs, otherwise another mode in proportion to the
// class's shares among the modes available.
void access(World& w, std::uint32_t pid, Why why) {
  Party& p = w.parties[pid];
  const auto& L = w.L;
  w.emit(RecordKind::replan, why == Why::waiting ? L.place_replan_waiting : why == Why::closed ? L.place_replan_closed : L.place_replan_setoff,
         p.size);
  if (choice::enabled(w)) {
    if (!choice::way_there(w, pid)) {
      w.finish(pid);  // no way to come at all: the visit is lost (counted as replanned)
      return;
    }
    come_with_vehicle_leave_with_it(w, p);
    demand::start_access(w, pid);
    return;
  }
  const auto dirs = available_dirs(w, p.access == Mode::metro ? L.metro_access_w : L.bus_access_w, true);
  if (any_positive(dirs)) {
    p.access_at = pick(dirs, World::u(w.choice_rng, p, kDrawReplanChoice));
  } else {
    std::array<double, kNumModes> weights = demand::party_access(w, p.cls);
    restrict_modes(w, weights, p.access, true);
    if (!any_positive(weights)) {
      w.finish(pid);  // no way to come at all: the visit is lost (counted as replanned)
      return;
    }
    if (w.s.policy.replan_choice == ReplanChoice::logit) apply_logit(w, weights, true);
    p.access = static_cast<Mode>(dist::discrete(weights, World::u(w.choice_rng, p, kDrawReplanMode)));
    p.access_at = narrow<std::int16_t>(demand::access_choice(w, p.access, World::u(w.choice_rng, p, kDrawReplanChoice)));
    come_with_vehicle_leave_with_it(w, p);
  }
  demand::start_access(w, pid);
}

bool egress_waiting(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (p.background) {
    w.emit(RecordKind::replan, w.L.place_replan_waiting, p.size);
    transit::step_off_platform(w, pid);
    w.finish(pid);
    return true;
  }
  return leave_for_another_way(w, pid, w.L.place_replan_waiting, [&] { transit::step_off_platform(w, pid); });
}

void head_home(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const auto& L = w.L;
  // A line suspended or out of its hours, or a taxi stand closed: choose again before setting off.
  const bool rides = is_line_mode(p.egress);
  // If nothing else is open, they go on to wait for their own.
  const bool off = rides && transit::suspended(w, p.egress_dir());
  if (off || (rides && !transit::in_hours(w, p.egress_dir())) || (p.egress == Mode::taxi && !taxi::open(w, p.stand()))) {
    if (choose_egress_again(w, pid)) w.emit(RecordKind::replan, off ? L.place_replan_setoff : L.place_replan_closed, p.size);
  }
  switch (p.egress) {
    case Mode::metro: {
      const std::size_t line = L.directions[p.egress_dir()].line;
      walking::walk(w, pid, L.lines[line].concourse_node, Stage::fare_in, w.transit.fare_in_area[line] != walking::kNoArea);
      break;
    }
    case Mode::bus: walking::walk(w, pid, L.lines[L.directions[p.egress_dir()].line].site_node, Stage::board); break;
    case Mode::car:
    case Mode::coach: {
      // By the lot's shuttle while it runs, else on foot to their vehicle.
      const LotLayout& lot = L.lots[p.lot()];
      const std::int32_t dir = lot.shuttle >= 0 ? L.lines[static_cast<std::size_t>(lot.shuttle)].egress_dir : -1;
      if (dir >= 0 && transit::available(w, static_cast<std::size_t>(dir))) {
        p.egress_at = narrow<std::int16_t>(dir);
        walking::walk(w, pid, L.lines[static_cast<std::size_t>(lot.shuttle)].site_node, Stage::board);
      } else {
        walking::walk(w, pid, lot.node, Stage::lot_leave);
      }
      break;
    }
    case Mode::walk: walking::walk(w, pid, L.walk_origins[p.home_origin()], Stage::done); break;
    case Mode::taxi: walking::walk(w, pid, L.taxis[p.stand()].node, Stage::taxi); break;
    case Mode::pickup: walking::walk(w, pid, L.lots[p.egress_lot()].node, Stage::pickup_wait); break;
    default: EXPOFLOW_CHECK(false, "not an egress mode");
  }
}

bool service_closed(World& w, std::uint32_t pid) {
  return leave_for_another_way(w, pid, w.L.place_replan_closed, [] {});
}

bool service_closed_on_platform(World& w, std::uint32_t pid) {
  return leave_for_another_way(w, pid, w.L.place_replan_closed, [&] { transit::step_off_platform(w, pid); });
}

void gave_up(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  ++p.gave_up;
  // Car and coach users waiting for the lot shuttle walk to their vehicle instead.
  if (is_vehicle_mode(p.egress)) {
    walking::walk(w, pid, w.L.lots[p.lot()].node, Stage::lot_leave);
    return;
  }
  const std::int64_t line = is_line_mode(p.egress) ? static_cast<std::int64_t>(w.L.directions[p.egress_dir()].line) : -1;
  if (p.stage == Stage::fare_in) walking::leave_area(w, pid, transit::queue_area(w, p, Stage::fare_in));
  choose_egress_again(w, pid, line, true);
  advance(w, pid, Stage::home);
}

void give_up_waiting(World& w, std::uint32_t r) {
  w.withdraw_to(r, [&](std::uint32_t pid) {
    w.emit(RecordKind::denied, w.res_place[r], w.parties[pid].size);
    reroute(w, pid);
  });
}

}  // namespace replan
}  // namespace expoflow::model
