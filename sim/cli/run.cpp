// `expoflow run`: a scenario's replications, the comparison with the observed totals, the result files.
#include <filesystem>
#include <fmt/format.h>
#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/simulation.hpp"
#include "cli/windows.hpp"
#include "output/scopes.hpp"
#include "output/site.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

CLI::App* add_run_command(CLI::App& app, RunOptions& o) {
  auto* run = app.add_subcommand("run", "Run a scenario's replications and compare with the observed totals");
  run->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  add_ensemble_options(run, o.ensemble,
                       {.replications = "Number of replications",
                        .min_replications = 1,
                        .out = "Output folder (default results/<scenario name>)",
                        .threads = "Threads (default: all cores); results do not depend on it",
                        .set = "Override a value: PATH=VALUE, e.g. gate[west].lanes_scale=1.25"});
  run->add_flag("--stats", o.stats, "Print events processed, events/s, peak pending events and peak memory");
  run->add_flag("--resume", o.ensemble.settings.resume, "Reuse the replications an interrupted run of the same scenario and seed saved");
  run->add_flag("--by-day", o.by_day, "Print the indicators of every day (by default: the busiest day's)");
  return run;
}

int run_run(const RunOptions& o) {
  const std::string& file = o.scenario;
  const auto& sets = o.ensemble.sets;
  ensemble::Settings settings = o.ensemble.settings;
  std::string out_dir = o.ensemble.out_dir;
  const bool quiet = o.ensemble.quiet, stats = o.stats;
  auto s = load_or_report(file, sets);
  if (!s || !add_windows(*s, o.ensemble.windows)) return leave(kBadInput, "bad scenario");
  if (out_dir.empty()) out_dir = (fs::path("results") / s->name).string();
  const std::string hash = s->hash;
  const model::Simulation sim(*s);
  settings.tag = fmt::format("{}-seed{}", hash, settings.seed);
  settings.replication_dir = fs::path(out_dir) / ".replications" / settings.tag;
  Workload load{{&*s}, settings.replications, settings.threads};
  load.saved_dir = settings.replication_dir;
  load.saved = settings.replications;
  load.layout = &sim;
  if (const int rc = check_resources(load)) return leave(rc, "not enough memory or disk");
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  MadeBy made;
  add_scenario_fields(made, "", *s, sets, hash);
  add_run_fields(made, settings);
  if (const int rc = check_folder(out_dir, "summary.json", "a run", made, o.ensemble.force))
    return leave(rc, "output folder holds another configuration's results");
  Progress progress("replications", quiet);
  settings.progress = std::ref(progress);
  const auto t0 = std::chrono::steady_clock::now();
  output::Ensemble e;
  try {
    e = output::run_ensemble(sim, settings);
  } catch (const model::Interrupted&) {
    return interrupted(fmt::format("no result was written. Finished replications are kept in {}: run again with "
                                   "--resume to go on from them", settings.replication_dir.string()));
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!cluster().root()) return 0;  // rank 0 writes
  if (!quiet && e.resumed)
    std::cerr << fmt::format("resumed {} replication(s) from {}\n", e.resumed, settings.replication_dir.string());
  const bool written = write_result(out_dir, [&](const fs::path& dir) {
    support::write_set_atomically({{dir / "summary.json", output::summary_json(e, made.json())},
                                   {dir / "counts.csv", output::counts_csv(e)},
                                   {dir / "queues.csv", output::queues_csv(e)},
                                   {dir / "occupancy.csv", output::occupancy_csv(e)},
                                   {dir / "kpis.csv", output::kpis_csv(e)},
                                   {dir / "headroom.csv", output::headroom_csv(e)},
                                   {dir / "series.csv", output::series_csv(e)},
                                   {dir / "site.json", output::site_json(sim)}});
    // Complete: the saved replications are no longer needed.
    std::error_code ec;
    fs::remove_all(dir / ".replications", ec);
  });
  if (!written) return 1;
  // --quiet silences progress only: the results are what was asked for.
  std::cout << output::comparison_table(e, output::overrides_text(sets));
  std::cout << output::scope_tables(e, o.by_day);
  std::cout << output::headroom_table(e, 12);
  std::cout << fmt::format("\nwrote {}/summary.json, kpis.csv, headroom.csv, counts.csv, queues.csv, occupancy.csv, series.csv, site.json\n",
                           out_dir);
  if (stats) {
    std::cerr << fmt::format("events {} in {:.3f} s ({:.3g} events/s), peak pending events {}, {} thread(s), peak "
                             "memory {} MB\n",
                             e.events, wall, static_cast<double>(e.events) / wall, e.peak_pending,
                             useful_threads(settings.threads, settings.replications), peak_rss_kb() / 1024);
  }
  return 0;
}

}  // namespace expoflow::cli
