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

// " --set A=1 --set B=2": the overrides of a scenario as a printed title shows them; "" without any.
std::string overrides_text(const std::vector<std::string>& overrides);

// The comparison table and headline indicators printed at the end of `expoflow run`, under the
// scenario's title followed by `overrides` (" --set demand_scale=1.07").
std::string comparison_table(const Ensemble& e, const std::string& overrides = "");

}  // namespace expoflow::output
