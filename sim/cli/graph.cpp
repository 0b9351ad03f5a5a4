// `expoflow graph`: the site and transport graph as Graphviz DOT.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/simulation.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

CLI::App* add_graph_command(CLI::App& app, GraphOptions& o) {
  auto* graph = app.add_subcommand("graph", "Write the site and transport graph as Graphviz DOT");
  graph->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  graph->add_option("--out,-o", o.out, "Output .dot file")->required();
  graph->add_option("--set", o.sets, "Override a value: PATH=VALUE");
  return graph;
}

int run_graph(const GraphOptions& o) {
  const std::string& file = o.scenario;
  const auto& sets = o.sets;
  const std::string& out = o.out;
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  const model::Simulation sim(*s);
  const auto& g = sim.graph();
  std::vector<std::string> nodes, edges, positions;
  for (std::size_t n = 0; n < g.num_nodes(); ++n) nodes.push_back(g.node_id(static_cast<network::NodeId>(n)));
  // Positioned nodes are pinned where the site plan puts them, one point per metre (`neato -n`
  // keeps them there); a scenario positions every node or none.
  for (const auto& id : nodes)
    for (const auto& def : s->nodes)
      if (def.id == id && def.x_m) positions.push_back(fmt::format("{:g},{:g}", *def.x_m, *def.y_m));
  if (positions.size() != nodes.size()) positions.clear();
  for (std::size_t e = 0; e < g.num_edges(); ++e) {
    const auto& info = g.edge(static_cast<network::EdgeId>(e));
    edges.push_back(fmt::format("{} m × {} m", info.length_m, info.width_m));
  }
  std::ostringstream dot;
  g.write_dot(dot, nodes, edges, positions);
  try {
    support::write_atomically(out, dot.str());
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace expoflow::cli
