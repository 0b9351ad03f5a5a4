#pragma once
// Output files: summary.json and tidy CSV tables in long format. Each file is written to a
// temporary name in the same folder and renamed into place, so an interrupted run never leaves a
// half-written result.
#include <filesystem>
#include <string>

#include "output/ensemble.hpp"

namespace expoflow::output {

std::string summary_json(const Ensemble& e, const std::string& version, const std::string& scenario_hash);
std::string counts_csv(const Ensemble& e);
std::string queues_csv(const Ensemble& e);
std::string occupancy_csv(const Ensemble& e);

// The comparison table and headline indicators printed at the end of `expoflow run`.
std::string comparison_table(const Ensemble& e);

}  // namespace expoflow::output
