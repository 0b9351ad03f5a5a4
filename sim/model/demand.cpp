#include "model/demand.hpp"

#include <algorithm>
#include <cmath>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

constexpr std::uint64_t kBackgroundEntryTag = 0xB0ULL << 56;
// The key of a class's daily count (class << 16 | day), when it is a Poisson count.
constexpr std::uint64_t kDailyCountTag = 0xC0ULL << 56;
constexpr double kLastEntryMargin = 600;  // s before a line's last train when entries stop

std::int32_t pick(const dist::Cumulative& table, double uu) { return static_cast<std::int32_t>(table(uu)); }

// Access shares are shares of persons; a party of mode m carries E[size_m] persons on average,
// so the probability that a party uses mode m is proportional to share_m / E[size_m].
void prepare_tables(World& w) {
  DemandState& D = w.demand;
  const Scenario& s = w.s;
  for (const ClassDef& cd : s.classes) D.dwell.emplace_back(cd.dwell_mean_s, cd.dwell_sd_s);
  for (const ClassDef& cd : s.classes) {
    std::array<double, kNumModes> wt{};
    for (std::size_t m = 0; m < kNumModes; ++m) {
      const auto& ps = s.party_size[m];
      double mean = 0, total = 0;
      for (std::size_t i = 0; i < ps.sizes.size(); ++i) {
        mean += ps.sizes[i] * ps.weights[i];
        total += ps.weights[i];
      }
      wt[m] = cd.access[m] / (mean / total);
    }
    D.party_access.push_back(wt);
    D.party_mode.emplace_back(wt);
    auto& eg = D.party_egress.emplace_back();
    for (std::size_t m = 0; m < kNumModes; ++m) eg[m] = dist::Cumulative(cd.egress[m]);
  }
  for (std::size_t m = 0; m < kNumModes; ++m) D.party_size[m] = dist::Cumulative(s.party_size[m].weights);
  const auto& L = w.L;
  D.metro_access = dist::Cumulative(L.metro_access_w);
  D.bus_access = dist::Cumulative(L.bus_access_w);
  D.car_park = dist::Cumulative(L.car_park_weights);
  D.coach_park = dist::Cumulative(L.coach_park_weights);
  D.dropoff = dist::Cumulative(L.dropoff_weights);
  D.walk_origin = dist::Cumulative(L.walk_origin_weights);
  D.metro_egress = dist::Cumulative(L.metro_egress_w);
  D.bus_egress = dist::Cumulative(L.bus_egress_w);
}

// Party k of class c on day d, and the time it sets off (reaches its access point, or boards
// upstream for a ride).
// `with_egress` false: only what the set-off time depends on (demand generation).
Party expo_party(const World& w, std::uint64_t key, Time* setoff, bool with_egress = true) {
  const DemandState& D = w.demand;
  const std::size_t c = (key >> 48) - 1;
  const auto d = static_cast<int>((key >> 40) & 0xff);
  const ClassDef& cd = w.s.classes[c];
  Party p;
  p.key = key;
  p.cls = narrow<std::uint8_t>(c);
  p.access = static_cast<Mode>(D.party_mode[c](World::u(w.demand_rng, p, kDrawMode)));
  const auto ai = static_cast<std::size_t>(p.access);
  const auto& ps = w.s.party_size[ai];
  p.size = static_cast<std::uint16_t>(ps.sizes[D.party_size[ai](World::u(w.demand_rng, p, kDrawSize))]);
  p.access_at = static_cast<std::int16_t>(demand::access_choice(w, p.access, World::u(w.choice_rng, p, kDrawAccessChoice)));
  if (with_egress) {
    p.egress = static_cast<Mode>(D.party_egress[c][ai](World::u(w.demand_rng, p, kDrawEgress)));
    p.egress_at = static_cast<std::int16_t>(demand::egress_choice(w, p, World::u(w.choice_rng, p, kDrawEgressChoice)));
  }
  if (setoff) {
    Time t = d * kSecondsPerDay + cd.profile_start_s;
    t = dist::piecewise_uniform(cd.profile, t, cd.profile_bin_s, World::u(w.demand_rng, p, kDrawTime));
    if (is_line_mode(p.access)) t -= w.L.directions[p.access_dir()].travel_s;
    *setoff = std::max(0.0, t);
  }
  return p;
}

// A non-expo user entering the metro station (line li) to take a train.
Party background_entry(const World& w, std::uint64_t key, Time* setoff) {
  const std::size_t li = (key >> 40) & 0xffff;
  const std::uint64_t slot_index = (key >> 20) & 0xfffff;  // day * 24 + hour
  Party p;
  p.key = key;
  p.background = true;
  p.access = Mode::metro;
  p.egress = Mode::metro;
  p.access_at = narrow<std::int16_t>(li);
  p.egress_at = narrow<std::int16_t>(
      static_cast<std::int32_t>(dist::discrete(w.demand.background_split[li], w.background_rng.uniform(p.key, 1))));
  if (setoff) *setoff = (static_cast<double>(slot_index) + w.background_rng.uniform(p.key, 2)) * 3600;
  return p;
}

// The party of a demand key; its set-off time too unless `setoff` is null.
Party party_of(const World& w, std::uint64_t key, Time* setoff) {
  return (key >> 56) == (kBackgroundEntryTag >> 56) ? background_entry(w, key, setoff) : expo_party(w, key, setoff);
}

// Sort by (time, key) in linear expected time: a counting sort into about n/4 buckets of equal
// time span (stable, so each bucket keeps the list's key order), then insertion sort within each
// bucket. Identical to a comparison sort on (time, key), keys being unique.
template <class T>
void sort_by_time(std::vector<T>& v) {
  const std::size_t n = v.size();
  if (n < 2) return;
  Time lo = v[0].time, hi = v[0].time;
  for (const T& a : v) {
    lo = std::min(lo, a.time);
    hi = std::max(hi, a.time);
  }
  const std::size_t nb = std::max<std::size_t>(1, n / 4);
  const double scale = hi > lo ? static_cast<double>(nb) / (hi - lo) : 0.0;
  auto bucket = [&](const T& a) { return std::min(nb - 1, static_cast<std::size_t>((a.time - lo) * scale)); };
  std::vector<std::uint32_t> start(nb + 1, 0);
  for (const T& a : v) ++start[bucket(a) + 1];
  for (std::size_t b = 1; b <= nb; ++b) start[b] += start[b - 1];
  std::vector<T> out(n);
  {
    std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
    for (const T& a : v) out[next[bucket(a)]++] = a;
  }
  auto less = [](const T& a, const T& b) { return a.time < b.time || (a.time == b.time && a.key < b.key); };
  for (std::size_t b = 0; b < nb; ++b)
    for (std::size_t i = start[b] + 1; i < start[b + 1]; ++i) {
      const T x = out[i];
      std::size_t j = i;
      for (; j > start[b] && less(x, out[j - 1]); --j) out[j] = out[j - 1];
      out[j] = x;
    }
  v.swap(out);
}

// Calendar buckets sized from the busiest hour of set-offs: a party causes some eight events
// spread over its visit, and about ten events per bucket at that rate is the sweet spot
// measured on the CIIE baseline, its x10 variant and gates-1m.
void tune_calendar(World& w) {
  const auto& a = w.demand.arrivals;
  std::size_t peak = 0;
  for (std::size_t i = 0, j = 0; i < a.size(); ++i) {
    while (a[i].time - a[j].time >= 3600) ++j;
    peak = std::max(peak, i - j + 1);
  }
  const double rate = static_cast<double>(peak) / 3600;  // set-offs per second
  w.cal.set_bucket_width(rate > 0 ? std::clamp(1.2 / rate, 0.01, 60.0) : 2.0);
}

void generate_visitors(World& w) {
  const Scenario& s = w.s;
  for (std::size_t c = 0; c < s.classes.size(); ++c) {
    const ClassDef& cd = s.classes[c];
    for (int d = w.sim.first_day(); d <= w.sim.last_day(); ++d) {
      double volume = cd.volume[static_cast<std::size_t>(d)] * cd.volume_scale * s.demand_scale;
      if (cd.poisson_count)
        volume = static_cast<double>(dist::poisson(volume, w.demand_rng.uniform(kDailyCountTag | (c << 16) | static_cast<std::uint64_t>(d), 0)));
      double persons = 0;
      for (std::uint64_t k = 0; persons < volume; ++k) {
        const std::uint64_t key = ((c + 1) << 48) | (static_cast<std::uint64_t>(d) << 40) | k;
        Time t = 0;
        const Party p = expo_party(w, key, &t, false);
        persons += p.size;
        w.demand.arrivals.push_back({t, key});
      }
      w.persons_generated += persons;
    }
  }
}

// Background (non-expo) users entering the metro station: Poisson counts per hour and line.
void generate_background(World& w) {
  const auto& L = w.L;
  auto& split_by_line = w.demand.background_split;
  split_by_line.assign(L.lines.size(), {});
  for (std::size_t li = 0; li < L.lines.size(); ++li) {
    const auto& l = L.lines[li];
    if (!l.metro) continue;
    std::vector<double> split(L.directions.size(), 0.0);
    bool any = false;
    for (std::size_t k = 0; k < l.directions.size(); ++k)
      if (L.directions[l.directions[k]].egress) {
        split[l.directions[k]] = l.background_split[k];
        any = any || l.background_split[k] > 0;
      }
    split_by_line[li] = split;
    if (!any) continue;
    for (int d = w.sim.first_day(); d <= w.sim.last_day(); ++d)
      for (std::uint64_t h = 0; h < 24; ++h) {
        const std::uint64_t slot = (li << 40) | ((static_cast<std::uint64_t>(d) * 24 + h) << 20);
        const auto n = dist::poisson(l.background_entries[h], w.background_rng.uniform(kBackgroundEntryTag | slot, 0));
        for (std::uint64_t k = 0; k < n; ++k) {
          const std::uint64_t key = kBackgroundEntryTag | slot | k;
          Time t = 0;
          background_entry(w, key, &t);
          // Nobody enters a station whose last train has gone (or is about to).
          const double clock = std::fmod(t, kSecondsPerDay);
          if (clock < w.s.lines[li].first_s || clock > w.s.lines[li].last_s - kLastEntryMargin) continue;
          w.demand.arrivals.push_back({t, key});
        }
      }
  }
}

}  // namespace

namespace demand {

void generate(World& w) {
  prepare_tables(w);
  generate_visitors(w);
  generate_background(w);
  // Keys grow with generation order (class, day, index; then background by line, day, hour),
  // so a stable sort by time gives the (time, key) order.
  sort_by_time(w.demand.arrivals);
  tune_calendar(w);
  if (!w.demand.arrivals.empty()) w.cal.schedule(w.demand.arrivals[0].time, kArrival, 0);
}

std::int32_t access_choice(const World& w, Mode m, double uu) {
  const DemandState& D = w.demand;
  switch (m) {
    case Mode::metro: return pick(D.metro_access, uu);
    case Mode::bus: return pick(D.bus_access, uu);
    case Mode::car: return pick(D.car_park, uu);
    case Mode::coach: return pick(D.coach_park, uu);
    case Mode::dropoff: return pick(D.dropoff, uu);
    case Mode::walk: return pick(D.walk_origin, uu);
    default: return 0;
  }
}

std::int32_t egress_choice(const World& w, const Party& p, double uu) {
  const DemandState& D = w.demand;
  const double stands = static_cast<double>(w.L.taxis.size());
  switch (p.egress) {
    case Mode::metro: return pick(D.metro_egress, uu);
    case Mode::bus: return pick(D.bus_egress, uu);
    case Mode::car:
    case Mode::coach: return static_cast<std::int32_t>(p.lot());
    case Mode::pickup: return pick(D.dropoff, uu);
    case Mode::walk: return pick(D.walk_origin, uu);
    case Mode::taxi: return static_cast<std::int32_t>(std::min<double>(uu * stands, stands - 1));
    default: return 0;
  }
}

const std::array<double, kNumModes>& party_access(const World& w, std::size_t cls) { return w.demand.party_access[cls]; }

Time leave_time(const World& w, const Party& p) {
  const ClassDef& cd = w.s.classes[p.cls];
  const Time day = day_start(w.now);
  const Time latest = day + cd.latest_s;
  const double u = World::u(w.demand_rng, p, kDrawDwell);
  if (!cd.leave.empty()) {
    if (auto t = dist::piecewise_uniform_between(cd.leave.weights, day + cd.leave.start_s, cd.leave.bin_s,
                                                 w.now + cd.min_visit_s, latest, u))
      return *t;
  } else if (const Time t = w.now + w.demand.dwell[p.cls](u); t < latest) {
    return t;
  }
  const Time from = std::max(w.now, latest - w.s.halls.sweep_s);
  return latest > from ? from + (latest - from) * World::u(w.demand_rng, p, kDrawSweep) : std::max(w.now, latest);
}

// Arrivals run in list order, one pending at a time: the calendar carries no index.
void on_arrival(World& w) {
  DemandState& D = w.demand;
  const std::size_t idx = D.next_arrival++;
  if (idx + 1 < D.arrivals.size()) w.cal.schedule(D.arrivals[idx + 1].time, kArrival, 0);
  const std::uint32_t pid = w.new_party(party_of(w, D.arrivals[idx].key, nullptr));  // set off now
  Party& p = w.parties[pid];
  if (p.background) {
    if (disruptions::suspended(w, p.egress_dir())) {  // no train: not here today
      w.finish(pid);
      return;
    }
    p.node = narrow<std::uint16_t>(w.L.lines[p.background_line()].concourse_node);
    advance(w, pid, Stage::fare_in);
    return;
  }
  if (is_line_mode(p.access)) {  // its line suspended, or not running by the time the party gets to it
    const std::size_t dir = p.access_dir();
    if (!transit::available(w, dir, w.L.directions[dir].travel_s)) {
      replan::access(w, pid, transit::suspended(w, dir) ? replan::Why::setoff : replan::Why::closed);
      return;
    }
  }
  start_access(w, pid);
}

void start_access(World& w, std::uint32_t pid) {
  Party& p = w.parties[pid];
  if (p.stage == Stage::none) {  // first start (not a re-plan while waiting)
    const bool vehicle = is_vehicle_mode(p.access) || p.access == Mode::dropoff;
    w.emit(RecordKind::arrive, w.L.place_arrivals[static_cast<std::size_t>(p.access)], p.size, vehicle ? 1 : 0, p.cls);
  }
  switch (p.access) {
    case Mode::metro:
    case Mode::bus:
      p.ride = narrow<std::int16_t>(p.access_dir());
      advance(w, pid, Stage::up_wait);
      break;
    case Mode::car:
    case Mode::coach: advance(w, pid, Stage::lot_space); break;
    case Mode::dropoff: advance(w, pid, Stage::drop_bay); break;
    case Mode::walk:
      p.node = narrow<std::uint16_t>(w.L.walk_origins[p.origin()]);
      advance(w, pid, Stage::entrance);
      break;
    default: EXPOFLOW_CHECK(false, "not an access mode");
  }
}

}  // namespace demand
}  // namespace expoflow::model
