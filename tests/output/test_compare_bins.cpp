// Compare over time (comparison_bins.csv and the event windows), against a second implementation
// in this test: each replication of the base and of the variant run on its own
// (Simulation::run, reduced by values_of), the per-bin differences of each pair worked out here,
// and their mean and Student t interval taken with a Tally.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "output/compare.hpp"
#include "output/compare_bins.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

namespace {

const std::string kBase = "tests/data/whatif/metro.toml", kVariant = "tests/data/whatif/suspend_a.toml";
constexpr std::uint64_t kSeed = 5;
constexpr std::uint32_t kPairs = 3;

ensemble::Settings settings(unsigned threads) {
  ensemble::Settings s;
  s.seed = kSeed;
  s.replications = kPairs;
  s.threads = threads;
  return s;
}

// A row's key (place, metric, bin start) -> base_mean, variant_mean, diff_mean, lo, hi, pairs.
using Rows = std::map<std::tuple<std::string, std::string, double>, std::vector<double>>;
Rows read_rows(const std::string& csv) {
  const auto lines = split_lines(csv);
  REQUIRE(!lines.empty());
  CHECK(lines[0] ==
        "place,place_kind,metric,bin_start_s,clock,base_mean,variant_mean,diff_mean,diff_ci95_lo,diff_ci95_hi,pairs");
  Rows rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    REQUIRE(f.size() == 11);
    std::vector<double> v;
    for (std::size_t k = 5; k < 11; ++k) v.push_back(f[k].empty() ? NAN : std::stod(f[k]));
    rows[{f[0], f[2], std::stod(f[3])}] = v;
  }
  return rows;
}

double at(const std::vector<double>& x, std::size_t b) { return b < x.size() ? x[b] : 0.0; }

}  // namespace

TEST_CASE("each bin's paired difference is the mean of the pairs' differences, with their t-interval",
          "[compare][bins]") {
  const scenario::Scenario bs = load_or_fail(kBase), vs = load_or_fail(kVariant);
  const model::Simulation base(bs), variant(vs);
  const output::ComparedRun run = output::run_compared(base, variant, settings(1));
  const Rows rows = read_rows(output::comparison_bins_csv(run));

  // The pairs one by one, each replication run on its own.
  std::vector<output::ReplicationValues> b, v;
  for (std::uint32_t r = 0; r < kPairs; ++r) {
    b.push_back(output::values_of(base.run(kSeed, r)));
    v.push_back(output::values_of(variant.run(kSeed, r)));
  }
  const double bin_s = base.scenario().bin_s;
  std::size_t expected_rows = 0, changed_queue = 0;
  for (std::uint32_t pb = 0; pb < base.places().size(); ++pb) {
    const std::string id = base.places()[pb].id;
    const std::uint32_t pv = place_index(variant, id);
    const output::Series flow = output::flow_series(base.places()[pb].kind);
    for (std::size_t bin = 0; bin < base.num_bins(); ++bin) {
      auto check = [&](const std::string& metric, const Tally& base_t, const Tally& variant_t, const Tally& diff) {
        const bool changed = diff.count() > 0 && (diff.max() != 0 || diff.min() != 0);
        const auto row = rows.find({id, metric, static_cast<double>(bin) * bin_s});
        INFO(id << " " << metric << " bin " << bin);
        if (!changed) {
          CHECK(row == rows.end());  // zero in every pair: no row
          return;
        }
        ++expected_rows;
        changed_queue += metric == "queue_mean";
        REQUIRE(row != rows.end());
        const auto& x = row->second;
        const Interval ci = confidence_interval95(diff);
        const double scale = std::abs(base_t.mean()) + std::abs(variant_t.mean());
        CHECK(close_to(x[0], base_t.mean(), 1e-5));
        CHECK(close_to(x[1], variant_t.mean(), 1e-5));
        CHECK(std::abs(x[2] - ci.mean) <= 1e-5 * std::max(1.0, scale));
        CHECK(x[5] == diff.count());
        if (diff.count() > 1) {
          CHECK(std::abs(x[3] - ci.lo) <= 1e-5 * std::max(1.0, scale + ci.half_width));
          CHECK(std::abs(x[4] - ci.hi) <= 1e-5 * std::max(1.0, scale + ci.half_width));
        } else {
          CHECK(std::isnan(x[3]));  // one pair: no interval
        }
      };
      for (const auto& [metric, series] : std::vector<std::pair<std::string, output::Series>>{
               {"queue_mean", output::kQueueMean}, {"occupancy_mean", output::kOccupancyMean}, {"flow", flow}}) {
        Tally bt, vt, dt;
        for (std::uint32_t r = 0; r < kPairs; ++r) {
          const double x = at(b[r].places[pb].series[series], bin), y = at(v[r].places[pv].series[series], bin);
          bt.add(x), vt.add(y), dt.add(y - x);
        }
        check(metric, bt, vt, dt);
      }
      // The mean wait of those served in the bin, over the pairs where both served anyone.
      Tally bt, vt, dt;
      for (std::uint32_t r = 0; r < kPairs; ++r) {
        const auto &xb = b[r].places[pb].series, &xv = v[r].places[pv].series;
        if (at(xb[output::kWaitN], bin) > 0 && at(xv[output::kWaitN], bin) > 0) {
          const double x = at(xb[output::kWaitSum], bin) / at(xb[output::kWaitN], bin);
          const double y = at(xv[output::kWaitSum], bin) / at(xv[output::kWaitN], bin);
          bt.add(x), vt.add(y), dt.add(y - x);
        }
      }
      check("wait_mean_s", bt, vt, dt);
    }
  }
  CHECK(rows.size() == expected_rows);
  CHECK(changed_queue > 0);  // the suspension changes queues: the check has teeth
}

TEST_CASE("a variant identical to the base changes no bin and has no window", "[compare][bins]") {
  const scenario::Scenario bs = load_or_fail(kBase), ss = load_or_fail("tests/data/whatif/same.toml");
  const model::Simulation base(bs), same(ss);
  const output::ComparedRun run = output::run_compared(base, same, settings(1));
  CHECK(split_lines(output::comparison_bins_csv(run)).size() == 1);  // the header alone
  for (const auto& p : run.bins.places)
    for (std::size_t m = 0; m < output::kNumBinMetrics; ++m)
      for (std::size_t bin = 0; bin < run.bins.bins; ++bin) CHECK(p.diff[m].sum_sq(bin) == 0);
  CHECK(output::window_changes(run.bins).empty());
}

TEST_CASE("the per-bin comparison and the windows are the same for one thread and two", "[compare][bins]") {
  const scenario::Scenario bs = load_or_fail(kBase), vs = load_or_fail(kVariant);
  const model::Simulation base(bs), variant(vs);
  const output::ComparedRun one = output::run_compared(base, variant, settings(1));
  const output::ComparedRun two = output::run_compared(base, variant, settings(2));
  const std::string csv = output::comparison_bins_csv(one);
  CHECK(split_lines(csv).size() > 10);
  CHECK(csv == output::comparison_bins_csv(two));
  CHECK(output::window_changes_text(output::window_changes(one.bins)) ==
        output::window_changes_text(output::window_changes(two.bins)));
  CHECK(output::comparison_json(output::compare(one.base, one.variant), {}) ==
        output::comparison_json(output::compare(two.base, two.variant), {}));
}

TEST_CASE("each event window of the variant lists the places that changed most inside it", "[compare][bins]") {
  const scenario::Scenario bs = load_or_fail(kBase), vs = load_or_fail(kVariant);
  const model::Simulation base(bs), variant(vs);
  const output::ComparedRun run = output::run_compared(base, variant, settings(1));
  const auto windows = output::window_changes(run.bins, 5);
  REQUIRE(windows.size() == 1);
  const auto& w = windows[0];
  CHECK(w.window.name == "linea-down");
  CHECK(w.window.target == "linea");
  CHECK(w.window.from_s == 11 * 3600);
  CHECK(w.window.to_s == 13 * 3600);
  REQUIRE(!w.changes.empty());
  // At most five per metric, the largest change first.
  std::map<output::BinMetric, std::vector<double>> sizes;
  for (const auto& c : w.changes) sizes[c.metric].push_back(std::abs(c.diff.mean));
  for (const auto& [metric, s] : sizes) {
    CHECK(s.size() <= 5);
    CHECK(std::is_sorted(s.rbegin(), s.rend()));
  }
  // The suspended line's own places are among them: its riders no longer queue for it.
  bool names_line = false;
  for (const auto& c : w.changes) names_line = names_line || c.place.find("linea") != std::string::npos;
  const std::string text = output::window_changes_text(windows);
  INFO(text);
  CHECK(names_line);
  CHECK(text.find("linea-down (suspend_line linea) d1 11:00 – d1 13:00") != std::string::npos);
}
