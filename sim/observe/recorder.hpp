#pragma once
// The statistics of one replication, all computed by observing the record stream: counts by time
// bin, queue lengths and occupancies over time (time-weighted), waits (mean, quantiles, maximum),
// vehicle loads, and the scenario's calibration probes.
#include <array>
#include <utility>
#include <vector>

#include "kernel/stats.hpp"
#include "observe/records.hpp"

namespace expoflow::observe {

using scenario::kNumRecordKinds;

// A level (persons queueing, persons present) over time: per-bin time integral and maximum.
// Records arrive in time order, so the bin of the last change is kept in the object itself (its
// integral and maximum, next to the level) and written to the per-bin vectors only when a change
// falls in a later bin: a change touches one object, not two vectors. The additions are the same
// as on the vectors, in the same order, so the results are too.
class BinnedLevel {
 public:
  BinnedLevel() = default;
  // The per-bin vectors are allocated when the level first changes: a level that stays at zero
  // (most places never queue) keeps none, and reads as zero in every bin.
  BinnedLevel(std::size_t num_bins, Time bin_s) : bin_s_(bin_s), bins_(num_bins) {}
  [[gnu::always_inline]] void add(Time t, double delta) {
    // The common case: the level changes again within the bin of its last change.
    if (t <= cur_end_ && cur_end_ > 0) {
      cur_integral_ += value_ * (t - last_t_);
      if (t > last_t_) last_t_ = t;
      value_ += delta;
      if (value_ > peak_) {
        peak_ = value_;
        peak_t_ = t;
      }
      if (value_ < min_) min_ = value_;
      if (value_ > cur_max_) cur_max_ = value_;
      return;
    }
    add_across(t, delta);
  }
  void close(Time t) { add(t, 0); }
  double value() const { return value_; }
  double peak() const { return peak_; }
  Time peak_time() const { return peak_t_; }
  double bin_mean(std::size_t b) const {
    return (cached(b) ? cur_integral_ : integral_.empty() ? 0.0 : integral_[b]) / bin_s_;
  }
  double bin_max(std::size_t b) const { return cached(b) ? cur_max_ : max_.empty() ? 0.0 : max_[b]; }
  double min_seen() const { return min_; }
  // The per-bin means and maxima taken out (bin_mean(b), bin_max(b) for every bin; empty if the
  // level never changed), without a copy: the level keeps neither afterwards.
  std::vector<double> take_bin_means() {
    settle();
    for (double& x : integral_) x /= bin_s_;
    return std::move(integral_);
  }
  std::vector<double> take_bin_maxima() {
    settle();
    return std::move(max_);
  }
  bool well_formed() const {
    return (integral_.empty() || integral_.size() == bins_) && max_.size() == integral_.size();
  }
  template <class F>
  void visit_state(F&& f) {
    store();
    f(integral_), f(max_), f(bin_s_), f(last_t_), f(value_), f(peak_), f(min_), f(peak_t_);
    locate();
    load();
  }

 private:
  void add_across(Time t, double delta);
  bool cached(std::size_t b) const { return cur_end_ > 0 && b == cur_b_; }
  // The vectors hold every bin from here on (nothing is kept in the copy).
  void settle() {
    store();
    cur_end_ = 0;
  }
  // Between the bin's vectors and the copy kept here (cur_end_ > 0: the copy is the live value).
  void store() {
    if (cur_end_ > 0) {
      integral_[cur_b_] = cur_integral_;
      max_[cur_b_] = cur_max_;
    }
  }
  void load() {
    if (cur_end_ > 0) {
      cur_integral_ = integral_[cur_b_];
      cur_max_ = max_[cur_b_];
    }
  }
  void apply(Time t, double delta, std::size_t b_of_t) {
    value_ += delta;
    if (value_ > peak_) {
      peak_ = value_;
      peak_t_ = t;
    }
    if (value_ < min_) min_ = value_;
    if (b_of_t < max_.size() && value_ > max_[b_of_t]) max_[b_of_t] = value_;
  }
  // The bin of last_t_ and the last time in it (cur_end_ = 0 forces the general path).
  void locate();

  Time cur_end_ = 0, last_t_ = 0;
  double value_ = 0, cur_integral_ = 0, cur_max_ = 0, peak_ = 0, min_ = 0;
  Time peak_t_ = 0, bin_s_ = 900;
  std::size_t cur_b_ = 0, bins_ = 0;
  std::vector<double> integral_, max_;
};

// What the probes of the scenario's observed figures measure: the count of a record kind at some
// places in a window and, for a statistic of its timing (observe/probes.hpp), the count by step.
struct Probe {
  static constexpr Time kStep = 300;  // the resolution of a timing statistic
  RecordKind kind = RecordKind::pass;
  std::vector<char> at_place;  // by place index
  bool vehicles = false;
  Time from = 0, to = 0;
  double total = 0;
  scenario::Statistic statistic = scenario::Statistic::total;
  Time at = 0;                     // share_before: the clock time
  double before = 0;               // share_before: the count before `at` on its day
  std::vector<double> by_step;     // count by kStep from `from`; empty for a total
};

inline constexpr RecordKind kCountedKinds[] = {RecordKind::pass,     RecordKind::board,
                                               RecordKind::alight,   RecordKind::denied,
                                               RecordKind::vehicle_in, RecordKind::vehicle_out,
                                               RecordKind::arrive,     RecordKind::activate,
                                               RecordKind::replan,     RecordKind::balk,
                                               RecordKind::renege};
inline constexpr std::size_t kNumCounted = 11;

// Index into kCountedKinds, or -1.
constexpr int counted_index(RecordKind k) {
  for (std::size_t i = 0; i < kNumCounted; ++i)
    if (kCountedKinds[i] == k) return static_cast<int>(i);
  return -1;
}
// counted_index by record kind.
inline constexpr auto kCountedIndex = [] {
  std::array<int, kNumRecordKinds> t{};
  for (std::size_t k = 0; k < kNumRecordKinds; ++k) t[k] = counted_index(static_cast<RecordKind>(k));
  return t;
}();

// Where waits are kept by time bin, so that their percentiles can be read for any bin or span of
// bins: the entrances, the stations' fare gates and platforms, the taxi stands' lines of parties.
constexpr bool keeps_waits_by_bin(scenario::PlaceKind k) {
  using scenario::PlaceKind;
  return k == PlaceKind::gate || k == PlaceKind::fare_gate || k == PlaceKind::platform || k == PlaceKind::taxi_stand;
}

struct PlaceStats {
  // The bin being recorded at this place: its counts and waits, kept together here and written to
  // the per-bin vectors below when a record of a later bin arrives (Recorder::record) or at the end
  // (flush). Each vector element receives the same additions in the same order either way.
  struct Current {
    static constexpr std::size_t kNone = ~std::size_t{0};
    std::size_t bin = kNone;
    double wait_sum = 0, wait_n = 0, wait_max = 0;
    double counted[kNumCounted][2] = {};  // persons, vehicles
  } cur;
  // The per-bin vectors below hold `bins` elements once a non-zero value is written to them; until
  // then they are empty, and read as zero in every bin (at()).
  std::size_t bins = 0;
  BinnedLevel queue, occupancy;
  Histogram wait_hist;
  double total_persons[kNumCounted] = {}, total_vehicles[kNumCounted] = {};
  std::array<std::vector<double>, kNumCounted> persons, vehicles;  // per bin
  std::vector<double> wait_sum, wait_n, wait_max;  // per bin
  std::vector<Histogram> wait_bin_hist;  // per bin where keeps_waits_by_bin (for percentiles)
  Tally load_ratio;  // vehicle departures: load / capacity
  double max_load = 0, max_capacity_excess = 0;

  // Make `b` the current bin (the one before it written out). Out of line: once per bin.
  void switch_bin(std::size_t b);
  // Write the current bin out: every per-bin vector is complete afterwards.
  void flush() {
    if (cur.bin == Current::kNone) return;
    const std::size_t b = cur.bin;
    put(wait_sum, b, cur.wait_sum);
    put(wait_n, b, cur.wait_n);
    put(wait_max, b, cur.wait_max);
    for (std::size_t i = 0; i < kNumCounted; ++i) {
      put(persons[i], b, cur.counted[i][0]);
      put(vehicles[i], b, cur.counted[i][1]);
    }
    cur.bin = Current::kNone;
  }
  // Bin b of a per-bin vector of this place.
  static double at(const std::vector<double>& v, std::size_t b) { return v.empty() ? 0.0 : v[b]; }
  // The waits' sum and number over every bin.
  std::pair<double, double> wait_totals() const {
    double sum = 0, n = 0;
    for (std::size_t b = 0; b < bins; ++b) {
      sum += at(wait_sum, b);
      n += at(wait_n, b);
    }
    return {sum, n};
  }

  template <class F>
  void visit_state(F&& f) {
    flush();
    for (auto& v : persons) f(v);
    for (auto& v : vehicles) f(v);
    queue.visit_state(f);
    occupancy.visit_state(f);
    wait_hist.visit_state(f);
    f(wait_sum), f(wait_n), f(wait_max);
    for (auto& h : wait_bin_hist) h.visit_state(f);
    load_ratio.visit_state(f);
    f(max_load), f(max_capacity_excess);
    for (auto& x : total_persons) f(x);
    for (auto& x : total_vehicles) f(x);
  }

 private:
  void put(std::vector<double>& v, std::size_t b, double x) const {
    if (v.empty()) {
      if (x == 0) return;
      v.assign(bins, 0.0);
    }
    v[b] = x;
  }
};

class Recorder final : public RecordObserver {
 public:
  Recorder(const std::vector<Place>& places, std::size_t num_bins, Time bin_s);
  void add_probe(Probe p);
  void on_record(const Record& r) override { record(r); }
  // Inline: the model emits several records per event, and this is their common path.
  [[gnu::always_inline]] void record(const Record& r) {
    if (r.time < bin_lo_ || r.time > bin_hi_) [[unlikely]] locate_bin(r.time);
    PlaceStats& s = stats_[r.place];
    const double n = r.persons + r.vehicles;
    switch (r.kind) {
      case RecordKind::enter: s.occupancy.add(r.time, n); break;
      case RecordKind::leave: s.occupancy.add(r.time, -n); break;
      case RecordKind::queue_join: s.queue.add(r.time, n); break;
      case RecordKind::queue_leave: s.queue.add(r.time, -n); break;
      case RecordKind::served:
        // Served at once (most services): the sums and maxima are unchanged by a zero wait.
        if (s.cur.bin != bin_) s.switch_bin(bin_);
        if (r.value == 0) {
          s.wait_hist.add_zero(r.persons + r.vehicles);
          s.cur.wait_n += n;
          if (!s.wait_bin_hist.empty()) s.wait_bin_hist[bin_].add_zero(r.persons + r.vehicles);
        } else {
          on_served(s, r, n);
        }
        break;
      case RecordKind::depart: on_depart(s, r); break;
      default: on_counted(s, r); break;
    }
    if (!probes_at_[r.place].empty()) on_probes(r);
  }
  // Integrate levels up to the horizon and write every current bin out; read the statistics after.
  void close(Time horizon);

  // The statistics: their per-bin vectors are complete once close() has run.
  const std::vector<PlaceStats>& places() const { return stats_; }
  // The statistics taken out, to be reduced without a copy; the Recorder holds none afterwards.
  std::vector<PlaceStats> take_places() { return std::move(stats_); }
  const std::vector<Probe>& probes() const { return probes_; }
  std::size_t num_bins() const { return num_bins_; }
  Time bin_s() const { return bin_s_; }
  // Whether restored statistics have the shapes this Recorder's places and bins imply (every per-bin
  // vector empty or of num_bins(), every histogram well formed).
  bool well_formed() const;
  // Every statistic, for saving and restoring a replication exactly.
  template <class F>
  void visit_state(F&& f) {
    for (auto& s : stats_) s.visit_state(f);
    for (auto& p : probes_) f(p.total);
  }

 private:
  void on_served(PlaceStats& s, const Record& r, double n);
  void on_depart(PlaceStats& s, const Record& r);
  [[gnu::always_inline]] void on_counted(PlaceStats& s, const Record& r) {
    const auto i = static_cast<std::size_t>(kCountedIndex[static_cast<std::size_t>(r.kind)]);
    if (s.cur.bin != bin_) s.switch_bin(bin_);
    s.cur.counted[i][0] += r.persons;
    s.cur.counted[i][1] += r.vehicles;
    s.total_persons[i] += r.persons;
    s.total_vehicles[i] += r.vehicles;
  }
  void on_probes(const Record& r);

  std::vector<PlaceStats> stats_;
  std::vector<Probe> probes_;
  std::vector<std::vector<std::uint32_t>> probes_at_;  // by place: the probes that count there
  // The bin of the last record, min(time / bin_s, num_bins - 1), and times known to share it: from
  // the time that located it to the last time in it.
  void locate_bin(Time t);
  std::size_t bin_ = 0;
  Time bin_lo_ = 1, bin_hi_ = 0;
  std::size_t num_bins_;
  Time bin_s_;
};


}  // namespace expoflow::observe
