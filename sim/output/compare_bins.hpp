#pragma once
// Compare over time: the paired difference (variant - base, replication by replication) of every
// place's queue, occupancy, flow and wait in each time bin, and averaged over each event window of
// the variant. Pairs are folded in replication order as they come, keeping per bin only the sums
// of the differences and of their squares (BinSums, sparse: a bin whose difference is zero in
// every pair keeps nothing), so memory does not grow with the number of replications and a paired
// t-interval follows from the sums.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "output/ensemble.hpp"

namespace expoflow::output {

// What is compared of a place, per bin: the time-weighted mean queue and occupancy, the flow (the
// persons or vehicles counted through it: flow_series) and the mean wait of those served.
enum BinMetric : std::size_t { kQueue = 0, kOccupancy, kFlow, kWait, kNumBinMetrics };
inline constexpr const char* kBinMetricNames[kNumBinMetrics] = {"queue_mean", "occupancy_mean", "flow", "wait_mean_s"};

// The series that counts a place's flow: persons passing entrances, walkways and fare gates,
// persons boarding lines, vehicles entering lots, persons arriving; elsewhere (platforms, taxi
// stands, bays, stops) the persons or vehicles served.
Series flow_series(scenario::PlaceKind kind);

// A stretch of the run the printout looks inside: an event of the variant, [from, to) clipped to
// the run, and the bins it overlaps. An event lasting several days is one window over all of them.
struct Window {
  std::string name;  // the event's id
  std::string kind, target;  // the event's kind and what it acts on (a line, gate, walkway; "*")
  double from_s = 0, to_s = 0;
  std::size_t first_bin = 0, end_bin = 0;
};

// Replication pairs folded in replication order.
struct PairedBins {
  // Sums over the pairs of n values: the paired mean and t-interval of a difference.
  struct Sums {
    double n = 0, sum = 0, sum_sq = 0;
    void add(double x) { n += 1, sum += x, sum_sq += x * x; }
  };
  // A place found (by id) in both scenarios.
  struct Place {
    std::uint32_t base = 0, variant = 0;  // its index in each simulation
    Series flow = kWaitN;
    std::array<BinSums, kNumBinMetrics> diff;  // per bin: the pairs' differences
    // The wait of a bin is paired where both served anyone in it: the pairs, and the base's and
    // the variant's waits over those pairs.
    BinSums wait_pairs, wait_base, wait_variant;
    // Per window, per metric: base, variant and difference of each pair's average over the window.
    std::vector<std::array<std::array<Sums, 3>, kNumBinMetrics>> windows;
  };
  const model::Simulation* base = nullptr;
  const model::Simulation* variant = nullptr;
  std::vector<Place> places;  // in the base's order
  std::vector<Window> windows;
  std::size_t bins = 0;  // bins compared: both scenarios' bins are the same length, else none
  std::uint32_t pairs = 0;

  PairedBins() = default;
  PairedBins(const model::Simulation& base, const model::Simulation& variant);
  // Fold in replication r of the base and of the variant (the same r: common random numbers).
  void add(const ReplicationValues& base, const ReplicationValues& variant);
};

// The base, the variant and their pairs, run together (ensemble::run_paired_replications): the
// same for any number of threads or MPI ranks. Complete on rank 0, empty on the others. Throws
// model::Interrupted if a stop was requested.
struct ComparedRun {
  Ensemble base, variant;
  PairedBins bins;
};
ComparedRun run_compared(const model::Simulation& base, const model::Simulation& variant,
                         const ensemble::Settings& settings);

// comparison_bins.csv: a row per place, metric and bin where the base or the variant is non-zero
// and the difference is not zero in every pair; columns place, place_kind, metric, bin_start_s,
// clock, base_mean, variant_mean, diff_mean, diff_ci95_lo, diff_ci95_hi (a paired t-interval,
// empty with a single pair), pairs.
std::string comparison_bins_csv(const ComparedRun& c);

// The places that changed most inside each window: for the queue and the wait, the `top` places by
// the size of the paired mean difference of their average over the window.
struct WindowChange {
  std::string place, place_kind;
  BinMetric metric = kQueue;
  double base = 0, variant = 0;
  Interval diff;
};
struct WindowChanges {
  Window window;
  std::vector<WindowChange> changes;  // the queue's top places, then the wait's
};
std::vector<WindowChanges> window_changes(const PairedBins& bins, std::size_t top = 5);
std::string window_changes_text(const std::vector<WindowChanges>& windows);

}  // namespace expoflow::output
