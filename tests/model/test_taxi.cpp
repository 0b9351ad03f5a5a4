// Taxi: cabs and parties are two queues that meet at the stand. A cab finding nobody waits in the
// rank while there is room, and drives on when the rank is full; a party takes the cab that has
// waited longest, or waits for the next cab.
#include <catch2/catch.hpp>

#include <algorithm>

#include "site.hpp"

using namespace expoflow;
using namespace expoflow::model;
using namespace expoflow::test;

namespace {

const std::string kRank = "taxi_stand[P6].cab_rank";
const std::string kStand = "taxi_stand[P6]";

// A party at the stand that asks for a cab.
void take_taxi(Site& site, std::uint64_t key) {
  Party p = visitor(key);
  p.egress = Mode::taxi;
  site.hand_on(p, "stand", Stage::taxi);
}

}  // namespace

TEST_CASE("cabs finding nobody join the rank until it is full, and later cabs drive on", "[model][taxi]") {
  Site site;
  add_taxi_stand(site.s);
  site.start();
  site.run();

  const auto ranked = site.times(kRank, RecordKind::enter);
  const auto turned = site.times(kRank, RecordKind::denied);
  REQUIRE(ranked.size() == 2);  // the rank's capacity
  REQUIRE(!turned.empty());
  CHECK(ranked[1] < turned.front());
  CHECK(site.vehicles(kRank, RecordKind::enter) == std::vector<std::uint32_t>{1, 1});
  // Cabs come only while the stand is open.
  CHECK(ranked.front() >= at(8));
  CHECK(turned.back() < at(20));
}

TEST_CASE("a party takes the cab that has waited longest, and the next party the next cab", "[model][taxi]") {
  Site site;
  add_taxi_stand(site.s);
  site.start();
  site.run_until(at(10));
  const auto ranked = site.times(kRank, RecordKind::enter);
  REQUIRE(ranked.size() == 2);
  take_taxi(site, 1);
  take_taxi(site, 2);

  // Both leave the rank at once; each cab's wait is from when it joined the rank.
  CHECK(site.times(kRank, RecordKind::leave) == std::vector<Time>{at(10), at(10)});
  CHECK(site.values(kRank, RecordKind::served) == std::vector<double>{at(10) - ranked[0], at(10) - ranked[1]});
  // Neither party waited.
  CHECK(site.values(kStand, RecordKind::served) == std::vector<double>{0, 0});
  CHECK(site.records(kStand, RecordKind::queue_join).empty());
}

TEST_CASE("a party finding the rank empty waits for the next cab, which takes it at once", "[model][taxi]") {
  Site site;
  add_taxi_stand(site.s);
  by_id(site.s.taxi_stands, "P6").rank_capacity = 0;
  site.start();
  site.run_until(at(10));
  take_taxi(site, 1);
  CHECK(site.times(kStand, RecordKind::queue_join) == std::vector<Time>{at(10)});
  site.run();

  // The first cab after 10:00 is served (matched with the party) without waiting.
  std::vector<Time> cabs;
  for (const Record& r : site.log.records)
    if (r.place == site.place(kRank) && r.time > at(10) && (r.kind == RecordKind::served || r.kind == RecordKind::denied))
      cabs.push_back(r.time);
  REQUIRE(!cabs.empty());
  const auto served = site.records(kRank, RecordKind::served);
  REQUIRE(served.size() == 1);
  CHECK(served[0].time == cabs.front());
  CHECK(served[0].value == 0);
  CHECK(site.values(kStand, RecordKind::served) == std::vector<double>{cabs.front() - at(10)});
  // It loads at the bay and leaves with the cab.
  CHECK(site.vehicles(kStand, RecordKind::vehicle_out) == std::vector<std::uint32_t>{1});
}

TEST_CASE("the rank empties at closing and stays empty until the stand opens", "[model][taxi]") {
  Site site;
  add_taxi_stand(site.s);  // 08:00-20:00
  site.s.horizon_s = 2 * kSecondsPerDay;
  site.s.days = 2;
  site.s.classes[0].volume = {0, 0};  // one per day
  site.start();
  site.run();
  // The rank's level from its records, once every record of an instant is in: never above 0
  // outside the stand's hours.
  std::vector<std::pair<Time, double>> level;
  for (const Record& r : site.log.records) {
    if (r.place != site.place(kRank) || (r.kind != RecordKind::enter && r.kind != RecordKind::leave)) continue;
    const double before = level.empty() ? 0 : level.back().second;
    const double after = before + (r.kind == RecordKind::enter ? r.vehicles : -static_cast<double>(r.vehicles));
    if (!level.empty() && level.back().first == r.time) level.back().second = after;
    else level.emplace_back(r.time, after);
  }
  REQUIRE(!level.empty());
  for (auto [t, n] : level) {
    const double clock = std::fmod(t, kSecondsPerDay);
    if (clock < at(8) || clock >= at(20)) CHECK(n == 0);
  }
  CHECK(level.back().second == 0);
  // Two cabs drove off at each closing.
  CHECK(site.times(kRank, RecordKind::leave) == std::vector<Time>{at(20), at(20), kSecondsPerDay + at(20), kSecondsPerDay + at(20)});
}

TEST_CASE("a party reaching a closed stand chooses again, unless it opens within the allowed wait", "[model][taxi]") {
  Site site;
  add_taxi_stand(site.s);  // 08:00-20:00
  site.s.service_wait_max_s = 900;
  site.start();
  site.run_until(at(7, 50));
  take_taxi(site, 1);  // opens in 10 min: waits for it
  site.run_until(at(20, 30));
  take_taxi(site, 2);  // closed: goes another way
  site.run();
  CHECK(site.times(kStand, RecordKind::queue_join) == std::vector<Time>{at(7, 50)});
  CHECK(site.times("replans.service_closed", RecordKind::replan) == std::vector<Time>{at(20, 30)});
  CHECK(site.records(kStand, RecordKind::vehicle_out).size() == 1);
}

TEST_CASE("a party whose patience runs out at the stand leaves its line and goes home another way",
          "[model][taxi][patience]") {
  Site site;
  add_taxi_stand(site.s);
  site.s.taxi_stands[0].cabs_per_hour.assign(24, 0);  // no cab comes
  site.s.patience[static_cast<std::size_t>(scenario::WaitKind::taxi)] = {.mean_s = 600, .balk = false};
  World& w = site.start();
  site.run_until(at(10));
  Party p = visitor(7);
  p.egress = Mode::taxi;
  const std::uint32_t pid = site.hand_on(p, "stand", Stage::taxi);
  const Party waiting = w.parties[pid];
  const Time patience = dist::exponential(600, World::u(w.choice_rng, waiting, kDrawPatience));
  site.run();

  // It left the stand's line when its patience ran out, after waiting exactly that long ...
  CHECK(site.times(kStand, RecordKind::renege) == std::vector<Time>{at(10) + patience});
  CHECK(site.values(kStand, RecordKind::renege) == std::vector<double>{(at(10) + patience) - at(10)});
  CHECK(site.times(kStand, RecordKind::queue_leave) == std::vector<Time>{at(10) + patience});
  CHECK(site.records(kStand, RecordKind::vehicle_out).empty());
  // ... and went home on foot (its class's other way home), leaving the model.
  CHECK(w.parties[pid].stage == Stage::done);
  CHECK(w.parties[pid].egress == Mode::walk);
  CHECK(w.parties[pid].gave_up == 1);
}

TEST_CASE("a party balks at a stand whose line it expects to take longer than its patience", "[model][taxi][patience]") {
  Site site;
  add_taxi_stand(site.s);
  site.s.taxi_stands[0].cabs_per_hour.assign(24, 1);  // a cab an hour: an hour per party ahead
  site.s.taxi_stands[0].rank_capacity = 0;
  site.s.patience[static_cast<std::size_t>(scenario::WaitKind::taxi)] = {.mean_s = 1e-3, .balk = true};
  site.start();
  site.run_until(at(10));
  take_taxi(site, 1);
  site.run();
  CHECK(site.persons(kStand, RecordKind::balk) == std::vector<std::uint32_t>{1});
  CHECK(site.records(kStand, RecordKind::queue_join).empty());
}
