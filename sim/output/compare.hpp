#pragma once
// Paired comparison of two scenarios under common random numbers: both are run with the same
// seed and replication indices, so every party that exists in both draws the same numbers, and
// the difference of a replication pair shows the effect of the change, not noise.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "output/compare_bins.hpp"
#include "output/ensemble.hpp"

namespace expoflow::output {

struct ComparedValue {
  std::string name;  // observed total id, or KPI name
  bool observed = false;
  // An observation's statistic: a peak hour (seconds since midnight) prints as a clock time and
  // its difference in minutes, a share in percent; the CSV and JSON keep the raw values.
  scenario::Statistic statistic = scenario::Statistic::total;
  // An indicator of one day: in the CSV and JSON, not printed (the run's and the windows' are).
  bool of_a_day = false;
  Tally base, variant, diff;  // over replications; diff is variant - base, pair by pair
  double diff_sum = 0, diff_sum_sq = 0;  // sums over the pairs of the difference and its square
  // Variance of the difference of means with independent random numbers (base var + variant
  // var) over the paired one: how much sharper the common random numbers made the comparison.
  double variance_reduction() const;
  bool significant() const;  // the 95% interval of the mean difference excludes zero
};

struct Comparison {
  std::string base_name, variant_name;
  std::vector<std::string> variant_overrides;  // --set PATH=VALUE of the variant, as given
  ensemble::Settings settings;
  std::vector<ComparedValue> values;  // observed totals first, then KPIs present in both
  std::vector<WindowChanges> windows;  // the variant's event windows and what changed most in each
};

Comparison compare(const Ensemble& base, const Ensemble& variant);

std::string comparison_text(const Comparison& c);
// `made_by`: what made the comparison (cli::MadeBy), recorded after the two scenarios' names.
std::string comparison_json(const Comparison& c, const nlohmann::ordered_json& made_by);
std::string comparison_csv(const Comparison& c);

}  // namespace expoflow::output
