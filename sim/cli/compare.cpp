// `expoflow compare`: a base and a variant with common random numbers, compared pair by pair.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/simulation.hpp"
#include "output/compare.hpp"
#include "output/compare_bins.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

CLI::App* add_compare_command(CLI::App& app, CompareOptions& o) {
  auto* compare = app.add_subcommand("compare", "Run two scenarios with common random numbers and compare them pair by pair");
  compare->add_option("base", o.base, "Base scenario")->required();
  compare->add_option("variant", o.variant, "Variant scenario")->required();
  add_ensemble_options(compare, o.ensemble,
                       {.replications = "Replications (pairs)",
                        .min_replications = 2,
                        .out = "Output folder (default results/compare-<base>-<variant>)",
                        .threads = "Threads (default: all cores)",
                        .set = "Override a value of the variant: PATH=VALUE"});
  return compare;
}

int run_compare(const CompareOptions& o) {
  const std::string& base_file = o.base;
  const std::string& variant_file = o.variant;
  const auto& sets = o.ensemble.sets;
  ensemble::Settings settings = o.ensemble.settings;
  std::string out_dir = o.ensemble.out_dir;
  const bool quiet = o.ensemble.quiet;
  auto base = load_or_report(base_file, {});
  auto variant = load_or_report(variant_file, sets);
  if (!base || !variant) return leave(kBadInput, "bad scenario");
  if (out_dir.empty()) out_dir = (fs::path("results") / fmt::format("compare-{}-{}", base->name, variant->name)).string();
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  const model::Simulation base_sim(*base), variant_sim(*variant);
  // The same seed and replication indices for both, run pair by pair: common random numbers, and
  // each pair's per-bin differences folded as it comes.
  Progress progress("base and variant", quiet);
  settings.progress = std::ref(progress);
  output::ComparedRun run;
  try {
    run = output::run_compared(base_sim, variant_sim, settings);
  } catch (const model::Interrupted&) {
    return interrupted("nothing was written");
  }
  if (!cluster().root()) return 0;
  output::Comparison c = output::compare(run.base, run.variant);
  c.windows = output::window_changes(run.bins);
  const bool written = write_result(out_dir, [&](const fs::path& dir) {
    support::write_atomically(dir / "comparison.json", output::comparison_json(c));
    support::write_atomically(dir / "comparison.csv", output::comparison_csv(c));
    support::write_atomically(dir / "comparison_bins.csv", output::comparison_bins_csv(run));
  });
  if (!written) return 1;
  if (!quiet) {
    std::cout << output::comparison_text(c) << output::window_changes_text(c.windows);
    std::cout << fmt::format("\nwrote {}/comparison.json, comparison.csv, comparison_bins.csv\n", out_dir);
  }
  return 0;
}

}  // namespace expoflow::cli
