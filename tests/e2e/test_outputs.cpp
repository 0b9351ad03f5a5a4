// Result files when a write fails and when a run is resumed, through the command line:
// - a write that fails half-way (the test hook EXPOFLOW_FAIL_WRITE of support/files.hpp, which
//   stops writing the named file half-way as a full disk would) leaves no partial file: each
//   result file is whole, the earlier run's or the new one's, and nothing else is in the folder;
//   a calibration's report and scenario are one set, both the earlier ones or both new;
// - `run --resume` reuses exactly the replications saved by a run that did not complete (it says
//   how many) and gives the uninterrupted run's bytes.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "../support.hpp"

using namespace expoflow::test;

namespace {

const std::vector<std::string> kRunSet = {"summary.json", "kpis.csv", "headroom.csv", "counts.csv", "queues.csv",
                                          "occupancy.csv", "series.csv", "site.json"};

// `expoflow run` on the tiny scenario, four replications on one thread, into `out`.
Outcome run_tiny(unsigned seed, const fs::path& out, const TempDir& tmp, const std::string& extra = "--quiet") {
  return run_expoflow("run tests/data/small/tiny.toml -r 4 -j 1 --seed " + std::to_string(seed) + " --out '" +
                          out.string() + "' " + extra,
                      tmp);
}

// The files of a folder (relative paths -> bytes; a JSON file without its provenance block, which
// holds the time of the run), leaving out what lies below `.replications/` (the saved
// replications of a run that did not complete) or `skip`.
std::map<std::string, std::string> files_of(const fs::path& dir, const std::string& skip = ".replications/") {
  std::map<std::string, std::string> out;
  for (auto& [name, bytes] : snapshot(dir))
    if (name.rfind(skip, 0) != 0) out[name] = fs::path(name).extension() == ".json" ? without_provenance(bytes) : bytes;
  return out;
}

std::size_t saved_replications(const fs::path& out) {
  std::size_t n = 0;
  if (fs::exists(out / ".replications"))
    for (auto& e : fs::recursive_directory_iterator(out / ".replications")) n += e.path().extension() == ".bin";
  return n;
}

}  // namespace

TEST_CASE("a result file whose write fails half-way is left as it was and no partial file is left", "[cli][outputs]") {
  const TempDir tmp("failed-write");
  const fs::path earlier = tmp.path / "earlier", fresh = tmp.path / "fresh";
  REQUIRE(run_tiny(3, earlier, tmp).code == 0);
  REQUIRE(run_tiny(4, fresh, tmp).code == 0);
  const auto old_set = files_of(earlier), new_set = files_of(fresh);
  REQUIRE(old_set.size() == kRunSet.size());
  for (const std::string& name : kRunSet)  // seeds 3 and 4 differ; the site they ran on does not
    if (name != "site.json") REQUIRE(old_set.at(name) != new_set.at(name));

  // A failed output file, and a failed replication (the run stops before writing any output).
  std::vector<std::string> failures = kRunSet;
  failures.push_back("replication-00001.bin");
  for (const std::string& failing : failures) {
    INFO("the write of " << failing << " fails");
    const fs::path out = tmp.path / ("out-" + failing);
    fs::copy(earlier, out, fs::copy_options::recursive);
    Outcome o;
    {
      const ScopedEnv fail("EXPOFLOW_FAIL_WRITE", failing);
      o = run_tiny(4, out, tmp, "--quiet --force");  // another seed's result replaces the earlier one
    }
    INFO(o.err);
    CHECK(o.code == 1);
    CHECK(o.err.find("cannot write") != std::string::npos);
    CHECK(o.err.find(failing) != std::string::npos);
    // Every file is whole: the earlier run's, or (written before the failure) the new run's.
    const auto now = files_of(out);
    for (auto& [name, bytes] : now) {
      INFO(name);
      REQUIRE(old_set.count(name));
      CHECK((bytes == old_set.at(name) || bytes == new_set.at(name)));
    }
    CHECK(now.size() == old_set.size());
    if (failing != "replication-00001.bin") CHECK(now.at(failing) == old_set.at(failing));
    else CHECK(now == old_set);
    // Only finished replications were kept, for a later --resume.
    for (auto& [name, bytes] : snapshot(out))
      if (name.rfind(".replications/", 0) == 0 && name.back() != '/') CHECK(fs::path(name).extension() == ".bin");
  }
}

TEST_CASE("a calibration's report and scenario are both the earlier ones when writing either fails",
          "[cli][outputs][calibrate]") {
  const TempDir tmp("failed-calibration");
  const fs::path dir = tmp.path / "fit";
  auto calibrate = [&](const std::string& scenario) {
    return run_expoflow("calibrate tests/data/calibrate/" + scenario + " --out '" + (dir / "fit.toml").string() +
                            "' --max-iterations 0 -r 2 --check-replications 0 -q",
                        tmp);
  };
  REQUIRE(calibrate("sum_only.toml").code == 0);
  const auto earlier = files_of(dir, "fit.toml.evaluations/");
  REQUIRE(earlier.count("fit.toml"));
  REQUIRE(earlier.count("fit.json"));
  for (const char* failing : {"fit.json", "fit.toml"}) {
    INFO("the write of " << failing << " fails");
    Outcome o;
    {
      const ScopedEnv fail("EXPOFLOW_FAIL_WRITE", failing);
      o = calibrate("recovery.toml");
    }
    INFO(o.err);
    CHECK(o.code == 1);
    CHECK(files_of(dir, "fit.toml.evaluations/") == earlier);
  }
  // Control: the same calibration without a failure replaces both.
  REQUIRE(calibrate("recovery.toml").code == 0);
  const auto now = files_of(dir, "fit.toml.evaluations/");
  CHECK(now.at("fit.toml") != earlier.at("fit.toml"));
  CHECK(now.at("fit.json") != earlier.at("fit.json"));
}

TEST_CASE("run --resume reuses the replications a run saved before failing, says how many, and gives the complete run's bytes",
          "[cli][outputs][resume]") {
  const TempDir tmp("resume-saved");
  const fs::path whole = tmp.path / "whole", resumed = tmp.path / "resumed";
  REQUIRE(run_tiny(5, whole, tmp).code == 0);
  {
    // Every replication is finished and saved, then writing the results fails.
    const ScopedEnv fail("EXPOFLOW_FAIL_WRITE", "summary.json");
    REQUIRE(run_tiny(5, resumed, tmp).code == 1);
  }
  REQUIRE(saved_replications(resumed) == 4);
  // One of them lost: three are reused and one is run again.
  for (auto& e : fs::recursive_directory_iterator(resumed / ".replications"))
    if (e.path().filename() == "replication-00002.bin") {
      fs::remove(e.path());
      break;
    }
  REQUIRE(saved_replications(resumed) == 3);

  const Outcome o = run_tiny(5, resumed, tmp, "--resume");
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.err.find("resumed 3 replication(s) from ") != std::string::npos);
  for (const std::string& f : kRunSet) {
    INFO(f);
    CHECK(read_result(resumed / f) == read_result(whole / f));
  }
  CHECK_FALSE(fs::exists(resumed / ".replications"));  // cleaned up once complete

  // Without --resume the saved replications are not reused.
  {
    const ScopedEnv fail("EXPOFLOW_FAIL_WRITE", "summary.json");
    REQUIRE(run_tiny(5, resumed, tmp).code == 1);
  }
  const Outcome again = run_tiny(5, resumed, tmp, "");
  REQUIRE(again.code == 0);
  CHECK(again.err.find("resumed") == std::string::npos);
}
