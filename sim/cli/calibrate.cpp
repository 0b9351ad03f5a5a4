// `expoflow calibrate`: fit a scenario's free parameters to its observed totals.
#include "cli/commands.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <stdexcept>

#include "calibrate/calibrate.hpp"
#include "cli/common.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;


CLI::App* add_calibrate_command(CLI::App& app, CalibrateOptions& o) {
  auto* c = app.add_subcommand("calibrate", "Fit the scenario's [calibrate] free parameters to its observed totals");
  c->add_option("scenario", o.scenario, "Scenario file (TOML) with [calibrate] and [[observed]] tables")->required();
  c->add_option("--out,-o", o.out, "Calibrated scenario to write (TOML); the report goes beside it as .json")
      ->required();
  c->add_option("--seed", o.seed, "Master random seed of the fit (0..2^64-1)")
      ->capture_default_str()->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  c->add_option("--replications,-r", o.replications,
                "Replications per evaluation (default: the scenario's [calibrate] replications)")
      ->check(CLI::Range(2, 100000));
  add_threads_option(c, o.threads, "Threads (default: all cores); results do not depend on it");
  c->add_option("--max-iterations", o.max_iterations, "Levenberg-Marquardt iterations (default: the scenario's)")
      ->check(CLI::Range(0, 1000));
  c->add_option("--check-replications", o.check_replications,
                "Replications (seed + 1) that compare the start and the fit with the observed totals; 0 = none")
      ->capture_default_str()->check(CLI::Range(0, 100000));
  c->add_flag("--quiet,-q", o.quiet, "No progress lines on stderr");
  c->add_flag("--resume", o.resume, "Reuse the evaluations an interrupted calibration of the same scenario saved");
  return c;
}

int run_calibrate(const CalibrateOptions& o) {
  scenario::Problems problems;
  auto problem = calibrate::prepare(o.scenario, problems);
  if (!problem) {
    std::cerr << problems.report();
    std::cerr << fmt::format("expoflow: {} problem(s) in {}; nothing was calibrated or written\n", problems.size(),
                             o.scenario);
    return kBadInput;
  }
  const fs::path out(o.out);
  const fs::path folder = out.parent_path().empty() ? fs::path(".") : out.parent_path();
  fs::path json_path = out;
  json_path.replace_extension(".json");
  if (const int rc = lock_folder(folder)) return leave(rc, "output folder in use");
  const std::string extends =
      fs::absolute(o.scenario).lexically_normal().lexically_relative(fs::absolute(folder).lexically_normal()).generic_string();

  calibrate::Settings settings;
  settings.seed = o.seed;
  settings.replications = o.replications;
  settings.max_iterations = o.max_iterations;
  settings.threads = o.threads;
  settings.check_replications = o.check_replications;
  settings.progress = o.rank == 0 && !o.quiet ? &std::cerr : nullptr;
  // Evaluations are saved beside the output until the fit completes, so that an interrupted
  // calibration can --resume; under MPI they are shared out among the ranks.
  settings.distribution.rank = o.rank;
  settings.distribution.ranks = o.ranks;
  settings.distribution.combine = o.sum_over_ranks;
  settings.distribution.cache_dir = fs::path(o.out).concat(".evaluations");
  // Saved evaluations belong to the scenario's values and the parameters freed.
  std::string tag = scenario::values_hash(problem->tree);
  for (auto& p : problem->params) tag += "|" + p.path;
  settings.distribution.tag = tag;
  settings.distribution.resume = o.resume;
  {
    // Evaluations run (parameter vectors) x (replications) jobs, each vector near the start.
    scenario::Problems ignored;
    const scenario::Scenario start = scenario::build_scenario(problem->tree, problem->file, ignored);
    const int reps = o.replications > 0 ? o.replications : problem->replications;
    const auto jobs = static_cast<std::uint32_t>((problem->params.size() + 1) * static_cast<std::size_t>(reps));
    if (const int rc = check_resources(Workload{{&start}, jobs, o.threads}))
      return leave(rc, "not enough memory");
  }
  calibrate::Result result;
  try {
    result = calibrate::fit(*problem, settings);
  } catch (const model::Interrupted&) {
    std::cerr << fmt::format("\nexpoflow: calibration interrupted; nothing was written. Evaluations done are kept in {}: "
                             "run again with --resume to go on from them\n", settings.distribution.cache_dir.string());
    return interrupted_exit_code();
  } catch (const std::exception& e) {
    std::cerr << "expoflow: calibration failed: " << e.what() << "\n";
    return 1;
  }
  if (o.rank != 0) return 0;  // rank 0 reports and writes
  const std::string date = now_text("%Y-%m-%d", /*utc=*/false);
  std::cout << calibrate::report_text(*problem, result);
  // The report and the scenario are one result: a failed write leaves an earlier pair as it was.
  const bool written = write_result(folder, [&](const fs::path&) {
    support::write_set_atomically({{json_path, calibrate::report_json(*problem, result, date)},
                                   {out, calibrate::calibrated_scenario(*problem, result, extends, out.stem().string(), date)}});
  });
  if (!written) return 1;
  std::error_code ec;
  fs::remove_all(settings.distribution.cache_dir, ec);  // complete: no longer needed
  std::cout << fmt::format("\nwrote {} and {}\n", out.string(), json_path.string());
  return 0;
}

}  // namespace expoflow::cli
