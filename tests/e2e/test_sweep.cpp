// `expoflow sweep`, through the command line: every combination of the values given, the first
// parameter varying slowest, each run with the same seed (common random numbers), so that each
// variant's rows in sweep.csv are exactly what `expoflow run` with the same --set values and seed
// reports; the table does not depend on the thread count.
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

const std::string kScenario = "tests/data/calibrate/recovery.toml";  // small, with four observed totals
const std::string kVolume = "class[visitor].volume_scale", kBackground = "line[metro1].background_scale";

std::string sweep_args(const fs::path& out, unsigned threads) {
  return "sweep " + kScenario + " --param '" + kVolume + "=0.9,1.1' --param '" + kBackground +
         "=1,1.5' -r 3 --seed 9 -j " + std::to_string(threads) + " -q --out '" + out.string() + "'";
}

}  // namespace

TEST_CASE("sweep runs every combination with one seed: each variant's rows are what run reports for it",
          "[cli][sweep]") {
  const TempDir tmp("sweep");
  const Outcome o = run_expoflow(sweep_args(tmp.path / "sweep", 2), tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto lines = split_lines(read_text(tmp.path / "sweep" / "sweep.csv"));
  REQUIRE(!lines.empty());
  CHECK(lines[0] == kVolume + "," + kBackground + ",indicator,mean,ci95_lo,ci95_hi");

  // The rows by variant, in the order the variants come: the first parameter varying slowest.
  using Values = std::map<std::string, std::vector<double>>;  // indicator -> mean, ci95_lo, ci95_hi
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, Values> rows;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    REQUIRE(f.size() == 6);
    const std::pair<std::string, std::string> variant{f[0], f[1]};
    if (order.empty() || order.back() != variant) order.push_back(variant);
    rows[variant][f[2]] = {std::stod(f[3]), std::stod(f[4]), std::stod(f[5])};
  }
  const std::vector<std::pair<std::string, std::string>> variants = {{"0.9", "1"}, {"0.9", "1.5"}, {"1.1", "1"}, {"1.1", "1.5"}};
  CHECK(order == variants);  // each variant's rows together, each variant once

  for (const auto& [volume, background] : variants) {
    INFO(kVolume << "=" << volume << ", " << kBackground << "=" << background);
    const fs::path out = tmp.path / ("run-" + volume + "-" + background);
    const Outcome r = run_expoflow("run " + kScenario + " --set '" + kVolume + "=" + volume + "' --set '" + kBackground +
                                       "=" + background + "' -r 3 --seed 9 -j 1 -q --out '" + out.string() + "'",
                                   tmp);
    REQUIRE(r.code == 0);
    const json summary = json::parse(read_text(out / "summary.json"));
    Values expected;  // run's observed totals and indicators
    for (const json& obs : summary["observations"])
      expected[obs["name"]] = {obs["simulated"], obs["simulated_ci95"][0], obs["simulated_ci95"][1]};
    REQUIRE(expected.size() == 4);
    for (auto& [name, k] : summary["kpis"].items()) expected[name] = {k["mean"], k["ci95"][0], k["ci95"][1]};
    for (const json& scope : summary["scopes"])
      for (auto& [name, k] : scope["kpis"].items())
        expected[name + "@" + scope["name"].get<std::string>()] = {k["mean"], k["ci95"][0], k["ci95"][1]};
    const Values& got = rows[{volume, background}];
    CHECK(got.size() == expected.size());
    for (const auto& [name, want] : expected) {
      INFO("indicator " << name);
      REQUIRE(got.count(name));
      for (std::size_t i = 0; i < 3; ++i) CHECK(close_to(got.at(name)[i], want[i], 1e-9));
    }
  }
}

TEST_CASE("sweep writes the same table on 1 and 2 threads", "[cli][sweep][determinism]") {
  const TempDir tmp("sweep-threads");
  REQUIRE(run_expoflow(sweep_args(tmp.path / "one", 1), tmp).code == 0);
  REQUIRE(run_expoflow(sweep_args(tmp.path / "two", 2), tmp).code == 0);
  const std::string one = read_text(tmp.path / "one" / "sweep.csv");
  REQUIRE(!one.empty());
  CHECK(one == read_text(tmp.path / "two" / "sweep.csv"));
}
