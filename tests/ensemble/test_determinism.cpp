// Determinism of the whole pipeline, through the command line: the same scenario and seed give
// byte-identical summary.json (but for its provenance block: version, commit, time of the run)
// and CSV tables whatever the number of threads (each replication's
// streams depend only on (seed, stream, replication), and results are combined in replication
// order), and another seed gives another result. The same holds for compare and calibrate (sweep:
// tests/e2e/test_sweep.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "../support.hpp"

using namespace expoflow::test;

namespace {

const char* const kOutputs[] = {"summary.json", "counts.csv", "queues.csv", "occupancy.csv", "series.csv"};

// `expoflow run` on the CIIE baseline at a tenth of the demand, three replications, into `out`;
// the test stops unless it succeeds.
void run_ciie(unsigned seed, unsigned threads, const fs::path& out, const TempDir& tmp) {
  const std::string args = "run '" + source_path("scenarios/ciie2024.toml") + "' --set demand_scale=0.1 -r 3 --seed " +
                           std::to_string(seed) + " --threads " + std::to_string(threads) + " --quiet --out '" +
                           out.string() + "'";
  const Outcome o = run_expoflow(args, tmp);
  INFO(args << "\n" << o.err);
  REQUIRE(o.code == 0);
}

}  // namespace

TEST_CASE("Same scenario and seed give byte-identical outputs on 1 and 2 threads and another seed differs",
          "[determinism][cli]") {
  const TempDir tmp("determinism");
  const fs::path one = tmp.path / "seed7-threads1", two = tmp.path / "seed7-threads2",
                 other = tmp.path / "seed8-threads2";
  run_ciie(7, 1, one, tmp);
  run_ciie(7, 2, two, tmp);
  run_ciie(8, 2, other, tmp);

  for (const char* name : kOutputs) {
    INFO(name);
    const std::string a = read_result(one / name), b = read_result(two / name);
    REQUIRE(!a.empty());
    CHECK(a.size() == b.size());
    const bool identical = a == b;  // byte for byte; megabytes are not worth printing on failure
    CHECK(identical);
  }

  const std::string s7 = read_text(one / "summary.json"), s8 = read_text(other / "summary.json");
  REQUIRE(!s8.empty());
  CHECK(s7 != s8);
  CHECK(s7.find("\"seed\": 7") != std::string::npos);
  CHECK(s8.find("\"seed\": 8") != std::string::npos);
  // Not only the seed field: the simulated numbers differ too.
  const bool counts_differ = read_text(one / "counts.csv") != read_text(other / "counts.csv");
  CHECK(counts_differ);
}

TEST_CASE("compare writes the same comparison on 1 and 2 threads and another seed differs", "[determinism][cli][compare]") {
  const TempDir tmp("determinism-compare");
  auto compare = [&](unsigned seed, unsigned threads, const std::string& dir) {
    const std::string args = "compare tests/data/whatif/metro.toml tests/data/whatif/suspend_a.toml -r 3 --seed " +
                             std::to_string(seed) + " -j " + std::to_string(threads) + " -q --out '" +
                             (tmp.path / dir).string() + "'";
    const Outcome o = run_expoflow(args, tmp);
    INFO(args << "\n" << o.err);
    REQUIRE(o.code == 0);
  };
  compare(7, 1, "one");
  compare(7, 2, "two");
  compare(8, 2, "other");
  for (const char* name : {"comparison.json", "comparison.csv"}) {
    INFO(name);
    const std::string one = read_result(tmp.path / "one" / name);
    REQUIRE(!one.empty());
    CHECK(one == read_result(tmp.path / "two" / name));
    CHECK(one != read_result(tmp.path / "other" / name));
  }
}

TEST_CASE("calibrate writes the same fit on 1 and 2 threads and another seed differs", "[determinism][cli][calibrate]") {
  const TempDir tmp("determinism-calibrate");
  // The fit and its report; the date (today) and the report's run time left out.
  auto calibrate = [&](unsigned seed, unsigned threads, const std::string& dir) {
    const fs::path out = tmp.path / dir / "fit.toml";
    const std::string args = "calibrate tests/data/calibrate/recovery.toml --max-iterations 1 -r 2 --check-replications 2 --seed " +
                             std::to_string(seed) + " -j " + std::to_string(threads) + " -q --out '" + out.string() + "'";
    const Outcome o = run_expoflow(args, tmp);
    INFO(args << "\n" << o.err);
    REQUIRE(o.code == 0);
    const std::regex date(R"(\d{4}-\d{2}-\d{2})");
    std::string text;
    for (const fs::path& f : {out, fs::path(out).replace_extension(".json")})
      for (const std::string& line : split_lines(read_text(f)))
        if (line.find("\"seconds\"") == std::string::npos) text += std::regex_replace(line, date, "DATE") + "\n";
    return text;
  };
  const std::string one = calibrate(1, 1, "one");
  CHECK(one.find("fitted") != std::string::npos);
  CHECK(one == calibrate(1, 2, "two"));
  CHECK(one != calibrate(2, 2, "other"));
}
