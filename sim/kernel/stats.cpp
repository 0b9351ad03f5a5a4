#include "kernel/stats.hpp"

#include <algorithm>
#include <limits>

#include "kernel/random.hpp"

namespace expoflow {

std::size_t Histogram::bin_of_large(double x) {
  int e = 0;
  const double m = std::frexp(x, &e);  // x = m * 2^e, m in [0.5, 1)
  const auto sub = static_cast<std::size_t>((m - 0.5) * 2 * kSub);
  return static_cast<std::size_t>(kSub) + static_cast<std::size_t>(e - 1) * kSub + sub;
}

double Histogram::bin_mid(std::size_t b) {
  if (b < static_cast<std::size_t>(kSub)) return (static_cast<double>(b) + 0.5) / kSub;
  const std::size_t k = b - kSub;
  const int e = static_cast<int>(k / kSub);
  const double sub = static_cast<double>(k % kSub);
  return std::ldexp(1.0 + (sub + 0.5) / kSub, e);
}

double Histogram::bin_low(std::size_t b) {
  if (b < static_cast<std::size_t>(kSub)) return static_cast<double>(b) / kSub;
  const std::size_t k = b - kSub;
  return std::ldexp(1.0 + static_cast<double>(k % kSub) / kSub, static_cast<int>(k / kSub));
}

double Histogram::share_above(double x) const {
  if (n_ == 0) return 0;
  double above = x < 0 ? static_cast<double>(zeros_) : 0.0;
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    const double lo = bin_low(lo_ + i), hi = bin_low(lo_ + i + 1);
    if (lo >= x)
      above += static_cast<double>(bins_[i]);
    else if (hi > x)
      above += static_cast<double>(bins_[i]) * (hi - x) / (hi - lo);
  }
  return above / static_cast<double>(n_);
}

double Histogram::quantile(double q) const {
  if (n_ == 0) return 0;
  const auto rank = static_cast<std::uint64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * static_cast<double>(n_)));
  std::uint64_t acc = zeros_;  // in bin 0
  if (bins_.empty() || acc >= std::max<std::uint64_t>(rank, 1)) return bin_mid(0);
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    acc += bins_[i];
    if (acc >= std::max<std::uint64_t>(rank, 1)) return bin_mid(lo_ + i);
  }
  return bin_mid(lo_ + bins_.size() - 1);
}

bool Histogram::well_formed() const {
  const std::size_t end = num_possible_bins();
  if (lo_ > end || bins_.size() > end - lo_) return false;
  std::uint64_t n = zeros_;
  for (const std::uint64_t c : bins_) n += c;
  return n == n_;
}

void Histogram::cover(std::size_t from, std::size_t to) {
  if (bins_.empty()) {
    lo_ = from;
    bins_.assign(to - from, 0);
    return;
  }
  if (from < lo_) {
    bins_.insert(bins_.begin(), lo_ - from, 0);
    lo_ = from;
  }
  if (to > lo_ + bins_.size()) bins_.resize(to - lo_, 0);
}

void Histogram::merge(const Histogram& o) {
  if (!o.bins_.empty()) {
    cover(o.lo_, o.lo_ + o.bins_.size());
    for (std::size_t i = 0; i < o.bins_.size(); ++i) bins_[o.lo_ + i - lo_] += o.bins_[i];
  }
  zeros_ += o.zeros_;
  n_ += o.n_;
}

double student_t_quantile(double p, std::uint64_t df) {
  if (df == 0) return std::numeric_limits<double>::infinity();
  // Exact two-sided 95% values for small df, where the expansion below is poor.
  static constexpr double t975[] = {0,      12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469,
                                    2.3646, 2.3060,  2.2622, 2.2281, 2.2010, 2.1788, 2.1604,
                                    2.1448, 2.1314,  2.1199, 2.1098, 2.1009, 2.0930, 2.0860};
  if (p == 0.975 && df <= 20) return t975[df];
  // Cornish–Fisher expansion of t in terms of the normal quantile (Abramowitz & Stegun 26.7.5);
  // error below 1e-4 for df > 20.
  const double z = dist::normal_quantile(p), v = static_cast<double>(df);
  const double z2 = z * z;
  const double g1 = (z2 + 1) * z / 4;
  const double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
  const double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
  const double g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160;
  return z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v);
}

Interval confidence_interval95(const Tally& t) {
  Interval r;
  r.mean = t.mean();
  if (t.count() > 1) {
    r.exists = true;
    r.half_width = student_t_quantile(0.975, t.count() - 1) * t.stddev() /
                   std::sqrt(static_cast<double>(t.count()));
  }
  r.lo = r.mean - r.half_width;
  r.hi = r.mean + r.half_width;
  return r;
}

Interval confidence_interval95(std::uint64_t n, double sum, double sum_sq) {
  Interval r;
  if (n == 0) return r;
  const double dn = static_cast<double>(n);
  r.mean = sum / dn;
  if (n > 1) {
    r.exists = true;
    // Rounding can leave a tiny negative sum of squared deviations where all values are equal.
    const double variance = std::max(0.0, (sum_sq - sum * r.mean) / (dn - 1));
    r.half_width = student_t_quantile(0.975, n - 1) * std::sqrt(variance / dn);
  }
  r.lo = r.mean - r.half_width;
  r.hi = r.mean + r.half_width;
  return r;
}

Interval nonnegative_interval95(const Tally& t) {
  Interval r = confidence_interval95(t);
  r.lo = std::max(r.lo, 0.0);
  return r;
}

}  // namespace expoflow
