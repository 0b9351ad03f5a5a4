#include "observe/kpis.hpp"

#include <algorithm>

namespace expoflow::observe {

namespace {

// Mean wait per person (or vehicle, where vehicles queue), as the quantiles are.
double mean_wait(const PlaceStats& ps) {
  const auto [sum, n] = ps.wait_totals();
  return n > 0 ? sum / n : 0.0;
}

}  // namespace

std::vector<Kpi> compute_kpis(const Recorder& rec, const KpiPlaces& at) {
  std::vector<Kpi> out;
  const auto& st = rec.places();
  auto kpi = [&](std::uint32_t place, Metric m, double v) { out.push_back(Kpi{{place, m}, v}); };
  const int pass = counted_index(RecordKind::pass), board = counted_index(RecordKind::board),
            denied = counted_index(RecordKind::denied), vout = counted_index(RecordKind::vehicle_out);
  for (const std::uint32_t g : at.gates) {
    const PlaceStats& ps = st[g];
    kpi(g, Metric::entries, ps.total_persons[pass]);
    kpi(g, Metric::peak_queue, ps.queue.peak());
    kpi(g, Metric::wait_mean_s, mean_wait(ps));
    kpi(g, Metric::wait_p95_s, ps.wait_hist.quantile(0.95));
    kpi(g, Metric::turned_away, ps.total_persons[denied]);
  }
  for (const auto& l : at.lines) {
    kpi(l.place, Metric::boardings, st[l.place].total_persons[board]);
    kpi(l.place, Metric::denied_boardings, st[l.place].total_persons[denied]);
    if (l.metro) {
      kpi(l.place, Metric::platform_peak, st[l.platform].occupancy.peak());
      kpi(l.place, Metric::platform_wait_p95_s, st[l.platform].wait_hist.quantile(0.95));
      kpi(l.place, Metric::fare_gates_in_wait_p95_s, st[l.fare_in].wait_hist.quantile(0.95));
    }
    kpi(l.place, Metric::max_load_ratio, st[l.place].max_load / l.capacity);
  }
  for (const auto& t : at.taxi_stands) {
    kpi(t.parties, Metric::departures, st[t.parties].total_vehicles[vout]);
    kpi(t.parties, Metric::party_wait_mean_s, mean_wait(st[t.parties]));
    kpi(t.parties, Metric::party_wait_p95_s, st[t.parties].wait_hist.quantile(0.95));
    kpi(t.parties, Metric::peak_parties_waiting, st[t.parties].queue.peak());
    kpi(t.parties, Metric::cab_wait_mean_s, mean_wait(st[t.cabs]));
    kpi(t.parties, Metric::peak_cabs_waiting, st[t.cabs].occupancy.peak());
  }
  for (const std::uint32_t l : at.lots) {
    kpi(l, Metric::peak_occupancy, st[l].occupancy.peak());
    kpi(l, Metric::peak_queue, st[l].queue.peak());
  }
  kpi(at.hall, Metric::peak_occupancy, st[at.hall].occupancy.peak());
  double worst = 0;
  for (const auto& wk : at.walkways) worst = std::max(worst, st[wk.place].occupancy.peak() / wk.area_m2);
  kpi(kWholeSite, Metric::densest_walkway_peak, worst);
  // All entrances together: the wait of every person screened.
  Histogram all_waits;
  double wait_sum = 0, screened = 0;
  for (const std::uint32_t g : at.gates) {
    const PlaceStats& ps = st[g];
    all_waits.merge(ps.wait_hist);
    for (std::size_t b = 0; b < ps.bins; ++b) {
      wait_sum += PlaceStats::at(ps.wait_sum, b);
      screened += PlaceStats::at(ps.wait_n, b);
    }
  }
  kpi(kWholeSite, Metric::all_entrances_wait_mean_s, screened > 0 ? wait_sum / screened : 0.0);
  kpi(kWholeSite, Metric::all_entrances_wait_p95_s, all_waits.quantile(0.95));
  const int replan = counted_index(RecordKind::replan), activate = counted_index(RecordKind::activate);
  for (const std::uint32_t p : at.replans) kpi(p, Metric::replanned_persons, st[p].total_persons[replan]);
  // Disruptions and policies: how often they came into force and for how long.
  for (const std::uint32_t p : at.switches) {
    double active_s = 0;
    for (std::size_t b = 0; b < rec.num_bins(); ++b) active_s += st[p].occupancy.bin_mean(b) * rec.bin_s();
    kpi(p, Metric::activations, st[p].total_persons[activate]);
    kpi(p, Metric::active_min, active_s / 60);
  }
  for (const std::uint32_t p : at.patience_places) {
    kpi(p, Metric::balked_persons, st[p].total_persons[counted_index(RecordKind::balk)]);
    kpi(p, Metric::reneged_persons, st[p].total_persons[counted_index(RecordKind::renege)]);
  }
  return out;
}

}  // namespace expoflow::observe
