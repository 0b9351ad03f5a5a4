#pragma once
// Calibration: fit a scenario's free parameters to its observed totals (DESIGN.md).
//
// The fit is a maximum a posteriori estimate. With f(θ) the simulated totals (means over R
// replications), y the observed totals with uncertainties σ, and each parameter's prior p with
// spread s, it minimises
//
//     Σ_i ((f_i(θ) − y_i) / σ_i)²  +  Σ_j ((θ_j − p_j) / s_j)²
//
// by Levenberg–Marquardt within the parameters' bounds. f is a simulation: every evaluation
// uses the same master seed and replication indices (common random numbers), so f is a smooth
// enough function of θ for forward finite differences, and two evaluations differ only by what
// θ changed. The posterior covariance is the Gauss–Newton one, (JᵀWJ + P)⁻¹.
//
// Parameter values enter through the scenario's node tree, by parameter path, exactly as an
// `extends` override or `--set` would; the tree is then built and validated as any scenario.
// A member of a share vector (an inline table of numbers summing to 1) is freed through the
// vector's last member, which takes 1 − the others.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "observe/probes.hpp"
#include "scenario/scenario.hpp"
#include "scenario/document.hpp"

namespace expoflow::calibrate {

// One free parameter, resolved against the scenario's tree.
struct Parameter {
  std::string path;
  double min = 0, max = 0, prior = 0, prior_sd = 0;
  double start = 0;           // the scenario's own value, clamped into the bounds
  std::string residual_path;  // the share vector's last member, when `path` is a share
  int share_group = -1;       // index into Problem::share_groups
  scenario::SourcePos pos;
};

// The members of one share vector: the residual is 1 − the sum of all other members.
using ShareGroup = scenario::ShareVector;

// An observed figure: fitted (an equality, or a bound that weighs only while it is violated) or a
// check, simulated at every evaluation and reported but never fitted.
struct Observation {
  std::string id;
  double value = 0, uncertainty = 0;
  scenario::ObservedDef def;
  // The weight of its residual (1 / uncertainty, or 0) when the simulated mean is f.
  double weight(double f) const;
};

// Everything a fit needs: the scenario's merged tree, its free parameters and observations.
struct Problem {
  std::string file;
  scenario::Node tree;
  std::vector<Parameter> params;
  std::vector<ShareGroup> share_groups;
  std::vector<Observation> observed;
  int replications = 8;
  int max_iterations = 20;
};

// Load a scenario and check it can be calibrated: it builds, it declares free parameters and
// observed totals, every observation's probe matches a place of the simulation, share members
// leave a non-negative residual. Nothing (and problems, each `file:line:col: path: message`) if not.
std::optional<Problem> prepare(const std::string& file, scenario::Problems& problems);

// The tree with parameter values applied (share residuals recomputed); false and a message if
// a residual would be negative.
bool apply(const Problem& problem, const std::vector<double>& theta, scenario::Node& tree,
           std::string* error);

// Simulated totals of several parameter vectors, each over replications 0..reps-1 of `seed`.
// Every (vector, replication) pair is one job of the ensemble runner (ensemble/runner.hpp) on
// `threads` threads (0 = all cores); results are stored by (vector, replication) and do not
// depend on the thread count. result[k][i][r]: vector k, observation i, replication r. Throws
// std::runtime_error when a parameter vector does not make a valid scenario, model::Interrupted
// when a stop was requested.
// How evaluations are shared out and kept. This process runs the jobs j (vector k, replication r:
// j = k * reps + r) with j % ranks == rank, and the runner brings every job's totals to rank 0;
// `combine` then adds the results of every process (the other processes' entries are zero, so the
// sum is exact) so that all hold all and go on in lockstep. With a cache folder each finished
// job's totals are saved, and with `resume` saved ones are reused: an interrupted calibration run
// again gives the same fit.
struct Distribution {
  int rank = 0, ranks = 1;
  std::function<void(std::vector<double>&)> combine;  // sum over processes; null: one process
  std::filesystem::path cache_dir;                     // empty: nothing saved
  std::string tag;                                     // what the cache belongs to (scenario hash)
  bool resume = false;
};

std::vector<std::vector<std::vector<double>>> simulate(const Problem& problem,
                                                        const std::vector<std::vector<double>>& thetas,
                                                        std::uint64_t seed, int reps, unsigned threads,
                                                        const Distribution* distribution = nullptr);

struct Settings {
  std::uint64_t seed = 1;
  int replications = 0;         // per evaluation; 0 = the scenario's [calibrate] replications
  int max_iterations = 0;       // 0 = the scenario's
  unsigned threads = 0;         // 0 = all cores
  std::uint64_t check_seed = 0; // seed of the before/after check; 0 = seed + 1
  int check_replications = 10;  // 0 = no check (before/after left empty)
  std::ostream* progress = nullptr;  // one line per iteration
  Distribution distribution;
};

struct Summary {  // a total over replications: mean and 95% confidence interval of the mean
  double mean = 0, lo = 0, hi = 0;
  int replications = 0;
};

struct ObservedFit {
  std::string id;
  double observed = 0, uncertainty = 0;
  double fit_mean = 0;       // at the fitted values, over the fit's replications
  Summary before, after;     // at the start and fitted values, over the check's replications
  double relative_error = 0; // (after.mean − observed) / observed (fit_mean when no check); a
                             // peak hour's in seconds, a share's in share points
  observe::Assessment assessment;
};

struct ParamFit {
  std::string path, residual_path;
  double prior = 0, prior_sd = 0, min = 0, max = 0, start = 0;
  double fitted = 0, std_error = 0;
  double residual = 0;  // the share vector's residual member at the fitted values
  bool at_bound = false;
};

// A direction of parameter space that the observed totals leave to the prior.
struct Combination {
  double singular_value = 0;      // of the weighted, prior-scaled Jacobian along it
  double sd_ratio = 0;            // posterior sd / prior sd along it (> 0.5)
  std::vector<double> direction;  // in parameter units, unit length, largest entry positive
  std::string description;
};

struct Result {
  std::vector<ObservedFit> observed;
  std::vector<ParamFit> params;
  std::vector<double> singular_values;  // of W^½ J S (S: prior spreads), largest first
  std::vector<Combination> unidentified;
  double objective_start = 0, objective_end = 0, data_term = 0, prior_term = 0;
  int iterations = 0, evaluations = 0, replications = 0;
  std::uint64_t seed = 0, check_seed = 0;
  std::string stop_reason;
  double seconds = 0;
};

// Fit. Throws std::runtime_error when a parameter vector cannot be simulated.
Result fit(const Problem& problem, const Settings& settings);

// Name a direction of parameter space in parameter paths (e.g. "a and b trade off one for one:
// only their sum is determined").
std::string describe_direction(const std::vector<std::string>& paths, const std::vector<double>& direction);

// The printed report, and the same as JSON.
std::string report_text(const Problem& problem, const Result& result);
std::string report_json(const Problem& problem, const Result& result, const std::string& date);

// A scenario file that `extends` the problem's file (as `extends_path`, relative to where the
// output will live) and overrides only the fitted parameters (and residual members), each with
// a comment giving its fitted value, standard error and `date`; its `name` is `name`.
std::string calibrated_scenario(const Problem& problem, const Result& result,
                                const std::string& extends_path, const std::string& name,
                                const std::string& date);

}  // namespace expoflow::calibrate
