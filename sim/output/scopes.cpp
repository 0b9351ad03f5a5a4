#include "output/scopes.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "output/kpi_names.hpp"
#include "support/text.hpp"

namespace expoflow::output {

using observe::KpiId;
using observe::Metric;
using observe::Scope;

namespace {

const char* scope_kind_name(Scope::Kind k) {
  switch (k) {
    case Scope::Kind::run: return "run";
    case Scope::Kind::day: return "day";
    case Scope::Kind::window: return "window";
    case Scope::Kind::hour: return "hour";
  }
  return "run";
}

double span_start(const Ensemble& e, const Scope& s) { return static_cast<double>(s.bin_lo) * e.sim->scenario().bin_s; }
double span_end(const Ensemble& e, const Scope& s) { return static_cast<double>(s.bin_hi) * e.sim->scenario().bin_s; }

// "lo,hi" as CSV fields, or two empty fields where a single replication gives no interval.
std::string interval_csv(const Interval& ci) { return ci.exists ? fmt::format("{:.10g},{:.10g}", ci.lo, ci.hi) : ","; }

std::string count_text(double x) { return support::group_thousands(std::to_string(std::llround(x))); }

// The mean of an indicator of a scope.
double mean_of(const Ensemble& e, std::uint32_t place, Metric m, std::size_t scope) {
  return e.kpi(KpiId{place, m, static_cast<std::uint16_t>(scope)}).mean();
}

// When a peak happened ("d4 17:15"), or "-" if there was none (a peak of zero has no time).
std::string when_text(const Ensemble& e, std::uint32_t place, Metric value, Metric at, std::size_t scope) {
  if (mean_of(e, place, value, scope) <= 0) return "-";
  return clock_label(mean_of(e, place, at, scope));
}

}  // namespace

nlohmann::ordered_json scopes_json(const Ensemble& e) {
  const auto& scopes = e.sim->scopes();
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (std::size_t k = 1; k < scopes.size(); ++k) {
    if (scopes[k].kind == Scope::Kind::hour) continue;  // in kpis.csv
    nlohmann::ordered_json s;
    s["name"] = scopes[k].name;
    s["kind"] = scope_kind_name(scopes[k].kind);
    s["from"] = clock_label(span_start(e, scopes[k]));
    s["to"] = clock_label(span_end(e, scopes[k]));
    nlohmann::ordered_json kpis = nlohmann::ordered_json::object();
    for (const auto& [id, t] : e.kpis) {
      if (id.scope != k) continue;
      const Interval ci = nonnegative_interval95(t);  // every indicator is a count, wait, peak, share or time
      kpis[kpi_name(id, e.sim->places())] = {{"mean", ci.mean}, {"ci95", interval_json(ci)}};
    }
    s["kpis"] = std::move(kpis);
    out.push_back(std::move(s));
  }
  return out;
}

std::string kpis_csv(const Ensemble& e) {
  const auto& scopes = e.sim->scopes();
  std::string out = "scope,scope_kind,from_s,to_s,indicator,mean,ci95_lo,ci95_hi\n";
  for (std::size_t k = 0; k < scopes.size(); ++k)
    for (const auto& [id, t] : e.kpis) {
      if (id.scope != k) continue;
      const Interval ci = nonnegative_interval95(t);
      out += fmt::format("{},{},{},{},{},{:.10g},{}\n", scopes[k].name, scope_kind_name(scopes[k].kind),
                         span_start(e, scopes[k]), span_end(e, scopes[k]), kpi_name(id, e.sim->places()), ci.mean,
                         interval_csv(ci));
    }
  return out;
}

std::size_t busiest_day(const Ensemble& e) {
  const auto& scopes = e.sim->scopes();
  std::size_t best = 0;
  double most = -1;
  for (std::size_t k = 1; k < scopes.size(); ++k) {
    if (scopes[k].kind != Scope::Kind::day) continue;
    double entries = 0;
    for (const std::uint32_t g : e.sim->kpi_places().gates) entries += mean_of(e, g, Metric::entries, k);
    if (entries > most) {
      most = entries;
      best = k;
    }
  }
  return best;
}

std::string scope_table(const Ensemble& e, std::size_t k, const std::string& heading) {
  const auto& places = e.sim->places();
  const observe::KpiPlaces& at = e.sim->kpi_places();
  std::string out = "\n" + heading + "\n";
  out += fmt::format("\n{:<26} {:>10} {:>11} {:>9} {:>15} {:>15}\n", "entrance", "entries", "peak queue", "at",
                     "wait p95 (min)", "wait mean (min)");
  for (const std::uint32_t g : at.gates)
    out += fmt::format("{:<26} {:>10} {:>11} {:>9} {:>15.1f} {:>15.1f}\n", places[g].id,
                       count_text(mean_of(e, g, Metric::entries, k)), count_text(mean_of(e, g, Metric::peak_queue, k)),
                       when_text(e, g, Metric::peak_queue, Metric::peak_queue_at_s, k),
                       mean_of(e, g, Metric::wait_p95_s, k) / 60, mean_of(e, g, Metric::wait_mean_s, k) / 60);
  bool metro = false;
  for (const auto& l : at.lines) metro = metro || l.metro;
  if (metro) {
    out += fmt::format("\n{:<26} {:>14} {:>9} {:>14} {:>9} {:>14} {:>9} {:>13}\n", "station (fare gates)",
                       "peak hour in", "from", "peak hour out", "from", "both", "from", "queue in/out");
    for (const auto& l : at.lines) {
      if (!l.metro) continue;
      auto hour = [&](Metric v, Metric when) {
        return fmt::format("{:>14} {:>9}", count_text(mean_of(e, l.place, v, k)), when_text(e, l.place, v, when, k));
      };
      out += fmt::format("{:<26} {} {} {} {:>13}\n", places[l.place].id,
                         hour(Metric::station_peak_hour_in, Metric::station_peak_hour_in_at_s),
                         hour(Metric::station_peak_hour_out, Metric::station_peak_hour_out_at_s),
                         hour(Metric::station_peak_hour_both, Metric::station_peak_hour_both_at_s),
                         count_text(mean_of(e, l.place, Metric::fare_gates_in_peak_queue, k)) + "/" +
                             count_text(mean_of(e, l.place, Metric::fare_gates_out_peak_queue, k)));
    }
  }
  out += fmt::format("\n{:<26} {:>14} {:>9} {:>5} {:>17} {:>12}\n", "line", "platform peak", "at", "LOS",
                     "denied boardings", "boardings");
  for (const auto& l : at.lines) {
    std::string peak = "-", when = "-", los = "-";
    if (l.metro) {
      const double v = mean_of(e, l.place, Metric::platform_peak, k);
      peak = count_text(v);
      when = when_text(e, l.place, Metric::platform_peak, Metric::platform_peak_at_s, k);
      los = std::string(1, model::fruin_los(places[l.platform], v));
    }
    out += fmt::format("{:<26} {:>14} {:>9} {:>5} {:>17} {:>12}\n", places[l.place].id, peak, when, los,
                       count_text(mean_of(e, l.place, Metric::denied_boardings, k)),
                       count_text(mean_of(e, l.place, Metric::boardings, k)));
  }
  for (const auto& t : at.taxi_stands) {
    const std::uint32_t p = t.parties;
    out += fmt::format("\n{}: {} cabs left with a party; party wait mean {:.1f} min, p95 {:.1f} min, peak {} "
                       "persons queueing at {}; cab wait mean {:.1f} min\n",
                       places[p].id, count_text(mean_of(e, p, Metric::departures, k)),
                       mean_of(e, p, Metric::party_wait_mean_s, k) / 60, mean_of(e, p, Metric::party_wait_p95_s, k) / 60,
                       count_text(mean_of(e, p, Metric::peak_parties_waiting, k)),
                       when_text(e, p, Metric::peak_parties_waiting, Metric::peak_parties_waiting_at_s, k),
                       mean_of(e, p, Metric::cab_wait_mean_s, k) / 60);
  }
  if (!at.lots.empty()) {
    out += fmt::format("\n{:<26} {:>10} {:>16} {:>9} {:>12}\n", "car park / lot", "spaces", "peak occupancy", "at",
                       "peak queue");
    for (const std::uint32_t l : at.lots)
      out += fmt::format("{:<26} {:>10} {:>16} {:>9} {:>12}\n", places[l].id, count_text(places[l].capacity),
                         count_text(mean_of(e, l, Metric::peak_occupancy, k)),
                         when_text(e, l, Metric::peak_occupancy, Metric::peak_occupancy_at_s, k),
                         count_text(mean_of(e, l, Metric::peak_queue, k)));
  }
  out += fmt::format("\nhalls peak occupancy {} persons at {}", count_text(mean_of(e, at.hall, Metric::peak_occupancy, k)),
                     when_text(e, at.hall, Metric::peak_occupancy, Metric::peak_occupancy_at_s, k));
  // The densest walkway: the one whose peak density, averaged over the replications, is largest.
  const observe::KpiPlaces::Walkway* densest = nullptr;
  double most = -1;
  for (const auto& w : at.walkways)
    if (const double d = mean_of(e, w.place, Metric::peak_density, k); d > most) {
      most = d;
      densest = &w;
    }
  if (densest)
    out += fmt::format("; densest walkway {} at {:.2f} persons/m² ({}) at {}", places[densest->place].id, most,
                       model::fruin_walkway_los(1.0, most),
                       when_text(e, densest->place, Metric::peak_density, Metric::peak_density_at_s, k));
  return out + "\n";
}

std::string scope_tables(const Ensemble& e, bool every_day) {
  const auto& scopes = e.sim->scopes();
  const std::size_t busiest = busiest_day(e);
  std::string out;
  for (std::size_t k = 1; k < scopes.size(); ++k) {
    const Scope& s = scopes[k];
    const std::string span = fmt::format("{} – {}", clock_label(span_start(e, s)), clock_label(span_end(e, s)));
    if (s.kind == Scope::Kind::day && (every_day || k == busiest))
      out += scope_table(e, k, fmt::format("{}{} ({})", k == busiest ? "busiest day: " : "day ", s.name, span));
    else if (s.kind == Scope::Kind::window)
      out += scope_table(e, k, fmt::format("window {} ({})", s.name, span));
  }
  return out;
}

namespace {

struct HeadroomRow {
  std::uint32_t place = 0;
  Metric metric = Metric::peak_use;  // or a line's max_load_ratio
  double use = 0, peak = 0, capacity = 0;
  std::string when, los;
};

// The rows of the headroom table, the closest to breaking first (ties in place order).
std::vector<HeadroomRow> headroom_rows(const Ensemble& e) {
  const auto& places = e.sim->places();
  const observe::KpiPlaces& at = e.sim->kpi_places();
  std::vector<HeadroomRow> rows;
  for (std::size_t i = 0; i < at.capacity_places.size(); ++i) {
    const std::uint32_t p = at.capacity_places[i];
    const observe::Place& pl = places[p];
    HeadroomRow r{p, Metric::peak_use, mean_of(e, p, Metric::peak_use, 0), 0, at.capacities[i], "-", ""};
    r.peak = r.use * r.capacity;
    if (r.use > 0) r.when = clock_label(mean_of(e, p, Metric::peak_use_at_s, 0));
    if (pl.area_m2 > 0 && !pl.counts_vehicles) r.los = std::string(1, model::fruin_los(pl, r.peak));
    rows.push_back(std::move(r));
  }
  for (const auto& l : at.lines) {
    HeadroomRow r{l.place, Metric::max_load_ratio, mean_of(e, l.place, Metric::max_load_ratio, 0), 0, l.capacity, "-", ""};
    r.peak = r.use * r.capacity;
    rows.push_back(std::move(r));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const HeadroomRow& a, const HeadroomRow& b) { return a.use > b.use; });
  return rows;
}

}  // namespace

std::string headroom_csv(const Ensemble& e) {
  const auto& places = e.sim->places();
  std::string out = "place,place_kind,capacity,peak,peak_use,ci95_lo,ci95_hi,at_s,clock,level_of_service\n";
  for (const HeadroomRow& r : headroom_rows(e)) {
    const Interval ci = nonnegative_interval95(e.kpi({r.place, r.metric, 0}));
    const std::string at_s = r.when == "-" ? "" : fmt::format("{:.10g}", e.kpi({r.place, Metric::peak_use_at_s, 0}).mean());
    out += fmt::format("{},{},{:.10g},{:.10g},{:.10g},{},{},{},{}\n", places[r.place].id,
                       scenario::place_kind_name(places[r.place].kind), r.capacity, r.peak, r.use, interval_csv(ci), at_s,
                       r.when == "-" ? "" : r.when, r.los);
  }
  return out;
}

std::string headroom_table(const Ensemble& e, std::size_t rows) {
  const auto& places = e.sim->places();
  const auto all = headroom_rows(e);
  std::string out = fmt::format("\n{:<44} {:>10} {:>10} {:>9} {:>9} {:>4}\n", "headroom (closest to capacity first)",
                                "capacity", "peak", "use", "at", "LOS");
  for (std::size_t i = 0; i < all.size() && (rows == 0 || i < rows); ++i) {
    const HeadroomRow& r = all[i];
    out += fmt::format("{:<44} {:>10} {:>10} {:>8.0f}% {:>9} {:>4}\n", places[r.place].id, count_text(r.capacity),
                       count_text(r.peak), 100 * r.use, r.when, r.los.empty() ? "-" : r.los);
  }
  if (rows != 0 && all.size() > rows)
    out += fmt::format("(and {} more in headroom.csv)\n", all.size() - rows);
  return out;
}

}  // namespace expoflow::output
