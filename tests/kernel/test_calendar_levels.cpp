// The calendar's three levels (near heap, fine ring, coarse buckets) against a reference ordered by
// (time, sequence): delays from zero to days, with long gaps, so that events pass through every
// level, the ring wraps and empty stretches are jumped over.
#include <catch2/catch.hpp>

#include <limits>
#include <map>
#include <stdexcept>

#include "kernel/calendar.hpp"
#include "kernel/random.hpp"

using namespace expoflow;

namespace {

// A delay drawn from a mix of scales: ties (0), seconds, minutes, hours and days.
Time mixed_delay(const RandomStream& rng, std::uint64_t draw) {
  const std::uint64_t b = rng.bits(7, draw);
  const double u = rng.uniform(8, draw);
  switch (b % 6) {
    case 0: return 0;
    case 1: return static_cast<Time>(b % 5);  // integer seconds: ties with earlier events
    case 2: return u * 10;
    case 3: return u * 3600;
    case 4: return u * 6 * 3600;
    default: return u * 3 * 86400;
  }
}

}  // namespace

TEST_CASE("calendar: every level keeps the (time, seq) order over delays from zero to days",
          "[kernel][calendar]") {
  for (const Time width : {2.0, 0.37, 60.0}) {
    RandomStream rng(777, "calendar-levels", 0);
    Calendar cal(width);
    std::map<std::pair<Time, std::uint64_t>, std::pair<std::uint32_t, std::uint32_t>> ref;
    std::uint64_t seq = 0, draw = 0;
    std::size_t pops = 0;
    for (std::uint64_t step = 0; step < 60000; ++step) {
      const bool push = ref.empty() || rng.uniform(0, draw++) < 0.5;
      if (push) {
        // Now and then a burst far ahead, so a coarse bucket spreads many events at once.
        const int n = rng.bits(3, draw++) % 50 == 0 ? 200 : 1;
        const Time base = mixed_delay(rng, draw++);
        for (int i = 0; i < n; ++i) {
          const Time delay = base + (n > 1 ? rng.uniform(4, draw++) : 0.0);
          const auto kind = static_cast<std::uint32_t>(rng.bits(2, draw++) % 16);
          const auto target = static_cast<std::uint32_t>(rng.bits(5, draw++) % (Calendar::kMaxTarget + 1ULL));
          cal.schedule_in(delay, kind, target);
          ref.emplace(std::make_pair(cal.now() + delay, seq++), std::make_pair(kind, target));
        }
      } else {
        const Time t = cal.next_time();
        Event peeked;
        REQUIRE(cal.peek_near(&peeked));  // what a model prefetches for is what comes next
        const Event e = cal.pop();
        REQUIRE((peeked.time == e.time && peeked.seq == e.seq));
        const auto it = ref.begin();
        REQUIRE(t == e.time);
        REQUIRE(e.time == it->first.first);
        REQUIRE(e.seq == it->first.second);
        REQUIRE(e.kind == it->second.first);
        REQUIRE(e.target == it->second.second);
        ref.erase(it);
        ++pops;
      }
      REQUIRE(cal.size() == ref.size());
    }
    while (!cal.empty()) {
      const Event e = cal.pop();
      REQUIRE(e.time == ref.begin()->first.first);
      REQUIRE(e.seq == ref.begin()->first.second);
      ref.erase(ref.begin());
    }
    CHECK(ref.empty());
    CHECK(pops > 20000);
    CHECK(cal.now() > 3 * 86400);  // the clock went through days of mostly empty buckets
  }
}

TEST_CASE("calendar: a long quiet gap is jumped and ties at the far end keep their order",
          "[kernel][calendar]") {
  Calendar cal;
  cal.schedule(30 * 86400.0, 1, 7);
  cal.schedule(30 * 86400.0, 2, 8);
  cal.schedule(1.0, 3, 9);
  Event e = cal.pop();
  CHECK((e.time == 1.0 && e.target == 9));
  e = cal.pop();
  CHECK((e.time == 30 * 86400.0 && e.kind == 1 && e.target == 7));
  cal.schedule(cal.now(), 4, 10);  // same instant, scheduled later: runs after the tie already due
  e = cal.pop();
  CHECK((e.kind == 2 && e.target == 8));
  e = cal.pop();
  CHECK((e.kind == 4 && e.target == 10));
  CHECK(cal.empty());
}

TEST_CASE("calendar: an event it cannot address is refused with a clear error", "[kernel][calendar]") {
  Calendar cal;
  CHECK_NOTHROW(cal.schedule(1, 15, Calendar::kMaxTarget));
  CHECK_THROWS_AS(cal.schedule(1, 0, Calendar::kMaxTarget + 1), std::length_error);
  CHECK_THROWS_WITH(cal.schedule(1, 16, 0), Catch::Contains("16 kinds"));
  CHECK(cal.size() == 1);  // nothing half-scheduled
}

TEST_CASE("calendar: a time it cannot represent is refused, not scheduled", "[kernel][calendar]") {
  for (const Time width : {2.0, 0.01}) {
    Calendar cal(width);
    CHECK_NOTHROW(cal.schedule(Calendar::kMaxTime, 0, 1));
    CHECK_THROWS_AS(cal.schedule(1e300, 0, 2), std::range_error);
    CHECK_THROWS_WITH(cal.schedule(1e300, 0, 2), Catch::Contains("an event at 1e+300 s: beyond"));
    CHECK_THROWS_AS(cal.schedule(std::numeric_limits<Time>::infinity(), 0, 3), std::range_error);
    CHECK_THROWS_AS(cal.schedule(std::numeric_limits<Time>::quiet_NaN(), 0, 4), std::range_error);
    CHECK_THROWS_AS(cal.schedule_in(2 * Calendar::kMaxTime, 0, 5), std::range_error);
    REQUIRE(cal.size() == 1);  // nothing half-scheduled; the one good event still comes out
    CHECK(cal.pop().target == 1);
  }
}

TEST_CASE("calendar: the bucket width is chosen before the first event only", "[kernel][calendar]") {
  Calendar cal;
  CHECK_THROWS_AS(cal.set_bucket_width(0), std::logic_error);
  cal.set_bucket_width(0.05);
  cal.schedule(100, 1, 1);
  cal.schedule(0.01, 2, 2);
  CHECK_THROWS_AS(cal.set_bucket_width(1), std::logic_error);
  CHECK(cal.pop().target == 2);
  CHECK(cal.pop().target == 1);
}

TEST_CASE("calendar: a burst at one instant keeps its order, with later events scheduled into it",
          "[kernel][calendar]") {
  // A burst larger than the insertion-sort limit, all at one instant and scheduled in sequence
  // (the halls closing): in order already. A second one scheduled in reverse time order: sorted.
  // Then, while the first burst is being taken, zero-delay events join the current bucket.
  Calendar cal(0.5);
  for (std::uint32_t i = 0; i < 100; ++i) cal.schedule(100.0, 1, i);
  for (std::uint32_t i = 0; i < 100; ++i) cal.schedule(200.0 + 0.004 * (99 - i), 2, i);
  for (std::uint32_t i = 0; i < 100; ++i) {
    const Event e = cal.pop();
    REQUIRE((e.time == 100.0 && e.kind == 1 && e.target == i));
    if (i % 10 == 0) cal.schedule(cal.now(), 3, 1000 + i);  // after the rest of the burst
  }
  for (std::uint32_t i = 0; i < 100; i += 10) {
    const Event e = cal.pop();
    REQUIRE((e.time == 100.0 && e.kind == 3 && e.target == 1000 + i));
  }
  for (std::uint32_t i = 0; i < 100; ++i) {
    Event ahead;
    if (cal.peek_ahead(1, &ahead)) REQUIRE(ahead.target == 98 - i);  // the run, in order
    const Event e = cal.pop();
    REQUIRE((e.kind == 2 && e.target == 99 - i));
  }
  CHECK(cal.empty());
  CHECK(cal.peak_size() == 200);
}
