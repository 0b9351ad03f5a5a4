#include "model/taxi.hpp"

#include <cmath>
#include <limits>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

// Non-homogeneous Poisson cab arrivals: invert the cumulative hourly intensity (scaled by any
// cab_supply event in force).
void schedule_cab(World& w, std::uint32_t ti) {
  const TaxiLayout& t = w.L.taxis[ti];
  double remaining = -std::log(w.supply_rng.uniform((static_cast<std::uint64_t>(ti) << 40) | w.taxi.cab_count[ti]++, 0));
  Time at = w.now;
  while (at < w.s.horizon_s) {
    const double clock = std::fmod(at, kSecondsPerDay);
    const auto h = static_cast<std::size_t>(clock / 3600) % 24;
    const Time seg_end = std::floor(at / 3600 + 1) * 3600;
    const bool open = clock >= t.open_s && clock < t.close_s;
    double rate = open ? t.cabs_per_hour[h] / 3600 : 0;
    Time seg_stop = seg_end;
    for (std::size_t i = 0; i < w.s.events.size(); ++i)
      if (const EventDef& ev = w.s.events[i]; ev.kind == EventKind::cab_supply && disruptions::hits(w, i, ti)) {
        if (at >= ev.from_s && at < ev.to_s) rate *= ev.scale;
        if (ev.from_s > at) seg_stop = std::min(seg_stop, ev.from_s);
        if (ev.to_s > at) seg_stop = std::min(seg_stop, ev.to_s);
      }
    if (rate > 0 && rate * (seg_stop - at) >= remaining) {
      w.cal.schedule(at + remaining / rate, kCab, ti);
      return;
    }
    remaining -= rate * (seg_stop - at);
    at = seg_stop;
  }
}

void start_loading(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  const TaxiLayout& t = w.L.taxis[p.stand()];
  const double hold = dist::exponential(t.loading_mean_s, World::u(w.service_rng, p, kDrawBay));
  w.emit(RecordKind::enter, t.place_bays, 0, 1);
  w.hold(pid, hold);
}

// The wait a party joining stand ti's line (no cab in the rank) can expect: its place in the line
// over the cabs expected an hour now (infinite if none is expected this hour).
// Cabs expected at stand ti per second, this hour.
double cab_rate(const World& w, std::size_t ti) {
  return w.L.taxis[ti].cabs_per_hour[static_cast<std::size_t>(clock_of(w.now) / 3600) % 24] / 3600;
}

double expected_wait(const World& w, std::size_t ti) {
  const double rate = cab_rate(w, ti);
  if (!(rate > 0)) return std::numeric_limits<double>::infinity();
  return static_cast<double>(w.res[w.taxi.party_res[ti]].num_waiting() + 1) / rate;
}

// A party matched with a cab walks it to a loading bay.
void go_to_bay(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  p.stage = Stage::taxi_bay;
  if (w.acquire(pid, w.taxi.bay_res[p.stand()], 1)) start_loading(w, pid);
}

}  // namespace

namespace taxi {

void build(World& w) {
  for (auto& t : w.L.taxis) {
    w.taxi.party_res.push_back(w.add_resource(0, t.place_parties));
    w.taxi.bay_res.push_back(w.add_resource(static_cast<std::int64_t>(t.bays), t.place_bays, true));
    w.taxi.rank_res.push_back(w.add_resource(0, t.place_cabs, true));
  }
  w.taxi.cab_count.assign(w.L.taxis.size(), 0);
}

void schedule(World& w) {
  for (std::size_t t = 0; t < w.L.taxis.size(); ++t) {
    schedule_cab(w, static_cast<std::uint32_t>(t));
    for (int d = 0; d < w.s.days; ++d)
      w.cal.schedule(d * kSecondsPerDay + w.L.taxis[t].close_s, kStandClose, static_cast<std::uint32_t>(t));
  }
}

// A cab takes the first party waiting, or joins the rank (or drives on when the rank is full).
void on_cab(World& w, std::uint32_t ti) {
  const TaxiLayout& t = w.L.taxis[ti];
  const std::uint32_t r = w.taxi.party_res[ti];
  const std::uint32_t matched = w.res[r].offer(1, [&](const Request& q) {
    w.left_waiting_line(r, q);
    w.emit(RecordKind::served, t.place_cabs, 0, 1, 0.0);
    go_to_bay(w, q.id);
  });
  if (!matched) {
    Resource& rank = w.res[w.taxi.rank_res[ti]];
    if (static_cast<double>(rank.num_waiting()) < t.rank_capacity) {
      rank.wait(static_cast<std::uint32_t>(w.taxi.cab_count[ti]), 1, w.now);
      w.emit(RecordKind::enter, t.place_cabs, 0, 1);
    } else {
      w.emit(RecordKind::denied, t.place_cabs, 0, 1);  // rank full: the cab drives on
    }
  }
  schedule_cab(w, ti);
}

// At closing, whoever still waits goes home another way, and the cabs in the rank drive off.
void on_close(World& w, std::uint32_t ti) {
  replan::give_up_waiting(w, w.taxi.party_res[ti]);
  const std::uint32_t place = w.L.taxis[ti].place_cabs;
  w.res[w.taxi.rank_res[ti]].withdraw_all([&](const Request&) { w.emit(RecordKind::leave, place, 0, 1); });
}

bool open(const World& w, std::size_t ti) {
  const TaxiLayout& t = w.L.taxis[ti];
  const double clock = clock_of(w.now);
  return clock >= t.open_s - w.s.service_wait_max_s && clock < t.close_s;
}

bool any_open(const World& w) {
  for (std::size_t t = 0; t < w.L.taxis.size(); ++t)
    if (open(w, t)) return true;
  return false;
}

// A party at the stand takes the first cab in the rank, or waits for one.
void begin(World& w, std::uint32_t pid) {
  choice::arrived(w, pid);
  const Party& p = w.parties[pid];
  const std::size_t ti = p.stand();
  // Closed meanwhile (or not yet open): choose again, or wait for it if nothing else is open.
  if (!open(w, ti) && replan::service_closed(w, pid)) return;
  const TaxiLayout& t = w.L.taxis[ti];
  Time since = 0;
  if (w.res[w.taxi.rank_res[ti]].offer(1, [&](const Request& cab) { since = cab.since; })) {
    w.emit(RecordKind::leave, t.place_cabs, 0, 1);
    w.emit(RecordKind::served, t.place_cabs, 0, 1, w.now - since);
    w.emit(RecordKind::served, t.place_parties, p.size, 0, 0.0);
    go_to_bay(w, pid);
  } else {
    // Before the stand opens (within service_wait_max_min) a party waits for it without patience.
    const std::uint32_t r = w.taxi.party_res[ti];
    const bool opened = clock_of(w.now) >= t.open_s;
    if (opened && patience::balks(w, pid, r, WaitKind::taxi, expected_wait(w, ti))) {
      replan::gave_up(w, pid);
      return;
    }
    w.wait_for_vehicle(pid, r, 1);
    if (opened) patience::start(w, pid, WaitKind::taxi);
  }
}

std::uint32_t party_resource(const World& w, const Party& p) { return w.taxi.party_res[p.stand()]; }

std::uint32_t line_of_parties(const World& w, std::size_t stand, double* rate, double* ready) {
  *rate = cab_rate(w, stand);
  *ready = static_cast<double>(w.res[w.taxi.rank_res[stand]].num_waiting());
  return w.taxi.party_res[stand];
}

void resume_bay(World& w, std::uint32_t pid) {
  const Party& p = w.parties[pid];
  if (p.phase == Phase::waiting) {
    start_loading(w, pid);
    return;
  }
  const TaxiLayout& t = w.L.taxis[p.stand()];
  w.release(w.taxi.bay_res[p.stand()], 1);
  w.emit(RecordKind::leave, t.place_bays, 0, 1);
  w.emit(RecordKind::vehicle_out, t.place_parties, p.size, 1);
  w.finish(pid);
}

}  // namespace taxi
}  // namespace expoflow::model
