#include "model/scenario.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <span>
#include <set>

namespace expoflow::model {

using scenario::Reader;

const char* mode_name(Mode m) {
  static constexpr const char* names[] = {"metro", "bus",     "car",  "coach",
                                          "dropoff", "walk", "taxi", "pickup"};
  return names[static_cast<std::size_t>(m)];
}

namespace {

constexpr Mode kAccessModes[] = {Mode::metro, Mode::bus, Mode::car, Mode::coach, Mode::dropoff,
                                 Mode::walk};
constexpr Mode kEgressModes[] = {Mode::metro, Mode::bus,  Mode::car,   Mode::coach,
                                 Mode::walk,  Mode::taxi, Mode::pickup};

std::optional<Mode> mode_of(std::string_view s) {
  for (std::size_t i = 0; i < kNumModes; ++i)
    if (s == mode_name(static_cast<Mode>(i))) return static_cast<Mode>(i);
  return std::nullopt;
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

std::vector<double> read_hourly(Reader& r, std::string_view key) {
  auto v = r.numbers(key, std::vector<double>(24, 0.0));
  if (v.size() != 24) {
    r.error(key, fmt::format("needs 24 hourly values, got {}", v.size()));
    v.resize(24, 0.0);
  }
  for (double x : v)
    if (x < 0) {
      r.error(key, fmt::format("values must be >= 0, got {}", x));
      break;
    }
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

struct Builder {
  Scenario s;
  scenario::Problems& problems;
  std::set<std::string> node_ids;

  void need_node(Reader& r, std::string_view key, const std::string& id) {
    if (!id.empty() && !node_ids.count(id))
      r.error(key, fmt::format("no node '{}' (declare it in a [[node]] table)", id));
  }

  void read_nodes(Reader& root) {
    for (auto& r : root.tables("node")) {
      NodeDef n{r.string("id"), r.string("kind", "place")};
      if (!n.id.empty()) node_ids.insert(n.id);
      r.finish();
      s.nodes.push_back(n);
    }
    if (s.nodes.empty()) root.error("node", "a scenario needs at least one [[node]]");
  }

  void read_walkways(Reader& root) {
    for (auto& r : root.tables("walkway")) {
      WalkwayDef w;
      w.id = r.string("id");
      w.from = r.string("from");
      w.to = r.string("to");
      need_node(r, "from", w.from);
      need_node(r, "to", w.to);
      w.length_m = r.positive("length_m");
      w.width_m = r.positive("width_m");
      w.both_ways = r.boolean("both_ways", true);
      w.speed_scale = r.positive("speed_scale", 1.0);
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
      g.service_mean_s = r.positive("service_mean_s");
      g.lanes = read_schedule(r, "lanes", 1.0, true);
      for (auto& [t, v] : g.lanes.steps)
        if (v < 0 || v != std::floor(v))
          r.error("lanes", fmt::format("lanes must be whole numbers >= 0, got {}", v));
      g.lanes_scale = r.non_negative("lanes_scale", 1.0);
      r.finish();
      s.gates.push_back(g);
    }
    if (s.gates.empty()) root.error("gate", "a scenario needs at least one [[gate]]");
  }

  void read_halls(Reader& root) {
    auto r = root.table("halls");
    if (!r) {
      root.error("halls", "missing required table");
      return;
    }
    s.halls.node = r->string("node");
    need_node(*r, "node", s.halls.node);
    s.halls.open_s = r->clock("open");
    s.halls.close_s = r->clock("close");
    if (s.halls.close_s <= s.halls.open_s)
      r->error("close", "must be after open");
    s.halls.area_m2 = r->positive("area_m2", 1.0);
    r->finish();
  }

  void read_lines(Reader& root) {
    for (auto& r : root.tables("line")) {
      TransitLineDef l;
      l.id = r.string("id");
      const std::string mode = r.choice("mode", {"metro", "bus"}, "bus");
      l.metro = mode == "metro";
      l.vehicle_capacity = r.positive("vehicle_capacity");
      l.first_s = r.clock("first", 0);
      l.last_s = r.clock("last", 86400);
      l.counts_as_shuttle = r.boolean("counts_as_shuttle", false);
      if (l.metro) {
        l.site_node = r.string("platform_node");
        need_node(r, "platform_node", l.site_node);
        l.concourse_node = r.string("concourse_node");
        need_node(r, "concourse_node", l.concourse_node);
        l.fare_gates_in = static_cast<double>(r.count("fare_gates_in"));
        l.fare_gates_out = static_cast<double>(r.count("fare_gates_out"));
        if (l.fare_gates_in < 1) r.error("fare_gates_in", "must be >= 1");
        if (l.fare_gates_out < 1) r.error("fare_gates_out", "must be >= 1");
        l.fare_gate_service_s = r.positive("fare_gate_service_s");
        l.platform_area_m2 = r.positive("platform_area_m2");
        l.platform_density = r.positive("platform_density");
        l.background_entries = read_hourly(r, "background_entries_per_hour");
        l.background_scale = r.non_negative("background_scale", 1.0);
      } else {
        l.site_node = r.string("stop_node");
        need_node(r, "stop_node", l.site_node);
        l.fleet = r.positive("fleet");
        l.round_trip_s = r.positive("round_trip_min") * 60;
      }
      for (auto& d : r.tables("direction")) {
        DirectionDef dir;
        dir.id = d.string("id");
        dir.from_zone = d.string("from_zone", "");
        dir.to_zone = d.string("to_zone", "");
        dir.travel_s = d.non_negative("travel_min", 0) * 60;
        dir.headway_s = read_schedule(d, "headway_min", 60.0, true);
        for (auto& [t, h] : dir.headway_s.steps)
          if (h < 0) d.error("headway_min", fmt::format("must be >= 0 (0 = no service), got {}", h / 60));
        if (l.metro) {
          dir.background_load = read_hourly(d, "background_load");
          for (double x : dir.background_load)
            if (x > 1) {
              d.error("background_load", fmt::format("shares of capacity must be <= 1, got {}", x));
              break;
            }
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
            auto it = std::find_if(l.directions.begin(), l.directions.end(),
                                   [&](const DirectionDef& x) { return x.id == dir; });
            if (it == l.directions.end())
              r.error("background_split", fmt::format("no direction '{}' on line '{}'", dir, l.id));
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
    for (auto& [name, w] : r.number_map(key)) {
      const auto dot = name.find('.');
      const std::string line = name.substr(0, dot);
      const std::string dir = dot == std::string::npos ? "" : name.substr(dot + 1);
      int li = -1, di = -1;
      for (std::size_t i = 0; i < s.lines.size(); ++i)
        if (s.lines[i].id == line && s.lines[i].metro == metro) li = static_cast<int>(i);
      if (li < 0) {
        r.error(key, fmt::format("no {} line '{}'", metro ? "metro" : "bus", line));
        continue;
      }
      const auto& dirs = s.lines[static_cast<std::size_t>(li)].directions;
      for (std::size_t i = 0; i < dirs.size(); ++i)
        if (dirs[i].id == dir) di = static_cast<int>(i);
      if (di < 0) {
        r.error(key, fmt::format("no direction '{}' on line '{}' (write 'line.direction')", dir, line));
        continue;
      }
      const auto& d = dirs[static_cast<std::size_t>(di)];
      if (access && d.from_zone.empty())
        r.error(key, fmt::format("'{}' brings nobody to the site (its from_zone is empty)", name));
      if (!access && d.to_zone.empty())
        r.error(key, fmt::format("'{}' takes nobody from the site (its to_zone is empty)", name));
      out.push_back({{li, di}, w});
    }
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
      t.bays = static_cast<double>(r.count("bays"));
      if (t.bays < 1) r.error("bays", "must be >= 1");
      t.loading_mean_s = r.positive("loading_mean_s");
      t.rank_capacity = static_cast<double>(r.count("rank_capacity"));
      t.open_s = r.clock("open", 0);
      t.close_s = r.clock("close", 86400);
      t.cabs_per_hour = read_hourly(r, "cabs_per_hour");
      t.cab_supply_scale = r.non_negative("cab_supply_scale", 1.0);
      r.finish();
      s.taxi_stands.push_back(t);
    }
  }

  void read_lots(Reader& root) {
    for (auto& r : root.tables("lot")) {
      LotDef l;
      l.id = r.string("id");
      l.kind = r.choice("kind", {"car_park", "coach_park", "dropoff"}, "car_park");
      l.node = r.string("node");
      need_node(r, "node", l.node);
      l.spaces = static_cast<double>(r.count("spaces"));
      if (l.spaces < 1) r.error("spaces", "must be >= 1");
      if (l.kind == "dropoff") {
        l.stop_mean_s = r.positive("stop_mean_s");
        l.pickup_delay_mean_s = r.non_negative("pickup_delay_mean_min", 0) * 60;
      } else {
        l.booked = r.boolean("booked", false);
        l.shuttle = r.string("shuttle", "");
      }
      l.weight = r.non_negative("weight", 1.0);
      r.finish();
      s.lots.push_back(l);
    }
  }

  void read_walk_origins(Reader& root) {
    for (auto& r : root.tables("walk_origin")) {
      WalkOriginDef w{r.string("id"), r.string("node"), r.non_negative("weight", 1.0)};
      need_node(r, "node", w.node);
      r.finish();
      s.walk_origins.push_back(w);
    }
  }

  void read_party_sizes(Reader& root) {
    auto r = root.table("party_size");
    if (!r) {
      root.error("party_size", "missing required table");
      return;
    }
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
        for (double w : p.weights) {
          if (w < 0) t->error("weights", fmt::format("must be >= 0, got {}", w));
          sum += w;
        }
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

  void read_classes(Reader& root) {
    for (auto& r : root.tables("class")) {
      ClassDef c;
      c.id = r.string("id");
      c.volume = r.numbers("volume");
      c.volume_scale = r.non_negative("volume_scale", 1.0);
      if (c.volume.size() != static_cast<std::size_t>(s.days))
        r.error("volume", fmt::format("needs one value per day ({}), got {}", s.days, c.volume.size()));
      for (double v : c.volume)
        if (v < 0) {
          r.error("volume", fmt::format("must be >= 0, got {}", v));
          break;
        }
      if (auto a = r.table("arrival")) {
        c.profile_start_s = a->clock("start");
        c.profile_bin_s = a->positive("bin_minutes", 60) * 60;
        c.profile = a->numbers("weights");
        double sum = 0;
        for (double w : c.profile) {
          if (w < 0) a->error("weights", fmt::format("must be >= 0, got {}", w));
          sum += w;
        }
        if (sum <= 0) a->error("weights", "must have a positive sum");
        a->finish();
      } else {
        r.error("arrival", "missing required table");
      }
      if (auto d = r.table("dwell")) {
        c.dwell_mean_s = d->positive("mean_min") * 60;
        c.dwell_sd_s = d->positive("sd_min") * 60;
        d->finish();
      } else {
        r.error("dwell", "missing required table");
      }
      c.access = read_mode_shares(r, "access", kAccessModes);
      check_shares(r, "access", c.access);
      if (auto e = r.table("egress")) {
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
      } else {
        r.error("egress", "missing required table");
      }
      r.finish();
      s.classes.push_back(c);
    }
    if (s.classes.empty()) root.error("class", "a scenario needs at least one [[class]]");
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
        if (!n) r.error("path", fmt::format("no value at '{}' in the scenario", fp.path));
        else if (!n->is_number()) r.error("path", fmt::format("'{}' is {}, not a number", fp.path, n->type_name()));
      }
      r.finish();
      s.calibration.params.push_back(fp);
    }
    c->finish();
  }

  void read_observed(Reader& root) {
    for (auto& r : root.tables("observed")) {
      ObservedDef o;
      o.id = r.string("id");
      o.value = r.positive("value");
      o.uncertainty = r.positive("uncertainty", 0.01 * o.value);
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
      o.probe.record = r.choice("record", {"pass", "board", "alight", "denied", "vehicle_in", "vehicle_out", "arrive"}, "pass");
      o.probe.place_kind = r.choice("place_kind", {"gate", "fare_gate", "shuttle", "bus", "metro", "taxi_stand", "car_park", "coach_park", "dropoff", "arrivals"}, "gate");
      o.probe.measure = r.choice("measure", {"persons", "vehicles"}, "persons");
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
  Builder b{Scenario{}, problems, {}};
  Scenario& s = b.s;
  Reader root(root_node, "", problems);
  s.file = file;
  s.name = root.string("name");
  s.title = root.string("title", s.name);
  s.days = static_cast<int>(root.count("days"));
  if (s.days < 1 || s.days > 60) root.error("days", fmt::format("must be 1..60, got {}", s.days));
  s.horizon_s = root.moment("horizon", s.days * kSecondsPerDay);
  if (s.horizon_s > s.days * kSecondsPerDay + 1e-9 || s.horizon_s <= 0)
    root.error("horizon", fmt::format("must fall within the scenario's {} days", s.days));
  s.bin_s = root.positive("bin_minutes", 15) * 60;
  s.demand_scale = root.non_negative("demand_scale", 1.0);
  s.gate_choice = root.choice("gate_choice", {"least_cost", "uniform"}, "least_cost");
  if (auto w = root.table("walking")) {
    s.walk_speed_mean = w->positive("speed_mean_mps", 1.34);
    s.walk_speed_sd = w->non_negative("speed_sd_mps", 0.26);
    s.jam_density = w->positive("jam_density", 5.4);
    s.storage_density = w->positive("storage_density", 4.0);
    s.max_specific_flow = w->positive("max_specific_flow", 1.3);
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
  b.read_party_sizes(root);
  b.read_classes(root);
  b.read_observed(root);
  b.read_calibration(root, root_node);
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
  for (auto& l : s.lots)
    if (!l.shuttle.empty() &&
        std::none_of(s.lines.begin(), s.lines.end(),
                     [&](const TransitLineDef& x) { return x.id == l.shuttle && !x.metro; })) {
      problems.error(root_node.pos, fmt::format("lot[{}].shuttle", l.id),
                     fmt::format("no bus line '{}'", l.shuttle));
    }
  auto total_share = [&](Mode m) {
    double x = 0;
    for (auto& c : s.classes) {
      x += c.access[static_cast<std::size_t>(m)];
      for (auto& row : c.egress) x += row[static_cast<std::size_t>(m)];
    }
    return x;
  };
  auto need = [&](Mode m, bool have, const char* what) {
    if (total_share(m) > 0 && !have)
      problems.error(root_node.pos, "class", fmt::format("mode '{}' is used but the scenario has no {}", mode_name(m), what));
  };
  need(Mode::metro, !s.metro_access.empty() || !s.metro_egress.empty(), "metro.access / metro.egress split");
  need(Mode::bus, !s.bus_access.empty() || !s.bus_egress.empty(), "bus.access / bus.egress split");
  need(Mode::taxi, !s.taxi_stands.empty(), "[[taxi_stand]]");
  need(Mode::walk, !s.walk_origins.empty(), "[[walk_origin]]");
  auto has_lot = [&](const char* kind) {
    return std::any_of(s.lots.begin(), s.lots.end(), [&](const LotDef& l) { return l.kind == kind; });
  };
  need(Mode::car, has_lot("car_park"), "car_park [[lot]]");
  need(Mode::coach, has_lot("coach_park"), "coach_park [[lot]]");
  need(Mode::dropoff, has_lot("dropoff"), "dropoff [[lot]]");
  need(Mode::pickup, has_lot("dropoff"), "dropoff [[lot]]");
  return s;
}

std::optional<Scenario> load_scenario(const std::string& file,
                                      const std::vector<std::string>& overrides,
                                      scenario::Problems& problems) {
  auto root = scenario::load(file, problems);
  if (!root) return std::nullopt;
  for (auto& o : overrides) scenario::apply_override(*root, o, "--set", problems);
  if (!problems.empty()) return std::nullopt;
  Scenario s = build_scenario(*root, file, problems);
  if (!problems.empty()) return std::nullopt;
  return s;
}

}  // namespace expoflow::model
