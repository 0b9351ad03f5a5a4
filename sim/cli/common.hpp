#pragma once
// What the commands share: exit codes, this process's place among MPI ranks, stopping on a
// signal, progress lines, loading a scenario or reporting its problems, and the options every
// ensemble command (run, compare, sweep) takes.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <iostream>
#include <unistd.h>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/cluster.hpp"
#include "output/ensemble.hpp"
#include "scenario/scenario.hpp"

namespace expoflow::cli {

inline constexpr int kBadInput = 2;

// This process's place among MPI ranks (one rank without mpirun). Only rank 0 prints and writes.
Cluster& cluster();

// Leave with `code`; under MPI a failure on any rank stops every rank.
int leave(int code, const std::string& why);

// SIGINT / SIGTERM: ask the replications to stop (they notice within a few thousand events); the
// command then reports, cleans up and exits 128 + signal, leaving earlier results untouched.
void install_signal_handlers();
int interrupted_exit_code();
// An ensemble command stopped by a signal: every MPI rank stops, "expoflow: interrupted; <what>"
// is printed, and the exit code is 128 + signal.
int interrupted(const std::string& what);
// A command that ran to its end with `code`: if a signal arrived once no replication was left to
// stop (while the results were written), they were still written in full, each file atomically;
// then this says so and gives 128 + signal, so that a signal is never ignored.
int finished(int code);

// Write a result into the folder `dir` (made if need be) by `write(dir)`, each file atomically;
// false, with the reason printed, if anything failed.
bool write_result(const std::filesystem::path& dir, const std::function<void(const std::filesystem::path&)>& write);

// One writer per output folder: an exclusive lock (flock) on the folder `dir` itself (made if need
// be), held until this process exits, so that nothing is left behind. 0 when held (and on ranks
// other than 0, which write nothing); otherwise the exit code, with the message printed: 2 when
// another process holds it (naming the folder), 1 when the folder cannot be made or locked.
int lock_folder(const std::filesystem::path& dir);

// What a command will simulate, for the estimate of what it needs before anything runs.
struct Workload {
  Workload(std::vector<const scenario::Scenario*> simulated, std::uint32_t replications, unsigned threads_asked)
      : scenarios(std::move(simulated)), jobs(replications), threads(threads_asked) {}
  std::vector<const scenario::Scenario*> scenarios;  // simulated, at most two at once (compare)
  std::uint32_t jobs = 0;  // replications one ensemble runs (compare: twice its replications)
  unsigned threads = 0;    // --threads (0: all cores)
  // Where finished replications are saved until the command completes (run, plan), and how many;
  // `layout` is a simulation of them (its places and time bins).
  std::filesystem::path saved_dir;
  std::uint32_t saved = 0;
  const model::Simulation* layout = nullptr;
};

// The threads an ensemble of `jobs` replications starts on this machine with --threads `threads`:
// never more than the replications, the cores or kMaxThreads.
unsigned useful_threads(unsigned threads, std::uint32_t jobs);

// Before a command simulates anything: whether the workload fits this machine — the memory of the
// replications that run at once (scenario::footprint, by the largest scenario, times the threads)
// and the disk for the saved replications (compared with the free space where they go). 0 when it
// fits (or nothing can be known); otherwise exit code 2, with a sentence saying what is needed,
// what is available and what to change (rank 0 prints it). Every command that simulates calls it.
int check_resources(const Workload& w);

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


// The scenario with every override applied (`sets`, then a sweep's grid point `params`), or
// nothing after printing its problems (rank 0). Problems of the overrides alone are summed up as
// theirs ("in the values of --param"), not blamed on the scenario file.
std::optional<scenario::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets,
                                                 const std::vector<std::string>& params = {});

// What made a result. Its `configuration` is what a rerun must repeat to give the same numbers
// (scenario files, hashes, overrides, seed, replications); its `provenance` (expoflow's version,
// the git commit it was built from, the time of the run) differs between identical runs, so it sits
// in one block, "provenance", that byte-for-byte comparisons of results leave out.
struct MadeBy {
  // One recorded value: its key in the result's JSON, the words naming it in a message, and whether
  // a result with another value is a different configuration (the files' names are not: a copy
  // of a scenario has the same hash).
  struct Field {
    std::string key, label;
    nlohmann::ordered_json value;
    bool compared = true;
  };
  std::vector<Field> configuration;
  // The keys of the result's JSON: every field, then "provenance".
  nlohmann::ordered_json json() const;
};

// The fields of a scenario loaded from `file` with `overrides`, their keys prefixed by `prefix`
// ("" for run and sweep; "base_" and "variant_" for compare): the file as given, the files it
// extends, the overrides and `hash`: the scenario's (over the merged values with the overrides
// applied, and the windows asked for), or a sweep's list of its variants' hashes; the windows.
void add_scenario_fields(MadeBy& m, const std::string& prefix, const scenario::Scenario& s,
                         const std::vector<std::string>& overrides, const nlohmann::ordered_json& hash);
// A run's seed and replications.
void add_run_fields(MadeBy& m, const ensemble::Settings& settings);

// Before a command writes `result` (its JSON: summary.json, comparison.json, sweep.json) into the
// folder `dir`: 0 when the folder holds no result, one of the same configuration, or `force`;
// otherwise exit code 2, with a message naming the first difference (another configuration, or
// another command's result). `what` names this result in it: "a run", "a comparison", "a sweep".
int check_folder(const std::filesystem::path& dir, const std::string& result, const std::string& what,
                 const MadeBy& made, bool force);

// The time now as strftime's `format` writes it, in UTC or local time.
std::string now_text(const char* format, bool utc);

// This process's peak resident memory, kB.
long peak_rss_kb();

// The options of an ensemble command.
struct EnsembleOptions {
  ensemble::Settings settings;
  std::string out_dir;
  std::vector<std::string> sets;
  std::vector<std::string> windows;  // --window: spans the indicators are also computed over
  bool quiet = false;
  bool force = false;  // replace the results of another configuration in the output folder
};

// What the help of an ensemble command (run, compare, sweep) says of its shared options, and the
// least number of replications it accepts.
struct EnsembleHelp {
  const char* replications;
  unsigned min_replications;
  const char* out;
  const char* threads;
  const char* set;
};

// One ensemble of `sim` with `settings`, its progress shown as `what` unless quiet. Throws
// model::Interrupted if a stop was requested.
output::Ensemble run_with_progress(const model::Simulation& sim, ensemble::Settings settings, const std::string& what,
                                   bool quiet);

// The five names nearest to `name` (edit distance), nearest first: for "no such indicator" messages.
std::vector<std::string> near_names(const std::string& name, std::vector<std::string> names);

// A command-line number written as digits alone, at most `max` (no sign: "-1" is refused, not
// wrapped round); the message states the range.
CLI::Validator whole_number(std::uint64_t max);

// Threads a process starts at most; --threads beyond it, or beyond the cores, means that many
// (and the runner starts no more threads than the replications it runs).
inline constexpr unsigned kMaxThreads = 256;
// --threads/-j with `help`, capped at the cores and kMaxThreads.
CLI::Option* add_threads_option(CLI::App* cmd, unsigned& threads, const std::string& help);

// The options run, compare and sweep share, in this order: --seed, --replications/-r, --out/-o,
// --threads/-j, --set, --quiet/-q and (with `force`) --force.
void add_ensemble_options(CLI::App* cmd, EnsembleOptions& o, const EnsembleHelp& help, bool force = true);

}  // namespace expoflow::cli
