#pragma once
// Statistics accumulators. They observe values; they never drive the model.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "kernel/time.hpp"

namespace expoflow {

// Count, mean and variance of observations (Welford's update: stable for long runs).
class Tally {
 public:
  void add(double x) {
    ++n_;
    const double d = x - mean_;
    mean_ += d / static_cast<double>(n_);
    m2_ += d * (x - mean_);
    if (n_ == 1 || x < min_) min_ = x;
    if (n_ == 1 || x > max_) max_ = x;
  }
  std::uint64_t count() const { return n_; }
  double mean() const { return mean_; }
  double variance() const { return n_ > 1 ? m2_ / static_cast<double>(n_ - 1) : 0.0; }
  double stddev() const { return std::sqrt(variance()); }
  double min() const { return min_; }
  double max() const { return max_; }
  // Every data member, for saving and restoring exactly (f is called with a reference to each).
  template <class F>
  void visit_state(F&& f) {
    f(n_), f(mean_), f(m2_), f(min_), f(max_);
  }

 private:
  std::uint64_t n_ = 0;
  double mean_ = 0, m2_ = 0, min_ = 0, max_ = 0;
};

// A piecewise-constant quantity over time (queue length, occupancy): its time integral, time-
// weighted mean and maximum.
class TimeWeighted {
 public:
  explicit TimeWeighted(Time start = 0) : last_t_(start), start_(start) {}
  void set(Time now, double value) {
    integral_ += value_ * (now - last_t_);
    last_t_ = now;
    value_ = value;
    if (value > max_) { max_ = value; argmax_ = now; }
  }
  void add(Time now, double delta) { set(now, value_ + delta); }
  double value() const { return value_; }
  double max() const { return max_; }
  Time argmax() const { return argmax_; }
  double integral(Time now) const { return integral_ + value_ * (now - last_t_); }
  double mean(Time now) const { return now > start_ ? integral(now) / (now - start_) : value_; }
  // Forget the past (warm-up deletion) but keep the current value.
  void reset(Time now) {
    integral_ = 0;
    last_t_ = start_ = now;
    max_ = value_;
    argmax_ = now;
  }

 private:
  double value_ = 0, integral_ = 0, max_ = 0;
  Time last_t_ = 0, start_ = 0, argmax_ = 0;
};

// Quantiles of non-negative values (waits in seconds) with bounded relative error: a log-linear
// histogram, 64 sub-bins per power of two above 1 and 1/64-wide bins below 1, so any quantile is
// within 1.6% (or 1/64 s) of the exact sample quantile. Only the range of bins holding values is
// stored; merging is addition.
class Histogram {
 public:
  void add(double x, std::uint64_t weight = 1) {
    const std::size_t b = bin_of(x);
    if (b < lo_ || b >= lo_ + bins_.size()) cover(b, b + 1);
    bins_[b - lo_] += weight;
    n_ += weight;
  }
  // add(0, weight), counted in the object itself: most waits are zero, and this touches no bins.
  void add_zero(std::uint64_t weight) {
    zeros_ += weight;
    n_ += weight;
  }
  std::uint64_t count() const { return n_; }
  // Whether the stored range lies within the bins a double can reach, and the counts add up to
  // count() (a histogram restored from damaged bytes may not).
  bool well_formed() const;
  // How many bins the values a double can hold reach: no histogram stores more.
  static std::size_t num_possible_bins() { return bin_of_large(std::numeric_limits<double>::max()) + 1; }
  // The q-quantile (0 <= q <= 1) as the midpoint of the bin that holds it; 0 if empty.
  double quantile(double q) const;
  // The share of the values above x (0 if empty): whole bins above x, and of the bin holding x the
  // part above it, as if its values were spread evenly over the bin.
  double share_above(double x) const;
  void merge(const Histogram& o);
  template <class F>
  void visit_state(F&& f) {
    std::uint64_t lo = lo_;
    f(lo), f(bins_), f(n_), f(zeros_);
    lo_ = static_cast<std::size_t>(lo);
  }

 private:
  // Widen the stored range [lo_, lo_ + bins_.size()) to include [from, to).
  void cover(std::size_t from, std::size_t to);
  static constexpr int kSub = 64;
  static std::size_t bin_of(double x) { return x > 0 && x < 1 ? static_cast<std::size_t>(x * kSub) : x > 0 ? bin_of_large(x) : 0; }
  static std::size_t bin_of_large(double x);
  static double bin_mid(std::size_t b);
  static double bin_low(std::size_t b);  // where bin b begins (bin b + 1 begins where it ends)
  // Counts of bins lo_ .. lo_ + bins_.size() - 1 (waits of one time bin fill a narrow range).
  std::vector<std::uint64_t> bins_;
  std::size_t lo_ = 0;
  std::uint64_t n_ = 0;
  std::uint64_t zeros_ = 0;  // zeros added by add_zero (counted apart from bin 0)
};

// Student's t quantile t_{p, df} for a two-sided interval (p = 0.975 for 95%).
double student_t_quantile(double p, std::uint64_t df);

struct Interval {
  double mean = 0, lo = 0, hi = 0, half_width = 0;
  // Whether there is an interval: a single replication gives a mean but no spread to bound it by
  // (lo = hi = mean then, which outputs must not present as a zero-width interval).
  bool exists = false;
};
// Mean and 95% confidence interval over independent replications (symmetric: for differences).
Interval confidence_interval95(const Tally& over_replications);
// The same from n values' sum and sum of squares (what a sparse fold over replications keeps).
Interval confidence_interval95(std::uint64_t n, double sum, double sum_sq);
// The same for a quantity that cannot be negative (a count, a queue, an occupancy, a wait, a
// peak): the t-interval's lower end clipped at zero, where a skewed quantity with few
// replications would otherwise put it.
Interval nonnegative_interval95(const Tally& over_replications);

}  // namespace expoflow
