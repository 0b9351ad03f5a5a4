#pragma once
// `--window [NAME=]dN HH:MM..dN HH:MM` (run, compare, sweep): spans of time the indicators are also
// computed over, added to a loaded scenario.
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace expoflow::cli {

// Add the windows to `s` (Scenario::windows) and fold them into its hash: a result over other
// windows is another result. An unnamed window is called window1, window2, ... On a malformed
// window, prints what is wrong with it and returns false (the caller exits with code 2).
bool add_windows(scenario::Scenario& s, const std::vector<std::string>& specs);

}  // namespace expoflow::cli
