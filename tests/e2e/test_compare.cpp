// `expoflow compare`, through the command line, against `expoflow run` of each scenario: with the
// same seed and replications, its base and variant columns are what run reports for each (common
// random numbers: the same replication indices), and each difference is the variant's mean minus
// the base's (a mean of paired differences is the difference of the means).
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;
using nlohmann::json;

namespace {

const std::string kBase = "tests/data/whatif/metro.toml", kVariant = "tests/data/whatif/suspend_a.toml";

// comparison.csv prints 10 significant digits ({:.10g}): a number read back is within 5e-10 of
// its value, relatively; summary.json's are exact.
constexpr double kPrinted = 1e-9;

// Observed totals and indicators of a run's summary.json: name -> mean.
std::map<std::string, double> run_means(const std::string& scenario, const fs::path& out, const TempDir& tmp) {
  const Outcome o = run_expoflow("run " + scenario + " -r 3 --seed 5 -j 1 -q --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const json summary = json::parse(read_text(out / "summary.json"));
  std::map<std::string, double> means;
  for (const json& obs : summary["observations"]) means[obs["name"]] = obs["simulated"];
  for (auto& [name, k] : summary["kpis"].items()) means[name] = k["mean"];
  // A day's or window's indicators, named as compare names them: "<indicator>@<scope>".
  for (const json& scope : summary["scopes"])
    for (auto& [name, k] : scope["kpis"].items()) means[name + "@" + scope["name"].get<std::string>()] = k["mean"];
  return means;
}

}  // namespace

TEST_CASE("compare's base and variant are run's means with the same seed, and each difference is variant minus base",
          "[cli][compare]") {
  const TempDir tmp("compare-vs-run");
  const auto base = run_means(kBase, tmp.path / "base", tmp);
  const auto variant = run_means(kVariant, tmp.path / "variant", tmp);
  const Outcome o = run_expoflow("compare " + kBase + " " + kVariant + " -r 3 --seed 5 -j 1 -q --out '" +
                                     (tmp.path / "compare").string() + "'",
                                 tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto lines = split_lines(read_text(tmp.path / "compare" / "comparison.csv"));
  REQUIRE(lines.size() > 20);
  REQUIRE(lines[0].rfind("name,observed_total,base,variant,difference,", 0) == 0);
  std::size_t changed = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    REQUIRE(f.size() >= 5);
    INFO(lines[i]);
    REQUIRE(base.count(f[0]));
    REQUIRE(variant.count(f[0]));
    const double b = std::stod(f[2]), v = std::stod(f[3]), d = std::stod(f[4]);
    CHECK(close_to(b, base.at(f[0]), kPrinted));
    CHECK(close_to(v, variant.at(f[0]), kPrinted));
    // The difference printed to 10 digits of itself, the means' difference to 10 digits of each.
    CHECK(std::abs(d - (variant.at(f[0]) - base.at(f[0]))) <= kPrinted * std::max(1.0, std::abs(b) + std::abs(v)));
    changed += base.at(f[0]) != variant.at(f[0]);
  }
  CHECK(changed > 3);  // the suspension changes something: the check has teeth
}
