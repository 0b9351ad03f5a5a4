#include "observe/kpis.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace expoflow::observe {

namespace {

// The statistics of a scope: a place's counts, waits and peaks over the scope's bins. The whole
// run reads the totals the Recorder keeps for it (the same figures, without adding up the bins).
class Range {
 public:
  Range(const Recorder& rec, const Scope& s)
      : lo_(std::min(s.bin_lo, rec.num_bins())), hi_(std::min(s.bin_hi, rec.num_bins())),
        whole_(s.kind == Scope::Kind::run), bin_s_(rec.bin_s()) {}
  bool whole() const { return whole_; }

  // Persons (or vehicles) counted of a kind (an index into kCountedKinds).
  double count(const PlaceStats& ps, int kind, bool vehicles = false) const {
    if (whole_) return vehicles ? ps.total_vehicles[kind] : ps.total_persons[kind];
    return sum(vehicles ? ps.vehicles[kind] : ps.persons[kind]);
  }
  double sum(const std::vector<double>& per_bin) const {
    double s = 0;
    add_to(s, per_bin);
    return s;
  }
  // Each bin's value added to `acc` in turn (an empty vector: zero in every bin).
  void add_to(double& acc, const std::vector<double>& per_bin) const {
    if (!per_bin.empty())
      for (std::size_t b = lo_; b < hi_; ++b) acc += per_bin[b];
  }
  // The mean wait per person (or vehicle, where vehicles queue), as the quantiles are.
  double mean_wait(const PlaceStats& ps) const {
    const auto [sum_s, n] = whole_ ? ps.wait_totals() : std::pair{sum(ps.wait_sum), sum(ps.wait_n)};
    return n > 0 ? sum_s / n : 0.0;
  }
  // The waits of the scope, into `h`: the run's histogram, or the bins' where the Recorder keeps
  // them (entrances, fare gates, platforms, taxi stands; nothing elsewhere).
  void add_waits(const PlaceStats& ps, Histogram& h) const {
    if (whole_) {
      h.merge(ps.wait_hist);
      return;
    }
    if (ps.wait_bin_hist.empty()) return;
    for (std::size_t b = lo_; b < hi_; ++b) h.merge(ps.wait_bin_hist[b]);
  }
  double wait_quantile(const PlaceStats& ps, double q) const {
    if (whole_) return ps.wait_hist.quantile(q);
    Histogram h;
    add_waits(ps, h);
    return h.quantile(q);
  }
  // The largest value of a level and the start of the first bin that holds it.
  struct Peak {
    double value = 0;
    Time at = 0;
  };
  Peak peak(const BinnedLevel& level) const {
    Peak p{0, start(lo_)};
    for (std::size_t b = lo_; b < hi_; ++b)
      if (const double m = level.bin_max(b); m > p.value) p = {m, start(b)};
    if (whole_) p.value = level.peak();  // the same maximum, kept by the level itself
    return p;
  }
  // The largest sum of `per_bin` over a run of consecutive bins covering an hour (at least one
  // bin), and when that run began.
  Peak busiest_hour(const std::vector<double>& per_bin) const {
    const auto span = static_cast<std::size_t>(std::max(1.0, std::ceil(kSecondsPerHour / bin_s_ - 1e-9)));
    Peak p{0, start(lo_)};
    if (per_bin.empty()) return p;
    double window = 0;
    for (std::size_t b = lo_; b < hi_; ++b) {
      window += per_bin[b];
      if (b >= lo_ + span) window -= per_bin[b - span];
      const std::size_t first = b + 1 >= lo_ + span ? b + 1 - span : lo_;
      if (window > p.value) p = {window, start(first)};
    }
    return p;
  }

 private:
  Time start(std::size_t b) const { return static_cast<double>(b) * bin_s_; }
  std::size_t lo_, hi_;
  bool whole_;
  Time bin_s_;
};

// Two places' per-bin counts added up.
std::vector<double> added(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  std::vector<double> out(a);
  for (std::size_t i = 0; i < out.size() && i < b.size(); ++i) out[i] += b[i];
  return out;
}

// The hourly indicators (Scope::Kind::hour).
void hourly_kpis(const Recorder& rec, const KpiPlaces& at, const Range& r, std::uint16_t scope, std::vector<Kpi>& out) {
  const auto& st = rec.places();
  auto kpi = [&](std::uint32_t place, Metric m, double v) { out.push_back(Kpi{{place, m, scope}, v}); };
  const int pass = counted_index(RecordKind::pass), board = counted_index(RecordKind::board),
            denied = counted_index(RecordKind::denied), arrive = counted_index(RecordKind::arrive);
  for (const std::uint32_t g : at.gates) {
    kpi(g, Metric::entries, r.count(st[g], pass));
    kpi(g, Metric::peak_queue, r.peak(st[g].queue).value);
    kpi(g, Metric::wait_mean_s, r.mean_wait(st[g]));
    kpi(g, Metric::wait_p95_s, r.wait_quantile(st[g], 0.95));
  }
  for (const auto& l : at.lines) {
    kpi(l.place, Metric::boardings, r.count(st[l.place], board));
    kpi(l.place, Metric::denied_boardings, r.count(st[l.place], denied));
    if (l.metro) {
      kpi(l.place, Metric::fare_gates_in_passes, r.count(st[l.fare_in], pass));
      kpi(l.place, Metric::fare_gates_out_passes, r.count(st[l.fare_out], pass));
      kpi(l.place, Metric::fare_gates_in_wait_p95_s, r.wait_quantile(st[l.fare_in], 0.95));
      kpi(l.place, Metric::fare_gates_in_peak_queue, r.peak(st[l.fare_in].queue).value);
      kpi(l.place, Metric::fare_gates_out_peak_queue, r.peak(st[l.fare_out].queue).value);
      kpi(l.place, Metric::platform_peak, r.peak(st[l.platform].occupancy).value);
      kpi(l.place, Metric::platform_wait_p95_s, r.wait_quantile(st[l.platform], 0.95));
    }
  }
  for (const auto& t : at.taxi_stands) {
    kpi(t.parties, Metric::party_wait_mean_s, r.mean_wait(st[t.parties]));
    kpi(t.parties, Metric::party_wait_p95_s, r.wait_quantile(st[t.parties], 0.95));
    kpi(t.parties, Metric::peak_parties_waiting, r.peak(st[t.parties].queue).value);
  }
  for (const std::uint32_t a : at.arrivals) kpi(a, Metric::arrivals, r.count(st[a], arrive));
}

void scope_kpis(const Recorder& rec, const KpiPlaces& at, const Range& r, std::uint16_t scope, std::vector<Kpi>& out) {
  const auto& st = rec.places();
  auto kpi = [&](std::uint32_t place, Metric m, double v) { out.push_back(Kpi{{place, m, scope}, v}); };
  auto peak_kpis = [&](std::uint32_t place, Metric value, Metric when, Range::Peak p) {
    kpi(place, value, p.value);
    kpi(place, when, p.at);
  };
  const int pass = counted_index(RecordKind::pass), board = counted_index(RecordKind::board),
            denied = counted_index(RecordKind::denied), vout = counted_index(RecordKind::vehicle_out);
  for (const std::uint32_t g : at.gates) {
    const PlaceStats& ps = st[g];
    kpi(g, Metric::entries, r.count(ps, pass));
    peak_kpis(g, Metric::peak_queue, Metric::peak_queue_at_s, r.peak(ps.queue));
    kpi(g, Metric::wait_mean_s, r.mean_wait(ps));
    kpi(g, Metric::wait_p95_s, r.wait_quantile(ps, 0.95));
    kpi(g, Metric::turned_away, r.count(ps, denied));
  }
  for (const auto& l : at.lines) {
    kpi(l.place, Metric::boardings, r.count(st[l.place], board));
    kpi(l.place, Metric::denied_boardings, r.count(st[l.place], denied));
    if (l.metro) {
      peak_kpis(l.place, Metric::platform_peak, Metric::platform_peak_at_s, r.peak(st[l.platform].occupancy));
      kpi(l.place, Metric::platform_wait_p95_s, r.wait_quantile(st[l.platform], 0.95));
      kpi(l.place, Metric::fare_gates_in_wait_p95_s, r.wait_quantile(st[l.fare_in], 0.95));
      kpi(l.place, Metric::fare_gates_in_peak_queue, r.peak(st[l.fare_in].queue).value);
      kpi(l.place, Metric::fare_gates_out_peak_queue, r.peak(st[l.fare_out].queue).value);
      kpi(l.place, Metric::fare_gates_in_passes, r.count(st[l.fare_in], pass));
      kpi(l.place, Metric::fare_gates_out_passes, r.count(st[l.fare_out], pass));
      const auto& in = st[l.fare_in].persons[pass];
      const auto& out_of = st[l.fare_out].persons[pass];
      peak_kpis(l.place, Metric::station_peak_hour_in, Metric::station_peak_hour_in_at_s, r.busiest_hour(in));
      peak_kpis(l.place, Metric::station_peak_hour_out, Metric::station_peak_hour_out_at_s, r.busiest_hour(out_of));
      peak_kpis(l.place, Metric::station_peak_hour_both, Metric::station_peak_hour_both_at_s,
                r.busiest_hour(added(in, out_of)));
    }
    if (r.whole()) kpi(l.place, Metric::max_load_ratio, st[l.place].max_load / l.capacity);
  }
  for (const auto& t : at.taxi_stands) {
    kpi(t.parties, Metric::departures, r.count(st[t.parties], vout, true));
    kpi(t.parties, Metric::party_wait_mean_s, r.mean_wait(st[t.parties]));
    kpi(t.parties, Metric::party_wait_p95_s, r.wait_quantile(st[t.parties], 0.95));
    peak_kpis(t.parties, Metric::peak_parties_waiting, Metric::peak_parties_waiting_at_s, r.peak(st[t.parties].queue));
    kpi(t.parties, Metric::cab_wait_mean_s, r.mean_wait(st[t.cabs]));
    kpi(t.parties, Metric::peak_cabs_waiting, r.peak(st[t.cabs].occupancy).value);
  }
  for (const std::uint32_t l : at.lots) {
    peak_kpis(l, Metric::peak_occupancy, Metric::peak_occupancy_at_s, r.peak(st[l].occupancy));
    peak_kpis(l, Metric::peak_queue, Metric::peak_queue_at_s, r.peak(st[l].queue));
  }
  peak_kpis(at.hall, Metric::peak_occupancy, Metric::peak_occupancy_at_s, r.peak(st[at.hall].occupancy));
  double worst = 0;
  for (const auto& wk : at.walkways) worst = std::max(worst, r.peak(st[wk.place].occupancy).value / wk.area_m2);
  kpi(kWholeSite, Metric::densest_walkway_peak, worst);
  // All entrances together: the wait of every person screened.
  Histogram all_waits;
  double wait_sum = 0, screened = 0;
  for (const std::uint32_t g : at.gates) {
    const PlaceStats& ps = st[g];
    r.add_waits(ps, all_waits);
    r.add_to(wait_sum, ps.wait_sum);
    r.add_to(screened, ps.wait_n);
  }
  kpi(kWholeSite, Metric::all_entrances_wait_mean_s, screened > 0 ? wait_sum / screened : 0.0);
  kpi(kWholeSite, Metric::all_entrances_wait_p95_s, all_waits.quantile(0.95));
  const int replan = counted_index(RecordKind::replan), activate = counted_index(RecordKind::activate);
  for (const std::uint32_t p : at.replans) kpi(p, Metric::replanned_persons, r.count(st[p], replan));
  // Disruptions and policies: how often they came into force and for how long (the occupancy of
  // their place is 1 while in force).
  for (const std::uint32_t p : at.switches) {
    const auto means = [&] {
      std::vector<double> m(rec.num_bins());
      for (std::size_t b = 0; b < m.size(); ++b) m[b] = st[p].occupancy.bin_mean(b) * rec.bin_s();
      return m;
    }();
    kpi(p, Metric::activations, r.count(st[p], activate));
    kpi(p, Metric::active_min, r.sum(means) / 60);
  }
  for (const std::uint32_t p : at.patience_places) {
    kpi(p, Metric::balked_persons, r.count(st[p], counted_index(RecordKind::balk)));
    kpi(p, Metric::reneged_persons, r.count(st[p], counted_index(RecordKind::renege)));
  }
  for (const auto& wk : at.walkways) {
    const Range::Peak p = r.peak(st[wk.place].occupancy);
    peak_kpis(wk.place, Metric::peak_density, Metric::peak_density_at_s, {p.value / wk.area_m2, p.at});
  }
  for (std::size_t i = 0; i < at.capacity_places.size(); ++i) {
    const std::uint32_t p = at.capacity_places[i];
    const Range::Peak peak = r.peak(st[p].occupancy);
    peak_kpis(p, Metric::peak_use, Metric::peak_use_at_s, {peak.value / at.capacities[i], peak.at});
  }
  const int arrive = counted_index(RecordKind::arrive);
  for (const std::uint32_t a : at.arrivals) kpi(a, Metric::arrivals, r.count(st[a], arrive));
}

}  // namespace

std::vector<Kpi> compute_kpis(const Recorder& rec, const KpiPlaces& at, const std::vector<Scope>& scopes) {
  std::vector<Kpi> out;
  for (std::size_t k = 0; k < scopes.size(); ++k) {
    const auto scope = static_cast<std::uint16_t>(k);
    if (scopes[k].kind == Scope::Kind::hour) hourly_kpis(rec, at, Range(rec, scopes[k]), scope, out);
    else scope_kpis(rec, at, Range(rec, scopes[k]), scope, out);
  }
  return out;
}

bool is_wait_percentile(Metric m) {
  return m == Metric::wait_p95_s || m == Metric::platform_wait_p95_s || m == Metric::fare_gates_in_wait_p95_s ||
         m == Metric::party_wait_p95_s || m == Metric::all_entrances_wait_p95_s;
}

double wait_share_over(const Recorder& rec, const KpiPlaces& at, const std::vector<Scope>& scopes, KpiId id,
                       double bound_s) {
  const Range r(rec, scopes.at(id.scope));
  const auto& st = rec.places();
  Histogram h;
  switch (id.metric) {
    case Metric::wait_p95_s:
    case Metric::party_wait_p95_s: r.add_waits(st[id.place], h); break;
    case Metric::all_entrances_wait_p95_s:
      for (const std::uint32_t g : at.gates) r.add_waits(st[g], h);
      break;
    case Metric::platform_wait_p95_s:
    case Metric::fare_gates_in_wait_p95_s:
      for (const auto& l : at.lines)
        if (l.place == id.place) r.add_waits(st[id.metric == Metric::platform_wait_p95_s ? l.platform : l.fare_in], h);
      break;
    default: throw std::invalid_argument("wait_share_over: not a percentile of waits");
  }
  return h.share_above(bound_s);
}

}  // namespace expoflow::observe
