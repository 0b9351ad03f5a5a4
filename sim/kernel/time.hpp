#pragma once
#include <cmath>
// Simulated time: seconds since the scenario's start (day 1, 00:00 local time), as a double.
// One type for the whole engine; days and clock times are converted only at the edges (scenario
// files and outputs).
namespace expoflow {
using Time = double;
inline constexpr Time kSecondsPerHour = 3600.0;
inline constexpr Time kSecondsPerDay = 86400.0;

// The clock time of a moment (seconds since its day's midnight), and that midnight.
inline Time clock_of(Time t) { return std::fmod(t, kSecondsPerDay); }
inline Time day_start(Time t) { return std::floor(t / kSecondsPerDay) * kSecondsPerDay; }
}  // namespace expoflow
