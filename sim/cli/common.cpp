#include "cli/common.hpp"

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <limits>
#include <fstream>
#include <ctime>
#include <thread>

#include "ensemble/runner.hpp"
#include "model/simulation.hpp"
#include "observe/probes.hpp"
#include "output/ensemble.hpp"
#include "scenario/detail.hpp"

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

namespace {

// Where a scenario's problems are: "the values of --set" (or "--param", or both) when every one
// is an override's, else the scenario file.
std::string where(const scenario::Problems& problems, const std::string& file) {
  std::vector<std::string> origins;
  for (const scenario::Problem& p : problems.list()) {
    if (p.pos.file != "--set" && p.pos.file != "--param") return file;
    if (std::find(origins.begin(), origins.end(), p.pos.file) == origins.end()) origins.push_back(p.pos.file);
  }
  return fmt::format("the values of {}", fmt::join(origins, " and "));
}

}  // namespace

std::optional<scenario::Scenario> load_or_report(const std::string& file, const std::vector<std::string>& sets,
                                                 const std::vector<std::string>& params) {
  scenario::Problems problems;
  auto s = scenario::load_scenario(file, sets, problems, params);
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
    std::cerr << fmt::format("expoflow: {} problem(s) in {}; nothing was run or written\n", problems.size(),
                             where(problems, file));
  }
  return s;
}

std::string now_text(const char* format, bool utc) {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  if (utc) gmtime_r(&t, &tm);
  else localtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof text, format, &tm);
  return text;
}

namespace {

// A recorded value as a message names it: a list joined by spaces, "none" when empty, "not
// recorded" when absent (a result of an older expoflow).
std::string value_text(const nlohmann::json& v) {
  if (v.is_null()) return "not recorded";
  if (v.is_string()) return v.get<std::string>();
  if (!v.is_array()) return v.dump();
  std::string out;
  for (const auto& x : v) out += (out.empty() ? "" : " ") + value_text(x);
  return out.empty() ? "none" : out;
}

// The JSON result files of the commands that write into an output folder, and what each holds.
const std::pair<const char*, const char*> kResults[] = {
    {"summary.json", "a run"}, {"comparison.json", "a comparison"}, {"sweep.json", "a sweep"}};

}  // namespace

nlohmann::ordered_json MadeBy::json() const {
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const Field& f : configuration) j[f.key] = f.value;
  j["provenance"] = {{"version", EXPOFLOW_VERSION}, {"git_commit", EXPOFLOW_GIT_COMMIT}, {"time", now_text("%Y-%m-%dT%H:%M:%SZ", /*utc=*/true)}};
  return j;
}

void add_scenario_fields(MadeBy& m, const std::string& prefix, const scenario::Scenario& s,
                         const std::vector<std::string>& overrides, const nlohmann::ordered_json& hash) {
  m.configuration.push_back({prefix + "scenario_file", prefix + "scenario file", s.file, false});
  m.configuration.push_back({prefix + "extends", prefix + "extends", s.extends, false});
  m.configuration.push_back({prefix + "overrides", prefix + "overrides", overrides});
  m.configuration.push_back({prefix + "scenario_hash", prefix + "scenario hash", hash});
  nlohmann::ordered_json windows = nlohmann::ordered_json::array();
  for (const auto& w : s.windows)
    windows.push_back(fmt::format("{}={}..{}", w.id, output::clock_label(w.from_s), output::clock_label(w.to_s)));
  m.configuration.push_back({prefix + "windows", prefix + "windows (--window)", windows});
}

void add_run_fields(MadeBy& m, const ensemble::Settings& settings) {
  m.configuration.push_back({"seed", "seed", settings.seed});
  m.configuration.push_back({"replications", "replications", settings.replications});
}

int check_folder(const std::filesystem::path& dir, const std::string& result, const std::string& what,
                 const MadeBy& made, bool force) {
  if (force) return 0;
  // Every rank decides alike (each reads the folder); rank 0 alone says why.
  auto refuse = [&](const std::string& held, const std::string& differs) {
    if (g_cluster.root())
      std::cerr << fmt::format("expoflow: {} holds {}{}; choose another --out, or --force to replace it "
                             "(nothing was run or written)\n", dir.string(), held, differs);
    return kBadInput;
  };
  for (const auto& [file, holds] : kResults)
    if (file != result && std::filesystem::exists(dir / file)) return refuse(holds, fmt::format(", this is {}", what));
  std::ifstream in(dir / result);
  if (!in) return 0;
  const auto recorded = nlohmann::json::parse(in, nullptr, false);
  if (recorded.is_discarded() || !recorded.is_object())
    return refuse(fmt::format("a {} that cannot be read", result), "");
  for (const MadeBy::Field& f : made.configuration) {
    if (!f.compared) continue;
    const nlohmann::json mine = nlohmann::json::parse(f.value.dump());
    const nlohmann::json theirs = recorded.contains(f.key) ? recorded[f.key] : nlohmann::json();
    if (theirs != mine)
      return refuse(fmt::format("{} with {} {}", what, f.label, value_text(theirs)),
                    fmt::format(", this one has {} {}", f.label, value_text(mine)));
  }
  return 0;
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

std::vector<std::string> near_names(const std::string& name, std::vector<std::string> names) {
  std::stable_sort(names.begin(), names.end(), [&](const std::string& x, const std::string& y) {
    return scenario::detail::edit_distance(name, x) < scenario::detail::edit_distance(name, y);
  });
  if (names.size() > 5) names.resize(5);
  return names;
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

namespace {
unsigned cores() { return std::max(1u, std::thread::hardware_concurrency()); }
}  // namespace

unsigned useful_threads(unsigned threads, std::uint32_t jobs) {
  const unsigned asked = std::min({threads ? threads : cores(), cores(), kMaxThreads});
  ensemble::Pool pool;
  pool.threads = asked;
  pool.rank = g_cluster.rank;
  pool.ranks = g_cluster.size;
  return ensemble::detail::plan(pool, jobs).threads;
}

int check_resources(const Workload& w) {
  auto refuse = [](const std::string& why) {
    if (g_cluster.root()) std::cerr << fmt::format("expoflow: {}; nothing was run or written\n", why);
    return kBadInput;
  };
  // Memory: the replications running at once, each of the largest scenario (a comparison runs its
  // two scenarios' replications side by side: the larger counts for each thread).
  double largest = 0;
  for (const scenario::Scenario* s : w.scenarios) largest = std::max(largest, scenario::footprint(*s).replication_bytes);
  const unsigned threads = useful_threads(w.threads, std::max<std::uint32_t>(1, w.jobs));
  const double memory = largest * threads;
  if (const auto available = scenario::memory_available(); available && memory > *available) {
    const auto fit = static_cast<unsigned>(*available / std::max(largest, 1.0));
    return refuse(fmt::format(
        "{} replication(s) at once need about {} of memory ({} each); this machine has {} available{}", threads,
        scenario::show_bytes(memory), scenario::show_bytes(largest), scenario::show_bytes(*available),
        fit >= 1 ? fmt::format(": run with --threads {}", fit) : std::string(": lower demand_scale or the volumes")));
  }
  // Disk: every saved replication stays until the command completes. A saved replication stores
  // each nonzero statistic of each place and time bin as (index, value); measured on the ciie2024
  // baseline (Release build, run -r 2 with the result write made to fail so that they stay):
  // 3.7 MB a replication for its 131 places x 572 bins, about 49 bytes per place and bin. Twice
  // that is asked for: a busier scenario has fewer zeros.
  if (w.saved > 0 && w.layout != nullptr && !w.saved_dir.empty()) {
    constexpr double kSavedBytesPerPlaceBin = 2 * 49;
    const double each = kSavedBytesPerPlaceBin * static_cast<double>(w.layout->places().size()) *
                        static_cast<double>(w.layout->num_bins());
    const double needed = each * w.saved;
    // Free space where the saved replications go (the nearest folder that exists), plus what
    // saved replications there hold already (resumed, or replaced).
    std::error_code ec;
    std::filesystem::path at = w.saved_dir;
    while (!at.empty() && !std::filesystem::exists(at, ec) && at != at.parent_path()) at = at.parent_path();
    if (at.empty()) at = ".";
    const std::filesystem::space_info space = std::filesystem::space(at, ec);
    if (!ec) {
      double held = 0;
      if (std::filesystem::is_directory(w.saved_dir, ec))
        for (const auto& e : std::filesystem::directory_iterator(w.saved_dir, ec))
          if (e.is_regular_file(ec)) held += static_cast<double>(e.file_size(ec));
      const double available = static_cast<double>(space.available) + held;
      if (needed > available)
        return refuse(fmt::format(
            "{} replications saved for --resume need about {} of disk ({} each) in {}; its file system has {} free: "
            "run fewer replications, or choose an --out on a larger disk",
            w.saved, scenario::show_bytes(needed), scenario::show_bytes(each), w.saved_dir.string(),
            scenario::show_bytes(available)));
    }
  }
  return 0;
}

CLI::Validator thread_cap() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        std::uint64_t v = 0;
        const char* end = text.data() + text.size();
        const unsigned most = std::min(kMaxThreads, cores());
        if (const auto [at, ec] = std::from_chars(text.data(), end, v); ec == std::errc() && at == end && v > most)
          text = std::to_string(most);
        return {};
      },
      "");
}

CLI::Option* add_threads_option(CLI::App* cmd, unsigned& threads, const std::string& help) {
  return cmd->add_option("--threads,-j", threads,
                         help + fmt::format("; at most one per replication and per core, and {} in all: threads "
                                            "beyond are not started", kMaxThreads))
      ->check(whole_number(std::numeric_limits<std::uint64_t>::max()))
      ->transform(thread_cap());
}

void add_ensemble_options(CLI::App* cmd, EnsembleOptions& o, const EnsembleHelp& help, bool force) {
  cmd->add_option("--seed", o.settings.seed, "Master random seed (0..2^64-1)")
      ->capture_default_str()->check(whole_number(std::numeric_limits<std::uint64_t>::max()));
  cmd->add_option("--replications,-r", o.settings.replications, help.replications)
      ->capture_default_str()->check(CLI::Range(help.min_replications, 100000u));
  cmd->add_option("--out,-o", o.out_dir, help.out);
  add_threads_option(cmd, o.settings.threads, help.threads);
  cmd->add_option("--set", o.sets, help.set);
  cmd->add_option("--window", o.windows,
                  "Also compute every indicator over a span: [NAME=]\"dN HH:MM..dN HH:MM\" (repeatable)");
  cmd->add_flag("--quiet,-q", o.quiet, "No progress on stderr (the results are still printed)");
  if (force)
    cmd->add_flag("--force", o.force,
                  "Replace the results of another configuration (scenario, overrides, seed, replications) in the "
                  "output folder");
}

}  // namespace expoflow::cli
