// The README's claim for the calibrated baseline: `scenarios/ciie2024-calibrated.toml`, run as
// `scripts/run` runs it (10 replications, seed 1), reproduces each of the seven totals of the 7th
// CIIE's closing report within 1%. The totals are written here as the report gives them, not read
// from the scenario.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "../support.hpp"

using namespace expoflow::test;
using nlohmann::json;

TEST_CASE("the calibrated CIIE baseline reproduces the seven reported totals within 1%", "[baseline][slow]") {
  // The closing report of the 7th CIIE (10 November 2024, as of 12:00 on the last day).
  const std::map<std::string, double> reported = {
      {"entries", 852000},          {"metro_station_in_out", 783000},    {"shuttle_passengers", 22000},
      {"taxi_departures", 12000},   {"taxi_passengers", 19000},          {"parking_booked_vehicles", 13000},
      {"dropoff_vehicles", 47000},
  };
  const TempDir tmp("calibrated-baseline");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run scenarios/ciie2024-calibrated.toml -r 10 --seed 1 -q --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const json summary = json::parse(read_text(out / "summary.json"));
  REQUIRE(summary["observations"].size() == reported.size());
  for (const json& obs : summary["observations"]) {
    const std::string name = obs["name"];
    INFO(name << ": simulated " << obs["simulated"].get<double>());
    REQUIRE(reported.count(name));
    CHECK(obs["observed"].get<double>() == reported.at(name));
    CHECK(std::abs(obs["simulated"].get<double>() / reported.at(name) - 1) <= 0.01);
  }
}
