#pragma once
// What the tests share: where the sources and the binary under test are, temporary folders,
// reading files, running a shell command or the expoflow binary and capturing what it prints,
// loading a scenario that must be valid, and reading the record stream of a replication.
//
// Every test target is compiled with EXPOFLOW_SOURCE_DIR (the repository root) and
// EXPOFLOW_BINARY (the expoflow executable under test) defined (tests/CMakeLists.txt).
#include <cmath>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

#include "scenario/scenario.hpp"
#include "model/simulation.hpp"

namespace expoflow::test {

namespace fs = std::filesystem;

// The repository root, and the binary under test.
inline const fs::path kSourceDir = EXPOFLOW_SOURCE_DIR;
inline const std::string kBinary = EXPOFLOW_BINARY;

// A path below the repository root, e.g. source_path("scenarios/ciie2024.toml").
// The sample size (replications) of a statistical test: n, scaled by EXPOFLOW_TEST_SAMPLES (a
// fraction; the sanitizer preset runs these tests with fewer samples), never below 8.
inline std::uint32_t samples(std::uint32_t n) {
  const char* env = std::getenv("EXPOFLOW_TEST_SAMPLES");
  const double scale = env ? std::atof(env) : 1.0;
  if (!(scale > 0) || scale >= 1) return n;
  return std::max<std::uint32_t>(8, static_cast<std::uint32_t>(std::lround(n * scale)));
}

inline std::string source_path(const std::string& rel) { return std::string(EXPOFLOW_SOURCE_DIR) + "/" + rel; }

// ---- files ---------------------------------------------------------------------------------------

// A fresh folder under the system's temporary directory (expoflow-test-NAME-PID), removed with
// everything in it.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& name)
      : path(fs::temp_directory_path() / ("expoflow-test-" + name + "-" + std::to_string(::getpid()))) {
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

// The bytes of a file ("" when it cannot be read).
inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A result's JSON (summary.json, comparison.json, sweep.json) without its "provenance" block
// (version, git commit, time of the run: what differs between identical runs), re-dumped: what
// byte-for-byte comparisons of results compare. The text itself when it is not a JSON object.
inline std::string without_provenance(const std::string& text) {
  auto j = nlohmann::ordered_json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return text;
  j.erase("provenance");
  return j.dump(2) + "\n";
}

// A result file as byte-for-byte comparisons see it: a JSON file without its provenance, any
// other file as it is.
inline std::string read_result(const fs::path& p) {
  const std::string text = read_text(p);
  return p.extension() == ".json" ? without_provenance(text) : text;
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Each line followed by a newline; past `most` lines, "... and N more" instead of the rest.
inline std::string join_lines(const std::vector<std::string>& lines,
                              std::size_t most = std::numeric_limits<std::size_t>::max()) {
  std::string out;
  for (std::size_t i = 0; i < lines.size() && i < most; ++i) out += lines[i] + "\n";
  if (lines.size() > most) out += fmt::format("... and {} more\n", lines.size() - most);
  return out;
}

// The comma-separated fields of a line of expoflow's CSV tables (which need no quoting).
inline std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(f);
  return out;
}

// a and b agree within `rel` of the larger of 1 and |b| (numbers read back from text).
inline bool close_to(double a, double b, double rel) { return std::abs(a - b) <= rel * std::max(1.0, std::abs(b)); }

// Everything below dir, to see that nothing was created, removed or changed in it: each regular
// file's path relative to dir -> its bytes, each folder's relative path with a trailing '/' -> "".
inline std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file()) out[rel] = read_text(e.path());
    else out[rel + "/"] = "";
  }
  return out;
}

// ---- processes -----------------------------------------------------------------------------------

// An environment variable set for the commands run while it lives (e.g. the test hook
// EXPOFLOW_FAIL_WRITE of support/files.hpp), unset again after.
struct ScopedEnv {
  std::string name;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) { ::setenv(name.c_str(), value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name.c_str()); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
};

// Runs `cmd` with /bin/sh; its exit code, or -1 when it did not exit (killed by a signal).
inline int shell(const std::string& cmd) {
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Outcome {
  int code = -1;
  std::string out, err;
};

// Runs expoflow with `args` (shell words, quoted as needed) from the repository root, so that
// scenario paths, and the file names in its messages, are relative to it. Its stdout and stderr
// go through files in tmp (stdout.txt, stderr.txt).
inline Outcome run_expoflow(const std::string& args, const TempDir& tmp) {
  const fs::path out = tmp.path / "stdout.txt", err = tmp.path / "stderr.txt";
  const std::string cmd = "cd '" + kSourceDir.string() + "' && '" + kBinary + "' " + args + " >'" + out.string() +
                          "' 2>'" + err.string() + "'";
  Outcome o;
  o.code = shell(cmd);
  o.out = read_text(out);
  o.err = read_text(err);
  return o;
}

// ---- the model -----------------------------------------------------------------------------------

// The scenario at `rel` (below the repository root) with `overrides` (--set PATH=VALUE) applied;
// the test fails with every problem reported when it does not load.
inline scenario::Scenario load_or_fail(const std::string& rel, const std::vector<std::string>& overrides = {}) {
  scenario::Problems problems;
  auto s = scenario::load_scenario(source_path(rel), overrides, problems);
  INFO(rel << "\n" << problems.report());
  REQUIRE(s);
  return std::move(*s);
}

// The index of the place named `id` (its records' `place`).
inline std::uint32_t place_index(const model::Simulation& sim, const std::string& id) {
  const auto& places = sim.places();
  for (std::size_t i = 0; i < places.size(); ++i)
    if (places[i].id == id) return static_cast<std::uint32_t>(i);
  FAIL("no place " << id);
  return 0;
}

// Every record of a replication, in the order emitted (non-decreasing time).
class RecordLog final : public model::RecordObserver {
 public:
  void on_record(const model::Record& r) override { records.push_back(r); }
  std::vector<model::Record> records;
};

// Persons (or vehicles) in the records of one kind at one place with from <= time < to.
inline double sum_of(const std::vector<model::Record>& log, std::uint32_t place, scenario::RecordKind kind, Time from,
                     Time to, bool vehicles = false) {
  double n = 0;
  for (const model::Record& r : log)
    if (r.place == place && r.kind == kind && r.time >= from && r.time < to) n += vehicles ? r.vehicles : r.persons;
  return n;
}

// How many records of one kind there are at one place.
inline std::size_t count_of(const std::vector<model::Record>& log, std::uint32_t place, scenario::RecordKind kind) {
  return static_cast<std::size_t>(std::count_if(
      log.begin(), log.end(), [&](const model::Record& r) { return r.place == place && r.kind == kind; }));
}

// ---- queueing theory ---------------------------------------------------------------------------

// Erlang C: the probability that an arrival waits in an M/M/c queue with offered load a = lambda
// / mu. Erlang B by the stable recursion B(k) = a B(k-1) / (k + a B(k-1)), then
// C = c B / (c - a (1 - B)); a^c / c! would overflow for large c.
inline double erlang_c(int c, double a) {
  double b = 1;
  for (int k = 1; k <= c; ++k) b = a * b / (k + a * b);
  return c * b / (c - a * (1 - b));
}

}  // namespace expoflow::test
