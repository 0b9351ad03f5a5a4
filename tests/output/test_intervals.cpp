// The intervals the outputs give of totals and indicators: quantities that cannot be negative, so
// an interval never reaches below zero; and a single replication, which gives a mean but no
// interval. The replications are made up here (a real one's shape, every value set), so that the
// symmetric t-interval would reach below zero for certain.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/ensemble.hpp"
#include "output/writers.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;
using nlohmann::json;

namespace {

const std::string kScenario = "tests/data/calibrate/recovery.toml";  // observed totals, gates, a metro, a car park

// An ensemble of replications whose every total and indicator takes the values `xs`, one per
// replication.
output::Ensemble made_up(const model::Simulation& sim, const std::vector<double>& xs) {
  ensemble::Settings settings;
  settings.replications = static_cast<std::uint32_t>(xs.size());
  output::Ensemble e(sim, settings);
  const output::ReplicationValues shape = output::values_of(sim.run(1, 0));
  REQUIRE(!shape.kpis.empty());
  REQUIRE(!shape.observed.empty());
  for (const double x : xs) {
    output::ReplicationValues r = shape;
    for (auto& o : r.observed) o = x;
    for (auto& k : r.kpis) k.value = x;
    e.add(std::move(r));
  }
  return e;
}

}  // namespace

TEST_CASE("intervals of totals and indicators never go below zero, in the table and in summary.json",
          "[outputs][intervals]") {
  const scenario::Scenario s = load_or_fail(kScenario);
  const model::Simulation sim(s);
  // Zero in three replications, 4 in one: mean 1, sd 2, the t-interval 1 ± 3.18 reaches -2.18.
  const output::Ensemble e = made_up(sim, {0, 0, 0, 4});
  REQUIRE(confidence_interval95(e.observed[0]).lo < 0);
  const json j = json::parse(output::summary_json(e, {}));
  for (const json& o : j["observations"]) {
    INFO(o.dump());
    CHECK(o["simulated_ci95"][0].get<double>() == 0);
    CHECK(o["simulated_ci95"][1].get<double>() > 1);
  }
  for (auto& [name, k] : j["kpis"].items()) {
    INFO(name);
    CHECK(k["ci95"][0].get<double>() == 0);
    CHECK(k["ci95"][1].get<double>() > 1);
  }
  const std::string table = output::comparison_table(e);
  INFO(table);
  CHECK(table.find("[-") == std::string::npos);
  CHECK(table.find("[0 – 4]") != std::string::npos);  // a reported total: 1 [0 – 4.18]
}

TEST_CASE("a single replication gives no interval: a dash in the table, null in summary.json", "[outputs][intervals]") {
  const scenario::Scenario s = load_or_fail(kScenario);
  const model::Simulation sim(s);
  const output::Ensemble e = made_up(sim, {7});
  const json j = json::parse(output::summary_json(e, {}));
  for (const json& o : j["observations"]) {
    INFO(o.dump());
    CHECK(o["simulated"].get<double>() == 7);
    CHECK(o["simulated_ci95"].is_null());
    CHECK(o["simulated_ci95_text"].is_null());
  }
  for (auto& [name, k] : j["kpis"].items()) {
    INFO(name);
    CHECK(k["mean"].get<double>() == 7);
    CHECK(k["ci95"].is_null());
  }
  const std::string table = output::comparison_table(e);
  INFO(table);
  CHECK(table.find("[7 – 7]") == std::string::npos);
  CHECK(table.find(" — ") != std::string::npos);
}
