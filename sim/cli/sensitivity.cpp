// `expoflow sensitivity`: each assumption of a scenario at its low and its high value, one at a
// time, every variant with the base's seed and replication indices; a tornado table per indicator.
#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/windows.hpp"
#include "model/simulation.hpp"
#include "output/sensitivity.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

namespace {

// The indicators asked for, or nothing (reported) if one is not an indicator of the scenario.
std::optional<std::vector<std::string>> chosen_indicators(const std::vector<std::string>& asked,
                                                          const output::Ensemble& base) {
  if (asked.empty()) return output::headline_indicators(base);
  const auto names = output::indicator_names(base);
  bool ok = true;
  for (const auto& a : asked)
    if (std::find(names.begin(), names.end(), a) == names.end()) {
      const auto near = near_names(a, names);
      std::cerr << fmt::format("expoflow: --indicator {}: no such indicator in {}{}\n", a,
                               base.sim->scenario().name,
                               near.empty() ? "" : fmt::format("; near: {}", fmt::join(near, ", ")));
      ok = false;
    }
  if (!ok) return std::nullopt;
  return asked;
}

}  // namespace

CLI::App* add_sensitivity_command(CLI::App& app, SensitivityOptions& o) {
  auto* cmd = app.add_subcommand(
      "sensitivity", "Move each [[assumption]] to its low and high value, one at a time (common random numbers), "
                     "and print a tornado table per indicator");
  cmd->add_option("scenario", o.scenario, "Scenario file (TOML) with [[assumption]] tables")->required();
  cmd->add_option("--indicator", o.indicators,
                  "An indicator to rank the assumptions for (repeat; default: the headline ones and every "
                  "observed total)");
  cmd->add_option("--top", o.top, "Assumptions printed per indicator")->capture_default_str()->check(CLI::PositiveNumber);
  add_ensemble_options(cmd, o.ensemble,
                       {.replications = "Replications (pairs) per variant",
                        .min_replications = 2,
                        .out = "Output folder (default results/<scenario name>-sensitivity)",
                        .threads = "Threads per process (default: all cores)",
                        .set = "Override a value of the base and every variant: PATH=VALUE"},
                       /*force=*/false);
  return cmd;
}

int run_sensitivity(const SensitivityOptions& o) {
  const auto& sets = o.ensemble.sets;
  const bool quiet = o.ensemble.quiet;
  auto base = load_or_report(o.scenario, sets);
  if (!base || !add_windows(*base, o.ensemble.windows)) return leave(kBadInput, "bad scenario");
  if (base->assumptions.empty()) {
    if (cluster().root())
      std::cerr << fmt::format("expoflow: {} has no assumptions to move: declare [[assumption]] tables (path, "
                               "source, optional low, high and label)\n",
                               o.scenario);
    return leave(kBadInput, "no assumptions");
  }
  // Every variant is loaded before any is run: a bad one is found at once.
  std::vector<scenario::Scenario> variants;
  for (const auto& a : base->assumptions)
    for (const auto& side : a.overrides) {
      std::vector<std::string> overrides = sets;
      overrides.insert(overrides.end(), side.begin(), side.end());
      auto v = load_or_report(o.scenario, overrides);
      if (!v || !add_windows(*v, o.ensemble.windows)) return leave(kBadInput, "bad assumption variant");
      variants.push_back(std::move(*v));
    }
  const std::string out_dir =
      o.ensemble.out_dir.empty() ? (fs::path("results") / (base->name + "-sensitivity")).string() : o.ensemble.out_dir;
  const ensemble::Settings& settings = o.ensemble.settings;
  Workload load{{&*base}, settings.replications, settings.threads};
  for (const auto& v : variants) load.scenarios.push_back(&v);
  if (const int rc = check_resources(load)) return leave(rc, "not enough memory");
  const model::Simulation base_sim(*base);
  try {
    const output::Ensemble b = run_with_progress(base_sim, settings, "base", quiet);
    std::optional<output::Tornado> tornado;
    if (cluster().root()) {
      auto indicators = chosen_indicators(o.indicators, b);
      if (!indicators) return leave(kBadInput, "unknown indicator");
      tornado.emplace(b, base->assumptions, std::move(*indicators));
      if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
    }
    // The same seed and replication indices for every variant: common random numbers.
    for (std::size_t i = 0; i < variants.size(); ++i) {
      const auto& a = base->assumptions[i / 2];
      const model::Simulation sim(variants[i]);
      const output::Ensemble v =
          run_with_progress(sim, settings, fmt::format("{} {} ({}/{})", a.label, i % 2 ? "high" : "low", i + 1,
                                                        variants.size()),
                            quiet);
      if (tornado) tornado->add(i / 2, static_cast<int>(i % 2), v);
    }
    if (!tornado) return 0;
    tornado->rank();
    const bool written = write_result(out_dir, [&](const fs::path& dir) {
      support::write_set_atomically({{dir / "sensitivity.csv", output::tornado_csv(*tornado)},
                                     {dir / "sensitivity.json", output::tornado_json(*tornado)}});
    });
    if (!written) return 1;
    std::cout << output::tornado_text(*tornado, o.top);  // --quiet silences progress only
    std::cout << fmt::format("\nwrote {}/sensitivity.csv, sensitivity.json\n", out_dir);
  } catch (const model::Interrupted&) {
    return interrupted("nothing was written");
  }
  return 0;
}

}  // namespace expoflow::cli
