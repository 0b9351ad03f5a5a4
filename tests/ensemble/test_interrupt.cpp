// Interruptions and outputs: a signal stops a run quickly and damages nothing; --resume gives the
// result of an uninterrupted run; a folder holding another scenario's results needs --force.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;

namespace {

const std::string kScenario = source_path("scenarios/ciie2024.toml");

// Starts expoflow with `args`; its stderr goes to `err` (discarded by default).
pid_t spawn(const std::vector<std::string>& args, const std::string& err = "/dev/null") {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::freopen("/dev/null", "w", stdout);
    ::freopen(err.c_str(), "w", stderr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& args) { return wait_exit(spawn(args)); }

// Waits until `ready()`, at most 30 s.
void wait_until(const std::function<bool()>& ready) {
  for (int i = 0; i < 600 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
}

// Waits until `ready()`, then interrupts the process (SIGINT); its exit code.
int interrupt_when(pid_t pid, const std::function<bool()>& ready) {
  wait_until(ready);
  ::kill(pid, SIGINT);
  return wait_exit(pid);
}

// What a test says when its process had finished before the signal arrived: it interrupted
// nothing, so it checked nothing.
const char* const kMissed = "the process finished before the signal arrived: nothing was interrupted, so nothing was "
                            "checked; give it more work";

// The replications saved below `out`/.replications/ by their index (replication-NNNNN.bin).
std::vector<int> saved_replications(const fs::path& out) {
  std::vector<int> indices;
  if (fs::exists(out / ".replications"))
    for (auto& e : fs::recursive_directory_iterator(out / ".replications"))
      if (e.path().extension() == ".bin") indices.push_back(std::stoi(e.path().stem().string().substr(12)));
  std::sort(indices.begin(), indices.end());
  return indices;
}

// The number in "resumed N replication(s)" on stderr, or -1 when it says none.
int resumed_count(const std::string& err) {
  const std::string what = "resumed ";
  const std::size_t at = err.find(what);
  return at == std::string::npos ? -1 : std::stoi(err.substr(at + what.size()));
}

// Without --quiet (`quiet` false) a resumed run says how many replications it reused.
std::vector<std::string> run_args(const fs::path& out, std::vector<std::string> extra = {}, int replications = 4,
                                  bool quiet = true) {
  std::vector<std::string> a = {kBinary, "run", kScenario, "--set", "demand_scale=0.2", "-r", std::to_string(replications),
                                "-j", "1", "--seed", "3", "--out", out.string()};
  if (quiet) a.push_back("--quiet");
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("SIGTERM or SIGINT stops a run within a second and leaves earlier results untouched", "[cli][interrupt]") {
  for (int sig : {SIGTERM, SIGINT}) {
    const TempDir tmp("signal");
    const fs::path& out = tmp.path;
    REQUIRE(run(run_args(out)) == 0);  // an earlier run's results
    const auto before = snapshot(out);
    REQUIRE(before.count("summary.json"));
    // The same scenario again, more replications so that it is surely running when signalled,
    // once it has saved a replication (another replication count: --force to replace the result).
    const pid_t pid = spawn(run_args(out, {"--force"}, 40));
    wait_until([&] { return !saved_replications(out).empty(); });
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(pid, sig);
    const int rc = wait_exit(pid);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    {
      INFO(kMissed);
      REQUIRE(rc == 128 + sig);
    }
    CHECK(took < 1.0);
    // Earlier files unchanged; every new file is a saved replication ...
    const auto after = snapshot(out);
    for (auto& [name, bytes] : before) {
      REQUIRE(after.count(name));
      CHECK(after.at(name) == bytes);
    }
    std::size_t new_files = 0;
    for (auto& [name, bytes] : after)
      if (!before.count(name) && name.back() != '/') {
        INFO(name);
        CHECK(name.rfind(".replications/", 0) == 0);
        CHECK(fs::path(name).extension() == ".bin");
        ++new_files;
      }
    // ... and a whole one: a run resumed with as many replications as were saved reuses every one
    // (on one thread they finish in order: 0, 1, ...).
    const std::vector<int> saved = saved_replications(out);
    CHECK(saved.size() == new_files);
    REQUIRE(!saved.empty());
    CHECK(saved.back() + 1 == static_cast<int>(saved.size()));
    const TempDir log("signal-log");
    const std::string err = (log.path / "stderr.txt").string();
    CHECK(wait_exit(spawn(run_args(out, {"--resume", "--force"}, static_cast<int>(saved.size()), false), err)) == 0);
    CHECK(resumed_count(read_text(err)) == static_cast<int>(saved.size()));
  }
}

TEST_CASE("Resuming after an interruption with --resume reuses the saved replications and gives the uninterrupted "
          "run's results byte for byte",
          "[cli][interrupt]") {
  const TempDir whole_dir("whole"), resumed_dir("resumed");
  const fs::path &whole = whole_dir.path, &resumed = resumed_dir.path;
  REQUIRE(run(run_args(whole, {}, 6)) == 0);
  // Saved replications belong to the scenario and seed, not to the number asked for: a run of 40
  // is surely still running when its first replication is saved, and is interrupted then.
  const pid_t pid = spawn(run_args(resumed, {}, 40));
  const int rc = interrupt_when(pid, [&] { return !saved_replications(resumed).empty(); });
  INFO(kMissed);
  REQUIRE(rc == 128 + SIGINT);
  CHECK_FALSE(fs::exists(resumed / "summary.json"));
  const std::vector<int> saved = saved_replications(resumed);
  const auto reusable = std::count_if(saved.begin(), saved.end(), [](int r) { return r < 6; });
  REQUIRE(reusable > 0);
  const TempDir log("resume-log");
  const std::string err = (log.path / "stderr.txt").string();
  REQUIRE(wait_exit(spawn(run_args(resumed, {"--resume"}, 6, false), err)) == 0);
  CHECK(resumed_count(read_text(err)) == reusable);
  for (const char* f : {"summary.json", "counts.csv", "queues.csv", "occupancy.csv"}) {
    INFO(f);
    CHECK(read_result(whole / f) == read_result(resumed / f));
  }
  CHECK_FALSE(fs::exists(resumed / ".replications"));  // cleaned up once complete
}

TEST_CASE("a folder holding another scenario's results is not overwritten without --force", "[cli][outputs]") {
  const TempDir tmp("force");
  const fs::path& out = tmp.path;
  REQUIRE(run(run_args(out)) == 0);
  const auto before = snapshot(out);
  std::vector<std::string> other = run_args(out);
  other[4] = "demand_scale=0.1";  // another scenario: a different hash
  CHECK(run(other) == 2);
  CHECK(snapshot(out) == before);
  CHECK(run(run_args(out)) == 0);  // the same scenario may be rerun into its folder
  other.push_back("--force");
  CHECK(run(other) == 0);
  CHECK(read_text(out / "summary.json") != before.at("summary.json"));
}

TEST_CASE("An interrupted calibration resumed with --resume writes the uninterrupted fit", "[cli][interrupt][calibrate][slow]") {
  const std::string scenario = source_path("tests/data/calibrate/recovery.toml");
  const TempDir whole_dir("calib-whole"), resumed_dir("calib-resumed");
  const fs::path &whole = whole_dir.path, &resumed = resumed_dir.path;
  auto args = [&](const fs::path& out, bool resume) {
    std::vector<std::string> a = {kBinary, "calibrate", scenario, "--out", (out / "fit.toml").string(),
                                  "--max-iterations", "2", "--check-replications", "2", "-j", "1"};
    if (resume) a.push_back("--resume");
    return a;
  };
  REQUIRE(run(args(whole, false)) == 0);
  const pid_t pid = spawn(args(resumed, false));
  const fs::path saved = resumed / "fit.toml.evaluations";
  const int rc = interrupt_when(pid, [&] {  // once a few evaluations are saved
    std::size_t n = 0;
    if (fs::exists(saved)) n = static_cast<std::size_t>(std::distance(fs::directory_iterator(saved), {}));
    return n >= 3;
  });
  {
    INFO(kMissed);
    REQUIRE(rc == 128 + SIGINT);
  }
  CHECK_FALSE(fs::exists(resumed / "fit.toml"));
  REQUIRE(run(args(resumed, true)) == 0);
  // The fit is the same; only the comment lines naming the date and the output differ.
  auto values = [](const fs::path& f) {
    std::istringstream in(read_text(f));
    std::string line, out;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#' && line.rfind("extends", 0) != 0) out += line + "\n";
    return out;
  };
  CHECK(values(whole / "fit.toml") == values(resumed / "fit.toml"));
  CHECK_FALSE(fs::exists(saved));
}

TEST_CASE("SIGTERM stops compare, sweep and calibrate with exit code 143 and nothing written", "[cli][interrupt]") {
  struct Command {
    std::string name;
    std::vector<std::string> args;  // each given far more work than 1.5 s
    std::string writes;             // what it would write, below the temporary folder
  };
  const TempDir tmp("sigterm-commands");
  const std::string out = (tmp.path / "out").string();
  const std::vector<Command> commands = {
      {"compare", {"compare", kScenario, source_path("scenarios/more-lanes.toml"), "-r", "40", "-j", "1", "--out", out, "-q"}, "out"},
      {"sweep", {"sweep", kScenario, "--param", "demand_scale=0.5,0.6", "-r", "40", "-j", "1", "--out", out, "-q"}, "out"},
      {"calibrate", {"calibrate", kScenario, "--out", out + "/fit.toml", "-r", "4", "-j", "1", "-q"}, "out/fit.toml"},
  };
  for (const Command& c : commands) {
    INFO(c.name);
    std::vector<std::string> args{kBinary};
    args.insert(args.end(), c.args.begin(), c.args.end());
    const pid_t pid = spawn(args);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    ::kill(pid, SIGTERM);
    {
      INFO(kMissed);
      CHECK(wait_exit(pid) == 128 + SIGTERM);
    }
    CHECK_FALSE(fs::exists(tmp.path / c.writes));
  }
}
