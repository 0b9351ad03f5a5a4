// `expoflow sensitivity`, through the command line: on a site built so that one assumption must
// drive the entrance wait (tests/data/sensitivity/entrance.toml: the screening time of lanes near
// capacity, against the floor area of halls that never fill), the tornado ranks it first, with
// paired intervals that exclude zero; bad [[assumption]] tables are input errors with file, line
// and key; the outputs do not depend on the thread count.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;
using Catch::Matchers::Contains;

namespace {

const std::string kEntrance = "tests/data/sensitivity/entrance.toml";

std::string sensitivity_args(const std::string& scenario, const fs::path& out, unsigned threads,
                             const std::string& more = "") {
  return "sensitivity " + scenario + " -r 10 --seed 3 -j " + std::to_string(threads) + " -q --out '" + out.string() +
         "'" + more;
}

// sensitivity.csv's rows of one indicator, by assumption path and side: {value, diff, lo, hi, rank}.
std::map<std::pair<std::string, std::string>, std::vector<double>> rows_of(const fs::path& csv, const std::string& indicator) {
  const auto lines = split_lines(read_text(csv));
  REQUIRE(!lines.empty());
  CHECK(lines[0] == "indicator,assumption,label,side,value,base_mean,diff_mean,ci95_lo,ci95_hi,rank");
  std::map<std::pair<std::string, std::string>, std::vector<double>> out;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    REQUIRE(f.size() == 10);
    if (f[0] == indicator)
      out[{f[1], f[3]}] = {std::stod(f[4]), std::stod(f[6]), std::stod(f[7]), std::stod(f[8]), std::stod(f[9])};
  }
  return out;
}

}  // namespace

TEST_CASE("the tornado ranks first the assumption that drives the entrance wait", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity");
  const Outcome o = run_expoflow(sensitivity_args(kEntrance, tmp.path / "out", 2), tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  const auto rows = rows_of(tmp.path / "out" / "sensitivity.csv", "entrances.wait_p95_s");
  REQUIRE(rows.size() == 4);
  const auto& slow = rows.at({"gate[main].service_mean_s", "high"});
  const auto& quick = rows.at({"gate[main].service_mean_s", "low"});
  const auto& halls = rows.at({"halls.area_m2", "high"});
  // The screening time is ranked first although the file lists the halls first.
  CHECK(slow[4] == 1);
  CHECK(halls[4] == 2);
  CHECK(quick[0] == 10);
  CHECK(slow[0] == 20);
  CHECK(halls[0] == 15000);  // 1.5 x the scenario's 10,000 m²: no range given
  // Slower screening lengthens the wait, quicker shortens it, and both intervals exclude zero.
  CHECK(slow[2] > 0);
  CHECK(quick[3] < 0);
  // Halls that never fill leave every replication's entrance wait exactly as it was.
  CHECK(halls[1] == 0);
  CHECK(halls[2] == 0);
  CHECK(halls[3] == 0);
}

TEST_CASE("sensitivity prints the tornado table and writes its JSON", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-text");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("sensitivity " + kEntrance + " -r 3 -j 2 --top 1 --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Contains("entrances.wait_p95_s"));
  CHECK_THAT(o.out, Contains("screening time"));
  CHECK_THAT(o.out, !Contains("halls floor area"));  // --top 1
  const std::string json = read_text(out / "sensitivity.json");
  CHECK_THAT(json, Contains("\"gate[main].service_mean_s\""));
  CHECK_THAT(json, Contains("\"difference_ci95\""));
}

TEST_CASE("sensitivity writes the same outputs on 1 and 2 threads", "[cli][sensitivity][determinism]") {
  const TempDir tmp("sensitivity-threads");
  REQUIRE(run_expoflow(sensitivity_args(kEntrance, tmp.path / "one", 1), tmp).code == 0);
  REQUIRE(run_expoflow(sensitivity_args(kEntrance, tmp.path / "two", 2), tmp).code == 0);
  const auto one = snapshot(tmp.path / "one"), two = snapshot(tmp.path / "two");
  CHECK(one.size() == 2);
  CHECK(one == two);
}

TEST_CASE("bad assumptions are input errors with file, line and key", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-bad");
  const Outcome o = run_expoflow(sensitivity_args("tests/data/sensitivity/bad.toml", tmp.path / "out", 1), tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("tests/data/sensitivity/bad.toml:6:1: assumption[0].path: no value at "
                             "'gate[main].screening_s' in the scenario: no key 'screening_s' in 'gate[main]'"));
  CHECK_THAT(o.err, Contains("tests/data/sensitivity/bad.toml:10:1: assumption[1].path: 'halls.node' is a string, "
                             "not a number"));
  CHECK_THAT(o.err, Contains("tests/data/sensitivity/bad.toml:16:1: assumption[2].high: low must be below high"));
  CHECK(!fs::exists(tmp.path / "out"));
}

TEST_CASE("an assumption whose low or high value makes no valid scenario is an input error", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-range");
  const Outcome o = run_expoflow("validate tests/data/sensitivity/range.toml", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("tests/data/sensitivity/range.toml:7:1: assumption[0].low: with low = -5 the scenario is not valid: gate[main].service_mean_s: "
                             "must be 0.5..7200 s, got -5"));
}

TEST_CASE("a share moves with its vector's residual", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-shares");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("sensitivity tests/data/sensitivity/shares.toml -r 2 -j 2 -q --out '" + out.string() +
                                     "' --indicator gate[a].entries",
                                 tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);  // had the residual (walk) not moved, neither side's shares would sum to 1
  // -q silences progress only: the tornado is printed all the same.
  CHECK(o.err.empty());
  CHECK(o.out.find("wrote " + out.string() + "/sensitivity.csv") != std::string::npos);
  const auto rows = rows_of(out / "sensitivity.csv", "gate[a].entries");
  REQUIRE(rows.size() == 2);
  CHECK(rows.at({"class[visitor].access.car", "low"})[0] == Approx(0.1));
  CHECK(rows.at({"class[visitor].access.car", "high"})[0] == Approx(0.3));
}

TEST_CASE("an unknown indicator is an input error that names near ones", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-indicator");
  const Outcome o =
      run_expoflow(sensitivity_args(kEntrance, tmp.path / "out", 1, " --indicator entrances.wait_p59_s"), tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("--indicator entrances.wait_p59_s: no such indicator"));
  CHECK_THAT(o.err, Contains("gate[main].wait_p95_s"));
  CHECK(!fs::exists(tmp.path / "out"));
}

TEST_CASE("a scenario without assumptions has nothing to move", "[cli][sensitivity]") {
  const TempDir tmp("sensitivity-none");
  const Outcome o = run_expoflow(sensitivity_args("tests/data/small/tiny.toml", tmp.path / "out", 1), tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("has no assumptions"));
}
