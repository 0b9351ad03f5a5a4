// The precomputed forms the model uses on its hot paths give exactly what the plain functions
// give, and a booked resource is the FIFO single server it stands for.
#include <catch2/catch.hpp>

#include <algorithm>
#include <deque>
#include <vector>

#include "kernel/random.hpp"
#include "kernel/resource.hpp"

using namespace expoflow;

TEST_CASE("random: a Cumulative table draws exactly what discrete() draws", "[kernel][random]") {
  const RandomStream rng(3, "cumulative", 0);
  const std::vector<std::vector<double>> tables = {
      {1.0}, {0.0, 2.0, 0.0}, {0.1, 0.2, 0.3, 0.4}, {1e-9, 5.0, 1e9, 0.0, 3.25}, {0.3, 0.3, 0.4, 0.0, 0.0}};
  for (const auto& w : tables) {
    const dist::Cumulative table(w);
    for (std::uint64_t i = 0; i < 20000; ++i) {
      const double u = rng.uniform(i, 0);
      REQUIRE(table(u) == dist::discrete(w, u));
    }
    // The extremes, where rounding sends u * total onto the total.
    for (double u : {0x1.0p-53, 0.5, 0x1.fffffffffffffp-1}) REQUIRE(table(u) == dist::discrete(w, u));
  }
}

TEST_CASE("random: a Lognormal with its parameters worked out once is bit for bit lognormal_mean_sd",
          "[kernel][random]") {
  const RandomStream rng(4, "lognormal", 0);
  for (auto [mean, sd] : {std::pair{14400.0, 7200.0}, std::pair{60.0, 1.0}, std::pair{3.0, 30.0}}) {
    const dist::Lognormal d(mean, sd);
    for (std::uint64_t i = 0; i < 10000; ++i) {
      const double u = rng.uniform(i, 1);
      REQUIRE(d(u) == dist::lognormal_mean_sd(mean, sd, u));
    }
  }
}

TEST_CASE("resource: booking a one-unit resource follows Lindley's recursion in booking order",
          "[kernel][resource]") {
  // Arrivals and holds known on arrival: start_n = max(arrival_n, start_{n-1} + hold_{n-1}).
  // A booking granted later than it was made waits in the line, with its weight and since, until
  // its turn (take_booked), in booking order.
  const RandomStream rng(5, "booking", 0);
  Resource outlet(1);
  Time t = 0, free_at = 0;
  std::size_t waited = 0;
  struct Pending {
    std::uint32_t id;
    Time since, start;
  };
  std::deque<Pending> pending;
  std::uint64_t weight = 0;
  auto take_due = [&](Time now) {
    while (!pending.empty() && pending.front().start <= now) {
      const Request q = outlet.take_booked();
      REQUIRE(q.id == pending.front().id);
      REQUIRE(q.since == pending.front().since);
      weight -= q.weight;
      pending.pop_front();
    }
    REQUIRE(outlet.weight_waiting() == weight);
    REQUIRE(outlet.num_waiting() == pending.size());
  };
  for (std::uint32_t i = 0; i < 50000; ++i) {
    t += dist::exponential(1.0, rng.uniform(i, 0));
    take_due(t);
    const Time hold = dist::exponential(0.9, rng.uniform(i, 1));
    const Time expected = std::max(t, free_at);
    const std::uint32_t size = 1 + i % 3;
    const Time start = outlet.book(i, t, hold, size);
    REQUIRE(start == expected);
    free_at = start + hold;
    if (start > t) {
      ++waited;
      pending.push_back({i, t, start});
      weight += size;
    }
  }
  take_due(free_at);
  // At utilisation 0.9 most bookings wait: the recursion is exercised on both branches.
  CHECK(waited > 20000);
  CHECK(waited < 50000);
  CHECK(outlet.in_use() == 0);
  CHECK(outlet.num_waiting() == 0);
  CHECK(outlet.weight_waiting() == 0);
}
