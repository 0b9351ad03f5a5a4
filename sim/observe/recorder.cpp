#include "observe/recorder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace expoflow::observe {

void BinnedLevel::locate() {
  cur_b_ = static_cast<std::size_t>(last_t_ / bin_s_);
  cur_end_ = 0;
  if (cur_b_ >= integral_.size() || cur_b_ >= max_.size()) return;
  // The largest time whose bin, as add_across computes it (t / bin_s rounded), is still cur_b_:
  // below it the fast path does exactly what add_across would.
  Time e = static_cast<Time>(cur_b_ + 1) * bin_s_;
  while (e > last_t_ && static_cast<std::size_t>(e / bin_s_) > cur_b_) e = std::nextafter(e, last_t_);
  cur_end_ = e;
}

void BinnedLevel::add_across(Time t, double delta) {
  if (integral_.empty()) {
    // A level still at zero: nothing to integrate, and no vectors until it changes.
    if (delta == 0 && value_ == 0) {
      last_t_ = std::max(last_t_, t);
      return;
    }
    integral_.assign(bins_, 0.0);
    max_.assign(bins_, 0.0);
  }
  store();
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
  locate();
  apply(t, delta, static_cast<std::size_t>(t / bin_s_));
  load();
}

Recorder::Recorder(const std::vector<Place>& places, std::size_t num_bins, Time bin_s)
    : stats_(places.size()), probes_at_(places.size()), num_bins_(num_bins), bin_s_(bin_s) {
  for (std::size_t p = 0; p < places.size(); ++p)
    if (keeps_waits_by_bin(places[p].kind)) stats_[p].wait_bin_hist.resize(num_bins);
  for (auto& s : stats_) {
    s.bins = num_bins;
    s.queue = BinnedLevel(num_bins, bin_s);
    s.occupancy = BinnedLevel(num_bins, bin_s);
  }
}

void PlaceStats::switch_bin(std::size_t b) {
  flush();
  cur.bin = b;
  cur.wait_sum = at(wait_sum, b);
  cur.wait_n = at(wait_n, b);
  cur.wait_max = at(wait_max, b);
  for (std::size_t i = 0; i < kNumCounted; ++i) {
    cur.counted[i][0] = at(persons[i], b);
    cur.counted[i][1] = at(vehicles[i], b);
  }
}

void Recorder::locate_bin(Time t) {
  bin_ = std::min(static_cast<std::size_t>(t / bin_s_), num_bins_ - 1);
  bin_lo_ = t;
  bin_hi_ = std::numeric_limits<Time>::infinity();
  if (bin_ + 1 < num_bins_) {
    // The largest time whose quotient still rounds down to bin_.
    Time e = static_cast<Time>(bin_ + 1) * bin_s_;
    while (e > t && static_cast<std::size_t>(e / bin_s_) > bin_) e = std::nextafter(e, t);
    bin_hi_ = e;
  }
}

void Recorder::add_probe(Probe p) {
  const auto k = static_cast<std::uint32_t>(probes_.size());
  if (probes_at_.size() < stats_.size()) probes_at_.resize(stats_.size());
  for (std::size_t i = 0; i < p.at_place.size() && i < probes_at_.size(); ++i)
    if (p.at_place[i]) probes_at_[i].push_back(k);
  probes_.push_back(std::move(p));
}

void Recorder::on_served(PlaceStats& s, const Record& r, double n) {
  // Weighted by what queued: persons, or vehicles at lots, bays and cab ranks.
  const auto w = r.persons + r.vehicles;
  s.wait_hist.add(r.value, w);
  s.cur.wait_sum += r.value * n;
  s.cur.wait_n += n;
  s.cur.wait_max = std::max(s.cur.wait_max, r.value);
  if (!s.wait_bin_hist.empty()) s.wait_bin_hist[bin_].add(r.value, w);
}

void Recorder::on_depart(PlaceStats& s, const Record& r) {
  if (r.value > 0) {
    s.load_ratio.add(r.persons / r.value);
    s.max_load = std::max<double>(s.max_load, r.persons);
    s.max_capacity_excess = std::max(s.max_capacity_excess, r.persons - r.value);
  }
}

void Recorder::on_probes(const Record& r) {
  for (const std::uint32_t k : probes_at_[r.place]) {
    Probe& p = probes_[k];
    if (p.kind != r.kind || r.time < p.from || r.time >= p.to) continue;
    const double n = p.vehicles ? r.vehicles : r.persons;
    p.total += n;
    if (p.statistic == scenario::Statistic::share_before && clock_of(r.time) < p.at) p.before += n;
    if (!p.by_step.empty())
      p.by_step[std::min(p.by_step.size() - 1, static_cast<std::size_t>((r.time - p.from) / Probe::kStep))] += n;
  }
}

bool Recorder::well_formed() const {
  auto sized = [&](const std::vector<double>& v) { return v.empty() || v.size() == num_bins_; };
  for (const PlaceStats& s : stats_) {
    bool ok = s.queue.well_formed() && s.occupancy.well_formed() && s.wait_hist.well_formed() && sized(s.wait_sum) &&
              sized(s.wait_n) && sized(s.wait_max);
    for (std::size_t i = 0; i < kNumCounted; ++i) ok = ok && sized(s.persons[i]) && sized(s.vehicles[i]);
    for (const Histogram& h : s.wait_bin_hist) ok = ok && h.well_formed();
    if (!ok) return false;
  }
  return true;
}

void Recorder::close(Time horizon) {
  for (auto& s : stats_) {
    s.queue.close(horizon);
    s.occupancy.close(horizon);
    s.flush();
  }
}

}  // namespace expoflow::observe
