// `expoflow compare`: a base and a variant with common random numbers, compared pair by pair.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <set>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/windows.hpp"
#include "model/simulation.hpp"
#include "output/compare.hpp"
#include "scenario/detail.hpp"
#include "output/compare_bins.hpp"
#include "output/site.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

namespace {

// The files a scenario is made of, its own and those it extends, resolved.
std::set<fs::path> ancestry(const scenario::Scenario& s) {
  std::set<fs::path> files;
  std::error_code ec;
  files.insert(fs::weakly_canonical(s.file, ec));
  for (const auto& f : s.extends) files.insert(fs::weakly_canonical(f, ec));
  return files;
}

// The site a scenario describes: its nodes, walkways, entrances, lines, taxi stands and lots.
std::set<std::string> site(const scenario::Scenario& s) {
  std::set<std::string> ids;
  auto add = [&](const char* kind, const auto& list) {
    for (const auto& x : list) ids.insert(fmt::format("{}[{}]", kind, x.id));
  };
  add("node", s.nodes);
  add("walkway", s.walkways);
  add("gate", s.gates);
  add("line", s.lines);
  add("taxi_stand", s.taxi_stands);
  add("lot", s.lots);
  return ids;
}

// What makes the pairing of BASE and VARIANT doubtful, one warning line each: files that share
// no `extends` ancestry, and sites that differ (naming what is in one and not the other). Pairs
// are still compared by name: a warning, not an error.
std::string kinship_warnings(const scenario::Scenario& base, const scenario::Scenario& variant) {
  std::string out;
  const auto a = ancestry(base), b = ancestry(variant);
  if (std::none_of(a.begin(), a.end(), [&](const fs::path& f) { return b.count(f) > 0; }))
    out += fmt::format("expoflow: warning: {} and {} share no `extends` ancestry: are they the same site?\n",
                       base.file, variant.file);
  const auto sa = site(base), sb = site(variant);
  std::vector<std::string> only_base, only_variant;
  std::set_difference(sa.begin(), sa.end(), sb.begin(), sb.end(), std::back_inserter(only_base));
  std::set_difference(sb.begin(), sb.end(), sa.begin(), sa.end(), std::back_inserter(only_variant));
  if (!only_base.empty() || !only_variant.empty())
    out += fmt::format("expoflow: warning: base and variant describe different sites (only in base: {}; only in "
                       "variant: {}); only what both have is paired\n",
                       only_base.empty() ? "nothing" : scenario::detail::first_names(only_base, 5),
                       only_variant.empty() ? "nothing" : scenario::detail::first_names(only_variant, 5));
  return out;
}

}  // namespace

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
  if (!base || !variant || !add_windows(*base, o.ensemble.windows) || !add_windows(*variant, o.ensemble.windows))
    return leave(kBadInput, "bad scenario");
  if (out_dir.empty()) out_dir = (fs::path("results") / fmt::format("compare-{}-{}", base->name, variant->name)).string();
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  MadeBy made;
  add_scenario_fields(made, "base_", *base, {}, base->hash);
  add_scenario_fields(made, "variant_", *variant, sets, variant->hash);
  add_run_fields(made, settings);
  if (const int rc = check_folder(out_dir, "comparison.json", "a comparison", made, o.ensemble.force))
    return leave(rc, "output folder holds another configuration's results");
  if (const int rc = check_resources(Workload{{&*base, &*variant}, 2 * settings.replications, settings.threads}))
    return leave(rc, "not enough memory");
  if (cluster().root()) std::cerr << kinship_warnings(*base, *variant);
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
  c.variant_overrides = sets;
  c.windows = output::window_changes(run.bins);
  const bool written = write_result(out_dir, [&](const fs::path& dir) {
    support::write_set_atomically({{dir / "comparison.json", output::comparison_json(c, made.json())},
                                   {dir / "comparison.csv", output::comparison_csv(c)},
                                   {dir / "comparison_bins.csv", output::comparison_bins_csv(run)},
                                   {dir / "site.json", output::site_json(base_sim)}});
  });
  if (!written) return 1;
  std::cout << output::comparison_text(c) << output::window_changes_text(c.windows);
  std::cout << fmt::format("\nwrote {}/comparison.json, comparison.csv, comparison_bins.csv, site.json\n", out_dir);
  return 0;
}

}  // namespace expoflow::cli
