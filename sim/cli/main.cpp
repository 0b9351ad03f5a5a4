// expoflow: the command line.
#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/calibrate_cmd.hpp"
#include "model/scenario.hpp"
#include "model/simulation.hpp"
#include "output/compare.hpp"
#include "output/ensemble.hpp"
#include "output/writers.hpp"

namespace fs = std::filesystem;
using namespace expoflow;

namespace {

constexpr int kBadInput = 2;

std::optional<model::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets) {
  scenario::Problems problems;
  auto s = model::load_scenario(file, sets, problems);
  if (!s) {
    std::cerr << problems.report();
    std::cerr << fmt::format("expoflow: {} problem(s) in {}; nothing was run or written\n", problems.size(), file);
  }
  return s;
}

std::string read_text(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

long peak_rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

int cmd_run(const std::string& file, const std::vector<std::string>& sets, output::RunSettings settings,
            std::string out_dir, bool quiet, bool stats) {
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  const model::Simulation sim(*s);
  const auto t0 = std::chrono::steady_clock::now();
  const output::Ensemble e = output::run_ensemble(sim, settings);
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  if (out_dir.empty()) out_dir = (fs::path("results") / s->name).string();
  std::string hash_input = read_text(file);
  for (auto& x : sets) hash_input += "\n--set " + x;
  try {
    fs::create_directories(out_dir);
    const fs::path dir(out_dir);
    output::write_atomically(dir / "summary.json", output::summary_json(e, EXPOFLOW_VERSION, output::hash_text(hash_input)));
    output::write_atomically(dir / "counts.csv", output::counts_csv(e));
    output::write_atomically(dir / "queues.csv", output::queues_csv(e));
    output::write_atomically(dir / "occupancy.csv", output::occupancy_csv(e));
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
  if (!base || !variant) return kBadInput;
  const model::Simulation base_sim(*base), variant_sim(*variant);
  // The same seed and replication indices for both: common random numbers, pair by pair.
  const output::Ensemble b = output::run_ensemble(base_sim, settings);
  const output::Ensemble v = output::run_ensemble(variant_sim, settings);
  const output::Comparison c = output::compare(b, v);
  if (out_dir.empty()) out_dir = (fs::path("results") / fmt::format("compare-{}-{}", base->name, variant->name)).string();
  try {
    fs::create_directories(out_dir);
    output::write_atomically(fs::path(out_dir) / "comparison.json", output::comparison_json(c));
    output::write_atomically(fs::path(out_dir) / "comparison.csv", output::comparison_csv(c));
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
void print_tree(const scenario::Node& n, const std::string& path, std::ostream& out) {
  auto where = [](const scenario::Node& x) {
    return x.pos.line ? fmt::format("{}:{}", x.pos.file, x.pos.line) : x.pos.file;
  };
  switch (n.kind) {
    case scenario::Node::Kind::table:
      for (auto& [k, v] : n.members) print_tree(v, path.empty() ? k : path + "." + k, out);
      return;
    case scenario::Node::Kind::array: {
      const bool tables = !n.items.empty() && n.items.front().is_table();
      if (tables) {
        for (std::size_t i = 0; i < n.items.size(); ++i) {
          const scenario::Node* id = n.items[i].find("id");
          const std::string key = id && id->kind == scenario::Node::Kind::string ? id->text : std::to_string(i);
          print_tree(n.items[i], fmt::format("{}[{}]", path, key), out);
        }
        return;
      }
      std::string v = "[";
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        const auto& x = n.items[i];
        v += (i ? ", " : "") + (x.kind == scenario::Node::Kind::string ? "\"" + x.text + "\"" : fmt::format("{}", x.number()));
      }
      out << fmt::format("{} = {}]  # {}\n", path, v, where(n));
      return;
    }
    case scenario::Node::Kind::string: out << fmt::format("{} = \"{}\"  # {}\n", path, n.text, where(n)); return;
    case scenario::Node::Kind::boolean: out << fmt::format("{} = {}  # {}\n", path, n.boolean, where(n)); return;
    case scenario::Node::Kind::datetime: out << fmt::format("{} = {}  # {}\n", path, n.text, where(n)); return;
    default: out << fmt::format("{} = {}  # {}\n", path, n.number(), where(n)); return;
  }
}

int cmd_validate(const std::string& file, const std::vector<std::string>& sets, bool print) {
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  if (print) {
    scenario::Problems problems;
    auto tree = scenario::load(file, problems);
    for (auto& o : sets) scenario::apply_override(*tree, o, "--set", problems);
    print_tree(*tree, "", std::cout);
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
    output::write_atomically(out, dot.str());
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"expoflow: discrete-event simulation of visitor flow at a mega-event site"};
  app.set_version_flag("--version", std::string("expoflow ") + EXPOFLOW_VERSION);
  app.require_subcommand(1);

  std::string file, out_dir, dot_out;
  std::vector<std::string> sets;
  output::RunSettings settings;
  bool quiet = false, stats = false;

  auto* run = app.add_subcommand("run", "Run a scenario's replications and compare with the observed totals");
  run->add_option("scenario", file, "Scenario file (TOML)")->required();
  run->add_option("--seed", settings.seed, "Master random seed")->capture_default_str();
  run->add_option("--replications,-r", settings.replications, "Number of replications")
      ->capture_default_str()->check(CLI::Range(1u, 100000u));
  run->add_option("--out,-o", out_dir, "Output folder (default results/<scenario name>)");
  run->add_option("--threads,-j", settings.threads, "Threads (default: all cores); results do not depend on it");
  run->add_option("--set", sets, "Override a value: PATH=VALUE, e.g. gate[west].lanes_scale=1.25");
  run->add_flag("--quiet,-q", quiet, "Print nothing but errors");
  run->add_flag("--stats", stats, "Print events processed, events/s, peak pending events and peak memory");

  std::string variant_file;
  auto* compare = app.add_subcommand("compare", "Run two scenarios with common random numbers and compare them pair by pair");
  compare->add_option("base", file, "Base scenario")->required();
  compare->add_option("variant", variant_file, "Variant scenario")->required();
  compare->add_option("--seed", settings.seed, "Master random seed")->capture_default_str();
  compare->add_option("--replications,-r", settings.replications, "Replications (pairs)")
      ->capture_default_str()->check(CLI::Range(2u, 100000u));
  compare->add_option("--out,-o", out_dir, "Output folder (default results/compare-<base>-<variant>)");
  compare->add_option("--threads,-j", settings.threads, "Threads (default: all cores)");
  compare->add_option("--set", sets, "Override a value of the variant: PATH=VALUE");
  compare->add_flag("--quiet,-q", quiet, "Print nothing but errors");

  auto* validate = app.add_subcommand("validate", "Check a scenario file and report every problem");
  validate->add_option("scenario", file, "Scenario file (TOML)")->required();
  validate->add_option("--set", sets, "Override a value: PATH=VALUE");
  bool print = false;
  validate->add_flag("--print", print, "Print the merged scenario, each value with the file and line it came from");

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
  if (*run) return cmd_run(file, sets, settings, out_dir, quiet, stats);
  if (*validate) return cmd_validate(file, sets, print);
  if (*compare) return cmd_compare(file, variant_file, sets, settings, out_dir, quiet);
  if (*graph) return cmd_graph(file, sets, dot_out);
  if (*calibrate) return cli::run_calibrate(calibrate_options);
  return 0;
}
