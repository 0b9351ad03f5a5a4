// Every result says what made it, and a folder of one configuration's results is not silently
// replaced by another's: summary.json, comparison.json and sweep.json record the scenario files,
// hash, overrides, seed and replications, with version, commit and time in one "provenance" block;
// run, compare and sweep refuse (exit code 2, naming the difference) to write into a folder that
// holds another configuration's result unless --force. Also: the printed titles show the
// overrides, --quiet silences progress only, and compare warns of unrelated scenarios.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <regex>

#include "../support.hpp"

using namespace expoflow::test;
using Catch::Matchers::Contains;
using json = nlohmann::json;

namespace {

const std::string kTiny = "tests/data/small/tiny.toml";
const std::string kMetro = "tests/data/whatif/metro.toml";
const std::string kSuspend = "tests/data/whatif/suspend_a.toml";

json read_json(const fs::path& p) {
  INFO("reading " << p.string());
  REQUIRE(fs::exists(p));
  return json::parse(read_text(p));
}

Outcome command(const std::string& args, const TempDir& tmp) {
  const Outcome o = run_expoflow(args, tmp);
  INFO(args << "\n" << o.out << o.err);
  return o;
}

// The provenance block: version, commit and an ISO 8601 UTC time.
void check_provenance(const json& j) {
  REQUIRE(j.contains("provenance"));
  const json& p = j["provenance"];
  CHECK(p["version"].get<std::string>().find('.') != std::string::npos);
  CHECK(!p["git_commit"].get<std::string>().empty());
  CHECK(std::regex_match(p["time"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  // Nothing of it outside the block.
  CHECK_FALSE(j.contains("version"));
}

}  // namespace

TEST_CASE("summary.json records files, hash with the overrides, overrides, seed, replications and provenance",
          "[cli][outputs][provenance]") {
  const TempDir tmp("prov-run");
  const fs::path out = tmp.path / "out";
  const Outcome o = command("run " + kSuspend + " --set demand_scale=0.5 -r 2 --seed 4 -q --out '" + out.string() + "'",
                             tmp);
  REQUIRE(o.code == 0);
  const json s = read_json(out / "summary.json");
  CHECK(s["scenario_file"] == kSuspend);
  CHECK(s["extends"] == json::array({"tests/data/whatif/metro.toml"}));
  CHECK(s["overrides"] == json::array({"demand_scale=0.5"}));
  CHECK(s["seed"] == 4);
  CHECK(s["replications"] == 2);
  check_provenance(s);
  // The recorded hash is the scenario's with the override applied, not the file's alone.
  const auto plain = load_or_fail(kSuspend), scaled = load_or_fail(kSuspend, {"demand_scale=0.5"});
  CHECK(s["scenario_hash"] == scaled.hash);
  CHECK(s["scenario_hash"] != plain.hash);
  // The printed title shows the override.
  CHECK_THAT(o.out, Contains(plain.title + " --set demand_scale=0.5 — 2 replication(s), seed 4"));
}

TEST_CASE("two identical runs differ only inside the provenance block", "[cli][outputs][provenance]") {
  const TempDir tmp("prov-identical");
  for (const char* dir : {"a", "b"})
    REQUIRE(command("run " + kTiny + " -r 1 -q --out '" + (tmp.path / dir).string() + "'", tmp).code == 0);
  const std::string a = read_text(tmp.path / "a" / "summary.json"), b = read_text(tmp.path / "b" / "summary.json");
  CHECK(without_provenance(a) == without_provenance(b));
  CHECK(without_provenance(a) != a);  // there was a block to leave out
}

TEST_CASE("run refuses a folder of another seed, replication count or overrides, naming it, unless --force",
          "[cli][outputs][provenance]") {
  const TempDir tmp("prov-refuse");
  const fs::path out = tmp.path / "out";
  const std::string into = " -q --out '" + out.string() + "'";
  REQUIRE(command("run " + kTiny + " -r 2 --seed 1" + into, tmp).code == 0);
  const auto before = snapshot(out);
  struct Case {
    std::string args, message;
  };
  const Case cases[] = {
      {"-r 2 --seed 2", out.string() + " holds a run with seed 1, this one has seed 2; choose another --out, or --force"},
      {"-r 1 --seed 1", "holds a run with replications 2, this one has replications 1"},
      {"-r 2 --seed 1 --set demand_scale=0.5", "holds a run with overrides none, this one has overrides demand_scale=0.5"},
  };
  for (const Case& c : cases) {
    INFO(c.args);
    const Outcome o = command("run " + kTiny + " " + c.args + into, tmp);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Contains(c.message));
    CHECK(o.out.empty());
    CHECK(snapshot(out) == before);
  }
  // The same configuration again is no difference; --force replaces the result.
  CHECK(command("run " + kTiny + " -r 2 --seed 1" + into, tmp).code == 0);
  CHECK(command("run " + kTiny + " -r 2 --seed 2 --force" + into, tmp).code == 0);
  CHECK(read_json(out / "summary.json")["seed"] == 2);
}

TEST_CASE("compare records both scenarios and refuses a folder of another comparison or of a run",
          "[cli][compare][provenance]") {
  const TempDir tmp("prov-compare");
  const fs::path out = tmp.path / "cmp";
  const std::string into = " -r 2 -q --out '" + out.string() + "'";
  const Outcome o = command("compare " + kMetro + " " + kSuspend + " --set demand_scale=0.5" + into, tmp);
  REQUIRE(o.code == 0);
  // The header names base and variant, the variant with its overrides.
  CHECK_THAT(o.out, Contains("base whatif_metro vs variant whatif_suspend_a --set demand_scale=0.5 — 2 paired"));
  const json c = read_json(out / "comparison.json");
  CHECK(c["base_scenario_file"] == kMetro);
  CHECK(c["base_overrides"] == json::array());
  CHECK(c["variant_scenario_file"] == kSuspend);
  CHECK(c["variant_extends"] == json::array({"tests/data/whatif/metro.toml"}));
  CHECK(c["variant_overrides"] == json::array({"demand_scale=0.5"}));
  CHECK(c["variant_scenario_hash"] == load_or_fail(kSuspend, {"demand_scale=0.5"}).hash);
  CHECK(c["replications"] == 2);
  check_provenance(c);
  // Scenarios of one ancestry and one site: no warning.
  CHECK_FALSE(o.err.find("warning") != std::string::npos);

  const Outcome other = command("compare " + kMetro + " " + kSuspend + into, tmp);
  CHECK(other.code == 2);
  CHECK_THAT(other.err, Contains("holds a comparison with variant_overrides demand_scale=0.5, this one has "
                                 "variant_overrides none"));
  const Outcome run = command("run " + kMetro + into, tmp);
  CHECK(run.code == 2);
  CHECK_THAT(run.err, Contains(out.string() + " holds a comparison, this is a run"));
  CHECK(command("compare " + kMetro + " " + kSuspend + " --force" + into, tmp).code == 0);
}

TEST_CASE("compare warns when base and variant share no ancestry and describe different sites",
          "[cli][compare][provenance]") {
  const TempDir tmp("prov-kinship");
  const Outcome o = command("compare " + kTiny + " " + kMetro + " -r 2 -q --out '" + (tmp.path / "c").string() + "'",
                             tmp);
  CHECK(o.code == 0);
  CHECK_THAT(o.err, Contains("warning: " + kTiny + " and " + kMetro + " share no `extends` ancestry"));
  CHECK_THAT(o.err, Contains("warning: base and variant describe different sites (only in base: "));
}

TEST_CASE("sweep writes sweep.json beside sweep.csv and refuses another sweep's folder", "[cli][sweep][provenance]") {
  const TempDir tmp("prov-sweep");
  const fs::path out = tmp.path / "sweep";
  const std::string grid = "sweep " + kTiny + " --param demand_scale=0.5,1 --set bin_minutes=30 -r 1 -q --out '" +
                           out.string() + "'";
  const Outcome o = command(grid, tmp);
  REQUIRE(o.code == 0);
  CHECK_THAT(o.out, Contains("sweep.json"));  // --quiet: the table is printed all the same
  const json s = read_json(out / "sweep.json");
  CHECK(s["scenario_file"] == kTiny);
  CHECK(s["overrides"] == json::array({"bin_minutes=30"}));
  CHECK(s["params"] == json::array({"demand_scale=0.5,1"}));
  CHECK(s["scenario_hash"] == json::array({load_or_fail(kTiny, {"bin_minutes=30", "demand_scale=0.5"}).hash,
                                           load_or_fail(kTiny, {"bin_minutes=30", "demand_scale=1"}).hash}));
  CHECK(s["variants"] == json::array({json::array({"0.5"}), json::array({"1"})}));
  check_provenance(s);
  const Outcome again = command(grid + " --seed 5", tmp);
  CHECK(again.code == 2);
  CHECK_THAT(again.err, Contains("holds a sweep with seed 1, this one has seed 5"));
}

TEST_CASE("a --param value that does not parse is named as --param, not blamed on the scenario", "[cli][sweep][bad_input]") {
  const TempDir tmp("prov-param");
  const Outcome o = command("sweep " + kTiny + " --param 'demand_scale=1,x y' -r 1 -q --out '" +
                                 (tmp.path / "s").string() + "'",
                             tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("--param: demand_scale: bad value 'x y'"));
  CHECK_THAT(o.err, Contains("expoflow: 1 problem(s) in the values of --param; nothing was run or written"));
  CHECK_FALSE(o.err.find("--set") != std::string::npos);
  CHECK_FALSE(o.err.find(kTiny) != std::string::npos);
}

TEST_CASE("an unknown id in a --set path lists the valid ids", "[cli][bad_input]") {
  const TempDir tmp("prov-set-id");
  const Outcome o = command("validate " + kMetro + " --set 'line[L99].headway_min=3'", tmp);
  CHECK(o.code == 2);
  const auto m = load_or_fail(kMetro);
  std::string ids;
  for (const auto& l : m.lines) ids += (ids.empty() ? "" : ", ") + l.id;
  CHECK_THAT(o.err, Contains("--set: line[L99].headway_min: unknown id 'L99' in 'line' (valid: " + ids + ")"));
  CHECK_THAT(o.err, Contains("in the values of --set"));
}
