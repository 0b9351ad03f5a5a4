#include "output/kpi_names.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <stdexcept>

#include "model/simulation.hpp"

namespace expoflow::output {

namespace {

using observe::Metric;

// By metric: what follows the place's id in the name, or the whole name of a whole-site metric.
struct MetricName {
  bool whole_site;
  const char* text;
};
constexpr std::array<MetricName, observe::kNumMetrics> kMetricNames = {{
    {false, ".entries"},
    {false, ".peak_queue"},
    {false, ".wait_mean_s"},
    {false, ".wait_p95_s"},
    {false, ".turned_away"},
    {false, ".boardings"},
    {false, ".denied_boardings"},
    {false, ".platform_peak"},
    {false, ".platform_wait_p95_s"},
    {false, ".fare_gates_in_wait_p95_s"},
    {false, ".max_load_ratio"},
    {false, ".departures"},
    {false, ".party_wait_mean_s"},
    {false, ".party_wait_p95_s"},
    {false, ".peak_parties_waiting"},
    {false, ".cab_wait_mean_s"},
    {false, ".peak_cabs_waiting"},
    {false, ".peak_occupancy"},
    {true, "walkways.max_peak_density"},
    {true, "entrances.wait_mean_s"},
    {true, "entrances.wait_p95_s"},
    {false, "_persons"},
    {false, ".activations"},
    {false, ".active_min"},
    {false, ".balked_persons"},
    {false, ".reneged_persons"},
    {false, ".peak_queue_at_s"},
    {false, ".platform_peak_at_s"},
    {false, ".peak_parties_waiting_at_s"},
    {false, ".peak_occupancy_at_s"},
    {false, ".fare_gates_in_peak_queue"},
    {false, ".fare_gates_out_peak_queue"},
    {false, ".station_peak_hour_in"},
    {false, ".station_peak_hour_in_at_s"},
    {false, ".station_peak_hour_out"},
    {false, ".station_peak_hour_out_at_s"},
    {false, ".station_peak_hour_both"},
    {false, ".station_peak_hour_both_at_s"},
    {false, ".peak_density"},
    {false, ".peak_density_at_s"},
    {false, ".peak_use"},
    {false, ".peak_use_at_s"},
    {false, ".persons"},
    {false, ".fare_gates_in_passes"},
    {false, ".fare_gates_out_passes"},
}};
static_assert(std::all_of(kMetricNames.begin(), kMetricNames.end(), [](const MetricName& n) { return n.text != nullptr; }),
              "a name for every metric");

}  // namespace

std::string kpi_name(observe::KpiId id, const std::vector<observe::Place>& places) {
  const auto m = static_cast<std::size_t>(id.metric);
  if (m >= kMetricNames.size()) throw std::out_of_range(fmt::format("no KPI metric {}", m));
  const MetricName& n = kMetricNames[m];
  if (n.whole_site != (id.place == observe::kWholeSite) || (!n.whole_site && id.place >= places.size()))
    throw std::out_of_range(fmt::format("no KPI of place {} and metric {}", id.place, m));
  return n.whole_site ? std::string(n.text) : places[id.place].id + n.text;
}

std::string kpi_name(observe::KpiId id, const model::Simulation& sim) {
  const std::string name = kpi_name(id, sim.places());
  if (id.scope == 0) return name;
  if (id.scope >= sim.scopes().size()) throw std::out_of_range(fmt::format("no scope {} of KPIs", id.scope));
  return name + "@" + sim.scopes()[id.scope].name;
}

std::string describe_kpi(observe::KpiId id, const std::vector<observe::Place>& places) {
  try {
    return "'" + kpi_name(id, places) + "'";
  } catch (const std::out_of_range&) {
    return fmt::format("of place {} and metric {}", id.place, static_cast<int>(id.metric));
  }
}

}  // namespace expoflow::output
