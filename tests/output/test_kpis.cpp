// The indicators (KPIs): typed ids {place, metric} computed by the observe layer, named only by the
// outputs. The names are the ones summary.json, comparisons and sweeps have always used, and
// looking up an indicator that a run does not have is an error that names it (never a silent 0).
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>
#include <vector>

#include "model/simulation.hpp"
#include "observe/kpis.hpp"
#include "output/ensemble.hpp"
#include "output/kpi_names.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;
using observe::KpiId;
using observe::Metric;

namespace {

// The place of `id` among the simulation's places.
std::uint32_t place_of(const model::Simulation& sim, const std::string& id) {
  for (std::uint32_t p = 0; p < sim.places().size(); ++p)
    if (sim.places()[p].id == id) return p;
  FAIL("no place " << id);
  return 0;
}

}  // namespace

TEST_CASE("Every indicator of a shipped scenario has the name the outputs have always given it", "[kpis][outputs]") {
  const scenario::Scenario s = load_or_fail("scenarios/line17-outage.toml");
  const model::Simulation sim(s);
  // The indicators of a replication, without running one: a closed, empty Recorder has them all.
  observe::Recorder rec(sim.places(), sim.num_bins(), s.bin_s);
  rec.close(s.horizon_s);
  // The whole run's, of the metrics the outputs have always had (the times of the peaks, the
  // stations' busiest hours, the walkways' and capacities' peaks came later, and are named below).
  std::vector<std::string> names;
  for (const observe::Kpi& k : observe::compute_kpis(rec, sim.kpi_places(), sim.scopes()))
    if (k.id.scope == 0 && k.id.metric < Metric::peak_queue_at_s) names.push_back(output::kpi_name(k.id, sim.places()));
  const std::vector<std::string> expected = {
      "gate[west].entries", "gate[west].peak_queue", "gate[west].wait_mean_s", "gate[west].wait_p95_s",
      "gate[west].turned_away", "gate[east].entries", "gate[east].peak_queue", "gate[east].wait_mean_s",
      "gate[east].wait_p95_s", "gate[east].turned_away", "gate[south].entries", "gate[south].peak_queue",
      "gate[south].wait_mean_s", "gate[south].wait_p95_s", "gate[south].turned_away", "gate[north].entries",
      "gate[north].peak_queue", "gate[north].wait_mean_s", "gate[north].wait_p95_s", "gate[north].turned_away",
      "line[line2].boardings", "line[line2].denied_boardings", "line[line2].platform_peak",
      "line[line2].platform_wait_p95_s", "line[line2].fare_gates_in_wait_p95_s", "line[line2].max_load_ratio",
      "line[line17].boardings", "line[line17].denied_boardings", "line[line17].platform_peak",
      "line[line17].platform_wait_p95_s", "line[line17].fare_gates_in_wait_p95_s", "line[line17].max_load_ratio",
      "line[route71].boardings", "line[route71].denied_boardings", "line[route71].max_load_ratio",
      "line[connector].boardings", "line[connector].denied_boardings", "line[connector].max_load_ratio",
      "line[parking_shuttle].boardings", "line[parking_shuttle].denied_boardings",
      "line[parking_shuttle].max_load_ratio", "taxi_stand[P6].departures", "taxi_stand[P6].party_wait_mean_s",
      "taxi_stand[P6].party_wait_p95_s", "taxi_stand[P6].peak_parties_waiting", "taxi_stand[P6].cab_wait_mean_s",
      "taxi_stand[P6].peak_cabs_waiting", "lot[P2].peak_occupancy", "lot[P2].peak_queue", "lot[P3].peak_occupancy",
      "lot[P3].peak_queue", "lot[remote].peak_occupancy", "lot[remote].peak_queue", "lot[coach].peak_occupancy",
      "lot[coach].peak_queue", "lot[P1].peak_occupancy", "lot[P1].peak_queue", "lot[P8].peak_occupancy",
      "lot[P8].peak_queue", "lot[P15].peak_occupancy", "lot[P15].peak_queue", "lot[D4].peak_occupancy",
      "lot[D4].peak_queue", "lot[D5].peak_occupancy", "lot[D5].peak_queue", "halls.peak_occupancy",
      "walkways.max_peak_density", "entrances.wait_mean_s", "entrances.wait_p95_s", "replans.at_setoff_persons",
      "replans.while_waiting_persons", "replans.service_closed_persons", "event[line17-suspended].activations",
      "event[line17-suspended].active_min",
      "policy.hall_occupancy.staggered_entry.activations", "policy.hall_occupancy.staggered_entry.active_min",
      "policy.hall_occupancy.queue_inside.activations", "policy.hall_occupancy.queue_inside.active_min",
      "policy.hall_occupancy.exit_only.activations", "policy.hall_occupancy.exit_only.active_min",
      "policy.exit_direction.activations", "policy.exit_direction.active_min",
      "policy.platform_exits.line[line2].activations", "policy.platform_exits.line[line2].active_min",
      "policy.platform_exits.line[line17].activations", "policy.platform_exits.line[line17].active_min",
      "gate[west].balked_persons", "gate[west].reneged_persons", "gate[east].balked_persons",
      "gate[east].reneged_persons", "gate[south].balked_persons", "gate[south].reneged_persons",
      "gate[north].balked_persons", "gate[north].reneged_persons", "line[line2].fare_gates_in.balked_persons",
      "line[line2].fare_gates_in.reneged_persons", "line[line17].fare_gates_in.balked_persons",
      "line[line17].fare_gates_in.reneged_persons", "taxi_stand[P6].balked_persons", "taxi_stand[P6].reneged_persons",
      "line[route71].direction[from_site].stop.balked_persons",
      "line[route71].direction[from_site].stop.reneged_persons",
      "line[connector].direction[from_site].stop.balked_persons",
      "line[connector].direction[from_site].stop.reneged_persons",
      "line[parking_shuttle].direction[from_site].stop.balked_persons",
      "line[parking_shuttle].direction[from_site].stop.reneged_persons"};
  CHECK(names == expected);

  // One id of each kind, named.
  const std::uint32_t west = place_of(sim, "gate[west]"), line2 = place_of(sim, "line[line2]");
  CHECK(output::kpi_name({west, Metric::wait_p95_s}, sim.places()) == "gate[west].wait_p95_s");
  CHECK(output::kpi_name({line2, Metric::platform_peak}, sim.places()) == "line[line2].platform_peak");
  CHECK(output::kpi_name({place_of(sim, "replans.at_setoff"), Metric::replanned_persons}, sim.places()) ==
        "replans.at_setoff_persons");
  CHECK(output::kpi_name({observe::kWholeSite, Metric::all_entrances_wait_p95_s}, sim.places()) ==
        "entrances.wait_p95_s");
  CHECK(output::kpi_name({observe::kWholeSite, Metric::densest_walkway_peak}, sim.places()) ==
        "walkways.max_peak_density");
  CHECK(output::kpi_name({west, Metric::peak_queue_at_s}, sim.places()) == "gate[west].peak_queue_at_s");
  CHECK(output::kpi_name({line2, Metric::station_peak_hour_both}, sim.places()) == "line[line2].station_peak_hour_both");
  CHECK(output::kpi_name({place_of(sim, "lot[P3]"), Metric::peak_use}, sim.places()) == "lot[P3].peak_use");
  // A day's or a window's indicator carries its scope after an '@': the days, then the events'.
  REQUIRE(sim.scopes().size() > 8);
  CHECK(sim.scopes()[8].kind == observe::Scope::Kind::hour);
  CHECK(output::kpi_name({west, Metric::wait_p95_s, 0}, sim) == "gate[west].wait_p95_s");
  CHECK(output::kpi_name({west, Metric::wait_p95_s, 4}, sim) == "gate[west].wait_p95_s@d4");
  CHECK(output::kpi_name({west, Metric::wait_p95_s, 7}, sim) == "gate[west].wait_p95_s@line17-suspended");
  CHECK(output::kpi_name({west, Metric::wait_p95_s, 8 + 24 + 9}, sim) == "gate[west].wait_p95_s@d2 09:00");
  CHECK_THROWS_AS(output::kpi_name({west, Metric::wait_p95_s, static_cast<std::uint16_t>(sim.scopes().size())}, sim),
                  std::out_of_range);
  // An id of no place has no name.
  const auto beyond = static_cast<std::uint32_t>(sim.places().size());
  CHECK_THROWS_AS(output::kpi_name({beyond, Metric::entries}, sim.places()), std::out_of_range);
  CHECK_THROWS_AS(output::kpi_name({observe::kWholeSite, Metric::entries}, sim.places()), std::out_of_range);
  CHECK_THROWS_AS(output::kpi_name({west, Metric::all_entrances_wait_mean_s}, sim.places()), std::out_of_range);
}

TEST_CASE("Looking up an indicator that a run does not have is an error that names it", "[kpis][outputs]") {
  const scenario::Scenario s = load_or_fail("tests/data/whatif/metro.toml");
  const model::Simulation sim(s);
  ensemble::Settings settings;
  settings.replications = 2;
  settings.threads = 1;
  const output::Ensemble e = output::run_ensemble(sim, settings);
  const std::uint32_t gate = place_of(sim, "gate[main]");
  // An indicator the run has: its mean over the replications.
  const std::vector<double>& entries = e.kpi_values_of({gate, Metric::entries});
  REQUIRE(entries.size() == 2);
  CHECK(entries[0] > 0);
  CHECK(e.kpi({gate, Metric::entries}).mean() == Approx((entries[0] + entries[1]) / 2));
  // An entrance has no platform, and the scenario no taxi stand: errors, named, never 0.
  CHECK_THROWS_WITH(e.kpi({gate, Metric::platform_peak}),
                    Catch::Contains("no indicator 'gate[main].platform_peak' in the results of"));
  CHECK_THROWS_AS(e.kpi({gate, Metric::party_wait_mean_s}), std::out_of_range);
  CHECK_THROWS_AS(e.kpi_values_of({observe::kWholeSite, Metric::entries}), std::out_of_range);
  CHECK_THROWS_AS(output::Ensemble().kpi({gate, Metric::entries}), std::out_of_range);
}
