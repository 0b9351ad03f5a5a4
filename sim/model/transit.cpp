#include "model/transit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

constexpr std::uint64_t kBackgroundExitTag = 0xB1ULL << 56;

// The metro line whose station elements a party uses now: arriving (access) or leaving (egress).
std::size_t line_of(const World& w, const Party& p, Stage stage) {
  if (p.background) return p.background_line();
  const bool leaving = stage == Stage::fare_in || stage == Stage::platform;
  return w.L.directions[leaving ? p.egress_dir() : p.access_dir()].line;
}

std::size_t line_of(const World& w, const Party& p) { return line_of(w, p, p.stage); }

double background_load(const DirectionLayout& d, Time t) {
  const auto h = static_cast<std::size_t>(std::fmod(t, kSecondsPerDay) / 3600) % 24;
  return d.background_load[h];
}

// Platform occupancy, and the policy that closes the station's entries while it is crowded.
void platform_change(World& w, std::size_t line, double delta) {
  TransitState& T = w.transit;
  T.platform_occ[line] += delta;
  const PolicyDef& pd = w.s.policy;
  if (!pd.platform_exits) return;
  const LineLayout& l = w.L.lines[line];
  const double cap = l.platform_capacity;
  if (!T.platform_closed[line] && T.platform_occ[line] >= pd.platform_close_above * cap) {
    T.platform_closed[line] = 1;
    w.emit(RecordKind::activate, l.place_policy, 1);
    w.emit(RecordKind::enter, l.place_policy, 1);
    w.set_capacity(T.fare_in_res[line], 0);
  } else if (T.platform_closed[line] && T.platform_occ[line] <= pd.platform_reopen_below * cap) {
    T.platform_closed[line] = 0;
    w.emit(RecordKind::leave, l.place_policy, 1);
    w.set_capacity(T.fare_in_res[line], static_cast<std::int64_t>(l.fare_gates_in));
  }
}

// A rider boarding at the site stop frees its platform space (metro).
void leave_platform_for_train(World& w, const Party& p, std::size_t line) {
  w.emit(RecordKind::leave, w.L.lines[line].place_platform, p.size);
  platform_change(w, line, -static_cast<double>(p.size));
  w.release(w.transit.platform_res[line], p.size);
}

void start_fare_gate(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  walking::leave_area(w, pid, transit::queue_area(w, p, p.stage));
  w.hold(pid, p.size * w.L.lines[line_of(w, p)].fare_gate_service_s);
}

std::uint32_t fare_gate_res(const World& w, const Party& p) {
  const std::size_t line = line_of(w, p);
  return p.stage == Stage::fare_in ? w.transit.fare_in_res[line] : w.transit.fare_out_res[line];
}

// Background riders leaving the train at the station; the rest of the load stays on board.
std::uint32_t alight_background(World& w, std::uint32_t di, std::uint64_t trip_key, std::uint32_t onboard) {
  const DirectionLayout& d = w.L.directions[di];
  const LineLayout& l = w.L.lines[d.line];
  const auto alight = static_cast<std::uint32_t>(
      std::floor(onboard * d.background_alight * l.background_scale + w.background_rng.uniform(trip_key, 1)));
  const std::uint32_t n = std::min(alight, onboard);
  if (n) w.emit(RecordKind::alight, l.place_line, n);
  for (std::uint32_t i = 0; i < n; ++i) {
    Party p;
    p.key = trip_key | i;
    p.background = true;
    p.access = Mode::metro;
    p.egress = Mode::walk;
    p.access_at = narrow<std::int16_t>(d.line);
    p.node = narrow<std::uint16_t>(l.site_node);
    transit::arrive_on_platform(w, w.new_party(p));
  }
  return onboard - n;
}

// Riders at the site stop board what fits: home, or back to their lot by its shuttle.
std::uint32_t board_home(World& w, std::uint32_t di, std::uint32_t space) {
  const DirectionLayout& d = w.L.directions[di];
  const LineLayout& l = w.L.lines[d.line];
  const std::uint32_t r = w.transit.stop_res[di];
  std::uint32_t boarded = 0;
  w.res[r].offer(space, [&](const Request& q) {
    Party& p = w.parties[q.id];
    w.left_waiting_line(r, q);
    boarded += p.size;
    if (l.metro) leave_platform_for_train(w, p, d.line);
    if (is_vehicle_mode(p.egress)) {  // shuttle back to the lot
      p.stage = Stage::ride_out;
      w.cal.schedule(w.now + d.travel_s, kParty, q.id);
    } else {
      w.finish(q.id);
    }
  });
  if (boarded) w.emit(RecordKind::board, l.place_line, boarded);
  if (w.res[r].weight_waiting() > 0) w.emit(RecordKind::denied, l.place_line, static_cast<std::uint32_t>(w.res[r].weight_waiting()));
  return boarded;
}

}  // namespace

namespace transit {

void build(World& w) {
  TransitState& T = w.transit;
  for (auto& l : w.L.lines) {
    if (l.metro) {
      T.fare_in_res.push_back(w.add_resource(static_cast<std::int64_t>(l.fare_gates_in), l.place_fare_in));
      T.fare_out_res.push_back(w.add_resource(static_cast<std::int64_t>(l.fare_gates_out), l.place_fare_out));
      T.platform_res.push_back(w.add_resource(static_cast<std::int64_t>(l.platform_capacity), l.place_platform));
      const bool areas = l.fare_queue_capacity > 0;
      const auto cap = static_cast<std::int64_t>(l.fare_queue_capacity);
      T.fare_in_area.push_back(areas ? w.add_resource(cap, l.place_fare_in_area) : walking::kNoArea);
      T.fare_out_area.push_back(areas ? w.add_resource(cap, l.place_fare_out_area) : walking::kNoArea);
    } else {
      T.fare_in_area.push_back(walking::kNoArea);
      T.fare_out_area.push_back(walking::kNoArea);
      T.fare_in_res.push_back(0);
      T.fare_out_res.push_back(0);
      T.platform_res.push_back(0);
    }
  }
  for (auto& d : w.L.directions) {
    T.up_res.push_back(w.add_resource(0, d.place_upstream));
    T.stop_res.push_back(w.add_resource(0, d.place_stop));
  }
  T.trip_up.assign(w.L.directions.size(), 0);
  T.trip_arrive.assign(w.L.directions.size(), 0);
  T.platform_occ.assign(w.L.lines.size(), 0.0);
  T.platform_closed.assign(w.L.lines.size(), 0);
}

void schedule(World& w) {
  for (std::size_t i = 0; i < w.L.directions.size(); ++i) {
    const auto& d = w.L.directions[i];
    if (!d.arrivals.empty()) w.cal.schedule(std::max(0.0, d.arrivals[0] - d.travel_s), kTripUp, static_cast<std::uint32_t>(i));
  }
}

// Riders waiting upstream board what fits above the background load; the trip reaches the site
// travel_s later.
void on_trip_upstream(World& w, std::uint32_t di) {
  const DirectionLayout& d = w.L.directions[di];
  const LineLayout& l = w.L.lines[d.line];
  const std::size_t k = w.transit.trip_up[di]++;
  const Time arrive = d.arrivals[k];
  const std::uint32_t r = w.transit.up_res[di];
  if (d.access && w.res[r].num_waiting() > 0 && !disruptions::suspended(w, di)) {
    const auto onboard = static_cast<std::uint32_t>(std::floor(background_load(d, arrive) * l.capacity));
    const auto space = static_cast<std::uint32_t>(l.capacity) - std::min(onboard, static_cast<std::uint32_t>(l.capacity));
    std::uint32_t boarded = 0;
    w.res[r].offer(space, [&](const Request& q) {
      Party& p = w.parties[q.id];
      w.left_waiting_line(r, q);
      boarded += p.size;
      p.stage = Stage::ride;
      w.cal.schedule(arrive, kParty, q.id);
    });
    if (boarded) w.emit(RecordKind::board, l.place_line, boarded);
    if (w.res[r].weight_waiting() > 0) w.emit(RecordKind::denied, l.place_line, static_cast<std::uint32_t>(w.res[r].weight_waiting()));
    w.emit(RecordKind::depart, d.place_upstream, onboard + boarded, 1, l.capacity);
  }
  w.cal.schedule(arrive, kTripArrive, di);
  if (k + 1 < d.arrivals.size()) w.cal.schedule(std::max(w.now, d.arrivals[k + 1] - d.travel_s), kTripUp, di);
}

void on_trip_arrive(World& w, std::uint32_t di) {
  const DirectionLayout& d = w.L.directions[di];
  const LineLayout& l = w.L.lines[d.line];
  const std::size_t k = w.transit.trip_arrive[di]++;
  if (disruptions::suspended(w, di)) return;  // the trip does not run
  const auto cap = static_cast<std::uint32_t>(l.capacity);
  const std::uint64_t trip_key = kBackgroundExitTag | (static_cast<std::uint64_t>(di) << 40) | (k << 16);
  auto onboard = static_cast<std::uint32_t>(
      std::floor(background_load(d, w.now) * l.capacity + w.background_rng.uniform(trip_key, 0)));
  onboard = std::min(onboard, cap);
  if (l.metro) onboard = alight_background(w, di, trip_key, onboard);
  const std::uint32_t boarded = d.egress ? board_home(w, di, cap - onboard) : 0;
  w.emit(RecordKind::depart, l.place_line, onboard + boarded, 1, l.capacity);
  // After a bus line's last departure of the day, whoever still waits for it goes another way.
  const bool last_today = k + 1 >= d.arrivals.size() ||
                          std::floor(d.arrivals[k + 1] / kSecondsPerDay) != std::floor(w.now / kSecondsPerDay);
  if (!l.metro && d.egress && last_today) replan::give_up_waiting(w, w.transit.stop_res[di]);
}

void wait_upstream(World& w, std::uint32_t pid) {
  choice::arrived(w, pid, true);
  const Party& p = w.parties[pid];
  w.wait_for_vehicle(pid, w.transit.up_res[static_cast<std::size_t>(p.ride)], p.size);
}

std::uint32_t queue_area(const World& w, const Party& p, Stage stage) {
  const std::size_t line = line_of(w, p, stage);
  return stage == Stage::fare_in ? w.transit.fare_in_area[line] : w.transit.fare_out_area[line];
}

// The wait a person joining the fare gates `r` of `line` (some open) can expect: none if a gate is
// free and nobody queues; else its place in the queue times the time per person, over the gates.
double fare_gate_wait(const World& w, std::uint32_t r, std::size_t line) {
  const Resource& g = w.res[r];
  if (g.available() > 0 && g.num_waiting() == 0) return 0;
  return static_cast<double>(g.weight_waiting() + 1) * w.L.lines[line].fare_gate_service_s / static_cast<double>(g.capacity());
}

// On the way home (fare_in) a visitor with patience may balk at the fare gates' queue, or give it
// up later, and go home another way; on the way in (fare_out) everybody waits.
void begin_fare_gate(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (!walking::enter_area(w, pid, queue_area(w, p, p.stage), p.stage)) return;
  const std::uint32_t r = fare_gate_res(w, p);
  const bool leaving = p.stage == Stage::fare_in;
  if (leaving) choice::arrived(w, pid);
  // Gates closed (the platform-exits policy holds entries) are waited for without patience, as a
  // closed entrance is.
  const bool patient = leaving && w.res[r].capacity() > 0;
  if (patient && patience::balks(w, pid, r, WaitKind::fare_gates, fare_gate_wait(w, r, line_of(w, p)))) {
    replan::gave_up(w, pid);  // leaves the queueing area too
    return;
  }
  if (w.acquire(pid, r, 1)) start_fare_gate(w, pid);
  else if (patient) patience::start(w, pid, WaitKind::fare_gates);
}

std::uint32_t fare_gate_resource(const World& w, const Party& p) { return fare_gate_res(w, p); }

namespace {
// A vehicle's capacity per headway, the gap between trips k and k + 1 of the direction (0 if no
// trip follows): the rate at which its waiting lines are served.
double capacity_per_headway(const World& w, const DirectionLayout& d, std::size_t k) {
  return k + 1 < d.arrivals.size() && d.arrivals[k + 1] > d.arrivals[k]
             ? w.L.lines[d.line].capacity / (d.arrivals[k + 1] - d.arrivals[k])
             : 0.0;
}
}  // namespace

std::uint32_t upstream_queue(const World& w, std::size_t di, double* rate) {
  *rate = capacity_per_headway(w, w.L.directions[di], w.transit.trip_up[di]);
  return w.transit.up_res[di];
}

std::uint32_t home_queue(const World& w, std::size_t di, double* rate) {
  const DirectionLayout& d = w.L.directions[di];
  const LineLayout& l = w.L.lines[d.line];
  if (l.metro) {
    const std::uint32_t r = w.transit.fare_in_res[d.line];
    *rate = static_cast<double>(w.res[r].capacity()) / l.fare_gate_service_s;
    return r;
  }
  *rate = capacity_per_headway(w, d, w.transit.trip_arrive[di]);  // a bus stop
  return w.transit.stop_res[di];
}

bool waits_at_bus_stop(const World& w, const Party& p) {
  return !p.background && !w.L.lines[w.L.directions[p.egress_dir()].line].metro;
}

std::uint32_t stop_resource(const World& w, const Party& p) { return w.transit.stop_res[p.egress_dir()]; }

namespace {
// The wait a party joining the stop of direction `di` can expect: until the trip that has room for
// it after the persons waiting (a whole vehicle's capacity each); infinite if no such trip is left.
double stop_wait(const World& w, std::size_t di, const Party& p) {
  const DirectionLayout& d = w.L.directions[di];
  const double cap = w.L.lines[d.line].capacity;
  const auto ahead = static_cast<std::size_t>(static_cast<double>(w.res[w.transit.stop_res[di]].weight_waiting() + p.size - 1) / cap);
  const std::size_t k = w.transit.trip_arrive[di] + ahead;
  return k < d.arrivals.size() ? std::max(0.0, d.arrivals[k] - w.now) : std::numeric_limits<double>::infinity();
}
}  // namespace

void resume_fare_gate(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (p.phase == Phase::waiting) {
    start_fare_gate(w, pid);
    return;
  }
  const std::uint32_t r = fare_gate_res(w, p);
  w.release(r, 1);
  w.emit(RecordKind::pass, w.res_place[r], p.size);
  if (p.stage == Stage::fare_in) walking::walk(w, pid, w.L.lines[line_of(w, p)].site_node, Stage::platform);
  else if (p.background) w.finish(pid);
  else advance(w, pid, Stage::entrance);
}

void begin_platform(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (w.acquire(pid, w.transit.platform_res[line_of(w, p)], p.size)) platform_granted(w, pid);
}

void platform_granted(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  w.emit(RecordKind::enter, w.L.lines[line_of(w, p)].place_platform, p.size);
  platform_change(w, line_of(w, p), p.size);
  advance(w, pid, Stage::board);
}

void begin_board(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  // Reaching the stop of a line suspended or closed meanwhile: choose again rather than wait it
  // out, unless nothing else is open.
  if (suspended(w, p.egress_dir()) ? replan::egress_waiting(w, pid)
                                   : !in_hours(w, p.egress_dir()) && replan::service_closed_on_platform(w, pid))
    return;
  wait_at_stop(w, pid);
}

void wait_at_stop(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const std::uint32_t r = w.transit.stop_res[p.egress_dir()];
  const bool bus = waits_at_bus_stop(w, p);
  if (bus) choice::arrived(w, pid);
  if (bus && patience::balks(w, pid, r, WaitKind::bus, stop_wait(w, p.egress_dir(), p))) {
    replan::gave_up(w, pid);
    return;
  }
  w.wait_for_vehicle(pid, r, p.size);
  if (bus) patience::start(w, pid, WaitKind::bus);
}

void alight(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const LineLayout& l = w.L.lines[w.L.directions[static_cast<std::size_t>(p.ride)].line];
  w.emit(RecordKind::alight, l.place_line, p.size);
  p.node = narrow<std::uint16_t>(l.site_node);
  if (l.metro) arrive_on_platform(w, pid);
  else advance(w, pid, Stage::entrance);
}

// Riders get off onto the platform only as its space allows (they wait on board meanwhile).
void arrive_on_platform(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  p.stage = Stage::alight;
  if (w.acquire(pid, w.transit.platform_res[line_of(w, p)], p.size)) step_onto_platform(w, pid);
}

void step_onto_platform(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  const std::size_t line = line_of(w, p);
  const LineLayout& l = w.L.lines[line];
  w.emit(RecordKind::enter, l.place_platform, p.size);
  platform_change(w, line, p.size);
  p.on_platform = true;
  walking::walk(w, pid, l.concourse_node, Stage::fare_out, w.transit.fare_out_area[line] != walking::kNoArea);
}

void leave_platform(World& w, Party& p) {
  const std::size_t line = line_of(w, p);
  w.emit(RecordKind::leave, w.L.lines[line].place_platform, p.size);
  platform_change(w, line, -static_cast<double>(p.size));
  p.on_platform = false;
  w.release(w.transit.platform_res[line], p.size);
}

void step_off_platform(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const std::size_t line = w.L.directions[p.egress_dir()].line;
  if (w.L.lines[line].metro) leave_platform_for_train(w, p, line);
}

bool suspended(const World& w, std::size_t dir) { return disruptions::suspended(w, dir); }

bool in_hours(const World& w, std::size_t dir, Time ahead) {
  const TransitLineDef& l = w.s.lines[w.L.directions[dir].line];
  const double clock = clock_of(w.now + ahead);
  return clock >= l.first_s - w.s.service_wait_max_s && clock <= l.last_s;
}

bool available(const World& w, std::size_t dir, Time ahead) { return !suspended(w, dir) && in_hours(w, dir, ahead); }

void send_back_waiting(World& w, std::size_t dir) {
  w.withdraw_to(w.transit.up_res[dir], [&](std::uint32_t pid) { replan::access(w, pid, replan::Why::waiting); });
  w.withdraw_to(w.transit.stop_res[dir], [&](std::uint32_t pid) {
    if (!replan::egress_waiting(w, pid)) wait_at_stop(w, pid);  // nothing else open: back in line
  });
}

}  // namespace transit
}  // namespace expoflow::model
