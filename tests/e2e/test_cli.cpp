// The command line as a user meets it: help and version, every problem of a bad scenario reported
// like a compiler's error (file:line:col: path: message) with exit code 2 and nothing written,
// a bad --set caught the same way, the shipped scenario valid, what --stats prints, and a run
// beyond the event calendar's reach stopped with exit code 1.
//
// The bad scenarios in tests/data/cli/ each extend tests/data/small/tiny.toml and change one thing
// (several.toml changes three), so the expected positions are in short files of their own.
#include <catch2/catch.hpp>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "model/world.hpp"
#include "../support.hpp"

using namespace expoflow::test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

std::string project_version() {
  const std::string cmake = read_text(kSourceDir / "CMakeLists.txt");
  std::smatch m;
  REQUIRE(std::regex_search(cmake, m, std::regex(R"(project\(expoflow VERSION ([0-9][0-9.]*))")));
  return m[1];
}

std::string nothing_written(std::size_t n, const std::string& file) {
  return "expoflow: " + std::to_string(n) + " problem(s) in " + file + "; nothing was run or written";
}

}  // namespace

TEST_CASE("Help exits 0 and lists the subcommands", "[cli]") {
  const TempDir tmp("cli-help");
  const Outcome o = run_expoflow("--help", tmp);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Contains("run"));
  CHECK_THAT(o.out, Contains("validate"));
  CHECK(o.err.empty());
}

TEST_CASE("Version prints expoflow and the project version", "[cli]") {
  const TempDir tmp("cli-version");
  const Outcome o = run_expoflow("--version", tmp);
  CHECK(o.code == 0);
  CHECK(o.out == "expoflow " + project_version() + "\n");
}

TEST_CASE("A command line that does not parse fails with exit code 2", "[cli]") {
  const TempDir tmp("cli-usage");
  CHECK(run_expoflow("", tmp).code == 2);                                     // no subcommand
  CHECK(run_expoflow("run", tmp).code == 2);                                  // no scenario
  CHECK(run_expoflow("run tests/data/small/tiny.toml -r 0", tmp).code == 2);  // out of range
  CHECK(run_expoflow("frobnicate", tmp).code == 2);
}

TEST_CASE("validate accepts the shipped scenario and the tiny test scenario", "[cli]") {
  const TempDir tmp("cli-validate");
  Outcome o = run_expoflow("validate scenarios/ciie2024.toml", tmp);
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, StartsWith("scenarios/ciie2024.toml: valid"));
  CHECK(o.err.empty());

  o = run_expoflow("validate tests/data/small/tiny.toml", tmp);
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, StartsWith("tests/data/small/tiny.toml: valid"));
}

TEST_CASE("run on a good scenario writes the summary and the three tables", "[cli]") {
  const TempDir tmp("cli-run");
  const fs::path out = tmp.path / "results" / "tiny";
  const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r 2 --seed 3 --quiet --out '" + out.string() + "'", tmp);
  INFO(o.err);
  CHECK(o.code == 0);
  // --quiet silences progress only: the results table is printed all the same.
  CHECK(o.err.empty());
  CHECK_THAT(o.out, Contains("reported total"));
  CHECK_THAT(o.out, Contains("wrote " + out.string() + "/summary.json"));
  for (const char* f : {"summary.json", "kpis.csv", "headroom.csv", "counts.csv", "queues.csv", "occupancy.csv",
                        "series.csv", "site.json"}) {
    INFO(f);
    CHECK(fs::file_size(out / f) > 0);
  }
  // Nothing half-written is left behind (files are written to a temporary name and renamed).
  std::size_t entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(out)) ++entries;
  CHECK(entries == 8);
}

TEST_CASE("A bad scenario gives one compiler-style line per problem and exit code 2 and writes nothing", "[cli]") {
  struct Case {
    std::string file;
    std::vector<std::string> expected;  // the exact stderr lines before the closing summary
  };
  const std::vector<Case> cases = {
      {"tests/data/cli/unknown_key.toml",
       {"tests/data/cli/unknown_key.toml:6:1: gate[main]: unknown key 'service_mean'; did you mean 'service_mean_s'?"}},
      {"tests/data/cli/negative_service.toml",
       {"tests/data/cli/negative_service.toml:6:1: gate[main].service_mean_s: must be 0.5..7200 s, got -8"}},
      {"tests/data/cli/missing_node.toml",
       {"tests/data/cli/missing_node.toml:6:1: walk_origin[plaza].node: no node 'plazza'; did you mean 'plaza'? "
        "(valid: plaza, main_gate, halls); declare it in a [[node]] table"}},
      {"tests/data/cli/shares.toml",
       {"tests/data/cli/shares.toml:9:1: class[delegation].access: shares must sum to 1, got 0.9"}},
  };
  const TempDir tmp("cli-bad");
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.file) {
      const std::string expected = join_lines(c.expected) + nothing_written(c.expected.size(), c.file) + "\n";
      const Outcome v = run_expoflow("validate " + c.file, tmp);
      CHECK(v.code == 2);
      CHECK(v.err == expected);
      CHECK(v.out.empty());

      const fs::path out = tmp.path / "out";
      const Outcome r = run_expoflow("run " + c.file + " -r 1 --out '" + out.string() + "'", tmp);
      CHECK(r.code == 2);
      CHECK(r.err == expected);
      CHECK(r.out.empty());
      CHECK_FALSE(fs::exists(out));
    }
  }
}

TEST_CASE("A TOML syntax error is reported at its line and column", "[cli]") {
  const TempDir tmp("cli-syntax");
  const std::string file = "tests/data/cli/syntax_error.toml";
  const fs::path out = tmp.path / "out";
  const Outcome r = run_expoflow("run " + file + " --out '" + out.string() + "'", tmp);
  CHECK(r.code == 2);
  // The wording after "invalid TOML: " is the TOML parser's own.
  CHECK_THAT(r.err, StartsWith(file + ":4:8: invalid TOML: "));
  CHECK_THAT(r.err, Contains(nothing_written(1, file)));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("Every problem of a file is reported before stopping", "[cli]") {
  const TempDir tmp("cli-several");
  const std::string file = "tests/data/cli/several.toml";
  const Outcome v = run_expoflow("validate " + file, tmp);
  CHECK(v.code == 2);
  CHECK_THAT(v.err, Contains(file + ":6:1: gate[main].service_mean_s: must be 0.5..7200 s, got 0\n"));
  // The lanes table is merged key by key with the base's: the problem is where this file changed it.
  CHECK_THAT(v.err, Contains(file + ":7:1: gate[main].lanes: lanes must be whole numbers >= 0, got 2.5\n"));
  CHECK_THAT(v.err, Contains(file + ":10:1: halls.close: must be after open\n"));
  CHECK_THAT(v.err, Contains(nothing_written(3, file)));
}

TEST_CASE("A bad set override fails with exit code 2 and writes nothing", "[cli]") {
  const TempDir tmp("cli-set");
  const fs::path out = tmp.path / "out";
  const std::string run = "run scenarios/ciie2024.toml -r 1 --out '" + out.string() + "' --set ";

  Outcome o = run_expoflow(run + "'gate[nowhere].lanes_scale=2'", tmp);
  CHECK(o.code == 2);
  // The valid ids are listed; the problem is the override's, not the scenario file's.
  CHECK(o.err == join_lines({"--set: gate[nowhere].lanes_scale: unknown id 'nowhere' in 'gate' (valid: west, east, "
                             "south, north)",
                             nothing_written(1, "the values of --set")}));

  o = run_expoflow(run + "'gate[west].lane_scale=2'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, StartsWith("--set: gate[west]: unknown key 'lane_scale'; did you mean 'lanes_scale'?\n"));

  o = run_expoflow(run + "gate_west", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, StartsWith("--set: expected path=value, got 'gate_west'\n"));

  o = run_expoflow(run + "'gate[west].lanes_scale=-1'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("gate[west].lanes_scale"));

  // A share changed by --set makes the shares of its table sum to 0.8: the --set is to blame, not
  // the file that wrote the table.
  o = run_expoflow("validate tests/data/small/tiny.toml --set 'class[visitor].access.walk=0.8'", tmp);
  CHECK(o.code == 2);
  CHECK(o.err == join_lines({"--set: class[visitor].access: shares must sum to 1, got 0.8",
                             nothing_written(1, "the values of --set")}));

  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("run --stats prints the events processed and the peak of pending events, as counted by stepping the model",
          "[cli][stats]") {
  const TempDir tmp("cli-stats");
  const std::string run = "run tests/data/small/tiny.toml -r 2 -j 2 --seed 3 --quiet --out '" + (tmp.path / "out").string() + "'";
  const Outcome o = run_expoflow(run + " --stats", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  std::smatch m;
  const std::regex line(R"(^events (\d+) in ([0-9.]+) s \(([0-9.e+]+) events/s\), peak pending events (\d+), (\d+) thread\(s\), peak memory (\d+) MB\n$)");
  REQUIRE(std::regex_match(o.err, m, line));
  const double events = std::stod(m[1]), seconds = std::stod(m[2]), rate = std::stod(m[3]);

  // The same two replications stepped here, one event at a time: events processed in all, and
  // the most events pending at once in either (the calendar only grows within a step).
  const auto s = load_or_fail("tests/data/small/tiny.toml");
  const expoflow::model::Simulation sim(s);
  double stepped = 0;
  std::size_t peak = 0;
  for (std::uint32_t r = 0; r < 2; ++r) {
    expoflow::model::World w(sim, 3, r, nullptr);
    expoflow::model::start_run(w);
    peak = std::max(peak, w.cal.size());
    while (expoflow::model::step(w)) {
      ++stepped;
      peak = std::max(peak, w.cal.size());
    }
  }
  REQUIRE(stepped > 1000);
  CHECK(events == stepped);
  CHECK(std::stoul(m[4]) == peak);
  // The rate is the events over the seconds printed (each rounded as printed).
  if (seconds > 0.002) {
    CHECK(rate >= events / (seconds + 0.0005) * 0.995);
    CHECK(rate <= events / (seconds - 0.0005) * 1.005);
  }
  CHECK(std::stol(m[6]) > 0);

  // Without --stats, nothing.
  const Outcome quiet = run_expoflow(run, tmp);
  CHECK(quiet.code == 0);
  CHECK(quiet.err.empty());
}

TEST_CASE("a scenario whose busiest day makes more parties than a replication can hold at once is refused at "
          "validation, naming the key, writing nothing",
          "[cli][bad_input]") {
  // 16.8 million visitors on one day: party 16,777,216 would be one beyond the event calendar's
  // 24-bit targets (the calendar refuses it too, tests/kernel). Refused before anything runs.
  const TempDir tmp("cli-calendar-limit");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run tests/data/limits/calendar_overflow.toml -r 1 -j 1 --quiet --out '" + out.string() + "'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("tests/data/limits/calendar_overflow.toml:"));
  CHECK_THAT(o.err, Contains("class[visitor].volume: demand makes up to 16,777,216 parties on its busiest day, more "
                             "than the 16,777,215 a replication can hold at once"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("visitors whose only way home is out of its hours, with no taxi stand or walk origin to turn to, keep it and wait",
          "[cli][replan]") {
  const TempDir tmp("cli-egress-out-of-hours");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run tests/data/limits/egress_out_of_hours.toml -r 1 -j 1 --quiet --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(fs::exists(out / "summary.json"));
  // Everyone came in. Those leaving waited on the platform of the line that opens at the horizon
  // (its 300 places full), and its first train, at 08:00, took 125 of them: its 200 places less
  // the 75 background riders aboard (0.375 x 200); 175 were left behind.
  CHECK(std::regex_search(o.out, std::regex(R"(line\[line_in\]\s+\S+\s+\S+\s+\S+\s+4,320\n)")));
  CHECK(std::regex_search(o.out, std::regex(R"(line\[line_out\]\s+300\s+\S+\s+175\s+125\n)")));
}

TEST_CASE("visitors whose only way home is a bus out of its hours, with nothing else open, wait at its stop for the first bus",
          "[cli][replan]") {
  const TempDir tmp("cli-egress-bus-out-of-hours");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run tests/data/limits/egress_bus_out_of_hours.toml -r 1 -j 1 --quiet --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  // All 600 came by bus and all 600 left on the line that opens at 08:00, nobody turned away:
  // they waited at its stop (not sent back to it at once, for ever).
  CHECK(std::regex_search(o.out, std::regex(R"(line\[bus_in\]\s+\S+\s+\S+\s+\S+\s+600\n)")));
  CHECK(std::regex_search(o.out, std::regex(R"(line\[bus_out\]\s+\S+\s+\S+\s+\S+\s+600\n)")));
}

TEST_CASE("car users leaving after their lot shuttle's last trip walk to their car", "[cli][replan]") {
  const TempDir tmp("cli-shuttle-after-hours");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run tests/data/limits/shuttle_after_hours.toml -r 1 -j 1 --quiet --out '" + out.string() + "'", tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);
  // Some reached the shuttle's stop out of its hours (the case is exercised), and the run ended.
  const std::string kpis = read_text(out / "kpis.csv");
  std::smatch m;
  REQUIRE(std::regex_search(kpis, m, std::regex(R"(run,run,0,\d+,replans\.service_closed_persons,(\d+),)")));
  CHECK(std::stoi(m[1]) > 0);
}

TEST_CASE("An unknown command is named as unknown, with the commands listed, exit 2", "[cli][bad_input]") {
  const TempDir tmp("cli-unknown");
  for (const std::string args : {"frobnicate", "frobnicate --help", "optimise --help"}) {
    INFO(args);
    const Outcome o = run_expoflow(args, tmp);
    CHECK(o.code == 2);
    CHECK(o.out.empty());
    CHECK_THAT(o.err, Contains("unknown command '" + args.substr(0, args.find(' ')) + "'"));
    CHECK_THAT(o.err, Contains("run, compare, validate"));
  }
}

TEST_CASE("A seed below 0 or over 2^64-1, or threads below 0, is an error, not a wrap", "[cli][bad_input]") {
  const TempDir tmp("cli-seed");
  for (const std::string arg : {"--seed -1", "--seed 18446744073709551616", "--seed 1e3", "--threads -1"}) {
    INFO(arg);
    const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r 1 -q -o '" + (tmp.path / "out").string() + "' " +
                                       arg, tmp);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Contains("must be a whole number 0..18446744073709551615"));
    CHECK(!fs::exists(tmp.path / "out"));
  }
  const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r 1 -q --seed 18446744073709551615 -o '" +
                                     (tmp.path / "out").string() + "'", tmp);
  CHECK(o.code == 0);
}

TEST_CASE("Threads beyond what is needed: --threads starts no more threads than replications or cores, and says so "
          "in --help", "[cli]") {
  const TempDir tmp("cli-threads");
  const Outcome help = run_expoflow("run --help", tmp);
  CHECK_THAT(help.out, Contains("at most one per replication and per core, and 256 in all"));
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  for (const std::uint32_t reps : {1u, 2u, 5u}) {
    INFO(reps << " replication(s)");
    const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r " + std::to_string(reps) +
                                       " --threads 10000 --stats -q --force -o '" + (tmp.path / "out").string() + "'",
                                   tmp);
    INFO(o.err);
    CHECK(o.code == 0);
    std::smatch m;
    REQUIRE(std::regex_search(o.err, m, std::regex(R"((\d+) thread\(s\), peak memory (\d+) MB)")));
    CHECK(std::stoul(m[1]) == std::min(reps, cores));
    CHECK(std::stol(m[2]) < 500);
  }
}

TEST_CASE("A symlink loop is named as such, a UTF-8 byte-order mark is skipped", "[cli][bad_input]") {
  const TempDir tmp("cli-files");
  fs::create_symlink(tmp.path / "b.toml", tmp.path / "a.toml");
  fs::create_symlink(tmp.path / "a.toml", tmp.path / "b.toml");
  Outcome o = run_expoflow("validate '" + (tmp.path / "a.toml").string() + "'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Contains("a.toml: a symlink loop"));

  // The tiny scenario with a byte-order mark before its first line.
  std::ofstream(tmp.path / "bom.toml", std::ios::binary)
      << "\xEF\xBB\xBF" << read_text(kSourceDir / "tests" / "data" / "small" / "tiny.toml");
  o = run_expoflow("validate '" + (tmp.path / "bom.toml").string() + "'", tmp);
  INFO(o.err);
  CHECK(o.code == 0);
  CHECK_THAT(o.out, Contains("bom.toml: valid"));
}

TEST_CASE("Running out of memory is reported in a sentence with exit code 1, never as an uncaught exception",
          "[cli][bad_input]") {
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of address space for its shadow: under a 20 MB limit the
  // process cannot start at all, so there is nothing of expoflow's to check.
  WARN("not run under AddressSanitizer");
  return;
#endif
  const TempDir tmp("cli-memory");
  // 20 MB of address space: the first large allocation of a run of the shipped scenario fails.
  const std::string cmd = "cd '" + kSourceDir.string() + "' && ulimit -v 20000 && '" + kBinary +
                          "' run scenarios/ciie2024.toml -r 1 -j 1 -q -o '" + (tmp.path / "out").string() + "' 2>'" +
                          (tmp.path / "err.txt").string() + "'";
  const int code = shell(cmd);
  const std::string err = read_text(tmp.path / "err.txt");
  INFO(err);
  CHECK(code == 1);
  CHECK_THAT(err, StartsWith("expoflow: out of memory"));
  CHECK_THAT(err, !Contains("terminate called"));
}

TEST_CASE("A second writer into an output folder in use is refused at once, naming the folder, and damages nothing",
          "[cli][bad_input]") {
  const TempDir tmp("cli-lock");
  const fs::path out = tmp.path / "out";
  fs::create_directories(out / ".replications");
  std::ofstream(out / "summary.json") << "{\"scenario_hash\": \"the first writer's\"}";
  std::ofstream(out / ".replications" / "r0.bin") << "saved";
  // This test holds the folder as a run writing into it would.
  const int fd = ::open(out.c_str(), O_RDONLY | O_DIRECTORY);
  REQUIRE(fd >= 0);
  REQUIRE(::flock(fd, LOCK_EX | LOCK_NB) == 0);
  for (const std::string cmd : {"run tests/data/small/tiny.toml -r 1 --force",
                                "compare tests/data/small/tiny.toml tests/data/small/tiny.toml -r 2"}) {
    INFO(cmd);
    const Outcome o = run_expoflow(cmd + " -q -o '" + out.string() + "'", tmp);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Contains("the output folder " + out.string() + " is in use by another expoflow"));
    CHECK(read_text(out / "summary.json") == "{\"scenario_hash\": \"the first writer's\"}");
    CHECK(read_text(out / ".replications" / "r0.bin") == "saved");
    CHECK(!fs::exists(out / "comparison.csv"));
  }
  ::close(fd);
  // Released: the next writer goes ahead, and leaves no lock file behind.
  const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r 1 --force -q -o '" + out.string() + "'", tmp);
  CHECK(o.code == 0);
  std::size_t entries = 0;
  for ([[maybe_unused]] auto& e : fs::directory_iterator(out)) ++entries;
  CHECK(entries == 8);
}

TEST_CASE("A SIGTERM that arrives while the results are written lets them be finished, then exits 143 and says so",
          "[cli]") {
  const TempDir tmp("cli-late-signal");
  const fs::path out = tmp.path / "out";
  // The hook makes the process signal itself as it starts writing counts.csv, the second file.
  const ScopedEnv signal("EXPOFLOW_SIGNAL_WRITE", "counts.csv");
  const Outcome o = run_expoflow("run tests/data/small/tiny.toml -r 1 -q -o '" + out.string() + "'", tmp);
  CHECK(o.code == 143);
  CHECK_THAT(o.err, Contains("interrupted after the work was done; what it writes was written in full"));
  for (const char* f : {"summary.json", "counts.csv", "queues.csv", "occupancy.csv"}) {
    INFO(f);
    CHECK(fs::file_size(out / f) > 0);
  }
}

TEST_CASE("Demand that cannot fit is refused before anything runs, with the estimate and what is available",
          "[cli][resources]") {
  const TempDir tmp("cli-demand");
  for (const char* scale : {"100", "1000"}) {
    INFO("demand_scale = " << scale);
    const fs::path out = tmp.path / scale;
    const Outcome o = run_expoflow(std::string("run scenarios/ciie2024-calibrated.toml -r 1 -q --set demand_scale=") +
                                       scale + " --out '" + out.string() + "'",
                                   tmp);
    INFO(o.err);
    CHECK(o.code == 2);
    // The limit of parties at once, named with the day's estimate, at the class whose volume makes most.
    CHECK(std::regex_search(o.err, std::regex(R"(\.volume: demand makes up to [0-9,]+ parties on its )"
                                              R"(busiest day, more than the 16,777,215 a replication can hold at once)")));
    CHECK_THAT(o.err, Contains("nothing was run or written"));
    CHECK_FALSE(fs::exists(out));
  }
  // Control: the same scenario at its own demand passes the estimate (validation only).
  CHECK(run_expoflow("validate scenarios/ciie2024-calibrated.toml", tmp).code == 0);
}

TEST_CASE("Saved replications that would not fit on the output folder's disk are refused before anything runs",
          "[cli][resources]") {
  const TempDir tmp("cli-disk");
  const fs::path out = tmp.path / "out";
  const double free_bytes = static_cast<double>(fs::space(tmp.path).available);
  const Outcome o =
      run_expoflow("run scenarios/ciie2024-calibrated.toml -r 100000 -q --out '" + out.string() + "'", tmp);
  INFO(o.err);
  // 100,000 replications of about 3.7 MB each: 370 GB at the least.
  if (free_bytes > 1.5e12) {
    WARN("this disk has " << free_bytes / 1e12 << " TB free: the refusal cannot be seen here");
    return;
  }
  CHECK(o.code == 2);
  std::smatch m;
  REQUIRE(std::regex_search(o.err, m, std::regex(R"(100000 replications saved for --resume need about ([0-9.]+) (TB|GB) of disk \(([0-9.]+) MB each\) in )")));
  CHECK(std::stod(m[3]) >= 3.7);  // at least what one is measured to take
  CHECK_THAT(o.err, Contains("free: run fewer replications, or choose an --out on a larger disk; nothing was run or written"));
  CHECK_FALSE(fs::exists(out));
}
