// What-if features (issue 4): variants, disruptions in time, crowd-control policies and the paired
// comparison under common random numbers.
//
// - A variant identical to its base differs from it by exactly zero, pair by pair.
// - more-lanes: common random numbers make the difference in mean entrance wait some 350 times
//   sharper (in variance) than independent random numbers.
// - A suspended line carries no one while suspended, its riders re-plan and appear on the other
//   line or mode, and everyone still leaves by the horizon.
// - Each policy comes into force at its threshold and not below, and caps admissions while active.
//
// Small scenarios in tests/data/whatif/ keep the record-level checks fast; the shipped scenarios
// run at reduced demand (demand_scale).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <fmt/format.h>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "scenario/scenario.hpp"
#include "model/simulation.hpp"
#include "output/compare.hpp"
#include "output/ensemble.hpp"
#include "output/kpi_names.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

constexpr std::uint64_t kSeed = 20241105;

// A policy's state from its records: `activate` when it comes into force, `leave` when it lifts.
// Watches that every activation happens at an instant at which the level is at or above the
// threshold (else `below`), and that a level at or above the threshold while inactive is followed
// by an activation at that same instant (else `late`, with how late in `max_lag`).
struct ThresholdWatch {
  double threshold = 0;
  bool active = false;
  bool pending = false, late_noted = false;
  Time pending_since = 0;
  int activations = 0;
  double max_lag = 0;
  std::vector<std::string> below, late;

  // Call before each record is applied.
  void before(const Record& r) {
    if (pending && !late_noted && r.time > pending_since) {
      late.push_back(fmt::format("t={}: level reached {} but no activation at that instant", pending_since, threshold));
      late_noted = true;
    }
  }
  void on_policy(const Record& r, double level) {
    if (r.kind == RecordKind::activate) {
      ++activations;
      active = true;
      if (pending) max_lag = std::max(max_lag, r.time - pending_since);
      pending = false;
      if (level < threshold) below.push_back(fmt::format("t={}: activated at level {} < {}", r.time, level, threshold));
    } else if (r.kind == RecordKind::leave) {
      active = false;
    }
  }
  // After a change of the level.
  void on_level(Time t, double level) {
    if (!active && !pending && level >= threshold) {
      pending = true;
      late_noted = false;
      pending_since = t;
    } else if (pending && level < threshold) {
      pending = false;  // fell back without the policy coming into force (already counted as late)
    }
  }
  void end() {
    if (pending && !late_noted)
      late.push_back(fmt::format("t={}: level reached {}, never activated", pending_since, threshold));
    pending = false;
  }
  std::vector<std::string> problems() const {
    std::vector<std::string> out(below);
    out.insert(out.end(), late.begin(), late.end());
    return out;
  }
};

// At most `most` lines of problems, for a message.
std::string join(const std::vector<std::string>& lines, std::size_t most = 10) { return join_lines(lines, most); }

double kpi(const Simulation& sim, const ReplicationResult& r, const std::string& name) {
  for (const Kpi& k : r.kpis)
    if (output::kpi_name(k.id, sim.places()) == name) return k.value;
  FAIL("no KPI " << name);
  return 0;
}

// An indicator's value in each replication of an ensemble.
const std::vector<double>& kpi_values(const output::Ensemble& e, const std::string& name) {
  for (std::size_t i = 0; i < e.kpis.size(); ++i)
    if (output::kpi_name(e.kpis[i].first, e.sim->places()) == name) return e.kpi_values[i];
  FAIL("no KPI " << name);
  return e.kpi_values.front();
}

const output::ComparedValue& value_named(const output::Comparison& c, const std::string& name) {
  for (auto& v : c.values)
    if (v.name == name) return v;
  FAIL("no compared value " << name);
  return c.values.front();
}

constexpr double kDay = 86400;
constexpr double at(int day, int hour, int minute = 0) { return (day - 1) * kDay + hour * 3600.0 + minute * 60.0; }

}  // namespace

// ---- 1. identical variant ----------------------------------------------------------------------

TEST_CASE("A variant identical to its base differs from it by exactly zero, pair by pair",
          "[whatif][compare]") {
  const Scenario base = load_or_fail("tests/data/whatif/metro.toml");
  const Scenario same = load_or_fail("tests/data/whatif/same.toml");  // extends metro.toml, renamed
  const Simulation base_sim(base), same_sim(same);
  ensemble::Settings rs;
  rs.seed = kSeed;
  rs.replications = 4;
  const output::Ensemble b = output::run_ensemble(base_sim, rs);
  const output::Ensemble v = output::run_ensemble(same_sim, rs);
  const output::Comparison c = output::compare(b, v);

  CHECK(c.base_name == "whatif_metro");
  CHECK(c.variant_name == "whatif_same");
  std::size_t observed = 0;
  double spread = 0;
  for (const auto& x : c.values) {
    INFO(x.name);
    CHECK(x.diff.count() == rs.replications);
    CHECK(x.diff.mean() == 0.0);
    CHECK(x.diff.variance() == 0.0);
    CHECK(x.base.mean() == x.variant.mean());
    CHECK_FALSE(x.significant());
    observed += x.observed ? 1 : 0;
    spread += x.base.variance();
  }
  CHECK(observed == base.observed.size());  // both observed totals are compared
  CHECK(c.values.size() > 20);              // and the indicators
  CHECK(spread > 0);                        // the replications differ: zero is not for want of noise

  // The check has teeth: the same variant run with other random numbers does differ.
  ensemble::Settings other = rs;
  other.seed = kSeed + 1;
  const output::Comparison c2 = output::compare(b, output::run_ensemble(same_sim, other));
  const auto nonzero = std::count_if(c2.values.begin(), c2.values.end(),
                                     [](const output::ComparedValue& x) { return x.diff.variance() > 0; });
  CHECK(nonzero > 5);
}

TEST_CASE("The calibrated CIIE baseline against a file that only extends it: exactly zero",
          "[whatif][compare]") {
  // The full model with its policies on; reduced demand for speed.
  const std::vector<std::string> reduced{"demand_scale=0.05"};
  const Scenario base = load_or_fail("scenarios/ciie2024-calibrated.toml", reduced);
  const Scenario same = load_or_fail("tests/data/whatif/ciie_same.toml", reduced);
  REQUIRE(same.name == "ciie_same");
  const Simulation base_sim(base), same_sim(same);
  ensemble::Settings rs;
  rs.seed = kSeed;
  rs.replications = 2;
  const output::Comparison c =
      output::compare(output::run_ensemble(base_sim, rs), output::run_ensemble(same_sim, rs));
  std::size_t observed = 0;
  for (const auto& x : c.values) {
    INFO(x.name);
    CHECK(x.diff.mean() == 0.0);
    CHECK(x.diff.variance() == 0.0);
    observed += x.observed ? 1 : 0;
  }
  CHECK(observed == base.observed.size());
  CHECK(value_named(c, "entries").base.mean() > 0);
}

// ---- 2. variance reduction for more-lanes --------------------------------------------------------

TEST_CASE("more-lanes: common random numbers make the difference in mean entrance wait at least 350 times "
          "sharper than independent random numbers",
          "[whatif][compare][crn][slow]") {
  // At 30% of the demand (for speed) the entrances still queue at peaks and more lanes shorten
  // the mean wait by a little, but in every pair. (At full demand, 10 replications, the reduction
  // measured by `expoflow compare` for this value was only about 2: near saturation the base's
  // wait follows the arrival surplus, which the variant's shorter queues hardly feel.)
  const std::vector<std::string> reduced{"demand_scale=0.3"};
  const Scenario base = load_or_fail("scenarios/ciie2024-calibrated.toml", reduced);
  const Scenario lanes = load_or_fail("scenarios/more-lanes.toml", reduced);
  const Simulation base_sim(base), lanes_sim(lanes);
  ensemble::Settings rs;
  rs.seed = kSeed;
  rs.replications = 10;
  const output::Ensemble b = output::run_ensemble(base_sim, rs);
  const output::Ensemble v = output::run_ensemble(lanes_sim, rs);
  ensemble::Settings other = rs;
  other.seed = kSeed + 1000;  // independent random numbers for the variant
  const output::Ensemble vi = output::run_ensemble(lanes_sim, other);

  const std::string name = "entrances.wait_mean_s";
  Tally base_t, crn_t, indep_t, paired, independent;
  const auto &bx = kpi_values(b, name), &vx = kpi_values(v, name), &ix = kpi_values(vi, name);
  for (std::size_t r = 0; r < rs.replications; ++r) {
    const double x = bx[r], y = vx[r], z = ix[r];
    base_t.add(x);
    crn_t.add(y);
    indep_t.add(z);
    paired.add(y - x);
    independent.add(z - x);
  }
  // Variance of the difference of one pair with independent numbers: var(base) + var(variant).
  const double var_independent = base_t.variance() + indep_t.variance();
  const double var_paired = paired.variance();
  const double reduction = var_independent / var_paired;
  const output::Comparison comparison = output::compare(b, v);  // kept: cv refers into it
  const output::ComparedValue& cv = value_named(comparison, name);
  INFO(fmt::format("mean wait: base {:.4g} s, more lanes {:.4g} s; paired difference {:.4g} s (var {:.4g}); "
                   "independent: var(base)+var(variant) {:.4g}, sample var of differences {:.4g}; "
                   "reduction {:.4g} (compare reports {:.4g})",
                   base_t.mean(), crn_t.mean(), paired.mean(), var_paired, var_independent,
                   independent.variance(), reduction, cv.variance_reduction()));
  CHECK(paired.mean() < 0);   // more lanes, shorter waits
  CHECK(paired.max() <= 0);   // in every pair
  CHECK(cv.significant());
  CHECK(var_paired > 0);
  // Measured at this seed: 499 (and 446 as compare estimates it, 535 from the sample variance of
  // independent differences; 863, 784 and 927 before queues took space and visitors left by a
  // profile, which made the entrances' waits less alike between the two scenarios). The
  // thresholds sit some 30% below, where a change of the model may move them; common random
  // numbers broken for a part of the draws (say the screening times, or one class's arrivals)
  // fall far below.
  CHECK(reduction >= 350);
  CHECK(cv.variance_reduction() >= 310);
  // The sums kept beside the comparison agree with the pairs.
  CHECK(cv.diff_sum == Approx(paired.mean() * static_cast<double>(rs.replications)));
  CHECK(cv.diff_sum_sq == Approx(var_paired * static_cast<double>(rs.replications - 1) +
                                 paired.mean() * paired.mean() * static_cast<double>(rs.replications)));
  // Both estimates of the independent variance tell the same story.
  CHECK(independent.variance() >= 375 * var_paired);
}

// ---- 3. suspended lines ----------------------------------------------------------------------

namespace {

// What a suspension must leave untouched or change, read from the record stream of a run.
struct SuspensionAudit {
  std::vector<std::string> problems;
  double boarded_in_window = 0, alighted_in_window = 0, alighted_late = 0;
  double replan_setoff = 0, replan_waiting = 0;
};

SuspensionAudit audit_suspension(const Simulation& sim, const std::vector<Record>& log,
                                 const std::vector<std::string>& lines, Time from, Time to, double travel_s) {
  SuspensionAudit a;
  std::vector<std::uint32_t> line_places;
  for (auto& l : lines) line_places.push_back(place_index(sim, "line[" + l + "]"));
  const std::uint32_t setoff = place_index(sim, "replans.at_setoff");
  const std::uint32_t waiting = place_index(sim, "replans.while_waiting");
  for (const Record& r : log) {
    const bool in_window = r.time >= from && r.time < to;
    if (std::find(line_places.begin(), line_places.end(), r.place) != line_places.end() && in_window) {
      if (r.kind == RecordKind::board) {
        a.boarded_in_window += r.persons;
        a.problems.push_back(fmt::format("t={} {} boarded {}", r.time, sim.places()[r.place].id, r.persons));
      }
      if (r.kind == RecordKind::alight) {
        a.alighted_in_window += r.persons;
        // Only riders on board before the window: their trip left upstream before `from`.
        if (r.time > from + travel_s) {
          a.alighted_late += r.persons;
          a.problems.push_back(fmt::format("t={} {} alighted {}", r.time, sim.places()[r.place].id, r.persons));
        }
      }
    }
    if (r.kind == RecordKind::replan && (r.place == setoff || r.place == waiting)) {
      (r.place == setoff ? a.replan_setoff : a.replan_waiting) += r.persons;
      if (!in_window) a.problems.push_back(fmt::format("t={} replan outside the suspension", r.time));
      // Those waiting re-plan when the line stops; riders reaching its stop later re-plan there
      // (counted as waiting too), riders setting off later re-plan as they set off. Either way
      // only while the line is suspended, which the check above makes.
    }
  }
  return a;
}

}  // namespace

TEST_CASE("A suspended metro line carries no one while suspended and its riders take the other line",
          "[whatif][suspend]") {
  const Scenario base = load_or_fail("tests/data/whatif/metro.toml");
  const Scenario variant = load_or_fail("tests/data/whatif/suspend_a.toml");
  const Simulation base_sim(base), sim(variant);
  const Time from = at(1, 11), to = at(1, 13);
  const double travel_a = 15 * 60;

  for (std::uint32_t rep : {0u, 1u}) {
    DYNAMIC_SECTION("replication " << rep) {
      RecordLog blog, vlog;
      const ReplicationResult bres = base_sim.run(kSeed, rep, &blog);
      const ReplicationResult res = sim.run(kSeed, rep, &vlog);
      const SuspensionAudit a = audit_suspension(sim, vlog.records, {"linea"}, from, to, travel_a);
      INFO(join(a.problems));
      CHECK(a.problems.empty());
      CHECK(a.boarded_in_window == 0);
      CHECK(a.alighted_late == 0);
      CHECK(a.replan_setoff > 500);  // riders who set off for line A in the window
      CHECK(a.replan_waiting > 0);   // riders waiting for it at 11:00
      // The event itself: in force from 11:00 to 13:00.
      const std::uint32_t ev = place_index(sim, "event[linea-down]");
      CHECK(count_of(vlog.records, ev, RecordKind::activate) == 1);
      CHECK(sum_of(vlog.records, ev, RecordKind::activate, from, from + 1) == 1);
      CHECK(sum_of(vlog.records, ev, RecordKind::leave, to, to + 1) == 1);

      // Paired with the base: line A carried that many fewer in the window, line B more, and the
      // metro as a whole the same (line B has room for everyone).
      // (Place indices differ between the two: the variant has a place for its event.)
      const double base_a = sum_of(blog.records, place_index(base_sim, "line[linea]"), RecordKind::board, from, to);
      const double base_b = sum_of(blog.records, place_index(base_sim, "line[lineb]"), RecordKind::board, from, to);
      const double var_b = sum_of(vlog.records, place_index(sim, "line[lineb]"), RecordKind::board, from, to);
      INFO("in the window: line A base " << base_a << ", line B base " << base_b << " variant " << var_b);
      CHECK(base_a > 1000);
      CHECK(var_b > base_b + 0.8 * base_a);
      CHECK(kpi(sim, res, "line[lineb].boardings") > kpi(base_sim, bres, "line[lineb].boardings"));
      CHECK(kpi(sim, res, "line[linea].boardings") < kpi(base_sim, bres, "line[linea].boardings"));
      CHECK(kpi(sim, res, "line[linea].boardings") + kpi(sim, res, "line[lineb].boardings") ==
            kpi(base_sim, bres, "line[linea].boardings") + kpi(base_sim, bres, "line[lineb].boardings"));
      CHECK(kpi(sim, res, "replans.at_setoff_persons") == a.replan_setoff);
      CHECK(kpi(sim, res, "replans.while_waiting_persons") == a.replan_waiting);

      // Conservation: the same visitors, and every one of them has left by the horizon.
      CHECK(res.persons_generated == bres.persons_generated);
      CHECK(bres.persons_left_inside == 0);
      CHECK(res.persons_left_inside == 0);
      CHECK(kpi(sim, res, "gate[main].entries") == kpi(base_sim, bres, "gate[main].entries"));
    }
  }
}

TEST_CASE("Every metro line suspended: riders come and go on foot instead, and all still leave",
          "[whatif][suspend]") {
  const Scenario base = load_or_fail("tests/data/whatif/metro.toml");
  const Scenario variant = load_or_fail("tests/data/whatif/suspend_all.toml");
  const Simulation base_sim(base), sim(variant);
  const Time from = at(1, 11), to = at(1, 13);
  RecordLog blog, vlog;
  const ReplicationResult bres = base_sim.run(kSeed, 0, &blog);
  const ReplicationResult res = sim.run(kSeed, 0, &vlog);
  const SuspensionAudit a = audit_suspension(sim, vlog.records, {"linea", "lineb"}, from, to, 15 * 60);
  INFO(join(a.problems));
  CHECK(a.problems.empty());
  CHECK(a.replan_setoff > 500);
  CHECK(a.replan_waiting > 0);

  // Visitors who set off by metro in the window walk in instead; those leaving then walk home.
  // (Place indices differ between the two: the variant has places for its events.)
  auto total = [&](const Simulation& x, const RecordLog& log, const std::string& place, RecordKind kind, Time t0, Time t1) {
    return sum_of(log.records, place_index(x, place), kind, t0, t1);
  };
  const double walked_in_base = total(base_sim, blog, "arrivals[walk]", RecordKind::arrive, from, to);
  const double walked_in = total(sim, vlog, "arrivals[walk]", RecordKind::arrive, from, to);
  INFO("walked in during the window: base " << walked_in_base << ", variant " << walked_in);
  CHECK(total(base_sim, blog, "arrivals[metro]", RecordKind::arrive, from, to) > 1000);
  CHECK(total(sim, vlog, "arrivals[metro]", RecordKind::arrive, from, to) == 0);
  CHECK(walked_in > walked_in_base + 1000);
  const std::string walk_home = "walkway[plaza_gate].backward";
  CHECK(total(sim, vlog, walk_home, RecordKind::pass, from, to) >
        total(base_sim, blog, walk_home, RecordKind::pass, from, to) + 200);
  // Nobody is lost: the same persons set off in total, and all are gone at the horizon.
  const double all_base = total(base_sim, blog, "arrivals[walk]", RecordKind::arrive, 0, 1e9) +
                          total(base_sim, blog, "arrivals[metro]", RecordKind::arrive, 0, 1e9);
  const double all = total(sim, vlog, "arrivals[walk]", RecordKind::arrive, 0, 1e9) +
                     total(sim, vlog, "arrivals[metro]", RecordKind::arrive, 0, 1e9);
  CHECK(all == all_base);
  CHECK(all == res.persons_generated);
  CHECK(kpi(sim, res, "gate[main].entries") == kpi(base_sim, bres, "gate[main].entries"));
  CHECK(res.persons_left_inside == 0);
}

// Everyone who arrives at a station while its line is suspended should re-plan too (the spec:
// "parties waiting for a suspended line re-route"), not wait on the platform for the line to come
// back. Parties that were already walking to the station when the line stopped do.
TEST_CASE("Nobody starts waiting for a line while it is suspended", "[whatif][suspend]") {
  const Scenario variant = load_or_fail("tests/data/whatif/suspend_a.toml");
  const Simulation sim(variant);
  const Time from = at(1, 11), to = at(1, 13);
  RecordLog log;
  sim.run(kSeed, 0, &log);
  const std::uint32_t stop = place_index(sim, "line[linea].direction[both].stop");
  const double joined = sum_of(log.records, stop, RecordKind::queue_join, from, to);
  double longest = 0;  // the longest wait of those who boarded when service resumed
  for (const Record& r : log.records)
    if (r.place == stop && r.kind == RecordKind::served && r.time >= to && r.time < to + 600)
      longest = std::max(longest, r.value);
  INFO(joined << " persons joined the queue for line A while suspended; the longest waited " << longest / 60
              << " min");
  CHECK(joined == 0);
}

TEST_CASE("line17-outage: no Line 17 trip in the window, its riders take Line 2, nobody is left "
          "behind",
          "[whatif][suspend]") {
  // The shipped variant at reduced demand, without the station users who enter after the last
  // train (they would still wait at the horizon in either scenario: see test_conservation.cpp).
  const std::vector<std::string> reduced{"demand_scale=0.1"};
  auto trim = [](Scenario& s) {
    for (auto& l : s.lines)
      if (l.metro)
        for (std::size_t h = 0; h < l.background_entries.size(); ++h)
          if (static_cast<double>(h + 1) * 3600 > l.last_s - 600) l.background_entries[h] = 0;
  };
  Scenario base = load_or_fail("scenarios/ciie2024-calibrated.toml", reduced);
  Scenario variant = load_or_fail("scenarios/line17-outage.toml", reduced);
  trim(base);
  trim(variant);
  const Simulation base_sim(base), sim(variant);
  const Time from = at(4, 14), to = at(4, 16);

  // Only the records the audit reads (the full stream of a week is large).
  struct Filter final : RecordObserver {
    std::vector<std::uint32_t> keep;
    std::vector<Record> records;
    void on_record(const Record& r) override {
      if (std::find(keep.begin(), keep.end(), r.place) != keep.end()) records.push_back(r);
    }
  };
  Filter bf, vf;
  for (auto [f, x] : {std::pair{&bf, &base_sim}, std::pair{&vf, &sim}})
    f->keep = {place_index(*x, "line[line17]"), place_index(*x, "line[line2]"), place_index(*x, "replans.at_setoff"),
               place_index(*x, "replans.while_waiting")};
  const ReplicationResult bres = base_sim.run(kSeed, 0, &bf);
  const ReplicationResult res = sim.run(kSeed, 0, &vf);
  const SuspensionAudit a = audit_suspension(sim, vf.records, {"line17"}, from, to, 25 * 60);
  INFO(join(a.problems));
  CHECK(a.problems.empty());
  CHECK(a.replan_setoff > 100);
  INFO("replans at set-off " << a.replan_setoff << ", while waiting " << a.replan_waiting
                             << "; alighted in the window from trips under way " << a.alighted_in_window);

  const double base17 = sum_of(bf.records, place_index(base_sim, "line[line17]"), RecordKind::board, from, to);
  const double base2 = sum_of(bf.records, place_index(base_sim, "line[line2]"), RecordKind::board, from, to);
  const double var2 = sum_of(vf.records, place_index(sim, "line[line2]"), RecordKind::board, from, to);
  INFO("boardings in the window: base line 17 " << base17 << ", line 2 " << base2 << "; outage line 2 " << var2);
  CHECK(base17 > 300);  // the base does carry riders then
  CHECK(var2 > base2);
  CHECK(kpi(sim, res, "line[line2].boardings") > kpi(base_sim, bres, "line[line2].boardings"));
  CHECK(kpi(sim, res, "line[line17].boardings") < kpi(base_sim, bres, "line[line17].boardings"));
  // The same entries through security (the observed total "entries"): riders came another way.
  CHECK(res.observed.at(0) == bres.observed.at(0));
  CHECK(variant.observed.at(0).id == "entries");
  CHECK(res.persons_generated == bres.persons_generated);
  CHECK(bres.persons_left_inside == 0);
  CHECK(res.persons_left_inside == 0);
}

// ---- 4a. platform exits ----------------------------------------------------------------------

namespace {

struct PlatformAudit {
  ThresholdWatch watch;
  std::vector<std::string> problems;
  double peak = 0;
  std::size_t served_while_active = 0, passes_while_active = 0, passes_allowed = 0;
  Time first_reach = -1;  // first instant the occupancy reached `reach`
};

PlatformAudit audit_platform(const Simulation& sim, const std::vector<Record>& log, double close_above,
                             double reopen_below, double reach = 0) {
  const std::uint32_t platform = place_index(sim, "line[out].platform");
  const std::uint32_t policy = place_index(sim, "policy.platform_exits.line[out]");
  const std::uint32_t fare_in = place_index(sim, "line[out].fare_gates_in");
  const double cap = sim.places()[platform].capacity;
  PlatformAudit a;
  a.watch.threshold = close_above * cap;
  double occ = 0;
  std::int64_t in_service = 0, allowed = 0;
  for (const Record& r : log) {
    a.watch.before(r);
    if (r.place == platform && (r.kind == RecordKind::enter || r.kind == RecordKind::leave)) {
      occ += r.kind == RecordKind::enter ? r.persons : -static_cast<double>(r.persons);
      a.peak = std::max(a.peak, occ);
      if (reach > 0 && a.first_reach < 0 && occ >= reach) a.first_reach = r.time;
      a.watch.on_level(r.time, occ);
    } else if (r.place == policy) {
      a.watch.on_policy(r, occ);
      if (r.kind == RecordKind::activate) {
        allowed = in_service;  // those already at a gate may finish passing
        a.passes_allowed += static_cast<std::size_t>(in_service);
      }
      if (r.kind == RecordKind::leave && occ > reopen_below * cap)
        a.problems.push_back(fmt::format("t={}: reopened at {} > {}", r.time, occ, reopen_below * cap));
    } else if (r.place == fare_in) {
      if (r.kind == RecordKind::served) {
        ++in_service;
        if (a.watch.active) {
          ++a.served_while_active;
          a.problems.push_back(fmt::format("t={}: a fare gate admitted someone while closed", r.time));
        }
      } else if (r.kind == RecordKind::pass) {
        --in_service;
        if (a.watch.active) {
          ++a.passes_while_active;
          if (--allowed < 0) a.problems.push_back(fmt::format("t={}: pass while closed beyond those at a gate", r.time));
        }
      }
    }
  }
  a.watch.end();
  return a;
}

}  // namespace

TEST_CASE("Platform exits: the station's entries close when the platform reaches close_above x "
          "capacity and admit no one until it falls to reopen_below",
          "[whatif][policy]") {
  const Scenario s = load_or_fail("tests/data/whatif/platform.toml");
  const Simulation sim(s);
  REQUIRE(sim.places()[place_index(sim, "line[out].platform")].capacity == 256);
  for (std::uint32_t rep : {0u, 1u}) {
    DYNAMIC_SECTION("replication " << rep) {
      RecordLog log;
      const ReplicationResult res = sim.run(kSeed, rep, &log);
      const PlatformAudit a = audit_platform(sim, log.records, 0.6, 0.4);
      INFO(join(a.watch.problems()) << join(a.problems));
      CHECK(a.watch.problems().empty());
      CHECK(a.problems.empty());
      CHECK(a.watch.activations >= 3);
      CHECK(kpi(sim, res, "policy.platform_exits.line[out].activations") == a.watch.activations);
      CHECK(a.served_while_active == 0);
      CHECK(a.passes_while_active <= a.passes_allowed);
      CHECK(res.persons_left_inside == 0);
    }
  }
  // Without the policy the same load does pass the gates while the platform is that crowded.
  const Scenario off = load_or_fail("tests/data/whatif/platform.toml", {"policy.platform_exits.enabled=false"});
  const Simulation off_sim(off);
  RecordLog log;
  off_sim.run(kSeed, 0, &log);
  const PlatformAudit a = audit_platform(off_sim, log.records, 0.6, 0.4);
  CHECK(a.watch.activations == 0);
  CHECK(a.peak > 0.6 * 256);
}

TEST_CASE("Platform exits come into force exactly at the threshold, not one person below",
          "[whatif][policy]") {
  // A lighter load, with the policy off: the platform's peak P stays below its capacity.
  const std::vector<std::string> light{"demand_scale=0.15"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), light.begin(), light.end());
    return load_or_fail("tests/data/whatif/platform.toml", extra);
  };
  const Scenario off = with({"policy.platform_exits.enabled=false"});
  const Simulation off_sim(off);
  RecordLog off_log;
  off_sim.run(kSeed, 0, &off_log);
  const double cap = 256;  // a power of two: P / cap x cap is exactly P
  const PlatformAudit free_run = audit_platform(off_sim, off_log.records, 1.0, 0.0);
  const double peak = free_run.peak;
  INFO("peak platform occupancy without the policy: " << peak);
  REQUIRE(peak > 10);
  REQUIRE(peak + 1 <= cap);
  const PlatformAudit first = audit_platform(off_sim, off_log.records, 1.0, 0.0, peak);

  // Threshold at the peak: it activates, first when the occupancy first reached the peak.
  const Scenario at_peak = with({fmt::format("policy.platform_exits.close_above={}", peak / cap),
                                 fmt::format("policy.platform_exits.reopen_below={}", (peak - 10) / cap)});
  const Simulation at_sim(at_peak);
  RecordLog at_log;
  at_sim.run(kSeed, 0, &at_log);
  const std::uint32_t policy = place_index(at_sim, "policy.platform_exits.line[out]");
  Time first_activation = -1;
  for (const Record& r : at_log.records)
    if (r.place == policy && r.kind == RecordKind::activate) {
      first_activation = r.time;
      break;
    }
  CHECK(first_activation >= 0);
  CHECK(first_activation == first.first_reach);
  const PlatformAudit at_audit = audit_platform(at_sim, at_log.records, peak / cap, (peak - 10) / cap);
  INFO(join(at_audit.watch.problems()) << join(at_audit.problems));
  CHECK(at_audit.watch.problems().empty());
  CHECK(at_audit.problems.empty());

  // One person above the peak: never.
  const Scenario above = with({fmt::format("policy.platform_exits.close_above={}", (peak + 1) / cap),
                               fmt::format("policy.platform_exits.reopen_below={}", (peak - 10) / cap)});
  const Simulation above_sim(above);
  RecordLog above_log;
  const ReplicationResult res = above_sim.run(kSeed, 0, &above_log);
  CHECK(count_of(above_log.records, place_index(above_sim, "policy.platform_exits.line[out]"), RecordKind::activate) == 0);
  CHECK(kpi(above_sim, res, "line[out].platform_peak") == peak);  // the same run as without the policy
}

// ---- 4b. hall occupancy ----------------------------------------------------------------------

namespace {

struct HallAudit {
  ThresholdWatch stagger, inside, exit_only;
  std::vector<std::string> problems;
  double peak = 0, peak_hold = 0, peak_in_service = 0;
  std::size_t served_staggered = 0;       // gate service starts while staggering (not exit only)
  std::size_t served_exit_only = 0, passes_exit_only = 0, passes_allowed = 0;
  std::size_t entered_inside = 0;         // hall entries while queueing inside
  Time first_reach = -1;
};

struct HallLimits {
  double staggered_entry, queue_inside, exit_only;
  std::int64_t staggered_lanes;  // lanes open while staggering
  double largest_party;
  double reach = 0;
};

HallAudit audit_halls(const Simulation& sim, const std::vector<Record>& log, const HallLimits& lim) {
  const std::uint32_t hall = place_index(sim, "halls"), hold = place_index(sim, "halls.hold");
  const std::uint32_t gate = place_index(sim, "gate[main]");
  const std::uint32_t p1 = place_index(sim, "policy.hall_occupancy.staggered_entry");
  const std::uint32_t p2 = place_index(sim, "policy.hall_occupancy.queue_inside");
  const std::uint32_t p3 = place_index(sim, "policy.hall_occupancy.exit_only");
  HallAudit a;
  a.stagger.threshold = lim.staggered_entry;
  a.inside.threshold = lim.queue_inside;
  a.exit_only.threshold = lim.exit_only;
  double occ = 0, held = 0;
  std::int64_t in_service = 0, allowed = 0;
  // Lanes busy are counted at the end of each instant: a lane that finishes its person hands over
  // to the next in the queue before the `pass` of the one who finished is written.
  Time instant = -1;
  bool check_lanes = false;
  auto end_instant = [&] {
    if (check_lanes && in_service > lim.staggered_lanes)
      a.problems.push_back(fmt::format("t={}: {} screened at once while staggering ({} lanes)", instant, in_service,
                                       lim.staggered_lanes));
    check_lanes = false;
  };
  for (const Record& r : log) {
    if (r.time > instant) {
      end_instant();
      instant = r.time;
    }
    for (auto* w : {&a.stagger, &a.inside, &a.exit_only}) w->before(r);
    if (r.place == hall && (r.kind == RecordKind::enter || r.kind == RecordKind::leave)) {
      occ += r.kind == RecordKind::enter ? r.persons : -static_cast<double>(r.persons);
      a.peak = std::max(a.peak, occ);
      if (lim.reach > 0 && a.first_reach < 0 && occ >= lim.reach) a.first_reach = r.time;
      if (r.kind == RecordKind::enter && a.inside.active) {
        ++a.entered_inside;
        // Admitted while queueing inside: only up to the threshold.
        if (occ > lim.queue_inside)
          a.problems.push_back(fmt::format("t={}: admitted to {} > queue_inside {}", r.time, occ, lim.queue_inside));
      }
      a.stagger.on_level(r.time, occ);
      a.inside.on_level(r.time, occ);
      a.exit_only.on_level(r.time, occ + held);
    } else if (r.place == hold && (r.kind == RecordKind::queue_join || r.kind == RecordKind::queue_leave)) {
      held += r.kind == RecordKind::queue_join ? r.persons : -static_cast<double>(r.persons);
      a.peak_hold = std::max(a.peak_hold, held);
      a.exit_only.on_level(r.time, occ + held);
    } else if (r.place == p1) {
      a.stagger.on_policy(r, occ);
    } else if (r.place == p2) {
      a.inside.on_policy(r, occ);
    } else if (r.place == p3) {
      a.exit_only.on_policy(r, occ + held);
      if (r.kind == RecordKind::activate) {
        allowed = in_service;  // those already at a lane may finish
        a.passes_allowed += static_cast<std::size_t>(in_service);
      }
    } else if (r.place == gate) {
      if (r.kind == RecordKind::served) {
        ++in_service;
        a.peak_in_service = std::max(a.peak_in_service, static_cast<double>(in_service));
        if (a.exit_only.active) {
          ++a.served_exit_only;
          a.problems.push_back(fmt::format("t={}: screening started while exit only", r.time));
        } else if (a.stagger.active) {
          ++a.served_staggered;
          check_lanes = true;
        }
      } else if (r.kind == RecordKind::pass) {
        --in_service;
        if (a.exit_only.active) {
          ++a.passes_exit_only;
          if (--allowed < 0) a.problems.push_back(fmt::format("t={}: entry while exit only", r.time));
        }
      }
    }
    // While queueing inside the halls never hold more than the threshold and one party.
    if (a.inside.active && occ > lim.queue_inside + lim.largest_party - 1)
      a.problems.push_back(fmt::format("t={}: {} in the halls while queueing inside", r.time, occ));
  }
  end_instant();
  for (auto* w : {&a.stagger, &a.inside, &a.exit_only}) w->end();
  return a;
}

}  // namespace

TEST_CASE("Hall occupancy: staggered entry, queueing inside and exit only come into force at their "
          "thresholds and cap admissions while in force",
          "[whatif][policy]") {
  const Scenario s = load_or_fail("tests/data/whatif/halls.toml");
  const Simulation sim(s);
  const HallLimits lim{1000, 1500, 1600, 6, 3};
  for (std::uint32_t rep : {0u, 1u}) {
    DYNAMIC_SECTION("replication " << rep) {
      RecordLog log;
      const ReplicationResult res = sim.run(kSeed, rep, &log);
      const HallAudit a = audit_halls(sim, log.records, lim);
      INFO("staggered entry:\n" << join(a.stagger.problems()) << "queue inside:\n" << join(a.inside.problems())
                                << "exit only:\n" << join(a.exit_only.below) << "admissions:\n"
                                << join(a.problems));
      INFO("peak halls " << a.peak << ", peak holding area " << a.peak_hold << "; activations "
                         << a.stagger.activations << "/" << a.inside.activations << "/" << a.exit_only.activations);
      CHECK(a.stagger.problems().empty());
      CHECK(a.inside.problems().empty());
      // Exit only never comes into force below its threshold (that it comes into force at the
      // very instant the threshold is reached is the test below).
      CHECK(a.exit_only.below.empty());
      CHECK(a.problems.empty());
      // Every tier acted, and its caps were tested.
      CHECK(a.stagger.activations >= 1);
      CHECK(a.inside.activations >= 1);
      CHECK(a.exit_only.activations >= 1);
      CHECK(a.served_staggered > 100);
      CHECK(a.entered_inside > 100);
      CHECK(a.peak_hold > 0);
      CHECK(a.served_exit_only == 0);
      CHECK(a.passes_exit_only <= a.passes_allowed);  // at most those at a lane when it began
      CHECK(res.persons_left_inside == 0);
    }
  }
  // Without the policy the halls fill beyond every threshold and all 12 lanes screen at once.
  const Scenario off = load_or_fail("tests/data/whatif/halls.toml", {"policy.hall_occupancy.enabled=false"});
  const Simulation off_sim(off);
  RecordLog log;
  off_sim.run(kSeed, 0, &log);
  const HallAudit a = audit_halls(off_sim, log.records, lim);
  CHECK(a.stagger.activations + a.inside.activations + a.exit_only.activations == 0);
  CHECK(a.peak > lim.exit_only);
  CHECK(a.peak_in_service > lim.staggered_lanes);
}

// Exit only counts the halls and the holding area; the holding area grows while the halls are
// full, so the threshold is usually reached by someone joining the holding queue.
TEST_CASE("Exit only comes into force at the instant halls plus holding area reach its threshold",
          "[whatif][policy]") {
  const Scenario s = load_or_fail("tests/data/whatif/halls.toml");
  const Simulation sim(s);
  RecordLog log;
  sim.run(kSeed, 0, &log);
  const HallAudit a = audit_halls(sim, log.records, HallLimits{1000, 1500, 1600, 6, 3});
  INFO(a.exit_only.late.size() << " times the threshold was reached without exit only coming into force then; "
                               << "the longest delay " << a.exit_only.max_lag << " s\n"
                               << join(a.exit_only.late, 5));
  CHECK(a.exit_only.late.empty());
}

TEST_CASE("Staggered entry comes into force exactly at its threshold, not one person below",
          "[whatif][policy]") {
  const Scenario off = load_or_fail("tests/data/whatif/halls.toml", {"policy.hall_occupancy.enabled=false"});
  const Simulation off_sim(off);
  RecordLog off_log;
  off_sim.run(kSeed, 0, &off_log);
  HallLimits lim{1e6, 2e6, 3e6, 6, 3};
  const double peak = audit_halls(off_sim, off_log.records, lim).peak;
  lim.reach = peak;
  const Time first_reach = audit_halls(off_sim, off_log.records, lim).first_reach;
  INFO("peak hall occupancy without the policy " << peak << ", first reached at " << first_reach);
  REQUIRE(first_reach > 0);

  auto run_with = [&](double threshold, RecordLog& log) {
    const Scenario s = load_or_fail("tests/data/whatif/halls.toml",
                                    {fmt::format("policy.hall_occupancy.staggered_entry={}", threshold),
                                     "policy.hall_occupancy.queue_inside=1000000",
                                     "policy.hall_occupancy.exit_only=2000000"});
    const Simulation sim(s);
    sim.run(kSeed, 0, &log);
    Time first = -1;
    const std::uint32_t p1 = place_index(sim, "policy.hall_occupancy.staggered_entry");
    for (const Record& r : log.records)
      if (r.place == p1 && r.kind == RecordKind::activate) {
        first = r.time;
        break;
      }
    return first;
  };
  RecordLog at_log, above_log;
  CHECK(run_with(peak, at_log) == first_reach);
  CHECK(run_with(peak + 1, above_log) < 0);
}

// ---- 4c. exit direction control --------------------------------------------------------------

TEST_CASE("Exit direction control: nobody walks the closed direction of the walkway", "[whatif][policy]") {
  const Scenario s = load_or_fail("tests/data/whatif/exit_direction.toml");
  const Simulation sim(s);
  const Time from = at(1, 7), switch_at = at(1, 11), to = at(1, 12);
  const std::uint32_t fwd = place_index(sim, "walkway[short].forward");
  const std::uint32_t bwd = place_index(sim, "walkway[short].backward");
  const std::uint32_t round_out = place_index(sim, "walkway[round2].backward");
  const std::uint32_t round_in = place_index(sim, "walkway[round1].forward");
  const std::uint32_t policy = place_index(sim, "policy.exit_direction");
  for (std::uint32_t rep : {0u, 1u}) {
    DYNAMIC_SECTION("replication " << rep) {
      RecordLog log;
      const ReplicationResult res = sim.run(kSeed, rep, &log);
      // Morning: inbound only.
      CHECK(sum_of(log.records, bwd, RecordKind::enter, from, switch_at) == 0);
      CHECK(sum_of(log.records, fwd, RecordKind::enter, at(1, 8), switch_at) > 1000);
      CHECK(sum_of(log.records, round_out, RecordKind::enter, at(1, 9), switch_at) > 300);  // leavers go round
      // After the switch: outbound only.
      CHECK(sum_of(log.records, fwd, RecordKind::enter, switch_at, to) == 0);
      CHECK(sum_of(log.records, bwd, RecordKind::enter, switch_at, to) > 300);
      CHECK(sum_of(log.records, round_in, RecordKind::enter, switch_at, to) > 300);  // arrivals go round
      // Afterwards both ways are open again, and the short way is taken both ways.
      CHECK(sum_of(log.records, fwd, RecordKind::enter, to, at(1, 13)) > 300);
      CHECK(sum_of(log.records, bwd, RecordKind::enter, to, at(1, 14)) > 300);
      CHECK(sum_of(log.records, round_in, RecordKind::enter, to + 120, at(1, 23)) == 0);
      // In force at 07:00 and again (reversed) at 11:00, lifted at 12:00.
      CHECK(sum_of(log.records, policy, RecordKind::activate, from, from + 1) == 1);
      CHECK(sum_of(log.records, policy, RecordKind::activate, switch_at, switch_at + 1) == 1);
      CHECK(sum_of(log.records, policy, RecordKind::leave, to, to + 1) == 1);
      CHECK(count_of(log.records, policy, RecordKind::activate) == 2);
      CHECK(res.persons_left_inside == 0);
    }
  }
}
