// Analytic checks of the kernel as a queueing simulator: an M/M/c queue built only from Calendar,
// Resource and RandomStream, compared with Erlang C and Little's law.
//
// Each check asserts that a 95% confidence interval over independent replications contains the
// theoretical value, with the warm-up deleted (a queue that starts empty is biased low) and
// enough replications and run length for a half-width of 2% of it. A negative control with one
// server fewer must fail the same check, so the check can tell a wrong model from a right one.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "kernel/calendar.hpp"
#include "kernel/random.hpp"
#include "kernel/resource.hpp"
#include "kernel/stats.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

namespace {

// Mean wait in queue of an M/M/c queue: Wq = C(c, a) / (c mu - lambda).
double erlang_c_wait(int c, double lambda, double mu) {
  return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

struct MmcSettings {
  int servers = 1;
  double arrival_rate = 1;    // per second
  double service_mean = 1;    // seconds
  Time warmup = 0;            // customers arriving before this are not measured
  Time arrivals_end = 0;      // no arrivals after this; the run continues until empty
  std::uint64_t seed = 1;
  std::uint64_t replication = 0;
};

struct MmcResult {
  Tally wait;                  // wait in queue of customers arriving in [warmup, arrivals_end)
  double sojourn_sum = 0;      // sum of time in system over all customers
  double number_in_system_integral = 0;  // integral of the number in system over [0, end]
  std::uint64_t customers = 0;
  Time end = 0;                // when the last customer left
  std::uint64_t events = 0;
};

// Customer i arrives at the i-th point of a Poisson process (interarrival i drawn from entity i
// of the arrival stream) and needs an exponential service (entity i of the service stream). The
// draws do not depend on the number of servers, so runs with c and c - 1 servers share them.
MmcResult run_mmc(const MmcSettings& s) {
  enum Kind : std::uint32_t { kArrival, kDeparture };
  const RandomStream arrivals(s.seed, "mmc.arrivals", s.replication);
  const RandomStream services(s.seed, "mmc.services", s.replication);
  Calendar cal;
  Resource servers(s.servers);
  TimeWeighted in_system(0);
  std::vector<Time> arrived;  // arrival time of each customer, for the sojourn times
  MmcResult out;

  auto start_service = [&](std::uint32_t id, Time since) {
    if (since >= s.warmup) out.wait.add(cal.now() - since);
    cal.schedule_in(dist::exponential(s.service_mean, services.uniform(id, 0)), kDeparture, id);
  };
  auto on_grant = [&](const Request& r) { start_service(r.id, r.since); };

  const double interarrival_mean = 1 / s.arrival_rate;
  cal.schedule(dist::exponential(interarrival_mean, arrivals.uniform(0, 0)), kArrival, 0);
  while (!cal.empty()) {
    const Event e = cal.pop();
    const Time now = cal.now();
    switch (e.kind) {
      case kArrival: {
        arrived.push_back(now);
        in_system.add(now, 1);
        if (servers.request(e.target, 1, now)) start_service(e.target, now);
        const Time next = now + dist::exponential(interarrival_mean, arrivals.uniform(e.target + 1, 0));
        if (next < s.arrivals_end) cal.schedule(next, kArrival, e.target + 1);
        break;
      }
      case kDeparture:
        in_system.add(now, -1);
        out.sojourn_sum += now - arrived[e.target];
        servers.release(1, on_grant);
        break;
    }
  }
  out.end = cal.now();
  out.customers = arrived.size();
  out.number_in_system_integral = in_system.integral(out.end);
  out.events = cal.num_processed();
  return out;
}

}  // namespace

TEST_CASE("Erlang C helper matches known values", "[queueing]") {
  // M/M/1: C = rho. M/M/2 with a = 1: C = 1/3 (by hand: B = 1/5, C = 2 B / (2 - (1 - B))).
  CHECK(erlang_c(1, 0.7) == Approx(0.7).epsilon(1e-12));
  CHECK(erlang_c(2, 1.0) == Approx(1.0 / 3).epsilon(1e-12));
  // Large c: the recursion must not overflow where a^c / c! would.
  CHECK(erlang_c(1000, 950) > 0);
  CHECK(erlang_c(1000, 950) < 1);
}

TEST_CASE("M/M/40 mean wait in queue matches Erlang C and one server fewer does not",
          "[queueing][erlang][slow][statistical]") {
  // 40 servers, mean service 60 s, utilisation 0.9: lambda = 0.9 * 40 / 60 = 0.6 per second.
  constexpr int c = 40;
  const double mu = 1.0 / 60, lambda = 0.9 * c * mu;
  const double wq = erlang_c_wait(c, lambda, mu);
  const int replications = static_cast<int>(samples(40));

  auto interval = [&](int servers) {
    Tally means;
    for (int rep = 0; rep < replications; ++rep) {
      MmcSettings s;
      s.servers = servers;
      s.arrival_rate = lambda;
      s.service_mean = 1 / mu;
      s.warmup = 1800;
      s.arrivals_end = s.warmup + 250 * kSecondsPerHour;
      s.seed = 2024;
      s.replication = static_cast<std::uint64_t>(rep);
      means.add(run_mmc(s).wait.mean());
    }
    return confidence_interval95(means);
  };

  const Interval ci = interval(c);
  INFO("Erlang C Wq = " << wq << " s; simulated " << ci.mean << " +- " << ci.half_width);
  // The design's precision (2% of Wq) holds for the full 40 replications; a reduced sample
  // (sanitizer preset) is checked for the interval alone.
  if (replications == 40) CHECK(ci.half_width <= 0.02 * wq);
  CHECK(ci.lo <= wq);
  CHECK(wq <= ci.hi);

  const Interval control = interval(c - 1);
  INFO("39 servers: " << control.mean << " +- " << control.half_width << " (Erlang C "
                      << erlang_c_wait(c - 1, lambda, mu) << ")");
  CHECK_FALSE((control.lo <= wq && wq <= control.hi));
}

TEST_CASE("Little's law holds exactly on a sample path that starts and ends empty",
          "[queueing][little]") {
  // L * T = sum of times in system when the path starts and ends empty, whatever the load.
  for (int servers : {1, 3, 40}) {
    MmcSettings s;
    s.servers = servers;
    s.arrival_rate = 0.95 * servers / 60.0;
    s.service_mean = 60;
    s.arrivals_end = 20 * kSecondsPerHour;
    s.seed = 7;
    const MmcResult r = run_mmc(s);
    INFO("servers " << servers << ", customers " << r.customers);
    REQUIRE(r.customers > 1000);
    const double time_avg_in_system = r.number_in_system_integral / r.end;
    const double arrival_rate = static_cast<double>(r.customers) / r.end;
    const double mean_sojourn = r.sojourn_sum / static_cast<double>(r.customers);
    CHECK(time_avg_in_system == Approx(arrival_rate * mean_sojourn).epsilon(1e-9));
  }
}
