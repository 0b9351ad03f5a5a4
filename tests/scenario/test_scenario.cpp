// Scenario documents: parsing with positions, extends merging, parameter paths, tracked reading.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/document.hpp"

using namespace expoflow::scenario;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

namespace {

std::string fixture(const std::string& name) {
  return std::string(EXPOFLOW_SOURCE_DIR) + "/tests/data/scenario/" + name;
}

Node parse_ok(std::string_view text) {
  Problems problems;
  auto doc = parse(text, "t.toml", problems);
  INFO(problems.report());
  REQUIRE(doc);
  REQUIRE(problems.empty());
  return *doc;
}

std::string only_problem(const Problems& problems) {
  INFO(problems.report());
  REQUIRE(problems.size() == 1);
  return format(problems.list().front());
}

}  // namespace

TEST_CASE("format puts file, position, path and message in compiler order") {
  CHECK(format({{"s.toml", 42, 7}, "gate[west].service_mean_s", "must be > 0, got -8"}) ==
        "s.toml:42:7: gate[west].service_mean_s: must be > 0, got -8");
  CHECK(format({{"s.toml", 0, 0}, "", "file not found"}) == "s.toml: file not found");
  Problems problems;
  problems.error({"a.toml", 1, 2}, "x", "bad");
  problems.error({"a.toml", 3, 4}, "", "worse");
  CHECK(problems.report() == "a.toml:1:2: x: bad\na.toml:3:4: worse\n");
}

TEST_CASE("parse keeps file order, kinds and the position of every key") {
  const Node doc = parse_ok(
      "zeta = 1\n"
      "alpha = 2.5\n"
      "\n"
      "[gate]\n"
      "  lanes = 3\n"
      "  open = true\n"
      "  day = 2024-11-05\n"
      "  list = [1, \"two\"]\n");
  REQUIRE(doc.members.size() == 3);
  CHECK(doc.members[0].first == "zeta");
  CHECK(doc.members[1].first == "alpha");
  CHECK(doc.members[1].second.kind == Node::Kind::floating);
  const Node* lanes = lookup(doc, "gate.lanes");
  REQUIRE(lanes);
  CHECK(lanes->kind == Node::Kind::integer);
  CHECK(lanes->integer == 3);
  CHECK(lanes->pos.file == "t.toml");
  CHECK(lanes->pos.line == 5);
  CHECK(lanes->pos.column == 3);
  const Node* gate = doc.find("gate");
  REQUIRE(gate);
  CHECK(gate->pos.line == 4);
  CHECK(gate->members[1].first == "open");
  const Node* day = lookup(doc, "gate.day");
  REQUIRE(day);
  CHECK(day->kind == Node::Kind::datetime);
  CHECK(day->text == "2024-11-05");
  const Node* list = lookup(doc, "gate.list");
  REQUIRE(list);
  REQUIRE(list->items.size() == 2);
  CHECK(list->items[1].type_name() == "a string");
  CHECK(list->items[1].pos.line == 8);
  CHECK(list->items[1].pos.column == 14);
}

TEST_CASE("an empty document is an empty table") {
  const Node doc = parse_ok("");
  CHECK(doc.is_table());
  CHECK(doc.members.empty());
}

TEST_CASE("a TOML syntax error reports line and column") {
  Problems problems;
  CHECK_FALSE(parse("a = 1\nb = = 2\n", "bad.toml", problems));
  const std::string line = only_problem(problems);
  CHECK_THAT(line, Catch::Matchers::StartsWith("bad.toml:2:"));
  CHECK_THAT(line, Contains("invalid TOML"));
  CHECK(problems.list().front().pos.column > 0);
}

TEST_CASE("text that is not UTF-8 is refused with the byte and its line") {
  Problems problems;
  CHECK_FALSE(parse("a = 1\nb = \"x\xff\"\n", "latin.toml", problems));
  CHECK(only_problem(problems) ==
        "latin.toml:2:7: file is not valid UTF-8 text (byte 0xff at line 2)");

  // The same through load, from a file written now.
  const auto file = std::filesystem::temp_directory_path() / "expoflow_test_latin1.toml";
  {
    std::ofstream out(file, std::ios::binary);
    out << "# caf\xe9\nname = \"x\"\n";
  }
  Problems from_file;
  CHECK_FALSE(load(file, from_file));
  CHECK_THAT(only_problem(from_file), Contains("byte 0xe9 at line 1"));
  std::filesystem::remove(file);

  Problems fine;
  CHECK(parse("name = \"caf\xc3\xa9 \xe2\x82\xac\"\n", "utf8.toml", fine));
  CHECK(fine.empty());
  // Overlong encodings are not UTF-8.
  Problems overlong;
  CHECK_FALSE(parse("a = \"\xc0\xaf\"\n", "o.toml", overlong));
}

TEST_CASE("a missing file is one problem naming it") {
  Problems problems;
  CHECK_FALSE(load(fixture("does_not_exist.toml"), problems));
  CHECK_THAT(only_problem(problems), EndsWith("does_not_exist.toml: file not found"));
}

TEST_CASE("extends merges tables, arrays of tables by id and replaces other values") {
  Problems problems;
  auto doc = load(fixture("child.toml"), problems);
  INFO(problems.report());
  REQUIRE(doc);
  REQUIRE(problems.empty());
  CHECK_FALSE(doc->find("extends"));

  // Scalars and plain arrays: the child's value, at the child's position.
  const Node* name = doc->find("name");
  REQUIRE(name);
  CHECK(name->text == "child");
  CHECK_THAT(name->pos.file, EndsWith("child.toml"));
  CHECK(name->pos.line == 2);
  const Node* weights = doc->find("weights");
  REQUIRE(weights);
  REQUIRE(weights->items.size() == 1);
  CHECK(weights->items[0].integer == 4);

  // Tables key by key.
  CHECK(lookup(*doc, "demand.total")->integer == 1500);
  CHECK_THAT(lookup(*doc, "demand.total")->pos.file, EndsWith("child.toml"));
  const Node* peak = lookup(*doc, "demand.peak");
  REQUIRE(peak);
  CHECK(peak->text == "10:00");
  CHECK_THAT(peak->pos.file, EndsWith("/base.toml"));
  CHECK(peak->pos.line == 7);

  // Arrays of tables by id; a new id is appended.
  const Node* gates = doc->find("gate");
  REQUIRE(gates);
  REQUIRE(gates->items.size() == 3);
  CHECK(gates->items[0].find("id")->text == "west");
  CHECK(gates->items[1].find("id")->text == "east");
  CHECK(gates->items[2].find("id")->text == "north");
  const Node* lanes = lookup(*doc, "gate[west].lanes");
  REQUIRE(lanes);
  CHECK(lanes->integer == 6);
  CHECK_THAT(lanes->pos.file, EndsWith("child.toml"));
  CHECK(lanes->pos.line == 10);
  const Node* service = lookup(*doc, "gate[west].service_mean_s");
  REQUIRE(service);
  CHECK(service->integer == 8);
  CHECK_THAT(service->pos.file, EndsWith("/base.toml"));
  CHECK(service->pos.line == 12);
  CHECK(lookup(*doc, "gate[north].service_mean_s")->integer == 7);

  // A table the child writes into is where the child wrote into it (a problem of the table as a
  // whole, such as shares that no longer sum to 1, is the child's doing); one it leaves alone is
  // where the base defined it.
  CHECK_THAT(doc->find("demand")->pos.file, EndsWith("child.toml"));
  CHECK(doc->find("demand")->pos.line == 5);
  CHECK_THAT(lookup(*doc, "gate[west]")->pos.file, EndsWith("child.toml"));
  CHECK(lookup(*doc, "gate[west]")->pos.line == 8);
  CHECK_THAT(lookup(*doc, "gate[east]")->pos.file, EndsWith("/base.toml"));
  CHECK(lookup(*doc, "gate[east]")->pos.line == 14);

  // Arrays of tables without ids are replaced as a whole.
  const Node* phases = doc->find("phase");
  REQUIRE(phases);
  REQUIRE(phases->items.size() == 1);
  CHECK(phases->items[0].find("start")->text == "d2 09:00");
}

TEST_CASE("extends is resolved relative to the file that says it, through a chain") {
  Problems problems;
  auto doc = load(fixture("sub/grandchild.toml"), problems);
  INFO(problems.report());
  REQUIRE(doc);
  CHECK(problems.empty());
  CHECK(lookup(*doc, "demand.peak")->text == "11:30");
  CHECK_THAT(lookup(*doc, "demand.peak")->pos.file, EndsWith("grandchild.toml"));
  CHECK(lookup(*doc, "demand.total")->integer == 1500);
  CHECK(lookup(*doc, "gate[east].lanes")->integer == 2);
  CHECK_THAT(lookup(*doc, "gate[east].lanes")->pos.file, EndsWith("base.toml"));
}

TEST_CASE("an extends cycle is one problem naming every file in order") {
  Problems problems;
  CHECK_FALSE(load(fixture("cycle_a.toml"), problems));
  const std::string line = only_problem(problems);
  CHECK_THAT(line, Contains("extends cycle: "));
  CHECK_THAT(line, Contains("cycle_a.toml -> "));
  const auto a = line.find("cycle_a.toml ->");
  const auto b = line.find("cycle_b.toml ->");
  const auto again = line.rfind("cycle_a.toml");
  CHECK(a < b);
  CHECK(b < again);
  CHECK_THAT(problems.list().front().pos.file, EndsWith("cycle_b.toml"));
  CHECK(problems.list().front().pos.line == 1);
}

TEST_CASE("a missing base is reported at the extends key") {
  Problems problems;
  CHECK_FALSE(load(fixture("missing_base.toml"), problems));
  only_problem(problems);
  const Problem& p = problems.list().front();
  CHECK_THAT(p.pos.file, EndsWith("missing_base.toml"));
  CHECK(p.pos.line == 2);
  CHECK(p.path == "extends");
  CHECK_THAT(p.message, Contains("'nowhere.toml'"));
  CHECK_THAT(p.message, Contains("file not found"));
}

TEST_CASE("parse_path splits keys and ids and explains bad paths") {
  std::string error;
  auto path = parse_path("demand.class[professional].access.metro", &error);
  REQUIRE(path);
  REQUIRE(path->size() == 4);
  CHECK(path->at(0).key == "demand");
  CHECK_FALSE(path->at(0).id);
  CHECK(path->at(1).key == "class");
  CHECK(path->at(1).id == std::optional<std::string>("professional"));
  CHECK(path->at(3).key == "metro");

  CHECK_FALSE(parse_path("gate[west", &error));
  CHECK_THAT(error, Contains("missing ']'"));
  CHECK_FALSE(parse_path("gate..lanes", &error));
  CHECK_THAT(error, Contains("unexpected '.'"));
  CHECK_FALSE(parse_path("gate[]", &error));
  CHECK_THAT(error, Contains("empty id"));
  CHECK_FALSE(parse_path("", &error));
  CHECK_FALSE(parse_path("gate.", &error));
  CHECK_FALSE(parse_path("gate[w]x", &error));
}

TEST_CASE("lookup follows keys and ids") {
  const Node doc = parse_ok(
      "[[gate]]\nid = \"west\"\nlanes = 4\n"
      "[[gate]]\nid = \"east\"\nlanes = 2\n"
      "[demand.access]\nmetro = 0.4\n");
  REQUIRE(lookup(doc, "gate[east].lanes"));
  CHECK(lookup(doc, "gate[east].lanes")->integer == 2);
  CHECK(lookup(doc, "demand.access.metro")->floating == 0.4);
  CHECK(lookup(doc, "demand.access[metro]")->floating == 0.4);
  CHECK_FALSE(lookup(doc, "gate[south].lanes"));
  CHECK_FALSE(lookup(doc, "gate[east].lanes.x"));
  CHECK_FALSE(lookup(doc, "nothing"));
  CHECK_FALSE(lookup(doc, "gate[east"));
}

TEST_CASE("missing_value names the first key or id on the way that is not there, with the valid ones") {
  const Node doc = parse_ok("[[line]]\nid = \"L1\"\nheadway_min = 3\n[[line]]\nid = \"L2\"\n[halls]\nnode = \"h\"\n");
  CHECK(missing_value(doc, "line[Z99].headway_min") ==
        "no value at 'line[Z99].headway_min' in the scenario: unknown id 'Z99' in 'line' (valid: L1, L2)");
  CHECK(missing_value(doc, "line[L1].headway_mn") ==
        "no value at 'line[L1].headway_mn' in the scenario: no key 'headway_mn' in 'line[L1]'; did you mean "
        "'headway_min'? (valid: id, headway_min)");
  CHECK(missing_value(doc, "hals.node") ==
        "no value at 'hals.node' in the scenario: no key 'hals'; did you mean 'halls'? (valid: line, halls)");
}

TEST_CASE("an element of an array of numbers is named by its 0-based index") {
  Node doc = parse_ok("[[class]]\nid = \"a\"\nleave = { start = \"11:00\", weights = [0.1, 0.2, 0.7] }\n");
  REQUIRE(lookup(doc, "class[a].leave.weights[2]"));
  CHECK(lookup(doc, "class[a].leave.weights[2]")->number() == 0.7);
  CHECK(lookup(doc, "class[a].leave.weights[0]")->number() == 0.1);
  CHECK_FALSE(lookup(doc, "class[a].leave.weights[3]"));
  CHECK_FALSE(lookup(doc, "class[a].leave.weights[x]"));
  Problems problems;
  CHECK(apply_override(doc, "class[a].leave.weights[1]=0.4", "--set", problems));
  INFO(problems.report());
  CHECK(lookup(doc, "class[a].leave.weights[1]")->number() == 0.4);
  CHECK(lookup(doc, "class[a].leave.weights")->items.size() == 3);
  Problems outside;
  CHECK_FALSE(apply_override(doc, "class[a].leave.weights[3]=0.4", "--set", outside));
  CHECK(only_problem(outside) == "--set: class[a].leave.weights[3]: 'class[a].leave.weights' has 3 elements: an index "
                                 "from 0 to 2, not '3'");
}

TEST_CASE("load names the files of the extends chain, nearest first") {
  Problems problems;
  std::vector<std::string> chain;
  REQUIRE(load(fixture("sub/grandchild.toml"), problems, &chain));
  REQUIRE(chain.size() == 2);
  CHECK_THAT(chain[0], EndsWith("child.toml"));
  CHECK_THAT(chain[1], EndsWith("base.toml"));
  std::vector<std::string> none;
  REQUIRE(load(fixture("base.toml"), problems, &none));
  CHECK(none.empty());
}

TEST_CASE("apply_override sets, creates and refuses with a reason") {
  Node doc = parse_ok("[[gate]]\nid = \"west\"\nlanes_scale = 1\n[run]\nseed = 1\n");
  Problems problems;
  CHECK(apply_override(doc, "gate[west].lanes_scale=1.25", "--set", problems));
  CHECK(apply_override(doc, "run.seed = 7", "--set", problems));
  CHECK(apply_override(doc, "run.label=\"peak day\"", "--set", problems));
  CHECK(apply_override(doc, "new.table.value=[1, 2]", "--set", problems));
  INFO(problems.report());
  REQUIRE(problems.empty());
  const Node* scale = lookup(doc, "gate[west].lanes_scale");
  REQUIRE(scale);
  CHECK(scale->floating == 1.25);
  CHECK(scale->pos.file == "--set");
  CHECK(scale->pos.line == 0);
  CHECK(lookup(doc, "run.seed")->integer == 7);
  CHECK(lookup(doc, "run.label")->text == "peak day");
  REQUIRE(lookup(doc, "new.table.value"));
  CHECK(lookup(doc, "new.table.value")->items.size() == 2);
  // The tables an override writes into are now where it wrote into them.
  for (const char* table : {"gate[west]", "run", "new", "new.table"}) {
    INFO(table);
    CHECK(lookup(doc, table)->pos.file == "--set");
  }

  Problems unknown_id;
  CHECK_FALSE(apply_override(doc, "gate[wset].lanes_scale=2", "--set", unknown_id));
  CHECK(only_problem(unknown_id) ==
        "--set: gate[wset].lanes_scale: unknown id 'wset' in 'gate'; did you mean 'west'? (valid: west)");

  Problems bad_value;
  CHECK_FALSE(apply_override(doc, "run.seed=seven", "--set", bad_value));
  CHECK_THAT(only_problem(bad_value), Contains("bad value 'seven'"));

  Problems no_equals;
  CHECK_FALSE(apply_override(doc, "run.seed", "--set", no_equals));
  CHECK_THAT(only_problem(no_equals), Contains("expected path=value"));

  Problems bad_path;
  CHECK_FALSE(apply_override(doc, "run..seed=1", "--set", bad_path));
  CHECK_THAT(only_problem(bad_path), Contains("bad parameter path"));

  Problems through_scalar;
  CHECK_FALSE(apply_override(doc, "run.seed.x=1", "--set", through_scalar));
  CHECK_THAT(only_problem(through_scalar), Contains("'run.seed' is an integer, not a table"));
  CHECK(lookup(doc, "run.seed")->integer == 7);
}

TEST_CASE("clock and moment texts") {
  CHECK(parse_clock("00:00") == 0.0);
  CHECK(parse_clock("08:30") == 8 * 3600.0 + 30 * 60.0);
  CHECK(parse_clock("8:30") == 8 * 3600.0 + 30 * 60.0);
  CHECK(parse_clock("23:59:30") == 23 * 3600.0 + 59 * 60.0 + 30);
  CHECK(parse_clock("24:00") == 86400.0);
  CHECK_FALSE(parse_clock("24:01"));
  CHECK_FALSE(parse_clock("25:00"));
  CHECK_FALSE(parse_clock("12:60"));
  CHECK_FALSE(parse_clock("12:5"));
  CHECK_FALSE(parse_clock("12"));
  CHECK_FALSE(parse_clock("ab:cd"));
  CHECK_FALSE(parse_clock("12:00:"));
  CHECK_FALSE(parse_clock(""));

  CHECK(parse_moment("d1 00:00") == 0.0);
  CHECK(parse_moment("d2 09:15") == 86400.0 + 9 * 3600.0 + 15 * 60.0);
  CHECK(parse_moment("d3 24:00") == 3 * 86400.0);
  CHECK_FALSE(parse_moment("d0 08:00"));
  CHECK_FALSE(parse_moment("1 08:00"));
  CHECK_FALSE(parse_moment("d1"));
  CHECK_FALSE(parse_moment("d1 25:00"));
  CHECK_FALSE(parse_moment("dx 08:00"));
}

TEST_CASE("Reader reports wrong types and missing keys at the key with its full path") {
  const Node doc = parse_ok(
      "[[gate]]\n"
      "id = \"west\"\n"
      "lanes = \"four\"\n");
  Problems problems;
  Reader root(doc, "", problems);
  auto gates = root.tables("gate");
  REQUIRE(gates.size() == 1);
  Reader& west = gates[0];
  CHECK(west.path() == "gate[west]");
  CHECK(west.number("lanes") == 0);
  CHECK(west.number("service_mean_s") == 0);
  CHECK(west.number("optional_scale", 1.5) == 1.5);
  west.finish();
  root.finish();
  REQUIRE(problems.size() == 2);
  CHECK(format(problems.list()[0]) == "t.toml:3:1: gate[west].lanes: expected a number, got a string");
  CHECK(format(problems.list()[1]) == "t.toml:1:1: gate[west].service_mean_s: missing required key");
}

TEST_CASE("Reader finish reports unknown keys with a near miss") {
  const Node doc = parse_ok(
      "name = \"x\"\n"
      "lanse = 3\n"
      "source = \"survey 2024\"\n"
      "note = \"free text\"\n"
      "colour = \"red\"\n"
      "[demand]\n"
      "totl = 5\n");
  Problems problems;
  Reader root(doc, "", problems);
  CHECK(root.string("name") == "x");
  CHECK(root.count("lanes", 1) == 1);  // asked for but absent: still a suggestion
  auto demand = root.table("demand");
  REQUIRE(demand);
  CHECK(demand->number("total", 0) == 0);
  demand->finish();
  root.finish();
  REQUIRE(problems.size() == 3);
  CHECK(format(problems.list()[0]) == "t.toml:7:1: demand: unknown key 'totl'; did you mean 'total'?");
  CHECK(format(problems.list()[1]) == "t.toml:2:1: unknown key 'lanse'; did you mean 'lanes'?");
  CHECK(format(problems.list()[2]) == "t.toml:5:1: unknown key 'colour'");
}

TEST_CASE("Reader checks constraints and returns the fallback") {
  const Node doc = parse_ok(
      "service_mean_s = -8\n"
      "share = 1.5\n"
      "wait = -1\n"
      "lanes = 2.5\n"
      "queue = -3\n"
      "mode = \"bsu\"\n"
      "good_share = 0.25\n"
      "good_mode = \"metro\"\n"
      "weights = [1, \"x\", 3]\n"
      "shares = { metro = 0.4, taxi = -0.1, bus = 0.2 }\n"
      "open = \"25:00\"\n"
      "start = \"d0 08:00\"\n"
      "close = \"18:30\"\n"
      "peak = \"d2 10:00\"\n"
      "flag = 1\n"
      "huge = inf\n");
  Problems problems;
  Reader r(doc, "gate[west]", problems);
  const std::vector<std::string> modes{"metro", "bus", "taxi"};
  CHECK(r.positive("service_mean_s") == 0);
  CHECK(r.fraction("share", 0.5) == 0.5);
  CHECK(r.non_negative("wait", 0) == 0);
  CHECK(r.count("lanes", 1) == 1);
  CHECK(r.count("queue") == 0);
  CHECK(r.choice("mode", modes, "metro") == "metro");
  CHECK(r.fraction("good_share") == 0.25);
  CHECK(r.choice("good_mode", modes, "bus") == "metro");
  CHECK(r.numbers("weights", {9}) == std::vector<double>{9});
  const auto shares = r.number_map("shares");
  REQUIRE(shares.size() == 2);
  CHECK(shares[0].first == "metro");
  CHECK(shares[1].first == "bus");
  CHECK(r.clock("open", 1) == 1);
  CHECK(r.moment("start", 2) == 2);
  CHECK(r.clock("close") == 18 * 3600.0 + 30 * 60.0);
  CHECK(r.moment("peak") == 86400.0 + 10 * 3600.0);
  CHECK(r.boolean("flag", true));
  CHECK(r.positive("huge", 3) == 3);
  r.finish();

  const auto& list = problems.list();
  INFO(problems.report());
  REQUIRE(list.size() == 12);
  CHECK(format(list[0]) == "t.toml:1:1: gate[west].service_mean_s: must be > 0, got -8");
  CHECK(list[1].message == "must be in [0, 1], got 1.5");
  CHECK(list[2].message == "must be >= 0, got -1");
  CHECK(list[3].message == "expected an integer, got a float (2.5)");
  CHECK(list[4].message == "must be >= 0, got -3");
  CHECK(list[5].message == "must be one of 'metro', 'bus', 'taxi', got 'bsu'; did you mean 'bus'?");
  CHECK(list[6].message == "element 2: expected a finite number, got a string");
  CHECK(list[6].pos.column == 15);
  CHECK(list[7].path == "gate[west].shares.taxi");
  CHECK(list[7].message == "must be >= 0, got -0.1");
  CHECK_THAT(list[8].message, Contains("got '25:00'"));
  CHECK_THAT(list[9].message, Contains("got 'd0 08:00'"));
  CHECK(list[10].message == "expected true or false, got an integer");
  CHECK(list[11].message == "must be a finite number, got inf");
}

TEST_CASE("Reader tables reports duplicate ids and reads id for every element") {
  const Node doc = parse_ok(
      "[[gate]]\nid = \"west\"\nlanes = 1\n"
      "[[gate]]\nlanes = 2\n"
      "[[gate]]\nid = \"west\"\nlanes = 3\n");
  Problems problems;
  Reader root(doc, "", problems);
  auto gates = root.tables("gate");
  REQUIRE(gates.size() == 3);
  CHECK(gates[0].path() == "gate[west]");
  CHECK(gates[1].path() == "gate[1]");
  CHECK(gates[2].path() == "gate[west]");
  for (auto& g : gates) {
    g.count("lanes");
    g.finish();
  }
  root.finish();
  CHECK(only_problem(problems) == "t.toml:7:1: gate[west]: duplicate id 'west' (first at t.toml:2)");
}

TEST_CASE("Reader table and tables refuse the wrong shape") {
  const Node doc = parse_ok("demand = 3\ngate = { id = \"west\" }\n");
  Problems problems;
  Reader root(doc, "", problems);
  CHECK_FALSE(root.table("demand"));
  CHECK(root.tables("gate").empty());
  CHECK_FALSE(root.table("absent"));
  CHECK(root.tables("absent_too").empty());
  root.finish();
  REQUIRE(problems.size() == 2);
  CHECK(problems.list()[0].message == "expected a table, got an integer");
  CHECK_THAT(problems.list()[1].message, Contains("expected an array of tables"));
}

TEST_CASE("Reader ranges: number_in and count_in name the range, and fall back outside it") {
  const Node doc = parse_ok("service = 1e300\nspeed = 1e-300\ngood = 30\nbays = 9223372036854775807\nlanes = 4\n"
                            "half = 2.5\n");
  Problems problems;
  Reader r(doc, "gate[west]", problems);
  CHECK(r.number_in("service", {0.5, 7200, "s"}, 15) == 15);
  CHECK(r.number_in("speed", {0.1, 5, "m/s"}) == 0);
  CHECK(r.number_in("good", {0.5, 7200, "s"}) == 30);
  CHECK(r.number_in("absent", {0, 1}, 0.5) == 0.5);
  CHECK(r.count_in("bays", {1, 100000}, 4) == 4);
  CHECK(r.count_in("lanes", {0, 10000}) == 4);
  CHECK(r.count_in("half", {0, 10}, 1) == 1);
  r.finish();
  const auto& list = problems.list();
  INFO(problems.report());
  REQUIRE(list.size() == 4);
  CHECK(format(list[0]) == "t.toml:1:1: gate[west].service: must be 0.5..7200 s, got 1e+300");
  CHECK(list[1].message == "must be 0.1..5 m/s, got 1e-300");
  CHECK(list[2].message == "must be 1..100000, got 9223372036854775807");
  CHECK(list[3].message == "expected an integer, got a float (2.5)");
}
