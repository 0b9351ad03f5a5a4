// The way home chosen by a logit on the class's shares and the expected waits (model/choice.hpp):
// two identical taxi stands side by side share the choosers evenly, with no swings of everyone
// to one stand and back (herding; the measures are checked on a swinging series too), and a stand
// with fewer cabs is chosen less.
#include <catch2/catch.hpp>

#include <cmath>
#include <fmt/format.h>
#include <array>
#include <map>
#include <vector>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// 3,000 visitors on foot arrive 08:00-10:00, stay about three hours and all leave by taxi, from two
// identical stands at the same place: 90 cabs an hour each, a rank of 2, one bay; queues form.
struct TwoStands {
  std::map<std::string, double> choosers;          // persons reaching each stand
  std::vector<std::array<double, 2>> per_bin;      // persons reaching each stand, by 15-min bin
};

TwoStands run_two_stands(double beta_per_min, double lag_min, double second_cabs_per_hour = 90) {
  Site site;
  add_taxi_stand(site.s);
  site.s.taxi_stands[0].cabs_per_hour.assign(24, 90);
  site.s.taxi_stands.push_back(site.s.taxi_stands[0]);
  site.s.taxi_stands[1].id = "P7";
  site.s.taxi_stands[1].cabs_per_hour.assign(24, second_cabs_per_hour);
  auto& c = site.s.classes[0];
  c.volume = {3000};
  c.dwell_mean_s = 3 * 3600;
  c.dwell_sd_s = 1800;
  for (auto& row : c.egress) row = {};
  c.egress[static_cast<std::size_t>(Mode::walk)][static_cast<std::size_t>(Mode::taxi)] = 1;
  site.s.choice = {.enabled = true, .beta_per_min = beta_per_min, .info_lag_s = lag_min * 60};
  site.start();
  site.run();
  TwoStands out;
  out.per_bin.assign(96, {0, 0});
  const std::uint32_t stands[2] = {site.place("taxi_stand[P6]"), site.place("taxi_stand[P7]")};
  for (const Record& r : site.log.records)
    for (int k = 0; k < 2; ++k)
      if (r.place == stands[k] && (r.kind == RecordKind::queue_join || (r.kind == RecordKind::served && r.value == 0))) {
        out.choosers[k == 0 ? "P6" : "P7"] += r.persons;
        out.per_bin[static_cast<std::size_t>(r.time / 900) % 96][static_cast<std::size_t>(k)] += r.persons;
      }
  return out;
}

// The share of bins (with at least 40 choosers) whose split between the stands is within 50 ± 20%.
double even_bins(const TwoStands& t) {
  double even = 0, busy = 0;
  for (const auto& b : t.per_bin) {
    const double n = b[0] + b[1];
    if (n < 40) continue;
    ++busy;
    even += std::abs(b[0] / n - 0.5) <= 0.2;
  }
  return busy > 0 ? even / busy : 0.0;
}

// The lag-1 autocorrelation of the bins' departure from an even split (busy bins in a row): near -1
// when the busier stand alternates bin by bin.
double alternation(const TwoStands& t) {
  std::vector<double> d;
  for (const auto& b : t.per_bin)
    if (b[0] + b[1] >= 40) d.push_back(b[0] / (b[0] + b[1]) - 0.5);
  if (d.size() < 3) return 0;
  double mean = 0;
  for (double x : d) mean += x / static_cast<double>(d.size());
  double num = 0, den = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    den += (d[i] - mean) * (d[i] - mean);
    if (i > 0) num += (d[i] - mean) * (d[i - 1] - mean);
  }
  return den > 0 ? num / den : 0.0;
}

}  // namespace

TEST_CASE("two identical stands side by side share the choosers evenly, without herding", "[model][choice]") {
  const TwoStands t = run_two_stands(0.1, 5);
  const double total = t.choosers.at("P6") + t.choosers.at("P7");
  const double share = t.choosers.at("P6") / total;
  INFO(fmt::format("P6 {:.0f}, P7 {:.0f}: share {:.3f}; bins within 50 +- 20%: {:.2f}; alternation {:.2f}",
                   t.choosers.at("P6"), t.choosers.at("P7"), share, even_bins(t), alternation(t)));
  REQUIRE(total > 2500);
  CHECK(std::abs(share - 0.5) <= 0.05);
  CHECK(even_bins(t) >= 0.9);
  // Mild mean reversion (a busy bin for one stand, a little less the next) is what a choice on
  // waits does; a busier stand swapping bin by bin is near -1.
  CHECK(alternation(t) > -0.6);
}

TEST_CASE("a stand with fewer cabs is chosen less: the choice sees the waits", "[model][choice]") {
  const TwoStands t = run_two_stands(0.1, 5, 45);
  const double share = t.choosers.at("P6") / (t.choosers.at("P6") + t.choosers.at("P7"));
  INFO(fmt::format("P6 (90 cabs/h) {:.0f}, P7 (45 cabs/h) {:.0f}: share {:.3f}", t.choosers.at("P6"),
                   t.choosers.at("P7"), share));
  CHECK(share > 0.6);
}

TEST_CASE("the herding measures flag swings of everyone from one stand to the other", "[model][choice]") {
  // Negative control of the measures themselves: choosers alternating between the stands bin by
  // bin (what herding on stale information looks like) fail both checks.
  TwoStands herd;
  herd.per_bin.assign(96, {0, 0});
  for (std::size_t b = 40; b < 64; ++b) herd.per_bin[b] = b % 2 ? std::array<double, 2>{150, 30} : std::array<double, 2>{30, 150};
  CHECK(even_bins(herd) < 0.9);
  CHECK(alternation(herd) < -0.6);
}

namespace {

// Visitors whose bus line to the site ("bus") does not run when they set off re-plan: the shares of
// the second line ("bus2") and of walking among 40 of them, with bus2's upstream waiting line
// empty or holding `queued` persons.
std::array<int, 3> replan_to_site(double queued) {
  Site site;
  add_bus_line(site.s, "bus");
  add_bus_line(site.s, "bus2");
  site.s.lines[0].first_s = site.s.lines[0].last_s = at(23);  // "bus" runs no trip before 23:00
  auto& c = site.s.classes[0];
  c.access = {};
  c.access[static_cast<std::size_t>(Mode::bus)] = 0.5;
  c.access[static_cast<std::size_t>(Mode::walk)] = 0.5;
  site.s.choice = {.enabled = true, .beta_per_min = 0.01, .info_lag_s = 0};
  World& w = site.start();
  site.run_until(at(8, 10));  // bus2 runs: its trips reach the site 08:00-09:30
  // Both directions of bus2 (directions 2 and 3 of the four) already have a long line upstream.
  for (std::size_t d : {2, 3})
    if (queued > 0) w.res[w.transit.up_res[d]].wait(999999, 1, w.now, static_cast<std::uint32_t>(queued));
  std::array<int, 3> chose{};  // "bus", "bus2", walk
  for (std::uint64_t key = 1; key <= 40; ++key) {
    Party p = visitor(key);
    p.access = Mode::bus;
    p.access_at = 0;  // "bus" southbound
    const std::uint32_t pid = site.put(p, "origin");
    replan::access(w, pid, replan::Why::setoff);
    const Party& q = w.parties[pid];
    if (q.access == Mode::walk) ++chose[2];
    else ++chose[w.L.directions[q.access_dir()].line];
  }
  return chose;
}

}  // namespace

TEST_CASE("a visitor whose line to the site is out re-plans by the queues: never that line, less a queued one",
          "[model][choice]") {
  const auto free = replan_to_site(0);
  const auto queued = replan_to_site(3000);  // 3,000 persons = 250 trips of 12 = days of waiting
  INFO("bus / bus2 / walk: upstream line free " << free[0] << " / " << free[1] << " / " << free[2] << "; queued "
                                              << queued[0] << " / " << queued[1] << " / " << queued[2]);
  CHECK(free[0] == 0);
  CHECK(queued[0] == 0);
  CHECK(free[1] >= 10);   // about half take bus2 when its line is free (40 visitors, shares 1:1) ...
  CHECK(queued[1] < free[1] / 2);  // ... and far fewer when it is long
}
