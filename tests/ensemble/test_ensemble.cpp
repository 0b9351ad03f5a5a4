// The ensemble runner: results reach the consumer in job order whatever the thread count and the
// order in which jobs finish; the reorder buffer stays bounded; replications are the model's own,
// saved and reused exactly; saved bytes that were altered (a changed number, a damaged length) are
// refused at once with the reason; a failing job stops the others and its failure is what is thrown.
// (Peak memory of long ensembles is measured by benchmarks, not here.)
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "ensemble/replications.hpp"
#include "ensemble/runner.hpp"
#include "ensemble/serialize.hpp"
#include "kernel/hash.hpp"
#include "model/simulation.hpp"
#include "output/ensemble.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

namespace {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// A result that counts how many results exist at once (moved-from ones do not count).
struct Token {
  static inline std::atomic<int> alive{0}, most{0};
  std::uint32_t job = 0;
  bool owns = false;
  explicit Token(std::uint32_t j) : job(j), owns(true) {
    const int n = ++alive;
    for (int m = most.load(); n > m && !most.compare_exchange_weak(m, n);) {
    }
  }
  Token(Token&& o) noexcept : job(o.job), owns(std::exchange(o.owns, false)) {}
  Token& operator=(Token&& o) noexcept {
    release();
    job = o.job;
    owns = std::exchange(o.owns, false);
    return *this;
  }
  Token(const Token&) = delete;
  Token& operator=(const Token&) = delete;
  ~Token() { release(); }
  void release() {
    if (owns) --alive;
    owns = false;
  }
  static void reset() {
    alive = 0;
    most = 0;
  }
};

}  // namespace

TEST_CASE("The runner hands every result to the consumer in job order, whatever the threads and finishing order",
          "[ensemble]") {
  const std::uint32_t jobs = 40;
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    INFO("threads " << threads);
    std::vector<std::uint32_t> order;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> progress;
    ensemble::Pool pool;
    pool.threads = threads;
    pool.progress = [&](std::uint32_t done, std::uint32_t total) { progress.emplace_back(done, total); };
    ensemble::run<std::uint64_t>(
        jobs, pool,
        [](std::uint32_t j) {
          sleep_ms(static_cast<int>((j * 7) % 5));  // later jobs often finish first
          return std::uint64_t{j} * j;
        },
        [&](std::uint32_t j, std::uint64_t&& v) {
          CHECK(v == std::uint64_t{j} * j);
          order.push_back(j);
        });
    REQUIRE(order.size() == jobs);
    for (std::uint32_t j = 0; j < jobs; ++j) CHECK(order[j] == j);
    REQUIRE(progress.size() == jobs);
    for (std::uint32_t k = 0; k < jobs; ++k) CHECK(progress[k] == std::make_pair(k + 1, jobs));
  }
}

TEST_CASE("The reorder buffer holds at most the window's results while a slow job holds up the others",
          "[ensemble]") {
  const std::uint32_t jobs = 30;
  const unsigned threads = 3;
  const std::size_t window = ensemble::detail::plan(ensemble::Pool{threads, 0, 1, 0, {}}, jobs).window;
  CHECK(window == 2 * threads);
  SECTION("the first job is slow, the others fast: finished ones wait, and workers wait for room") {
    Token::reset();
    std::atomic<std::uint32_t> started_after_first{0};
    std::vector<std::uint32_t> order;
    ensemble::Pool pool;
    pool.threads = threads;
    ensemble::run<Token>(
        jobs, pool,
        [&](std::uint32_t j) {
          if (j == 0) {
            sleep_ms(300);
            return Token(j);
          }
          ++started_after_first;
          sleep_ms(2);
          return Token(j);
        },
        [&](std::uint32_t j, Token&& t) {
          CHECK(t.job == j);
          order.push_back(j);
        });
    CHECK(order.size() == jobs);
    CHECK(std::is_sorted(order.begin(), order.end()));
    INFO("most results held at once: " << Token::most);
    CHECK(Token::most <= static_cast<int>(window));
    CHECK(Token::most > static_cast<int>(threads));  // the buffer did hold results finished early
    CHECK(Token::alive == 0);
  }
  SECTION("a slow consumer: workers block rather than let the buffer grow") {
    Token::reset();
    ensemble::Pool pool;
    pool.threads = threads;
    pool.window = 4;
    std::uint32_t consumed = 0;
    ensemble::run<Token>(
        jobs, pool, [](std::uint32_t j) { return Token(j); },
        [&](std::uint32_t j, Token&& t) {
          CHECK(t.job == j);
          ++consumed;
          sleep_ms(3);
        });
    CHECK(consumed == jobs);
    INFO("most results held at once: " << Token::most);
    CHECK(Token::most <= 4);
    CHECK(Token::most >= 3);
  }
}

TEST_CASE("Replications through the runner are the model's own, in order, and saved ones are reused exactly",
          "[ensemble]") {
  const scenario::Scenario s = load_or_fail("tests/data/whatif/metro.toml");
  const model::Simulation sim(s);
  const std::uint32_t reps = 5;
  std::vector<std::string> direct;
  for (std::uint32_t r = 0; r < reps; ++r) direct.push_back(ensemble::save_replication(sim.run(7, r), "t"));

  const TempDir tmp("ensemble-resume");
  ensemble::Settings settings;
  settings.seed = 7;
  settings.replications = reps;
  settings.tag = "t";
  settings.replication_dir = tmp.path / "saved";
  for (unsigned threads : {1u, 3u}) {
    INFO("threads " << threads);
    settings.threads = threads;
    std::vector<std::string> got;
    const std::uint32_t resumed = ensemble::run_replications<std::string>(
        sim, settings, [](model::ReplicationResult&& r) { return ensemble::save_replication(r, "t"); },
        [&](std::string&& bytes) { got.push_back(std::move(bytes)); });
    CHECK(resumed == 0);
    CHECK(got == direct);
  }
  // Every replication was saved: resuming reuses them all and hands on the same bytes.
  settings.resume = true;
  std::vector<std::string> again;
  const std::uint32_t resumed = ensemble::run_replications<std::string>(
      sim, settings, [](model::ReplicationResult&& r) { return ensemble::save_replication(r, "t"); },
      [&](std::string&& bytes) { again.push_back(std::move(bytes)); });
  CHECK(resumed == reps);
  CHECK(again == direct);
  // A saved file of another tag is not reused.
  settings.tag = "other";
  CHECK(ensemble::run_replications<int>(
            sim, settings, [](model::ReplicationResult&&) { return 0; }, [](int&&) {}) == 0);
}

TEST_CASE("Saved bytes whose numbers or lengths were altered are refused at once, with the reason", "[ensemble]") {
  const scenario::Scenario s = load_or_fail("tests/data/whatif/metro.toml");
  REQUIRE(!s.observed.empty());
  const model::Simulation sim(s);
  const std::string tag = "t";
  const std::string good = ensemble::save_replication(sim.run(7, 0), tag);
  std::string why;
  REQUIRE(ensemble::load_replication(sim, good, tag, &why));
  CHECK(ensemble::save_replication(*ensemble::load_replication(sim, good, tag), tag) == good);

  SECTION("one bit of a number changed: the checksum tells") {
    for (const std::size_t at : {good.size() / 3, good.size() / 2, good.size() - 20}) {
      INFO("byte " << at);
      std::string bad = good;
      bad[at] = static_cast<char>(bad[at] ^ 0x10);
      why.clear();
      CHECK_FALSE(ensemble::load_replication(sim, bad, tag, &why));
      CHECK(why.find("checksum does not match") != std::string::npos);
    }
  }
  SECTION("a damaged length, even with a checksum that matches, allocates nothing and is refused") {
    // The observed totals' vector follows the magic, the tag (length, bytes), the seed and the
    // replication index; its first field is its length.
    const std::size_t length_at = 8 + 8 + tag.size() + 8 + 4;
    for (const std::uint64_t length : {std::uint64_t{1} << 31, std::uint64_t{1} << 40, ~std::uint64_t{0}}) {
      INFO("length " << length);
      std::string bad = good;
      std::memcpy(bad.data() + length_at, &length, sizeof length);
      const std::size_t payload = bad.size() - 8;
      const std::uint64_t sum = Fnv1a().add_bytes(bad.data(), payload).value();
      std::memcpy(bad.data() + payload, &sum, sizeof sum);
      why.clear();
      CHECK_FALSE(ensemble::load_replication(sim, bad, tag, &why));
      CHECK(why.find("a length in it is larger than") != std::string::npos);
    }
  }
  SECTION("cut short, or of another tag") {
    CHECK_FALSE(ensemble::load_replication(sim, good.substr(0, good.size() / 2), tag, &why));
    CHECK_FALSE(ensemble::load_replication(sim, good, "other", &why));
    CHECK(why == "it is of another scenario or seed");
  }
}

TEST_CASE("The ensemble folded as replications come gives, bit for bit, the means of the replications kept",
          "[ensemble][outputs]") {
  const scenario::Scenario s = load_or_fail("tests/data/whatif/metro.toml");
  const model::Simulation sim(s);
  ensemble::Settings settings;
  settings.seed = 11;
  settings.replications = 4;
  settings.threads = 2;
  const output::Ensemble e = output::run_ensemble(sim, settings);
  std::vector<model::ReplicationResult> kept;
  for (std::uint32_t r = 0; r < settings.replications; ++r) kept.push_back(sim.run(settings.seed, r));
  REQUIRE(e.count == settings.replications);
  const double n = settings.replications;
  // The mean and the sum of squares of f over the replications kept, summed in replication order.
  auto check = [&](std::size_t p, output::Series series, std::size_t b, auto&& f) {
    double sum = 0, sq = 0;
    for (auto& r : kept) {
      sum += f(r);
      sq += f(r) * f(r);
    }
    CHECK(e.mean(p, series, b) == sum / n);
    CHECK(e.places[p].series[series].sum_sq(b) == sq);
  };
  const std::size_t bins = sim.num_bins();
  std::size_t pooled = 0;  // bins with a wait percentile
  for (std::size_t p = 0; p < sim.places().size(); ++p) {
    INFO(sim.places()[p].id);
    auto stats = [&](const model::ReplicationResult& r) -> const model::PlaceStats& { return r.recorder->places()[p]; };
    for (std::size_t b = 0; b < bins; ++b) {
      for (std::size_t k = 0; k < model::kNumCounted; ++k) {
        check(p, output::Series(output::kPersons + k), b, [&](auto& r) { return model::PlaceStats::at(stats(r).persons[k], b); });
        check(p, output::Series(output::kVehicles + k), b, [&](auto& r) { return model::PlaceStats::at(stats(r).vehicles[k], b); });
      }
      check(p, output::kQueueMean, b, [&](auto& r) { return stats(r).queue.bin_mean(b); });
      check(p, output::kQueueMax, b, [&](auto& r) { return stats(r).queue.bin_max(b); });
      check(p, output::kOccupancyMean, b, [&](auto& r) { return stats(r).occupancy.bin_mean(b); });
      check(p, output::kOccupancyMax, b, [&](auto& r) { return stats(r).occupancy.bin_max(b); });
      check(p, output::kWaitN, b, [&](auto& r) { return model::PlaceStats::at(stats(r).wait_n, b); });
      check(p, output::kWaitSum, b, [&](auto& r) { return model::PlaceStats::at(stats(r).wait_sum, b); });
      check(p, output::kWaitMax, b, [&](auto& r) { return model::PlaceStats::at(stats(r).wait_max, b); });
    }
    // Wait percentiles by bin: each replication's, averaged over those that served anyone in it.
    if (!stats(kept.front()).wait_bin_hist.empty())
      for (std::size_t b = 0; b < bins; ++b) {
        double p50 = 0, p95 = 0, served = 0;
        for (auto& r : kept)
          if (const Histogram& h = stats(r).wait_bin_hist[b]; h.count() > 0) {
            p50 += h.quantile(0.5);
            p95 += h.quantile(0.95);
            served += 1;
          }
        const auto m50 = e.wait_percentile(p, output::kWaitP50, b), m95 = e.wait_percentile(p, output::kWaitP95, b);
        REQUIRE(m50.has_value() == (served > 0));
        if (served > 0) {
          CHECK(*m50 == p50 / served);
          CHECK(*m95 == p95 / served);
          ++pooled;
        }
      }
    else
      for (std::size_t b = 0; b < bins; ++b) CHECK_FALSE(e.wait_percentile(p, output::kWaitP95, b).has_value());
  }
  CHECK(pooled > 0);  // the scenario keeps waits by bin somewhere
  for (std::size_t i = 0; i < s.observed.size(); ++i)
    for (std::uint32_t r = 0; r < settings.replications; ++r) CHECK(e.observed_values[i][r] == kept[r].observed[i]);
  REQUIRE(e.kpis.size() == kept.front().kpis.size());
  for (std::size_t i = 0; i < e.kpis.size(); ++i)
    for (std::uint32_t r = 0; r < settings.replications; ++r) {
      CHECK(e.kpis[i].first == kept[r].kpis[i].id);
      CHECK(e.kpi_values[i][r] == kept[r].kpis[i].value);
    }
}

// Last in this file: a failure asks every simulation of the process to stop (model::request_stop),
// which lasts for the process. ctest runs each test case in a process of its own.
TEST_CASE("A failing job stops the others, and its failure is what the runner throws", "[ensemble]") {
  std::atomic<std::uint32_t> ran{0};
  std::vector<std::uint32_t> consumed;
  ensemble::Pool pool;
  pool.threads = 3;
  const auto attempt = [&] {
    ensemble::run<std::uint32_t>(
        200, pool,
        [&](std::uint32_t j) {
          ++ran;
          if (j == 5) throw std::runtime_error("job 5 failed");
          sleep_ms(2);
          return j;
        },
        [&](std::uint32_t j, std::uint32_t&& v) {
          CHECK(v == j);
          consumed.push_back(j);
        });
  };
  CHECK_THROWS_WITH(attempt(), "job 5 failed");
  CHECK(consumed.size() <= 5);  // nothing after the failed job reaches the consumer
  CHECK(ran < 200);             // and the others stopped
  CHECK(model::stop_requested());
}
