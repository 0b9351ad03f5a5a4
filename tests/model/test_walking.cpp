// Walking: a walkway's traversal time at free speed and at density (Weidmann's law), its outlet's
// flow limit (width x maximum specific flow) and its storage limit (area x storage density: entry
// blocked when full).
#include <catch2/catch.hpp>

#include <algorithm>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// A party put at `from` that walks to `to` and leaves the model there.
std::uint32_t walk(Site& site, Party p, const char* from, const char* to) {
  const std::uint32_t pid = site.put(p, from);
  walking::walk(site.w(), pid, *site.sim().graph().find(to), Stage::done);
  return pid;
}

}  // namespace

TEST_CASE("a lone party crosses an empty walkway at its free speed times the walkway's speed scale",
          "[model][walking]") {
  Site site;
  by_id(site.s.walkways, "origin_plaza").speed_scale = 0.8;
  World& w = site.start();
  const Party p = visitor(42);
  const std::uint32_t pid = walk(site, p, "origin", "plaza");
  site.run();

  // The free speed is the party's keyed draw (normal, clamped to 0.5-2.2 m/s), kept as a float.
  const auto speed = static_cast<float>(
      std::clamp(dist::normal(w.s.walk_speed_mean, w.s.walk_speed_sd, World::u(w.demand_rng, p, kDrawSpeed)), 0.5, 2.2));
  CHECK(w.parties[pid].speed == speed);
  CHECK(site.times("walkway[origin_plaza].forward", RecordKind::enter) == std::vector<Time>{0});
  CHECK(site.times("walkway[origin_plaza].forward", RecordKind::pass) == std::vector<Time>{200 / (double{speed} * 0.8)});
  CHECK(w.parties[pid].stage == Stage::done);
}

TEST_CASE("walking time at density follows Weidmann's speed-density law, worked out by hand", "[model][walking]") {
  // Weidmann (1993): v = v0 (1 - exp(-1.913 (1/k - 1/k_jam))) at k persons/m², k_jam = 5.4 (the
  // scenario's default). v / v0 at each density, worked out by hand to four digits:
  struct Density {
    std::uint16_t persons;  // one party alone on a 10 m² walkway: k = persons / 10
    double k, factor;
  };
  const Density densities[] = {{5, 0.5, 0.9689}, {10, 1, 0.7896}, {20, 2, 0.4524}, {30, 3, 0.2468}, {40, 4, 0.1166}};
  for (const Density& d : densities) {
    INFO(d.k << " persons/m²");
    Site site;
    auto& walkway = by_id(site.s.walkways, "plaza_west");
    walkway.length_m = 10;
    walkway.width_m = 1;  // 10 m², room for 40 persons
    REQUIRE(site.s.jam_density == 5.4);
    site.start();
    Party p = visitor(7, d.persons);
    p.speed = 1;  // free speed 1 m/s: the 10 m take 10 / factor seconds
    walk(site, p, "plaza", "west");
    site.run();
    const auto passed = site.times("walkway[plaza_west].forward", RecordKind::pass);
    REQUIRE(passed.size() == 1);
    CHECK(passed[0] == Approx(10 / d.factor).epsilon(5e-4));
  }
}

TEST_CASE("parties reaching an outlet together pass one after another, each taking size / (width x max flow)",
          "[model][walking]") {
  Site site;
  World& w = site.start();
  for (std::uint16_t size : {1, 3, 2}) {
    Party p = visitor(size, size);
    p.speed = 1;  // all reach the end of the 100 m walkway at 100 s
    walk(site, p, "plaza", "west");
  }
  site.run();

  const std::string walkway = "walkway[plaza_west].forward";
  const double flow = 5 * w.s.max_specific_flow;  // persons/s through the 5 m outlet
  CHECK(site.persons(walkway, RecordKind::pass) == std::vector<std::uint32_t>{1, 3, 2});
  CHECK(site.times(walkway, RecordKind::pass) == std::vector<Time>{100, 100 + 1 / flow, 100 + 1 / flow + 3 / flow});
  // The two behind the first queue at the outlet.
  CHECK(site.times(walkway, RecordKind::queue_join) == std::vector<Time>{100, 100});
  CHECK(site.persons(walkway, RecordKind::queue_join) == std::vector<std::uint32_t>{3, 2});
}

TEST_CASE("a party finding a walkway full queues at its entry and enters when the party ahead leaves it",
          "[model][walking]") {
  Site site;
  auto& tiny = by_id(site.s.walkways, "plaza_west");
  tiny.length_m = tiny.width_m = 1;  // 1 m² holds floor(1 x 4.0) = 4 persons
  site.start();
  walk(site, visitor(1, 4), "plaza", "west");
  walk(site, visitor(2, 1), "plaza", "west");
  site.run();

  const std::string walkway = "walkway[plaza_west].forward";
  // The second queues at the entry from the start (and later at the narrow outlet).
  const auto queued = site.records(walkway, RecordKind::queue_join);
  REQUIRE(!queued.empty());
  CHECK(queued[0].time == 0);
  CHECK(queued[0].persons == 1);
  const auto passed = site.times(walkway, RecordKind::pass);
  REQUIRE(passed.size() == 2);
  CHECK(passed[0] > 0);
  CHECK(site.persons(walkway, RecordKind::enter) == std::vector<std::uint32_t>{4, 1});
  CHECK(site.times(walkway, RecordKind::enter) == std::vector<Time>{0, passed[0]});
}

TEST_CASE("every shortest walking path read off the trees is a walk of the shortest length, and closures re-route",
          "[model][walking][paths]") {
  // A ladder: two rails of 30 nodes and rungs every third node, all both ways, so that paths are
  // long and many pairs have ties, and a node of its own. Each path must join its ends edge by
  // edge, and its length must be the distance; with a rail edge closed, paths avoid it.
  network::SiteGraph g;
  constexpr NodeId kRail = 30;
  for (NodeId i = 0; i < 2 * kRail + 1; ++i) g.add_node("n" + std::to_string(i), "plaza");
  for (NodeId r = 0; r < 2; ++r)
    for (NodeId i = 0; i + 1 < kRail; ++i) {
      g.add_edge(r * kRail + i, r * kRail + i + 1, 10, 2, 0);
      g.add_edge(r * kRail + i + 1, r * kRail + i, 10, 2, 0);
    }
  for (NodeId i = 0; i < kRail; i += 3) {
    g.add_edge(i, kRail + i, 5, 2, 0);
    g.add_edge(kRail + i, i, 5, 2, 0);
  }
  g.finalize();
  const EdgeId cut = 2 * 10;  // rail 0, from node 10 to node 11
  std::vector<char> closed(g.num_edges(), 0);
  closed[cut] = 1;
  const network::PathTable without = g.paths_without(closed);
  for (const network::PathTable* t : {&g.open_paths(), &without})
    for (NodeId a = 0; a <= 2 * kRail; ++a)
      for (NodeId b = 0; b <= 2 * kRail; ++b) {
        const auto p = t->path(a, b);
        REQUIRE(p.has_value() == t->reachable(a, b));
        if (!p) continue;
        NodeId at = a;
        double length = 0;
        for (EdgeId e : *p) {
          REQUIRE(g.edge(e).from == at);
          at = g.edge(e).to;
          length += g.edge(e).length_m;
          if (t == &without) REQUIRE(e != cut);
        }
        REQUIRE(at == b);
        REQUIRE(length == t->distance_m(a, b));
      }
  CHECK(g.open_paths().path(3, 3)->empty());
  CHECK_FALSE(g.open_paths().reachable(2 * kRail, 1));
  CHECK_FALSE(g.open_paths().path(1, 2 * kRail).has_value());
  CHECK(g.open_paths().distance_m(10, 12) == 20);
  CHECK(without.distance_m(10, 12) == 10 + 5 + 30 + 5);  // back to the rung at 9, along the other rail, up at 12
}
