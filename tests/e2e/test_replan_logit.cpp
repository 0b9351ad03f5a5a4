// Re-planning by a logit on travel time: when every metro line is down, visitors who set off by
// metro choose another mode in proportion to their class's shares ("shares"), or to those shares
// times exp(-beta x travel minutes) ("logit"); with a steep beta the slow modes are all but avoided.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"
#include "model/simulation.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

Scenario load(const std::vector<std::string>& overrides) {
  return load_or_fail("tests/data/whatif/ciie_metro_down.toml", overrides);
}

// Persons arriving by each mode other than metro while the metro is down.
struct Counter final : RecordObserver {
  const Simulation* sim = nullptr;
  Time from = 0, to = 0;
  std::map<std::string, double> by_mode;
  void on_record(const Record& r) override {
    if (r.kind != RecordKind::arrive || r.time < from || r.time >= to) return;
    by_mode[sim->places()[r.place].id] += r.persons;
  }
};

std::map<std::string, double> arrivals(const Scenario& s) {
  const Simulation sim(s);
  Counter c;
  c.sim = &sim;
  c.from = 86400 + 8 * 3600;
  c.to = 86400 + 10 * 3600;
  sim.run(3, 0, &c);
  return c.by_mode;
}

// The increase of each mode over the baseline's (the same demand without the suspension),
// as shares of the total increase.
std::map<std::string, double> shift(const std::map<std::string, double>& down, const std::map<std::string, double>& base) {
  std::map<std::string, double> inc;
  double total = 0;
  for (auto& [mode, n] : down) {
    const double b = base.count(mode) ? base.at(mode) : 0;
    if (mode == "arrivals[metro]" || n <= b) continue;
    inc[mode] = n - b;
    total += n - b;
  }
  for (auto& [mode, n] : inc) n /= total;
  return inc;
}

}  // namespace

TEST_CASE("Re-planning by logit on travel time avoids the slow modes that re-planning by shares favours",
          "[whatif][replan]") {
  // The baseline: the same file with the suspensions moved to the last evening, counted over
  // the d2 morning.
  const auto base = arrivals(load({"event[line2-down].from=\"d6 21:00\"", "event[line2-down].to=\"d6 22:00\"",
                                   "event[line17-down].from=\"d6 21:00\"", "event[line17-down].to=\"d6 22:00\""}));
  REQUIRE(base.at("arrivals[metro]") > 1000);
  const auto by_shares = shift(arrivals(load({})), base);
  const auto by_logit = shift(arrivals(load({"policy.replan.choice=\"logit\"", "policy.replan.logit_per_min=1"})), base);
  std::string detail;
  for (auto& [m, x] : by_shares) detail += "shares " + m + " " + std::to_string(x) + "; ";
  for (auto& [m, x] : by_logit) detail += "logit " + m + " " + std::to_string(x) + "; ";
  INFO(detail);
  REQUIRE(by_shares.size() >= 2);
  // By shares, most come on foot (walking from the Hongqiao hub and the business district has
  // the largest share after metro); a walk of 900-1,500 m takes far longer than the few hundred
  // metres from a drop-off lot or the coach park, so with beta = 1 per minute the logit all but
  // rules it out and sends them to the quick modes instead.
  const auto share = [](const std::map<std::string, double>& m, const std::string& k) {
    return m.count(k) ? m.at(k) : 0.0;
  };
  CHECK(share(by_shares, "arrivals[walk]") > 0.5);
  CHECK(share(by_logit, "arrivals[walk]") < 0.01);
  CHECK(share(by_logit, "arrivals[dropoff]") > share(by_shares, "arrivals[dropoff]") + 0.3);
}
