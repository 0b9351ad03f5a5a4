// The bad-scenario corpus (tests/bad_scenarios/): every NAME.toml there is malformed in its own
// way, and NAME.expected holds the exact lines expoflow must print on stderr for it: one
// `file:line:col: path: what is wrong` per problem, then the summary line. For every file, both
// `expoflow validate FILE` and `expoflow run FILE --out DIR` must exit with code 2, print exactly
// those lines, print nothing on stdout, and create or change no output directory.
//
// In a .expected file `{...}` stands for any text (for what depends on the machine, such as its
// free memory). The .expected files are written by hand, each line naming the file and line that
// hold the bad value (in a file that extends another, the line of the file that set it; in a
// table merged from several files, the line of the last file that wrote into it), never copied
// from what expoflow prints: that would freeze whatever position it gives, right or wrong. A
// missing .expected file fails the test, which shows what was printed.
//
// A 1 GB line is generated here, in a temporary folder, never committed: the loader must refuse
// it by its size, quickly and without reading it.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;

namespace {

const fs::path kCorpus = kSourceDir / "tests" / "bad_scenarios";

// `line` matches `pattern`, where `{...}` in the pattern stands for any text.
bool matches(const std::string& pattern, const std::string& line) {
  const std::string any = "{...}";
  std::vector<std::string> parts;
  for (std::size_t at = 0;;) {
    const std::size_t next = pattern.find(any, at);
    parts.push_back(pattern.substr(at, next == std::string::npos ? std::string::npos : next - at));
    if (next == std::string::npos) break;
    at = next + any.size();
  }
  if (parts.size() == 1) return pattern == line;
  if (line.compare(0, parts.front().size(), parts.front()) != 0) return false;
  std::size_t pos = parts.front().size();
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    pos = line.find(parts[i], pos);
    if (pos == std::string::npos) return false;
    pos += parts[i].size();
  }
  const std::string& last = parts.back();
  return line.size() >= pos + last.size() &&
         line.compare(line.size() - last.size(), last.size(), last) == 0;
}

// Every expected line, in order, and nothing else.
void check_lines(const std::string& expected, const std::string& actual) {
  const auto want = split_lines(expected), got = split_lines(actual);
  bool same = want.size() == got.size();
  for (std::size_t i = 0; same && i < want.size(); ++i) same = matches(want[i], got[i]);
  if (!same) {
    INFO("expected:\n" << expected << "\nactual:\n" << actual);
    CHECK(same);
  }
}

std::vector<fs::path> corpus() {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCorpus))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("the bad-scenario corpus has at least 40 cases, each with its expected message",
          "[bad_input]") {
  const auto files = corpus();
  CHECK(files.size() >= 40);
  for (const auto& f : files) {
    INFO("file: " << f.string());
    CHECK(fs::exists(fs::path(f).replace_extension(".expected")));
  }
}

TEST_CASE("every bad scenario: exit code 2, exactly its expected problems, nothing written",
          "[bad_input][cli]") {
  TempDir tmp("bad-scenarios");
  const fs::path kept = tmp.path / "kept";  // an earlier run's output folder, to be left alone
  fs::create_directories(kept);
  {
    std::ofstream(kept / "summary.json") << "{\"scenario\": \"earlier\"}\n";
  }
  const auto before = snapshot(kept);

  for (const auto& file : corpus()) {
    const std::string rel = fs::relative(file, kSourceDir).string();
    const fs::path expected_file = fs::path(file).replace_extension(".expected");
    INFO("bad scenario: " << rel);

    const Outcome v = run_expoflow("validate '" + rel + "'", tmp);
    INFO("printed:\n" << v.err);
    REQUIRE(fs::exists(expected_file));
    const std::string expected = read_text(expected_file);
    CHECK(v.code == 2);
    CHECK(v.out.empty());
    check_lines(expected, v.err);
    // The summary line counts every problem listed above it.
    const auto lines = split_lines(v.err);
    REQUIRE(!lines.empty());
    CHECK(lines.back() == "expoflow: " + std::to_string(lines.size() - 1) + " problem(s) in " + rel +
                              "; nothing was run or written");

    const fs::path fresh = tmp.path / "out";
    const Outcome r = run_expoflow("run '" + rel + "' --quiet --replications 1 --out '" + fresh.string() + "'",
                                   tmp);
    CHECK(r.code == 2);
    CHECK(r.out.empty());
    check_lines(expected, r.err);
    CHECK_FALSE(fs::exists(fresh));

    const Outcome k = run_expoflow("run '" + rel + "' --quiet --replications 1 --out '" + kept.string() + "'",
                                   tmp);
    CHECK(k.code == 2);
    CHECK(snapshot(kept) == before);
  }
}

TEST_CASE("a 1 GB line is refused by its size, at once, without being read", "[bad_input][cli]") {
  TempDir tmp("huge-line");
  const fs::path huge = tmp.path / "huge.toml";
  {
    std::ofstream out(huge, std::ios::binary);
    out << "name = \"";
    const std::string chunk(1 << 20, 'x');
    for (int i = 0; i < 1024; ++i) out << chunk;
    out << "\"\n";
    REQUIRE(out.good());
  }
  REQUIRE(fs::file_size(huge) > (1ull << 30));

  const auto t0 = std::chrono::steady_clock::now();
  const Outcome v = run_expoflow("validate '" + huge.string() + "'", tmp);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  CHECK(v.code == 2);
  check_lines(huge.string() + ": file is too large (1.0 GB; the limit is 64 MB)\n" +
                  "expoflow: 1 problem(s) in " + huge.string() + "; nothing was run or written\n",
              v.err);
  CHECK(seconds < 5);
  // The largest child of this process so far (the shell, expoflow) stayed far below the file.
  rusage usage{};
  REQUIRE(::getrusage(RUSAGE_CHILDREN, &usage) == 0);
  CHECK(usage.ru_maxrss < 256 * 1024);  // kB

  const fs::path out = tmp.path / "out";
  const Outcome r = run_expoflow("run '" + huge.string() + "' --quiet --out '" + out.string() + "'", tmp);
  CHECK(r.code == 2);
  CHECK_FALSE(fs::exists(out));
  fs::remove(huge);
}

TEST_CASE("a FIFO as the scenario or as its extends target is refused at once, not opened", "[bad_input][cli]") {
  TempDir tmp("fifo");
  const fs::path fifo = tmp.path / "pipe.toml";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const fs::path child = tmp.path / "child.toml";
  {
    std::ofstream out(child);
    out << "extends = \"pipe.toml\"\nname = \"child\"\n";
  }
  // Opening a FIFO for reading blocks until a writer comes: `timeout` ends such a run (exit 124).
  for (const fs::path& file : {fifo, child}) {
    INFO(file.string());
    const fs::path err = tmp.path / "stderr.txt";
    const int code = shell("timeout 20 '" + kBinary + "' validate '" + file.string() + "' >/dev/null 2>'" +
                           err.string() + "'");
    CHECK(code == 2);
    CHECK(read_text(err).find("is not a regular file (a pipe, a device or a socket): only files are read") !=
          std::string::npos);
  }
}

TEST_CASE("a key nested 50,000 levels deep is refused with its depth, not a stack overflow", "[bad_input][cli]") {
  TempDir tmp("deep-key");
  std::string levels = "a";
  for (int i = 0; i < 50000; ++i) levels += ".a";
  // A dotted key, a table header and a dotted key in an inline table: each nests one table per level.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"dotted.toml", "name = \"deep\"\n" + levels + " = 1\n"},
      {"header.toml", "name = \"deep\"\n[" + levels + "]\n"},
      {"inline.toml", "name = \"deep\"\nx = { " + levels + " = 1 }\n"}};
  for (const auto& [name, text] : cases) {
    INFO(name);
    const fs::path file = tmp.path / name;
    std::ofstream(file) << text;
    const Outcome v = run_expoflow("validate '" + file.string() + "'", tmp);
    CHECK(v.code == 2);
    const std::string column = name == "inline.toml" ? "6" : "1";  // where the key starts
    check_lines(file.string() + ":2:" + column +
                    ": invalid TOML: a key nested more than 256 levels deep (a dotted key or table header)\n" +
                    "expoflow: 1 problem(s) in " + file.string() + "; nothing was run or written\n",
                v.err);
  }
  // A key at the limit is still read (and reported as unknown, like any other).
  const fs::path ok = tmp.path / "ok.toml";
  std::string at_limit = "a";
  for (int i = 0; i < 256; ++i) at_limit += ".a";
  std::ofstream(ok) << at_limit << " = 1\n";
  const Outcome v = run_expoflow("validate '" + ok.string() + "'", tmp);
  CHECK(v.err.find("nested more than") == std::string::npos);
}
