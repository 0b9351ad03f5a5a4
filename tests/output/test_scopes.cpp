// The indicators by scope: the whole run, each day and each window (an event's, or one asked for
// with --window). A day's figures are computed from the same records as the run's, so they must
// add up to the run's where they are counts, reach the run's peak on some day, and equal what an
// independent observer of the records finds for that day; a window over a whole day is that day.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "observe/kpis.hpp"
#include "output/ensemble.hpp"
#include "output/kpi_names.hpp"
#include "output/scopes.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;
using observe::Kpi;
using observe::KpiId;
using observe::Metric;

namespace {

// Every wait served at one place, by day (an observer of the records, apart from the Recorder).
struct WaitsByDay final : observe::RecordObserver {
  std::uint32_t place = 0;
  std::map<int, Histogram> by_day;
  void on_record(const observe::Record& r) override {
    if (r.place != place || r.kind != observe::RecordKind::served) return;
    by_day[static_cast<int>(r.time / kSecondsPerDay)].add(r.value, r.persons + r.vehicles);
  }
};

double value_of(const std::vector<Kpi>& kpis, KpiId id) {
  for (const Kpi& k : kpis)
    if (k.id == id) return k.value;
  FAIL("no indicator of place " << id.place << ", metric " << static_cast<int>(id.metric) << ", scope " << id.scope);
  return 0;
}

}  // namespace

TEST_CASE("A day's indicators add up to the run's, peak on some day, and a window over a day is that day",
          "[kpis][scopes]") {
  scenario::Scenario s = load_or_fail("scenarios/line17-outage.toml");
  s.windows.push_back({"whole_d4", 3 * kSecondsPerDay, 4 * kSecondsPerDay});
  const model::Simulation sim(s);
  const auto& scopes = sim.scopes();
  // The run, six days, the suspension's window, the window asked for, then each hour up to the
  // horizon (d6 23:00).
  REQUIRE(scopes.size() == 9 + 6 * 24 - 1);
  CHECK(scopes[9].name == "d1 00:00");
  CHECK(scopes.back().name == "d6 22:00");
  CHECK(scopes[4].name == "d4");
  CHECK(scopes[7].name == "line17-suspended");
  const std::size_t per_day = static_cast<std::size_t>(kSecondsPerDay / s.bin_s);
  CHECK(scopes[7].bin_lo == 3 * per_day + 14 * 4);  // d4 14:00 .. 16:00, in 15-minute bins
  CHECK(scopes[7].bin_hi == 3 * per_day + 16 * 4);
  const std::uint32_t west = place_index(sim, "gate[west]");
  WaitsByDay waits;
  waits.place = west;
  const model::ReplicationResult r = sim.run(1, 0, &waits);
  const auto& at = sim.kpi_places();

  for (const std::uint32_t g : at.gates) {
    double entries = 0, peak = 0;
    for (std::uint16_t d = 1; d <= 6; ++d) {
      entries += value_of(r.kpis, {g, Metric::entries, d});
      peak = std::max(peak, value_of(r.kpis, {g, Metric::peak_queue, d}));
    }
    CHECK(entries == value_of(r.kpis, {g, Metric::entries, 0}));
    CHECK(peak == value_of(r.kpis, {g, Metric::peak_queue, 0}));
  }
  for (const auto& l : at.lines) {
    double boardings = 0;
    for (std::uint16_t d = 1; d <= 6; ++d) boardings += value_of(r.kpis, {l.place, Metric::boardings, d});
    CHECK(boardings == value_of(r.kpis, {l.place, Metric::boardings, 0}));
  }
  // A day's 95th percentile is that of every wait served at the entrance that day.
  for (std::uint16_t d = 1; d <= 6; ++d) {
    INFO("day " << d);
    CHECK(value_of(r.kpis, {west, Metric::wait_p95_s, d}) == waits.by_day[d - 1].quantile(0.95));
  }
  // The window over the whole of d4 has d4's every indicator, bit for bit.
  std::size_t compared = 0;
  for (const Kpi& k : r.kpis)
    if (k.id.scope == 4) {
      CHECK(value_of(r.kpis, {k.id.place, k.id.metric, 8}) == k.value);
      ++compared;
    }
  CHECK(compared > 100);
  // The hours of a day add up to the day: entries, boardings, arrivals by mode, fare-gate passes.
  for (std::uint16_t d = 1; d <= 5; ++d) {
    const auto first_hour = static_cast<std::uint16_t>(9 + (d - 1) * 24);
    std::size_t summed = 0;
    for (const Kpi& k : r.kpis) {
      if (k.id.scope != first_hour) continue;
      const bool count = k.id.metric == Metric::entries || k.id.metric == Metric::boardings ||
                         k.id.metric == Metric::arrivals || k.id.metric == Metric::fare_gates_in_passes ||
                         k.id.metric == Metric::fare_gates_out_passes || k.id.metric == Metric::denied_boardings;
      if (!count) continue;
      double total = 0;
      for (std::uint16_t h = 0; h < 24; ++h)
        total += value_of(r.kpis, {k.id.place, k.id.metric, static_cast<std::uint16_t>(first_hour + h)});
      INFO("day " << d << ": " << output::kpi_name(k.id, sim.places()));
      CHECK(total == value_of(r.kpis, {k.id.place, k.id.metric, d}));
      ++summed;
    }
    CHECK(summed > 20);
  }
  // The suspension's window: Line 17 boards nobody while it is suspended.
  const std::uint32_t line17 = place_index(sim, "line[line17]");
  CHECK(value_of(r.kpis, {line17, Metric::boardings, 7}) == 0);
  CHECK(value_of(r.kpis, {line17, Metric::boardings, 4}) > 0);
}

TEST_CASE("A station's busiest hour is the largest count of fare-gate passes in any four consecutive bins",
          "[kpis][scopes]") {
  const scenario::Scenario s = load_or_fail("scenarios/ciie2024-calibrated.toml");
  const model::Simulation sim(s);
  const model::ReplicationResult r = sim.run(3, 0);
  const auto& stats = r.recorder->places();
  const int pass = observe::counted_index(observe::RecordKind::pass);
  const std::size_t per_day = static_cast<std::size_t>(kSecondsPerDay / s.bin_s), span = 4;
  for (const auto& l : sim.kpi_places().lines) {
    if (!l.metro) continue;
    const auto& in = stats[l.fare_in].persons[pass];
    const auto& out = stats[l.fare_out].persons[pass];
    REQUIRE(!in.empty());
    for (std::uint16_t d = 1; d <= 6; ++d) {
      INFO(sim.places()[l.place].id << " day " << d);
      // Every run of four bins starting in the day and ending in it, counted afresh.
      double most_in = 0, most_both = 0;
      std::size_t when_in = 0;
      for (std::size_t b = (d - 1) * per_day; b + span <= d * per_day && b + span <= in.size(); ++b) {
        double n_in = 0, n_both = 0;
        for (std::size_t i = b; i < b + span; ++i) {
          n_in += in[i];
          n_both += in[i] + (out.empty() ? 0.0 : out[i]);
        }
        if (n_in > most_in) {
          most_in = n_in;
          when_in = b;
        }
        most_both = std::max(most_both, n_both);
      }
      CHECK(value_of(r.kpis, {l.place, Metric::station_peak_hour_in, d}) == most_in);
      CHECK(value_of(r.kpis, {l.place, Metric::station_peak_hour_in_at_s, d}) == static_cast<double>(when_in) * s.bin_s);
      CHECK(value_of(r.kpis, {l.place, Metric::station_peak_hour_both, d}) == most_both);
      CHECK(most_in > 1000);
    }
  }
}

TEST_CASE("The headroom table puts what is closest to its capacity first, each use its peak over its capacity",
          "[kpis][scopes][outputs]") {
  const scenario::Scenario s = load_or_fail("tests/data/whatif/metro.toml");
  const model::Simulation sim(s);
  ensemble::Settings settings;
  settings.replications = 2;
  settings.threads = 1;
  const output::Ensemble e = output::run_ensemble(sim, settings);
  const auto lines = split_lines(output::headroom_csv(e));
  REQUIRE(lines.size() > 2);
  CHECK(lines[0] == "place,place_kind,capacity,peak,peak_use,ci95_lo,ci95_hi,at_s,clock,level_of_service");
  double previous = 1e300;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = csv_fields(lines[i]);
    REQUIRE(f.size() >= 9);  // the last, a level of service, may be empty
    const double use = std::stod(f[4]);
    CHECK(use <= previous);
    previous = use;
    CHECK(close_to(std::stod(f[3]), use * std::stod(f[2]), 1e-9));
  }
  // A platform's use is its peak occupancy over its capacity, replication by replication.
  const std::uint32_t platform = place_index(sim, "line[linea].platform");
  const double capacity = sim.places()[platform].capacity;
  REQUIRE(capacity > 0);
  const auto& uses = e.kpi_values_of({platform, Metric::peak_use});
  const auto& line_place = sim.kpi_places().lines.front();
  const auto& peaks = e.kpi_values_of({line_place.place, Metric::platform_peak});
  REQUIRE(uses.size() == 2);
  for (std::size_t i = 0; i < 2; ++i) CHECK(uses[i] == peaks[i] / capacity);
}

TEST_CASE("A window asked for (--window) adds every indicator over the span to kpis.csv, and a malformed one is refused, naming it",
          "[kpis][scopes][cli]") {
  TempDir tmp("window");
  const Outcome ok = run_expoflow("run tests/data/whatif/metro.toml -r 2 --out " + (tmp.path / "out").string() +
                                      " --window 'evening=d1 17:00..d1 19:00' --window 'd1 08:00..d1 09:30'",
                                  tmp);
  REQUIRE(ok.code == 0);
  CHECK_THAT(ok.out, Catch::Contains("window evening (d1 17:00 – d1 19:00)"));
  CHECK_THAT(ok.out, Catch::Contains("window window2 (d1 08:00 – d1 09:30)"));
  CHECK_THAT(ok.out, Catch::Contains("headroom (closest to capacity first)"));
  const auto rows = split_lines(read_text(tmp.path / "out" / "kpis.csv"));
  std::map<std::string, int> by_scope;
  for (std::size_t i = 1; i < rows.size(); ++i) ++by_scope[csv_fields(rows[i])[0]];
  CHECK(by_scope.size() == 4 + 23);  // run, d1, evening, window2, and the hours up to d1 23:00
  CHECK(by_scope["d1 08:00"] > 10);
  CHECK(by_scope["evening"] == by_scope["d1"]);
  CHECK(by_scope["run"] == by_scope["d1"] + 2);  // the lines' largest loads are of the whole run only
  CHECK_THAT(read_text(tmp.path / "out" / "summary.json"), Catch::Contains("\"name\": \"evening\""));

  for (const std::string bad : {"evening=d1 19:00..d1 17:00", "d1 17:00-d1 19:00", "run=d1 08:00..d1 09:00",
                                "a,b=d1 08:00..d1 09:00", "d9 08:00..d9 09:00"}) {
    INFO(bad);
    const Outcome o = run_expoflow("run tests/data/whatif/metro.toml -r 2 --out " + (tmp.path / "bad").string() +
                                       " --window '" + bad + "'",
                                   tmp);
    CHECK(o.code == 2);
    CHECK_THAT(o.err, Catch::Contains("--window \"" + bad + "\": "));
    CHECK(!fs::exists(tmp.path / "bad" / "summary.json"));
  }
}
