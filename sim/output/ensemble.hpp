#pragma once
// Replications of one scenario and what they add up to: means and 95% intervals of the observed
// totals and indicators, and time-binned tables averaged over replications.
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ensemble/replications.hpp"
#include "kernel/stats.hpp"
#include "model/simulation.hpp"

namespace expoflow::output {

// The per-bin series the tables average, taken from each place's statistics (observe::PlaceStats):
// counted persons and vehicles by record kind (kCountedKinds), the queue and the occupancy (time-
// weighted mean and maximum of each bin), and the waits (number, sum, maximum).
enum Series : std::size_t {
  kPersons = 0,                                // + counted kind
  kVehicles = kPersons + observe::kNumCounted,  // + counted kind
  kQueueMean = kVehicles + observe::kNumCounted,
  kQueueMax,
  kOccupancyMean,
  kOccupancyMax,
  kWaitN,
  kWaitSum,
  kWaitMax,
  // Where the Recorder keeps waits by bin (entrances, taxi stands): each replication's median and
  // 95th percentile of the bin, and 1 where it served anyone in the bin (the replications a
  // percentile is averaged over).
  kWaitP50,
  kWaitP95,
  kWaitServed,
  kNumSeries
};

// One replication's part of an ensemble, taken out of its Recorder on the thread that ran it: a
// replication waiting for its turn in the reorder buffer holds this (a few MB), not its Recorder.
// values_of moves the Recorder's non-zero per-bin vectors here, reduces its per-bin wait
// histograms to their percentiles, and frees the rest with it.
struct ReplicationValues {
  struct Place {
    std::array<std::vector<double>, kNumSeries> series;  // per bin; empty: zero in every bin
  };
  std::vector<double> observed;
  std::vector<observe::Kpi> kpis;
  std::vector<Place> places;
  std::uint64_t events = 0;
  std::size_t peak_pending = 0;
  double persons_generated = 0, persons_left_inside = 0;
};
ReplicationValues values_of(model::ReplicationResult&& r);

// Sums over replications of a value kept per time bin, and of its squares, added in replication
// order: sum / replications is the mean the tables print, bit for bit the same as summing the
// replications' values in order. Stored in blocks of kBlock bins, each made when a value in it is
// first non-zero: most places never see most kinds of record, and what they see falls in the
// opening hours, so nights and unused series keep nothing; adding a zero changes neither sum.
class BinSums {
 public:
  static constexpr std::size_t kBlock = 8;
  void add(std::size_t bins, std::size_t b, double x) {
    if (x == 0) return;
    if (blocks_.empty()) blocks_.resize((bins + kBlock - 1) / kBlock);
    auto& block = blocks_[b / kBlock];
    if (!block) block = std::make_unique<Block>();
    block->sum[b % kBlock] += x;
    block->sum_sq[b % kBlock] += x * x;
  }
  double sum(std::size_t b) const {
    const Block* block = find(b);
    return block ? block->sum[b % kBlock] : 0.0;
  }
  double sum_sq(std::size_t b) const {
    const Block* block = find(b);
    return block ? block->sum_sq[b % kBlock] : 0.0;
  }

 private:
  struct Block {
    std::array<double, kBlock> sum{}, sum_sq{};
  };
  const Block* find(std::size_t b) const { return b / kBlock < blocks_.size() ? blocks_[b / kBlock].get() : nullptr; }
  std::vector<std::unique_ptr<Block>> blocks_;
};

// One place's series summed over replications.
struct PlaceSums {
  std::array<BinSums, kNumSeries> series;
};

// Replications of one scenario folded in replication order as they come: what the outputs need,
// not the replications themselves, so memory does not grow with their number.
struct Ensemble {
  const model::Simulation* sim = nullptr;
  ensemble::Settings settings;
  std::uint32_t count = 0;                           // replications added
  std::vector<Tally> observed;                       // per scenario.observed
  std::vector<std::vector<double>> observed_values;  // [observed total][replication]
  std::vector<std::pair<observe::KpiId, Tally>> kpis;  // indicators, in the replications' order
  std::vector<std::vector<double>> kpi_values;         // [indicator][replication]
  std::vector<PlaceSums> places;                     // per place of sim
  double persons_generated = 0, persons_left_inside = 0;  // sums over replications
  std::uint64_t events = 0;
  std::size_t peak_pending = 0;
  std::uint32_t resumed = 0;  // replications reused from replication_dir

  Ensemble() = default;
  Ensemble(const model::Simulation& sim, const ensemble::Settings& settings);
  // Fold in the next replication.
  void add(ReplicationValues&& r);
  // An indicator over the replications, and its value in each. Throws std::out_of_range, naming
  // the indicator, if the ensemble has none of that id.
  const Tally& kpi(observe::KpiId id) const { return kpis[kpi_index(id)].second; }
  const std::vector<double>& kpi_values_of(observe::KpiId id) const { return kpi_values[kpi_index(id)]; }
  // The mean over the replications of bin b of a place's series (0 without replications).
  double mean(std::size_t place, Series series, std::size_t b) const {
    return count ? places[place].series[series].sum(b) / static_cast<double>(count) : 0.0;
  }
  // A wait percentile of bin b (kWaitP50, kWaitP95) averaged over the replications that served
  // anyone in it; nothing where none did.
  std::optional<double> wait_percentile(std::size_t place, Series series, std::size_t b) const {
    const double served = places[place].series[kWaitServed].sum(b);
    if (served == 0) return std::nullopt;
    return places[place].series[series].sum(b) / served;
  }

 private:
  std::size_t kpi_index(observe::KpiId id) const;
};

// Replications 0..R-1 through the ensemble runner (ensemble::run_replications), folded in
// replication order: the same for any number of threads or MPI ranks. Complete on rank 0, empty
// on the others. Throws model::Interrupted if a stop was requested.
Ensemble run_ensemble(const model::Simulation& sim, const ensemble::Settings& settings);

// "d1 09:15" for seconds since the scenario's start.
std::string clock_label(double t);

}  // namespace expoflow::output
