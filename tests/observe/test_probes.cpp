// The probes of observed figures: each statistic of their timing against a second, direct
// computation from the records, and how a simulated value is judged against an observation.
#include <catch2/catch.hpp>

#include <random>

#include "observe/probes.hpp"
#include "observe/recorder.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::observe;
using scenario::ObservedBound;
using scenario::ObservedDef;
using scenario::Statistic;

namespace {

// Records of persons passing two gates (and one walkway the probes must ignore) at random times
// over two days, with a morning and an evening crowd so that the busiest hour is well defined.
std::vector<Record> random_records(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> morning(9.6 * 3600, 1800), evening(17.2 * 3600, 2400);
  std::uniform_real_distribution<double> anytime(0, kSecondsPerDay);
  std::uniform_int_distribution<std::uint32_t> size(1, 4), place(0, 2);
  std::vector<Record> out;
  for (int day = 0; day < 2; ++day)
    for (int i = 0; i < 3000; ++i) {
      const double u = std::uniform_real_distribution<double>(0, 1)(rng);
      double t = u < 0.5 ? morning(rng) : u < 0.8 ? evening(rng) : anytime(rng);
      t = std::clamp(t, 0.0, kSecondsPerDay - 1) + day * kSecondsPerDay;
      out.push_back(Record{t, place(rng), size(rng), 0, RecordKind::pass, 0});
    }
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.time < b.time; });
  return out;
}

const std::vector<Place> kPlaces{{"gate[a]", PlaceKind::gate}, {"gate[b]", PlaceKind::gate},
                                 {"walkway[w]", PlaceKind::walkway}};

ObservedDef observation(Statistic s, double from, double to) {
  ObservedDef o;
  o.id = "x";
  o.value = 1;
  o.uncertainty = 1;
  o.from_s = from;
  o.to_s = to;
  o.statistic = s;
  o.probe.record = RecordKind::pass;
  o.probe.place_kind = PlaceKind::gate;
  return o;
}

// What a probe measures, through the Recorder as a run feeds it.
double measured(const ObservedDef& o, const std::vector<Record>& records) {
  Recorder rec(kPlaces, 2 * 96, 900);
  rec.add_probe(make_probe(kPlaces, o));
  for (const Record& r : records) rec.record(r);
  rec.close(2 * kSecondsPerDay);
  return probe_value(rec.probes().front());
}

bool counted(const ObservedDef& o, const Record& r) { return r.place < 2 && r.time >= o.from_s && r.time < o.to_s; }

}  // namespace

TEST_CASE("a probe's busiest hour, peak hour and share before a clock time match a direct count", "[observe]") {
  const auto seed = GENERATE(1u, 2u, 3u);
  const auto records = random_records(seed);
  const double from = 3 * 3600, to = kSecondsPerDay + 20 * 3600;

  SECTION("max_hourly: the largest count in any 60 minutes starting on a 5-minute step of the window") {
    const ObservedDef o = observation(Statistic::max_hourly, from, to);
    double best = 0;
    for (double s = from; s < to; s += 300) {
      double n = 0;
      for (const Record& r : records)
        if (counted(o, r) && r.time >= s && r.time < s + 3600) n += r.persons;
      best = std::max(best, n);
    }
    CHECK(measured(o, records) == best);
  }
  SECTION("peak_hour: the clock time the busiest 60 minutes start, the days laid over one another") {
    const ObservedDef o = observation(Statistic::peak_hour, from, to);
    double best = -1, best_at = -1;
    for (double c = 0; c + 3600 <= kSecondsPerDay; c += 300) {
      double n = 0;
      for (const Record& r : records)
        if (counted(o, r) && clock_of(r.time) >= c && clock_of(r.time) < c + 3600) n += r.persons;
      if (n > best) best = n, best_at = c;
    }
    CHECK(measured(o, records) == best_at);
    CHECK(best_at >= 8 * 3600);  // the morning crowd, not the evening's
    CHECK(best_at <= 10 * 3600);
  }
  SECTION("share_before: the share of the window's count before a clock time of its day") {
    ObservedDef o = observation(Statistic::share_before, from, to);
    o.at_s = 16.5 * 3600;
    double before = 0, all = 0;
    for (const Record& r : records)
      if (counted(o, r)) {
        all += r.persons;
        if (clock_of(r.time) < o.at_s) before += r.persons;
      }
    CHECK(measured(o, records) == Approx(before / all).epsilon(1e-12));
  }
  SECTION("total: the count in the window") {
    const ObservedDef o = observation(Statistic::total, from, to);
    double all = 0;
    for (const Record& r : records)
      if (counted(o, r)) all += r.persons;
    CHECK(measured(o, records) == all);
  }
}

TEST_CASE("a simulated value is judged against its observation's bound, range, tolerance or uncertainty",
          "[observe]") {
  ObservedDef o = observation(Statistic::total, 0, 1);
  o.value = 180000;
  o.uncertainty = 1800;
  SECTION("a lower bound is met at or above it and violated below") {
    o.bound = ObservedBound::min;
    CHECK(assess(o, 180000).ok);
    CHECK(assess(o, 250000).ok);
    CHECK_FALSE(assess(o, 179999).ok);
    CHECK(criterion_text(o) == ">= 180,000");
  }
  SECTION("an upper bound is met at or below it") {
    o.bound = ObservedBound::max;
    CHECK(assess(o, 100).ok);
    CHECK_FALSE(assess(o, 180001).ok);
  }
  SECTION("a relative tolerance") {
    o.tolerance = 0.2;
    CHECK(assess(o, 215000).ok);
    CHECK_FALSE(assess(o, 217000).ok);
    CHECK(assess(o, 217000).residual == Approx(37000.0 / 180000));
    CHECK(residual_text(o, assess(o, 217000)) == "+20.6%");
  }
  SECTION("without either: within two standard deviations") {
    CHECK(assess(o, 183500).ok);
    CHECK_FALSE(assess(o, 183700).ok);
  }
  SECTION("a peak hour's range and residual in minutes") {
    o = observation(Statistic::peak_hour, 0, 1);
    o.value = 9.5 * 3600;
    o.range = {{9 * 3600.0, 10 * 3600.0}};
    CHECK(assess(o, 9 * 3600).ok);
    CHECK_FALSE(assess(o, 10.25 * 3600).ok);
    CHECK_FALSE(assess(o, 10.25 * 3600).relative);
    CHECK(residual_text(o, assess(o, 10.25 * 3600)) == "+45 min");
    CHECK(value_text(o, 10.25 * 3600) == "10:15");
    CHECK(criterion_text(o) == "09:00..10:00");
  }
}
