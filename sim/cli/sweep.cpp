// `expoflow sweep`: a grid of variants with common random numbers, one tidy table.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/windows.hpp"
#include "model/simulation.hpp"
#include "output/kpi_names.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

namespace {

// Split "PATH=v1,v2,..." into the path and its values.
std::optional<std::pair<std::string, std::vector<std::string>>> parse_sweep_param(const std::string& p) {
  const auto eq = p.find('=');
  if (eq == std::string::npos || eq == 0) return std::nullopt;
  std::vector<std::string> values;
  std::string v;
  std::istringstream in(p.substr(eq + 1));
  while (std::getline(in, v, ','))
    if (!v.empty()) values.push_back(v);
  if (values.empty()) return std::nullopt;
  return std::make_pair(p.substr(0, eq), values);
}

// sweep.json, beside sweep.csv: what made the sweep, and its variants' values in the order of the
// table's rows (the scenario hashes are in the same order).
std::string sweep_json(const scenario::Scenario& s, const MadeBy& made,
                       const std::vector<std::vector<std::string>>& variants) {
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["title"] = s.title;
  const nlohmann::ordered_json recorded = made.json();
  for (const auto& [key, value] : recorded.items()) j[key] = value;
  j["variants"] = variants;
  return j.dump(2) + "\n";
}

}  // namespace

CLI::App* add_sweep_command(CLI::App& app, SweepOptions& o) {
  auto* sweep = app.add_subcommand("sweep", "Run a grid of variants (common random numbers) and write one tidy table");
  sweep->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  sweep->add_option("--param", o.params, "PATH=v1,v2,... (repeat for a grid)")->required();
  add_ensemble_options(sweep, o.ensemble,
                       {.replications = "Replications per variant",
                        .min_replications = 1,
                        .out = "Output folder (default results/<scenario name>-sweep)",
                        .threads = "Threads per process (default: all cores)",
                        .set = "Override a value of every variant: PATH=VALUE"});
  return sweep;
}

int run_sweep(const SweepOptions& o) {
  const std::string& file = o.scenario;
  const auto& sets = o.ensemble.sets;
  const auto& params = o.params;
  ensemble::Settings settings = o.ensemble.settings;
  std::string out_dir = o.ensemble.out_dir;
  const bool quiet = o.ensemble.quiet;  // progress only: the table is printed all the same
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;
  for (auto& p : params) {
    auto g = parse_sweep_param(p);
    if (!g) {
      if (cluster().root()) std::cerr << fmt::format("expoflow: --param {}: write PATH=v1,v2,...\n", p);
      return leave(kBadInput, "bad --param");
    }
    grid.push_back(*g);
  }
  // Every combination, the first parameter varying slowest.
  std::vector<std::vector<std::string>> variants{{}};
  for (auto& [path, values] : grid) {
    std::vector<std::vector<std::string>> next;
    for (auto& v : variants)
      for (auto& x : values) {
        next.push_back(v);
        next.back().push_back(x);
      }
    variants = std::move(next);
  }
  // Load every variant before running any: bad values are found at once.
  std::vector<scenario::Scenario> scenarios;
  nlohmann::ordered_json hashes = nlohmann::ordered_json::array();
  for (auto& v : variants) {
    std::vector<std::string> point;
    for (std::size_t i = 0; i < grid.size(); ++i) point.push_back(grid[i].first + "=" + v[i]);
    auto s = load_or_report(file, sets, point);
    if (!s || !add_windows(*s, o.ensemble.windows)) return leave(kBadInput, "bad sweep variant");
    hashes.push_back(s->hash);
    scenarios.push_back(std::move(*s));
  }
  if (out_dir.empty()) out_dir = (fs::path("results") / (scenarios.front().name + "-sweep")).string();
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  MadeBy made;
  add_scenario_fields(made, "", scenarios.front(), sets, hashes);
  made.configuration.push_back({"params", "--param", params});
  add_run_fields(made, settings);
  if (const int rc = check_folder(out_dir, "sweep.json", "a sweep", made, o.ensemble.force))
    return leave(rc, "output folder holds another configuration's results");
  Workload load{{}, settings.replications, settings.threads};
  for (const auto& s : scenarios) load.scenarios.push_back(&s);
  if (const int rc = check_resources(load)) return leave(rc, "not enough memory");
  std::string csv = "";
  for (auto& [path, values] : grid) csv += path + ",";
  csv += "indicator,mean,ci95_lo,ci95_hi\n";
  std::vector<std::vector<double>> headline;  // per variant: entries, mean entrance wait, p95, taxi wait
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const model::Simulation sim(scenarios[k]);
    output::Ensemble e;
    try {
      // The same seed for all: common random numbers.
      e = run_with_progress(sim, settings, fmt::format("variant {}/{}", k + 1, scenarios.size()), quiet);
    } catch (const model::Interrupted&) {
      return interrupted("nothing was written");
    }
    if (!cluster().root()) continue;
    std::string prefix;
    for (auto& x : variants[k]) prefix += x + ",";
    auto row = [&](const std::string& name, const Tally& t) {
      // Totals and indicators cannot be negative; one replication gives no interval (empty ends).
      const Interval ci = nonnegative_interval95(t);
      if (ci.exists) csv += fmt::format("{}{},{:.10g},{:.10g},{:.10g}\n", prefix, name, ci.mean, ci.lo, ci.hi);
      else csv += fmt::format("{}{},{:.10g},,\n", prefix, name, ci.mean);
    };
    for (std::size_t i = 0; i < e.observed.size(); ++i) row(scenarios[k].observed[i].id, e.observed[i]);
    // The headline columns: entrance waits, the first taxi stand's party wait, and the denied
    // boardings of every line together.
    using observe::Metric;
    std::vector<double> h(4, 0.0);
    h[0] = e.kpi({observe::kWholeSite, Metric::all_entrances_wait_mean_s}).mean();
    h[1] = e.kpi({observe::kWholeSite, Metric::all_entrances_wait_p95_s}).mean();
    bool taxi_seen = false;
    for (auto& [id, t] : e.kpis) {
      if (sim.scopes()[id.scope].kind == observe::Scope::Kind::hour) continue;  // in a run's kpis.csv
      row(output::kpi_name(id, sim), t);
      if (id.scope != 0) continue;  // the headline is of the whole run
      if (!taxi_seen && id.metric == Metric::party_wait_mean_s) {
        h[2] = t.mean();
        taxi_seen = true;
      }
      if (id.metric == Metric::denied_boardings) h[3] += t.mean();
    }
    headline.push_back(h);
  }
  if (!cluster().root()) return 0;
  if (!write_result(out_dir, [&](const fs::path& dir) {
        support::write_set_atomically(
            {{dir / "sweep.csv", csv}, {dir / "sweep.json", sweep_json(scenarios.front(), made, variants)}});
      }))
    return 1;
  std::string head;
  for (auto& [path, values] : grid) head += fmt::format("{:>28} ", path);
  std::cout << "\n" << head
            << fmt::format("{:>16} {:>16} {:>16} {:>10}\n", "entrance wait", "entrance wait", "taxi party", "denied");
  std::cout << std::string(head.size(), ' ')
            << fmt::format("{:>16} {:>16} {:>16} {:>10}\n", "mean (min)", "p95 (min)", "wait (min)", "boardings");
  for (std::size_t k = 0; k < variants.size(); ++k) {
    std::string line;
    for (auto& x : variants[k]) line += fmt::format("{:>28} ", x);
    const auto& h = headline[k];
    std::cout << line << fmt::format("{:>16.1f} {:>16.1f} {:>16.1f} {:>10.0f}\n", h[0] / 60, h[1] / 60, h[2] / 60, h[3]);
  }
  std::cout << fmt::format("\nwrote {}/sweep.csv ({} variants x {} replications, every indicator), sweep.json\n", out_dir,
                           variants.size(), settings.replications);
  return 0;
}

}  // namespace expoflow::cli
