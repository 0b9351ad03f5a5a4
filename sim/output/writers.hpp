#pragma once
// Output files: summary.json and tidy CSV tables in long format. Each file is written to a
// temporary name in the same folder and renamed into place, so an interrupted run never leaves a
// half-written result.
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "output/ensemble.hpp"

namespace expoflow::output {

// `made_by`: what made the result (its configuration and provenance, cli::MadeBy), recorded after
// the scenario's name and title.
std::string summary_json(const Ensemble& e, const nlohmann::ordered_json& made_by);
std::string counts_csv(const Ensemble& e);
std::string queues_csv(const Ensemble& e);
std::string occupancy_csv(const Ensemble& e);
// series.csv: what the site map's page draws of a run (expoflow view), small enough to keep beside
// the results (no clock or place kind columns): per bin and place, the mean over the replications of the queue, the occupancy, the
// persons served and the waits' median and 95th percentile (over the replications that served
// anyone), each with the half-width of its 95% t-interval (the interval is [max(0, mean - h),
// mean + h]), to three significant digits; empty where zero, the half-width with one replication.
std::string series_csv(const Ensemble& e);

// " --set A=1 --set B=2": the overrides of a scenario as a printed title shows them; "" without any.
std::string overrides_text(const std::vector<std::string>& overrides);

// The comparison table and headline indicators printed at the end of `expoflow run`, under the
// scenario's title followed by `overrides` (" --set demand_scale=1.07").
std::string comparison_table(const Ensemble& e, const std::string& overrides = "");

}  // namespace expoflow::output
