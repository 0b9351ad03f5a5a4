// Interruptions and outputs: a signal stops a run quickly and damages nothing; --resume gives the
// result of an uninterrupted run; a folder holding another scenario's results needs --force.
#include <catch2/catch.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string kBinary = EXPOFLOW_BINARY;
const std::string kScenario = std::string(EXPOFLOW_SOURCE_DIR) + "/scenarios/ciie2024.toml";

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("expoflow-test-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file below dir (relative path -> bytes).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read(e.path());
  return out;
}

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

std::vector<std::string> run_args(const fs::path& out, std::vector<std::string> extra = {}, int replications = 4) {
  std::vector<std::string> a = {kBinary, "run", kScenario, "--set", "demand_scale=0.2", "-r", std::to_string(replications),
                                "-j", "1", "--seed", "3", "--out", out.string(), "--quiet"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

}  // namespace

TEST_CASE("SIGTERM or SIGINT stops a run within a second and leaves earlier results untouched", "[cli][interrupt]") {
  for (int sig : {SIGTERM, SIGINT}) {
    const fs::path out = temp_dir("signal");
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
    fs::remove_all(out);
  }
}

TEST_CASE("Resuming after an interruption with --resume gives the uninterrupted run's results byte for byte", "[cli][interrupt]") {
  const fs::path whole = temp_dir("whole"), resumed = temp_dir("resumed");
  REQUIRE(run(run_args(whole, {}, 6)) == 0);
  const pid_t pid = spawn(run_args(resumed, {}, 6));
  // Let at least one replication finish, then interrupt.
  const fs::path saved = resumed / ".replications";
  for (int i = 0; i < 600; ++i) {
    bool any = false;
    if (fs::exists(saved))
      for (auto& e : fs::recursive_directory_iterator(saved)) any = any || e.path().extension() == ".bin";
    if (any) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGINT);
  const int rc = wait_exit(pid);
  if (rc == 0) WARN("the run finished before the signal; the resume below reuses nothing");
  else CHECK(rc == 128 + SIGINT);
  CHECK_FALSE(fs::exists(resumed / "summary.json"));
  REQUIRE(run(run_args(resumed, {"--resume"}, 6)) == 0);
  for (const char* f : {"summary.json", "counts.csv", "queues.csv", "occupancy.csv"}) {
    INFO(f);
    CHECK(read(whole / f) == read(resumed / f));
  }
  CHECK_FALSE(fs::exists(resumed / ".replications"));  // cleaned up once complete
  fs::remove_all(whole);
  fs::remove_all(resumed);
}

TEST_CASE("a folder holding another scenario's results is not overwritten without --force", "[cli][outputs]") {
  const fs::path out = temp_dir("force");
  REQUIRE(run(run_args(out)) == 0);
  const auto before = snapshot(out);
  std::vector<std::string> other = run_args(out);
  other[4] = "demand_scale=0.1";  // another scenario: a different hash
  CHECK(run(other) == 2);
  CHECK(snapshot(out) == before);
  CHECK(run(run_args(out)) == 0);  // the same scenario may be rerun into its folder
  other.push_back("--force");
  CHECK(run(other) == 0);
  CHECK(read(out / "summary.json") != before.at("summary.json"));
  fs::remove_all(out);
}

TEST_CASE("An interrupted calibration resumed with --resume writes the uninterrupted fit", "[cli][interrupt][calibrate]") {
  const std::string scenario = std::string(EXPOFLOW_SOURCE_DIR) + "/tests/data/calibrate/recovery.toml";
  const fs::path whole = temp_dir("calib-whole"), resumed = temp_dir("calib-resumed");
  auto args = [&](const fs::path& out, bool resume) {
    std::vector<std::string> a = {kBinary, "calibrate", scenario, "--out", (out / "fit.toml").string(),
                                  "--max-iterations", "2", "--check-replications", "2", "-j", "1"};
    if (resume) a.push_back("--resume");
    return a;
  };
  REQUIRE(run(args(whole, false)) == 0);
  const pid_t pid = spawn(args(resumed, false));
  const fs::path saved = resumed / "fit.toml.evaluations";
  for (int i = 0; i < 600; ++i) {  // until a few evaluations are saved
    std::size_t n = 0;
    if (fs::exists(saved)) n = static_cast<std::size_t>(std::distance(fs::directory_iterator(saved), {}));
    if (n >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGINT);
  const int rc = wait_exit(pid);
  if (rc == 0) WARN("the calibration finished before the signal");
  else CHECK(rc == 128 + SIGINT);
  CHECK_FALSE(fs::exists(resumed / "fit.toml"));
  REQUIRE(run(args(resumed, true)) == 0);
  // The fit is the same; only the comment lines naming the date and the output differ.
  auto values = [](const fs::path& f) {
    std::istringstream in(read(f));
    std::string line, out;
    while (std::getline(in, line))
      if (!line.empty() && line[0] != '#' && line.rfind("extends", 0) != 0) out += line + "\n";
    return out;
  };
  CHECK(values(whole / "fit.toml") == values(resumed / "fit.toml"));
  CHECK_FALSE(fs::exists(saved));
  fs::remove_all(whole);
  fs::remove_all(resumed);
}
