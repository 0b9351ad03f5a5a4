#pragma once
// Helpers shared by the scenario sources; not part of the public API.
#include <string>
#include <string_view>
#include <vector>

#include "scenario/scenario.hpp"

namespace expoflow::scenario::detail {

// Levenshtein distance between two keys.
std::size_t edit_distance(std::string_view a, std::string_view b);
// The candidate nearest to `word` within edit distance 2, or "" when none is that close.
std::string near_miss(std::string_view word, const std::vector<std::string>& candidates);
// A message about a name that names nothing (`message`, "no line 'L99'"), followed by the nearest
// valid name ("; did you mean 'L9'?") and the valid ones: " (valid: L1, L2, ...)", the first 20
// of them, or " (there is none)". `valid` in the order of the scenario.
std::string unknown_name(std::string message, std::string_view name, const std::vector<std::string>& valid);
// "a, b, c and 4 more": the first `shown` of `names`, for messages that must stay readable.
std::string first_names(const std::vector<std::string>& names, std::size_t shown);
// A number as a user wrote it: -8, 0.25, 1e-06.
std::string show_number(double value);

// The [[assumption]] tables of the root, each checked against the merged tree; with
// `check_variants`, each side is also built as a scenario and its first problem reported.
std::vector<AssumptionDef> read_assumptions(Reader& root, const Node& tree, const std::string& file,
                                            bool check_variants);

// The [[target]] and [[lever]] tables of the root (`expoflow plan`), each lever's path checked
// against the merged tree.
std::vector<TargetDef> read_targets(Reader& root);
std::vector<LeverDef> read_levers(Reader& root, const Node& tree);

}  // namespace expoflow::scenario::detail
