// expoflow: the command line. Each command is a file of its own (cli/commands.hpp).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>
#include <new>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "cli/commands.hpp"
#include "cli/common.hpp"

using namespace expoflow;

namespace {

constexpr const char* kOutOfMemory =
    "out of memory: fewer replications at once (--threads), a smaller demand_scale or a machine with more memory "
    "would help";

int expoflow_main(int argc, char** argv) {
  CLI::App app{"expoflow: discrete-event simulation of visitor flow at a mega-event site"};
  app.set_version_flag("--version", std::string("expoflow ") + EXPOFLOW_VERSION);
  app.require_subcommand(1);

  cli::RunOptions run_options;
  cli::CompareOptions compare_options;
  cli::ValidateOptions validate_options;
  cli::SweepOptions sweep_options;
  cli::SensitivityOptions sensitivity_options;
  cli::GraphOptions graph_options;
  cli::ViewOptions view_options;
  cli::CalibrateOptions calibrate_options;
  cli::PlanOptions plan_options;
  auto* run = cli::add_run_command(app, run_options);
  auto* compare = cli::add_compare_command(app, compare_options);
  auto* validate = cli::add_validate_command(app, validate_options);
  auto* sweep = cli::add_sweep_command(app, sweep_options);
  auto* sensitivity = cli::add_sensitivity_command(app, sensitivity_options);
  auto* graph = cli::add_graph_command(app, graph_options);
  auto* view = cli::add_view_command(app, view_options);
  auto* calibrate = cli::add_calibrate_command(app, calibrate_options);
  auto* plan = cli::add_plan_command(app, plan_options);

  // The first word that is not an option names the command: an unknown one is named as such
  // (CLI11 would say only that a subcommand is required, or print the main help for WORD --help).
  for (int i = 1; i < argc; ++i) {
    const std::string word = argv[i];
    if (word.empty() || word[0] == '-') continue;
    std::string names;
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) {
      names += (names.empty() ? "" : ", ") + sub->get_name();
      known = known || sub->get_name() == word;
    }
    if (known) break;
    std::cerr << fmt::format("expoflow: unknown command '{}'; the commands are: {} (expoflow --help)\n", word, names);
    return cli::kBadInput;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : cli::kBadInput;
  }
  cli::install_signal_handlers();
  const cli::Cluster& cluster = cli::cluster();
  // These run on rank 0 alone; the replications of run, compare, sweep and sensitivity and a calibration's
  // evaluations are shared out among all ranks.
  if (!cluster.root() && (*validate || *graph || *view)) return 0;
  for (cli::EnsembleOptions* o : {&run_options.ensemble, &compare_options.ensemble, &sweep_options.ensemble,
                                   &sensitivity_options.ensemble}) {
    o->settings.rank = cluster.rank;
    o->settings.ranks = cluster.size;
  }
  calibrate_options.rank = cluster.rank;
  calibrate_options.ranks = cluster.size;
  calibrate_options.sum_over_ranks = cli::cluster_sum(cluster);
  try {
    if (*run) return cli::finished(cli::run_run(run_options));
    if (*validate) return cli::finished(cli::run_validate(validate_options));
    if (*compare) return cli::finished(cli::run_compare(compare_options));
    if (*sweep) return cli::finished(cli::run_sweep(sweep_options));
    if (*sensitivity) return cli::finished(cli::run_sensitivity(sensitivity_options));
    if (*graph) return cli::finished(cli::run_graph(graph_options));
    if (*view) return cli::finished(cli::run_view(view_options));
    if (*calibrate) return cli::finished(cli::run_calibrate(calibrate_options));
    if (*plan) return cli::finished(cli::run_plan(plan_options));
  } catch (const std::bad_alloc&) {
    cli::cluster_fail(cluster, kOutOfMemory, 1);
  } catch (const std::exception& e) {  // a replication failed: every rank stops
    cli::cluster_fail(cluster, e.what(), 1);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__GLIBC__)
  // Blocks of 1 MB and more (event buckets, party tables, the demand list, sort buffers) are
  // mapped and returned to the system when freed. glibc's default raises this threshold after
  // the first large free, after which such blocks stay resident as fragments of the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
  cli::cluster() = cli::cluster_start(&argc, &argv);
  int rc = 1;
  try {
    rc = expoflow_main(argc, argv);
  } catch (const std::bad_alloc&) {
    std::cerr << "expoflow: " << kOutOfMemory << "\n";
  } catch (const std::exception& e) {
    std::cerr << "expoflow: " << e.what() << "\n";
  }
  cli::cluster_stop();
  return rc;
}
