#include "support/text.hpp"
#include "scenario/scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <initializer_list>
#include <map>
#include <span>
#include <set>
#include <string>

#include "scenario/detail.hpp"

namespace expoflow::scenario {

using scenario::Range;
using scenario::Reader;

const char* mode_name(Mode m) {
  static constexpr const char* names[] = {"metro", "bus",     "car",  "coach",
                                          "dropoff", "walk", "taxi", "pickup"};
  return names[static_cast<std::size_t>(m)];
}

namespace {

// "YYYY-MM-DD", a day that exists (2024-02-29 does, 2023-02-29 does not).
bool is_calendar_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9') return false;
  const std::chrono::year_month_day date{std::chrono::year{std::stoi(text.substr(0, 4))},
                                         std::chrono::month{static_cast<unsigned>(std::stoi(text.substr(5, 2)))},
                                         std::chrono::day{static_cast<unsigned>(std::stoi(text.substr(8, 2)))}};
  return date.ok();
}

// The sensible range of every number of a scenario (README, "Bad input"), by family. Generous:
// a planner's what-if at 20 times today's demand or capacity passes; what cannot be meant (a
// screening longer than two hours, a walking speed under 0.1 m/s, a capacity over 10^9, a scale
// that overflows the integer a capacity becomes) is refused before anything runs.
constexpr Range kScale{0, 1000};                 // demand, volume, lanes, cab supply, background
constexpr Range kServiceS{0.5, 7200, "s"};       // a screening, a taxi loading, a kerbside stop
constexpr Range kFareGateS{0.1, 600, "s"};
constexpr Range kWithinDayMin{0, 1440, "min"};   // travel, sweep, delays, lags, limits
constexpr Range kDurationMin{0.1, 1440, "min"};  // patience, a bin of a profile
constexpr Range kDwellMin{0.1, 14400, "min"};    // up to ten days: a stay past the horizon
constexpr Range kRoundTripMin{0.5, 1440, "min"};
constexpr Range kHeadwayMin{0.5, 1440, "min"};   // a train every 30 s at the most
constexpr Range kSpeedMps{0.1, 5, "m/s"};
constexpr Range kSpeedSdMps{0, 5, "m/s"};
constexpr Range kSpeedScale{0.05, 20};
constexpr Range kLengthM{0.1, 100000, "m"};
constexpr Range kWidthM{0.1, 1000, "m"};
constexpr Range kPositionM{-100000, 100000, "m"};  // a node on a site plan, 100 km either way
constexpr Range kAreaM2{0, 1e7, "m2"};           // 10 km2: the whole site and more
constexpr Range kFloorM2{1, 1e7, "m2"};
constexpr Range kDensity{0.1, 10, "persons/m2"};
constexpr Range kFlow{0.1, 5, "persons/m/s"};
constexpr Range kUnits{1, 100000};               // fare gates, loading bays, a bus fleet
constexpr Range kLanes{0, 10000};                // lanes of one entrance at one time
constexpr Range kSpaces{1, 1e7};
constexpr Range kVehicleCapacity{1, 1e6, "persons"};
constexpr Range kPersons{0, 1e9, "persons"};     // a day's volume, a rank, hall thresholds
constexpr Range kWeight{0, 1e9};
constexpr Range kPerMin{0, 100, "per min"};      // a logit's weight of a minute
constexpr Range kCabsPerHour{0, 100000, "cabs/h"};
constexpr Range kEntriesPerHour{0, 500000, "persons/h"};

constexpr Mode kAccessModes[] = {Mode::metro, Mode::bus, Mode::car, Mode::coach, Mode::dropoff,
                                 Mode::walk};
constexpr Mode kEgressModes[] = {Mode::metro, Mode::bus,  Mode::car,   Mode::coach,
                                 Mode::walk,  Mode::taxi, Mode::pickup};

std::optional<Mode> mode_of(std::string_view s) {
  for (std::size_t i = 0; i < kNumModes; ++i)
    if (s == mode_name(static_cast<Mode>(i))) return static_cast<Mode>(i);
  return std::nullopt;
}

// One of `allowed` (Reader::choice: the same names, order and messages), as the enum it names.
template <class E>
E read_choice(Reader& r, std::string_view key, std::initializer_list<E> allowed, E fallback,
              const char* (*name)(E), std::optional<E> (*parse)(std::string_view)) {
  std::vector<std::string> names;
  for (E e : allowed) names.emplace_back(name(e));
  return parse(r.choice(key, names, name(fallback))).value_or(fallback);
}

// "08:00", "27:30": a clock time, past 24:00 when it is.
std::string clock_text(double s) {
  const auto minutes = static_cast<long long>(std::llround(s / 60));
  return fmt::format("{:02}:{:02}", minutes / 60, minutes % 60);
}

// "d2 08:00": a moment of the scenario, as a scenario writes it.
std::string moment_text(double s) {
  const auto day = static_cast<long long>(std::floor(s / kSecondsPerDay));
  return fmt::format("d{} {}", day + 1, clock_text(s - static_cast<double>(day) * kSecondsPerDay));
}

// Every value of an array within `range`; the first one outside is reported, as "element N".
bool check_all(Reader& r, std::string_view key, const std::vector<double>& values, Range range) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!r.check_range(key, values[i], range, fmt::format("element {}: ", i + 1))) return false;
  return true;
}

// `{ "07:00" = 24, "17:00" = 0 }`: values that change at clock times of every day.
DailySchedule read_schedule(Reader& r, std::string_view key, double unit, bool required) {
  DailySchedule s;
  if (!r.has(key)) {
    if (required) r.error(key, "missing required key");
    return s;
  }
  for (auto& [clock, value] : r.number_map(key)) {
    auto t = scenario::parse_clock(clock);
    if (!t) {
      r.error(key, fmt::format("'{}' is not a clock time HH:MM", clock));
      continue;
    }
    s.steps.emplace_back(*t, value * unit);
  }
  std::sort(s.steps.begin(), s.steps.end());
  return s;
}

std::vector<double> read_hourly(Reader& r, std::string_view key, Range range) {
  auto v = r.numbers(key, std::vector<double>(24, 0.0));
  if (v.size() != 24) {
    r.error(key, fmt::format("needs 24 hourly values, got {}", v.size()));
    v.resize(24, 0.0);
  }
  check_all(r, key, v, range);
  return v;
}

PartySizeDef geometric_sizes(double mean, int max) {
  auto weights = [&](double q) {
    PartySizeDef d;
    double w = 1;
    for (int k = 1; k <= max; ++k, w *= q) {
      d.sizes.push_back(k);
      d.weights.push_back(w);
    }
    return d;
  };
  auto mean_of = [&](const PartySizeDef& d) {
    double m = 0, t = 0;
    for (std::size_t i = 0; i < d.sizes.size(); ++i) {
      m += d.sizes[i] * d.weights[i];
      t += d.weights[i];
    }
    return m / t;
  };
  double lo = 0, hi = 1;  // mean rises with q; grow hi until it is large enough
  while (mean_of(weights(hi)) < mean && hi < 1e6) hi *= 2;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (mean_of(weights(mid)) < mean ? lo : hi) = mid;
  }
  return weights(0.5 * (lo + hi));
}

// Where a key was written: its own position if present, else its table's.
scenario::SourcePos key_pos(const Reader& r, std::string_view key) {
  const scenario::Node* n = r.node().find(key);
  return n ? n->pos : r.pos();
}

struct Where {
  scenario::SourcePos pos;
  std::string path;
};

// The nodes reachable on foot from `start` (itself included), along `next`.
std::set<std::string> reach_from(const std::map<std::string, std::vector<std::string>>& next, const std::string& start) {
  std::set<std::string> seen{start};
  std::vector<std::string> todo{start};
  while (!todo.empty()) {
    const std::string n = std::move(todo.back());
    todo.pop_back();
    if (auto it = next.find(n); it != next.end())
      for (const auto& m : it->second)
        if (seen.insert(m).second) todo.push_back(m);
  }
  return seen;
}

struct Builder {
  Scenario s;
  scenario::Problems& problems;
  std::set<std::string> node_ids;
  std::vector<Where> gate_nodes;    // per gate: where its node is named
  std::vector<Where> class_volume;  // per class: where its volume is written
  std::vector<Where> lot_shuttle;   // per lot: where its shuttle is named
  bool days_ok = true;              // days is a good number (else per-day checks are skipped)
  // A place parties walk to or from, where its node is named, for the reachability check.
  struct Place {
    std::string node, what;  // what: "taxi stand 'north'"
    Where at;
    bool arrive = false, leave = false;  // parties arrive here / walk here from the halls
    std::vector<Mode> modes;             // whoever uses it: only checked when one of them has a share
  };
  std::vector<Place> places;
  std::vector<std::pair<std::size_t, std::size_t>> stations;  // (platform, concourse) places

  std::size_t place(Reader& r, std::string_view key, const std::string& node, std::string what, bool arrive,
                    bool leave, std::vector<Mode> modes) {
    places.push_back(Place{node, std::move(what), Where{key_pos(r, key), r.key_path(key)}, arrive, leave, std::move(modes)});
    return places.size() - 1;
  }

  // The share of a mode over every class, its access and its egress: > 0 when anyone uses it.
  double mode_share(Mode m) const {
    double x = 0;
    for (auto& c : s.classes) {
      x += c.access[static_cast<std::size_t>(m)];
      for (auto& row : c.egress) x += row[static_cast<std::size_t>(m)];
    }
    return x;
  }

  // A required table: "missing" only when it is absent (a wrong type is reported by table()).
  std::optional<Reader> required_table(Reader& r, std::string_view key) {
    auto t = r.table(key);
    if (!t && !r.has(key)) r.error(key, "missing required table");
    return t;
  }

  // The ids of a list of lines, gates, walkways, ..., in the order of the scenario: the valid
  // names an unknown one is told of (detail::unknown_name).
  static std::vector<std::string> ids_of(const auto& list) {
    std::vector<std::string> ids;
    for (const auto& x : list) ids.push_back(x.id);
    return ids;
  }
  // The lines of one kind (metro or bus) or, with `any`, every line.
  std::vector<std::string> line_ids(bool metro, bool any = false) const {
    std::vector<std::string> ids;
    for (const auto& l : s.lines)
      if (any || l.metro == metro) ids.push_back(l.id);
    return ids;
  }
  // "no direction 'd' on line 'l'" with the line's directions.
  static std::string no_direction(const std::string& dir, const TransitLineDef& line) {
    return detail::unknown_name(fmt::format("no direction '{}' on line '{}'", dir, line.id), dir, ids_of(line.directions));
  }

  // A node a place stands on: an empty id names no node, and is an error like any unknown one.
  void need_node(Reader& r, std::string_view key, const std::string& id) {
    if (id.empty() && r.has(key)) r.error(key, "must name a node, got an empty string");
    else if (!id.empty() && !node_ids.count(id))
      r.error(key, detail::unknown_name(fmt::format("no node '{}'", id), id, ids_of(s.nodes)) +
                       "; declare it in a [[node]] table");
  }

  void read_nodes(Reader& root) {
    // Positions: every node has one or none does. The first node with one and the first without
    // are remembered to name both in the message.
    std::optional<std::string> positioned;
    std::optional<Problem> unpositioned;
    for (auto& r : root.tables("node")) {
      NodeDef n{r.string("id"), r.string("kind", "place"), {}, {}};
      if (!n.id.empty()) node_ids.insert(n.id);
      const bool x = r.has("x_m"), y = r.has("y_m");
      if (x && y) {
        n.x_m = r.number_in("x_m", kPositionM);
        n.y_m = r.number_in("y_m", kPositionM);
        if (!positioned) positioned = n.id;
      } else if (x || y) {
        r.error(x ? "x_m" : "y_m", fmt::format("a node's position needs both x_m and y_m, {} is missing", x ? "y_m" : "x_m"));
        r.number(x ? "x_m" : "y_m", 0);  // read: not also reported as unknown
      } else if (!unpositioned) {
        unpositioned = Problem{r.pos(), r.path(), n.id};
      }
      r.finish();
      s.nodes.push_back(n);
    }
    if (s.nodes.empty()) root.error("node", "a scenario needs at least one [[node]]");
    if (positioned && unpositioned)
      root.problems().error(unpositioned->pos, unpositioned->path,
                            fmt::format("node '{}' has no position (x_m, y_m) but node '{}' has one: a "
                                        "scenario positions every node or none",
                                        unpositioned->message, *positioned));
  }

  void read_walkways(Reader& root) {
    for (auto& r : root.tables("walkway")) {
      WalkwayDef w;
      w.id = r.string("id");
      w.from = r.string("from");
      w.to = r.string("to");
      need_node(r, "from", w.from);
      need_node(r, "to", w.to);
      w.length_m = r.number_in("length_m", kLengthM);
      w.width_m = r.number_in("width_m", kWidthM);
      w.both_ways = r.boolean("both_ways", true);
      w.speed_scale = r.number_in("speed_scale", kSpeedScale, 1.0);
      r.finish();
      s.walkways.push_back(w);
    }
  }

  void read_gates(Reader& root) {
    for (auto& r : root.tables("gate")) {
      GateDef g;
      g.id = r.string("id");
      g.node = r.string("node");
      need_node(r, "node", g.node);
      gate_nodes.push_back(Where{key_pos(r, "node"), r.key_path("node")});
      g.service_mean_s = r.number_in("service_mean_s", kServiceS);
      g.lanes = read_schedule(r, "lanes", 1.0, true);
      for (auto& [t, v] : g.lanes.steps)
        if (r.check_range("lanes", v, kLanes) && v != std::floor(v))
          r.error("lanes", fmt::format("lanes must be whole numbers >= 0, got {}", v));
      g.lanes_scale = r.number_in("lanes_scale", kScale, 1.0);
      g.queue_area_m2 = r.number_in("queue_area_m2", kAreaM2, 0);
      r.finish();
      s.gates.push_back(g);
    }
    if (s.gates.empty()) root.error("gate", "a scenario needs at least one [[gate]]");
  }

  void read_halls(Reader& root) {
    auto r = required_table(root, "halls");
    if (!r) return;
    s.halls.node = r->string("node");
    need_node(*r, "node", s.halls.node);
    s.halls.open_s = r->clock("open");
    s.halls.close_s = r->clock("close");
    if (s.halls.close_s <= s.halls.open_s)
      r->error("close", "must be after open");
    s.halls.area_m2 = r->number_in("area_m2", kFloorM2, 1.0);
    s.halls.sweep_s = r->number_in("sweep_min", kWithinDayMin, 0) * 60;
    s.halls.holding_area_m2 = r->number_in("holding_area_m2", kAreaM2, 0);
    s.halls.holding_density = r->number_in("holding_density", kDensity, 2.0);
    r->finish();
  }

  void read_lines(Reader& root) {
    for (auto& r : root.tables("line")) {
      TransitLineDef l;
      l.id = r.string("id");
      const std::string mode = r.choice("mode", {"metro", "bus"}, "bus");
      l.metro = mode == "metro";
      l.vehicle_capacity = r.number_in("vehicle_capacity", kVehicleCapacity);
      l.first_s = r.clock("first", 0);
      l.last_s = r.clock("last", 86400);
      l.counts_as_shuttle = r.boolean("counts_as_shuttle", false);
      if (l.metro) {
        l.site_node = r.string("platform_node");
        need_node(r, "platform_node", l.site_node);
        l.concourse_node = r.string("concourse_node");
        need_node(r, "concourse_node", l.concourse_node);
        const std::size_t platform =
            place(r, "platform_node", l.site_node, fmt::format("the platform of line '{}'", l.id), true, false, {Mode::metro});
        stations.emplace_back(platform, place(r, "concourse_node", l.concourse_node, fmt::format("station '{}'", l.id),
                                              true, true, {Mode::metro}));
        l.fare_gates_in = static_cast<double>(r.count_in("fare_gates_in", kUnits));
        l.fare_gates_out = static_cast<double>(r.count_in("fare_gates_out", kUnits));
        l.fare_gate_service_s = r.number_in("fare_gate_service_s", kFareGateS);
        l.platform_area_m2 = r.number_in("platform_area_m2", kFloorM2);
        l.platform_density = r.number_in("platform_density", kDensity);
        l.fare_gate_queue_area_m2 = r.number_in("fare_gate_queue_area_m2", kAreaM2, 0);
        l.background_entries = read_hourly(r, "background_entries_per_hour", kEntriesPerHour);
        l.background_scale = r.number_in("background_scale", kScale, 1.0);
        // Each hour's entries are numbered in 20 bits of their random key.
        for (double x : l.background_entries)
          if (x <= kEntriesPerHour.hi && x * l.background_scale > kEntriesPerHour.hi) {  // x alone: its range
            r.error("background_entries_per_hour",
                    fmt::format("at most 500000 station users per hour, got {} (x{} background_scale)",
                                x, l.background_scale));
            break;
          }
      } else {
        l.site_node = r.string("stop_node");
        need_node(r, "stop_node", l.site_node);
        place(r, "stop_node", l.site_node, fmt::format("the stop of line '{}'", l.id), true, true,
              {Mode::bus, Mode::car, Mode::coach});  // a lot's shuttle stops here too
        l.fleet = r.number_in("fleet", kUnits);
        l.round_trip_s = r.number_in("round_trip_min", kRoundTripMin) * 60;
      }
      for (auto& d : r.tables("direction")) {
        DirectionDef dir;
        dir.id = d.string("id");
        dir.from_zone = d.string("from_zone", "");
        dir.to_zone = d.string("to_zone", "");
        dir.travel_s = d.number_in("travel_min", kWithinDayMin, 0) * 60;
        dir.headway_s = read_schedule(d, "headway_min", 60.0, true);
        for (auto& [t, h] : dir.headway_s.steps)
          if (h < 0)
            d.error("headway_min", fmt::format("must be >= 0 (0 = no service), got {}", h / 60));
          else if (h > 0 && !(h >= kHeadwayMin.lo * 60 && h <= kHeadwayMin.hi * 60))
            d.error("headway_min", fmt::format("must be 0 (no service) or {}..{} min, got {}", kHeadwayMin.lo,
                                               kHeadwayMin.hi, h / 60));
        if (l.metro) {
          dir.background_load = read_hourly(d, "background_load", Range{0, 1});  // shares of capacity
          dir.background_alight = d.fraction("background_alight", 0);
        } else {
          dir.background_load.assign(24, 0.0);
        }
        d.finish();
        l.directions.push_back(dir);
      }
      if (l.directions.empty()) r.error("direction", "a line needs at least one [[line.direction]]");
      if (l.metro) {
        l.background_split.assign(l.directions.size(), 0.0);
        if (r.has("background_split")) {
          for (auto& [dir, w] : r.number_map("background_split")) {
            const std::string& name = dir;  // clang 14 cannot capture a structured binding
            auto it = std::find_if(l.directions.begin(), l.directions.end(),
                                   [&](const DirectionDef& x) { return x.id == name; });
            if (it == l.directions.end())
              r.error("background_split", no_direction(dir, l));
            else
              l.background_split[static_cast<std::size_t>(it - l.directions.begin())] = w;
          }
        } else {
          std::fill(l.background_split.begin(), l.background_split.end(), 1.0);
        }
      }
      r.finish();
      s.lines.push_back(l);
    }
  }

  // `{ "line2.westbound" = 0.5, ... }` into (line, direction) indices.
  std::vector<std::pair<std::pair<int, int>, double>> read_split(Reader& r, std::string_view key,
                                                                 bool metro, bool access) {
    std::vector<std::pair<std::pair<int, int>, double>> out;
    if (!r.has(key)) return out;
    const auto shares = r.number_map(key);
    bool all_known = true;
    for (auto& [name, w] : shares) {
      const auto dot = name.find('.');
      const std::string line = name.substr(0, dot);
      const std::string dir = dot == std::string::npos ? "" : name.substr(dot + 1);
      int li = -1, di = -1;
      for (std::size_t i = 0; i < s.lines.size(); ++i)
        if (s.lines[i].id == line && s.lines[i].metro == metro) li = static_cast<int>(i);
      if (li < 0) {
        r.error(key, detail::unknown_name(fmt::format("no {} line '{}'", metro ? "metro" : "bus", line), line,
                                          line_ids(metro)));
        all_known = false;
        continue;
      }
      const auto& dirs = s.lines[static_cast<std::size_t>(li)].directions;
      for (std::size_t i = 0; i < dirs.size(); ++i)
        if (dirs[i].id == dir) di = static_cast<int>(i);
      if (di < 0) {
        r.error(key, no_direction(dir, s.lines[static_cast<std::size_t>(li)]) + "; write 'line.direction'");
        all_known = false;
        continue;
      }
      const auto& d = dirs[static_cast<std::size_t>(di)];
      if (access && d.from_zone.empty())
        r.error(key, fmt::format("'{}' brings nobody to the site (its from_zone is empty)", name));
      if (!access && d.to_zone.empty())
        r.error(key, fmt::format("'{}' takes nobody from the site (its to_zone is empty)", name));
      out.push_back({{li, di}, w});
    }
    double sum = 0;
    for (const auto& [ld, w] : out) sum += w;
    if (all_known && !out.empty() && std::abs(sum - 1.0) > 1e-6)
      r.error(key, fmt::format("shares must sum to 1, got {:.6g}", sum));
    return out;
  }

  void read_splits(Reader& root) {
    if (auto r = root.table("metro")) {
      s.metro_access = read_split(*r, "access", true, true);
      s.metro_egress = read_split(*r, "egress", true, false);
      r->finish();
    }
    if (auto r = root.table("bus")) {
      s.bus_access = read_split(*r, "access", false, true);
      s.bus_egress = read_split(*r, "egress", false, false);
      r->finish();
    }
  }

  void read_taxis(Reader& root) {
    for (auto& r : root.tables("taxi_stand")) {
      TaxiStandDef t;
      t.id = r.string("id");
      t.node = r.string("node");
      need_node(r, "node", t.node);
      place(r, "node", t.node, fmt::format("taxi stand '{}'", t.id), false, true, {Mode::taxi});
      t.bays = static_cast<double>(r.count_in("bays", kUnits));
      t.loading_mean_s = r.number_in("loading_mean_s", kServiceS);
      t.rank_capacity = static_cast<double>(r.count_in("rank_capacity", kPersons));
      t.open_s = r.clock("open", 0);
      t.close_s = r.clock("close", 86400);
      if (t.close_s <= t.open_s) r.error("close", "must be after open (a stand open over midnight is not modelled)");
      t.cabs_per_hour = read_hourly(r, "cabs_per_hour", kCabsPerHour);
      t.cab_supply_scale = r.number_in("cab_supply_scale", kScale, 1.0);
      r.finish();
      s.taxi_stands.push_back(t);
    }
  }

  void read_lots(Reader& root) {
    for (auto& r : root.tables("lot")) {
      LotDef l;
      l.id = r.string("id");
      l.kind = read_choice(r, "kind", {LotKind::car_park, LotKind::coach_park, LotKind::dropoff},
                           LotKind::car_park, lot_kind_name, parse_lot_kind);
      l.node = r.string("node");
      need_node(r, "node", l.node);
      l.spaces = static_cast<double>(r.count_in("spaces", kSpaces));
      if (l.kind == LotKind::dropoff) {
        l.stop_mean_s = r.number_in("stop_mean_s", kServiceS);
        l.pickup_delay_mean_s = r.number_in("pickup_delay_mean_min", kWithinDayMin, 0) * 60;
      } else {
        l.booked = r.boolean("booked", false);
        l.shuttle = r.string("shuttle", "");
      }
      lot_shuttle.push_back(Where{key_pos(r, "shuttle"), r.key_path("shuttle")});
      // A lot with a shuttle is off the site: its parties ride, they do not walk there.
      const bool walked = l.shuttle.empty();
      const std::vector<Mode> users = l.kind == LotKind::car_park     ? std::vector<Mode>{Mode::car}
                                      : l.kind == LotKind::coach_park ? std::vector<Mode>{Mode::coach}
                                                                      : std::vector<Mode>{Mode::dropoff, Mode::pickup};
      place(r, "node", l.node, fmt::format("lot '{}'", l.id), walked, walked, users);
      l.weight = r.number_in("weight", kWeight, 1.0);
      r.finish();
      s.lots.push_back(l);
    }
  }

  void read_walk_origins(Reader& root) {
    for (auto& r : root.tables("walk_origin")) {
      WalkOriginDef w{r.string("id"), r.string("node"), r.number_in("weight", kWeight, 1.0)};
      need_node(r, "node", w.node);
      place(r, "node", w.node, fmt::format("walk origin '{}'", w.id), true, true, {Mode::walk});
      r.finish();
      s.walk_origins.push_back(w);
    }
  }

  void read_party_sizes(Reader& root) {
    auto r = required_table(root, "party_size");
    if (!r) return;
    for (std::size_t m = 0; m < kNumModes; ++m) {
      const char* name = mode_name(static_cast<Mode>(m));
      auto t = r->table(name);
      if (!t) {
        s.party_size[m] = PartySizeDef{{1}, {1}};
        continue;
      }
      auto& p = s.party_size[m];
      if (t->has("mean")) {
        // Sizes 1..max with geometric weights q^(k-1), q solved so that the mean is as given:
        // one number to calibrate instead of a whole distribution.
        const double mean = t->positive("mean");
        const auto max = t->count("max", 6);
        if (max < 1 || max > 200) t->error("max", fmt::format("must be 1..200, got {}", max));
        else if (mean < 1 || mean > static_cast<double>(max))
          t->error("mean", fmt::format("must be between 1 and max ({}), got {}", max, mean));
        else p = geometric_sizes(mean, static_cast<int>(max));
      } else {
        p.sizes = t->numbers("sizes");
        p.weights = t->numbers("weights");
        if (p.sizes.size() != p.weights.size())
          t->error("weights", fmt::format("needs one weight per size ({}), got {}", p.sizes.size(),
                                          p.weights.size()));
        for (double x : p.sizes)
          if (x < 1 || x != std::floor(x) || x > 200) {
            t->error("sizes", fmt::format("party sizes must be whole numbers 1..200, got {}", x));
            break;
          }
        double sum = 0;
        check_all(*t, "weights", p.weights, kWeight);
        for (double w : p.weights) sum += w;
        if (sum <= 0) t->error("weights", "must have a positive sum");
      }
      t->finish();
    }
    r->finish();
  }

  void check_shares(Reader& r, std::string_view key, const std::array<double, kNumModes>& a) {
    double sum = 0;
    for (double x : a) sum += x;
    if (std::abs(sum - 1.0) > 1e-6)
      r.error(key, fmt::format("shares must sum to 1, got {:.6g}", sum));
  }

  std::array<double, kNumModes> read_mode_shares(Reader& r, std::string_view key,
                                                 std::span<const Mode> allowed) {
    std::array<double, kNumModes> a{};
    for (auto& [name, w] : r.number_map(key)) {
      auto m = mode_of(name);
      if (!m || std::find(allowed.begin(), allowed.end(), *m) == allowed.end()) {
        std::string list;
        for (Mode x : allowed) list += fmt::format("{}{}", list.empty() ? "" : ", ", mode_name(x));
        r.error(key, fmt::format("unknown mode '{}' (allowed: {})", name, list));
        continue;
      }
      a[static_cast<std::size_t>(*m)] = w;
    }
    return a;
  }

  // A clock-time profile: start, bin width and non-negative weights with a positive sum.
  Profile read_profile(Reader& a) {
    Profile pr;
    pr.start_s = a.clock("start");
    pr.bin_s = a.number_in("bin_minutes", kDurationMin, 60) * 60;
    pr.weights = a.numbers("weights");
    check_all(a, "weights", pr.weights, kWeight);
    double sum = 0;
    for (double w : pr.weights) sum += w;
    if (sum <= 0) a.error("weights", "must have a positive sum");
    // Times are drawn within the profile and a day's parties belong to that day: the share of a
    // profile after midnight would be lost in silence (after the horizon, or the halls shut).
    const double end_s = pr.start_s + pr.bin_s * static_cast<double>(pr.weights.size());
    if (end_s > kSecondsPerDay + 1e-6)
      a.error("weights", fmt::format("the profile runs past 24:00: {} bins of {} min from {} end at {}",
                                     pr.weights.size(), pr.bin_s / 60, clock_text(pr.start_s), clock_text(end_s)));
    return pr;
  }

  // How long a class stays: a leave-time profile or a dwell, and the latest time it leaves.
  void read_visit(Reader& r, ClassDef& c) {
    const bool has_leave = r.has("leave"), has_dwell = r.has("dwell");
    if (has_leave == has_dwell)
      r.error(has_leave ? "dwell" : "leave", has_leave ? "give either a leave-time profile (leave) or a dwell, not both"
                                                       : "missing: a leave-time profile (leave) or a dwell");
    if (auto l = r.table("leave")) {
      c.leave = read_profile(*l);
      c.min_visit_s = l->number_in("min_visit_min", kWithinDayMin, 0) * 60;
      l->finish();
    }
    if (auto d = r.table("dwell")) {
      c.dwell_mean_s = d->number_in("mean_min", kDwellMin) * 60;
      c.dwell_sd_s = d->number_in("sd_min", kDwellMin) * 60;
      d->finish();
    }
    c.latest_s = r.clock("latest", s.halls.close_s);
    if (r.has("latest") && c.latest_s <= s.halls.open_s)
      r.error("latest", "must be after the halls open");
    c.wait_for_opening = r.boolean("wait_for_opening", false);
  }

  void read_classes(Reader& root) {
    for (auto& r : root.tables("class")) {
      ClassDef c;
      c.id = r.string("id");
      const std::size_t before = problems.size();
      c.volume = r.numbers("volume");
      class_volume.push_back(Where{key_pos(r, "volume"), r.key_path("volume")});
      const bool volume_ok = problems.size() == before;
      c.poisson_count = r.choice("count", {"fixed", "poisson"}, "fixed") == "poisson";
      c.volume_scale = r.number_in("volume_scale", kScale, 1.0);
      if (days_ok && volume_ok && c.volume.size() != static_cast<std::size_t>(s.days))
        r.error("volume", fmt::format("needs one value per day ({}), got {}", s.days, c.volume.size()));
      check_all(r, "volume", c.volume, kPersons);
      if (auto a = required_table(r, "arrival")) {
        const Profile arrival = read_profile(*a);
        c.profile_start_s = arrival.start_s;
        c.profile_bin_s = arrival.bin_s;
        c.profile = arrival.weights;
        a->finish();
      }
      read_visit(r, c);
      c.access = read_mode_shares(r, "access", kAccessModes);
      check_shares(r, "access", c.access);
      if (auto e = required_table(r, "egress")) {
        for (Mode am : kAccessModes) {
          const auto ai = static_cast<std::size_t>(am);
          if (am == Mode::car || am == Mode::coach) {  // they leave with their vehicle
            if (c.access[ai] > 0) c.egress[ai][ai] = 1;
            continue;
          }
          if (!e->has(mode_name(am))) {
            if (c.access[ai] > 0) e->error(mode_name(am), "missing egress shares for this access mode");
            continue;
          }
          const std::span<const Mode> allowed(kEgressModes);
          std::vector<Mode> free_modes;
          for (Mode m : allowed)
            if (m != Mode::car && m != Mode::coach) free_modes.push_back(m);
          c.egress[ai] = read_mode_shares(*e, mode_name(am), free_modes);
          check_shares(*e, mode_name(am), c.egress[ai]);
        }
        e->finish();
      }
      r.finish();
      s.classes.push_back(c);
    }
    if (s.classes.empty()) root.error("class", "a scenario needs at least one [[class]]");
  }

  bool has_id(const auto& list, const std::string& id) {
    return std::any_of(list.begin(), list.end(), [&](const auto& x) { return x.id == id; });
  }

  void read_events(Reader& root) {
    for (auto& r : root.tables("event")) {
      EventDef e;
      e.id = r.string("id", "");
      e.kind = read_choice(r, "kind",
                           {EventKind::suspend_line, EventKind::close_gate, EventKind::lanes,
                            EventKind::cab_supply, EventKind::walk_speed, EventKind::close_walkway,
                            EventKind::extra_trains},
                           EventKind::suspend_line, event_kind_name, parse_event_kind);
      e.from_s = r.moment("from");
      e.to_s = r.moment("to");
      if (e.to_s <= e.from_s) r.error("to", "must be after from");
      if (e.to_s > s.horizon_s + 1e-9) r.error("to", "lies after the scenario's horizon");
      auto target = [&](const char* key, const auto& list, const char* what, bool star) {
        e.target = r.string(key);
        if (e.target.empty() || (star && e.target == "*")) return;
        if (!has_id(list, e.target))
          r.error(key, detail::unknown_name(fmt::format("no {} '{}'", what, e.target), e.target, ids_of(list)));
      };
      if (e.kind == EventKind::suspend_line || e.kind == EventKind::extra_trains) {
        e.target = r.string("line");
        const auto dot = e.target.find('.');
        const std::string line = e.target.substr(0, dot);
        auto it = std::find_if(s.lines.begin(), s.lines.end(), [&](const TransitLineDef& l) { return l.id == line; });
        if (it == s.lines.end()) {
          r.error("line", detail::unknown_name(fmt::format("no line '{}'", line), line, line_ids(false, true)));
        } else if (dot != std::string::npos) {
          const std::string dir = e.target.substr(dot + 1);
          if (std::none_of(it->directions.begin(), it->directions.end(), [&](const DirectionDef& d) { return d.id == dir; }))
            r.error("line", no_direction(dir, *it));
        } else if (e.kind == EventKind::extra_trains) {
          r.error("line", "extra trains need a direction: write 'line.direction'");
        }
        if (e.kind == EventKind::extra_trains) e.headway_s = r.number_in("headway_min", kHeadwayMin) * 60;
      } else if (e.kind == EventKind::close_gate) {
        target("gate", s.gates, "gate", false);
      } else if (e.kind == EventKind::lanes) {
        target("gate", s.gates, "gate", true);
        e.scale = r.number_in("scale", kScale);
      } else if (e.kind == EventKind::cab_supply) {
        target("taxi_stand", s.taxi_stands, "taxi stand", true);
        e.scale = r.number_in("scale", kScale);
      } else if (e.kind == EventKind::walk_speed) {
        target("walkway", s.walkways, "walkway", true);
        e.scale = r.number_in("scale", kSpeedScale);
      } else if (e.kind == EventKind::close_walkway) {
        target("walkway", s.walkways, "walkway", false);
        e.direction = read_choice(r, "direction",
                                  {WalkDirection::forward, WalkDirection::backward, WalkDirection::both},
                                  WalkDirection::both, walk_direction_name, parse_walk_direction);
      }
      event_walkway.push_back(Where{key_pos(r, "walkway"), r.key_path("walkway")});
      r.finish();
      s.events.push_back(e);
    }
  }

  void read_policy(Reader& root) {
    auto p = root.table("policy");
    if (!p) return;
    PolicyDef& d = s.policy;
    if (auto t = p->table("platform_exits")) {
      d.platform_exits = t->boolean("enabled", true);
      d.platform_close_above = t->fraction("close_above", 0.6);
      d.platform_reopen_below = t->fraction("reopen_below", 0.4);
      if (d.platform_reopen_below >= d.platform_close_above)
        t->error("reopen_below", "must be below close_above");
      t->finish();
    }
    if (auto t = p->table("hall_occupancy")) {
      d.hall_occupancy = t->boolean("enabled", true);
      d.staggered_entry = t->number_in("staggered_entry", kPersons, 80000);
      d.stagger_lane_share = t->fraction("stagger_lane_share", 0.5);
      d.queue_inside = t->number_in("queue_inside", kPersons, 130000);
      d.exit_only = t->number_in("exit_only", kPersons, 180000);
      d.reopen_share = t->fraction("reopen_share", 0.95);
      if (!(d.staggered_entry < d.queue_inside && d.queue_inside < d.exit_only))
        t->error("", "thresholds must rise: staggered_entry < queue_inside < exit_only");
      t->finish();
    }
    if (auto t = p->table("replan")) {
      d.replan_choice = read_choice(*t, "choice", {ReplanChoice::shares, ReplanChoice::logit},
                                    ReplanChoice::shares, replan_choice_name, parse_replan_choice);
      d.logit_per_min = t->number_in("logit_per_min", kPerMin, 0.1);
      t->finish();
    }
    for (auto& t : p->tables("exit_direction")) {
      PolicyDef::ExitDirection x;
      x.walkway = t.string("walkway");
      exit_walkway.push_back(Where{key_pos(t, "walkway"), t.key_path("walkway")});
      if (!x.walkway.empty() && !has_id(s.walkways, x.walkway))
        t.error("walkway", detail::unknown_name(fmt::format("no walkway '{}'", x.walkway), x.walkway, ids_of(s.walkways)));
      x.morning = read_choice(t, "morning", {WalkDirection::forward, WalkDirection::backward},
                              WalkDirection::forward, walk_direction_name, parse_walk_direction);
      x.from_s = t.clock("from");
      x.switch_s = t.clock("switch_at");
      x.to_s = t.clock("to");
      if (!(x.from_s < x.switch_s && x.switch_s < x.to_s)) t.error("switch_at", "needs from < switch_at < to");
      t.finish();
      d.exit_direction.push_back(x);
    }
    p->finish();
  }

  void read_calibration(Reader& root, const scenario::Node& tree) {
    auto c = root.table("calibrate");
    if (!c) return;
    s.calibration.replications = static_cast<int>(c->count("replications", 8));
    if (s.calibration.replications < 2) c->error("replications", "must be >= 2");
    s.calibration.max_iterations = static_cast<int>(c->count("max_iterations", 20));
    for (auto& r : c->tables("param")) {
      FreeParam fp;
      fp.pos = r.pos();
      fp.path = r.string("path");
      fp.min = r.number("min");
      fp.max = r.number("max");
      fp.prior = r.number("prior");
      fp.prior_sd = r.positive("prior_sd");
      if (fp.max <= fp.min) r.error("max", fmt::format("must be above min ({}), got {}", fp.min, fp.max));
      else if (fp.prior < fp.min || fp.prior > fp.max)
        r.error("prior", fmt::format("must lie within [{}, {}], got {}", fp.min, fp.max, fp.prior));
      if (!fp.path.empty()) {
        const scenario::Node* n = scenario::lookup(tree, fp.path);
        if (!n) r.error("path", scenario::missing_value(tree, fp.path));
        else if (!n->is_number()) r.error("path", fmt::format("'{}' is {}, not a number", fp.path, n->type_name()));
      }
      r.finish();
      s.calibration.params.push_back(fp);
    }
    c->finish();
  }

  // Every place a party is routed to must be reachable on foot, checked here once rather than
  // trusted at run time (where a Release build has no check): each entrance from every place
  // parties arrive at (a walk origin, a lot, a stop, a station), the halls from each entrance,
  // every place parties leave by (a stand, a lot, a stop, a station, a walk origin) from the
  // halls, a station's platform and concourse from each other, and a lot served by a shuttle from
  // the shuttle's stop (its users who give up waiting walk to their vehicle). Reported where the
  // place that cannot be reached is named, naming where from.
  //
  // The same routes must stay open while walkways are closed: by a close_walkway event, or by an
  // exit_direction policy (one direction in the morning, the other in the afternoon). Every set of
  // closures in force together is checked at the moment one of them begins; a route it cuts is
  // reported where that closure is written. Parties re-route around a closure at run time
  // (walking.cpp), so a closure is sound exactly when such a way exists.
  struct Route {
    std::string from, to, what, from_what;
    Where at;
    std::size_t gate = SIZE_MAX;  // a way from where parties arrive to this entrance
  };
  std::vector<Route> routes() {
    for (Place& p : places)  // a place nobody's mode takes them to is left alone
      if (std::none_of(p.modes.begin(), p.modes.end(), [&](Mode m) { return mode_share(m) > 0; }))
        p.arrive = p.leave = false;
    std::vector<Route> out;
    const std::string halls = fmt::format("the halls (node '{}')", s.halls.node);
    for (std::size_t i = 0; i < s.gates.size() && i < gate_nodes.size(); ++i) {
      const std::string& gate = s.gates[i].node;
      const std::string entrance = fmt::format("entrance node '{}'", gate);
      for (const Place& p : places)
        if (p.arrive) out.push_back({p.node, gate, entrance, fmt::format("{} (node '{}')", p.what, p.node), gate_nodes[i], i});
      out.push_back({gate, s.halls.node, halls, entrance, gate_nodes[i]});
    }
    for (const Place& p : places)
      if (p.leave) out.push_back({s.halls.node, p.node, fmt::format("{} (node '{}')", p.what, p.node), halls, p.at});
    for (const auto& [platform, concourse] : stations) {
      const Place &a = places[platform], &b = places[concourse];
      out.push_back({b.node, a.node, fmt::format("{} (node '{}')", a.what, a.node), fmt::format("its concourse (node '{}')", b.node), a.at});
      out.push_back({a.node, b.node, fmt::format("{} (node '{}')", b.what, b.node), fmt::format("its platform (node '{}')", a.node), b.at});
    }
    const bool car_users = mode_share(Mode::car) > 0 || mode_share(Mode::coach) > 0;
    for (std::size_t i = 0; i < s.lots.size() && i < lot_shuttle.size() && car_users; ++i) {
      const LotDef& l = s.lots[i];
      auto line = std::find_if(s.lines.begin(), s.lines.end(), [&](const TransitLineDef& x) { return x.id == l.shuttle && !x.metro; });
      if (l.shuttle.empty() || line == s.lines.end()) continue;
      out.push_back({line->site_node, l.node, fmt::format("lot '{}' (node '{}')", l.id, l.node),
                     fmt::format("the stop of its shuttle '{}' (node '{}'), where its users who give up waiting walk "
                                 "to their vehicle", l.shuttle, line->site_node),
                     lot_shuttle[i]});
    }
    return out;
  }

  // Who reaches whom on foot, with some walkway directions closed: (walkway, forward) pairs.
  struct Reach {
    std::map<std::string, std::vector<std::string>> next;
    std::map<std::string, std::set<std::string>> reached;  // by start node, computed once each
    Reach(const Scenario& s, const std::set<std::pair<std::size_t, bool>>& closed) {
      for (std::size_t i = 0; i < s.walkways.size(); ++i) {
        const auto& w = s.walkways[i];
        if (!closed.count({i, true})) next[w.from].push_back(w.to);
        if (w.both_ways && !closed.count({i, false})) next[w.to].push_back(w.from);
      }
    }
    bool operator()(const std::string& from, const std::string& to) {
      auto [it, fresh] = reached.try_emplace(from);
      if (fresh) it->second = reach_from(next, from);
      return it->second.count(to) > 0;
    }
  };

  // A closure of walkway directions over windows of time, and where it is written.
  struct Closure {
    std::size_t walkway = 0;
    WalkDirection direction = WalkDirection::both;
    std::vector<std::pair<double, double>> windows;  // [from, to) in scenario time
    Where at;
    std::string what;  // "while walkway 'w' is closed (both ways) from d1 10:00"
  };
  std::vector<Where> event_walkway;  // per event: where its walkway is named (close_walkway)
  std::vector<Where> exit_walkway;   // per exit_direction policy: where its walkway is named

  std::vector<Closure> closures() const {
    std::vector<Closure> out;
    auto walkway = [&](const std::string& id) {
      return static_cast<std::size_t>(std::find_if(s.walkways.begin(), s.walkways.end(), [&](const WalkwayDef& w) { return w.id == id; }) -
                                      s.walkways.begin());
    };
    for (std::size_t i = 0; i < s.events.size() && i < event_walkway.size(); ++i) {
      const EventDef& e = s.events[i];
      if (e.kind != EventKind::close_walkway || walkway(e.target) >= s.walkways.size()) continue;
      out.push_back({walkway(e.target), e.direction, {{e.from_s, e.to_s}}, event_walkway[i],
                     fmt::format("while walkway '{}' is closed ({}) from {}", e.target, e.direction == WalkDirection::both ? "both ways" : walk_direction_name(e.direction),
                                 moment_text(e.from_s))});
    }
    for (std::size_t i = 0; i < s.policy.exit_direction.size() && i < exit_walkway.size(); ++i) {
      const auto& x = s.policy.exit_direction[i];
      if (walkway(x.walkway) >= s.walkways.size()) continue;
      const WalkDirection other = x.morning == WalkDirection::forward ? WalkDirection::backward : WalkDirection::forward;
      Closure morning{walkway(x.walkway), other, {}, exit_walkway[i],
                      fmt::format("while walkway '{}' is closed ({}) by its exit_direction policy from {}", x.walkway,
                                  walk_direction_name(other), clock_text(x.from_s))};
      Closure afternoon{walkway(x.walkway), x.morning, {}, exit_walkway[i],
                        fmt::format("while walkway '{}' is closed ({}) by its exit_direction policy from {}", x.walkway,
                                    walk_direction_name(x.morning), clock_text(x.switch_s))};
      for (int d = 0; d < s.days; ++d) {
        morning.windows.emplace_back(d * kSecondsPerDay + x.from_s, d * kSecondsPerDay + x.switch_s);
        afternoon.windows.emplace_back(d * kSecondsPerDay + x.switch_s, d * kSecondsPerDay + x.to_s);
      }
      out.push_back(std::move(morning));
      out.push_back(std::move(afternoon));
    }
    return out;
  }

  void check_reachability() {
    const std::vector<Route> all = routes();
    Reach open(s, {});
    auto report = [&](const Where& at, const Route& r, const std::string& when, const std::string& from) {
      problems.error(at.pos, at.path, fmt::format("{}{} cannot be reached on foot from {}", when, r.what, from));
    };
    // An entrance is reported once: cut off from the first place that cannot reach it, or from
    // "any" when no place can.
    std::set<std::size_t> gates_reported;
    bool cut = false;
    for (const Route& r : all) {
      if (open(r.from, r.to)) continue;
      cut = true;
      if (r.gate == SIZE_MAX) {
        report(r.at, r, "", r.from_what);
      } else if (gates_reported.insert(r.gate).second) {
        const bool nobody = std::none_of(all.begin(), all.end(), [&](const Route& x) { return x.gate == r.gate && open(x.from, x.to); });
        report(r.at, r, "", nobody ? "any walk origin, lot, stop or station" : r.from_what);
      }
    }
    if (cut) return;  // closures are checked on a site whose open ways are sound
    // Closures: each set in force together, at the moment one of them begins.
    const std::vector<Closure> cs = closures();
    std::set<std::set<std::pair<std::size_t, bool>>> checked;
    for (const Closure& c : cs)
      for (const auto& window : c.windows) {
        const double at = window.first;
        std::set<std::pair<std::size_t, bool>> closed;
        for (const Closure& o : cs)
          if (std::any_of(o.windows.begin(), o.windows.end(), [&](const auto& wnd) { return wnd.first <= at && at < wnd.second; })) {
            if (o.direction != WalkDirection::backward) closed.insert({o.walkway, true});
            if (o.direction != WalkDirection::forward) closed.insert({o.walkway, false});
          }
        if (!checked.insert(closed).second) continue;
        Reach open_then(s, closed);
        if (auto r = std::find_if(all.begin(), all.end(), [&](const Route& x) { return !open_then(x.from, x.to); }); r != all.end()) {
          report(c.at, *r, c.what + ", ", r->from_what);
          break;  // one problem per closure
        }
      }
  }

  // Absurd sizes are refused up front, with an estimate (footprint), rather than dying of
  // out-of-memory or of the calendar's limit hours into a run. Only checked on a scenario without
  // other problems.
  void check_memory(const scenario::Node& root_node) {
    const scenario::Footprint f = scenario::footprint(s);
    const auto biggest = static_cast<std::size_t>(
        std::max_element(f.parties_by_class.begin(), f.parties_by_class.end()) - f.parties_by_class.begin());
    const Where at = biggest < class_volume.size() ? class_volume[biggest] : Where{root_node.pos, "class"};
    if (f.peak_day_parties > scenario::kMaxPartiesAtOnce)
      problems.error(at.pos, at.path,
                     fmt::format("demand makes up to {} parties on its busiest day, more than the {} a replication "
                                 "can hold at once; lower demand_scale or the volumes",
                                 f.peak_day_parties < 1e9 ? support::group_thousands(fmt::format("{:.0f}", std::ceil(f.peak_day_parties)))
                                                          : scenario::show_count(f.peak_day_parties),
                                 support::group_thousands(fmt::format("{:.0f}", scenario::kMaxPartiesAtOnce))));
    constexpr double kWorthAsking = 512.0 * 1024 * 1024;  // below this, do not read /proc
    if (f.replication_bytes < kWorthAsking && f.path_bytes < kWorthAsking) return;
    const auto available = scenario::memory_available();
    if (!available) return;
    if (f.replication_bytes > *available)
      problems.error(at.pos, at.path,
                     fmt::format("demand needs about {} of memory ({} parties); this machine has "
                                 "{} available",
                                 scenario::show_bytes(f.replication_bytes), scenario::show_count(f.parties),
                                 scenario::show_bytes(*available)));
    if (f.path_bytes > *available)
      problems.error(root_node.pos, "node",
                     fmt::format("the walking paths between {} nodes need about {} of memory; "
                                 "this machine has {} available",
                                 s.nodes.size(), scenario::show_bytes(f.path_bytes), scenario::show_bytes(*available)));
  }

  // A peak hour's value is a clock time; every other statistic's a number (a share in [0, 1]).
  static void read_observed_value(Reader& r, ObservedDef& o) {
    if (o.statistic == Statistic::peak_hour) o.value = r.clock("value");
    else if (o.statistic == Statistic::share_before) o.value = r.fraction("value");
    else o.value = r.positive("value");
  }
  static void read_observed_range(Reader& r, ObservedDef& o) {
    if (!r.has("range")) return;
    std::vector<double> v;
    if (o.statistic == Statistic::peak_hour) {
      for (const std::string& t : r.strings("range")) {
        const auto c = scenario::parse_clock(t);
        if (!c) return r.error("range", "a peak hour's range is two clock times [\"HH:MM\", \"HH:MM\"]");
        v.push_back(*c);
      }
    } else {
      v = r.numbers("range");
    }
    if (v.size() != 2 || !(v[0] < v[1]))
      return r.error("range", "needs two values, the lower first: [lo, hi]");
    o.range = std::make_pair(v[0], v[1]);
  }

  void read_observed(Reader& root) {
    for (auto& r : root.tables("observed")) {
      ObservedDef o;
      o.pos = r.pos();
      o.id = r.string("id");
      o.statistic = read_choice(r, "statistic",
                                {Statistic::total, Statistic::max_hourly, Statistic::peak_hour,
                                 Statistic::share_before},
                                Statistic::total, statistic_name, parse_statistic);
      read_observed_value(r, o);
      o.uncertainty = r.positive("uncertainty", o.statistic == Statistic::peak_hour
                                                    ? 15 * 60.0
                                                    : 0.01 * o.value);
      o.bound = read_choice(r, "bound", {ObservedBound::equal, ObservedBound::min, ObservedBound::max}, ObservedBound::equal, observed_bound_name,
                            parse_observed_bound);
      o.fit = r.boolean("fit", true);
      o.tolerance = r.non_negative("tolerance", 0);
      if (o.tolerance > 0 && (o.statistic == Statistic::peak_hour || o.statistic == Statistic::share_before))
        r.error("tolerance", "a relative tolerance is for counts; give a peak hour or a share a range instead");
      if (o.statistic == Statistic::share_before) o.at_s = r.clock("at");
      else if (r.has("at")) r.error("at", "only a share_before statistic takes a clock time 'at'");
      read_observed_range(r, o);
      if (!o.fit && o.bound == ObservedBound::equal && o.tolerance == 0 && !o.range)
        r.error("fit", "a check (fit = false) needs a tolerance, a range or a bound (min or max) to be judged by");
      auto w = r.strings("window");
      if (w.size() != 2) {
        r.error("window", "needs two moments [\"dN HH:MM\", \"dN HH:MM\"]");
      } else {
        auto a = scenario::parse_moment(w[0]), b = scenario::parse_moment(w[1]);
        if (!a || !b) r.error("window", "moments are written \"dN HH:MM\"");
        else if (*b <= *a) r.error("window", "window ends before it starts");
        else {
          o.from_s = *a;
          o.to_s = *b;
          if (o.to_s > s.horizon_s) r.error("window", "window ends after the scenario's horizon");
        }
      }
      o.probe.record = read_choice(r, "record",
                                   {RecordKind::pass, RecordKind::board, RecordKind::alight, RecordKind::denied,
                                    RecordKind::vehicle_in, RecordKind::vehicle_out, RecordKind::arrive,
                                    RecordKind::enter, RecordKind::leave},
                                   RecordKind::pass, record_kind_name, parse_record_kind);
      o.probe.place_kind = read_choice(r, "place_kind",
                                       {PlaceKind::gate, PlaceKind::fare_gate, PlaceKind::shuttle, PlaceKind::bus,
                                        PlaceKind::metro, PlaceKind::taxi_stand, PlaceKind::car_park,
                                        PlaceKind::coach_park, PlaceKind::dropoff, PlaceKind::arrivals,
                                        PlaceKind::hall},
                                       PlaceKind::gate, place_kind_name, parse_place_kind);
      o.probe.vehicles = r.choice("measure", {"persons", "vehicles"}, "persons") == "vehicles";
      o.probe.places = r.strings("places");
      o.probe.booked_only = r.boolean("booked_only", false);
      o.source = r.string("source", "");
      r.finish();
      s.observed.push_back(o);
    }
  }
};

}  // namespace

double DailySchedule::at(double clock_s) const {
  double v = 0;
  for (auto& [t, x] : steps) {
    if (t > clock_s) break;
    v = x;
  }
  return v;
}

Scenario build_scenario(const scenario::Node& root_node, const std::string& file,
                        scenario::Problems& problems) {
  Builder b{Scenario{}, problems, {}, {}, {}, {}, true, {}, {}, {}, {}};
  Scenario& s = b.s;
  const std::size_t problems_before = problems.size();
  Reader root(root_node, "", problems);
  s.file = file;
  s.hash = values_hash(root_node);
  s.name = root.string("name");
  // The name is the default output folder (results/<name>): never a path, never hidden.
  if (const Node* n = root_node.find("name"); n && n->kind == Node::Kind::string && !is_plain_folder_name(s.name))
    root.error("name", fmt::format("'{}' is not a plain folder name: use letters, digits, '_', '-' and '.' only, "
                                   "not starting with '.' (it names the output folder results/<name>)", s.name));
  s.title = root.string("title", s.name);
  s.start_date = root.string("start_date", "");
  if (!s.start_date.empty() && !is_calendar_date(s.start_date))
    root.error("start_date", fmt::format("must be a date \"YYYY-MM-DD\", got \"{}\"", s.start_date));
  {
    const std::size_t before = problems.size();
    const std::int64_t days = root.count("days");
    b.days_ok = problems.size() == before && days >= 1 && days <= 60;
    if (problems.size() == before && !b.days_ok)
      root.error("days", fmt::format("must be 1..60, got {}", days));
    s.days = b.days_ok ? static_cast<int>(days) : 1;
  }
  s.horizon_s = root.moment("horizon", s.days * kSecondsPerDay);
  if (b.days_ok && (s.horizon_s > s.days * kSecondsPerDay + 1e-9 || s.horizon_s <= 0))
    root.error("horizon", fmt::format("must fall within the scenario's {} days", s.days));
  s.bin_s = root.number_in("bin_minutes", kDurationMin, 15) * 60;
  if (s.horizon_s / s.bin_s > 100000)
    root.error("bin_minutes", fmt::format("too fine: {:.0f} bins over the horizon, at most 100000",
                                          std::ceil(s.horizon_s / s.bin_s)));
  s.demand_scale = root.number_in("demand_scale", kScale, 1.0);
  s.service_wait_max_s = root.number_in("service_wait_max_min", kWithinDayMin, 0) * 60;
  s.gate_choice = read_choice(root, "gate_choice", {GateChoice::least_cost, GateChoice::uniform},
                              GateChoice::least_cost, gate_choice_name, parse_gate_choice);
  if (auto pt = root.table("patience")) {
    for (std::size_t k = 0; k < kNumWaitKinds; ++k) {
      const auto kind = static_cast<WaitKind>(k);
      auto r = pt->table(wait_kind_name(kind));
      if (!r) continue;
      PatienceDef& d = s.patience[k];
      d.mean_s = r->number_in("mean_min", kDurationMin) * 60;
      d.dist = read_choice(*r, "dist", {PatienceDist::exponential, PatienceDist::lognormal}, PatienceDist::exponential,
                           patience_dist_name, parse_patience_dist);
      d.sd_s = r->number_in("sd_min", kWithinDayMin, 0) * 60;
      if (d.dist == PatienceDist::lognormal && !(d.sd_s > 0)) r->error("sd_min", "a lognormal patience needs sd_min > 0");
      if (d.dist == PatienceDist::exponential && r->has("sd_min"))
        r->error("sd_min", "an exponential patience has no sd_min (its sd is its mean)");
      d.balk = r->boolean("balk", true);
      if (kind == WaitKind::security)
        d.then = read_choice(*r, "then", {GiveUp::other_entrance, GiveUp::leave}, GiveUp::other_entrance, give_up_name,
                             parse_give_up);
      r->finish();
    }
    pt->finish();
  }
  if (auto c = root.table("choice")) {
    s.choice.enabled = c->boolean("enabled", true);
    s.choice.beta_per_min = c->number_in("beta_per_min", kPerMin);
    s.choice.info_lag_s = c->number_in("info_lag_min", kWithinDayMin, 5) * 60;
    c->finish();
  }
  if (auto w = root.table("walking")) {
    s.walk_speed_mean = w->number_in("speed_mean_mps", kSpeedMps, 1.34);
    s.walk_speed_sd = w->number_in("speed_sd_mps", kSpeedSdMps, 0.26);
    s.jam_density = w->number_in("jam_density", kDensity, 5.4);
    s.storage_density = w->number_in("storage_density", kDensity, 4.0);
    s.max_specific_flow = w->number_in("max_specific_flow", kFlow, 1.3);
    s.queue_density = w->number_in("queue_density", kDensity, 3.3);
    if (s.storage_density >= s.jam_density)
      w->error("storage_density", fmt::format("must be below jam_density ({})", s.jam_density));
    w->finish();
  }
  b.read_nodes(root);
  b.read_walkways(root);
  b.read_gates(root);
  b.read_halls(root);
  b.read_lines(root);
  b.read_splits(root);
  b.read_taxis(root);
  b.read_lots(root);
  b.read_walk_origins(root);
  // The site's walkways are checked once every place they join is known to be good.
  const bool site_ok = problems.size() == problems_before;
  b.read_party_sizes(root);
  b.read_classes(root);
  b.read_observed(root);
  b.read_events(root);
  b.read_policy(root);
  b.read_calibration(root, root_node);
  // Sizes before the assumptions: each of their sides would otherwise say the same again.
  if (problems.size() == problems_before) b.check_memory(root_node);
  // Each side of an assumption is built as a scenario: only worth it once the scenario itself is.
  s.assumptions = detail::read_assumptions(root, root_node, file, problems.size() == problems_before);
  s.targets = detail::read_targets(root);
  s.levers = detail::read_levers(root, root_node);
  root.finish();

  // Limits of the engine's compact party records and keys.
  auto limit = [&](std::size_t n, std::size_t max, const char* what) {
    if (n > max)
      problems.error(root_node.pos, what, fmt::format("at most {} allowed, got {}", max, n));
  };
  limit(s.nodes.size(), 65535, "node");
  limit(s.classes.size(), 254, "class");
  limit(s.lots.size(), 32767, "lot");
  limit(s.gates.size(), 65535, "gate");
  limit(s.walk_origins.size(), 32767, "walk_origin");
  limit(s.taxi_stands.size(), 32767, "taxi_stand");
  std::size_t dirs = 0;
  for (auto& l : s.lines) dirs += l.directions.size();
  limit(dirs, 32767, "line");

  // Cross-references that need every table read.
  for (std::size_t i = 0; i < s.lots.size() && i < b.lot_shuttle.size(); ++i) {
    const LotDef& l = s.lots[i];
    if (!l.shuttle.empty() &&
        std::none_of(s.lines.begin(), s.lines.end(),
                     [&](const TransitLineDef& x) { return x.id == l.shuttle && !x.metro; }))
      problems.error(b.lot_shuttle[i].pos, b.lot_shuttle[i].path,
                     detail::unknown_name(fmt::format("no bus line '{}'", l.shuttle), l.shuttle, b.line_ids(false)));
  }
  auto need = [&](Mode m, bool have, const char* what) {
    if (b.mode_share(m) > 0 && !have)
      problems.error(root_node.pos, "class", fmt::format("mode '{}' is used but the scenario has no {}", mode_name(m), what));
  };
  need(Mode::metro, !s.metro_access.empty() || !s.metro_egress.empty(), "metro.access / metro.egress split");
  need(Mode::bus, !s.bus_access.empty() || !s.bus_egress.empty(), "bus.access / bus.egress split");
  need(Mode::taxi, !s.taxi_stands.empty(), "[[taxi_stand]]");
  need(Mode::walk, !s.walk_origins.empty(), "[[walk_origin]]");
  auto has_lot = [&](LotKind kind) {
    return std::any_of(s.lots.begin(), s.lots.end(), [&](const LotDef& l) { return l.kind == kind; });
  };
  need(Mode::car, has_lot(LotKind::car_park), "car_park [[lot]]");
  need(Mode::coach, has_lot(LotKind::coach_park), "coach_park [[lot]]");
  need(Mode::dropoff, has_lot(LotKind::dropoff), "dropoff [[lot]]");
  need(Mode::pickup, has_lot(LotKind::dropoff), "dropoff [[lot]]");
  if (site_ok) b.check_reachability();
  return s;
}

namespace {

// A file without `extends` that misses many required keys is most likely a variant whose
// `extends` line was forgotten: one hint first says so, before the list of what is missing.
void hint_forgotten_extends(const std::string& file, const std::vector<std::string>& chain, Problems& problems) {
  constexpr std::size_t kMany = 3;
  const auto missing = static_cast<std::size_t>(
      std::count_if(problems.list().begin(), problems.list().end(), [](const Problem& p) {
        return p.message.starts_with("missing required ") || p.message.starts_with("a scenario needs at least ");
      }));
  if (!chain.empty() || missing < kMany) return;
  Problems hinted;
  hinted.error(SourcePos{file, 0, 0}, "",
               fmt::format("did you forget `extends = ...`? {} required keys or tables are missing (a scenario "
                           "that changes another one names it first, e.g. extends = \"ciie2024-calibrated.toml\")",
                           missing));
  for (const Problem& p : problems.list()) hinted.error(p.pos, p.path, p.message);
  problems = std::move(hinted);
}

}  // namespace

std::optional<Scenario> load_scenario(const std::string& file,
                                      const std::vector<std::string>& overrides,
                                      scenario::Problems& problems,
                                      const std::vector<std::string>& params) {
  std::vector<std::string> chain;
  auto root = scenario::load(file, problems, &chain);
  if (!root) return std::nullopt;
  for (auto& o : overrides) scenario::apply_override(*root, o, "--set", problems);
  for (auto& o : params) scenario::apply_override(*root, o, "--param", problems);
  if (!problems.empty()) return std::nullopt;
  Scenario s = build_scenario(*root, file, problems);
  if (!problems.empty()) {
    hint_forgotten_extends(file, chain, problems);
    return std::nullopt;
  }
  s.extends = std::move(chain);
  return s;
}

Footprint footprint(const Scenario& s) {
  // Measured with /usr/bin/time -v on a Release build (expoflow run -r 1 -j 1): the gates-1m
  // benchmark (one day, single visitors) peaks at 60 MB with 1 million parties and at 352 MB with
  // demand_scale = 4 (4 million parties, nearly all of them queueing at once): about 100 bytes per
  // party present at once (the 48-byte party, its queue entry and pending event, and the slack of
  // growing vectors), and 16 per party in the demand list (every arrival of every day). The
  // ciie2024 baseline (29 nodes) peaks at 30 MB with one replication. The site graph keeps its
  // walking paths as one shortest-path tree per node: ~16 bytes per pair of nodes (a distance, a
  // tree edge, and a replication's slot of the pair).
  constexpr double kDemandBytes = 16, kPresentBytes = 96, kBaseBytes = 32.0 * 1024 * 1024, kPathBytes = 16;
  Footprint f;
  f.parties_by_class.assign(s.classes.size(), 0.0);
  for (int d = 0; d < s.days; ++d) {
    double day = 0;
    for (std::size_t c = 0; c < s.classes.size(); ++c) {
      const ClassDef& cd = s.classes[c];
      double smallest = 0;
      for (std::size_t m = 0; m < kNumModes; ++m) {
        if (!(cd.access[m] > 0)) continue;
        const auto& ps = s.party_size[m];
        for (std::size_t k = 0; k < ps.sizes.size() && k < ps.weights.size(); ++k)
          if (ps.weights[k] > 0 && (smallest == 0 || ps.sizes[k] < smallest)) smallest = ps.sizes[k];
      }
      if (smallest < 1) smallest = 1;
      const auto di = static_cast<std::size_t>(d);
      const double volume = di < cd.volume.size() ? cd.volume[di] : 0;
      const double parties = volume * cd.volume_scale * s.demand_scale / smallest;
      f.parties_by_class[c] += parties;
      day += parties;
    }
    for (const auto& l : s.lines)
      for (double x : l.background_entries) day += x * l.background_scale;
    f.parties += day;
    f.peak_day_parties = std::max(f.peak_day_parties, day);
  }
  f.replication_bytes = kBaseBytes + f.parties * kDemandBytes + f.peak_day_parties * kPresentBytes;
  const double nodes = static_cast<double>(s.nodes.size());
  f.path_bytes = nodes * nodes * kPathBytes;
  return f;
}

std::optional<double> memory_available() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  double kb = 0;
  std::string unit;
  while (in >> key >> kb) {
    std::getline(in, unit);
    if (key == "MemAvailable:") return kb * 1024;
  }
  return std::nullopt;
}

std::string show_bytes(double b) {
  constexpr double MB = 1024.0 * 1024, GB = 1024 * MB;
  if (!(b < 1e18)) return fmt::format("{:.3g} GB", b / GB);
  if (b >= 1024 * 1024 * GB) return fmt::format("{:.1f} PB", b / (1024 * 1024 * GB));
  if (b >= 1024 * GB) return fmt::format("{:.1f} TB", b / (1024 * GB));
  if (b >= 10 * GB) return fmt::format("{:.0f} GB", std::floor(b / GB));
  if (b >= GB) return fmt::format("{:.1f} GB", b / GB);
  return fmt::format("{:.0f} MB", std::ceil(b / MB));
}

std::string show_count(double n) {
  if (!(n < 1e15)) return fmt::format("{:.3g}", n);
  if (n >= 1e12) return fmt::format("{:.1f} trillion", n / 1e12);
  if (n >= 1e9) return fmt::format("{:.1f} billion", n / 1e9);
  if (n >= 1e6) return fmt::format("{:.1f} million", n / 1e6);
  return fmt::format("{:.0f}", n);
}

}  // namespace expoflow::scenario
