#pragma once
// `expoflow calibrate`: fit a scenario's free parameters to its observed totals and write the
// calibrated scenario (and the report as JSON beside it).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <vector>
#include <string>

namespace expoflow::cli {

struct CalibrateOptions {
  std::string scenario, out;
  std::uint64_t seed = 1;
  int replications = 0;    // 0 = the scenario's [calibrate] replications
  int max_iterations = 0;  // 0 = the scenario's
  unsigned threads = 0;    // 0 = all cores
  int check_replications = 10;
  bool resume = false;
  bool quiet = false;  // no progress lines
  // Under MPI: this process's rank, the number of ranks, and the sum over ranks.
  int rank = 0, ranks = 1;
  std::function<void(std::vector<double>&)> sum_over_ranks;
};

CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& options);
// Exit code: 0, 1 (a file could not be written, a simulation failed), 2 (bad input).
int run_calibrate(const CalibrateOptions& options);

}  // namespace expoflow::cli
