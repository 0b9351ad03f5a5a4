#include "output/compare_bins.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/compile.h>
#include <fmt/format.h>
#include <iterator>
#include <map>

#include "ensemble/replications.hpp"

namespace expoflow::output {

using scenario::PlaceKind;
using scenario::RecordKind;

Series flow_series(PlaceKind kind) {
  auto persons = [](RecordKind k) { return Series(kPersons + static_cast<std::size_t>(observe::counted_index(k))); };
  switch (kind) {
    case PlaceKind::gate:
    case PlaceKind::walkway:
    case PlaceKind::fare_gate: return persons(RecordKind::pass);
    case PlaceKind::metro:
    case PlaceKind::bus:
    case PlaceKind::shuttle: return persons(RecordKind::board);
    case PlaceKind::car_park:
    case PlaceKind::coach_park:
    case PlaceKind::dropoff:
      return Series(kVehicles + static_cast<std::size_t>(observe::counted_index(RecordKind::vehicle_in)));
    case PlaceKind::arrivals: return persons(RecordKind::arrive);
    default: return kWaitN;
  }
}

namespace {

// The events of the variant as windows, clipped to the run; those wholly outside it are left out.
std::vector<Window> event_windows(const model::Simulation& sim, std::size_t bins) {
  const auto& s = sim.scenario();
  std::vector<Window> out;
  for (const auto& e : s.events) {
    Window w;
    w.name = e.id;
    w.kind = scenario::event_kind_name(e.kind);
    w.target = e.target;
    w.from_s = std::max(e.from_s, 0.0);
    w.to_s = std::min(e.to_s, static_cast<double>(bins) * s.bin_s);
    if (w.to_s < w.from_s || w.from_s >= static_cast<double>(bins) * s.bin_s) continue;
    w.first_bin = static_cast<std::size_t>(w.from_s / s.bin_s);
    // The bins the window overlaps; an instant (from = to) is the bin it falls in.
    w.end_bin = std::clamp(static_cast<std::size_t>(std::ceil(w.to_s / s.bin_s)), w.first_bin + 1, bins);
    out.push_back(std::move(w));
  }
  return out;
}

// The series of a place's queue, occupancy or flow.
Series level_series(const PairedBins::Place& p, std::size_t metric) {
  return metric == kFlow ? p.flow : metric == kQueue ? kQueueMean : kOccupancyMean;
}

double at(const std::vector<double>& series, std::size_t b) { return b < series.size() ? series[b] : 0.0; }

// A replication's wait over bins [from, to): the mean wait of those served in them; false if none was.
bool wait_over(const ReplicationValues::Place& x, std::size_t from, std::size_t to, double& wait) {
  double n = 0, sum = 0;
  for (std::size_t b = from; b < to; ++b) {
    n += at(x.series[kWaitN], b);
    sum += at(x.series[kWaitSum], b);
  }
  if (n <= 0) return false;
  wait = sum / n;
  return true;
}

}  // namespace

PairedBins::PairedBins(const model::Simulation& base_, const model::Simulation& variant_)
    : base(&base_), variant(&variant_) {
  // Bins are compared only where both scenarios cut time the same way.
  if (base_.scenario().bin_s == variant_.scenario().bin_s) bins = std::min(base_.num_bins(), variant_.num_bins());
  windows = event_windows(variant_, bins);
  // The two simulations number their places each their own way: pair them by id.
  std::map<std::string, std::uint32_t> in_variant;
  for (std::uint32_t i = 0; i < variant_.places().size(); ++i) in_variant.emplace(variant_.places()[i].id, i);
  for (std::uint32_t i = 0; i < base_.places().size(); ++i) {
    const auto j = in_variant.find(base_.places()[i].id);
    if (j == in_variant.end()) continue;
    Place p;
    p.base = i;
    p.variant = j->second;
    p.flow = flow_series(base_.places()[i].kind);
    p.windows.resize(windows.size());
    places.push_back(std::move(p));
  }
}

void PairedBins::add(const ReplicationValues& b, const ReplicationValues& v) {
  for (Place& p : places) {
    const ReplicationValues::Place& xb = b.places[p.base];
    const ReplicationValues::Place& xv = v.places[p.variant];
    // Queue, occupancy and flow: a value in every bin of every replication (zero where nothing).
    for (const std::size_t m : {kQueue, kOccupancy, kFlow}) {
      const Series s = level_series(p, m);
      const auto &sb = xb.series[s], &sv = xv.series[s];
      for (std::size_t w = 0; w < windows.size(); ++w) {
        const Window& win = windows[w];
        double mb = 0, mv = 0;
        for (std::size_t k = win.first_bin; k < win.end_bin; ++k) mb += at(sb, k), mv += at(sv, k);
        const auto n = static_cast<double>(win.end_bin - win.first_bin);
        auto& sums = p.windows[w][m];
        sums[0].add(mb / n);
        sums[1].add(mv / n);
        sums[2].add(mv / n - mb / n);
      }
      if (sb.empty() && sv.empty()) continue;  // zero in both: no difference
      for (std::size_t k = 0; k < bins; ++k) p.diff[m].add(bins, k, at(sv, k) - at(sb, k));
    }
    // The wait: where both served anyone.
    for (std::size_t w = 0; w < windows.size(); ++w) {
      double wb = 0, wv = 0;
      if (!wait_over(xb, windows[w].first_bin, windows[w].end_bin, wb) ||
          !wait_over(xv, windows[w].first_bin, windows[w].end_bin, wv))
        continue;
      auto& sums = p.windows[w][kWait];
      sums[0].add(wb);
      sums[1].add(wv);
      sums[2].add(wv - wb);
    }
    if (xb.series[kWaitN].empty() || xv.series[kWaitN].empty()) continue;
    for (std::size_t k = 0; k < bins; ++k) {
      double wb = 0, wv = 0;
      if (!wait_over(xb, k, k + 1, wb) || !wait_over(xv, k, k + 1, wv)) continue;
      p.wait_pairs.add(bins, k, 1);
      p.wait_base.add(bins, k, wb);
      p.wait_variant.add(bins, k, wv);
      p.diff[kWait].add(bins, k, wv - wb);
    }
  }
  ++pairs;
}

ComparedRun run_compared(const model::Simulation& base, const model::Simulation& variant,
                         const ensemble::Settings& settings) {
  ComparedRun c{Ensemble(base, settings), Ensemble(variant, settings), PairedBins(base, variant)};
  ensemble::run_paired_replications<ReplicationValues>(
      base, variant, settings, [](model::ReplicationResult&& r) { return values_of(std::move(r)); },
      [&](ReplicationValues&& b, ReplicationValues&& v) {
        c.bins.add(b, v);
        c.base.add(std::move(b));
        c.variant.add(std::move(v));
      });
  return c;
}

std::string comparison_bins_csv(const ComparedRun& c) {
  const PairedBins& pb = c.bins;
  const double bin_s = pb.base->scenario().bin_s;
  fmt::memory_buffer out;
  auto to = std::back_inserter(out);
  fmt::format_to(to, "place,place_kind,metric,bin_start_s,clock,base_mean,variant_mean,diff_mean,diff_ci95_lo,"
                     "diff_ci95_hi,pairs\n");
  std::vector<std::string> clocks(pb.bins);
  for (std::size_t b = 0; b < pb.bins; ++b) clocks[b] = clock_label(static_cast<double>(b) * bin_s);
  for (const PairedBins::Place& p : pb.places) {
    const observe::Place& place = pb.base->places()[p.base];
    const std::string_view kind = scenario::place_kind_name(place.kind);
    for (std::size_t m = 0; m < kNumBinMetrics; ++m) {
      const BinSums& diff = p.diff[m];
      for (std::size_t b = 0; b < pb.bins; ++b) {
        // A difference zero in every pair (its squares sum to zero) is no change: no row.
        if (diff.sum_sq(b) == 0) continue;
        double base = 0, variant = 0, n = pb.pairs;
        if (m == kWait) {
          n = p.wait_pairs.sum(b);
          base = p.wait_base.sum(b) / n;
          variant = p.wait_variant.sum(b) / n;
        } else {
          const Series s = level_series(p, m);
          base = c.base.mean(p.base, s, b);
          variant = c.variant.mean(p.variant, s, b);
        }
        const Interval ci = confidence_interval95(static_cast<std::uint64_t>(n), diff.sum(b), diff.sum_sq(b));
        fmt::format_to(to, FMT_COMPILE("{},{},{},{},{},{:.6g},{:.6g},{:.6g},"), place.id, kind, kBinMetricNames[m],
                       static_cast<double>(b) * bin_s, clocks[b], base, variant, ci.mean);
        if (ci.exists) fmt::format_to(to, FMT_COMPILE("{:.6g},{:.6g},{}\n"), ci.lo, ci.hi, n);
        else fmt::format_to(to, FMT_COMPILE(",,{}\n"), n);
      }
    }
  }
  return fmt::to_string(out);
}

std::vector<WindowChanges> window_changes(const PairedBins& pb, std::size_t top) {
  std::vector<WindowChanges> out;
  for (std::size_t w = 0; w < pb.windows.size(); ++w) {
    WindowChanges wc;
    wc.window = pb.windows[w];
    for (const BinMetric m : {kQueue, kWait}) {
      std::vector<WindowChange> all;
      for (const PairedBins::Place& p : pb.places) {
        const auto& sums = p.windows[w][m];
        const auto n = static_cast<std::uint64_t>(sums[2].n);
        if (n == 0 || sums[2].sum_sq == 0) continue;  // unchanged in every pair
        const observe::Place& place = pb.base->places()[p.base];
        WindowChange c;
        c.place = place.id;
        c.place_kind = scenario::place_kind_name(place.kind);
        c.metric = m;
        c.base = sums[0].sum / sums[0].n;
        c.variant = sums[1].sum / sums[1].n;
        c.diff = confidence_interval95(n, sums[2].sum, sums[2].sum_sq);
        all.push_back(std::move(c));
      }
      // The largest changes first; ties in place order (stable), the same on every run.
      std::stable_sort(all.begin(), all.end(), [](const WindowChange& a, const WindowChange& b) {
        return std::abs(a.diff.mean) > std::abs(b.diff.mean);
      });
      if (all.size() > top) all.resize(top);
      wc.changes.insert(wc.changes.end(), all.begin(), all.end());
    }
    out.push_back(std::move(wc));
  }
  return out;
}

std::string window_changes_text(const std::vector<WindowChanges>& windows) {
  if (windows.empty()) return "";
  std::string out =
      "\nInside each event window of the variant: the places whose queue and wait changed most, each the paired\n"
      "mean difference of its average over the window's bins, with its 95% interval (* excludes zero).\n";
  auto num = [](double x) { return std::abs(x) >= 100 ? fmt::format("{:.0f}", x) : fmt::format("{:.3g}", x); };
  for (const WindowChanges& w : windows) {
    out += fmt::format("\n{} ({} {}) {} – {}\n", w.window.name, w.window.kind, w.window.target,
                       clock_label(w.window.from_s), clock_label(w.window.to_s));
    if (w.changes.empty()) {
      out += "  no place's queue or wait changed\n";
      continue;
    }
    BinMetric heading = kNumBinMetrics;
    for (const WindowChange& c : w.changes) {
      if (c.metric != heading) {
        heading = c.metric;
        out += fmt::format("  {:<38} {:>10} {:>10} {:>11} {:>23}\n", heading == kQueue ? "queue (persons)" : "wait (min)",
                           "base", "variant", "difference", "95% interval");
      }
      const double scale = c.metric == kWait ? 1.0 / 60 : 1.0;
      const std::string ci = c.diff.exists ? fmt::format("[{}, {}]", num(c.diff.lo * scale), num(c.diff.hi * scale)) : "—";
      const bool significant = c.diff.exists && (c.diff.lo > 0 || c.diff.hi < 0);
      out += fmt::format("  {:<38} {:>10} {:>10} {:>11} {:>23} {}\n", c.place, num(c.base * scale),
                         num(c.variant * scale), num(c.diff.mean * scale), ci, significant ? "*" : "");
    }
  }
  return out;
}

}  // namespace expoflow::output
