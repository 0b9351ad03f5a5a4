// Result files when a write fails and when a run is resumed, through the command line:
// - a write that fails half-way (the test hook EXPOFLOW_FAIL_WRITE of support/files.hpp, which
//   stops writing the named file half-way as a full disk would) or a rename that fails
//   (EXPOFLOW_FAIL_RENAME) leaves the earlier result set whole and alone in the folder, and the
//   message names the file and the reason; a calibration's report and scenario are one set, both
//   the earlier ones or both new;
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

// A complete run with `seed` into `whole`, and the same run into `saved` whose results fail to be
// written once every replication is finished and saved; the path of saved replication `r`.
fs::path run_whole_and_saved(unsigned seed, const fs::path& whole, const fs::path& saved, const TempDir& tmp,
                             const std::string& replication) {
  REQUIRE(run_tiny(seed, whole, tmp).code == 0);
  {
    const ScopedEnv fail("EXPOFLOW_FAIL_WRITE", "summary.json");
    REQUIRE(run_tiny(seed, saved, tmp).code == 1);
  }
  REQUIRE(saved_replications(saved) == 4);
  for (auto& e : fs::recursive_directory_iterator(saved / ".replications"))
    if (e.path().filename() == replication) return e.path();
  FAIL("no " << replication << " saved");
  return {};
}

}  // namespace

TEST_CASE("a result set whose write or rename fails half-way is left as it was, and the message says why",
          "[cli][outputs]") {
  const TempDir tmp("failed-write");
  const fs::path earlier = tmp.path / "earlier", fresh = tmp.path / "fresh";
  REQUIRE(run_tiny(3, earlier, tmp).code == 0);
  REQUIRE(run_tiny(4, fresh, tmp).code == 0);
  const auto old_set = files_of(earlier), new_set = files_of(fresh);
  REQUIRE(old_set.size() == kRunSet.size());
  for (const std::string& name : kRunSet)  // seeds 3 and 4 differ; the site they ran on does not
    if (name != "site.json") REQUIRE(old_set.at(name) != new_set.at(name));

  // A failed output file (its write, as on a full disk, or its rename), and a failed replication
  // (the run stops before writing any output).
  struct Failure {
    std::string hook, file, reason;
  };
  std::vector<Failure> failures;
  for (const std::string& f : kRunSet) {
    failures.push_back({"EXPOFLOW_FAIL_WRITE", f, "No space left on device"});
    failures.push_back({"EXPOFLOW_FAIL_RENAME", f, "Input/output error"});
  }
  failures.push_back({"EXPOFLOW_FAIL_WRITE", "replication-00001.bin", "No space left on device"});
  for (const Failure& failing : failures) {
    INFO(failing.hook << ": " << failing.file << " fails");
    const fs::path out = tmp.path / ("out-" + failing.file);
    fs::remove_all(out);
    fs::copy(earlier, out, fs::copy_options::recursive);
    Outcome o;
    {
      const ScopedEnv fail(failing.hook, failing.file);
      o = run_tiny(4, out, tmp, "--quiet --force");  // another seed's result replaces the earlier one
    }
    INFO(o.err);
    CHECK(o.code == 1);
    CHECK(o.err.find(failing.hook == "EXPOFLOW_FAIL_WRITE" ? "cannot write " : "cannot replace ") != std::string::npos);
    CHECK(o.err.find((out / failing.file).filename().string() + ": " + failing.reason) != std::string::npos);
    // The earlier set, whole, and nothing else (no temporary, no second name) beside it.
    CHECK(files_of(out) == old_set);
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
  // Every replication is finished and saved, then writing the results fails; one of them is lost:
  // three are reused and one is run again.
  fs::remove(run_whole_and_saved(5, whole, resumed, tmp, "replication-00002.bin"));
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

TEST_CASE("run --resume runs again, with a warning naming it, a saved replication whose bytes were altered",
          "[cli][outputs][resume]") {
  const TempDir tmp("resume-damaged");
  const fs::path whole = tmp.path / "whole", resumed = tmp.path / "resumed";
  // One bit of a number in the middle of replication 1 is changed: the file is still well formed,
  // only its checksum tells.
  const fs::path damaged = run_whole_and_saved(6, whole, resumed, tmp, "replication-00001.bin");
  std::string bytes = read_text(damaged);
  REQUIRE(bytes.size() > 64);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x01);
  std::ofstream(damaged, std::ios::binary | std::ios::trunc) << bytes;

  const Outcome o = run_tiny(6, resumed, tmp, "--resume");
  INFO(o.err);
  REQUIRE(o.code == 0);
  CHECK(o.err.find("warning: the saved replication " + damaged.string() +
                   " cannot be used: its checksum does not match") != std::string::npos);
  CHECK(o.err.find("resumed 3 replication(s) from ") != std::string::npos);
  for (const std::string& f : kRunSet) {
    INFO(f);
    CHECK(read_result(resumed / f) == read_result(whole / f));
  }
}
