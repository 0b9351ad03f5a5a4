#pragma once
// The commands of `expoflow`, one file each (cli/<command>.cpp): the options a command takes, the
// function that adds it to the command line, and the function that runs it and returns the exit
// code (0; 1 a file could not be written or a simulation failed; 2 bad input; 128 + signal when
// interrupted).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "cli/common.hpp"

namespace expoflow::cli {

struct RunOptions {
  std::string scenario;
  EnsembleOptions ensemble;
  bool stats = false, by_day = false;
};
CLI::App* add_run_command(CLI::App& app, RunOptions& o);
int run_run(const RunOptions& o);

struct CompareOptions {
  std::string base, variant;
  EnsembleOptions ensemble;
};
CLI::App* add_compare_command(CLI::App& app, CompareOptions& o);
int run_compare(const CompareOptions& o);

struct SweepOptions {
  std::string scenario;
  std::vector<std::string> params;
  EnsembleOptions ensemble;
};
CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o);
int run_sweep(const SweepOptions& o);

// `expoflow sensitivity`: each [[assumption]] of a scenario at its low and high value, one at a
// time, with common random numbers; a tornado table per indicator.
struct SensitivityOptions {
  std::string scenario;
  std::vector<std::string> indicators;  // empty: the headline ones
  std::size_t top = 5;
  EnsembleOptions ensemble;
};
CLI::App* add_sensitivity_command(CLI::App& app, SensitivityOptions& o);
int run_sensitivity(const SensitivityOptions& o);

// `expoflow plan`: the cheapest setting of a scenario's [[lever]]s that meets its [[target]]s, each
// at its confidence, verified on fresh seeds.
struct PlanOptions {
  std::string scenario;
  EnsembleOptions ensemble;  // its replications: the first batch of a candidate (R0)
  std::uint32_t max_replications = 100;    // RMAX: batches are added up to this
  std::uint32_t verify_replications = 30;  // the verification's fixed size, on fresh seeds
  std::vector<std::string> targets;        // --target: [[target]]s given on the command line
  double delta = 0.02;                     // indifference zone, as a share of each target's bound
  bool stress = false;                     // --stress: breaking points instead of a plan
};
CLI::App* add_plan_command(CLI::App& app, PlanOptions& o);
int run_plan(const PlanOptions& o);

struct ValidateOptions {
  std::string scenario;
  std::vector<std::string> sets;
  bool print = false;
};
CLI::App* add_validate_command(CLI::App& app, ValidateOptions& o);
int run_validate(const ValidateOptions& o);

struct GraphOptions {
  std::string scenario, out;
  std::vector<std::string> sets;
};
CLI::App* add_graph_command(CLI::App& app, GraphOptions& o);
int run_graph(const GraphOptions& o);

// `expoflow view`: a results folder's page with the site map (RESULTS/view/index.html).
struct ViewOptions {
  std::string results, out;
};
CLI::App* add_view_command(CLI::App& app, ViewOptions& o);
int run_view(const ViewOptions& o);

// `expoflow calibrate`: fit a scenario's free parameters to its observed totals and write the
// calibrated scenario (and the report as JSON beside it).
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

CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& o);
int run_calibrate(const CalibrateOptions& o);

}  // namespace expoflow::cli
