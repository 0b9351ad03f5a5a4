#pragma once
// Walking: walkways as edges of the site graph. Speed falls with density (Weidmann); storage is
// limited by area x storage density (a Resource of persons: entry blocked when full, so queues
// spill back); outflow is limited by width x maximum specific flow (a one-unit outlet Resource,
// booked). Paths come from the open walkways' path table; closures switch tables.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "model/party.hpp"
#include "network/site_graph.hpp"

namespace expoflow::model {

struct World;

struct WalkingState {
  std::vector<std::uint32_t> walkers;  // per walkway edge: persons walking its length
  std::vector<int> closed;             // per edge: closures in force
  const network::PathTable* paths = nullptr;
  std::map<std::vector<char>, std::unique_ptr<network::PathTable>> path_cache;  // by set of closures
  // The paths this replication walks, each read off its table once (a table keeps trees, not
  // lists: site_graph.hpp): per table, the slot of each (from, to) pair in `routes` (0: not read
  // yet), whose elements never move (parties point into them).
  std::map<const network::PathTable*, std::vector<std::uint32_t>> route_slots;
  std::vector<std::uint32_t>* slots = nullptr;  // route_slots of `paths`
  std::deque<std::vector<EdgeId>> routes;
  // Weidmann's factor by (walkway, walkers): the same counts recur on busy walkways.
  struct FactorMemo {
    std::uint32_t edge = ~0u, walkers = 0;
    double factor = 1;
  };
  static constexpr std::size_t kFactorMemo = 4096;
  std::vector<FactorMemo> factor_memo = std::vector<FactorMemo>(kFactorMemo);
};

namespace walking {

void build(World& w);
// Walk the party from its node to `dest`, then begin stage `after` there. With `keep_storage`, the
// party keeps its place on the last walkway until a queueing area ahead takes it (enter_area).
void walk(World& w, std::uint32_t pid, NodeId dest, Stage after, bool keep_storage = false);
// Queueing areas: the floor space (a Resource of persons) in front of a service's line. A party
// must find space there before it joins the line; until then it stands on the walkway it came by,
// so a full area spills back along the walkways that feed it. True: space granted now (or no area,
// kNoArea), go on; false: the party waits, and begins `next` when granted.
inline constexpr std::uint32_t kNoArea = ~0u;
bool enter_area(World& w, std::uint32_t pid, std::uint32_t area, Stage next);
// Stage::queue_area resumes: space granted in `area`; the party begins the stage it waited for.
void area_granted(World& w, std::uint32_t pid, std::uint32_t area);
// The party's service starts: it leaves the queueing area.
void leave_area(World& w, std::uint32_t pid, std::uint32_t area);
// The party gives up the walkway place it kept (if any).
void release_kept(World& w, std::uint32_t pid);
// A party at Stage::walk resumes: storage granted, end of a walkway reached, or its turn at the outlet.
void resume(World& w, std::uint32_t pid);
// The path table of the walkways open now.
const network::PathTable& paths(const World& w);
// Close (delta +1) or reopen (-1) walkway edges; new walks avoid closed ones once the paths are
// refreshed (parties already walking keep valid paths: tables are kept per set of closures).
void close_edges(World& w, const std::vector<EdgeId>& edges, int delta);
void refresh_paths(World& w);

}  // namespace walking
}  // namespace expoflow::model
