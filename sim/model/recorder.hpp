#pragma once
// The statistics of one replication, all computed by observing the record stream: counts by time
// bin, queue lengths and occupancies over time (time-weighted), waits (mean, quantiles, maximum),
// vehicle loads, and the scenario's calibration probes.
#include <array>
#include <vector>

#include "kernel/stats.hpp"
#include "model/records.hpp"
#include "model/scenario.hpp"

namespace expoflow::model {

// A level (persons queueing, persons present) over time: per-bin time integral and maximum.
class BinnedLevel {
 public:
  BinnedLevel() = default;
  BinnedLevel(std::size_t num_bins, Time bin_s) : integral_(num_bins, 0.0), max_(num_bins, 0.0), bin_s_(bin_s) {}
  void add(Time t, double delta);
  void close(Time t) { add(t, 0); }
  double value() const { return value_; }
  double peak() const { return peak_; }
  Time peak_time() const { return peak_t_; }
  double bin_mean(std::size_t b) const { return integral_[b] / bin_s_; }
  double bin_max(std::size_t b) const { return max_[b]; }
  double min_seen() const { return min_; }
  template <class F>
  void visit_state(F&& f) {
    f(integral_), f(max_), f(bin_s_), f(last_t_), f(value_), f(peak_), f(min_), f(peak_t_);
  }

 private:
  std::vector<double> integral_, max_;
  Time bin_s_ = 900, last_t_ = 0;
  double value_ = 0, peak_ = 0, min_ = 0;
  Time peak_t_ = 0;
};

// What the probes of the scenario's observed totals measure.
struct Probe {
  RecordKind kind = RecordKind::pass;
  std::vector<char> at_place;  // by place index
  bool vehicles = false;
  Time from = 0, to = 0;
  double total = 0;
};

inline constexpr RecordKind kCountedKinds[] = {RecordKind::pass,     RecordKind::board,
                                               RecordKind::alight,   RecordKind::denied,
                                               RecordKind::vehicle_in, RecordKind::vehicle_out,
                                               RecordKind::arrive,     RecordKind::activate,
                                               RecordKind::replan};
inline constexpr std::size_t kNumCounted = 9;

struct PlaceStats {
  std::array<std::vector<double>, kNumCounted> persons, vehicles;  // per bin
  BinnedLevel queue, occupancy;
  Tally wait;
  Histogram wait_hist;
  std::vector<double> wait_sum, wait_n, wait_max;  // per bin
  std::vector<Histogram> wait_bin_hist;  // per bin, at entrances and taxi stands only (for percentiles)
  Tally load_ratio;  // vehicle departures: load / capacity
  double max_load = 0, max_capacity_excess = 0;
  double total_persons[kNumCounted] = {}, total_vehicles[kNumCounted] = {};

  template <class F>
  void visit_state(F&& f) {
    for (auto& v : persons) f(v);
    for (auto& v : vehicles) f(v);
    queue.visit_state(f);
    occupancy.visit_state(f);
    wait.visit_state(f);
    wait_hist.visit_state(f);
    f(wait_sum), f(wait_n), f(wait_max);
    for (auto& h : wait_bin_hist) h.visit_state(f);
    load_ratio.visit_state(f);
    f(max_load), f(max_capacity_excess);
    for (auto& x : total_persons) f(x);
    for (auto& x : total_vehicles) f(x);
  }
};

class Recorder final : public RecordObserver {
 public:
  Recorder(const std::vector<Place>& places, std::size_t num_bins, Time bin_s);
  void add_probe(Probe p) { probes_.push_back(std::move(p)); }
  void on_record(const Record& r) override;
  void close(Time horizon);  // integrate levels up to the horizon

  const std::vector<PlaceStats>& places() const { return stats_; }
  const std::vector<Probe>& probes() const { return probes_; }
  std::size_t num_bins() const { return num_bins_; }
  Time bin_s() const { return bin_s_; }
  // Every statistic, for saving and restoring a replication exactly.
  template <class F>
  void visit_state(F&& f) {
    for (auto& s : stats_) s.visit_state(f);
    for (auto& p : probes_) f(p.total);
  }

 private:
  std::vector<PlaceStats> stats_;
  std::vector<Probe> probes_;
  std::size_t num_bins_;
  Time bin_s_;
};

int counted_index(RecordKind k);  // index into kCountedKinds, or -1

}  // namespace expoflow::model
