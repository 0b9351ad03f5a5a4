// The result files against a second implementation in this test: `expoflow run` writes, per
// place and time bin, the mean over replications of what each replication's record stream shows,
// and this test works the same numbers out from the records itself (Simulation::run with a
// RecordLog, same scenario, seed and replications):
// - counts.csv: persons and vehicles of each counted record kind, by bin;
// - occupancy.csv and queues.csv: the level of persons present (enter - leave) and queueing
//   (queue_join - queue_leave), its time-weighted mean and its maximum in each bin; queues.csv
//   also the served count and the mean wait per person (or vehicle) of the `served` records;
// - summary.json: each observed total, the records of its kind at the places of its kind within
//   its window [from, to), in persons or vehicles, and its relative error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <tuple>
#include <vector>

#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "../support.hpp"

using namespace expoflow;
using namespace expoflow::test;
using model::Record;
using scenario::RecordKind;

namespace {

const std::string kScenario = "tests/data/calibrate/recovery.toml";  // gates, a metro station, a car park
constexpr std::uint64_t kSeed = 3;
constexpr std::uint32_t kReplications = 2;

// The tables print 6 significant digits ({:.6g}), so a number read back is within 5e-6 of its
// value, relatively; summary.json prints doubles exactly, so its numbers differ from the ones
// worked out here only by the order of the additions.
constexpr double kPrinted = 1e-5, kExact = 1e-9;

// A table row's key (bin start, place[, counter]) -> its numbers, from the CSV text; `key_columns`
// after the first (bin_start_s) and the clock; `value_columns` after those.
using Table = std::map<std::string, std::vector<double>>;
Table read_table(const std::string& csv, std::size_t key_columns, std::size_t value_columns) {
  Table out;
  const auto lines = split_lines(csv);
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto f = csv_fields(lines[i]);
    while (f.size() < 2 + key_columns + value_columns) f.emplace_back();  // empty trailing fields
    std::string key = f[0];
    for (std::size_t k = 0; k < key_columns; ++k) key += "|" + f[2 + k];
    std::vector<double> values;
    for (std::size_t v = 0; v < value_columns; ++v) values.push_back(std::stod(f[2 + key_columns + v]));
    out[key] = values;
  }
  return out;
}

void check_same(const Table& written, const Table& expected, const std::string& what) {
  INFO(what);
  CHECK(written.size() == expected.size());
  for (const auto& [key, want] : expected) {
    INFO("row " << key);
    REQUIRE(written.count(key));
    const auto& got = written.at(key);
    for (std::size_t i = 0; i < want.size(); ++i) {
      INFO("column " << i << ": written " << got[i] << ", worked out " << want[i]);
      CHECK(close_to(got[i], want[i], kPrinted));
    }
  }
}

// A level (persons present or queueing) as a step function of time, integrated and maximised per
// bin: the level held at any moment of a bin, and each value it takes there, counts for its max.
struct Level {
  double value = 0;
  Time last = 0;
  std::vector<double> integral, max;
  explicit Level(std::size_t bins) : integral(bins, 0.0), max(bins, 0.0) {}
  void mark(std::size_t b) {
    if (b < max.size()) max[b] = std::max(max[b], value);
  }
  void change(Time t, double delta, double bin_s) {
    while (last < t) {
      const auto b = static_cast<std::size_t>(last / bin_s);
      if (b >= max.size()) break;
      const Time end = std::min(t, static_cast<double>(b + 1) * bin_s);
      integral[b] += value * (end - last);
      mark(b);
      last = end;
    }
    last = std::max(last, t);
    mark(static_cast<std::size_t>(t / bin_s));
    value += delta;
    mark(static_cast<std::size_t>(t / bin_s));
  }
};

// What one replication's records show, per place and bin.
struct Worked {
  std::map<std::tuple<std::size_t, std::uint32_t, RecordKind>, std::pair<double, double>> counts;  // bin, place, kind
  std::vector<Level> present, queueing;
  std::vector<std::vector<double>> served, wait_sum, wait_max;  // by place, bin
  std::vector<double> observed;
};

Worked work_out(const model::Simulation& sim, const std::vector<Record>& log) {
  const auto& s = sim.scenario();
  const std::size_t places = sim.places().size(), bins = sim.num_bins();
  const double bin_s = s.bin_s;
  Worked w;
  w.present.assign(places, Level(bins));
  w.queueing.assign(places, Level(bins));
  w.served.assign(places, std::vector<double>(bins, 0.0));
  w.wait_sum = w.wait_max = w.served;
  w.observed.assign(s.observed.size(), 0.0);
  const std::vector<RecordKind> counted = {RecordKind::pass,       RecordKind::board,       RecordKind::alight,
                                           RecordKind::denied,     RecordKind::vehicle_in,  RecordKind::vehicle_out,
                                           RecordKind::arrive,     RecordKind::activate,    RecordKind::replan};
  for (const Record& r : log) {
    const std::size_t bin = std::min(static_cast<std::size_t>(r.time / bin_s), bins - 1);
    const double units = r.persons + r.vehicles;
    switch (r.kind) {
      case RecordKind::enter: w.present[r.place].change(r.time, units, bin_s); break;
      case RecordKind::leave: w.present[r.place].change(r.time, -units, bin_s); break;
      case RecordKind::queue_join: w.queueing[r.place].change(r.time, units, bin_s); break;
      case RecordKind::queue_leave: w.queueing[r.place].change(r.time, -units, bin_s); break;
      case RecordKind::served:
        w.served[r.place][bin] += units;
        w.wait_sum[r.place][bin] += r.value * units;
        w.wait_max[r.place][bin] = std::max(w.wait_max[r.place][bin], r.value);
        break;
      default:
        if (std::find(counted.begin(), counted.end(), r.kind) != counted.end()) {
          auto& c = w.counts[{bin, r.place, r.kind}];
          c.first += r.persons;
          c.second += r.vehicles;
        }
    }
    const model::Place& place = sim.places()[r.place];
    for (std::size_t i = 0; i < s.observed.size(); ++i) {
      const auto& o = s.observed[i];
      const bool named = o.probe.places.empty() ||
                         std::find(o.probe.places.begin(), o.probe.places.end(), place.id) != o.probe.places.end();
      if (r.kind == o.probe.record && place.kind == o.probe.place_kind && named && (!o.probe.booked_only || place.booked) &&
          r.time >= o.from_s && r.time < o.to_s)
        w.observed[i] += o.probe.vehicles ? r.vehicles : r.persons;
    }
  }
  for (auto* levels : {&w.present, &w.queueing})
    for (Level& l : *levels) l.change(s.horizon_s, 0, bin_s);
  return w;
}

std::string bin_key(std::size_t b, double bin_s) { return fmt::format("{}", static_cast<double>(b) * bin_s); }

}  // namespace

TEST_CASE("the result files hold the mean over replications of what the record streams show, worked out from the "
          "records",
          "[cli][outputs]") {
  const TempDir tmp("tables");
  const fs::path out = tmp.path / "out";
  const Outcome o = run_expoflow("run " + kScenario + " -r " + std::to_string(kReplications) + " -j 1 --seed " +
                                     std::to_string(kSeed) + " -q --out '" + out.string() + "'",
                                 tmp);
  INFO(o.err);
  REQUIRE(o.code == 0);

  const auto s = load_or_fail(kScenario);
  const model::Simulation sim(s);
  std::vector<Worked> reps;
  for (std::uint32_t r = 0; r < kReplications; ++r) {
    RecordLog log;
    sim.run(kSeed, r, &log);
    reps.push_back(work_out(sim, log.records));
  }
  const auto& places = sim.places();
  const std::size_t bins = sim.num_bins();
  const double n = kReplications;
  auto mean = [&](auto&& f) {
    double sum = 0;
    for (const Worked& w : reps) sum += f(w);
    return sum / n;
  };

  // counts.csv: bin_start_s, clock, place, place_kind, counter, persons, vehicles (rows with any).
  Table counts;
  std::map<std::tuple<std::size_t, std::uint32_t, RecordKind>, std::pair<double, double>> summed;
  for (const Worked& w : reps)
    for (const auto& [key, c] : w.counts) {
      summed[key].first += c.first / n;
      summed[key].second += c.second / n;
    }
  for (const auto& [key, c] : summed) {
    const auto& [b, p, kind] = key;
    if (c.first == 0 && c.second == 0) continue;
    counts[bin_key(b, s.bin_s) + "|" + places[p].id + "|" + scenario::place_kind_name(places[p].kind) + "|" +
           scenario::record_kind_name(kind)] = {c.first, c.second};
  }
  REQUIRE(counts.size() > 50);
  check_same(read_table(read_text(out / "counts.csv"), 3, 2), counts, "counts.csv");

  // occupancy.csv: ..., occupancy_mean, occupancy_max (rows whose max is not 0).
  // queues.csv: ..., queue_mean, queue_max, served, wait_mean_s, wait_max_s (rows with a queue or a wait).
  Table occupancy, queues;
  for (std::uint32_t p = 0; p < places.size(); ++p)
    for (std::size_t b = 0; b < bins; ++b) {
      const std::string key = bin_key(b, s.bin_s) + "|" + places[p].id + "|" + scenario::place_kind_name(places[p].kind);
      const double omax = mean([&](const Worked& w) { return w.present[p].max[b]; });
      if (omax != 0) occupancy[key] = {mean([&](const Worked& w) { return w.present[p].integral[b]; }) / s.bin_s, omax};
      const double qmax = mean([&](const Worked& w) { return w.queueing[p].max[b]; });
      const double served = mean([&](const Worked& w) { return w.served[p][b]; });
      if (qmax == 0 && served == 0) continue;
      const double wait_sum = mean([&](const Worked& w) { return w.wait_sum[p][b]; });
      queues[key] = {mean([&](const Worked& w) { return w.queueing[p].integral[b]; }) / s.bin_s, qmax, served,
                     served > 0 ? wait_sum / served : 0.0, mean([&](const Worked& w) { return w.wait_max[p][b]; })};
    }
  REQUIRE(occupancy.size() > 20);
  REQUIRE(queues.size() > 20);
  check_same(read_table(read_text(out / "occupancy.csv"), 2, 2), occupancy, "occupancy.csv");
  check_same(read_table(read_text(out / "queues.csv"), 2, 5), queues, "queues.csv");

  // series.csv: bin_start_s, place, then queue_mean, occupancy_mean and served, each followed by
  // the half-width of its 95% t-interval over the replications, to three significant digits
  // (empty where the mean is zero); the wait percentiles after them are not worked out here.
  {
    const double t = student_t_quantile(0.975, kReplications - 1);
    auto mean_half = [&](auto&& f) {
      const double m = mean(f);
      double ss = 0;
      for (const Worked& w : reps) ss += (f(w) - m) * (f(w) - m);
      return std::pair{m, t * std::sqrt(ss / (n - 1) / n)};
    };
    // Within half a unit of the third significant digit of the value worked out (or a rounding
    // error's width of zero).
    auto three_digits = [](double got, double want) {
      if (std::fabs(got - want) <= 1e-9) return true;
      const double unit = std::pow(10.0, std::floor(std::log10(std::fabs(want))) - 2);
      return std::fabs(got - want) <= 0.5 * unit * (1 + 1e-6);
    };
    std::map<std::string, std::vector<double>> written;
    const auto lines = split_lines(read_text(out / "series.csv"));
    REQUIRE(lines.size() > 1);
    CHECK(lines[0].rfind("bin_start_s,place,queue_mean,queue_ci95,occupancy_mean,occupancy_ci95,served,served_ci95,", 0) == 0);
    for (std::size_t i = 1; i < lines.size(); ++i) {
      auto f = csv_fields(lines[i]);
      f.resize(8);  // empty trailing fields
      std::vector<double> values;
      for (std::size_t c = 2; c < 8; ++c) values.push_back(f[c].empty() ? 0.0 : std::stod(f[c]));
      written[f[0] + "|" + f[1]] = values;
    }
    std::size_t expected = 0, wrong = 0;
    for (std::uint32_t p = 0; p < places.size(); ++p)
      for (std::size_t b = 0; b < bins; ++b) {
        const auto [q, qh] = mean_half([&](const Worked& w) { return w.queueing[p].integral[b] / s.bin_s; });
        const auto [o, oh] = mean_half([&](const Worked& w) { return w.present[p].integral[b] / s.bin_s; });
        const auto [f, fh] = mean_half([&](const Worked& w) { return w.served[p][b]; });
        if (q == 0 && o == 0 && f == 0) continue;
        ++expected;
        const std::string key = bin_key(b, s.bin_s) + "|" + places[p].id;
        const auto it = written.find(key);
        const std::vector<double> want = {q, qh, o, oh, f, fh};
        bool ok = it != written.end();
        for (std::size_t c = 0; ok && c < want.size(); ++c) ok = three_digits(it->second[c], want[c]);
        if (!ok && ++wrong <= 5)
          FAIL_CHECK("series.csv row " << key << ": worked out " << q << " ± " << qh << ", " << o << " ± " << oh << ", "
                                        << f << " ± " << fh);
      }
    CHECK(expected > 20);
    CHECK(written.size() == expected);
    CHECK(wrong == 0);
  }

  // summary.json: each observed total's mean and relative error.
  const nlohmann::json summary = nlohmann::json::parse(read_text(out / "summary.json"));
  REQUIRE(summary["observations"].size() == s.observed.size());
  for (std::size_t i = 0; i < s.observed.size(); ++i) {
    const nlohmann::json& obs = summary["observations"][i];
    INFO(s.observed[i].id);
    CHECK(obs["name"] == s.observed[i].id);
    const double simulated = mean([&](const Worked& w) { return w.observed[i]; });
    CHECK(simulated > 0);
    CHECK(close_to(obs["simulated"].get<double>(), simulated, kExact));
    CHECK(close_to(obs["rel_error"].get<double>(), (simulated - s.observed[i].value) / s.observed[i].value, kExact));
  }
}
