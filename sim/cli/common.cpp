#include "cli/common.hpp"

#include <charconv>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <limits>
#include <fstream>

#include "model/simulation.hpp"
#include "observe/probes.hpp"

namespace expoflow::cli {

namespace {
Cluster g_cluster;
volatile std::sig_atomic_t g_signal = 0;
// The folders this process locked (lock_folder), and those of them it made.
struct Locked {
  int fd;
  std::filesystem::path made;
};
std::vector<Locked> g_locked;
extern "C" void on_signal(int sig) {
  g_signal = sig;
  model::request_stop();
}
}  // namespace

Cluster& cluster() { return g_cluster; }

int leave(int code, const std::string& why) {
  if (g_cluster.size > 1 && code != 0) cluster_fail(g_cluster, why, code);
  return code;
}

void install_signal_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupted_exit_code() { return 128 + (g_signal ? g_signal : SIGINT); }

int finished(int code) {
  if (g_signal == 0 || code != 0) return code;
  std::cerr << "\nexpoflow: interrupted after the work was done; what it writes was written in full\n";
  return interrupted_exit_code();
}

int interrupted(const std::string& what) {
  if (g_cluster.size > 1) cluster_fail(g_cluster, "interrupted", interrupted_exit_code());
  // An output folder made for this command and still empty goes too: nothing was written.
  for (const Locked& l : g_locked) {
    std::error_code ec;
    if (!l.made.empty() && std::filesystem::is_empty(l.made, ec)) std::filesystem::remove(l.made, ec);
  }
  std::cerr << "\nexpoflow: interrupted; " << what << "\n";
  return interrupted_exit_code();
}

bool write_result(const std::filesystem::path& dir, const std::function<void(const std::filesystem::path&)>& write) {
  try {
    std::filesystem::create_directories(dir);
    write(dir);
    return true;
  } catch (const std::exception& ex) {
    std::cerr << "expoflow: " << ex.what() << "\n";
    return false;
  }
}

int lock_folder(const std::filesystem::path& dir) {
  if (!g_cluster.root()) return 0;  // rank 0 alone writes
  std::error_code ec;
  const bool is_new = !std::filesystem::exists(dir, ec);
  std::filesystem::create_directories(dir, ec);
  const int fd = ec ? -1 : ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    std::cerr << fmt::format("expoflow: cannot use the output folder {}: {}\n", dir.string(),
                             ec ? ec.message() : std::strerror(errno));
    return 1;
  }
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int why = errno;
    ::close(fd);
    if (why == EWOULDBLOCK) {
      std::cerr << fmt::format("expoflow: the output folder {} is in use by another expoflow writing into it; "
                               "wait for it to finish or choose another --out (nothing was run or written)\n",
                               dir.string());
      return kBadInput;
    }
    std::cerr << fmt::format("expoflow: cannot lock the output folder {}: {}\n", dir.string(), std::strerror(why));
    return 1;
  }
  g_locked.push_back({fd, is_new ? dir : std::filesystem::path()});  // never closed: the lock goes with the process
  return 0;
}

std::optional<scenario::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets) {
  scenario::Problems problems;
  auto s = scenario::load_scenario(file, sets, problems);
  // What only the site's places can tell: whether every observation can be measured.
  if (s && !s->observed.empty()) {
    const model::Simulation sim(*s);
    for (const auto& o : s->observed)
      if (const std::string why = observe::unmeasurable(o, sim.places()); !why.empty())
        problems.error(o.pos, fmt::format("observed[{}]", o.id), why);
    if (!problems.empty()) s.reset();
  }
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

output::Ensemble run_with_progress(const model::Simulation& sim, ensemble::Settings settings, const std::string& what,
                                   bool quiet) {
  Progress progress(what, quiet);
  settings.progress = std::ref(progress);
  return output::run_ensemble(sim, settings);
}

CLI::Validator whole_number(std::uint64_t max) {
  return CLI::Validator(
      [max](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const auto [at, ec] = std::from_chars(text.data(), end, v);
        if (text.empty() || at != end || ec == std::errc::invalid_argument || (ec == std::errc() && v > max) ||
            ec == std::errc::result_out_of_range)
          return fmt::format("must be a whole number 0..{}, got {}", max, text);
        return {};
      },
      "");
}

CLI::Validator thread_cap() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        if (const auto [at, ec] = std::from_chars(text.data(), end, v); ec == std::errc() && at == end && v > kMaxThreads)
          text = std::to_string(kMaxThreads);
        return {};
      },
      "");
}

CLI::Option* add_threads_option(CLI::App* cmd, unsigned& threads, const std::string& help) {
  return cmd->add_option("--threads,-j", threads,
                         help + fmt::format("; at most one per replication and {} in all: threads beyond are not "
                                            "started", kMaxThreads))
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()))
      ->transform(thread_cap());
}

void add_ensemble_options(CLI::App* cmd, EnsembleOptions& o, const EnsembleHelp& help) {
  cmd->add_option("--seed", o.settings.seed, "Master random seed (0..2^64-1)")
      ->capture_default_str()->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--replications,-r", o.settings.replications, help.replications)
      ->capture_default_str()->check(CLI::Range(help.min_replications, 100000u));
  cmd->add_option("--out,-o", o.out_dir, help.out);
  add_threads_option(cmd, o.settings.threads, help.threads);
  cmd->add_option("--set", o.sets, help.set);
  cmd->add_option("--window", o.windows,
                  "Also compute every indicator over a span: [NAME=]\"dN HH:MM..dN HH:MM\" (repeatable)");
  cmd->add_flag("--quiet,-q", o.quiet, "Print nothing but errors");
}

}  // namespace expoflow::cli
