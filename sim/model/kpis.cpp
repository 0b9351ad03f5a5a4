#include "model/kpis.hpp"

#include <algorithm>

#include "model/world.hpp"

namespace expoflow::model {

namespace {

// Mean wait per person (or vehicle, where vehicles queue), as the quantiles are.
double mean_wait(const PlaceStats& ps) {
  double sum = 0, n = 0;
  for (std::size_t b = 0; b < ps.wait_sum.size(); ++b) {
    sum += ps.wait_sum[b];
    n += ps.wait_n[b];
  }
  return n > 0 ? sum / n : 0.0;
}

}  // namespace

ReplicationResult collect_result(World& w) {
  const auto& L = w.L;
  ReplicationResult out;
  for (auto& p : w.rec->probes()) out.observed.push_back(p.total);
  const auto& st = w.rec->places();
  const auto& places = w.sim.places();
  auto kpi = [&](std::string name, double v) { out.kpis.emplace_back(std::move(name), v); };
  const int pass = counted_index(RecordKind::pass), board = counted_index(RecordKind::board),
            denied = counted_index(RecordKind::denied), vout = counted_index(RecordKind::vehicle_out);
  for (auto& g : L.gates) {
    const PlaceStats& ps = st[g.place];
    kpi(places[g.place].id + ".entries", ps.total_persons[pass]);
    kpi(places[g.place].id + ".peak_queue", ps.queue.peak());
    kpi(places[g.place].id + ".wait_mean_s", mean_wait(ps));
    kpi(places[g.place].id + ".wait_p95_s", ps.wait_hist.quantile(0.95));
    kpi(places[g.place].id + ".turned_away", ps.total_persons[denied]);
  }
  for (auto& l : L.lines) {
    const std::string& id = places[l.place_line].id;
    kpi(id + ".boardings", st[l.place_line].total_persons[board]);
    kpi(id + ".denied_boardings", st[l.place_line].total_persons[denied]);
    if (l.metro) {
      kpi(id + ".platform_peak", st[l.place_platform].occupancy.peak());
      kpi(id + ".platform_wait_p95_s", st[l.place_platform].wait_hist.quantile(0.95));
      kpi(id + ".fare_gates_in_wait_p95_s", st[l.place_fare_in].wait_hist.quantile(0.95));
    }
    kpi(id + ".max_load_ratio", st[l.place_line].max_load / l.capacity);
  }
  for (auto& t : L.taxis) {
    const std::string& id = places[t.place_parties].id;
    kpi(id + ".departures", st[t.place_parties].total_vehicles[vout]);
    kpi(id + ".party_wait_mean_s", mean_wait(st[t.place_parties]));
    kpi(id + ".party_wait_p95_s", st[t.place_parties].wait_hist.quantile(0.95));
    kpi(id + ".peak_parties_waiting", st[t.place_parties].queue.peak());
    kpi(id + ".cab_wait_mean_s", mean_wait(st[t.place_cabs]));
    kpi(id + ".peak_cabs_waiting", st[t.place_cabs].occupancy.peak());
  }
  for (auto& l : L.lots) {
    const std::string& id = places[l.place].id;
    kpi(id + ".peak_occupancy", st[l.place].occupancy.peak());
    kpi(id + ".peak_queue", st[l.place].queue.peak());
  }
  kpi("halls.peak_occupancy", st[L.place_hall].occupancy.peak());
  double worst = 0;
  for (auto& wk : L.walkways) worst = std::max(worst, st[wk.place].occupancy.peak() / wk.area_m2);
  kpi("walkways.max_peak_density", worst);
  // All entrances together: the wait of every person screened.
  Histogram all_waits;
  double wait_sum = 0, screened = 0;
  for (auto& g : L.gates) {
    const PlaceStats& ps = st[g.place];
    all_waits.merge(ps.wait_hist);
    for (std::size_t b = 0; b < ps.wait_sum.size(); ++b) {
      wait_sum += ps.wait_sum[b];
      screened += ps.wait_n[b];
    }
  }
  kpi("entrances.wait_mean_s", screened > 0 ? wait_sum / screened : 0.0);
  kpi("entrances.wait_p95_s", all_waits.quantile(0.95));
  const int replan = counted_index(RecordKind::replan), activate = counted_index(RecordKind::activate);
  kpi("replans.at_setoff_persons", st[L.place_replan_setoff].total_persons[replan]);
  kpi("replans.while_waiting_persons", st[L.place_replan_waiting].total_persons[replan]);
  // Disruptions and policies: how often they came into force and for how long.
  for (std::size_t p = 0; p < places.size(); ++p) {
    if (places[p].kind != PlaceKind::policy && places[p].kind != PlaceKind::event) continue;
    double active_s = 0;
    for (std::size_t b = 0; b < L.num_bins; ++b) active_s += st[p].occupancy.bin_mean(b) * w.s.bin_s;
    kpi(places[p].id + ".activations", st[p].total_persons[activate]);
    kpi(places[p].id + ".active_min", active_s / 60);
  }

  out.events = w.cal.num_processed();
  out.peak_pending = w.cal.peak_size();
  out.num_parties = w.parties.size();
  out.persons_generated = w.persons_generated;
  out.persons_left_inside = w.persons_live;
  out.recorder = std::move(w.rec);
  return out;
}

}  // namespace expoflow::model
