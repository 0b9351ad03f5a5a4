// `expoflow view` in a real browser: Debian's chromium loads the page headless from file:// with
// #selftest; the page checks itself (every place drawn, the slider's colours, a click's series,
// the compare rule, no JavaScript error) and writes PASS/FAIL lines into <pre id="selftest">,
// which --dump-dom prints. Without chromium the test fails, unless EXPOFLOW_NO_BROWSER is set
// (then it is skipped with a message).
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "../support.hpp"

namespace {

using namespace expoflow;
using test::TempDir;
namespace fs = std::filesystem;

// The browser, or "" when there is none.
std::string browser() {
  for (const char* name : {"chromium", "chromium-browser"})
    if (test::shell(std::string("command -v ") + name + " >/dev/null 2>&1") == 0) return name;
  return "";
}

// The DOM of the page opened at `fragment`, after at most 60 s.
std::string dom_of(const fs::path& page, const std::string& fragment, const TempDir& tmp) {
  const fs::path dom = tmp.path / "dom.html", profile = tmp.path / "chromium-profile";
  const std::string cmd = "timeout 60 " + browser() +
                          " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='" + profile.string() +
                          "' --virtual-time-budget=10000 --dump-dom 'file://" + fs::absolute(page).string() + "#" +
                          fragment + "' >'" + dom.string() + "' 2>/dev/null";
  test::shell(cmd);
  return test::read_text(dom);
}

// The page's self-test lines, from the DOM after at most 60 s.
std::string selftest(const fs::path& page, const TempDir& tmp) {
  const std::string text = dom_of(page, "selftest", tmp);
  const auto from = text.find("<pre id=\"selftest\">"), to = text.find("</pre>", from);
  if (from == std::string::npos || to == std::string::npos) return "no self-test in the DOM:\n" + text.substr(0, 400);
  return text.substr(from + 19, to - from - 19);
}

// The self-test of a page whose text is `html` (a damaged copy of one), written to tmp/name.
std::string selftest_of(const std::string& html, const std::string& name, const TempDir& tmp) {
  const fs::path file = tmp.path / name;
  { std::ofstream(file) << html; }
  return selftest(file, tmp);
}

bool have_browser() {
  if (!browser().empty()) return true;
  if (std::getenv("EXPOFLOW_NO_BROWSER")) {
    WARN("no chromium: the browser test is skipped (EXPOFLOW_NO_BROWSER is set)");
    return false;
  }
  FAIL("chromium is not installed: scripts/setup installs it (or set EXPOFLOW_NO_BROWSER to skip the browser tests)");
  return false;
}

}  // namespace

TEST_CASE("run writes site.json with every place at its nodes' positions", "[view]") {
  TempDir tmp("view-site");
  const auto run = test::run_expoflow("run tests/data/whatif/metro.toml -r 1 --quiet --out '" + (tmp.path / "r").string() + "'", tmp);
  REQUIRE(run.code == 0);
  const auto site = nlohmann::json::parse(test::read_text(tmp.path / "r" / "site.json"));
  CHECK(site["positioned"] == true);
  bool gate = false, walkway = false;
  for (const auto& p : site["places"]) {
    CHECK(p.contains("x"));
    if (p["id"] == "gate[main]" || p["kind"] == "gate") gate = gate || (p["x"] == 0 && p["y"] == -100);
    if (p["id"] == "walkway[plaza_gate].forward")
      walkway = p["x"] == 0 && p["y"] == -200 && p["x2"] == 0 && p["y2"] == -100 && p["width_m"] > 0;
  }
  CHECK(gate);
  CHECK(walkway);
}

TEST_CASE("view refuses a folder without site.json, and a scenario without positions", "[view]") {
  TempDir tmp("view-refuse");
  auto o = test::run_expoflow("view '" + tmp.path.string() + "'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("site.json"));
  REQUIRE(test::run_expoflow("run tests/data/whatif/halls.toml -r 1 --quiet --out '" + (tmp.path / "r").string() + "'", tmp).code == 0);
  o = test::run_expoflow("view '" + (tmp.path / "r").string() + "'", tmp);
  CHECK(o.code == 2);
  CHECK_THAT(o.err, Catch::Contains("x_m and y_m"));
}

TEST_CASE("the site map passes its self-test in chromium, for a run and a compare, and a damaged page fails", "[view][browser]") {
  TempDir tmp("view-browser");
  const std::string run = (tmp.path / "run").string(), cmp = (tmp.path / "cmp").string();
  REQUIRE(test::run_expoflow("run tests/data/whatif/metro.toml -r 2 --quiet --out '" + run + "'", tmp).code == 0);
  REQUIRE(test::run_expoflow("view '" + run + "'", tmp).code == 0);
  REQUIRE(test::run_expoflow("compare tests/data/whatif/metro.toml tests/data/whatif/suspend_a.toml -r 2 --quiet --out '" + cmp + "'", tmp).code == 0);
  REQUIRE(test::run_expoflow("view '" + cmp + "' --out '" + (tmp.path / "cmpview").string() + "'", tmp).code == 0);
  const fs::path run_page = fs::path(run) / "view" / "index.html", cmp_page = tmp.path / "cmpview" / "index.html";
  REQUIRE(fs::exists(run_page));
  REQUIRE(fs::exists(cmp_page));
  // No network: nothing is fetched or loaded from elsewhere.
  for (const auto& page : {run_page, cmp_page}) {
    const std::string html = test::read_text(page);
    CHECK(html.find("fetch(") == std::string::npos);
    CHECK(html.find("src=") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    for (auto at = html.find("http://"); at != std::string::npos; at = html.find("http://", at + 1))
      CHECK(html.compare(at, 26, "http://www.w3.org/2000/svg") == 0);  // a name, never loaded
  }
  if (!have_browser()) return;
  for (const auto& page : {run_page, cmp_page}) {
    const std::string result = selftest(page, tmp);
    INFO(page.string() << "\n" << result);
    CHECK_THAT(result, Catch::Contains("SELFTEST PASS"));
    CHECK(result.find("FAIL") == std::string::npos);
    CHECK(result.find("PASS a click on") != std::string::npos);
    // A run of two replications: the series show their 95% band, drawn where the data put it.
    if (page == run_page) CHECK_THAT(result, Catch::Contains("PASS the series of"));
  }
  {
    // A band drawn twice as wide as its interval fails.
    std::string wide = test::read_text(run_page);
    const auto at = wide.find("x+h[i]");
    REQUIRE(at != std::string::npos);
    wide.replace(at, 6, "x+2*h[i]");
    const std::string result = selftest_of(wide, "wide.html", tmp);
    INFO(result);
    CHECK_THAT(result, Catch::Contains("FAIL the series of"));
  }
  // A compare's series that is zero throughout is left out of the data (here the base's of the
  // first place with one): the page still draws and colours that place.
  {
    std::string cmp_html = test::read_text(cmp_page);
    const auto key = cmp_html.find("_mean.b\":[");
    REQUIRE(key != std::string::npos);
    const auto from = cmp_html.rfind('"', key), to = cmp_html.find(']', key);
    cmp_html.erase(from, to + (cmp_html[to + 1] == ',' ? 2 : 1) - from);  // "…_mean.b":[…],
    const std::string result = selftest_of(cmp_html, "sparse.html", tmp);
    INFO(result);
    CHECK_THAT(result, Catch::Contains("SELFTEST PASS"));
  }
  // Damaged data: a place without its position is not drawn, and the page says so.
  std::string html = test::read_text(run_page);
  const auto at = html.find("\"x\":", html.find("\"places\""));
  REQUIRE(at != std::string::npos);
  html.replace(at, 4, "\"q\":");
  const std::string result = selftest_of(html, "broken.html", tmp);
  INFO(result);
  CHECK_THAT(result, Catch::Contains("SELFTEST FAIL"));
  CHECK_THAT(result, Catch::Contains("FAIL every place is drawn"));
}

TEST_CASE("the page opens at the day, time and place of its URL fragment, dated by the scenario's start_date", "[view][browser]") {
  TempDir tmp("view-fragment");
  {
    std::ofstream(tmp.path / "dated.toml") << "extends = \"" << (test::kSourceDir / "tests/data/whatif/metro.toml").string()
                                           << "\"\nstart_date = \"2024-11-08\"\n";
  }
  const std::string run = (tmp.path / "run").string();
  REQUIRE(test::run_expoflow("run '" + (tmp.path / "dated.toml").string() + "' -r 1 --quiet --out '" + run + "'", tmp).code == 0);
  CHECK(nlohmann::json::parse(test::read_text(fs::path(run) / "site.json"))["start_date"] == "2024-11-08");
  REQUIRE(test::run_expoflow("view '" + run + "'", tmp).code == 0);
  if (!have_browser()) return;
  const fs::path page = fs::path(run) / "view" / "index.html";
  std::string dom = dom_of(page, "day=1&time=08:10&place=gate[main]", tmp);
  INFO(dom.substr(0, 2000));
  CHECK_THAT(dom, Catch::Contains("<span id=\"clock\">Fri 8 Nov 08:00</span>"));  // the bin 08:00-08:15
  CHECK_THAT(dom, Catch::Contains("<h3 id=\"series-title\">gate[main] ("));
  dom = dom_of(page, "day=1&time=09:30&place=nowhere", tmp);
  CHECK_THAT(dom, Catch::Contains("<span id=\"clock\">Fri 8 Nov 09:30</span>"));
  CHECK_THAT(dom, Catch::Contains("No place nowhere on this map."));
}

TEST_CASE("graph pins positioned nodes for neato -n", "[view][graph]") {
  TempDir tmp("view-graph");
  REQUIRE(test::run_expoflow("graph scenarios/ciie2024.toml --out '" + (tmp.path / "site.dot").string() + "'", tmp).code == 0);
  const std::string dot = test::read_text(tmp.path / "site.dot");
  CHECK_THAT(dot, Catch::Contains("pos=\"-420,0!\""));  // the West entrance
  CHECK_THAT(dot, Catch::Contains("pos=\"2200,0!\""));  // the Hongqiao hub
  REQUIRE(test::run_expoflow("graph tests/data/whatif/halls.toml --out '" + (tmp.path / "halls.dot").string() + "'", tmp).code == 0);
  CHECK(test::read_text(tmp.path / "halls.dot").find("pos=") == std::string::npos);
}
