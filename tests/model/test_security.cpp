// Security: an entrance's lanes serve its queue first come, first served; a closed entrance
// (0 lanes) queues everybody, and at the halls' closing whoever still queues is turned away.
#include <catch2/catch.hpp>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

// Parties of these sizes put at the west entrance one after another, each joining its queue.
std::vector<std::uint32_t> queue_at_west(Site& site, std::initializer_list<std::uint16_t> sizes) {
  std::vector<std::uint32_t> pids;
  for (std::uint16_t size : sizes) {
    Party p = visitor(100 + pids.size(), size);
    p.gate = 0;  // west
    pids.push_back(site.hand_on(p, "west", Stage::security));
  }
  return pids;
}

// A party's screening: an exponential time per person, each a keyed draw.
Time screening(const World& w, const Party& p) {
  double t = 0;
  for (std::uint32_t i = 0; i < p.size; ++i) t += dist::exponential(10, World::u(w.service_rng, p, kDrawService + i));
  return t;
}

}  // namespace

TEST_CASE("one lane screens parties in the order they arrived, each after the one before", "[model][security]") {
  Site site;
  World& w = site.start();
  site.run_until(at(9));
  const auto pids = queue_at_west(site, {3, 1, 2});
  // Copies: a party's slot is reused once it has left.
  std::vector<Party> parties;
  for (std::uint32_t pid : pids) parties.push_back(w.parties[pid]);
  site.run();

  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{3, 1, 2});
  const Time first = at(9) + screening(w, parties[0]);
  const Time second = first + screening(w, parties[1]);
  const Time third = second + screening(w, parties[2]);
  CHECK(site.times("gate[west]", RecordKind::pass) == std::vector<Time>{first, second, third});
  // The two behind waited for the lane, the second for as long as the first took.
  CHECK(site.persons("gate[west]", RecordKind::queue_join) == std::vector<std::uint32_t>{1, 2});
  CHECK(site.values("gate[west]", RecordKind::served) == std::vector<double>{0, first - at(9), second - at(9)});
}

TEST_CASE("a closed entrance queues everybody, and turns them away when the halls close", "[model][security]") {
  Site site;
  by_id(site.s.gates, "west").lanes = {{{at(8), 0}, {at(18), 0}}};
  World& w = site.start();
  site.run_until(at(10));
  const auto pids = queue_at_west(site, {3, 1, 2});
  site.run_until(at(17, 59));
  CHECK(site.persons("gate[west]", RecordKind::queue_join) == std::vector<std::uint32_t>{3, 1, 2});
  CHECK(site.records("gate[west]", RecordKind::pass).empty());
  CHECK(w.res[w.security.gate_res[0]].weight_waiting() == 6);

  site.run();
  // At 18:00 the queue leaves, oldest first, counted as denied at the entrance; all go home.
  CHECK(site.times("gate[west]", RecordKind::denied) == std::vector<Time>{at(18), at(18), at(18)});
  CHECK(site.persons("gate[west]", RecordKind::denied) == std::vector<std::uint32_t>{3, 1, 2});
  CHECK(site.persons("gate[west]", RecordKind::queue_leave) == std::vector<std::uint32_t>{3, 1, 2});
  CHECK(site.records("gate[west]", RecordKind::pass).empty());
  CHECK(site.records("halls", RecordKind::enter).empty());
  for (std::uint32_t pid : pids) CHECK(w.parties[pid].stage == Stage::done);
}

TEST_CASE("a party reaching an entrance after the halls have closed is turned away at once", "[model][security]") {
  Site site;
  site.start();
  site.run_until(at(18, 30));
  queue_at_west(site, {2});
  site.run();
  CHECK(site.times("gate[west]", RecordKind::denied) == std::vector<Time>{at(18, 30)});
  CHECK(site.records("gate[west]", RecordKind::queue_join).empty());
}
