// The committed results page (results/ciie2024/, written by scripts/report) never goes stale:
// - the quick check it records (check.json: scenario, seed, 2 replications, the observation
//   means and intervals) is rerun with the current binary and must give the same numbers, and
//   the same scenario hash (the scenario file has not changed since the page was written);
// - README.md, summary.json and check.json agree: the page's comparison table is exactly
//   summary.json's numbers as the page prints them, with the seed and replications it records,
//   and every plot it shows exists;
// - the site map's page (view/index.html) inlines exactly the data `expoflow view` makes of the
//   committed files (site.json, summary.json, series.csv, headroom.csv), and series.csv's
//   occupancy is occupancy.csv's to three significant digits.
// A hidden test ("[.full]", about a minute) reruns the full 10 replications of summary.json:
//   build-test/tests/test_report_page "[full]"
// These are golden files: numbers the code itself wrote, the last line of defence, not a
// specification (the behavioural tests say what is right). When one fails, find out which
// behaviour changed and why before anything else: a change that was not meant to move these
// numbers is a bug. Only when the change is intended and understood, run scripts/report and
// commit results/ciie2024/ with a message that says what changed in the model or the scenario,
// why, and how the totals moved.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <map>
#include <regex>
#include <string>

#include "../support.hpp"

using namespace expoflow::test;
using nlohmann::json;

namespace {

const fs::path kPage = kSourceDir / "results" / "ciie2024";
const char* const kRegenerate =
    "the current code no longer gives the numbers of results/ciie2024/. Do not just regenerate them: first say which "
    "behaviour changed and why (a change that was not meant to move these numbers is a bug, to be found with the "
    "behavioural tests). Only for an intended, explained change: run scripts/report and commit results/ciie2024/ "
    "with that explanation and how the totals moved";

json read_json(const fs::path& p) {
  INFO("reading " << p.string());
  REQUIRE(fs::exists(p));
  return json::parse(read_text(p));
}

// Runs `expoflow run SCENARIO --seed S --replications R` into a fresh folder, from the repository
// root, and returns its summary.json.
json run_summary(const std::string& scenario, std::uint64_t seed, std::uint64_t reps, const TempDir& tmp) {
  const fs::path out = tmp.path / "out";
  const std::string args = "run '" + scenario + "' --seed " + std::to_string(seed) + " --replications " +
                           std::to_string(reps) + " --out '" + out.string() + "' --quiet";
  const Outcome o = run_expoflow(args, tmp);
  INFO(args << "\n" << o.out << o.err);
  REQUIRE(o.code == 0);
  return read_json(out / "summary.json");
}

bool same(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b)); }

// Compare the observations of a fresh run with those recorded; every mean and interval bound.
void require_same_observations(const json& fresh, const json& recorded) {
  REQUIRE(fresh["observations"].size() == recorded["observations"].size());
  for (std::size_t i = 0; i < recorded["observations"].size(); ++i) {
    const json& f = fresh["observations"][i];
    const json& r = recorded["observations"][i];
    INFO(kRegenerate << "\nobservation " << r["name"].get<std::string>() << ": recorded "
                     << r["simulated"].get<double>() << " " << r["simulated_ci95"].dump() << ", the current code gives "
                     << f["simulated"].get<double>() << " " << f["simulated_ci95"].dump());
    CHECK(f["name"] == r["name"]);
    CHECK(same(f["simulated"].get<double>(), r["simulated"].get<double>()));
    CHECK(same(f["simulated_ci95"][0].get<double>(), r["simulated_ci95"][0].get<double>()));
    CHECK(same(f["simulated_ci95"][1].get<double>(), r["simulated_ci95"][1].get<double>()));
  }
}

// As the page prints a count: rounded half to even (like Python's format), thousands separated.
std::string thousands(double x) {
  const long long v = std::llround(std::nearbyint(x));
  std::string digits = std::to_string(v < 0 ? -v : v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (v < 0 ? "-" : "") + out;
}

std::string percent(double rel) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%+.1f%%", 100 * rel);
  return buf;
}

}  // namespace

TEST_CASE("results page: the recorded quick check is what the current code produces", "[report]") {
  const json check = read_json(kPage / "check.json");
  const std::string scenario = check["scenario"];
  TempDir tmp("report-check");
  const json fresh = run_summary(scenario, check["seed"], check["replications"], tmp);
  {
    INFO(kRegenerate << " (" << scenario << " has changed since the page was written)");
    CHECK(fresh["scenario_hash"] == check["scenario_hash"]);
  }
  CHECK(fresh["seed"] == check["seed"]);
  CHECK(fresh["replications"] == check["replications"]);
  require_same_observations(fresh, check);
}

TEST_CASE("results page: README.md, summary.json and check.json agree", "[report]") {
  const json summary = read_json(kPage / "summary.json");
  const json check = read_json(kPage / "check.json");
  const std::string page = read_text(kPage / "README.md");
  REQUIRE(!page.empty());
  {
    INFO("results/ciie2024/summary.json is not the page's (overwritten by another run into results/ciie2024?): "
         "restore it from git, or run scripts/report");
    CHECK(summary["scenario_hash"] == check["scenario_hash"]);
    CHECK(summary["seed"] == check["seed"]);
  }
  const std::string settings = "seed " + std::to_string(summary["seed"].get<std::uint64_t>()) + ", " +
                               std::to_string(summary["replications"].get<std::uint64_t>()) + " replications";
  INFO("the page records: " << settings);
  CHECK(page.find(settings) != std::string::npos);
  CHECK(page.find("`" + check["scenario"].get<std::string>() + "`") != std::string::npos);
  CHECK(page.find(summary["scenario_hash"].get<std::string>()) != std::string::npos);
  REQUIRE(summary["observations"].size() == check["observations"].size());
  for (const json& o : summary["observations"]) {
    // A reported total, or a figure of the time pattern (a check or a bound) as summary.json writes it.
    const bool total = o["statistic"] == "total" && o["fit"] == true && o["bound"] == "equal";
    auto text = [&](const char* key) { return o[key].get<std::string>(); };
    const std::string row =
        total ? "| " + text("name") + " | " + thousands(o["observed"]) + " | " + thousands(o["simulated"]) + " | " +
                    thousands(o["simulated_ci95"][0]) + " – " + thousands(o["simulated_ci95"][1]) + " | " +
                    percent(o["rel_error"]) + " |"
              : "| " + text("name") + " | " + text("observed_text") + " | " + text("simulated_text") + " | " +
                    o["simulated_ci95_text"][0].get<std::string>() + " – " +
                    o["simulated_ci95_text"][1].get<std::string>() + " | " + text("residual_text") + " |";
    INFO("expected on the page: " << row);
    CHECK(page.find(row) != std::string::npos);
  }
  // Every image the page shows is committed beside it.
  const std::regex image(R"(!\[[^\]]*\]\(([^)]+)\))");
  int images = 0;
  for (auto it = std::sregex_iterator(page.begin(), page.end(), image); it != std::sregex_iterator(); ++it) {
    ++images;
    const std::string rel = (*it)[1];
    INFO("image " << rel);
    CHECK(fs::exists(kPage / rel));
  }
  CHECK(images >= 5);
}

// The data inlined in a page of `expoflow view` (the line `const DATA = ...;`).
std::string view_data_of(const fs::path& page) {
  const std::string html = read_text(page);
  const std::string mark = "<script>const DATA = ";
  const auto from = html.find(mark), to = html.find(";</script>", from);
  INFO(page.string());
  REQUIRE(from != std::string::npos);
  REQUIRE(to != std::string::npos);
  return html.substr(from + mark.size(), to - from - mark.size());
}

TEST_CASE("results page: the site map's data are what expoflow view makes of the committed files", "[report][view]") {
  TempDir tmp("report-view");
  const fs::path fresh = tmp.path / "view";
  const Outcome o = run_expoflow("view '" + kPage.string() + "' --out '" + fresh.string() + "'", tmp);
  INFO(o.out << o.err);
  REQUIRE(o.code == 0);
  const std::string committed = view_data_of(kPage / "view" / "index.html"), made = view_data_of(fresh / "index.html");
  INFO("results/ciie2024/view/index.html is not what `expoflow view results/ciie2024` makes of the files beside it "
       "(written by another version, or not regenerated with them): run scripts/report");
  CHECK(committed.size() == made.size());
  CHECK(committed == made);
}

TEST_CASE("results page: series.csv and occupancy.csv agree", "[report][view]") {
  // occupancy_mean by (bin start, place) in each file.
  auto read = [](const fs::path& file) {
    std::map<std::pair<std::string, std::string>, std::string> at;
    const auto rows = split_lines(read_text(file));
    REQUIRE(!rows.empty());
    const std::vector<std::string> head = csv_fields(rows[0]);
    const auto col = std::find(head.begin(), head.end(), "occupancy_mean") - head.begin();
    const auto place = std::find(head.begin(), head.end(), "place") - head.begin();
    REQUIRE(col < static_cast<std::ptrdiff_t>(head.size()));
    REQUIRE(place < static_cast<std::ptrdiff_t>(head.size()));
    for (std::size_t i = 1; i < rows.size(); ++i) {
      const auto f = csv_fields(rows[i]);
      // (csv_fields drops empty fields at the end of a line)
      if (static_cast<std::size_t>(col) < f.size() && !f[col].empty() && std::stod(f[col]) != 0) at[{f[0], f[place]}] = f[col];
    }
    return at;
  };
  if (!fs::exists(kPage / "occupancy.csv")) return;  // not committed: nothing to agree with
  const auto series = read(kPage / "series.csv"), occupancy = read(kPage / "occupancy.csv");
  CHECK(series.size() == occupancy.size());
  std::size_t wrong = 0;
  for (const auto& [key, value] : occupancy) {
    const auto it = series.find(key);
    // occupancy.csv rounds to six significant digits, series.csv to three: they differ by at most
    // half a unit in the third digit plus half a unit in the sixth.
    const double occ = std::stod(value), unit3 = std::pow(10.0, std::floor(std::log10(std::fabs(occ))) - 2);
    const bool ok = it != series.end() && std::fabs(std::stod(it->second) - occ) <= 0.5 * unit3 * (1 + 1e-3);
    if (!ok && ++wrong <= 5)
      FAIL_CHECK(key.first << " " << key.second << ": occupancy.csv " << value << ", series.csv "
                           << (it == series.end() ? "nothing" : it->second));
  }
  CHECK(wrong == 0);
}

TEST_CASE("results page: the full run reproduces summary.json", "[.full][report]") {
  const json summary = read_json(kPage / "summary.json");
  const json check = read_json(kPage / "check.json");
  TempDir tmp("report-full");
  const json fresh = run_summary(check["scenario"], summary["seed"], summary["replications"], tmp);
  CHECK(fresh["scenario_hash"] == summary["scenario_hash"]);
  require_same_observations(fresh, summary);
}
