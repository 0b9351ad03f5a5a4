#pragma once
// Counter-based random numbers. A draw is a pure function of
//   (master seed, stream name, replication, entity id, draw index)
// so it does not depend on the order in which the model happens to ask for numbers. Two
// scenarios that differ in one place therefore share every other draw (common random numbers):
// changing a gate's lanes cannot change any party's arrival time, class, size or mode.
//
// The mixing function is the SplitMix64 finaliser (a bijection on 64 bits with full avalanche)
// applied once per key component. A stream caches the mix of (seed, name, replication) so a draw
// costs two finaliser rounds. Rejected alternatives: a sequential generator per entity (state
// per party, and draws depend on call order inside the entity); std:: distributions (their
// algorithms differ between standard libraries, so results would too).
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "kernel/hash.hpp"

namespace expoflow {

namespace detail {
constexpr std::uint64_t fmix64(std::uint64_t z) {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
// Stream names hash the same on every platform.
constexpr std::uint64_t hash_name(std::string_view s) { return fnv1a(s); }
}  // namespace detail

class RandomStream {
 public:
  RandomStream() = default;
  RandomStream(std::uint64_t seed, std::string_view name, std::uint64_t replication)
      : prefix_(detail::fmix64(detail::fmix64(detail::fmix64(seed) ^ detail::hash_name(name)) ^
                               replication)) {}

  // 64 random bits for (entity, draw).
  [[gnu::always_inline]] std::uint64_t bits(std::uint64_t entity, std::uint64_t draw) const {
    return detail::fmix64(detail::fmix64(prefix_ ^ entity) ^ (draw * 0xd1b54a32d192ed03ULL));
  }
  // Uniform on the open interval (0, 1): never 0, never 1, so log() and inverse CDFs are safe.
  // k + 0.5 is exact only below 2^52; above, it rounds to even, and for k = 2^53 - 1 to 2^53,
  // i.e. u = 1. Clamping that one value (instead of using fewer bits) leaves every other draw
  // unchanged.
  [[gnu::always_inline]] double uniform(std::uint64_t entity, std::uint64_t draw) const {
    const double u = (static_cast<double>(bits(entity, draw) >> 11) + 0.5) * 0x1.0p-53;
    return u < 1.0 ? u : 0x1.fffffffffffffp-1;
  }

 private:
  std::uint64_t prefix_ = 0;
};

// Distributions as inverse CDFs of one uniform: one draw index per variate, which keeps the
// draw-index bookkeeping of the model simple and makes variates monotone in u (a common random
// number moves every variate in the same direction).
namespace dist {

inline double exponential(double mean, double u) { return -mean * std::log(u); }

// Standard normal quantile: Acklam's rational approximation (relative error < 1.2e-9).
double normal_quantile(double u);

inline double normal(double mean, double sd, double u) { return mean + sd * normal_quantile(u); }

// Lognormal given the mean and standard deviation of the variate itself (not of its log).
double lognormal_mean_sd(double mean, double sd, double u);
// The same lognormal with its parameters worked out once: lognormal_mean_sd(mean, sd, u) ==
// Lognormal(mean, sd)(u), bit for bit.
class Lognormal {
 public:
  Lognormal() = default;
  Lognormal(double mean, double sd);
  double operator()(double u) const { return std::exp(mu_ + sigma_ * normal_quantile(u)); }

 private:
  double mu_ = 0, sigma_ = 0;
};

// Index i with probability weights[i] / sum(weights). Weights must be non-negative with a
// positive sum.
std::size_t discrete(std::span<const double> weights, double u);
// discrete() over fixed weights with the sums worked out once: Cumulative(w)(u) == discrete(w, u),
// bit for bit (the partial sums are the same additions in the same order).
class Cumulative {
 public:
  Cumulative() = default;
  explicit Cumulative(std::span<const double> weights);
  std::size_t operator()(double u) const {
    const double target = u * total_;
    for (std::size_t i = 0; i < cum_.size(); ++i)
      if (target < cum_[i]) return i;
    return last_positive_;
  }

 private:
  std::vector<double> cum_;
  double total_ = 0;
  std::size_t last_positive_ = 0;
};

// A piecewise-constant density over [start, start + width * n): bin i has weight weights[i].
double piecewise_uniform(std::span<const double> weights, double start, double width, double u);
// The same density truncated to [lo, hi], by inversion of its distribution function: the value
// whose cumulative weight is F(lo) + u (F(hi) - F(lo)). Nothing when no weight lies in [lo, hi].
std::optional<double> piecewise_uniform_between(std::span<const double> weights, double start, double width,
                                                double lo, double hi, double u);

}  // namespace dist
}  // namespace expoflow

namespace expoflow::dist {
// Poisson variate by inverse CDF (exact summation up to mean 700, beyond which a normal
// approximation with continuity correction is used: its error is far below sampling noise).
std::uint64_t poisson(double mean, double u);
}  // namespace expoflow::dist
