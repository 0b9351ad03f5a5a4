// One replication of the expo model: parties, resources and the event loop.
//
// A party (a group that travels together) moves through stages: access (metro or bus ride,
// car park, drop-off, coach park, walk from a hub), walks along walkways, security, the halls,
// then egress (fare gates and platform, bus stop, taxi stand, pick-up, car park). Every component
// with a capacity is a kernel Resource; what differs between components is only how long a
// party holds what it got. Events carry ids: kParty events resume a party at its stage.
#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <fmt/format.h>
#include <atomic>
#include <map>

#include "kernel/calendar.hpp"
#include "kernel/fifo.hpp"
#include "kernel/random.hpp"
#include "kernel/resource.hpp"
#include "model/layout.hpp"

namespace expoflow::model {

namespace {

enum EventKind : std::uint32_t {
  kArrival, kParty, kTripUp, kTripArrive, kCab, kLanes, kStandClose, kEventStart, kEventEnd, kExitDirection
};

enum class Stage : std::uint8_t {
  none, up_wait, ride, walk, security, fare_out, fare_in, hall, platform, board, taxi, taxi_bay,
  lot_space, drop_bay, pickup_wait, pickup_bay, ride_out, lot_leave, done
};

// Draw indices of a party's random numbers: fixed per purpose, so a party's draws do not depend
// on what happened before (common random numbers across scenarios).
enum Draw : std::uint64_t {
  kDrawMode = 0, kDrawSize, kDrawTime, kDrawDwell, kDrawEgress, kDrawAccessChoice,
  kDrawEgressChoice, kDrawSpeed, kDrawPickup, kDrawBay, kDrawReroute, kDrawGate, kDrawReplanMode, kDrawReplanChoice, kDrawService = 64
};

// Narrowing into Party's compact fields; the scenario limits (nodes, lines, lots < 2^15) keep
// every value in range, which debug builds check.
template <class T, class U>
T narrow(U v) {
  const T t = static_cast<T>(v);
  EXPOFLOW_CHECK(static_cast<U>(t) == v, "value does not fit a party field");
  return t;
}

// 48 bytes: a run holds every party present at once (hundreds of thousands in a busy hour).
// What can be recomputed cheaply from the key or from the stage (the resource held) is not
// stored; when a wait started is kept by the queue it is in (Request::since, an outlet's FIFO).
struct Party {
  std::uint64_t key = 0;
  const std::vector<EdgeId>* path = nullptr;
  float speed = 0;  // free walking speed, m/s (a keyed draw, kept once drawn; 0 = not yet)
  std::uint16_t node = 0, dest = 0;
  std::int16_t access_choice = 0, egress_choice = 0;
  std::int16_t ride = -1;  // direction ridden to the site
  std::uint16_t gate = 0;  // entrance chosen
  std::uint16_t size = 1, edge_i = 0;
  std::uint8_t cls = 0;
  Mode access = Mode::walk, egress = Mode::walk;
  Stage stage = Stage::none, after = Stage::none;
  std::uint8_t phase = 0;
  bool background = false, on_platform = false;
};
static_assert(sizeof(Party) <= 48, "keep Party small: see the comment above");

constexpr std::uint64_t kBackgroundEntryTag = 0xB0ULL << 56;
constexpr double kLastEntryMargin = 600;  // s before a line's last train when entries stop
constexpr std::uint64_t kBackgroundExitTag = 0xB1ULL << 56;

class Run {
 public:
  Run(const Simulation& sim, std::uint64_t seed, std::uint32_t rep, RecordObserver* extra)
      : sim_(sim), s_(sim.scenario()), L_(sim.layout()), g_(sim.graph()),
        rec_(std::make_unique<Recorder>(sim.places(), L_.num_bins, s_.bin_s)), extra_(extra),
        demand_(seed, "demand", rep), service_(seed, "service", rep), choice_(seed, "choice", rep),
        supply_(seed, "supply", rep), background_(seed, "background", rep) {
    build_resources();
    for (std::size_t i = 0; i < s_.observed.size(); ++i) rec_->add_probe(make_probe(s_.observed[i]));
  }

  static constexpr std::size_t kPrefetchAhead = 4;
  std::uint64_t runs_seen_ = 0;

  ReplicationResult run() {
    generate_demand();
    schedule_supply();
    while (!cal_.empty() && cal_.next_time() <= s_.horizon_s) {
      if ((cal_.num_processed() & 0xffff) == 0 && stop_requested()) throw Interrupted{};
      const Event e = cal_.pop();
      now_ = e.time;
      // The party of the next event is most likely not in cache (parties are touched in time
      // order, not memory order): start loading it now.
      // Parties are also fetched a few events ahead, from the calendar's sorted run (a miss to
      // memory takes longer than one event): the one kPrefetchAhead places on, and when a new
      // bucket has just become the run, its first ones too.
      if (Event next; cal_.peek_near(&next) && next.kind == kParty) prefetch_party(next.target);
      std::size_t from = kPrefetchAhead;
      if (cal_.num_runs() != runs_seen_) {
        runs_seen_ = cal_.num_runs();
        from = 1;
      }
      for (std::size_t k = from; k <= kPrefetchAhead; ++k)
        if (Event ahead; cal_.peek_ahead(k, &ahead) && ahead.kind == kParty) prefetch_party(ahead.target);
      switch (e.kind) {
        case kArrival: on_arrival(); break;
        case kParty: on_party(e.target); break;
        case kTripUp: on_trip_upstream(e.target); break;
        case kTripArrive: on_trip_arrive(e.target); break;
        case kCab: on_cab(e.target); break;
        case kLanes: on_lanes(e.target); break;
        case kStandClose: on_stand_close(e.target); break;
        case kEventStart: on_event(e.target, true); break;
        case kEventEnd: on_event(e.target, false); break;
        case kExitDirection: on_exit_direction(e.target); break;
        default: EXPOFLOW_CHECK(false, "unknown event kind");
      }
    }
    now_ = s_.horizon_s;
    rec_->close(s_.horizon_s);
    return result();
  }

 private:
  // ---- resources -------------------------------------------------------------------------
  std::uint32_t walk_storage(EdgeId e) const { return 2 * e; }
  std::uint32_t walk_outlet(EdgeId e) const { return 2 * e + 1; }

  std::uint32_t add_resource(std::int64_t capacity, std::uint32_t place) {
    res_.emplace_back(capacity);
    res_place_.push_back(place);
    return static_cast<std::uint32_t>(res_.size() - 1);
  }

  void build_resources() {
    for (auto& w : L_.walkways) {
      add_resource(static_cast<std::int64_t>(w.storage), w.place);
      add_resource(1, w.place);
    }
    for (auto& g : L_.gates) gate_res_.push_back(add_resource(0, g.place));
    for (auto& l : L_.lines) {
      if (l.metro) {
        fare_in_res_.push_back(add_resource(static_cast<std::int64_t>(l.fare_gates_in), l.place_fare_in));
        fare_out_res_.push_back(add_resource(static_cast<std::int64_t>(l.fare_gates_out), l.place_fare_out));
        platform_res_.push_back(add_resource(static_cast<std::int64_t>(l.platform_capacity), l.place_platform));
      } else {
        fare_in_res_.push_back(0);
        fare_out_res_.push_back(0);
        platform_res_.push_back(0);
      }
    }
    for (auto& d : L_.directions) {
      up_res_.push_back(add_resource(0, d.place_upstream));
      stop_res_.push_back(add_resource(0, d.place_stop));
    }
    trip_up_.assign(L_.directions.size(), 0);
    trip_arrive_.assign(L_.directions.size(), 0);
    for (auto& t : L_.taxis) {
      taxi_line_res_.push_back(add_resource(0, t.place_parties));
      taxi_bay_res_.push_back(add_resource(static_cast<std::int64_t>(t.bays), t.place_bays));
    }
    cab_rank_.resize(L_.taxis.size());
    cab_count_.assign(L_.taxis.size(), 0);
    for (auto& l : L_.lots) lot_res_.push_back(add_resource(static_cast<std::int64_t>(l.spaces), l.place));
    hall_res_ = add_resource(Resource::kUnlimited, L_.place_hall_hold);
    event_active_.assign(s_.events.size(), 0);
    suspended_.assign(L_.directions.size(), 0);
    // Every resource exists from here on: size the per-resource tables.
    closed_.assign(g_.num_edges(), 0);
    paths_ = &g_.open_paths();
    platform_occ_.assign(L_.lines.size(), 0.0);
    platform_closed_.assign(L_.lines.size(), 0);
    for (auto& ev : s_.events) has_walk_speed_events_ = has_walk_speed_events_ || ev.kind == model::EventKind::walk_speed;
    queued_persons_.assign(res_.size(), 0);
    walkers_.assign(L_.walkways.size(), 0);
    outlet_since_.resize(L_.walkways.size());
    res_vehicles_.assign(res_.size(), 0);
    for (auto r : lot_res_) res_vehicles_[r] = 1;
    for (auto r : taxi_bay_res_) res_vehicles_[r] = 1;
  }

  [[gnu::always_inline]] void emit(RecordKind kind, std::uint32_t place, std::uint32_t persons,
                                   std::uint32_t vehicles = 0, double value = 0) {
    const Record r{now_, place, persons, vehicles, kind, value};
    rec_->record(r);
    if (extra_) extra_->on_record(r);
#if defined(EXPOFLOW_CHECKS)
    check_invariants(r);
#endif
  }

#if defined(EXPOFLOW_CHECKS)
  // Debug and test builds check, record by record, that nothing is lost or overfilled: persons (or
  // vehicles) present and queueing at every place never negative, no vehicle above its
  // capacity, no walkway, lot, bay or cab rank above its capacity. Platforms and halls may hold
  // more than their nominal capacity (riders alight regardless; the halls' limit is a policy).
  void check_invariants(const Record& r) {
    if (inv_present_.empty()) {
      inv_present_.assign(sim_.places().size(), 0.0);
      inv_queue_.assign(sim_.places().size(), 0.0);
    }
    const Place& pl = sim_.places()[r.place];
    const double units = r.persons + r.vehicles;
    switch (r.kind) {
      case RecordKind::enter:
        inv_present_[r.place] += units;
        if (pl.capacity > 0 && pl.kind != PlaceKind::platform && pl.kind != PlaceKind::hall && pl.kind != PlaceKind::metro &&
            pl.kind != PlaceKind::bus && pl.kind != PlaceKind::shuttle)
          EXPOFLOW_CHECK(inv_present_[r.place] <= pl.capacity + 1e-9, pl.id.c_str());
        break;
      case RecordKind::leave:
        inv_present_[r.place] -= units;
        EXPOFLOW_CHECK(inv_present_[r.place] >= -1e-9, pl.id.c_str());
        break;
      case RecordKind::queue_join: inv_queue_[r.place] += units; break;
      case RecordKind::queue_leave:
        inv_queue_[r.place] -= units;
        EXPOFLOW_CHECK(inv_queue_[r.place] >= -1e-9, pl.id.c_str());
        break;
      case RecordKind::depart:
        EXPOFLOW_CHECK(r.value <= 0 || r.persons <= r.value + 1e-9, pl.id.c_str());
        break;
      default: break;
    }
  }
  std::vector<double> inv_present_, inv_queue_;
#endif

  // A record about party p at resource r: in persons, or as one vehicle where vehicles queue
  // (car-park spaces, drop-off and taxi bays).
  [[gnu::always_inline]] void emit_for(RecordKind kind, std::uint32_t r, const Party& p, double value = 0) {
    emit_for(kind, r, p.size, value);
  }
  [[gnu::always_inline]] void emit_for(RecordKind kind, std::uint32_t r, std::uint32_t persons, double value = 0) {
    if (res_vehicles_[r]) emit(kind, res_place_[r], 0, 1, value);
    else emit(kind, res_place_[r], persons, 0, value);
  }

  // Ask resource r for `units` on behalf of a party. True: granted now (the caller starts the
  // service). False: the party waits; a kParty event resumes it when granted.
  bool acquire(std::uint32_t pid, std::uint32_t r, std::uint32_t units) {
    Party& p = parties_[pid];
    p.phase = 0;
    if (res_[r].request(pid, units, now_, p.size)) {
      emit_for(RecordKind::served, r, p, 0.0);
      return true;
    }
    queued_persons_[r] += p.size;
    emit_for(RecordKind::queue_join, r, p);
    return false;
  }

  // Both ends of the record: at 48 bytes, half the parties straddle two cache lines.
  void prefetch_party(std::uint32_t pid) const {
    const char* p = reinterpret_cast<const char*>(&parties_[pid]);
    __builtin_prefetch(p);
    __builtin_prefetch(p + sizeof(Party) - 1);
  }

  // The party itself is not read here (it has waited, so it is out of cache): its event, due
  // now, resumes it, and the prefetch has it loaded by then.
  void on_granted(std::uint32_t r, const Request& q) {
    prefetch_party(q.id);
    queued_persons_[r] -= q.weight;
    emit_for(RecordKind::queue_leave, r, q.weight);
    emit_for(RecordKind::served, r, q.weight, now_ - q.since);
    cal_.schedule(now_, kParty, q.id);
  }

  void release(std::uint32_t r, std::uint32_t units) {
    res_[r].release(units, [&](const Request& q) { on_granted(r, q); });
  }

  // Join a waiting line that vehicles serve with offer(): never granted at once.
  // `units`: places the party needs (its size on a vehicle, one cab at a taxi stand).
  void wait_for_vehicle(std::uint32_t pid, std::uint32_t r, std::uint32_t units) {
    Party& p = parties_[pid];
    res_[r].request(pid, units, now_, p.size);
    queued_persons_[r] += p.size;
    emit(RecordKind::queue_join, res_place_[r], p.size);
  }
  void left_waiting_line(std::uint32_t r, const Request& q) {
    queued_persons_[r] -= q.weight;
    emit(RecordKind::queue_leave, res_place_[r], q.weight);
    emit(RecordKind::served, res_place_[r], q.weight, 0, now_ - q.since);
  }

  // ---- demand ----------------------------------------------------------------------------
  // Parties live in slots that are reused once a party has left: memory follows the number of
  // parties present, not the number over the whole run. A party is created when it arrives, from
  // its key alone (every attribute is a keyed draw), so the demand list holds (time, key) pairs.
  std::uint32_t new_party(const Party& p) {
    persons_live_ += p.size;
    if (!free_slots_.empty()) {
      const std::uint32_t pid = free_slots_.back();
      free_slots_.pop_back();
      parties_[pid] = p;
      return pid;
    }
    parties_.push_back(p);
    return static_cast<std::uint32_t>(parties_.size() - 1);
  }

  double u(const RandomStream& st, const Party& p, std::uint64_t draw) const { return st.uniform(p.key, draw); }

  std::int32_t pick(const std::vector<double>& w, double uu) const {
    return static_cast<std::int32_t>(dist::discrete(w, uu));
  }
  static std::int32_t pick(const dist::Cumulative& table, double uu) { return static_cast<std::int32_t>(table(uu)); }

  // Access shares are shares of persons; a party of mode m carries E[size_m] persons on average,
  // so the probability that a party uses mode m is proportional to share_m / E[size_m].
  void party_access_weights() {
    for (const ClassDef& cd : s_.classes) dwell_.emplace_back(cd.dwell_mean_s, cd.dwell_sd_s);
    for (const ClassDef& cd : s_.classes) {
      std::array<double, kNumModes> w{};
      for (std::size_t m = 0; m < kNumModes; ++m) {
        const auto& ps = s_.party_size[m];
        double mean = 0, total = 0;
        for (std::size_t i = 0; i < ps.sizes.size(); ++i) {
          mean += ps.sizes[i] * ps.weights[i];
          total += ps.weights[i];
        }
        w[m] = cd.access[m] / (mean / total);
      }
      party_access_.push_back(w);
      party_mode_.emplace_back(w);
      auto& eg = party_egress_.emplace_back();
      for (std::size_t m = 0; m < kNumModes; ++m) eg[m] = dist::Cumulative(cd.egress[m]);
    }
    for (std::size_t m = 0; m < kNumModes; ++m) party_size_[m] = dist::Cumulative(s_.party_size[m].weights);
    metro_access_t_ = dist::Cumulative(L_.metro_access_w);
    bus_access_t_ = dist::Cumulative(L_.bus_access_w);
    car_park_t_ = dist::Cumulative(L_.car_park_weights);
    coach_park_t_ = dist::Cumulative(L_.coach_park_weights);
    dropoff_t_ = dist::Cumulative(L_.dropoff_weights);
    walk_origin_t_ = dist::Cumulative(L_.walk_origin_weights);
    metro_egress_t_ = dist::Cumulative(L_.metro_egress_w);
    bus_egress_t_ = dist::Cumulative(L_.bus_egress_w);
  }

  static constexpr std::uint64_t kIndexMask = (1ULL << 40) - 1;

  // Party k of class c on day d, and the time it sets off (reaches its access point, or boards
  // upstream for a ride).
  // `with_egress` false: only what the set-off time depends on (demand generation).
  Party expo_party(std::uint64_t key, Time* setoff, bool with_egress = true) const {
    const std::size_t c = (key >> 48) - 1;
    const auto d = static_cast<int>((key >> 40) & 0xff);
    const ClassDef& cd = s_.classes[c];
    Party p;
    p.key = key;
    p.cls = narrow<std::uint8_t>(c);
    p.access = static_cast<Mode>(party_mode_[c](u(demand_, p, kDrawMode)));
    const auto& ps = s_.party_size[static_cast<std::size_t>(p.access)];
    p.size = static_cast<std::uint16_t>(ps.sizes[party_size_[static_cast<std::size_t>(p.access)](u(demand_, p, kDrawSize))]);
    const auto ai = static_cast<std::size_t>(p.access);
    p.access_choice = static_cast<std::int16_t>(access_choice(p.access, u(choice_, p, kDrawAccessChoice)));
    if (with_egress) {
      p.egress = static_cast<Mode>(party_egress_[c][ai](u(demand_, p, kDrawEgress)));
      p.egress_choice = static_cast<std::int16_t>(egress_choice(p, u(choice_, p, kDrawEgressChoice)));
    }
    if (setoff) {
      Time t = d * kSecondsPerDay + cd.profile_start_s;
      t = dist::piecewise_uniform(cd.profile, t, cd.profile_bin_s, u(demand_, p, kDrawTime));
      if (p.access == Mode::metro || p.access == Mode::bus)
        t -= L_.directions[static_cast<std::size_t>(p.access_choice)].travel_s;
      *setoff = std::max(0.0, t);
    }
    return p;
  }

  // A non-expo user entering the metro station (line li) to take a train.
  Party background_entry(std::uint64_t key, Time* setoff) const {
    const std::size_t li = (key >> 40) & 0xffff;
    const std::uint64_t slot_index = (key >> 20) & 0xfffff;  // day * 24 + hour
    Party p;
    p.key = key;
    p.background = true;
    p.access = Mode::metro;
    p.egress = Mode::metro;
    p.access_choice = narrow<std::int16_t>(li);
    p.egress_choice = narrow<std::int16_t>(pick(background_split_[li], background_.uniform(p.key, 1)));
    if (setoff) *setoff = (static_cast<double>(slot_index) + background_.uniform(p.key, 2)) * 3600;
    return p;
  }

  // The party of a demand key; its set-off time too unless `setoff` is null.
  Party party_of(std::uint64_t key, Time* setoff) const {
    return (key >> 56) == (kBackgroundEntryTag >> 56) ? background_entry(key, setoff) : expo_party(key, setoff);
  }

  void generate_demand() {
    party_access_weights();
    for (std::size_t c = 0; c < s_.classes.size(); ++c) {
      const ClassDef& cd = s_.classes[c];
      for (int d = 0; d < s_.days; ++d) {
        const double volume = cd.volume[static_cast<std::size_t>(d)] * cd.volume_scale * s_.demand_scale;
        double persons = 0;
        for (std::uint64_t k = 0; persons < volume; ++k) {
          const std::uint64_t key = ((c + 1) << 48) | (static_cast<std::uint64_t>(d) << 40) | k;
          Time t = 0;
          const Party p = expo_party(key, &t, false);
          persons += p.size;
          arrivals_.push_back({t, key});
        }
        persons_generated_ += persons;
      }
    }
    // Background (non-expo) users entering the metro station: Poisson counts per hour and line.
    background_split_.assign(L_.lines.size(), {});
    for (std::size_t li = 0; li < L_.lines.size(); ++li) {
      const auto& l = L_.lines[li];
      if (!l.metro) continue;
      std::vector<double> split(L_.directions.size(), 0.0);
      bool any = false;
      for (std::size_t k = 0; k < l.directions.size(); ++k)
        if (L_.directions[l.directions[k]].egress) {
          split[l.directions[k]] = l.background_split[k];
          any = any || l.background_split[k] > 0;
        }
      background_split_[li] = split;
      if (!any) continue;
      for (int d = 0; d < s_.days; ++d)
        for (std::uint64_t h = 0; h < 24; ++h) {
          const std::uint64_t slot = (li << 40) | ((static_cast<std::uint64_t>(d) * 24 + h) << 20);
          const auto n = dist::poisson(l.background_entries[h], background_.uniform(kBackgroundEntryTag | slot, 0));
          for (std::uint64_t k = 0; k < n; ++k) {
            const std::uint64_t key = kBackgroundEntryTag | slot | k;
            Time t = 0;
            background_entry(key, &t);
            // Nobody enters a station whose last train has gone (or is about to).
            const double clock = std::fmod(t, kSecondsPerDay);
            if (clock < s_.lines[li].first_s || clock > s_.lines[li].last_s - kLastEntryMargin) continue;
            arrivals_.push_back({t, key});
          }
        }
    }
    // Keys grow with generation order (class, day, index; then background by line, day, hour),
    // so a stable sort by time gives the (time, key) order.
    sort_by_time(arrivals_);
    tune_calendar();
    if (!arrivals_.empty()) cal_.schedule(arrivals_[0].time, kArrival, 0);
  }

  // Calendar buckets sized from the busiest hour of set-offs: a party causes some eight events
  // spread over its visit, and about ten events per bucket at that rate is the sweet spot
  // measured on the CIIE baseline, its x10 variant and gates-1m.
  void tune_calendar() {
    std::size_t peak = 0;
    for (std::size_t i = 0, j = 0; i < arrivals_.size(); ++i) {
      while (arrivals_[i].time - arrivals_[j].time >= 3600) ++j;
      peak = std::max(peak, i - j + 1);
    }
    const double rate = static_cast<double>(peak) / 3600;  // set-offs per second
    cal_.set_bucket_width(rate > 0 ? std::clamp(1.2 / rate, 0.01, 60.0) : 2.0);
  }

  // Sort by (time, key) in linear expected time: a counting sort into about n/4 buckets of equal
  // time span (stable, so each bucket keeps the list's key order), then insertion sort within each
  // bucket. Identical to a comparison sort on (time, key), keys being unique.
  template <class T>
  static void sort_by_time(std::vector<T>& v) {
    const std::size_t n = v.size();
    if (n < 2) return;
    Time lo = v[0].time, hi = v[0].time;
    for (const T& a : v) {
      lo = std::min(lo, a.time);
      hi = std::max(hi, a.time);
    }
    const std::size_t nb = std::max<std::size_t>(1, n / 4);
    const double scale = hi > lo ? static_cast<double>(nb) / (hi - lo) : 0.0;
    auto bucket = [&](const T& a) {
      return std::min(nb - 1, static_cast<std::size_t>((a.time - lo) * scale));
    };
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

  std::int32_t access_choice(Mode m, double uu) const {
    switch (m) {
      case Mode::metro: return pick(metro_access_t_, uu);
      case Mode::bus: return pick(bus_access_t_, uu);
      case Mode::car: return pick(car_park_t_, uu);
      case Mode::coach: return pick(coach_park_t_, uu);
      case Mode::dropoff: return pick(dropoff_t_, uu);
      case Mode::walk: return pick(walk_origin_t_, uu);
      default: return 0;
    }
  }
  std::int32_t egress_choice(const Party& p, double uu) const {
    switch (p.egress) {
      case Mode::metro: return pick(metro_egress_t_, uu);
      case Mode::bus: return pick(bus_egress_t_, uu);
      case Mode::car:
      case Mode::coach: return p.access_choice;
      case Mode::pickup: return pick(dropoff_t_, uu);
      case Mode::walk: return pick(walk_origin_t_, uu);
      case Mode::taxi: return static_cast<std::int32_t>(std::min<double>(uu * static_cast<double>(L_.taxis.size()), static_cast<double>(L_.taxis.size() - 1)));
      default: return 0;
    }
  }

  // ---- supply: gate lanes, trains and buses, cabs -----------------------------------------
  void schedule_supply() {
    for (std::size_t g = 0; g < L_.gates.size(); ++g) {
      set_lanes(g);
      for (int d = 0; d < s_.days; ++d)
        for (auto& [t, v] : L_.gates[g].lanes) cal_.schedule(d * kSecondsPerDay + t, kLanes, static_cast<std::uint32_t>(g));
    }
    for (std::size_t i = 0; i < L_.directions.size(); ++i) {
      const auto& d = L_.directions[i];
      if (!d.arrivals.empty())
        cal_.schedule(std::max(0.0, d.arrivals[0] - d.travel_s), kTripUp, static_cast<std::uint32_t>(i));
    }
    for (std::size_t i = 0; i < s_.events.size(); ++i) {
      cal_.schedule(s_.events[i].from_s, kEventStart, static_cast<std::uint32_t>(i));
      cal_.schedule(s_.events[i].to_s, kEventEnd, static_cast<std::uint32_t>(i));
    }
    // Exit direction control: three switches a day per walkway (morning, reversal, end).
    const auto& xd = s_.policy.exit_direction;
    for (int d = 0; d < s_.days; ++d)
      for (std::size_t i = 0; i < xd.size(); ++i) {
        const Time base = d * kSecondsPerDay;
        cal_.schedule(base + xd[i].from_s, kExitDirection, static_cast<std::uint32_t>(3 * i));
        cal_.schedule(base + xd[i].switch_s, kExitDirection, static_cast<std::uint32_t>(3 * i + 1));
        cal_.schedule(base + xd[i].to_s, kExitDirection, static_cast<std::uint32_t>(3 * i + 2));
      }
    for (std::size_t t = 0; t < L_.taxis.size(); ++t) {
      schedule_cab(static_cast<std::uint32_t>(t));
      for (int d = 0; d < s_.days; ++d)
        cal_.schedule(d * kSecondsPerDay + L_.taxis[t].close_s, kStandClose, static_cast<std::uint32_t>(t));
    }
  }

  void set_lanes(std::size_t g) {
    const double clock = std::fmod(now_, kSecondsPerDay);
    std::int64_t lanes = 0;
    for (auto& [t, v] : L_.gates[g].lanes)
      if (t <= clock) lanes = v;
    // Disruptions and the hall occupancy policy act on the lanes the schedule opens.
    double scale = 1;
    for (std::size_t i = 0; i < s_.events.size(); ++i) {
      const EventDef& ev = s_.events[i];
      if (!event_active_[i] || !(ev.target == "*" || ev.target == s_.gates[g].id)) continue;
      if (ev.kind == model::EventKind::lanes) scale *= ev.scale;
      if (ev.kind == model::EventKind::close_gate) scale = 0;
    }
    if (hall_tier_ >= 1) scale *= s_.policy.stagger_lane_share;
    if (hall_tier_ >= 3) scale = 0;
    if (scale != 1) lanes = static_cast<std::int64_t>(std::llround(static_cast<double>(lanes) * scale));
    const std::uint32_t r = gate_res_[g];
    res_[r].set_capacity(lanes, [&](const Request& q) { on_granted(r, q); });
  }
  // At closing time the entrances stop admitting: whoever still queues is turned away and heads
  // home without entering (counted as denied at the entrance).
  void on_lanes(std::uint32_t g) {
    set_lanes(g);
    const std::uint32_t r = gate_res_[g];
    if (res_[r].capacity() == 0 && halls_closed()) {
      res_[r].withdraw_all([&](const Request& q) {
        Party& p = parties_[q.id];
        queued_persons_[r] -= p.size;
        emit(RecordKind::queue_leave, res_place_[r], p.size);
        turn_away(q.id);
      });
    }
  }

  bool halls_closed() const { return std::fmod(now_, kSecondsPerDay) >= s_.halls.close_s; }

  void turn_away(std::uint32_t pid) {
    Party& p = parties_[pid];
    emit(RecordKind::denied, L_.gates[p.gate].place, p.size);
    head_home(pid);
  }

  double background_load(const DirectionLayout& d, Time t) const {
    const auto h = static_cast<std::size_t>(std::fmod(t, kSecondsPerDay) / 3600) % 24;
    return d.background_load[h];
  }

  void on_trip_upstream(std::uint32_t di) {
    const DirectionLayout& d = L_.directions[di];
    const LineLayout& l = L_.lines[d.line];
    const std::size_t k = trip_up_[di]++;
    const Time arrive = d.arrivals[k];
    const std::uint32_t r = up_res_[di];
    if (d.access && res_[r].num_waiting() > 0 && !suspended(di)) {
      const auto onboard = static_cast<std::uint32_t>(std::floor(background_load(d, arrive) * l.capacity));
      const auto space = static_cast<std::uint32_t>(l.capacity) - std::min(onboard, static_cast<std::uint32_t>(l.capacity));
      std::uint32_t boarded = 0;
      res_[r].offer(space, [&](const Request& q) {
        Party& p = parties_[q.id];
        left_waiting_line(r, q);
        boarded += p.size;
        p.stage = Stage::ride;
        cal_.schedule(arrive, kParty, q.id);
      });
      if (boarded) emit(RecordKind::board, l.place_line, boarded);
      if (queued_persons_[r] > 0) emit(RecordKind::denied, l.place_line, static_cast<std::uint32_t>(queued_persons_[r]));
      emit(RecordKind::depart, d.place_upstream, onboard + boarded, 1, l.capacity);
    }
    cal_.schedule(arrive, kTripArrive, di);
    if (k + 1 < d.arrivals.size())
      cal_.schedule(std::max(now_, d.arrivals[k + 1] - d.travel_s), kTripUp, di);
  }

  void on_trip_arrive(std::uint32_t di) {
    const DirectionLayout& d = L_.directions[di];
    const LineLayout& l = L_.lines[d.line];
    const std::size_t k = trip_arrive_[di]++;
    if (suspended(di)) return;  // the trip does not run
    const auto cap = static_cast<std::uint32_t>(l.capacity);
    const std::uint64_t trip_key = kBackgroundExitTag | (static_cast<std::uint64_t>(di) << 40) | (k << 16);
    auto onboard = static_cast<std::uint32_t>(
        std::floor(background_load(d, now_) * l.capacity + background_.uniform(trip_key, 0)));
    onboard = std::min(onboard, cap);
    if (l.metro) {
      const auto alight = static_cast<std::uint32_t>(
          std::floor(onboard * d.background_alight * l.background_scale + background_.uniform(trip_key, 1)));
      const std::uint32_t n = std::min(alight, onboard);
      onboard -= n;
      if (n) emit(RecordKind::alight, l.place_line, n);
      for (std::uint32_t i = 0; i < n; ++i) {
        Party p;
        p.key = trip_key | i;
        p.background = true;
        p.access = Mode::metro;
        p.egress = Mode::walk;
        p.access_choice = narrow<std::int16_t>(d.line);
            p.node = narrow<std::uint16_t>(l.site_node);
        const std::uint32_t pid = new_party(p);
        arrive_on_platform(pid);
      }
    }
    std::uint32_t boarded = 0;
    const std::uint32_t r = stop_res_[di];
    if (d.egress) {
      res_[r].offer(cap - onboard, [&](const Request& q) {
        Party& p = parties_[q.id];
        left_waiting_line(r, q);
        boarded += p.size;
        if (l.metro) {
          emit(RecordKind::leave, l.place_platform, p.size);
          platform_change(d.line, -static_cast<double>(p.size));
          const std::uint32_t pr = platform_res_[d.line];
          res_[pr].release(p.size, [&](const Request& w) { on_granted(pr, w); });
        }
        if (p.egress == Mode::car || p.egress == Mode::coach) {  // shuttle back to the lot
          p.stage = Stage::ride_out;
          cal_.schedule(now_ + d.travel_s, kParty, q.id);
        } else {
          finish(q.id);
        }
      });
      if (boarded) emit(RecordKind::board, l.place_line, boarded);
      if (queued_persons_[r] > 0) emit(RecordKind::denied, l.place_line, static_cast<std::uint32_t>(queued_persons_[r]));
    }
    emit(RecordKind::depart, l.place_line, onboard + boarded, 1, l.capacity);
    // After a bus line's last departure of the day, whoever still waits for it goes another way.
    const bool last_today = k + 1 >= d.arrivals.size() ||
                            std::floor(d.arrivals[k + 1] / kSecondsPerDay) != std::floor(now_ / kSecondsPerDay);
    if (!l.metro && d.egress && last_today) give_up_waiting(r);
  }

  // Non-homogeneous Poisson cab arrivals: invert the cumulative hourly intensity.
  void schedule_cab(std::uint32_t ti) {
    const TaxiLayout& t = L_.taxis[ti];
    double remaining = -std::log(supply_.uniform((static_cast<std::uint64_t>(ti) << 40) | cab_count_[ti]++, 0));
    Time at = now_;
    while (at < s_.horizon_s) {
      const double clock = std::fmod(at, kSecondsPerDay);
      const auto h = static_cast<std::size_t>(clock / 3600) % 24;
      const Time seg_end = std::floor(at / 3600 + 1) * 3600;
      const bool open = clock >= t.open_s && clock < t.close_s;
      double rate = open ? t.cabs_per_hour[h] / 3600 : 0;
      Time seg_stop = seg_end;
      for (const EventDef& ev : s_.events)
        if (ev.kind == model::EventKind::cab_supply && (ev.target == "*" || ev.target == s_.taxi_stands[ti].id)) {
          if (at >= ev.from_s && at < ev.to_s) rate *= ev.scale;
          if (ev.from_s > at) seg_stop = std::min(seg_stop, ev.from_s);
          if (ev.to_s > at) seg_stop = std::min(seg_stop, ev.to_s);
        }
      if (rate > 0 && rate * (seg_stop - at) >= remaining) {
        cal_.schedule(at + remaining / rate, kCab, ti);
        return;
      }
      remaining -= rate * (seg_stop - at);
      at = seg_stop;
    }
  }

  void on_cab(std::uint32_t ti) {
    const TaxiLayout& t = L_.taxis[ti];
    const std::uint32_t r = taxi_line_res_[ti];
    const std::uint32_t matched = res_[r].offer(1, [&](const Request& q) {
      left_waiting_line(r, q);
      emit(RecordKind::served, t.place_cabs, 0, 1, 0.0);
      go_to_taxi_bay(q.id);
    });
    if (!matched) {
      if (static_cast<double>(cab_rank_[ti].size()) < t.rank_capacity) {
        cab_rank_[ti].push_back(now_);
        emit(RecordKind::enter, t.place_cabs, 0, 1);
      } else {
        emit(RecordKind::denied, t.place_cabs, 0, 1);  // rank full: the cab drives on
      }
    }
    schedule_cab(ti);
  }

  // Everyone waiting on r (a bus stop after the last bus, a taxi stand at closing) leaves the
  // queue and goes home another way: car users walk to their car, others take the metro.
  void give_up_waiting(std::uint32_t r) {
    res_[r].withdraw_all([&](const Request& q) {
      Party& p = parties_[q.id];
      queued_persons_[r] -= p.size;
      emit(RecordKind::queue_leave, res_place_[r], p.size);
      emit(RecordKind::denied, res_place_[r], p.size);
      reroute(q.id);
    });
  }

  void reroute(std::uint32_t pid) {
    Party& p = parties_[pid];
    if (p.egress == Mode::car || p.egress == Mode::coach) {
      const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.access_choice)];
      walk(pid, lot.node, Stage::lot_leave);
      return;
    }
    const bool any_metro = std::any_of(L_.metro_egress_w.begin(), L_.metro_egress_w.end(), [](double w) { return w > 0; });
    if (!any_metro) {
      finish(pid);  // nowhere else to go: counted as denied where it waited
      return;
    }
    p.egress = Mode::metro;
    p.egress_choice = narrow<std::int16_t>(pick(L_.metro_egress_w, u(choice_, p, kDrawReroute)));
    head_home(pid);
  }

  void on_stand_close(std::uint32_t ti) { give_up_waiting(taxi_line_res_[ti]); }

  // ---- disruptions, interventions and policies --------------------------------------------
  bool applies(const EventDef& ev, const std::string& id) const { return ev.target == "*" || ev.target == id; }

  // Is the direction's line suspended now? (Read on every set-off and every trip: kept per
  // direction, updated when a suspension starts or ends.)
  bool suspended(std::size_t dir) const { return suspended_[dir] != 0; }

  void update_suspended() {
    for (std::size_t dir = 0; dir < L_.directions.size(); ++dir) {
      const DirectionLayout& d = L_.directions[dir];
      const std::string& line = s_.lines[d.line].id;
      const std::string full = line + "." + s_.lines[d.line].directions[dir_index_[dir]].id;
      suspended_[dir] = 0;
      for (std::size_t i = 0; i < s_.events.size(); ++i)
        if (event_active_[i] && s_.events[i].kind == model::EventKind::suspend_line &&
            (s_.events[i].target == line || s_.events[i].target == full))
          suspended_[dir] = 1;
    }
  }

  void on_event(std::uint32_t i, bool start) {
    const EventDef& ev = s_.events[i];
    event_active_[i] = start;
    if (ev.kind == model::EventKind::suspend_line) update_suspended();
    emit(start ? RecordKind::activate : RecordKind::leave, event_place_[i], 1);
    if (start) emit(RecordKind::enter, event_place_[i], 1);
    if (ev.kind == model::EventKind::suspend_line && start) {
      // Riders waiting for a suspended line re-plan: those still upstream choose another way to
      // the site, those at the site stop or platform another way home.
      for (std::size_t d = 0; d < L_.directions.size(); ++d) {
        if (!suspended(d)) continue;
        withdraw_to(up_res_[d], [&](std::uint32_t pid) { replan_access(pid, true); });
        withdraw_to(stop_res_[d], [&](std::uint32_t pid) { replan_egress_waiting(pid); });
      }
    } else if (ev.kind == model::EventKind::close_gate || ev.kind == model::EventKind::lanes) {
      for (std::size_t g = 0; g < L_.gates.size(); ++g)
        if (applies(ev, s_.gates[g].id)) {
          set_lanes(g);
          // A closed entrance sends its queue to the other entrances.
          if (ev.kind == model::EventKind::close_gate && start)
            withdraw_to(gate_res_[g], [&](std::uint32_t pid) { walk_to_security(pid); });
        }
    } else if (ev.kind == model::EventKind::close_walkway) {
      for (EdgeId e : walkway_edges(ev.target, ev.direction)) closed_[e] += start ? 1 : -1;
      update_paths();
    }
    // cab_supply, walk_speed and extra_trains act where rates, speeds and timetables are read.
  }

  // Edges of a walkway: forward (from -> to), backward, or both.
  std::vector<EdgeId> walkway_edges(const std::string& id, WalkDirection direction) const {
    std::vector<EdgeId> out;
    for (std::size_t w = 0; w < s_.walkways.size(); ++w) {
      if (s_.walkways[w].id != id) continue;
      for (EdgeId e = 0; e < g_.num_edges(); ++e) {
        const auto& info = g_.edge(e);
        if (info.walkway != w) continue;
        const bool forward = g_.node_id(info.from) == s_.walkways[w].from;
        if (direction == WalkDirection::both || (direction == WalkDirection::forward) == forward) out.push_back(e);
      }
    }
    return out;
  }

  void on_exit_direction(std::uint32_t code) {
    const auto& x = s_.policy.exit_direction[code / 3];
    const WalkDirection other = x.morning == WalkDirection::forward ? WalkDirection::backward : WalkDirection::forward;
    const std::uint32_t phase = code % 3;
    // Morning: the other direction closes. Afternoon: reversed. End of day: both open.
    if (phase == 0) {
      for (EdgeId e : walkway_edges(x.walkway, other)) ++closed_[e];
    } else if (phase == 1) {
      for (EdgeId e : walkway_edges(x.walkway, other)) --closed_[e];
      for (EdgeId e : walkway_edges(x.walkway, x.morning)) ++closed_[e];
    } else {
      for (EdgeId e : walkway_edges(x.walkway, x.morning)) --closed_[e];
    }
    emit(phase == 2 ? RecordKind::leave : RecordKind::activate, exit_policy_place_, 1);
    if (phase == 0) emit(RecordKind::enter, exit_policy_place_, 1);
    update_paths();
  }

  // New walks follow the paths of the walkways open now; tables are kept for each set of closures
  // seen, so parties already walking keep valid paths.
  void update_paths() {
    std::vector<char> closed(closed_.size());
    bool any = false;
    for (std::size_t e = 0; e < closed_.size(); ++e) {
      closed[e] = closed_[e] > 0;
      any = any || closed[e];
    }
    if (!any) {
      paths_ = &g_.open_paths();
      return;
    }
    auto it = path_cache_.find(closed);
    if (it == path_cache_.end())
      it = path_cache_.emplace(closed, std::make_unique<network::PathTable>(g_.paths_without(closed))).first;
    paths_ = it->second.get();
  }

  double walk_speed_scale(EdgeId e) const {
    double scale = 1;
    for (std::size_t i = 0; i < s_.events.size(); ++i)
      if (event_active_[i] && s_.events[i].kind == model::EventKind::walk_speed &&
          applies(s_.events[i], s_.walkways[g_.edge(e).walkway].id))
        scale *= s_.events[i].scale;
    return scale;
  }

  // Remove everyone waiting on r and hand each to `then`.
  template <class Then>
  void withdraw_to(std::uint32_t r, Then&& then) {
    std::vector<std::uint32_t> ids;
    res_[r].withdraw_all([&](const Request& q) {
      Party& p = parties_[q.id];
      queued_persons_[r] -= p.size;
      emit_for(RecordKind::queue_leave, r, p);
      ids.push_back(q.id);
    });
    for (std::uint32_t pid : ids) then(pid);
  }

  // Weights restricted to what is available.
  std::vector<double> available_dirs(const std::vector<double>& w) const {
    std::vector<double> out(w);
    for (std::size_t d = 0; d < out.size(); ++d)
      if (suspended(d)) out[d] = 0;
    return out;
  }
  static bool any_positive(const std::vector<double>& w) {
    return std::any_of(w.begin(), w.end(), [](double x) { return x > 0; });
  }
  bool mode_available(Mode m, bool access) const {
    switch (m) {
      case Mode::metro: return any_positive(available_dirs(access ? L_.metro_access_w : L_.metro_egress_w));
      case Mode::bus: return any_positive(available_dirs(access ? L_.bus_access_w : L_.bus_egress_w));
      default: return true;
    }
  }

  // Multiply mode weights by exp(-beta x travel minutes) (the logit re-plan choice).
  void apply_logit(std::array<double, kNumModes>& w, bool access) {
    if (mode_minutes_.empty()) compute_mode_minutes();
    for (std::size_t m = 0; m < kNumModes; ++m)
      if (w[m] > 0) w[m] *= std::exp(-s_.policy.logit_per_min * mode_minutes_[access ? 0 : 1][m]);
  }

  // Travel minutes by mode: to the nearest entrance from the mode's access points (plus the ride
  // for metro and bus), and from the halls to where the mode leaves; averaged over the mode's
  // choices with their weights, at the mean walking speed.
  void compute_mode_minutes() {
    mode_minutes_.assign(2, std::array<double, kNumModes>{});
    const double v = s_.walk_speed_mean;
    auto to_gate = [&](NodeId n) {
      double best = network::kUnreachable;
      for (auto& g : L_.gates) best = std::min(best, paths_->distance_m(n, g.node));
      return best == network::kUnreachable ? 0.0 : best / v;
    };
    auto from_hall = [&](NodeId n) {
      const double d = paths_->distance_m(L_.hall_node, n);
      return d == network::kUnreachable ? 0.0 : d / v;
    };
    auto average = [](const std::vector<double>& w, auto&& time_of) {
      double sum = 0, tw = 0;
      for (std::size_t i = 0; i < w.size(); ++i)
        if (w[i] > 0) {
          sum += w[i] * time_of(i);
          tw += w[i];
        }
      return tw > 0 ? sum / tw : 0.0;
    };
    auto dir_access = [&](std::size_t d) { return L_.directions[d].travel_s + to_gate(L_.lines[L_.directions[d].line].site_node); };
    auto dir_egress = [&](std::size_t d) {
      const LineLayout& l = L_.lines[L_.directions[d].line];
      return L_.directions[d].travel_s + from_hall(l.metro ? l.concourse_node : l.site_node);
    };
    auto lot_access = [&](std::size_t i) { return to_gate(L_.lots[i].node); };
    auto lot_egress = [&](std::size_t i) { return from_hall(L_.lots[i].node) + L_.lots[i].pickup_delay_mean_s; };
    auto origin_access = [&](std::size_t i) { return to_gate(L_.walk_origins[i]); };
    auto origin_egress = [&](std::size_t i) { return from_hall(L_.walk_origins[i]); };
    auto& a = mode_minutes_[0];
    auto& e = mode_minutes_[1];
    a[static_cast<std::size_t>(Mode::metro)] = average(L_.metro_access_w, dir_access) / 60;
    a[static_cast<std::size_t>(Mode::bus)] = average(L_.bus_access_w, dir_access) / 60;
    a[static_cast<std::size_t>(Mode::car)] = average(L_.car_park_weights, lot_access) / 60;
    a[static_cast<std::size_t>(Mode::coach)] = average(L_.coach_park_weights, lot_access) / 60;
    a[static_cast<std::size_t>(Mode::dropoff)] = average(L_.dropoff_weights, lot_access) / 60;
    a[static_cast<std::size_t>(Mode::walk)] = average(L_.walk_origin_weights, origin_access) / 60;
    e[static_cast<std::size_t>(Mode::metro)] = average(L_.metro_egress_w, dir_egress) / 60;
    e[static_cast<std::size_t>(Mode::bus)] = average(L_.bus_egress_w, dir_egress) / 60;
    e[static_cast<std::size_t>(Mode::pickup)] = average(L_.dropoff_weights, lot_egress) / 60;
    e[static_cast<std::size_t>(Mode::walk)] = average(L_.walk_origin_weights, origin_egress) / 60;
    double taxi = 0;
    for (auto& t : L_.taxis) taxi = std::max(taxi, from_hall(t.node));
    e[static_cast<std::size_t>(Mode::taxi)] = taxi / 60;
  }

  // A party whose access line is unavailable when it sets off (or while it waits upstream)
  // chooses again: another direction of the same mode if one runs, otherwise another mode in
  // proportion to its class's shares among the modes available.
  void replan_access(std::uint32_t pid, bool was_waiting) {
    Party& p = parties_[pid];
    emit(RecordKind::replan, was_waiting ? replan_waiting_place_ : replan_setoff_place_, p.size);
    const std::vector<double>& base = p.access == Mode::metro ? L_.metro_access_w : L_.bus_access_w;
    const auto dirs = available_dirs(base);
    if (any_positive(dirs)) {
      p.access_choice = narrow<std::int16_t>(pick(dirs, u(choice_, p, kDrawReplanChoice)));
    } else {
      std::array<double, kNumModes> w = party_access_[p.cls];
      for (std::size_t m = 0; m < kNumModes; ++m)
        if (!mode_available(static_cast<Mode>(m), true) || static_cast<Mode>(m) == p.access) w[m] = 0;
      if (!any_positive(std::vector<double>(w.begin(), w.end()))) {
        finish(pid);  // no way to come at all: the visit is lost (counted as replanned)
        return;
      }
      if (s_.policy.replan_choice == ReplanChoice::logit) apply_logit(w, true);
      p.access = static_cast<Mode>(dist::discrete(w, u(choice_, p, kDrawReplanMode)));
      p.access_choice = narrow<std::int16_t>(access_choice(p.access, u(choice_, p, kDrawReplanChoice)));
      if (p.egress == Mode::car || p.egress == Mode::coach || p.access == Mode::car || p.access == Mode::coach) {
        // Whoever now comes with a vehicle leaves with it; whoever came without one cannot.
        if (p.access == Mode::car || p.access == Mode::coach) p.egress = p.access;
        else p.egress = Mode::metro;
        p.egress_choice = narrow<std::int16_t>(egress_choice(p, u(choice_, p, kDrawReplanChoice)));
      }
    }
    start_access(pid);
  }

  // A party waiting at the site for a suspended line goes home another way.
  void replan_egress_waiting(std::uint32_t pid) {
    Party& p = parties_[pid];
    emit(RecordKind::replan, replan_waiting_place_, p.size);
    const DirectionLayout& d = L_.directions[static_cast<std::size_t>(p.egress_choice)];
    const LineLayout& l = L_.lines[d.line];
    if (l.metro) {  // off the platform
      emit(RecordKind::leave, l.place_platform, p.size);
      platform_change(d.line, -static_cast<double>(p.size));
      const std::uint32_t pr = platform_res_[d.line];
      res_[pr].release(p.size, [&](const Request& w) { on_granted(pr, w); });
    }
    if (p.background) {
      finish(pid);
      return;
    }
    choose_egress_again(pid);
    head_home(pid);
  }

  void choose_egress_again(std::uint32_t pid) {
    Party& p = parties_[pid];
    if (p.egress == Mode::car || p.egress == Mode::coach) return;  // they need their vehicle
    const std::vector<double>& base = p.egress == Mode::metro ? L_.metro_egress_w : L_.bus_egress_w;
    const auto dirs = available_dirs(base);
    if ((p.egress == Mode::metro || p.egress == Mode::bus) && any_positive(dirs)) {
      p.egress_choice = narrow<std::int16_t>(pick(dirs, u(choice_, p, kDrawReplanChoice)));
      return;
    }
    const ClassDef& c = s_.classes[p.cls];
    std::array<double, kNumModes> w = c.egress[static_cast<std::size_t>(p.access)];
    for (std::size_t m = 0; m < kNumModes; ++m)
      if (!mode_available(static_cast<Mode>(m), false) || static_cast<Mode>(m) == p.egress) w[m] = 0;
    if (s_.policy.replan_choice == ReplanChoice::logit) apply_logit(w, false);
    p.egress = any_positive(std::vector<double>(w.begin(), w.end()))
                   ? static_cast<Mode>(dist::discrete(w, u(choice_, p, kDrawReplanMode)))
                   : Mode::walk;
    if (p.egress == Mode::walk && L_.walk_origins.empty()) p.egress = Mode::taxi;
    p.egress_choice = narrow<std::int16_t>(egress_choice(p, u(choice_, p, kDrawReplanChoice)));
  }

  // Platform occupancy, and the policy that closes the station's entries while it is crowded.
  void platform_change(std::size_t line, double delta) {
    platform_occ_[line] += delta;
    if (!s_.policy.platform_exits) return;
    const LineLayout& l = L_.lines[line];
    const double cap = l.platform_capacity;
    const std::uint32_t r = fare_in_res_[line];
    if (!platform_closed_[line] && platform_occ_[line] >= s_.policy.platform_close_above * cap) {
      platform_closed_[line] = 1;
      emit(RecordKind::activate, L_.lines[line].place_policy, 1);
      emit(RecordKind::enter, L_.lines[line].place_policy, 1);
      res_[r].set_capacity(0, [&](const Request& q) { on_granted(r, q); });
    } else if (platform_closed_[line] && platform_occ_[line] <= s_.policy.platform_reopen_below * cap) {
      platform_closed_[line] = 0;
      emit(RecordKind::leave, L_.lines[line].place_policy, 1);
      res_[r].set_capacity(static_cast<std::int64_t>(l.fare_gates_in), [&](const Request& q) { on_granted(r, q); });
    }
  }

  // Hall occupancy tiers: 1 staggered entry, 2 queueing inside, 3 exit only.
  void hall_change(double delta) {
    hall_occ_ += delta;
    if (!s_.policy.hall_occupancy) return;
    const PolicyDef& pd = s_.policy;
    const double on_site = hall_occ_ + static_cast<double>(queued_persons_[hall_res_]);
    int tier = hall_tier_;
    auto up = [&](int t, double level, double threshold) {
      if (tier < t && level >= threshold) tier = t;
    };
    up(1, hall_occ_, pd.staggered_entry);
    up(2, hall_occ_, pd.queue_inside);
    up(3, on_site, pd.exit_only);
    if (tier == 3 && on_site < pd.reopen_share * pd.exit_only) tier = 2;
    if (tier == 2 && hall_occ_ < pd.reopen_share * pd.queue_inside) tier = 1;
    if (tier == 1 && hall_occ_ < pd.reopen_share * pd.staggered_entry) tier = 0;
    if (tier == hall_tier_) {
      if (tier < 2 && queued_persons_[hall_res_] == 0 && res_[hall_res_].capacity() != Resource::kUnlimited)
        res_[hall_res_].set_capacity(Resource::kUnlimited, [&](const Request& q) { on_granted(hall_res_, q); });
      return;
    }
    for (int t = 1; t <= 3; ++t) {
      if (hall_tier_ < t && tier >= t) {
        emit(RecordKind::activate, hall_policy_place_[t - 1], 1);
        emit(RecordKind::enter, hall_policy_place_[t - 1], 1);
      }
      if (hall_tier_ >= t && tier < t) emit(RecordKind::leave, hall_policy_place_[t - 1], 1);
    }
    const bool lanes_change = (hall_tier_ >= 1) != (tier >= 1) || (hall_tier_ >= 3) != (tier >= 3);
    hall_tier_ = tier;
    // Queueing inside: admission to the halls only as others leave, up to the threshold; once
    // lifted, those still held go in as space allows, not all at once.
    const bool holding = tier >= 2 || queued_persons_[hall_res_] > 0;
    const std::int64_t cap = holding ? static_cast<std::int64_t>(pd.queue_inside) : Resource::kUnlimited;
    res_[hall_res_].set_capacity(cap, [&](const Request& q) { on_granted(hall_res_, q); });
    if (lanes_change)
      for (std::size_t g = 0; g < L_.gates.size(); ++g) set_lanes(g);
  }

  // ---- parties ---------------------------------------------------------------------------
  // Arrivals run in list order, one pending at a time: the calendar carries no index.
  void on_arrival() {
    const std::size_t idx = next_arrival_++;
    if (idx + 1 < arrivals_.size()) cal_.schedule(arrivals_[idx + 1].time, kArrival, 0);
    const std::uint32_t pid = new_party(party_of(arrivals_[idx].key, nullptr));  // set off now
    Party& p = parties_[pid];
    if (p.background) {
      if (suspended(static_cast<std::size_t>(p.egress_choice))) {  // no train: not here today
        finish(pid);
        return;
      }
      p.node = narrow<std::uint16_t>(L_.lines[static_cast<std::size_t>(p.access_choice)].concourse_node);
      begin(pid, Stage::fare_in);
      return;
    }
    if ((p.access == Mode::metro || p.access == Mode::bus) && suspended(static_cast<std::size_t>(p.access_choice))) {
      replan_access(pid, false);
      return;
    }
    start_access(pid);
  }

  void start_access(std::uint32_t pid) {
    Party& p = parties_[pid];
    if (p.stage == Stage::none) {  // first start (not a re-plan while waiting)
      const bool vehicle = p.access == Mode::car || p.access == Mode::coach || p.access == Mode::dropoff;
      emit(RecordKind::arrive, L_.place_arrivals[static_cast<std::size_t>(p.access)], p.size, vehicle ? 1 : 0, p.cls);
    }
    switch (p.access) {
      case Mode::metro:
      case Mode::bus:
        p.stage = Stage::up_wait;
        p.ride = p.access_choice;
        wait_for_vehicle(pid, up_res_[static_cast<std::size_t>(p.access_choice)], p.size);
        break;
      case Mode::car:
      case Mode::coach: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.access_choice)];
        p.node = narrow<std::uint16_t>(lot.node);
        emit(RecordKind::vehicle_in, lot.place, p.size, 1);
        p.stage = Stage::lot_space;
        if (acquire(pid, lot_res_[static_cast<std::size_t>(p.access_choice)], 1)) lot_space_granted(pid);
        break;
      }
      case Mode::dropoff: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.access_choice)];
        p.node = narrow<std::uint16_t>(lot.node);
        emit(RecordKind::vehicle_in, lot.place, p.size, 1);
        begin(pid, Stage::drop_bay);
        break;
      }
      case Mode::walk:
        p.node = narrow<std::uint16_t>(L_.walk_origins[static_cast<std::size_t>(p.access_choice)]);
        walk_to_security(pid);
        break;
      default: EXPOFLOW_CHECK(false, "not an access mode");
    }
  }

  void on_party(std::uint32_t pid) {
    Party& p = parties_[pid];
    switch (p.stage) {
      case Stage::walk: walk_step(pid); break;
      case Stage::security:
      case Stage::fare_out:
      case Stage::fare_in:
      case Stage::taxi_bay:
      case Stage::drop_bay:
      case Stage::pickup_bay:
        if (p.phase == 0) start_service(pid);
        else end_service(pid);
        break;
      case Stage::lot_space: lot_space_granted(pid); break;
      case Stage::platform: platform_granted(pid); break;
      case Stage::hall:
        if (p.phase == 0) enter_hall(pid);
        else leave_hall(pid);
        break;
      case Stage::ride: alight(pid); break;
      case Stage::pickup_wait: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.egress_choice)];
        emit(RecordKind::vehicle_in, lot.place, 0, 1);
        begin(pid, Stage::pickup_bay);
        break;
      }
      case Stage::ride_out: leave_lot(pid); break;
      default: EXPOFLOW_CHECK(false, "party resumed in a stage without events");
    }
  }

  // Start a stage at the party's current node.
  void begin(std::uint32_t pid, Stage st) {
    Party& p = parties_[pid];
    p.stage = st;
    switch (st) {
      case Stage::security: {
        if (halls_closed()) turn_away(pid);
        else if (acquire(pid, gate_res_[p.gate], 1)) start_service(pid);
        break;
      }
      case Stage::fare_in:
        if (acquire(pid, fare_in_res_[line_of(p)], 1)) start_service(pid);
        break;
      case Stage::fare_out:
        if (acquire(pid, fare_out_res_[line_of(p)], 1)) start_service(pid);
        break;
      case Stage::drop_bay:
      case Stage::pickup_bay: {
        const auto lot = static_cast<std::size_t>(st == Stage::drop_bay ? p.access_choice : p.egress_choice);
        if (acquire(pid, lot_res_[lot], 1)) start_service(pid);
        break;
      }
      case Stage::hall:
        if (acquire(pid, hall_res_, p.size)) enter_hall(pid);  // held inside while the halls are full
        else hall_change(0);  // the holding areas count towards exit only
        break;
      case Stage::platform:
        if (acquire(pid, platform_res_[line_of(p)], p.size)) platform_granted(pid);
        break;
      case Stage::board:
        // Reaching the stop of a line suspended meanwhile: choose again rather than wait it out.
        if (suspended(static_cast<std::size_t>(p.egress_choice))) replan_egress_waiting(pid);
        else wait_for_vehicle(pid, stop_res_[static_cast<std::size_t>(p.egress_choice)], p.size);
        break;
      case Stage::taxi: join_taxi_stand(pid); break;
      case Stage::pickup_wait: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.egress_choice)];
        cal_.schedule(now_ + dist::exponential(lot.pickup_delay_mean_s, u(service_, p, kDrawPickup)), kParty, pid);
        break;
      }
      case Stage::lot_leave: leave_lot(pid); break;
      case Stage::done: finish(pid); break;
      default: EXPOFLOW_CHECK(false, "stage cannot be begun");
    }
  }

  std::size_t line_of(const Party& p) const {
    if (p.background) return static_cast<std::size_t>(p.access_choice);
    const bool leaving = p.stage == Stage::fare_in || p.stage == Stage::platform;
    const auto dir = static_cast<std::size_t>(leaving ? p.egress_choice : p.access_choice);
    return L_.directions[dir].line;
  }

  void start_service(std::uint32_t pid) {
    Party& p = parties_[pid];
    p.phase = 1;
    double hold = 0;
    switch (p.stage) {
      case Stage::security: {
        const double mean = L_.gates[p.gate].service_mean_s;
        for (std::uint32_t i = 0; i < p.size; ++i) hold += dist::exponential(mean, u(service_, p, kDrawService + i));
        break;
      }
      case Stage::fare_in:
      case Stage::fare_out: hold = p.size * L_.lines[line_of(p)].fare_gate_service_s; break;
      case Stage::taxi_bay:
        hold = dist::exponential(L_.taxis[static_cast<std::size_t>(p.egress_choice)].loading_mean_s, u(service_, p, kDrawBay));
        emit(RecordKind::enter, L_.taxis[static_cast<std::size_t>(p.egress_choice)].place_bays, 0, 1);
        break;
      case Stage::drop_bay:
      case Stage::pickup_bay: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.stage == Stage::drop_bay ? p.access_choice : p.egress_choice)];
        hold = dist::exponential(lot.stop_mean_s, u(service_, p, kDrawBay));
        emit(RecordKind::enter, lot.place, 0, 1);
        break;
      }
      default: EXPOFLOW_CHECK(false, "stage has no service");
    }
    cal_.schedule(now_ + hold, kParty, pid);
  }

  // The resource a party in a service stage holds.
  std::uint32_t held_resource(const Party& p) const {
    switch (p.stage) {
      case Stage::security: return gate_res_[p.gate];
      case Stage::fare_in: return fare_in_res_[line_of(p)];
      case Stage::fare_out: return fare_out_res_[line_of(p)];
      case Stage::taxi_bay: return taxi_bay_res_[static_cast<std::size_t>(p.egress_choice)];
      case Stage::drop_bay: return lot_res_[static_cast<std::size_t>(p.access_choice)];
      case Stage::pickup_bay: return lot_res_[static_cast<std::size_t>(p.egress_choice)];
      default: EXPOFLOW_CHECK(false, "stage holds no resource"); return 0;
    }
  }

  void end_service(std::uint32_t pid) {
    Party& p = parties_[pid];
    const std::uint32_t r = held_resource(p);
    release(r, 1);
    switch (p.stage) {
      case Stage::security: {
        const GateLayout& g = L_.gates[p.gate];
        emit(RecordKind::pass, g.place, p.size);
        walk(pid, L_.hall_node, Stage::hall);
        break;
      }
      case Stage::fare_out: {
        emit(RecordKind::pass, res_place_[r], p.size);
        if (p.background) finish(pid);
        else walk_to_security(pid);
        break;
      }
      case Stage::fare_in:
        emit(RecordKind::pass, res_place_[r], p.size);
        walk(pid, L_.lines[line_of(p)].site_node, Stage::platform);
        break;
      case Stage::taxi_bay: {
        const TaxiLayout& t = L_.taxis[static_cast<std::size_t>(p.egress_choice)];
        emit(RecordKind::leave, t.place_bays, 0, 1);
        emit(RecordKind::vehicle_out, t.place_parties, p.size, 1);
        finish(pid);
        break;
      }
      case Stage::drop_bay: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.access_choice)];
        emit(RecordKind::leave, lot.place, 0, 1);
        emit(RecordKind::vehicle_out, lot.place, 0, 1);
        walk_to_security(pid);
        break;
      }
      case Stage::pickup_bay: {
        const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.egress_choice)];
        emit(RecordKind::leave, lot.place, 0, 1);
        emit(RecordKind::vehicle_out, lot.place, p.size, 1);
        finish(pid);
        break;
      }
      default: EXPOFLOW_CHECK(false, "stage has no service");
    }
  }

  void lot_space_granted(std::uint32_t pid) {
    Party& p = parties_[pid];
    const LotLayout& lot = L_.lots[static_cast<std::size_t>(p.access_choice)];
    emit(RecordKind::enter, lot.place, 0, 1);
    if (lot.shuttle >= 0) {
      const auto dir = L_.lines[static_cast<std::size_t>(lot.shuttle)].access_dir;
      p.stage = Stage::up_wait;
      p.ride = narrow<std::int16_t>(dir);
      wait_for_vehicle(pid, up_res_[static_cast<std::size_t>(dir)], p.size);
    } else {
      walk_to_security(pid);
    }
  }

  void leave_lot(std::uint32_t pid) {
    Party& p = parties_[pid];
    const auto li = static_cast<std::size_t>(p.access_choice);
    const LotLayout& lot = L_.lots[li];
    emit(RecordKind::leave, lot.place, 0, 1);
    emit(RecordKind::vehicle_out, lot.place, p.size, 1);
    release(lot_res_[li], 1);
    finish(pid);
  }

  void alight(std::uint32_t pid) {
    Party& p = parties_[pid];
    const auto dir = static_cast<std::size_t>(p.ride);
    const LineLayout& l = L_.lines[L_.directions[dir].line];
    emit(RecordKind::alight, l.place_line, p.size);
    p.node = narrow<std::uint16_t>(l.site_node);
    if (l.metro) arrive_on_platform(pid);
    else walk_to_security(pid);
  }

  void arrive_on_platform(std::uint32_t pid) {
    Party& p = parties_[pid];
    const LineLayout& l = L_.lines[line_of(p)];
    emit(RecordKind::enter, l.place_platform, p.size);
    platform_change(line_of(p), p.size);
    p.on_platform = true;
    walk(pid, l.concourse_node, Stage::fare_out);
  }

  void platform_granted(std::uint32_t pid) {
    Party& p = parties_[pid];
    emit(RecordKind::enter, L_.lines[line_of(p)].place_platform, p.size);
    platform_change(line_of(p), p.size);
    begin(pid, Stage::board);
  }

  void enter_hall(std::uint32_t pid) {
    Party& p = parties_[pid];
    emit(RecordKind::enter, L_.place_hall, p.size);
    p.phase = 1;
    hall_change(p.size);
    const Time day_start = std::floor(now_ / kSecondsPerDay) * kSecondsPerDay;
    const Time close = day_start + s_.halls.close_s;
    const Time leave = std::min(now_ + dwell_[p.cls](u(demand_, p, kDrawDwell)), close);
    cal_.schedule(std::max(leave, now_), kParty, pid);
  }

  void leave_hall(std::uint32_t pid) {
    const std::uint16_t size = parties_[pid].size;
    emit(RecordKind::leave, L_.place_hall, size);
    release(hall_res_, size);
    hall_change(-static_cast<double>(size));
    head_home(pid);
  }

  // Walk from where the party is to its egress mode.
  void head_home(std::uint32_t pid) {
    Party& p = parties_[pid];
    if ((p.egress == Mode::metro || p.egress == Mode::bus) && suspended(static_cast<std::size_t>(p.egress_choice))) {
      emit(RecordKind::replan, replan_setoff_place_, p.size);
      choose_egress_again(pid);
    }
    const auto ec = static_cast<std::size_t>(p.egress_choice);
    switch (p.egress) {
      case Mode::metro: walk(pid, L_.lines[L_.directions[ec].line].concourse_node, Stage::fare_in); break;
      case Mode::bus: walk(pid, L_.lines[L_.directions[ec].line].site_node, Stage::board); break;
      case Mode::car:
      case Mode::coach: {
        const LotLayout& lot = L_.lots[ec];
        if (lot.shuttle >= 0) {
          const LineLayout& sl = L_.lines[static_cast<std::size_t>(lot.shuttle)];
          p.egress_choice = narrow<std::int16_t>(sl.egress_dir);  // the lot stays in access_choice
          walk(pid, sl.site_node, Stage::board);
        } else {
          walk(pid, lot.node, Stage::lot_leave);
        }
        break;
      }
      case Mode::walk: walk(pid, L_.walk_origins[ec], Stage::done); break;
      case Mode::taxi: walk(pid, L_.taxis[ec].node, Stage::taxi); break;
      case Mode::pickup: walk(pid, L_.lots[ec].node, Stage::pickup_wait); break;
      default: EXPOFLOW_CHECK(false, "not an egress mode");
    }
  }

  void join_taxi_stand(std::uint32_t pid) {
    Party& p = parties_[pid];
    const auto ti = static_cast<std::size_t>(p.egress_choice);
    if (!cab_rank_[ti].empty()) {
      const Time since = cab_rank_[ti].pop_front();
      emit(RecordKind::leave, L_.taxis[ti].place_cabs, 0, 1);
      emit(RecordKind::served, L_.taxis[ti].place_cabs, 0, 1, now_ - since);
      emit(RecordKind::served, L_.taxis[ti].place_parties, p.size, 0, 0.0);
      go_to_taxi_bay(pid);
    } else {
      wait_for_vehicle(pid, taxi_line_res_[ti], 1);
    }
  }

  void go_to_taxi_bay(std::uint32_t pid) {
    Party& p = parties_[pid];
    p.stage = Stage::taxi_bay;
    if (acquire(pid, taxi_bay_res_[static_cast<std::size_t>(p.egress_choice)], 1)) start_service(pid);
  }

  // ---- walking ---------------------------------------------------------------------------
  // The entrance a party heads for: the least walking time plus expected queueing time among
  // open entrances (visitors see the queues and are directed by staff).
  std::size_t choose_gate(NodeId from) const {
    std::size_t best = 0;
    double best_cost = std::numeric_limits<double>::infinity();
    for (std::size_t g = 0; g < L_.gates.size(); ++g) {
      const double dist_m = paths_->distance_m(from, L_.gates[g].node);
      if (dist_m == network::kUnreachable) continue;
      const auto lanes = res_[gate_res_[g]].capacity();
      const double queue = lanes > 0 ? static_cast<double>(queued_persons_[gate_res_[g]]) * L_.gates[g].service_mean_s / static_cast<double>(lanes)
                                     : 1e7;  // closed: only if every entrance is closed
      const double cost = dist_m / s_.walk_speed_mean + queue;
      if (cost < best_cost) {
        best_cost = cost;
        best = g;
      }
    }
    return best;
  }

  void walk_to_security(std::uint32_t pid) {
    Party& p = parties_[pid];
    const std::size_t n = L_.gates.size();
    const std::size_t g = uniform_gates_
                              ? std::min(n - 1, static_cast<std::size_t>(u(choice_, p, kDrawGate) * static_cast<double>(n)))
                              : choose_gate(p.node);
    p.gate = static_cast<std::uint16_t>(g);
    walk(pid, L_.gates[g].node, Stage::security);
  }

  void walk(std::uint32_t pid, NodeId dest, Stage after) {
    Party& p = parties_[pid];
    p.dest = narrow<std::uint16_t>(dest);
    p.after = after;
    p.stage = Stage::walk;
    p.edge_i = 0;
    p.path = paths_->path(p.node, dest);
    EXPOFLOW_CHECK(p.path != nullptr, "walk to an unreachable node");
    next_edge(pid);
  }

  void next_edge(std::uint32_t pid) {
    Party& p = parties_[pid];
    if (p.path == nullptr || p.edge_i >= p.path->size()) {
      if (p.on_platform) leave_platform(p);
      p.node = p.dest;
      begin(pid, p.after);
      return;
    }
    // A walkway closed since the party set out: take the best open way from here.
    if (closed_[(*p.path)[p.edge_i]] > 0) {
      if (const auto* np = paths_->path(p.node, p.dest); np && p.node != p.dest) {
        p.path = np;
        p.edge_i = 0;
      }
    }
    if (acquire(pid, walk_storage((*p.path)[p.edge_i]), p.size)) start_walk_body(pid);
  }

  void leave_platform(Party& p) {
    emit(RecordKind::leave, L_.lines[line_of(p)].place_platform, p.size);
    platform_change(line_of(p), -static_cast<double>(p.size));
    p.on_platform = false;
  }

  // A party's free walking speed (m/s), from its key.
  float speed_of(const Party& p) const {
    if (p.background) return static_cast<float>(s_.walk_speed_mean);
    return static_cast<float>(std::clamp(
        dist::normal(s_.walk_speed_mean, s_.walk_speed_sd, u(demand_, p, kDrawSpeed)), 0.5, 2.2));
  }

  // Weidmann's fundamental diagram: speed falls with density k = walkers / area (persons/m²) to
  // zero at jam. The factor is a function of the walkway and its count of walkers, and the same
  // counts recur on busy walkways, so recent values are kept in a small direct-mapped table.
  double walkway_speed_factor(EdgeId e, std::uint32_t walkers, double area_m2) {
    const double k = static_cast<double>(walkers) / area_m2;
    if (k <= 0) return 1.0;
    const double x = 1.913 * (1.0 / k - 1.0 / s_.jam_density);
    // exp(-x) < 2^-54 beyond x = 38: 1 - exp(-x) rounds to 1 exactly (most walkways, most of the time).
    if (x > 38) return 1.0;
    FactorMemo& m = factor_memo_[(static_cast<std::size_t>(walkers) * 64 + e) & (kFactorMemo - 1)];
    if (m.edge != e || m.walkers != walkers) m = {e, walkers, std::max(1.0 - std::exp(-x), 0.05)};
    return m.factor;
  }
  struct FactorMemo {
    std::uint32_t edge = ~0u, walkers = 0;
    double factor = 1;
  };
  static constexpr std::size_t kFactorMemo = 4096;
  std::vector<FactorMemo> factor_memo_ = std::vector<FactorMemo>(kFactorMemo);

  void start_walk_body(std::uint32_t pid) {
    Party& p = parties_[pid];
    if (p.on_platform) leave_platform(p);
    const EdgeId e = (*p.path)[p.edge_i];
    const WalkwayLayout& w = L_.walkways[e];
    emit(RecordKind::enter, w.place, p.size);
    // Speed follows the density of those walking; people already queueing at the outlet stand
    // at the far end and do not slow the walkers (they still take storage space).
    walkers_[e] += p.size;
    if (p.speed == 0) p.speed = speed_of(p);  // drawn on the party's first walkway
    double v = static_cast<double>(p.speed) * w.speed_scale * walkway_speed_factor(e, walkers_[e], w.area_m2);
    if (has_walk_speed_events_) v *= walk_speed_scale(e);
    p.phase = 1;
    cal_.schedule(now_ + w.length_m / v, kParty, pid);
  }

  // A walkway's outlet passes one party at a time: a party that finds it free passes at once and
  // then occupies it for size / outlet_rate (the headway that limits the flow to width x maximum
  // flow); one that finds it occupied queues, keeping its storage, and passes when its turn comes.
  // The outlet is a one-unit Resource booked on arrival, since each hold is known then: a walk
  // costs one event per walkway when the outlet is free, and two when the party has to queue.
  void walk_step(std::uint32_t pid) {
    Party& p = parties_[pid];
    const EdgeId e = (*p.path)[p.edge_i];
    switch (p.phase) {
      case 0: start_walk_body(pid); break;  // storage granted after a wait (spill-back queue)
      case 1: {                             // reached the end: the outlet limits the flow
        walkers_[e] -= p.size;
        const std::uint32_t o = walk_outlet(e);
        const Time pass = res_[o].book(now_, p.size / L_.walkways[e].outlet_rate);
        if (pass == now_) {
          emit_for(RecordKind::served, o, p, 0.0);
          pass_outlet(pid);
        } else {
          p.phase = 2;
          outlet_since_[e].push_back(now_);
          queued_persons_[o] += p.size;
          emit_for(RecordKind::queue_join, o, p);
          cal_.schedule(pass, kParty, pid);
        }
        break;
      }
      case 2: {  // its turn at the outlet
        const std::uint32_t o = walk_outlet(e);
        queued_persons_[o] -= p.size;
        emit_for(RecordKind::queue_leave, o, p);
        emit_for(RecordKind::served, o, p, now_ - outlet_since_[e].pop_front());
        pass_outlet(pid);
        break;
      }
      default: EXPOFLOW_CHECK(false, "bad walk phase");
    }
  }

  void pass_outlet(std::uint32_t pid) {
    Party& p = parties_[pid];
    const EdgeId e = (*p.path)[p.edge_i];
    const WalkwayLayout& w = L_.walkways[e];
    emit(RecordKind::leave, w.place, p.size);
    emit(RecordKind::pass, w.place, p.size);
    release(walk_storage(e), p.size);
    p.node = narrow<std::uint16_t>(g_.edge(e).to);
    ++p.edge_i;
    next_edge(pid);
  }

  // The party has left the model: its slot is free for a later party.
  void finish(std::uint32_t pid) {
    Party& p = parties_[pid];
    p.stage = Stage::done;
    persons_live_ -= p.size;
    free_slots_.push_back(pid);
  }

  // ---- results ---------------------------------------------------------------------------
  Probe make_probe(const ObservedDef& o) const {
    Probe pr;
    pr.kind = o.probe.record;
    pr.vehicles = o.probe.vehicles;
    pr.from = o.from_s;
    pr.to = o.to_s;
    const auto& places = sim_.places();
    pr.at_place.assign(places.size(), 0);
    for (std::size_t i = 0; i < places.size(); ++i) {
      const Place& pl = places[i];
      bool ok = pl.kind == o.probe.place_kind;
      if (o.probe.booked_only) ok = ok && pl.booked;
      if (!o.probe.places.empty())
        ok = ok && std::find(o.probe.places.begin(), o.probe.places.end(), pl.id) != o.probe.places.end();
      pr.at_place[i] = ok;
    }
    return pr;
  }

  // Mean wait per person (or vehicle, where vehicles queue), as the quantiles are.
  static double mean_wait(const PlaceStats& ps) {
    double sum = 0, n = 0;
    for (std::size_t b = 0; b < ps.wait_sum.size(); ++b) {
      sum += ps.wait_sum[b];
      n += ps.wait_n[b];
    }
    return n > 0 ? sum / n : 0.0;
  }

  ReplicationResult result() {
    ReplicationResult out;
    for (auto& p : rec_->probes()) out.observed.push_back(p.total);
    const auto& st = rec_->places();
    const auto& places = sim_.places();
    auto kpi = [&](std::string name, double v) { out.kpis.emplace_back(std::move(name), v); };
    const int pass = counted_index(RecordKind::pass), board = counted_index(RecordKind::board),
              denied = counted_index(RecordKind::denied), vout = counted_index(RecordKind::vehicle_out);
    for (auto& g : L_.gates) {
      const PlaceStats& ps = st[g.place];
      kpi(places[g.place].id + ".entries", ps.total_persons[pass]);
      kpi(places[g.place].id + ".peak_queue", ps.queue.peak());
      kpi(places[g.place].id + ".wait_mean_s", mean_wait(ps));
      kpi(places[g.place].id + ".wait_p95_s", ps.wait_hist.quantile(0.95));
      kpi(places[g.place].id + ".turned_away", ps.total_persons[denied]);
    }
    for (auto& l : L_.lines) {
      const std::string& id = places[l.place_line].id;
      kpi(id + ".boardings", st[l.place_line].total_persons[board]);
      kpi(id + ".denied_boardings", st[l.place_line].total_persons[denied]);
      if (l.metro) {
        kpi(id + ".platform_peak", st[l.place_platform].occupancy.peak());
        kpi(id + ".platform_wait_p95_s", st[l.place_platform].wait_hist.quantile(0.95));
        kpi(id + ".fare_gates_in_wait_p95_s", st[l.place_fare_in].wait_hist.quantile(0.95));
      }
      kpi(id + ".max_load_ratio", st[l.place_line].max_load / l.capacity);
    }
    for (auto& t : L_.taxis) {
      const std::string& id = places[t.place_parties].id;
      kpi(id + ".departures", st[t.place_parties].total_vehicles[vout]);
      kpi(id + ".party_wait_mean_s", mean_wait(st[t.place_parties]));
      kpi(id + ".party_wait_p95_s", st[t.place_parties].wait_hist.quantile(0.95));
      kpi(id + ".peak_parties_waiting", st[t.place_parties].queue.peak());
      kpi(id + ".cab_wait_mean_s", mean_wait(st[t.place_cabs]));
      kpi(id + ".peak_cabs_waiting", st[t.place_cabs].occupancy.peak());
    }
    for (auto& l : L_.lots) {
      const std::string& id = places[l.place].id;
      kpi(id + ".peak_occupancy", st[l.place].occupancy.peak());
      kpi(id + ".peak_queue", st[l.place].queue.peak());
    }
    kpi("halls.peak_occupancy", st[L_.place_hall].occupancy.peak());
    double worst = 0;
    for (auto& w : L_.walkways) worst = std::max(worst, st[w.place].occupancy.peak() / w.area_m2);
    kpi("walkways.max_peak_density", worst);
    // All entrances together: the wait of every person screened.
    Histogram all_waits;
    double wait_sum = 0, screened = 0;
    for (auto& g : L_.gates) {
      const PlaceStats& ps = st[g.place];
      all_waits.merge(ps.wait_hist);
      for (std::size_t b = 0; b < ps.wait_sum.size(); ++b) {
        wait_sum += ps.wait_sum[b];
        screened += ps.wait_n[b];
      }
    }
    kpi("entrances.wait_mean_s", screened > 0 ? wait_sum / screened : 0.0);
    kpi("entrances.wait_p95_s", all_waits.quantile(0.95));
    const int replan = counted_index(RecordKind::replan), activate = counted_index(RecordKind::activate);
    kpi("replans.at_setoff_persons", st[L_.place_replan_setoff].total_persons[replan]);
    kpi("replans.while_waiting_persons", st[L_.place_replan_waiting].total_persons[replan]);
    // Disruptions and policies: how often they came into force and for how long.
    for (std::size_t p = 0; p < places.size(); ++p) {
      if (places[p].kind != PlaceKind::policy && places[p].kind != PlaceKind::event) continue;
      double active_s = 0;
      for (std::size_t b = 0; b < L_.num_bins; ++b) active_s += st[p].occupancy.bin_mean(b) * s_.bin_s;
      kpi(places[p].id + ".activations", st[p].total_persons[activate]);
      kpi(places[p].id + ".active_min", active_s / 60);
    }

    out.events = cal_.num_processed();
    out.peak_pending = cal_.peak_size();
    out.num_parties = parties_.size();
    out.persons_generated = persons_generated_;
    out.persons_left_inside = persons_live_;
    out.recorder = std::move(rec_);
    return out;
  }

  const Simulation& sim_;
  const Scenario& s_;
  const Simulation::Layout& L_;
  const network::SiteGraph& g_;
  std::unique_ptr<Recorder> rec_;
  RecordObserver* extra_;
  RandomStream demand_, service_, choice_, supply_, background_;
  Calendar cal_;
  Time now_ = 0;

  const bool uniform_gates_ = s_.gate_choice == GateChoice::uniform;
  std::vector<Party> parties_;
  std::vector<std::array<double, kNumModes>> party_access_;
  std::vector<dist::Lognormal> dwell_;  // by class
  std::vector<dist::Cumulative> party_mode_;  // by class: a party's access mode
  std::vector<std::array<dist::Cumulative, kNumModes>> party_egress_;  // by class and access mode
  std::array<dist::Cumulative, kNumModes> party_size_;                // by access mode
  // The layout's fixed choice weights, as tables.
  dist::Cumulative metro_access_t_, bus_access_t_, car_park_t_, coach_park_t_, dropoff_t_, walk_origin_t_,
      metro_egress_t_, bus_egress_t_;
  struct Arrival {
    Time time;
    std::uint64_t key;
  };
  std::vector<Arrival> arrivals_;
  std::size_t next_arrival_ = 0;
  std::vector<std::uint32_t> free_slots_;
  std::vector<std::vector<double>> background_split_;
  std::vector<Resource> res_;
  std::vector<std::uint32_t> res_place_;
  std::vector<std::uint64_t> queued_persons_;
  std::vector<char> res_vehicles_;  // resources whose queue is of vehicles
  std::vector<std::uint32_t> walkers_;  // per walkway edge: persons walking its length
  // Per walkway edge: when each party queueing at its outlet arrived there, in booking order
  // (which is the order they pass).
  std::vector<Fifo<Time>> outlet_since_;

  std::vector<std::array<double, kNumModes>> mode_minutes_;  // [access, egress][mode], for logit re-plans
  std::uint32_t hall_res_ = 0;          // admission to the halls (limited while queueing inside)
  std::vector<char> event_active_;
  std::vector<char> suspended_;  // per direction: its line is suspended now
  std::vector<int> closed_;             // per edge: closures in force
  const network::PathTable* paths_ = nullptr;
  std::map<std::vector<char>, std::unique_ptr<network::PathTable>> path_cache_;
  bool has_walk_speed_events_ = false;
  std::vector<double> platform_occ_;
  std::vector<char> platform_closed_;
  double hall_occ_ = 0;
  int hall_tier_ = 0;
  const std::vector<std::uint32_t>& dir_index_ = L_.dir_index;
  const std::vector<std::uint32_t>& event_place_ = L_.place_events;
  const std::uint32_t replan_setoff_place_ = L_.place_replan_setoff, replan_waiting_place_ = L_.place_replan_waiting;
  const std::array<std::uint32_t, 3>& hall_policy_place_ = L_.place_hall_policy;
  const std::uint32_t exit_policy_place_ = L_.place_exit_policy;
  std::vector<std::uint32_t> gate_res_, fare_in_res_, fare_out_res_, platform_res_, up_res_, stop_res_,
      taxi_line_res_, taxi_bay_res_, lot_res_;
  std::vector<std::size_t> trip_up_, trip_arrive_;
  std::vector<Fifo<Time>> cab_rank_;
  std::vector<std::uint64_t> cab_count_;
  double persons_generated_ = 0, persons_live_ = 0;
};

}  // namespace

namespace {
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free);
}  // namespace
void request_stop() { g_stop.store(true, std::memory_order_relaxed); }
bool stop_requested() { return g_stop.load(std::memory_order_relaxed); }

ReplicationResult Simulation::run(std::uint64_t seed, std::uint32_t replication,
                                  RecordObserver* extra_observer) const {
  Run r(*this, seed, replication, extra_observer);
  ReplicationResult out = r.run();
  out.seed = seed;
  out.replication = replication;
  return out;
}

}  // namespace expoflow::model
