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

#include "support.hpp"

using namespace expoflow::test;

namespace {

const std::string kScenario = source_path("scenarios/ciie2024.toml");

pid_t spawn(const std::vector<std::string>& args) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::freopen("/dev/null", "w", stdout);
    ::freopen("/dev/null", "w", stderr);
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

// Waits (at most 30 s) until `ready()`, then interrupts the process (SIGINT); its exit code.
int interrupt_when(pid_t pid, const std::function<bool()>& ready) {
  for (int i = 0; i < 600 && !ready(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(pid, SIGINT);
  return wait_exit(pid);
}

std::vector<std::string> run_args(const fs::path& out, std::vector<std::string> extra = {}, int replications = 4) {
  std::vector<std::string> a = {kBinary, "run", kScenario, "--set", "demand_scale=0.2", "-r", std::to_string(replications),
                                "-j", "1", "--seed", "3", "--out", out.string(), "--quiet"};
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
    // The same scenario again, more replications so that it is surely running when signalled.
    const pid_t pid = spawn(run_args(out, {}, 40));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    const auto t0 = std::chrono::steady_clock::now();
    ::kill(pid, sig);
    const int rc = wait_exit(pid);
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(rc == 128 + sig);
    CHECK(took < 1.0);
    // Earlier files unchanged, no partial file left: every new file is a finished replication.
    const auto after = snapshot(out);
    for (auto& [name, bytes] : before) {
      REQUIRE(after.count(name));
      CHECK(after.at(name) == bytes);
    }
    for (auto& [name, bytes] : after)
      if (!before.count(name)) {
        INFO(name);
        CHECK(name.rfind(".replications/", 0) == 0);
        CHECK(name.find(".tmp") == std::string::npos);
      }
  }
}

TEST_CASE("Resuming after an interruption with --resume gives the uninterrupted run's results byte for byte", "[cli][interrupt]") {
  const TempDir whole_dir("whole"), resumed_dir("resumed");
  const fs::path &whole = whole_dir.path, &resumed = resumed_dir.path;
  REQUIRE(run(run_args(whole, {}, 6)) == 0);
  const pid_t pid = spawn(run_args(resumed, {}, 6));
  // Let at least one replication finish, then interrupt.
  const fs::path saved = resumed / ".replications";
  const int rc = interrupt_when(pid, [&] {
    bool any = false;
    if (fs::exists(saved))
      for (auto& e : fs::recursive_directory_iterator(saved)) any = any || e.path().extension() == ".bin";
    return any;
  });
  if (rc == 0) WARN("the run finished before the signal; the resume below reuses nothing");
  else CHECK(rc == 128 + SIGINT);
  CHECK_FALSE(fs::exists(resumed / "summary.json"));
  REQUIRE(run(run_args(resumed, {"--resume"}, 6)) == 0);
  for (const char* f : {"summary.json", "counts.csv", "queues.csv", "occupancy.csv"}) {
    INFO(f);
    CHECK(read_text(whole / f) == read_text(resumed / f));
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

TEST_CASE("An interrupted calibration resumed with --resume writes the uninterrupted fit", "[cli][interrupt][calibrate]") {
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
  if (rc == 0) WARN("the calibration finished before the signal");
  else CHECK(rc == 128 + SIGINT);
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
