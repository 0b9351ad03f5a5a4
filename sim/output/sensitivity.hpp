#pragma once
// One-at-a-time sensitivity of a scenario's indicators to its assumptions ([[assumption]]), under
// common random numbers: the base and each assumption at its low and at its high value are run
// with the same seed and replication indices, so each replication's difference (variant - base)
// shows what the assumption did, not noise. Per indicator, the assumptions are ranked by the
// larger of |mean difference at low| and |mean difference at high|: a tornado.
#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "output/ensemble.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::output {

// The headline indicators of a base ensemble: the wait p95 of all entrances, each metro line's
// platform peak and denied boardings, each taxi stand's party wait p95, then every observed
// total of the scenario.
std::vector<std::string> headline_indicators(const Ensemble& base);
// Every indicator name of the ensemble (observed totals, then KPIs).
std::vector<std::string> indicator_names(const Ensemble& base);

struct TornadoBar {
  std::size_t assumption = 0;  // index into Tornado::assumptions
  std::array<Tally, 2> diff;   // [low, high]: variant - base, over the paired replications
  double effect = 0;           // max |mean difference| of the two sides
};

struct TornadoIndicator {
  std::string name;
  double base_mean = 0;
  std::vector<TornadoBar> bars;  // ranked once rank() ran: largest effect first
};

class Tornado {
 public:
  Tornado(const Ensemble& base, std::vector<scenario::AssumptionDef> assumptions, std::vector<std::string> indicators);
  // Fold in assumption k's low (side 0) or high (side 1) variant, run with the base's settings.
  void add(std::size_t k, int side, const Ensemble& variant);
  // Order every indicator's bars by effect (ties keep the scenario's order of assumptions).
  void rank();

  std::string scenario;
  ensemble::Settings settings;
  std::vector<scenario::AssumptionDef> assumptions;
  std::vector<TornadoIndicator> indicators;

 private:
  const Ensemble* base_;
};

// The table as printed: per indicator, its base mean and its `top` largest bars.
std::string tornado_text(const Tornado& t, std::size_t top);
// Tidy: indicator, assumption, label, side, value, base_mean, diff_mean, ci95_lo, ci95_hi, rank.
std::string tornado_csv(const Tornado& t);
std::string tornado_json(const Tornado& t);

}  // namespace expoflow::output
