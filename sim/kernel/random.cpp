#include "kernel/random.hpp"

#include <algorithm>

namespace expoflow::dist {

double normal_quantile(double p) {
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double lo = 0.02425, hi = 1 - lo;
  if (p < lo) {
    const double q = std::sqrt(-2 * std::log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > hi) {
    const double q = std::sqrt(-2 * std::log1p(-p));
    return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
           ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const double q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
         (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

Lognormal::Lognormal(double mean, double sd) {
  const double cv = sd / mean;
  const double s2 = std::log1p(cv * cv);
  mu_ = std::log(mean) - 0.5 * s2;
  sigma_ = std::sqrt(s2);
}

double lognormal_mean_sd(double mean, double sd, double u) { return Lognormal(mean, sd)(u); }

std::size_t discrete(std::span<const double> weights, double u) {
  double total = 0;
  for (double w : weights) total += w;
  double target = u * total, acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    if (target < acc) return i;
  }
  // u * total rounded up to the total: the last bin with positive weight.
  for (std::size_t i = weights.size(); i-- > 0;)
    if (weights[i] > 0) return i;
  return 0;
}

Cumulative::Cumulative(std::span<const double> weights) : cum_(weights.size()) {
  double acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    cum_[i] = acc;
    if (weights[i] > 0) last_positive_ = i;
  }
  total_ = acc;
}

double piecewise_uniform(std::span<const double> weights, double start, double width, double u) {
  double total = 0;
  for (double w : weights) total += w;
  double target = u * total, acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0 && target < acc + weights[i]) {
      const double frac = (target - acc) / weights[i];
      return start + width * (static_cast<double>(i) + std::clamp(frac, 0.0, 1.0));
    }
    acc += weights[i];
  }
  return start + width * static_cast<double>(weights.size());
}

std::optional<double> piecewise_uniform_between(std::span<const double> weights, double start, double width,
                                                double lo, double hi, double u) {
  // Cumulative weight below clock time t.
  auto cdf = [&](double t) {
    const double x = std::clamp((t - start) / width, 0.0, static_cast<double>(weights.size()));
    const auto i = static_cast<std::size_t>(x);
    double acc = 0;
    for (std::size_t k = 0; k < i && k < weights.size(); ++k) acc += weights[k];
    if (i < weights.size()) acc += weights[i] * (x - static_cast<double>(i));
    return acc;
  };
  if (!(hi > lo)) return std::nullopt;
  const double f_lo = cdf(lo), f_hi = cdf(hi);
  if (!(f_hi > f_lo)) return std::nullopt;
  const double target = f_lo + std::clamp(u, 0.0, 1.0) * (f_hi - f_lo);
  double acc = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    if (weights[i] > 0 && target <= acc + weights[i]) {
      const double t = start + width * (static_cast<double>(i) + std::clamp((target - acc) / weights[i], 0.0, 1.0));
      return std::clamp(t, lo, hi);
    }
    acc += weights[i];
  }
  return hi;
}

}  // namespace expoflow::dist

namespace expoflow::dist {
std::uint64_t poisson(double mean, double u) {
  if (mean <= 0) return 0;
  if (mean > 700) {
    const double x = std::floor(mean + std::sqrt(mean) * normal_quantile(u) + 0.5);
    return x < 0 ? 0 : static_cast<std::uint64_t>(x);
  }
  double p = std::exp(-mean), cdf = p;
  std::uint64_t k = 0;
  while (u > cdf && p > 0) {
    ++k;
    p *= mean / static_cast<double>(k);
    cdf += p;
  }
  return k;
}
}  // namespace expoflow::dist
