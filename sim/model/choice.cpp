#include "model/choice.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

#include "model/world.hpp"

namespace expoflow::model::choice {

namespace {

constexpr std::uint32_t kNoQueue = ~std::uint32_t{0};

struct Option {
  Mode mode;
  std::int32_t at;       // direction, stand, lot or walk origin
  double weight;         // share of the mode x the route's weight within it
  std::uint32_t queue;   // its first queue (a resource), or kNoQueue
  double rate;           // that queue's service rate now, per second (in its own units)
  double ready;          // servers waiting for customers there now (cabs in a rank)
};

// The first queue of a way to the site (`access`) or home, its service rate, and the servers
// waiting for customers there.
std::uint32_t queue_of(const World& w, bool access, Mode m, std::size_t at, double* rate, double* ready) {
  *ready = 0;
  switch (m) {
    case Mode::metro:
    case Mode::bus: return access ? transit::upstream_queue(w, at, rate) : transit::home_queue(w, at, rate);
    case Mode::taxi: return taxi::line_of_parties(w, at, rate, ready);
    default: *rate = 0; return kNoQueue;
  }
}
double units(Mode m, const Party& p) { return m == Mode::taxi ? 1.0 : p.size; }

// The expected wait of a queue as parties see it now: (queueing + heading there - servers ready)
// / rate, brought up to date through the information lag.
double seen_wait(World& w, const Option& o) {
  ChoiceState& C = w.choice;
  const std::uint32_t r = o.queue;
  // In the queue's own units: parties at a taxi stand (a cab each), persons elsewhere.
  const double queue = static_cast<double>(o.mode == Mode::taxi ? w.res[r].num_waiting() : w.res[r].weight_waiting());
  const double ahead = std::max(0.0, queue + C.heading[r] - o.ready);
  const double now_wait = ahead == 0 ? 0.0 : o.rate > 0 ? ahead / o.rate : std::numeric_limits<double>::infinity();
  const double lag = w.s.choice.info_lag_s;
  if (lag <= 0 || !std::isfinite(now_wait) || !std::isfinite(C.seen[r])) {
    C.seen[r] = now_wait;
  } else {
    C.seen[r] += (1 - std::exp(-(w.now - C.seen_at[r]) / lag)) * (now_wait - C.seen[r]);
  }
  C.seen_at[r] = w.now;
  return C.seen[r];
}

// The ways to the site (`access`: by the class's party weights of access modes) or home (by its
// egress shares) open to the party now, with their weights.
void options(const World& w, const Party& p, bool access, std::int64_t avoid_line, std::optional<Mode> avoid_mode,
             std::vector<Option>& out) {
  out.clear();
  const auto& L = w.L;
  const auto& shares = access ? demand::party_access(w, p.cls) : w.s.classes[p.cls].egress[static_cast<std::size_t>(p.access)];
  auto add_routes = [&](Mode m, const std::vector<double>& weights, auto&& usable) {
    double total = 0;
    for (double x : weights) total += x;
    if (!(total > 0)) return;
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (weights[i] > 0 && usable(i)) {
        Option o{m, static_cast<std::int32_t>(i), shares[static_cast<std::size_t>(m)] * weights[i] / total, kNoQueue, 0, 0};
        o.queue = queue_of(w, access, m, i, &o.rate, &o.ready);
        out.push_back(o);
      }
  };
  auto anywhere = [](std::size_t) { return true; };
  for (std::size_t mi = 0; mi < kNumModes; ++mi) {
    const auto m = static_cast<Mode>(mi);
    if (!(shares[mi] > 0) || m == avoid_mode || (!access && is_vehicle_mode(m))) continue;
    // A line runs now (to the site: by the time the party would get there on it).
    auto line_ok = [&](std::size_t d) {
      return transit::available(w, d, access ? L.directions[d].travel_s : 0) &&
             static_cast<std::int64_t>(L.directions[d].line) != avoid_line;
    };
    switch (m) {
      case Mode::metro: add_routes(m, access ? L.metro_access_w : L.metro_egress_w, line_ok); break;
      case Mode::bus: add_routes(m, access ? L.bus_access_w : L.bus_egress_w, line_ok); break;
      case Mode::car: add_routes(m, L.car_park_weights, anywhere); break;
      case Mode::coach: add_routes(m, L.coach_park_weights, anywhere); break;
      case Mode::dropoff: add_routes(m, L.dropoff_weights, anywhere); break;
      case Mode::taxi: add_routes(m, std::vector<double>(L.taxis.size(), 1.0), [&](std::size_t s) { return taxi::open(w, s); }); break;
      case Mode::pickup: add_routes(m, L.dropoff_weights, anywhere); break;
      case Mode::walk: add_routes(m, L.walk_origin_weights, anywhere); break;
      default: break;
    }
  }
}

// The options open to a party and its pick among them by the logit (weights relative to the
// shortest wait, so no underflow); null if none is open. Scratch kept per thread.
const Option* pick(World& w, const Party& p, bool access, std::int64_t avoid_line, std::optional<Mode> avoid_mode,
                   std::uint64_t draw) {
  thread_local std::vector<Option> opts;
  thread_local std::vector<double> weights;
  options(w, p, access, avoid_line, avoid_mode, opts);
  weights.assign(opts.size(), 0.0);
  double shortest = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < opts.size(); ++i) {
    weights[i] = opts[i].queue == kNoQueue ? 0.0 : seen_wait(w, opts[i]);
    shortest = std::min(shortest, weights[i]);
  }
  const double beta_per_s = w.s.choice.beta_per_min / 60;
  bool any = false;
  for (std::size_t i = 0; i < opts.size(); ++i) {
    const double wait = weights[i];
    weights[i] = std::isfinite(wait) ? opts[i].weight * std::exp(-beta_per_s * (wait - shortest)) : 0.0;
    any = any || weights[i] > 0;
  }
  return any ? &opts[dist::discrete(weights, World::u(w.choice_rng, p, draw))] : nullptr;
}

void heading_for(World& w, Party& p, const Option& o) {
  if (o.queue == kNoQueue) return;
  w.choice.heading[o.queue] += units(o.mode, p);
  p.heading = true;
}

}  // namespace

bool enabled(const World& w) { return w.s.choice.enabled; }

void build(World& w) {
  w.choice.heading.assign(w.res.size(), 0.0);
  w.choice.seen.assign(w.res.size(), 0.0);
  w.choice.seen_at.assign(w.res.size(), 0.0);
}

bool way_home(World& w, std::uint32_t pid, std::int64_t avoid_line, std::optional<Mode> avoid_mode) {
  arrived(w, pid);
  Party& p = w.parties[pid];
  if (is_vehicle_mode(p.egress)) return true;  // they leave with their vehicle
  const Option* o = pick(w, p, false, avoid_line, avoid_mode, kDrawWayHome + p.gave_up);
  if (o == nullptr) {  // nothing else is open: walk home, where there is a walk origin
    if (w.L.walk_origins.empty()) return false;
    p.egress = Mode::walk;
    p.egress_at = narrow<std::int16_t>(demand::egress_choice(w, p, World::u(w.choice_rng, p, kDrawWayHome + p.gave_up)));
    return true;
  }
  p.egress = o->mode;
  p.egress_at = narrow<std::int16_t>(o->at);
  heading_for(w, p, *o);
  return true;
}

bool way_there(World& w, std::uint32_t pid, std::int64_t avoid_line) {
  arrived(w, pid, true);
  Party& p = w.parties[pid];
  const Option* o = pick(w, p, true, avoid_line, std::nullopt, kDrawReplanMode);
  if (o == nullptr) return false;
  p.access = o->mode;
  p.access_at = narrow<std::int16_t>(o->at);
  heading_for(w, p, *o);
  return true;
}

void arrived(World& w, std::uint32_t pid, bool access) {
  Party& p = w.parties[pid];
  if (!p.heading) return;
  p.heading = false;
  const Mode m = access ? p.access : p.egress;
  double rate = 0, ready = 0;
  const std::uint32_t r = queue_of(w, access, m, static_cast<std::size_t>(access ? p.access_at : p.egress_at), &rate, &ready);
  if (r != kNoQueue) w.choice.heading[r] = std::max(0.0, w.choice.heading[r] - units(m, p));
}

}  // namespace expoflow::model::choice
