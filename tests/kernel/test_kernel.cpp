// Unit tests of the kernel: calendar, random streams and distributions, statistics, resource.
//
// Stochastic checks compare against intervals computed from theory at the 99.9% level (z = 3.29,
// or a chi-square critical value), never against a hand-picked epsilon. The seeds are fixed, so
// each check is deterministic; the level only says how unlucky a correct implementation would
// have to be for the chosen seed to fail.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kernel/calendar.hpp"
#include "kernel/random.hpp"
#include "kernel/resource.hpp"
#include "kernel/stats.hpp"

using namespace expoflow;

namespace {

constexpr double kZ999 = 3.2905;  // two-sided 99.9% standard normal quantile

using Log = std::vector<std::pair<std::string, Time>>;

// ---------------------------------------------------------------------------------------------
// Calendar

enum Kind : std::uint32_t { kArrive, kDepart, kPing, kEcho };

}  // namespace

TEST_CASE("calendar: scripted run gives the exact ordered log", "[kernel][calendar]") {
  // Two customers arrive; each stays 3 s. A ping at t=4 echoes at the same instant. At t=4 the
  // ping runs before the departure of customer 1 because it was scheduled first (at t=0, the
  // departure at t=1); the echo, scheduled from inside a handler for the current time, runs
  // after both.
  Calendar cal;
  Log log;
  cal.schedule(2, kArrive, 2);
  cal.schedule(1, kArrive, 1);
  cal.schedule(4, kPing, 0);
  while (!cal.empty()) {
    const Event e = cal.pop();
    const std::string id = std::to_string(e.target);
    switch (e.kind) {
      case kArrive:
        log.emplace_back("arrive" + id, cal.now());
        cal.schedule_in(3, kDepart, e.target);
        break;
      case kDepart:
        log.emplace_back("depart" + id, cal.now());
        break;
      case kPing:
        log.emplace_back("ping", cal.now());
        cal.schedule_in(0, kEcho, 0);
        break;
      case kEcho:
        log.emplace_back("echo", cal.now());
        break;
    }
  }
  const Log expected = {{"arrive1", 1}, {"arrive2", 2}, {"ping", 4},
                        {"depart1", 4}, {"echo", 4},    {"depart2", 5}};
  CHECK(log == expected);
  CHECK(cal.now() == 5);
  CHECK(cal.num_processed() == 6);
  CHECK(cal.peak_size() == 3);
}

TEST_CASE("calendar: same-time events run in scheduling order", "[kernel][calendar]") {
  Calendar cal;
  Log log;
  // Scheduled at t=0 in the order a, b, c, all for t=1; each one, when run, schedules a
  // follow-up at the current time. The follow-ups run after all three, in the same order.
  for (std::uint32_t i = 0; i < 3; ++i) cal.schedule(1, kPing, i);
  while (!cal.empty()) {
    const Event e = cal.pop();
    const std::string name(1, static_cast<char>('a' + e.target));
    if (e.kind == kPing) {
      log.emplace_back(name, cal.now());
      cal.schedule(cal.now(), kEcho, e.target);
    } else {
      log.emplace_back(name + "'", cal.now());
    }
  }
  const Log expected = {{"a", 1}, {"b", 1}, {"c", 1}, {"a'", 1}, {"b'", 1}, {"c'", 1}};
  CHECK(log == expected);
}

TEST_CASE("calendar: 1000 ties come out in sequence order", "[kernel][calendar]") {
  Calendar cal;
  // Interleave the ties with earlier and later events so the heap really has to reorder them.
  for (std::uint32_t i = 0; i < 1000; ++i) {
    cal.schedule(7, kPing, i);
    cal.schedule(static_cast<Time>(i % 13), kArrive, i);
    cal.schedule(7 + static_cast<Time>(i % 5 + 1), kDepart, i);
  }
  std::vector<std::uint32_t> tied;
  std::uint64_t last_seq = 0;
  Time last_time = -1;
  while (!cal.empty()) {
    const Event e = cal.pop();
    if (e.time == last_time) CHECK(e.seq > last_seq);
    CHECK(e.time >= last_time);
    last_time = e.time;
    last_seq = e.seq;
    if (e.kind == kPing) tied.push_back(e.target);
  }
  REQUIRE(tied.size() == 1000);
  for (std::uint32_t i = 0; i < 1000; ++i) REQUIRE(tied[i] == i);
}

TEST_CASE("calendar: matches a (time, seq) reference over 100k interleaved operations",
          "[kernel][calendar]") {
  // Reference: std::map keyed by (time, seq). Times are coarse integers so ties are common.
  RandomStream rng(12345, "calendar-reference", 0);
  Calendar cal;
  std::map<std::pair<Time, std::uint64_t>, std::pair<std::uint32_t, std::uint32_t>> ref;
  std::uint64_t seq = 0;
  std::uint64_t draw = 0;
  std::size_t peak = 0;
  for (std::uint64_t step = 0; step < 100000; ++step) {
    const double u = rng.uniform(0, draw++);
    // Push a bit more often than pop, so the pending set grows to a few thousand.
    const bool push = ref.empty() || u < 0.55;
    if (push) {
      const auto delay = static_cast<Time>(rng.bits(1, draw++) % 50);
      const auto kind = static_cast<std::uint32_t>(rng.bits(2, draw++) % 4);
      const auto target = static_cast<std::uint32_t>(step);
      cal.schedule_in(delay, kind, target);
      ref.emplace(std::make_pair(cal.now() + delay, seq++), std::make_pair(kind, target));
      peak = std::max(peak, ref.size());
    } else {
      const Event e = cal.pop();
      const auto it = ref.begin();
      REQUIRE(e.time == it->first.first);
      REQUIRE(e.seq == it->first.second);
      REQUIRE(e.kind == it->second.first);
      REQUIRE(e.target == it->second.second);
      REQUIRE(cal.now() == e.time);
      ref.erase(it);
    }
    REQUIRE(cal.size() == ref.size());
  }
  while (!cal.empty()) {
    const Event e = cal.pop();
    REQUIRE(e.seq == ref.begin()->first.second);
    ref.erase(ref.begin());
  }
  CHECK(ref.empty());
  CHECK(cal.peak_size() == peak);
  CHECK(peak > 1000);
}

// ---------------------------------------------------------------------------------------------
// Random streams

namespace {

// Inverse of detail::fmix64, to construct keys whose draw is an extreme bit pattern.
std::uint64_t unxorshift(std::uint64_t y, int s) {
  std::uint64_t x = y;
  for (int i = 0; i < 64 / s + 1; ++i) x = y ^ (x >> s);
  return x;
}
std::uint64_t mod_inverse(std::uint64_t m) {  // m odd; Newton iteration modulo 2^64
  std::uint64_t x = m;
  for (int i = 0; i < 6; ++i) x *= 2 - m * x;
  return x;
}
std::uint64_t unfmix64(std::uint64_t z) {
  z = unxorshift(z, 31);
  z *= mod_inverse(0x94d049bb133111ebULL);
  z = unxorshift(z, 27);
  z *= mod_inverse(0xbf58476d1ce4e5b9ULL);
  z = unxorshift(z, 30);
  return z - 0x9e3779b97f4a7c15ULL;
}
// The entity whose draw 0 in stream (seed, name, replication) has exactly the bits `target`.
std::uint64_t entity_with_bits(std::uint64_t seed, std::string_view name, std::uint64_t rep,
                               std::uint64_t target) {
  using detail::fmix64;
  const std::uint64_t prefix =
      fmix64(fmix64(fmix64(seed) ^ detail::hash_name(name)) ^ rep);
  return unfmix64(unfmix64(target)) ^ prefix;
}

// Sample mean and variance of n variates, checked against the theoretical mean, variance and
// fourth central moment at the 99.9% level.
template <class Draw>
void check_moments(Draw&& draw, int n, double mean, double variance, double mu4) {
  Tally t;
  for (int i = 0; i < n; ++i) t.add(draw(static_cast<std::uint64_t>(i)));
  const double nn = static_cast<double>(n);
  const double mean_tol = kZ999 * std::sqrt(variance / nn);
  const double var_tol = kZ999 * std::sqrt((mu4 - variance * variance) / nn);
  INFO("mean " << t.mean() << " expected " << mean << " +- " << mean_tol);
  INFO("variance " << t.variance() << " expected " << variance << " +- " << var_tol);
  CHECK(std::abs(t.mean() - mean) <= mean_tol);
  CHECK(std::abs(t.variance() - variance) <= var_tol);
}

}  // namespace

TEST_CASE("random: a draw is a pure function of its key", "[kernel][random]") {
  const RandomStream a(42, "arrivals", 3);
  const RandomStream a2(42, "arrivals", 3);
  CHECK(a.bits(17, 5) == a2.bits(17, 5));
  CHECK(a.uniform(17, 5) == a2.uniform(17, 5));
  CHECK(a.bits(17, 5) == a.bits(17, 5));

  const std::uint64_t base = a.bits(17, 5);
  CHECK(RandomStream(43, "arrivals", 3).bits(17, 5) != base);  // seed
  CHECK(RandomStream(42, "arrival", 3).bits(17, 5) != base);   // stream name
  CHECK(RandomStream(42, "service", 3).bits(17, 5) != base);
  CHECK(RandomStream(42, "arrivals", 4).bits(17, 5) != base);  // replication
  CHECK(a.bits(18, 5) != base);                                // entity
  CHECK(a.bits(17, 6) != base);                                // draw index
  CHECK(a.bits(5, 17) != base);                                // components do not commute

  // No collisions among 200k keys that differ in one component at a time.
  std::set<std::uint64_t> seen;
  for (std::uint64_t i = 0; i < 50000; ++i) {
    seen.insert(a.bits(i, 0));
    seen.insert(a.bits(0, i + 1));
    seen.insert(RandomStream(42, "arrivals", i + 100).bits(0, 0));
    seen.insert(RandomStream(42, "s" + std::to_string(i), 3).bits(0, 0));
  }
  CHECK(seen.size() == 200000);
}

TEST_CASE("random: uniform is on the open interval (0, 1)", "[kernel][random]") {
  // Check the helper that builds keys for given bits, then use it at the two extremes.
  const std::uint64_t want = 0x0123456789abcdefULL;
  REQUIRE(RandomStream(7, "u", 1).bits(entity_with_bits(7, "u", 1, want), 0) == want);

  const RandomStream s(7, "u", 1);
  const double u_max = s.uniform(entity_with_bits(7, "u", 1, ~0ULL), 0);
  const double u_min = s.uniform(entity_with_bits(7, "u", 1, 0), 0);
  CHECK(u_max < 1.0);
  CHECK(u_min > 0.0);
  CHECK(std::isfinite(dist::normal_quantile(u_max)));
  CHECK(std::isfinite(dist::normal_quantile(u_min)));
  CHECK(dist::exponential(1.0, u_max) > 0.0);

  for (std::uint64_t i = 0; i < 100000; ++i) {
    const double u = s.uniform(i, i % 7);
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
  }
}

TEST_CASE("random: moments of uniform, exponential, normal and lognormal", "[kernel][random]") {
  constexpr int n = 400000;
  const RandomStream s(2024, "moments", 0);
  SECTION("uniform") {
    check_moments([&](std::uint64_t i) { return s.uniform(i, 0); }, n, 0.5, 1.0 / 12, 1.0 / 80);
  }
  SECTION("exponential") {
    const double m = 60;
    check_moments([&](std::uint64_t i) { return dist::exponential(m, s.uniform(i, 1)); }, n, m,
                  m * m, 9 * m * m * m * m);
  }
  SECTION("normal") {
    const double mu = -3, sd = 2;
    check_moments([&](std::uint64_t i) { return dist::normal(mu, sd, s.uniform(i, 2)); }, n, mu,
                  sd * sd, 3 * sd * sd * sd * sd);
  }
  SECTION("lognormal given mean and sd") {
    const double m = 30, sd = 15;
    const double w = 1 + (sd / m) * (sd / m);  // exp(sigma^2) of the underlying normal
    const double mu4 = std::pow(m, 4) * (w - 1) * (w - 1) *
                       (std::pow(w, 4) + 2 * std::pow(w, 3) + 3 * w * w - 3);
    check_moments(
        [&](std::uint64_t i) { return dist::lognormal_mean_sd(m, sd, s.uniform(i, 3)); }, n, m,
        sd * sd, mu4);
  }
}

TEST_CASE("random: normal_quantile matches tabulated values", "[kernel][random]") {
  // Reference values to 10 digits; Acklam's approximation has relative error below 1.2e-9.
  const std::array<std::pair<double, double>, 9> table = {{{0.5, 0.0},
                                                           {0.975, 1.959963985},
                                                           {0.025, -1.959963985},
                                                           {0.995, 2.575829304},
                                                           {0.9, 1.281551566},
                                                           {0.001, -3.090232306},
                                                           {0.02, -2.053748911},
                                                           {0.9999, 3.719016485},
                                                           {0.841344746, 1.0}}};
  for (const auto& [p, z] : table) {
    INFO("p = " << p);
    CHECK(dist::normal_quantile(p) == Approx(z).margin(5e-9));
  }
  CHECK(std::abs(dist::normal_quantile(0.5)) < 1e-15);
  // Monotone across the region boundaries of the approximation.
  double prev = -1e300;
  for (double p = 0.0001; p < 0.9999; p += 0.0001) {
    const double z = dist::normal_quantile(p);
    REQUIRE(z > prev);
    prev = z;
  }
}

TEST_CASE("random: discrete() frequencies pass a chi-square test", "[kernel][random]") {
  const std::vector<double> w = {1, 2, 0, 3, 4};
  const double total = 10;
  constexpr int n = 200000;
  const RandomStream s(99, "discrete", 0);
  std::array<int, 5> count{};
  for (int i = 0; i < n; ++i) ++count[dist::discrete(w, s.uniform(static_cast<std::uint64_t>(i), 0))];
  CHECK(count[2] == 0);
  double chi2 = 0;
  for (std::size_t k = 0; k < w.size(); ++k) {
    if (w[k] == 0) continue;
    const double e = n * w[k] / total;
    chi2 += (count[k] - e) * (count[k] - e) / e;
  }
  INFO("chi-square " << chi2);
  CHECK(chi2 < 16.266);  // 99.9% quantile, 3 degrees of freedom

  // Edge values of u never pick a zero-weight bin.
  const std::vector<double> w2 = {0, 1, 1, 0};
  CHECK(dist::discrete(w2, 1e-300) == 1);
  CHECK(dist::discrete(w2, 0.5) == 2);
  CHECK(dist::discrete(w2, std::nextafter(1.0, 0.0)) == 2);
}

TEST_CASE("random: piecewise_uniform stays in its bins with the right frequencies",
          "[kernel][random]") {
  // Bins [100,110), [110,120), [120,130), [130,140) with weights 2, 0, 1, 5. Each bin is split in
  // halves to check the density is flat inside a bin too.
  const std::vector<double> w = {2, 0, 1, 5};
  const double start = 100, width = 10, total = 8;
  constexpr int n = 200000;
  const RandomStream s(5, "piecewise", 0);
  std::array<int, 8> half{};
  for (int i = 0; i < n; ++i) {
    const double x = dist::piecewise_uniform(w, start, width, s.uniform(static_cast<std::uint64_t>(i), 0));
    REQUIRE(x >= start);
    REQUIRE(x < start + width * 4);
    const auto h = static_cast<std::size_t>((x - start) / (width / 2));
    ++half[h];
  }
  CHECK(half[2] == 0);
  CHECK(half[3] == 0);
  double chi2 = 0;
  for (std::size_t h = 0; h < half.size(); ++h) {
    const double e = n * w[h / 2] / total / 2;
    if (e == 0) continue;
    chi2 += (half[h] - e) * (half[h] - e) / e;
  }
  INFO("chi-square " << chi2);
  CHECK(chi2 < 20.515);  // 99.9% quantile, 5 degrees of freedom
}

// ---------------------------------------------------------------------------------------------
// Statistics

TEST_CASE("stats: Tally agrees with a direct two-pass computation", "[kernel][stats]") {
  Tally empty;
  CHECK(empty.count() == 0);
  CHECK(empty.variance() == 0);

  Tally one;
  one.add(4.5);
  CHECK(one.mean() == 4.5);
  CHECK(one.variance() == 0);
  CHECK(one.min() == 4.5);
  CHECK(one.max() == 4.5);

  // A large offset: the naive sum-of-squares formula would lose most digits here.
  const RandomStream s(3, "tally", 0);
  std::vector<double> x;
  Tally t;
  for (std::uint64_t i = 0; i < 10000; ++i) {
    x.push_back(1e6 + dist::normal(0, 3, s.uniform(i, 0)));
    t.add(x.back());
  }
  double sum = 0;
  for (double v : x) sum += v;
  const double mean = sum / static_cast<double>(x.size());
  double ss = 0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double var = ss / static_cast<double>(x.size() - 1);
  CHECK(t.count() == x.size());
  CHECK(t.mean() == Approx(mean).epsilon(1e-13));
  CHECK(t.variance() == Approx(var).epsilon(1e-8));
  CHECK(t.stddev() == Approx(std::sqrt(var)).epsilon(1e-8));
  CHECK(t.min() == *std::min_element(x.begin(), x.end()));
  CHECK(t.max() == *std::max_element(x.begin(), x.end()));
}

TEST_CASE("stats: TimeWeighted integrates a hand-made path", "[kernel][stats]") {
  // 0 on [0,2), 3 on [2,5), 1 on [5,6), 3 on [6,10): integral 9 + 1 + 12 = 22.
  TimeWeighted q(0);
  q.set(2, 3);
  q.set(5, 1);
  q.add(6, 2);
  CHECK(q.value() == 3);
  CHECK(q.integral(6) == 10);
  CHECK(q.integral(10) == 22);
  CHECK(q.mean(10) == 2.2);
  CHECK(q.max() == 3);
  CHECK(q.argmax() == 2);  // first time the maximum was reached

  // Warm-up deletion: forget [0,8) but keep the current value 3.
  q.reset(8);
  CHECK(q.integral(10) == 6);
  CHECK(q.mean(10) == 3);
  q.add(9, -3);  // 0 on [9,10)
  CHECK(q.integral(10) == 3);
  CHECK(q.mean(10) == 1.5);
  CHECK(q.max() == 3);
  CHECK(q.argmax() == 8);

  // A path that does not start at time 0.
  TimeWeighted r(100);
  r.set(100, 2);
  r.set(104, 0);
  CHECK(r.integral(110) == 8);
  CHECK(r.mean(110) == 0.8);
}

TEST_CASE("stats: Histogram share above a bound", "[kernel][stats]") {
  // Exact at bin edges and for values all on one side; within the share of the one bin holding the
  // bound otherwise (a bin is 1/64 of its power of two: 1.6%).
  const RandomStream s(12, "histogram-share", 0);
  Histogram h;
  std::vector<double> x;
  for (std::uint64_t i = 0; i < 100000; ++i) {
    const double u = s.uniform(i, 0);
    x.push_back(u < 0.4 ? 0.0 : dist::exponential(90, s.uniform(i, 1)));
    if (x.back() == 0) h.add_zero(1);
    else h.add(x.back());
  }
  for (const double bound : {0.0, 0.3, 1.0, 17.0, 60.0, 64.0, 300.0, 1e6}) {
    const double exact =
        static_cast<double>(std::count_if(x.begin(), x.end(), [&](double v) { return v > bound; })) / 1e5;
    const double tol = exact * 0.02 + 1e-5;
    INFO("bound " << bound << ": exact " << exact << ", histogram " << h.share_above(bound));
    CHECK(std::abs(h.share_above(bound) - exact) <= tol);
  }
  CHECK(h.share_above(-1) == 1.0);
  CHECK(h.share_above(1e6) == 0.0);
  CHECK(Histogram().share_above(10) == 0.0);
}

TEST_CASE("stats: Histogram quantiles are within the documented error", "[kernel][stats]") {
  // Documented: within 1.6% of the exact sample quantile, or 1/64 s below 1 s. The exact sample
  // quantile is the ceil(q n)-th smallest value (rank at least 1).
  const RandomStream s(11, "histogram", 0);
  auto check = [](std::vector<double> x, const Histogram& h) {
    std::sort(x.begin(), x.end());
    const double n = static_cast<double>(x.size());
    for (double q : {0.0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
      const auto rank = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(q * n)));
      const double exact = x[rank - 1];
      const double tol = std::max(0.016 * exact, 1.0 / 64);
      INFO("q = " << q << " exact " << exact << " histogram " << h.quantile(q));
      CHECK(std::abs(h.quantile(q) - exact) <= tol);
    }
  };
  SECTION("lognormal waits, spanning several powers of two") {
    std::vector<double> x;
    Histogram h;
    for (std::uint64_t i = 0; i < 100000; ++i) {
      x.push_back(dist::lognormal_mean_sd(120, 200, s.uniform(i, 0)));
      h.add(x.back());
    }
    CHECK(h.count() == x.size());
    check(x, h);
  }
  SECTION("values below one second, with zeros") {
    std::vector<double> x;
    Histogram h;
    for (std::uint64_t i = 0; i < 50000; ++i) {
      const double u = s.uniform(i, 1);
      x.push_back(u < 0.3 ? 0.0 : 2 * u);
      h.add(x.back());
    }
    check(x, h);
  }
  SECTION("merging is the same as adding everything to one histogram") {
    std::vector<double> x;
    Histogram a, b, all;
    for (std::uint64_t i = 0; i < 20000; ++i) {
      x.push_back(dist::exponential(30, s.uniform(i, 2)));
      (i % 3 == 0 ? a : b).add(x.back());
      all.add(x.back());
    }
    a.merge(b);
    CHECK(a.count() == all.count());
    for (double q : {0.0, 0.1, 0.5, 0.9, 0.99, 1.0}) CHECK(a.quantile(q) == all.quantile(q));
    check(x, a);
  }
  SECTION("empty and weighted") {
    Histogram h;
    CHECK(h.quantile(0.5) == 0);
    h.add(10, 99);
    h.add(1000, 1);
    CHECK(h.count() == 100);
    CHECK(std::abs(h.quantile(0.99) - 10) <= 0.16);
    CHECK(std::abs(h.quantile(1.0) - 1000) <= 16);
  }
}

TEST_CASE("stats: student_t_quantile matches tabulated values", "[kernel][stats]") {
  const std::array<std::pair<std::uint64_t, double>, 11> t975 = {{{1, 12.7062},
                                                                  {2, 4.3027},
                                                                  {5, 2.5706},
                                                                  {10, 2.2281},
                                                                  {20, 2.0860},
                                                                  {21, 2.0796},
                                                                  {25, 2.0595},
                                                                  {30, 2.0423},
                                                                  {60, 2.0003},
                                                                  {100, 1.9840},
                                                                  {1000, 1.9623}}};
  for (const auto& [df, t] : t975) {
    INFO("df = " << df);
    CHECK(std::abs(student_t_quantile(0.975, df) - t) < 1e-3);
  }
  CHECK(std::abs(student_t_quantile(0.995, 30) - 2.7500) < 1e-3);
  CHECK(std::abs(student_t_quantile(0.95, 40) - 1.6839) < 1e-3);
}

TEST_CASE("stats: confidence_interval95", "[kernel][stats]") {
  Tally t;
  for (double v : {1.0, 2.0, 3.0, 4.0, 5.0}) t.add(v);
  const Interval ci = confidence_interval95(t);
  CHECK(ci.mean == 3);
  CHECK(ci.half_width == Approx(2.7764 * std::sqrt(2.5 / 5)).epsilon(1e-4));
  CHECK(ci.lo == ci.mean - ci.half_width);
  CHECK(ci.hi == ci.mean + ci.half_width);

  // Coverage: 4000 intervals from 10 normal observations each contain the true mean about 95%
  // of the time; binomial 99.9% band around 3800.
  const RandomStream s(8, "coverage", 0);
  int covered = 0;
  constexpr int experiments = 4000;
  for (std::uint64_t e = 0; e < experiments; ++e) {
    Tally x;
    for (std::uint64_t i = 0; i < 10; ++i) x.add(dist::normal(5, 2, s.uniform(e, i)));
    const Interval c = confidence_interval95(x);
    if (c.lo <= 5 && 5 <= c.hi) ++covered;
  }
  const double band = kZ999 * std::sqrt(experiments * 0.95 * 0.05);
  INFO("covered " << covered << " of " << experiments);
  CHECK(std::abs(covered - experiments * 0.95) <= band);
}

TEST_CASE("stats: an interval of a non-negative quantity stops at zero, and one replication has none",
          "[kernel][stats]") {
  // A lot's queue: zero in most replications, a few vehicles in one. The symmetric t-interval
  // reaches below zero; the quantity cannot.
  Tally t;
  for (double v : {0.0, 0.0, 0.0, 4.0}) t.add(v);
  const Interval sym = confidence_interval95(t);
  REQUIRE(sym.lo < 0);
  const Interval ci = nonnegative_interval95(t);
  CHECK(ci.exists);
  CHECK(ci.mean == 1);
  CHECK(ci.lo == 0);
  CHECK(ci.hi == sym.hi);
  // An interval above zero is untouched.
  Tally far;
  for (double v : {10.0, 11.0, 12.0}) far.add(v);
  CHECK(nonnegative_interval95(far).lo == confidence_interval95(far).lo);
  // One replication: a mean, no interval.
  Tally one;
  one.add(3);
  CHECK_FALSE(confidence_interval95(one).exists);
  CHECK_FALSE(nonnegative_interval95(one).exists);
  CHECK(nonnegative_interval95(one).mean == 3);
}

// ---------------------------------------------------------------------------------------------
// Resource

namespace {
struct Grants {
  std::vector<std::uint32_t> ids;
  void operator()(const Request& r) { ids.push_back(r.id); }
};
}  // namespace

TEST_CASE("resource: grants in FIFO order", "[kernel][resource]") {
  Resource r(2);
  Grants g;
  CHECK(r.request(1, 1, 0));
  CHECK(r.request(2, 1, 0));
  CHECK_FALSE(r.request(3, 1, 1));
  CHECK_FALSE(r.request(4, 1, 2));
  CHECK_FALSE(r.request(5, 1, 3));
  CHECK(r.num_waiting() == 3);
  CHECK(r.units_waiting() == 3);
  CHECK(r.queue()[0].id == 3);
  CHECK(r.queue()[2].since == 3);
  r.release(1, std::ref(g));
  CHECK(g.ids == std::vector<std::uint32_t>{3});
  r.release(1, std::ref(g));
  r.release(1, std::ref(g));
  CHECK(g.ids == std::vector<std::uint32_t>{3, 4, 5});
  CHECK(r.in_use() == 2);
  CHECK(r.num_waiting() == 0);
  CHECK(r.units_waiting() == 0);
}

TEST_CASE("resource: a big request at the head blocks smaller ones behind it",
          "[kernel][resource]") {
  Resource r(4);
  Grants g;
  CHECK(r.request(1, 3, 0));
  CHECK(r.available() == 1);
  CHECK_FALSE(r.request(2, 3, 1));  // does not fit
  CHECK_FALSE(r.request(3, 1, 2));  // would fit, but may not overtake party 2
  CHECK(r.in_use() == 3);
  CHECK(r.units_waiting() == 4);
  r.release(3, std::ref(g));
  CHECK(g.ids == std::vector<std::uint32_t>{2, 3});
  CHECK(r.in_use() == 4);
  CHECK(r.units_waiting() == 0);

  // A request larger than the whole capacity is admitted alone when idle, then blocks others.
  Resource small(2);
  Grants g2;
  CHECK(small.request(7, 5, 0));
  CHECK(small.in_use() == 5);
  CHECK(small.available() == 0);
  CHECK_FALSE(small.request(8, 1, 0));
  small.release(5, std::ref(g2));
  CHECK(g2.ids == std::vector<std::uint32_t>{8});
}

TEST_CASE("resource: a waiting request withdrawn leaves the line, and the others keep their order and weights",
          "[kernel][resource]") {
  Resource r(4);
  Grants g;
  CHECK(r.request(1, 3, 0));
  CHECK_FALSE(r.request(2, 3, 1, 3));  // the head: does not fit, and blocks 3
  CHECK_FALSE(r.request(3, 1, 2, 1));
  CHECK_FALSE(r.request(4, 2, 3, 2));
  CHECK(r.find(3) != nullptr);
  CHECK(r.find(3)->since == 2);
  CHECK(r.find(9) == nullptr);
  // From the middle: nothing is granted, the order of the rest is kept.
  Request out;
  CHECK(r.withdraw(3, &out, std::ref(g)));
  CHECK(out.id == 3);
  CHECK(out.since == 2);
  CHECK(g.ids.empty());
  CHECK(r.num_waiting() == 2);
  CHECK(r.units_waiting() == 5);
  CHECK(r.weight_waiting() == 5);
  CHECK(r.queue()[0].id == 2);
  CHECK(r.queue()[1].id == 4);
  CHECK_FALSE(r.withdraw(3, &out, std::ref(g)));  // waits no longer
  // The head withdrawn: whoever it blocked and now fits is granted at once.
  CHECK(r.withdraw(2, nullptr, std::ref(g)));
  CHECK(g.ids.empty());  // 4 needs 2 units, 1 is free
  r.release(1, std::ref(g));
  CHECK(g.ids == std::vector<std::uint32_t>{4});
  CHECK(r.num_waiting() == 0);
  CHECK(r.weight_waiting() == 0);
  // Withdrawing across the ring buffer's wrap keeps the order too.
  Resource ring(0);
  for (std::uint32_t id = 0; id < 12; ++id) ring.request(id, 1, 0);
  for (std::uint32_t id = 0; id < 10; ++id) ring.withdraw(id, nullptr, std::ref(g));
  for (std::uint32_t id = 12; id < 30; ++id) ring.request(id, 1, 0);  // wraps round
  CHECK(ring.withdraw(20, nullptr, std::ref(g)));
  std::vector<std::uint32_t> order;
  for (std::size_t i = 0; i < ring.num_waiting(); ++i) order.push_back(ring.queue()[i].id);
  std::vector<std::uint32_t> expected{10, 11};
  for (std::uint32_t id = 12; id < 30; ++id)
    if (id != 20) expected.push_back(id);
  CHECK(order == expected);
}

TEST_CASE("resource: set_capacity up and down", "[kernel][resource]") {
  Resource r(2);
  Grants g;
  for (std::uint32_t id = 1; id <= 5; ++id) r.request(id, 1, 0);
  CHECK(r.num_waiting() == 3);
  r.set_capacity(4, std::ref(g));  // two lanes open: two waiting people start at once
  CHECK(g.ids == std::vector<std::uint32_t>{3, 4});
  CHECK(r.in_use() == 4);

  r.set_capacity(1, std::ref(g));  // three lanes close, but nobody is taken off a lane
  CHECK(r.capacity() == 1);
  CHECK(r.in_use() == 4);
  CHECK(r.available() == 0);
  CHECK(g.ids.size() == 2);
  r.release(1, std::ref(g));
  r.release(1, std::ref(g));
  r.release(1, std::ref(g));
  CHECK(g.ids.size() == 2);  // in use 1 of 1: person 5 still waits
  r.release(1, std::ref(g));
  CHECK(g.ids == std::vector<std::uint32_t>{3, 4, 5});
  CHECK(r.in_use() == 1);

  // Capacity 0 grants nothing, not even to an otherwise idle resource.
  r.release(1, std::ref(g));
  r.set_capacity(0, std::ref(g));
  CHECK_FALSE(r.request(6, 1, 0));
  r.set_capacity(0, std::ref(g));
  CHECK(g.ids.size() == 3);
  r.set_capacity(1, std::ref(g));
  CHECK(g.ids.back() == 6);
}

TEST_CASE("resource: offer() grants in order while the head fits and keeps no units",
          "[kernel][resource]") {
  Resource line(0);  // a waiting line with no units of its own (a taxi rank, a bus stop)
  Grants g;
  CHECK_FALSE(line.request(1, 2, 0));
  CHECK_FALSE(line.request(2, 3, 1));
  CHECK_FALSE(line.request(3, 1, 2));
  CHECK_FALSE(line.request(4, 4, 3));
  CHECK_FALSE(line.request(5, 1, 4));
  CHECK(line.units_waiting() == 11);

  CHECK(line.offer(7, std::ref(g)) == 6);  // 2 + 3 + 1; party 4 (size 4) does not fit the 1 left
  CHECK(g.ids == std::vector<std::uint32_t>{1, 2, 3});
  CHECK(line.in_use() == 0);
  CHECK(line.num_waiting() == 2);
  CHECK(line.units_waiting() == 5);

  CHECK(line.offer(3, std::ref(g)) == 0);  // party 5 would fit but may not overtake party 4
  CHECK(line.num_waiting() == 2);
  CHECK(line.offer(5, std::ref(g)) == 5);
  CHECK(g.ids == std::vector<std::uint32_t>{1, 2, 3, 4, 5});
  CHECK(line.units_waiting() == 0);
  CHECK(line.offer(5, std::ref(g)) == 0);
  CHECK(line.in_use() == 0);
}

TEST_CASE("resource: matches a reference model under random operations", "[kernel][resource]") {
  // Reference: a deque of (id, units), the units in use and the capacity, with the documented
  // rules written out directly.
  struct Ref {
    std::int64_t cap = 3, used = 0;
    std::deque<std::pair<std::uint32_t, std::uint32_t>> q;
    std::vector<std::uint32_t> granted;
    bool fits(std::uint32_t u) const {
      return used + u <= cap || (used == 0 && cap > 0);
    }
    void serve() {
      while (!q.empty() && fits(q.front().second)) {
        used += q.front().second;
        granted.push_back(q.front().first);
        q.pop_front();
      }
    }
  } ref;
  Resource r(3);
  Grants g;
  std::vector<std::uint32_t> holding;  // units of each grant still held, to release later
  const RandomStream s(77, "resource-ops", 0);
  for (std::uint32_t step = 0; step < 20000; ++step) {
    const std::uint64_t op = s.bits(step, 0) % 10;
    if (op < 5) {
      const auto units = static_cast<std::uint32_t>(1 + s.bits(step, 1) % 4);
      const bool now = r.request(step, units, step);
      const bool ref_now = ref.q.empty() && ref.fits(units);
      REQUIRE(now == ref_now);
      if (ref_now) {
        ref.used += units;
        holding.push_back(units);
      } else {
        ref.q.emplace_back(step, units);
      }
    } else if (op < 8) {
      if (holding.empty()) continue;
      const std::size_t k = s.bits(step, 1) % holding.size();
      const std::uint32_t units = holding[k];
      holding.erase(holding.begin() + static_cast<std::ptrdiff_t>(k));
      const std::size_t before = g.ids.size();
      r.release(units, [&](const Request& req) {
        g(req);
        holding.push_back(req.units);
      });
      ref.used -= units;
      ref.serve();
      REQUIRE(g.ids.size() - before == ref.granted.size());
      for (std::size_t i = 0; i < ref.granted.size(); ++i)
        REQUIRE(g.ids[before + i] == ref.granted[i]);
      ref.granted.clear();
    } else if (op < 9) {
      const auto cap = static_cast<std::int64_t>(s.bits(step, 1) % 7);
      const std::size_t before = g.ids.size();
      r.set_capacity(cap, [&](const Request& req) {
        g(req);
        holding.push_back(req.units);
      });
      ref.cap = cap;
      ref.serve();
      REQUIRE(g.ids.size() - before == ref.granted.size());
      ref.granted.clear();
    } else {
      const auto units = static_cast<std::uint32_t>(s.bits(step, 1) % 6);
      const std::uint32_t used = r.offer(units, [&](const Request& req) { g(req); });
      std::uint32_t ref_used = 0;
      while (!ref.q.empty() && ref.q.front().second <= units - ref_used) {
        ref_used += ref.q.front().second;
        ref.q.pop_front();
      }
      REQUIRE(used == ref_used);
    }
    std::uint64_t waiting = 0;
    for (const auto& [id, u] : ref.q) waiting += u;
    REQUIRE(r.units_waiting() == waiting);
    REQUIRE(r.num_waiting() == ref.q.size());
    REQUIRE(r.in_use() == ref.used);
    REQUIRE(r.capacity() == ref.cap);
    for (std::size_t i = 0; i < ref.q.size(); ++i) REQUIRE(r.queue()[i].id == ref.q[i].first);
  }
}
