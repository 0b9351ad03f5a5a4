// Calibration: recovery of known parameter values, identifiability of a sum, bad input through
// the command line, and the calibrated scenario file read back.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>

#include "calibrate/calibrate.hpp"
#include "kernel/stats.hpp"
#include "scenario/scenario.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;

namespace {

const std::string kData = "tests/data/calibrate/";

calibrate::Problem load_problem(const std::string& file) {
  scenario::Problems problems;
  auto p = calibrate::prepare(kData + file, problems);
  INFO(problems.report());
  REQUIRE(p);
  return *p;
}

// recovery.toml's free parameters: volume_scale, access.car, party_size.car.mean,
// line[metro1].background_scale. The file holds (1, 0.2, 2, 1): the start of the fit.
const std::vector<double> kTruth{1.12, 0.26, 2.5, 1.4};

struct Recovery {
  calibrate::Problem problem;
  calibrate::Result result;
};

// One fit shared by the recovery and file tests (it is the slow part).
const Recovery& recovery() {
  static const Recovery r = [] {
    Recovery out{load_problem("recovery.toml"), {}};
    // "Observed" totals from the known values, over seeds the fit does not use (the fit uses
    // seed 1 and its replications 0..5). Their uncertainty is what separates them from the
    // fit's own simulated means: the Monte Carlo error of both, with a floor for totals that
    // hardly vary (entries are the class volume exactly).
    const int obs_reps = 16, fit_reps = 6;
    const auto sim = calibrate::simulate(out.problem, {kTruth}, 1001, obs_reps, 0);
    for (std::size_t i = 0; i < out.problem.observed.size(); ++i) {
      Tally t;
      for (double x : sim[0][i]) t.add(x);
      const double mc = std::sqrt(t.variance() / obs_reps + t.variance() / fit_reps);
      out.problem.observed[i].value = t.mean();
      out.problem.observed[i].uncertainty = std::max(mc, 0.002 * t.mean());
    }
    calibrate::Settings settings;
    settings.seed = 1;
    settings.replications = fit_reps;
    settings.max_iterations = 10;
    settings.check_replications = 0;
    out.result = calibrate::fit(out.problem, settings);
    return out;
  }();
  return r;
}

}  // namespace

TEST_CASE("calibration recovers known parameter values within two standard errors", "[calibrate][slow]") {
  const Recovery& r = recovery();
  INFO(calibrate::report_text(r.problem, r.result));
  REQUIRE(r.result.params.size() == kTruth.size());
  // Four totals, four parameters: every one is identifiable here (otherwise the check below
  // would be vacuous).
  CHECK(r.result.unidentified.empty());
  int checked = 0;
  for (std::size_t j = 0; j < kTruth.size(); ++j) {
    const auto& p = r.result.params[j];
    INFO(fmt::format("{}: truth {}, start {}, fitted {} ± {}", p.path, kTruth[j], p.start, p.fitted, p.std_error));
    if (p.std_error >= 0.5 * p.prior_sd) continue;
    ++checked;
    CHECK(p.std_error > 0);
    // The start was far from the truth in units of the reported error: the fit did the work.
    CHECK(std::abs(p.start - kTruth[j]) > 2 * p.std_error);
    CHECK(std::abs(p.fitted - kTruth[j]) <= 2 * p.std_error);
  }
  CHECK(checked == static_cast<int>(kTruth.size()));
  CHECK(r.result.objective_end < r.result.objective_start);
  // The share's residual member took the rest.
  CHECK(r.result.params[1].residual_path == "class[visitor].access.metro");
  CHECK(r.result.params[1].residual == Approx(1 - 0.3 - r.result.params[1].fitted).margin(1e-9));
}

TEST_CASE("two parameters that enter only as a sum are named as unidentified and the prior splits them",
          "[calibrate]") {
  const auto problem = load_problem("sum_only.toml");
  calibrate::Settings settings;
  settings.replications = 2;
  settings.check_replications = 0;
  const auto r = calibrate::fit(problem, settings);
  const std::string report = calibrate::report_text(problem, r);
  INFO(report);
  REQUIRE(r.unidentified.size() == 1);
  CHECK(r.unidentified[0].description ==
        "class[a].volume_scale and class[b].volume_scale trade off one for one: only their sum is determined");
  CHECK(r.unidentified[0].sd_ratio > 0.9);
  CHECK(report.find("only their sum is determined") != std::string::npos);
  // The total asks for a + b = 2; the priors (1.0 and 0.8, equal spreads) split it 1.1 / 0.9.
  const double a = r.params[0].fitted, b = r.params[1].fitted;
  CHECK(a + b == Approx(2.0).margin(0.02));
  CHECK(a == Approx(1.1).margin(0.02));
  CHECK(b == Approx(0.9).margin(0.02));
  // Each alone keeps nearly its prior's spread.
  CHECK(r.params[0].std_error > 0.6 * 0.2);
}

namespace {

calibrate::Result quick_fit(const calibrate::Problem& problem) {
  calibrate::Settings settings;
  settings.replications = 2;
  settings.check_replications = 0;
  return calibrate::fit(problem, settings);
}

// sum_only.toml's fit (a) beside the fit of a file that extends it (b), with b's report.
struct SideBySide {
  calibrate::Result a, b;
  std::string report;
};
SideBySide fits_beside_sum_only(const std::string& file) {
  const auto other = load_problem(file);
  SideBySide out{quick_fit(load_problem("sum_only.toml")), quick_fit(other), ""};
  out.report = calibrate::report_text(other, out.b);
  return out;
}

}  // namespace

TEST_CASE("checks that are not fitted, and a lower bound that is met, leave the fit unchanged", "[calibrate]") {
  const auto [a, b, report] = fits_beside_sum_only("with_checks.toml");
  INFO(report);
  REQUIRE(b.observed.size() == 4);
  REQUIRE(a.params.size() == b.params.size());
  for (std::size_t j = 0; j < a.params.size(); ++j) CHECK(a.params[j].fitted == b.params[j].fitted);
  CHECK(a.objective_end == b.objective_end);
  // The checks are computed and judged all the same: 20,000 entries are not 30,000 ± 5%.
  CHECK(report.find("check ±5%: OUTSIDE") != std::string::npos);
  CHECK(report.find("bound >= 15,000: met") != std::string::npos);
  CHECK_FALSE(b.observed[1].assessment.ok);
  CHECK(b.observed[3].assessment.ok);
}

TEST_CASE("a violated lower bound pulls the fit and is reported as violated", "[calibrate]") {
  const auto [a, b, report] = fits_beside_sum_only("lower_bound.toml");
  INFO(report);
  const double sum_a = a.params[0].fitted + a.params[1].fitted, sum_b = b.params[0].fitted + b.params[1].fitted;
  // Entries ask for 20,000 ± 200 and the bound for at least 26,000 ± 260: the weighted compromise
  // is about 22,200 entries, a volume 11% above the equality's alone.
  CHECK(sum_b > sum_a * 1.05);
  CHECK(sum_b < sum_a * 1.3);
  REQUIRE(b.observed.size() == 2);
  CHECK_FALSE(b.observed[1].assessment.ok);
  CHECK(report.find("bound >= 26,000: VIOLATED") != std::string::npos);
}

TEST_CASE("directions are named in parameter paths", "[calibrate]") {
  const std::vector<std::string> p{"x", "y", "z"};
  const double h = std::sqrt(0.5);
  CHECK(calibrate::describe_direction(p, {h, -h, 0}) == "x and y trade off one for one: only their sum is determined");
  CHECK(calibrate::describe_direction(p, {h, h, 0}) ==
        "x and y rise and fall together: only their difference is determined");
  CHECK(calibrate::describe_direction(p, {0, 0, 1}) == "z is not determined by the totals: its prior decides it");
  CHECK(calibrate::describe_direction(p, {0.6, -0.5, 0.62}).find("0.60 x - 0.50 y + 0.62 z") != std::string::npos);
}

TEST_CASE("bad calibration input fails with exit code 2 and names file, line and path", "[calibrate][cli]") {
  const TempDir tmp("calibrate-bad");
  const fs::path out = tmp.path / "calibrated.toml";
  struct Case {
    const char* file;
    const char* where;  // file:line
    const char* path;
  };
  for (const Case& c : {Case{"bad_path.toml", "bad_path.toml:12:", "class[visitor].no_such_value"},
                        Case{"bad_prior.toml", "bad_prior.toml:9:", "calibrate.param[0].prior"},
                        Case{"bad_probe.toml", "bad_probe.toml:5:", "observed[taxi_departures]"}}) {
    const Outcome e = run_expoflow(fmt::format("calibrate {}{} --out {}", kData, c.file, out.string()), tmp);
    INFO(c.file << ": " << e.err);
    CHECK(e.code == 2);
    CHECK(e.err.find(std::string(kData) + c.where) != std::string::npos);
    CHECK(e.err.find(c.path) != std::string::npos);
    CHECK_FALSE(fs::exists(out));
  }
  // A well-formed scenario passes the same checks (the negative control of the above).
  scenario::Problems problems;
  CHECK(calibrate::prepare(kData + "recovery.toml", problems));
  CHECK(problems.empty());
}

TEST_CASE("the calibrated scenario extends the original and reproduces the fitted values", "[calibrate][slow]") {
  const Recovery& r = recovery();
  const TempDir tmp("calibrate");
  const fs::path& dir = tmp.path;
  const fs::path out = dir / "recovery-calibrated.toml";
  const std::string extends =
      fs::absolute(kData + "recovery.toml").lexically_normal().lexically_relative(dir).generic_string();
  const std::string text = calibrate::calibrated_scenario(r.problem, r.result, extends, "recovery-calibrated", "2024-11-11");
  {
    std::ofstream f(out);
    f << text;
  }
  INFO(text);
  CHECK(text.find("[[class]]\nid = \"visitor\"") != std::string::npos);
  CHECK(text.find("[class.access]") != std::string::npos);
  CHECK(text.find("2024-11-11") != std::string::npos);

  // It loads and validates as a scenario (shares still sum to 1) ...
  scenario::Problems problems;
  auto s = scenario::load_scenario(out.string(), {}, problems);
  INFO(problems.report());
  REQUIRE(s);
  CHECK(s->name == "recovery-calibrated");
  // ... and holds exactly the fitted values, the residual member and everything else unchanged.
  const auto& fitted = r.result.params;
  CHECK(s->classes[0].volume_scale == fitted[0].fitted);
  CHECK(s->classes[0].access[static_cast<std::size_t>(scenario::Mode::car)] == fitted[1].fitted);
  CHECK(s->classes[0].access[static_cast<std::size_t>(scenario::Mode::metro)] == Approx(fitted[1].residual).margin(1e-11));
  CHECK(s->classes[0].access[static_cast<std::size_t>(scenario::Mode::walk)] == 0.3);
  CHECK(s->lines[0].background_scale == fitted[3].fitted);
  CHECK(s->classes[0].volume == std::vector<double>{20000});
  // Through the calibration's own reading: its starting values are the fitted ones.
  auto again = calibrate::prepare(out.string(), problems);
  REQUIRE(again);
  for (std::size_t j = 0; j < fitted.size(); ++j) {
    INFO(fitted[j].path);
    CHECK(again->params[j].start == fitted[j].fitted);
  }
}
