// expoflow: the command line.
#include <CLI/CLI.hpp>
#include <csignal>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <nlohmann/json.hpp>
#include <optional>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/calibrate_cmd.hpp"
#include "scenario/scenario.hpp"
#include "model/simulation.hpp"
#include "cli/cluster.hpp"
#include "output/compare.hpp"
#include "output/ensemble.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace fs = std::filesystem;
using namespace expoflow;

namespace {

constexpr int kBadInput = 2;

// This process's place among MPI ranks (one rank without mpirun). Only rank 0 prints and writes.
cli::Cluster g_cluster;

// Leave with `code`; under MPI a failure on any rank stops every rank.
int leave(int code, const std::string& why) {
  if (g_cluster.size > 1 && code != 0) cli::cluster_fail(g_cluster, why, code);
  return code;
}

// SIGINT / SIGTERM: ask the replications to stop (they notice within a few thousand events); the
// command then reports, cleans up and exits 128 + signal, leaving earlier results untouched.
volatile std::sig_atomic_t g_signal = 0;
extern "C" void on_signal(int sig) {
  g_signal = sig;
  model::request_stop();
}
void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}
int interrupted_exit_code() { return 128 + (g_signal ? g_signal : SIGINT); }

// Progress of long ensembles on stderr: a bar when stderr is a terminal, a line per step otherwise.
class Progress {
 public:
  Progress(std::string what, bool quiet) : what_(std::move(what)), quiet_(quiet), tty_(isatty(2)),
                                           start_(std::chrono::steady_clock::now()) {}
  void operator()(std::uint32_t done, std::uint32_t total) {
    if (quiet_) return;
    const double el = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double left = done ? el / done * (total - done) : 0;
    if (tty_) {
      const int width = 30, fill = static_cast<int>(width * done / std::max<std::uint32_t>(total, 1));
      std::cerr << fmt::format("\r{} [{}{}] {}/{}  {} elapsed, ~{} left ", what_, std::string(fill, '='),
                               std::string(width - fill, ' '), done, total, mmss(el), mmss(left));
      if (done == total) std::cerr << "\n";
    } else {
      std::cerr << fmt::format("{}: {}/{} done, {} elapsed, ~{} left\n", what_, done, total, mmss(el), mmss(left));
    }
  }

 private:
  static std::string mmss(double s) {
    const auto t = static_cast<long>(s + 0.5);
    return fmt::format("{:02}:{:02}", t / 60, t % 60);
  }
  std::string what_;
  bool quiet_, tty_;
  std::chrono::steady_clock::time_point start_;
};

std::optional<scenario::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets) {
  scenario::Problems problems;
  auto s = scenario::load_scenario(file, sets, problems);
  if (!s && g_cluster.root()) {
    std::cerr << problems.report();
    std::cerr << fmt::format("expoflow: {} problem(s) in {}; nothing was run or written\n", problems.size(), file);
  }
  return s;
}


long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

// The hash recorded by a summary.json in `dir`, if there is one.
std::optional<std::string> recorded_hash(const fs::path& dir) {
  std::ifstream in(dir / "summary.json");
  if (!in) return std::nullopt;
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded() || !j.contains("scenario_hash") || !j["scenario_hash"].is_string()) return std::string("unknown");
  return j["scenario_hash"].get<std::string>();
}

int cmd_run(const std::string& file, const std::vector<std::string>& sets, output::RunSettings settings,
            std::string out_dir, bool quiet, bool stats, bool force) {
  auto s = load_or_report(file, sets);
  if (!s) return leave(kBadInput, "bad scenario");
  if (out_dir.empty()) out_dir = (fs::path("results") / s->name).string();
  const std::string hash = s->hash;
  if (auto other = recorded_hash(out_dir); other && *other != hash && !force) {
    if (g_cluster.root())
      std::cerr << fmt::format("expoflow: {} holds the results of another scenario (hash {}, this one {}); "
                               "choose another --out, or --force to replace them\n", out_dir, *other, hash);
    return leave(kBadInput, "output folder holds another scenario's results");
  }
  const model::Simulation sim(*s);
  settings.tag = fmt::format("{}-seed{}", hash, settings.seed);
  settings.replication_dir = fs::path(out_dir) / ".replications" / settings.tag;
  Progress progress("replications", quiet);
  settings.progress = std::ref(progress);
  const auto t0 = std::chrono::steady_clock::now();
  output::Ensemble e;
  try {
    e = cli::cluster_ensemble(g_cluster, sim, settings);
  } catch (const model::Interrupted&) {
    if (g_cluster.size > 1) cli::cluster_fail(g_cluster, "interrupted", interrupted_exit_code());
    std::cerr << fmt::format("\nexpoflow: interrupted; no result was written. Finished replications are kept in {}: "
                             "run again with --resume to go on from them\n", settings.replication_dir.string());
    return interrupted_exit_code();
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (!g_cluster.root()) return 0;  // rank 0 writes
  if (!quiet && e.resumed)
    std::cerr << fmt::format("resumed {} replication(s) from {}\n", e.resumed, settings.replication_dir.string());
  const std::string hash_input = hash;
  try {
    fs::create_directories(out_dir);
    const fs::path dir(out_dir);
    support::write_atomically(dir / "summary.json", output::summary_json(e, EXPOFLOW_VERSION, hash_input));
    support::write_atomically(dir / "counts.csv", output::counts_csv(e));
    support::write_atomically(dir / "queues.csv", output::queues_csv(e));
    support::write_atomically(dir / "occupancy.csv", output::occupancy_csv(e));
    // Complete: the saved replications are no longer needed.
    std::error_code ec;
    fs::remove_all(dir / ".replications", ec);
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  if (!quiet) {
    std::cout << output::comparison_table(e);
    std::cout << fmt::format("\nwrote {}/summary.json, counts.csv, queues.csv, occupancy.csv\n", out_dir);
  }
  if (stats) {
    std::cerr << fmt::format("events {} in {:.3f} s ({:.3g} events/s), peak pending events {}, peak memory {} MB\n",
                             e.events, wall, static_cast<double>(e.events) / wall, e.peak_pending,
                             peak_rss_kb() / 1024);
  }
  return 0;
}

int cmd_compare(const std::string& base_file, const std::string& variant_file, const std::vector<std::string>& sets,
                output::RunSettings settings, std::string out_dir, bool quiet) {
  auto base = load_or_report(base_file, {});
  auto variant = load_or_report(variant_file, sets);
  if (!base || !variant) return leave(kBadInput, "bad scenario");
  const model::Simulation base_sim(*base), variant_sim(*variant);
  // The same seed and replication indices for both: common random numbers, pair by pair.
  Progress base_progress("base", quiet), variant_progress("variant", quiet);
  output::Ensemble b, v;
  try {
    settings.progress = std::ref(base_progress);
    b = cli::cluster_ensemble(g_cluster, base_sim, settings);
    settings.progress = std::ref(variant_progress);
    v = cli::cluster_ensemble(g_cluster, variant_sim, settings);
  } catch (const model::Interrupted&) {
    if (g_cluster.size > 1) cli::cluster_fail(g_cluster, "interrupted", interrupted_exit_code());
    std::cerr << "\nexpoflow: interrupted; nothing was written\n";
    return interrupted_exit_code();
  }
  if (!g_cluster.root()) return 0;
  const output::Comparison c = output::compare(b, v);
  if (out_dir.empty()) out_dir = (fs::path("results") / fmt::format("compare-{}-{}", base->name, variant->name)).string();
  try {
    fs::create_directories(out_dir);
    support::write_atomically(fs::path(out_dir) / "comparison.json", output::comparison_json(c));
    support::write_atomically(fs::path(out_dir) / "comparison.csv", output::comparison_csv(c));
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  if (!quiet) {
    std::cout << output::comparison_text(c);
    std::cout << fmt::format("\nwrote {}/comparison.json, comparison.csv\n", out_dir);
  }
  return 0;
}

// One line per value of the merged scenario: its parameter path, the value, and the file and line
// it came from (which file of an extends chain, or --set).

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

int cmd_sweep(const std::string& file, const std::vector<std::string>& sets, const std::vector<std::string>& params,
              output::RunSettings settings, std::string out_dir, bool quiet) {
  std::vector<std::pair<std::string, std::vector<std::string>>> grid;
  for (auto& p : params) {
    auto g = parse_sweep_param(p);
    if (!g) {
      if (g_cluster.root()) std::cerr << fmt::format("expoflow: --param {}: write PATH=v1,v2,...\n", p);
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
  for (auto& v : variants) {
    std::vector<std::string> overrides = sets;
    for (std::size_t i = 0; i < grid.size(); ++i) overrides.push_back(grid[i].first + "=" + v[i]);
    auto s = load_or_report(file, overrides);
    if (!s) return leave(kBadInput, "bad sweep variant");
    scenarios.push_back(std::move(*s));
  }
  if (out_dir.empty()) out_dir = (fs::path("results") / (scenarios.front().name + "-sweep")).string();
  std::string csv = "";
  for (auto& [path, values] : grid) csv += path + ",";
  csv += "indicator,mean,ci95_lo,ci95_hi\n";
  std::vector<std::vector<double>> headline;  // per variant: entries, mean entrance wait, p95, taxi wait
  for (std::size_t k = 0; k < scenarios.size(); ++k) {
    const model::Simulation sim(scenarios[k]);
    Progress progress(fmt::format("variant {}/{}", k + 1, scenarios.size()), quiet);
    settings.progress = std::ref(progress);
    output::Ensemble e;
    try {
      e = cli::cluster_ensemble(g_cluster, sim, settings);  // the same seed for all: common random numbers
    } catch (const model::Interrupted&) {
      if (g_cluster.size > 1) cli::cluster_fail(g_cluster, "interrupted", interrupted_exit_code());
      std::cerr << "\nexpoflow: interrupted; nothing was written\n";
      return interrupted_exit_code();
    }
    if (!g_cluster.root()) continue;
    std::string prefix;
    for (auto& x : variants[k]) prefix += x + ",";
    auto row = [&](const std::string& name, const Tally& t) {
      const Interval ci = confidence_interval95(t);
      csv += fmt::format("{}{},{:.10g},{:.10g},{:.10g}\n", prefix, name, ci.mean, ci.lo, ci.hi);
    };
    for (std::size_t i = 0; i < e.observed.size(); ++i) row(scenarios[k].observed[i].id, e.observed[i]);
    // The headline columns: entrance waits, the first taxi stand's party wait, and the denied
    // boardings of every line together.
    std::vector<double> h(4, 0.0);
    bool taxi_seen = false;
    for (auto& [name, t] : e.kpis) {
      row(name, t);
      if (name == "entrances.wait_mean_s") h[0] = t.mean();
      if (name == "entrances.wait_p95_s") h[1] = t.mean();
      if (!taxi_seen && name.find(".party_wait_mean_s") != std::string::npos) {
        h[2] = t.mean();
        taxi_seen = true;
      }
      if (name.rfind("line[", 0) == 0 && name.find(".denied_boardings") != std::string::npos) h[3] += t.mean();
    }
    headline.push_back(h);
  }
  if (!g_cluster.root()) return 0;
  try {
    fs::create_directories(out_dir);
    support::write_atomically(fs::path(out_dir) / "sweep.csv", csv);
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  if (!quiet) {
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
    std::cout << fmt::format("\nwrote {}/sweep.csv ({} variants x {} replications, every indicator)\n", out_dir,
                             variants.size(), settings.replications);
  }
  return 0;
}

int cmd_validate(const std::string& file, const std::vector<std::string>& sets, bool print) {
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  if (print) {
    scenario::Problems problems;
    auto tree = scenario::load(file, problems);
    for (auto& o : sets) scenario::apply_override(*tree, o, "--set", problems);
    scenario::print_tree(*tree, "", std::cout);
  }
  const model::Simulation sim(*s);
  std::cout << fmt::format("{}: valid — {} nodes, {} walkways, {} entrances, {} lines, {} visitor classes, {} observed totals\n",
                           file, s->nodes.size(), s->walkways.size(), s->gates.size(), s->lines.size(),
                           s->classes.size(), s->observed.size());
  return 0;
}

int cmd_graph(const std::string& file, const std::vector<std::string>& sets, const std::string& out) {
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  const model::Simulation sim(*s);
  const auto& g = sim.graph();
  std::vector<std::string> nodes, edges;
  for (std::size_t n = 0; n < g.num_nodes(); ++n) nodes.push_back(g.node_id(static_cast<network::NodeId>(n)));
  for (std::size_t e = 0; e < g.num_edges(); ++e) {
    const auto& info = g.edge(static_cast<network::EdgeId>(e));
    edges.push_back(fmt::format("{} m × {} m", info.length_m, info.width_m));
  }
  std::ostringstream dot;
  g.write_dot(dot, nodes, edges);
  try {
    support::write_atomically(out, dot.str());
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  return 0;
}

// What the help of an ensemble command (run, compare, sweep) says of its shared options, and the
// least number of replications it accepts.
struct EnsembleHelp {
  const char* replications;
  unsigned min_replications;
  const char* out;
  const char* threads;
  const char* set;
};

// The options run, compare and sweep share, in this order: --seed, --replications/-r, --out/-o,
// --threads/-j, --set and --quiet/-q.
void add_ensemble_options(CLI::App* cmd, output::RunSettings& settings, std::string& out_dir,
                          std::vector<std::string>& sets, bool& quiet, const EnsembleHelp& help) {
  cmd->add_option("--seed", settings.seed, "Master random seed")->capture_default_str();
  cmd->add_option("--replications,-r", settings.replications, help.replications)
      ->capture_default_str()->check(CLI::Range(help.min_replications, 100000u));
  cmd->add_option("--out,-o", out_dir, help.out);
  cmd->add_option("--threads,-j", settings.threads, help.threads);
  cmd->add_option("--set", sets, help.set);
  cmd->add_flag("--quiet,-q", quiet, "Print nothing but errors");
}

}  // namespace

int expoflow_main(int argc, char** argv) {
  CLI::App app{"expoflow: discrete-event simulation of visitor flow at a mega-event site"};
  app.set_version_flag("--version", std::string("expoflow ") + EXPOFLOW_VERSION);
  app.require_subcommand(1);

  std::string file, out_dir, dot_out;
  std::vector<std::string> sets;
  output::RunSettings settings;
  bool quiet = false, stats = false;

  auto* run = app.add_subcommand("run", "Run a scenario's replications and compare with the observed totals");
  run->add_option("scenario", file, "Scenario file (TOML)")->required();
  add_ensemble_options(run, settings, out_dir, sets, quiet,
                       {.replications = "Number of replications",
                        .min_replications = 1,
                        .out = "Output folder (default results/<scenario name>)",
                        .threads = "Threads (default: all cores); results do not depend on it",
                        .set = "Override a value: PATH=VALUE, e.g. gate[west].lanes_scale=1.25"});
  run->add_flag("--stats", stats, "Print events processed, events/s, peak pending events and peak memory");
  bool force = false;
  run->add_flag("--resume", settings.resume, "Reuse the replications an interrupted run of the same scenario and seed saved");
  run->add_flag("--force", force, "Replace results of another scenario in the output folder");

  std::string variant_file;
  auto* compare = app.add_subcommand("compare", "Run two scenarios with common random numbers and compare them pair by pair");
  compare->add_option("base", file, "Base scenario")->required();
  compare->add_option("variant", variant_file, "Variant scenario")->required();
  add_ensemble_options(compare, settings, out_dir, sets, quiet,
                       {.replications = "Replications (pairs)",
                        .min_replications = 2,
                        .out = "Output folder (default results/compare-<base>-<variant>)",
                        .threads = "Threads (default: all cores)",
                        .set = "Override a value of the variant: PATH=VALUE"});

  auto* validate = app.add_subcommand("validate", "Check a scenario file and report every problem");
  validate->add_option("scenario", file, "Scenario file (TOML)")->required();
  validate->add_option("--set", sets, "Override a value: PATH=VALUE");
  bool print = false;
  validate->add_flag("--print", print, "Print the merged scenario, each value with the file and line it came from");

  std::vector<std::string> sweep_params;
  auto* sweep = app.add_subcommand("sweep", "Run a grid of variants (common random numbers) and write one tidy table");
  sweep->add_option("scenario", file, "Scenario file (TOML)")->required();
  sweep->add_option("--param", sweep_params, "PATH=v1,v2,... (repeat for a grid)")->required();
  add_ensemble_options(sweep, settings, out_dir, sets, quiet,
                       {.replications = "Replications per variant",
                        .min_replications = 1,
                        .out = "Output folder (default results/<scenario name>-sweep)",
                        .threads = "Threads per process (default: all cores)",
                        .set = "Override a value of every variant: PATH=VALUE"});

  auto* graph = app.add_subcommand("graph", "Write the site and transport graph as Graphviz DOT");
  graph->add_option("scenario", file, "Scenario file (TOML)")->required();
  graph->add_option("--out,-o", dot_out, "Output .dot file")->required();
  graph->add_option("--set", sets, "Override a value: PATH=VALUE");

  cli::CalibrateOptions calibrate_options;
  auto* calibrate = cli::add_calibrate_command(app, calibrate_options);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : kBadInput;
  }
  install_signal_handlers();
  if (*run) return cmd_run(file, sets, settings, out_dir, quiet, stats, force);
  // These run on rank 0 alone; a calibration's evaluations are shared out among all ranks.
  if (!g_cluster.root() && (*validate || *graph)) return 0;
  calibrate_options.rank = g_cluster.rank;
  calibrate_options.ranks = g_cluster.size;
  calibrate_options.sum_over_ranks = cli::cluster_sum(g_cluster);
  if (*validate) return cmd_validate(file, sets, print);
  if (*compare) return cmd_compare(file, variant_file, sets, settings, out_dir, quiet);
  if (*sweep) return cmd_sweep(file, sets, sweep_params, settings, out_dir, quiet);
  if (*graph) return cmd_graph(file, sets, dot_out);
  if (*calibrate) return cli::run_calibrate(calibrate_options);
  return 0;
}

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Blocks of 1 MB and more (event buckets, party tables, the demand list, sort buffers) are
  // mapped and returned to the system when freed. glibc's default raises this threshold after
  // the first large free, after which such blocks stay resident as fragments of the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  g_cluster = cli::cluster_start(&argc, &argv);
  const int rc = expoflow_main(argc, argv);
  cli::cluster_stop();
  return rc;
}
