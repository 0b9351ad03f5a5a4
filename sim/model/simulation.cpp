#include "model/simulation.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <fmt/format.h>

#include "model/layout.hpp"

namespace expoflow::model {

namespace {

std::uint32_t add_place(std::vector<Place>& places, std::string id, PlaceKind kind,
                        double capacity = 0, double area = 0, bool vehicles = false,
                        bool booked = false) {
  places.push_back(Place{std::move(id), kind, capacity, area, vehicles, booked});
  return static_cast<std::uint32_t>(places.size() - 1);
}

PlaceKind place_kind(LotKind k) {
  switch (k) {
    case LotKind::car_park: return PlaceKind::car_park;
    case LotKind::coach_park: return PlaceKind::coach_park;
    case LotKind::dropoff: return PlaceKind::dropoff;
  }
  return PlaceKind::car_park;
}

// Arrival times at the site stop of every trip of a direction over all days. Buses cannot run
// more often than their fleet allows: the headway is at least round trip / fleet.
std::vector<Time> timetable(const TransitLineDef& l, const DirectionDef& d, int days,
                            const std::vector<EventDef>& events) {
  std::vector<Time> out;
  const double min_headway = l.metro ? 0.0 : l.round_trip_s / l.fleet;
  for (int day = 0; day < days; ++day) {
    const Time base = day * kSecondsPerDay;
    double t = l.first_s;
    while (t <= l.last_s) {
      const double h = d.headway_s.at(t);
      if (h <= 0) {
        // No service in this period: jump to the next step of the schedule.
        double next = l.last_s + 1;
        for (auto& [at, v] : d.headway_s.steps)
          if (at > t) {
            next = at;
            break;
          }
        t = next;
        continue;
      }
      out.push_back(base + t);
      t += std::max(h, min_headway);
    }
  }
  // Extra trains: trips added every headway over the event's window.
  for (const EventDef& ev : events)
    if (ev.kind == EventKind::extra_trains && ev.target == l.id + "." + d.id)
      for (Time t = ev.from_s; t < ev.to_s; t += ev.headway_s) out.push_back(t);
  std::sort(out.begin(), out.end());
  return out;
}

// Builds the site graph, the place list and the run's layout from a validated scenario.
struct LayoutBuilder {
  const Scenario& s;
  network::SiteGraph& graph;
  std::vector<Place>& places;
  Simulation::Layout& L;

  NodeId node(const std::string& id) const { return *graph.find(id); }
  std::uint32_t place(std::string id, PlaceKind kind, double capacity = 0, double area = 0,
                      bool vehicles = false, bool booked = false) {
    return add_place(places, std::move(id), kind, capacity, area, vehicles, booked);
  }

  // Nodes and walkways (one edge per walking direction), and the graph's paths.
  void walkways() {
    for (auto& n : s.nodes) graph.add_node(n.id, n.kind);
    for (std::size_t i = 0; i < s.walkways.size(); ++i) {
      const auto& w = s.walkways[i];
      auto add = [&](const std::string& a, const std::string& b, const std::string& suffix) {
        graph.add_edge(node(a), node(b), w.length_m, w.width_m, static_cast<std::uint32_t>(i));
        const double area = w.length_m * w.width_m;
        const double storage = std::max(1.0, std::floor(area * s.storage_density));
        L.walkways.push_back(WalkwayLayout{w.length_m, w.width_m, area, storage, w.width_m * s.max_specific_flow,
                                           w.speed_scale,
                                           place(fmt::format("walkway[{}]{}", w.id, suffix), PlaceKind::walkway, storage, area)});
      };
      add(w.from, w.to, w.both_ways ? ".forward" : "");
      if (w.both_ways) add(w.to, w.from, ".backward");
    }
    graph.finalize();
  }

  // Entrances, the halls, and the places of events, re-plans, policies and arrivals.
  void gates_and_site() {
    for (auto& g : s.gates) {
      GateLayout gl{node(g.node), place(fmt::format("gate[{}]", g.id), PlaceKind::gate), g.service_mean_s, {}};
      for (auto& [t, v] : g.lanes.steps)
        gl.lanes.emplace_back(t, static_cast<std::int64_t>(std::llround(v * g.lanes_scale)));
      if (g.queue_area_m2 > 0) {
        gl.queue_capacity = std::max(1.0, std::floor(g.queue_area_m2 * s.queue_density));
        gl.place_area = place(fmt::format("gate[{}].queue_area", g.id), PlaceKind::queue_area, gl.queue_capacity, g.queue_area_m2);
      }
      L.gates.push_back(std::move(gl));
    }
    L.hall_node = node(s.halls.node);
    L.place_hall = place("halls", PlaceKind::hall, 0, s.halls.area_m2);
    L.place_hall_hold = place("halls.hold", PlaceKind::hold);
    L.holding_capacity = std::floor(s.halls.holding_area_m2 * s.halls.holding_density);
    L.place_holding = place("halls.holding_area", PlaceKind::hold, L.holding_capacity, s.halls.holding_area_m2);
    for (auto& ev : s.events) {
      const std::string name = ev.id.empty() ? fmt::format("{}:{}", event_kind_name(ev.kind), ev.target) : ev.id;
      L.place_events.push_back(place(fmt::format("event[{}]", name), PlaceKind::event));
    }
    L.place_replan_setoff = place("replans.at_setoff", PlaceKind::replan);
    L.place_replan_waiting = place("replans.while_waiting", PlaceKind::replan);
    L.place_replan_closed = place("replans.service_closed", PlaceKind::replan);
    L.place_hall_policy = {place("policy.hall_occupancy.staggered_entry", PlaceKind::policy),
                           place("policy.hall_occupancy.queue_inside", PlaceKind::policy),
                           place("policy.hall_occupancy.exit_only", PlaceKind::policy)};
    L.place_exit_policy = place("policy.exit_direction", PlaceKind::policy);
    for (Mode m : {Mode::metro, Mode::bus, Mode::car, Mode::coach, Mode::dropoff, Mode::walk})
      L.place_arrivals[static_cast<std::size_t>(m)] = place(fmt::format("arrivals[{}]", mode_name(m)), PlaceKind::arrivals);
  }

  // A metro line's station: fare gates both ways, the platform, background users.
  void station(const TransitLineDef& l, LineLayout& ll) {
    ll.concourse_node = node(l.concourse_node);
    ll.fare_gates_in = l.fare_gates_in;
    ll.fare_gates_out = l.fare_gates_out;
    ll.fare_gate_service_s = l.fare_gate_service_s;
    ll.platform_capacity = std::floor(l.platform_area_m2 * l.platform_density);
    ll.place_fare_in = place(fmt::format("line[{}].fare_gates_in", l.id), PlaceKind::fare_gate);
    ll.place_fare_out = place(fmt::format("line[{}].fare_gates_out", l.id), PlaceKind::fare_gate);
    ll.place_platform = place(fmt::format("line[{}].platform", l.id), PlaceKind::platform, ll.platform_capacity, l.platform_area_m2);
    if (l.fare_gate_queue_area_m2 > 0) {
      const double a = l.fare_gate_queue_area_m2;
      ll.fare_queue_capacity = std::max(1.0, std::floor(a * s.queue_density));
      ll.place_fare_in_area = place(fmt::format("line[{}].fare_gates_in.queue_area", l.id), PlaceKind::queue_area, ll.fare_queue_capacity, a);
      ll.place_fare_out_area = place(fmt::format("line[{}].fare_gates_out.queue_area", l.id), PlaceKind::queue_area, ll.fare_queue_capacity, a);
    }
    ll.background_entries = l.background_entries;
    for (double& x : ll.background_entries) x *= l.background_scale;
    ll.background_scale = l.background_scale;
    ll.background_split = l.background_split;
  }

  void direction(const TransitLineDef& l, std::size_t li, std::size_t di, LineLayout& ll) {
    const auto& d = l.directions[di];
    DirectionLayout dl{static_cast<std::uint32_t>(li), !d.from_zone.empty(), !d.to_zone.empty(),
                       d.travel_s, timetable(l, d, s.days, s.events), d.background_load, d.background_alight,
                       place(fmt::format("line[{}].direction[{}].upstream", l.id, d.id), PlaceKind::upstream),
                       place(fmt::format("line[{}].direction[{}].stop", l.id, d.id), PlaceKind::stop)};
    const auto idx = static_cast<std::int32_t>(L.directions.size());
    L.dir_index.push_back(static_cast<std::uint32_t>(di));
    if (dl.access && ll.access_dir < 0) ll.access_dir = idx;
    if (dl.egress && ll.egress_dir < 0) ll.egress_dir = idx;
    ll.directions.push_back(static_cast<std::uint32_t>(idx));
    L.directions.push_back(std::move(dl));
  }

  // Metro, bus and shuttle lines with their directions; the access and egress splits by direction.
  void lines() {
    for (std::size_t li = 0; li < s.lines.size(); ++li) {
      const auto& l = s.lines[li];
      LineLayout ll{};
      ll.metro = l.metro;
      ll.shuttle = l.counts_as_shuttle;
      ll.capacity = l.vehicle_capacity;
      ll.site_node = node(l.site_node);
      ll.place_line = place(fmt::format("line[{}]", l.id),
                            l.metro ? PlaceKind::metro : (l.counts_as_shuttle ? PlaceKind::shuttle : PlaceKind::bus),
                            l.vehicle_capacity);
      ll.place_policy = l.metro ? place(fmt::format("policy.platform_exits.line[{}]", l.id), PlaceKind::policy) : 0;
      if (l.metro) station(l, ll);
      for (std::size_t di = 0; di < l.directions.size(); ++di) direction(l, li, di, ll);
      L.lines.push_back(std::move(ll));
    }
    auto split = [&](const std::vector<std::pair<std::pair<int, int>, double>>& sp) {
      std::vector<double> w(L.directions.size(), 0.0);
      for (auto& [ld, x] : sp)
        w[L.lines[static_cast<std::size_t>(ld.first)].directions[static_cast<std::size_t>(ld.second)]] += x;
      return w;
    };
    L.metro_access_w = split(s.metro_access);
    L.metro_egress_w = split(s.metro_egress);
    L.bus_access_w = split(s.bus_access);
    L.bus_egress_w = split(s.bus_egress);
  }

  // Taxi stands, car parks and drop-off lots, walk origins.
  void taxis_and_lots() {
    for (auto& t : s.taxi_stands) {
      TaxiLayout tl{node(t.node),
                    place(fmt::format("taxi_stand[{}]", t.id), PlaceKind::taxi_stand),
                    place(fmt::format("taxi_stand[{}].cab_rank", t.id), PlaceKind::cab_rank, t.rank_capacity, 0, true),
                    place(fmt::format("taxi_stand[{}].bays", t.id), PlaceKind::taxi_bays, t.bays, 0, true),
                    t.bays, t.loading_mean_s, t.rank_capacity, t.open_s, t.close_s, t.cabs_per_hour};
      for (double& r : tl.cabs_per_hour) r *= t.cab_supply_scale;
      L.taxis.push_back(std::move(tl));
    }
    for (auto& l : s.lots) {
      LotLayout ll{node(l.node),
                   place(fmt::format("lot[{}]", l.id), place_kind(l.kind), l.spaces, 0, true, l.booked),
                   l.kind == LotKind::dropoff, l.kind == LotKind::coach_park, l.booked, l.spaces, l.stop_mean_s,
                   l.pickup_delay_mean_s, -1};
      for (std::size_t li = 0; li < s.lines.size(); ++li)
        if (!l.shuttle.empty() && s.lines[li].id == l.shuttle) ll.shuttle = static_cast<std::int32_t>(li);
      L.car_park_weights.push_back(l.kind == LotKind::car_park ? l.weight : 0.0);
      L.coach_park_weights.push_back(l.kind == LotKind::coach_park ? l.weight : 0.0);
      L.dropoff_weights.push_back(l.kind == LotKind::dropoff ? l.weight : 0.0);
      L.lots.push_back(ll);
    }
    for (auto& w : s.walk_origins) {
      L.walk_origins.push_back(node(w.node));
      L.walk_origin_weights.push_back(w.weight);
    }
  }
};

// Which places the indicators are of, as the observe layer asks.
KpiPlaces kpi_places_of(const Scenario& s, const Simulation::Layout& L, const std::vector<Place>& places) {
  KpiPlaces k;
  for (const auto& g : L.gates) k.gates.push_back(g.place);
  // Where parties may give up a wait: the entrances, the stations' fare gates in, the taxi stands'
  // lines of parties, the bus and shuttle stops home.
  auto with_patience = [&](WaitKind kind) { return s.patience[static_cast<std::size_t>(kind)].enabled(); };
  if (with_patience(WaitKind::security))
    for (const auto& g : L.gates) k.patience_places.push_back(g.place);
  if (with_patience(WaitKind::fare_gates))
    for (const auto& l : L.lines)
      if (l.metro) k.patience_places.push_back(l.place_fare_in);
  if (with_patience(WaitKind::taxi))
    for (const auto& t : L.taxis) k.patience_places.push_back(t.place_parties);
  if (with_patience(WaitKind::bus))
    for (const auto& d : L.directions)
      if (d.egress && !L.lines[d.line].metro) k.patience_places.push_back(d.place_stop);
  for (const auto& l : L.lines) k.lines.push_back({l.place_line, l.metro, l.place_platform, l.place_fare_in, l.place_fare_out, l.capacity});
  for (const auto& t : L.taxis) k.taxi_stands.push_back({t.place_parties, t.place_cabs});
  for (const auto& l : L.lots) k.lots.push_back(l.place);
  k.hall = L.place_hall;
  for (const auto& w : L.walkways) k.walkways.push_back({w.place, w.area_m2});
  k.replans = {L.place_replan_setoff, L.place_replan_waiting, L.place_replan_closed};
  for (std::uint32_t p = 0; p < places.size(); ++p)
    if (places[p].kind == PlaceKind::arrivals) k.arrivals.push_back(p);
  for (std::uint32_t p = 0; p < places.size(); ++p) {
    if (places[p].kind == PlaceKind::policy || places[p].kind == PlaceKind::event) k.switches.push_back(p);
    // A line's capacity is of one vehicle: its use is the lines' max_load_ratio.
    const bool line = places[p].kind == PlaceKind::metro || places[p].kind == PlaceKind::bus ||
                      places[p].kind == PlaceKind::shuttle;
    if (places[p].capacity > 0 && !line) {
      k.capacity_places.push_back(p);
      k.capacities.push_back(places[p].capacity);
    }
  }
  return k;
}

// The scopes of the indicators: whole bins covering each span (a window's ends rounded outwards).
std::vector<observe::Scope> scopes_of(const Scenario& s, std::size_t num_bins) {
  using Kind = observe::Scope::Kind;
  auto bin = [&](double t, bool up) {
    const double b = up ? std::ceil(t / s.bin_s - 1e-9) : std::floor(t / s.bin_s + 1e-9);
    return std::min(num_bins, static_cast<std::size_t>(std::max(0.0, b)));
  };
  std::vector<observe::Scope> out{{Kind::run, "run", 0, num_bins}};
  for (int d = 0; d < s.days; ++d)
    out.push_back({Kind::day, fmt::format("d{}", d + 1), bin(d * kSecondsPerDay, false), bin((d + 1) * kSecondsPerDay, true)});
  for (std::size_t i = 0; i < s.events.size(); ++i) {
    const auto& e = s.events[i];
    out.push_back({Kind::window, e.id.empty() ? fmt::format("event{}", i + 1) : e.id, bin(e.from_s, false), bin(e.to_s, true)});
  }
  for (const auto& w : s.windows) out.push_back({Kind::window, w.id, bin(w.from_s, false), bin(w.to_s, true)});
  // Each hour of each day, up to the horizon: the hourly indicators.
  for (int d = 0; d < s.days; ++d)
    for (int h = 0; h < 24; ++h) {
      const double from = d * kSecondsPerDay + h * kSecondsPerHour;
      if (from >= s.horizon_s) break;
      out.push_back({Kind::hour, fmt::format("d{} {:02}:00", d + 1, h), bin(from, false), bin(from + kSecondsPerHour, true)});
    }
  return out;
}

}  // namespace

namespace {

// Fruin's grade from space per person (m²/person): A above the first bound, F at or below the last.
char fruin_grade(double area_m2, double persons, const double (&bounds)[5]) {
  if (persons <= 0) return 'A';
  const double space = area_m2 / persons;
  for (int i = 0; i < 5; ++i)
    if (space > bounds[i]) return static_cast<char>('A' + i);
  return 'F';
}

}  // namespace

char fruin_queue_los(double area_m2, double persons) { return fruin_grade(area_m2, persons, kFruinQueueBounds); }

char fruin_walkway_los(double area_m2, double persons) {
  return fruin_grade(area_m2, persons, kFruinWalkwayBounds);
}

char fruin_los(const Place& place, double persons) {
  return place.kind == PlaceKind::walkway ? fruin_walkway_los(place.area_m2, persons) : fruin_queue_los(place.area_m2, persons);
}

Simulation::~Simulation() = default;

std::size_t Simulation::num_bins() const { return layout_->num_bins; }

Simulation::Simulation(const Scenario& s) : s_(s), layout_(std::make_unique<Layout>()) {
  // Places are numbered in this order, which is the order of every table's rows.
  LayoutBuilder b{s, graph_, places_, *layout_};
  layout_->num_bins = static_cast<std::size_t>(std::ceil(s.horizon_s / s.bin_s));
  b.walkways();
  b.gates_and_site();
  b.lines();
  b.taxis_and_lots();
  kpi_places_ = kpi_places_of(s, *layout_, places_);
  scopes_ = scopes_of(s, layout_->num_bins);
  last_day_ = s.days - 1;
}

void Simulation::simulate_days(int first, int last) {
  if (first < 0 || last >= s_.days || first > last)
    throw std::invalid_argument(fmt::format("days {}..{} are not within the scenario's 1..{}", first + 1, last + 1, s_.days));
  first_day_ = first;
  last_day_ = last;
}

}  // namespace expoflow::model
