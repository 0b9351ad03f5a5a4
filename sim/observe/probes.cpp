#include "observe/probes.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "support/text.hpp"

namespace expoflow::observe {

using scenario::ObservedBound;
using scenario::Statistic;

namespace {

constexpr std::size_t kStepsPerHour = static_cast<std::size_t>(kSecondsPerHour / Probe::kStep);
constexpr std::size_t kStepsPerDay = static_cast<std::size_t>(kSecondsPerDay / Probe::kStep);

// The first index and the sum of the busiest run of `width` consecutive entries (all of them
// when there are fewer); the earliest of equal ones.
std::pair<std::size_t, double> busiest(const std::vector<double>& v, std::size_t width) {
  if (v.size() <= width) return {0, std::accumulate(v.begin(), v.end(), 0.0)};
  double run = 0;
  for (std::size_t i = 0; i < width; ++i) run += v[i];
  std::pair<std::size_t, double> best{0, run};
  for (std::size_t i = width; i < v.size(); ++i) {
    run += v[i] - v[i - width];
    if (run > best.second) best = {i - width + 1, run};
  }
  return best;
}

bool is_count(Statistic s) { return s == Statistic::total || s == Statistic::max_hourly; }

}  // namespace

bool probe_matches(const scenario::ProbeDef& probe, const Place& place) {
  if (place.kind != probe.place_kind) return false;
  if (probe.booked_only && !place.booked) return false;
  return probe.places.empty() || std::find(probe.places.begin(), probe.places.end(), place.id) != probe.places.end();
}

std::string unmeasurable(const scenario::ObservedDef& o, const std::vector<Place>& places) {
  if (std::any_of(places.begin(), places.end(), [&](const Place& pl) { return probe_matches(o.probe, pl); })) return {};
  std::vector<std::string> of_kind;
  for (const Place& pl : places)
    if (pl.kind == o.probe.place_kind) of_kind.push_back(pl.id);
  const char* kind = scenario::place_kind_name(o.probe.place_kind);
  std::string what = fmt::format("no place of the simulation matches its probe (place_kind '{}'{}{}), so nothing "
                                 "simulated can be compared with it",
                                 kind, o.probe.booked_only ? ", booked only" : "",
                                 o.probe.places.empty() ? "" : fmt::format(", places {}", fmt::join(o.probe.places, ", ")));
  what += of_kind.empty() ? fmt::format("; the scenario has no '{}' place", kind)
                          : fmt::format("; '{}' places: {}", kind, fmt::join(of_kind, ", "));
  return what;
}

Probe make_probe(const std::vector<Place>& places, const scenario::ObservedDef& o) {
  Probe pr;
  pr.kind = o.probe.record;
  pr.vehicles = o.probe.vehicles;
  pr.from = o.from_s;
  pr.to = o.to_s;
  pr.statistic = o.statistic;
  pr.at = o.at_s;
  if (o.statistic == Statistic::max_hourly || o.statistic == Statistic::peak_hour)
    pr.by_step.assign(static_cast<std::size_t>(std::ceil((o.to_s - o.from_s) / Probe::kStep)), 0.0);
  pr.at_place.assign(places.size(), 0);
  for (std::size_t i = 0; i < places.size(); ++i) pr.at_place[i] = probe_matches(o.probe, places[i]);
  return pr;
}

double probe_value(const Probe& p) {
  switch (p.statistic) {
    case Statistic::total: return p.total;
    case Statistic::max_hourly: return busiest(p.by_step, kStepsPerHour).second;
    case Statistic::share_before: return p.total > 0 ? p.before / p.total : 0;
    case Statistic::peak_hour: {
      // The window's days laid over one another by clock time: the typical day's busiest hour.
      std::vector<double> day(kStepsPerDay, 0.0);
      for (std::size_t i = 0; i < p.by_step.size(); ++i)
        day[static_cast<std::size_t>(clock_of(p.from + static_cast<double>(i) * Probe::kStep) / Probe::kStep) %
            kStepsPerDay] += p.by_step[i];
      return static_cast<double>(busiest(day, kStepsPerHour).first) * Probe::kStep;
    }
  }
  return p.total;
}

Assessment assess(const scenario::ObservedDef& o, double simulated) {
  Assessment a;
  a.relative = is_count(o.statistic);
  a.residual = a.relative ? (simulated - o.value) / o.value : simulated - o.value;
  switch (o.bound) {
    case ObservedBound::min: a.ok = simulated >= o.value; break;
    case ObservedBound::max: a.ok = simulated <= o.value; break;
    case ObservedBound::equal:
      if (o.range) a.ok = simulated >= o.range->first && simulated <= o.range->second;
      else if (o.tolerance > 0) a.ok = std::abs(a.residual) <= o.tolerance;
      else a.ok = std::abs(simulated - o.value) <= 2 * o.uncertainty;
      break;
  }
  return a;
}

std::string residual_text(const scenario::ObservedDef& o, const Assessment& a) {
  if (a.relative) return fmt::format("{:+.1f}%", 100 * a.residual);
  if (o.statistic == Statistic::peak_hour) return fmt::format("{:+.0f} min", a.residual / 60);
  return fmt::format("{:+.1f} pts", 100 * a.residual);
}

std::string value_text(const scenario::ObservedDef& o, double v) {
  if (o.statistic == Statistic::peak_hour) {
    const auto m = static_cast<long>(std::lround(v / 60));
    return fmt::format("{:02}:{:02}", m / 60, m % 60);
  }
  if (o.statistic == Statistic::share_before) return fmt::format("{:.1f}%", 100 * v);
  return support::group_thousands(std::to_string(std::llround(v)));
}

std::string criterion_text(const scenario::ObservedDef& o) {
  switch (o.bound) {
    case ObservedBound::min: return ">= " + value_text(o, o.value);
    case ObservedBound::max: return "<= " + value_text(o, o.value);
    case ObservedBound::equal: break;
  }
  if (o.range) return value_text(o, o.range->first) + ".." + value_text(o, o.range->second);
  if (o.tolerance > 0) return fmt::format("±{:g}%", 100 * o.tolerance);
  return "±2 sd";
}

}  // namespace expoflow::observe
