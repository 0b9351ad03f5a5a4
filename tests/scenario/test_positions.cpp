// Node positions on the site plan (x_m, y_m): read, checked, left out of the hash; the CIIE
// scenario's schematic layout. Their errors are in the bad-scenario corpus (node_*.toml).
#include <catch2/catch.hpp>

#include "../support.hpp"

using namespace expoflow;

TEST_CASE("node positions: every CIIE node has one, and they are drawn, not hashed", "[scenario][positions]") {
  const auto s = test::load_or_fail("scenarios/ciie2024.toml");
  for (const auto& n : s.nodes) {
    INFO(n.id);
    CHECK(n.x_m.has_value());
    CHECK(n.y_m.has_value());
  }
  // The West entrance lies west of the halls, the North one north, the Hongqiao hub east.
  auto at = [&](const std::string& id) {
    for (const auto& n : s.nodes)
      if (n.id == id) return std::pair{*n.x_m, *n.y_m};
    FAIL("no node " << id);
    return std::pair{0.0, 0.0};
  };
  CHECK(at("west_gate").first < at("halls").first);
  CHECK(at("north_gate").second > at("halls").second);
  CHECK(at("hongqiao_hub").first > at("east_gate").first);
  // Moving a node on the plan leaves the scenario's hash (what is run) as it was; a value the
  // model reads changes it.
  const auto moved = test::load_or_fail("scenarios/ciie2024.toml", {"node[halls].x_m=55"});
  CHECK(moved.nodes.front().x_m == 55.0);
  CHECK(moved.hash == s.hash);
  CHECK(test::load_or_fail("scenarios/ciie2024.toml", {"walkway[west_hall].width_m=31"}).hash != s.hash);
}

TEST_CASE("start_date: day 1's date, read and checked, drawn and not hashed", "[scenario][positions]") {
  const auto s = test::load_or_fail("scenarios/ciie2024.toml");
  CHECK(s.start_date == "2024-11-05");  // the 7th CIIE opened on Tue 5 Nov 2024
  // Another date leaves the hash (what is run) as it was.
  const auto moved = test::load_or_fail("scenarios/ciie2024.toml", {"start_date=\"2025-11-05\""});
  CHECK(moved.start_date == "2025-11-05");
  CHECK(moved.hash == s.hash);
  CHECK(test::load_or_fail("scenarios/ciie2024.toml", {"title=\"another\""}).hash != s.hash);
  // A leap day exists in 2024, not in 2023 (the bad-scenario corpus has bad_start_date.toml).
  CHECK(test::load_or_fail("scenarios/ciie2024.toml", {"start_date=\"2024-02-29\""}).start_date == "2024-02-29");
}
