// `expoflow validate`: check a scenario and report every problem; --print shows the merged values.
#include <filesystem>
#include <fmt/format.h>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "model/simulation.hpp"
#include "output/writers.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

CLI::App* add_validate_command(CLI::App& app, ValidateOptions& o) {
  auto* validate = app.add_subcommand("validate", "Check a scenario file and report every problem");
  validate->add_option("scenario", o.scenario, "Scenario file (TOML)")->required();
  validate->add_option("--set", o.sets, "Override a value: PATH=VALUE");
  validate->add_flag("--print", o.print, "Print the merged scenario, each value with the file and line it came from");
  return validate;
}

int run_validate(const ValidateOptions& o) {
  const std::string& file = o.scenario;
  const auto& sets = o.sets;
  const bool print = o.print;
  auto s = load_or_report(file, sets);
  if (!s) return kBadInput;
  if (print) {
    scenario::Problems problems;
    auto tree = scenario::load(file, problems);
    for (auto& assignment : sets) scenario::apply_override(*tree, assignment, "--set", problems);
    scenario::print_tree(*tree, "", std::cout);
  }
  const model::Simulation sim(*s);
  std::cout << fmt::format("{}: valid — {} nodes, {} walkways, {} entrances, {} lines, {} visitor classes, {} observed figures\n",
                           file, s->nodes.size(), s->walkways.size(), s->gates.size(), s->lines.size(),
                           s->classes.size(), s->observed.size());
  return 0;
}

}  // namespace expoflow::cli
