#include "model/recorder.hpp"

#include <algorithm>

namespace expoflow::model {

const char* record_kind_name(RecordKind k) {
  static constexpr const char* names[] = {"pass",  "board",      "alight",      "denied",
                                          "vehicle_in", "vehicle_out", "arrive", "activate", "replan", "enter", "leave",
                                          "queue_join", "queue_leave", "served", "depart"};
  return names[static_cast<std::size_t>(k)];
}

int counted_index(RecordKind k) {
  for (std::size_t i = 0; i < kNumCounted; ++i)
    if (kCountedKinds[i] == k) return static_cast<int>(i);
  return -1;
}

void BinnedLevel::add(Time t, double delta) {
  const std::size_t n = integral_.size();
  while (true) {
    const auto b = static_cast<std::size_t>(last_t_ / bin_s_);
    if (b >= n) break;
    const Time end = static_cast<Time>(b + 1) * bin_s_;
    max_[b] = std::max(max_[b], value_);
    if (t < end) {
      integral_[b] += value_ * (t - last_t_);
      break;
    }
    integral_[b] += value_ * (end - last_t_);
    last_t_ = end;
  }
  last_t_ = std::max(last_t_, t);
  value_ += delta;
  if (value_ > peak_) {
    peak_ = value_;
    peak_t_ = t;
  }
  min_ = std::min(min_, value_);
  const auto b = static_cast<std::size_t>(t / bin_s_);
  if (b < n) max_[b] = std::max(max_[b], value_);
}

Recorder::Recorder(const std::vector<Place>& places, std::size_t num_bins, Time bin_s)
    : stats_(places.size()), num_bins_(num_bins), bin_s_(bin_s) {
  for (std::size_t p = 0; p < places.size(); ++p)
    if (places[p].kind == "gate" || places[p].kind == "taxi_stand") stats_[p].wait_bin_hist.resize(num_bins);
  for (auto& s : stats_) {
    for (auto& v : s.persons) v.assign(num_bins, 0.0);
    for (auto& v : s.vehicles) v.assign(num_bins, 0.0);
    s.queue = BinnedLevel(num_bins, bin_s);
    s.occupancy = BinnedLevel(num_bins, bin_s);
    s.wait_sum.assign(num_bins, 0.0);
    s.wait_n.assign(num_bins, 0.0);
    s.wait_max.assign(num_bins, 0.0);
  }
}

void Recorder::on_record(const Record& r) {
  PlaceStats& s = stats_[r.place];
  const auto bin = std::min(static_cast<std::size_t>(r.time / bin_s_), num_bins_ - 1);
  switch (r.kind) {
    case RecordKind::enter:
      s.occupancy.add(r.time, r.persons + r.vehicles);
      break;
    case RecordKind::leave:
      s.occupancy.add(r.time, -static_cast<double>(r.persons + r.vehicles));
      break;
    case RecordKind::queue_join:
      s.queue.add(r.time, r.persons + r.vehicles);
      break;
    case RecordKind::queue_leave:
      s.queue.add(r.time, -static_cast<double>(r.persons + r.vehicles));
      break;
    case RecordKind::served:
      s.wait.add(r.value);
      // Weighted by what queued: persons, or vehicles at lots, bays and cab ranks.
      s.wait_hist.add(r.value, r.persons + r.vehicles);
      s.wait_sum[bin] += r.value * (r.persons + r.vehicles);
      s.wait_n[bin] += r.persons + r.vehicles;
      s.wait_max[bin] = std::max(s.wait_max[bin], r.value);
      if (!s.wait_bin_hist.empty()) s.wait_bin_hist[bin].add(r.value, r.persons + r.vehicles);
      break;
    case RecordKind::depart:
      if (r.value > 0) {
        s.load_ratio.add(r.persons / r.value);
        s.max_load = std::max<double>(s.max_load, r.persons);
        s.max_capacity_excess = std::max(s.max_capacity_excess, r.persons - r.value);
      }
      break;
    default: {
      const int i = counted_index(r.kind);
      s.persons[static_cast<std::size_t>(i)][bin] += r.persons;
      s.vehicles[static_cast<std::size_t>(i)][bin] += r.vehicles;
      s.total_persons[i] += r.persons;
      s.total_vehicles[i] += r.vehicles;
    }
  }
  for (auto& p : probes_)
    if (p.kind == r.kind && p.at_place[r.place] && r.time >= p.from && r.time < p.to)
      p.total += p.vehicles ? r.vehicles : r.persons;
}

void Recorder::close(Time horizon) {
  for (auto& s : stats_) {
    s.queue.close(horizon);
    s.occupancy.close(horizon);
  }
}

}  // namespace expoflow::model
