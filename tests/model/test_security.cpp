// Security: a party heads for the entrance with the least walking plus queueing time; an
// entrance's lanes serve its queue first come, first served; a closed entrance (0 lanes) queues
// everybody, and at the halls' closing whoever still queues is turned away.
#include <algorithm>

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

TEST_CASE("a party heads for the nearer entrance until the queue there costs more than the longer walk "
          "(queue x service time / lanes)",
          "[model][security]") {
  // From the plaza West is 100 m away and East 150 m: at the mean walking speed of 1.34 m/s,
  // 74.6 s against 111.9 s, 37.3 s apart. Screening takes 10 s a person, East has no queue. By
  // hand: a queue of Q persons at West costs 10 Q / lanes seconds, so a party still heads West
  // while 10 Q / lanes < 37.3, i.e. up to Q = 3 with one lane and Q = 7 with two; beyond, East.
  struct Case {
    int lanes, last_queue_for_west;
  };
  for (const Case c : {Case{1, 3}, Case{2, 7}}) {
    for (int queue = 0; queue <= 10; ++queue) {
      INFO(c.lanes << " lane(s) at West, " << queue << " persons queueing there");
      Site site;
      by_id(site.s.gates, "west").lanes = {{{at(8), c.lanes}, {at(18), 0}}};
      REQUIRE(site.s.walk_speed_mean == 1.34);
      World& w = site.start();
      site.run_until(at(9));
      for (int i = 0; i < c.lanes + queue; ++i) {  // the first `lanes` are screened, the rest queue
        Party p = visitor(100 + static_cast<std::uint64_t>(i));
        p.gate = 0;
        site.hand_on(p, "west", Stage::security);
      }
      REQUIRE(w.res[w.security.gate_res[0]].weight_waiting() == queue);
      const std::uint32_t pid = site.hand_on(visitor(1), "plaza", Stage::entrance);
      const char* expected = queue <= c.last_queue_for_west ? "west" : "east";
      CHECK(w.s.gates[w.parties[pid].gate].id == expected);
    }
  }
}

TEST_CASE("a full queueing area keeps the next parties on the walkway feeding it, which spills back",
          "[model][security]") {
  // The west entrance's queueing area holds 3 persons (1 m² at 3.3 persons/m²); the walkway from
  // the plaza to it holds 8 (2 m x 1 m at 4 persons/m²); its lane opens at 10:00; the east
  // entrance is closed.
  Site site;
  auto& west = by_id(site.s.gates, "west");
  west.queue_area_m2 = 1;
  west.lanes = {{{at(8), 0}, {at(10), 1}, {at(18), 0}}};
  by_id(site.s.gates, "east").lanes = {{{at(8), 0}, {at(18), 0}}};
  auto& feed = by_id(site.s.walkways, "plaza_west");
  feed.length_m = 2;
  feed.width_m = 1;
  World& w = site.start();
  site.run_until(at(9));
  for (std::uint64_t key = 1; key <= 20; ++key) site.hand_on(visitor(key), "plaza", Stage::entrance);
  site.run_until(at(9, 30));

  const std::uint32_t area = w.security.area_res[0];
  const auto& g = site.sim().graph();
  const EdgeId e = g.path(*g.find("plaza"), *g.find("west"))->front();
  // Three queue in the area for the lane; eight stand on the walkway waiting for space in the
  // area; the other nine queue to step onto the walkway.
  CHECK(w.res[w.security.gate_res[0]].weight_waiting() == 3);
  CHECK(w.res[area].in_use() == 3);
  CHECK(w.res[area].weight_waiting() == 8);
  CHECK(w.res[2 * e].in_use() == 8);
  CHECK(w.res[2 * e].weight_waiting() == 9);
  site.run();
  // Everyone got through; the area never held more than its 3.
  CHECK(site.persons("gate[west]", RecordKind::pass).size() == 20);
  double level = 0, peak = 0;
  for (const Record& r : site.log.records)
    if (r.place == site.place("gate[west].queue_area") && (r.kind == RecordKind::enter || r.kind == RecordKind::leave)) {
      level += r.kind == RecordKind::enter ? r.persons : -static_cast<double>(r.persons);
      peak = std::max(peak, level);
    }
  CHECK(peak == 3);
  CHECK(level == 0);
}

namespace {

// The patience a party draws for its first wait at an entrance (a keyed draw).
Time first_patience(const World& w, const Party& p, double mean_s) {
  return dist::exponential(mean_s, World::u(w.choice_rng, p, kDrawPatience));
}

}  // namespace

TEST_CASE("a party whose patience runs out leaves the queue for the other entrance, once, and the ones behind move up",
          "[model][security][patience]") {
  Site site;
  site.s.patience[0] = {.mean_s = 5, .balk = false};
  World& w = site.start();
  site.run_until(at(9));
  const auto pids = queue_at_west(site, {1, 1, 1});
  std::vector<Party> parties;
  for (std::uint32_t pid : pids) parties.push_back(w.parties[pid]);
  const Time first_done = at(9) + screening(w, parties[0]);
  const Time gives_up_2 = at(9) + first_patience(w, parties[1], 5), gives_up_3 = at(9) + first_patience(w, parties[2], 5);
  // The set-up this test needs: both behind give up while the first is still screened.
  REQUIRE(std::max(gives_up_2, gives_up_3) < first_done);
  site.run();

  // Each left the west queue when its patience ran out, having waited exactly that long ...
  const auto reneged = site.times("gate[west]", RecordKind::renege);
  CHECK(std::is_sorted(reneged.begin(), reneged.end()));
  CHECK(reneged == (gives_up_2 < gives_up_3 ? std::vector<Time>{gives_up_2, gives_up_3} : std::vector<Time>{gives_up_3, gives_up_2}));
  for (const Record& r : site.records("gate[west]", RecordKind::renege)) CHECK(r.value == r.time - at(9));
  CHECK(site.persons("gate[west]", RecordKind::queue_leave) == std::vector<std::uint32_t>{1, 1});
  // ... walked to the east entrance and was screened there (its second wait has no patience);
  // the first was screened at the west. Nobody is lost and nobody passes twice.
  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{1});
  CHECK(site.persons("gate[east]", RecordKind::pass) == std::vector<std::uint32_t>{1, 1});
  CHECK(site.records("gate[east]", RecordKind::renege).empty());
  CHECK(site.records("gate[west]", RecordKind::balk).empty());
}

TEST_CASE("a party balks at an entrance whose expected wait exceeds its patience, and joins one it can bear",
          "[model][security][patience]") {
  Site site;
  site.s.patience[0] = {.mean_s = 1e-3, .balk = true};  // too short for any queue
  World& w = site.start();
  site.run_until(at(9));
  // Two parties: the first takes the free lane at once (no wait expected, no balking), the second
  // expects one screening (10 s) of wait, longer than its patience: it does not join.
  queue_at_west(site, {1, 2});
  CHECK(w.res[w.security.gate_res[0]].weight_waiting() == 0);
  site.run();
  CHECK(site.persons("gate[west]", RecordKind::balk) == std::vector<std::uint32_t>{2});
  CHECK(site.times("gate[west]", RecordKind::balk) == std::vector<Time>{at(9)});
  CHECK(site.records("gate[west]", RecordKind::queue_join).empty());
  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{1});
  CHECK(site.persons("gate[east]", RecordKind::pass) == std::vector<std::uint32_t>{2});
}

TEST_CASE("a stale patience event does nothing: the party was screened before it ran out", "[model][security][patience]") {
  Site site;
  site.s.patience[0] = {.mean_s = 3600, .balk = false};
  World& w = site.start();
  site.run_until(at(9));
  const auto pids = queue_at_west(site, {1, 1, 1});
  // The set-up: every patience runs out after its party was screened, within the day, so its
  // event does fire, for a party no longer waiting.
  for (std::uint32_t pid : pids) {
    const Time runs_out = at(9) + first_patience(w, w.parties[pid], 3600);
    REQUIRE(runs_out > at(9, 5));
    REQUIRE(runs_out < site.s.horizon_s);
  }
  const std::uint64_t events_before = w.cal.num_processed();
  site.run();
  CHECK(w.cal.num_processed() > events_before);
  CHECK(site.records("gate[west]", RecordKind::renege).empty());
  CHECK(site.persons("gate[west]", RecordKind::pass) == std::vector<std::uint32_t>{1, 1, 1});
}
