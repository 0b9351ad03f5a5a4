// `expoflow plan`: the cheapest setting of a scenario's levers ([[lever]]) that meets its service
// targets ([[target]], or --target), each at its confidence.
//
// The search is over whole steps of the levers, from every lever at its min. A candidate is run
// with common random numbers (the same seed and replications 0..R-1 for all) in batches of R0
// replications, added while a target's interval straddles its bound, up to RMAX; each batch is
// folded in replication order, so the decision is the same on any number of threads. A candidate
// is simulated over the days its targets cover only (Simulation::simulate_days: those days come
// out as in the run of every day). k targets are each tested at 1 - alpha/k (Bonferroni) with a
// one-sided t-interval over the replications; a percentile of waits is tested as the share of the
// waits over its bound. An interval narrower than the indifference zone (--delta, a share of the
// bound) on either side of the bound is decided by the side of its mean: a candidate that close
// to its bound is not worth RMAX replications. Greedy marginal allocation takes, while a target is
// unmet, the lever step that most improves the worst target's normalised margin per unit of cost;
// a local search then drops each lever by a step while every target stays met. Stopping when an
// interval clears its bound and keeping the cheapest passing candidate both bias those intervals:
// only the verification, a fixed number of replications on seeds the search never used, states the
// confidence per target.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <deque>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/windows.hpp"
#include "ensemble/replications.hpp"
#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "observe/kpis.hpp"
#include "observe/recorder.hpp"
#include "output/kpi_names.hpp"
#include "scenario/detail.hpp"
#include "scenario/document.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

namespace {

using Steps = std::vector<std::uint32_t>;  // per lever: steps above its min

// A target as the search tests it: which indicator of a replication it reads, and the value per
// replication that its interval is taken over. A percentile of waits with a max bound (`wait_p95_s
// <= 600`) is tested as the share of the waits in its scope over the bound (at most 5% for a p95,
// or the target's `share`): per replication, the waits' share above the bound; across replications,
// a t-interval against the share. A replication's p95 is a biased, coarse estimate of the p95 of
// all waits; the share is a mean, as the interval assumes. Any other target reads its indicator.
struct Goal {
  const scenario::TargetDef* def = nullptr;
  observe::KpiId id;
  std::size_t kpi = 0;  // where the replication's indicators hold it
  bool share = false;   // the share of waits over `over_s`, against `bound`
  double over_s = 0, bound = 0;
  int first_day = 0, last_day = 0;  // the days its scope covers (0-based)
  // An implicit target of --stress without targets (implicit_targets): its bound, for tables, and
  // where the bound comes from and the count at which it fails, for stress.json. Empty otherwise.
  std::string bound_text, bound_from;
  double fails_at = 0;

  double scale() const { return std::max(std::abs(bound), 1e-9); }
  // What is estimated, for messages and tables.
  std::string what() const {
    return share ? fmt::format("share of waits over {:.6g} s ({})", over_s, def->indicator) : def->indicator;
  }
};

// The targets' indicators found among the scenario's (before anything runs): each named with the
// close ones when it is not there; a share asked of an indicator that is not a percentile of
// waits refused. Nothing, with the problems printed.
std::optional<std::vector<Goal>> resolve_goals(const scenario::Scenario& sc,
                                               const std::vector<scenario::TargetDef>& targets) {
  const model::Simulation sim(sc);
  observe::Recorder empty(sim.places(), sim.num_bins(), sc.bin_s);
  empty.close(sc.horizon_s);
  const auto kpis = observe::compute_kpis(empty, sim.kpi_places(), sim.scopes());
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < kpis.size(); ++i) index.emplace(output::kpi_name(kpis[i].id, sim), i);
  std::vector<Goal> out;
  bool ok = true;
  for (const auto& t : targets) {
    const auto it = index.find(t.indicator);
    const std::string where = fmt::format("{}:{}: target[{}]", t.pos.file, t.pos.line, t.id);
    if (it == index.end()) {
      std::vector<std::string> names;
      names.reserve(index.size());
      for (const auto& [n, i] : index) names.push_back(n);
      std::sort(names.begin(), names.end());
      const auto near = near_names(t.indicator, names);
      std::cerr << fmt::format("expoflow: {}.indicator: no indicator '{}' in {}{}\n", where, t.indicator, sc.name,
                               near.empty() ? "" : fmt::format("; near: {}", fmt::join(near, ", ")));
      ok = false;
      continue;
    }
    Goal g;
    g.def = &t;
    g.kpi = it->second;
    g.id = kpis[g.kpi].id;
    const bool percentile = observe::is_wait_percentile(g.id.metric);
    if (!std::isnan(t.share) && !percentile) {
      std::cerr << fmt::format("expoflow: {}.share: '{}' is not a percentile of waits (a *wait_p95_s indicator); a "
                               "share of waits over a bound is asked of those only\n",
                               where, t.indicator);
      ok = false;
      continue;
    }
    g.share = percentile && t.is_max;
    g.over_s = t.bound;
    g.bound = g.share ? (std::isnan(t.share) ? 0.05 : t.share) : t.bound;
    const auto& scope = sim.scopes()[g.id.scope];
    g.first_day = 0;
    g.last_day = sc.days - 1;
    if (scope.kind != observe::Scope::Kind::run) {
      const double from = static_cast<double>(scope.bin_lo) * sc.bin_s, to = static_cast<double>(scope.bin_hi) * sc.bin_s;
      g.first_day = std::clamp(static_cast<int>(std::floor(from / kSecondsPerDay)), 0, sc.days - 1);
      g.last_day = std::clamp(static_cast<int>(std::ceil(to / kSecondsPerDay)) - 1, g.first_day, sc.days - 1);
    }
    out.push_back(g);
  }
  if (!ok) return std::nullopt;
  return out;
}

// --stress without targets: one implicit target per capacity-limited component, the rows of the
// headroom table (output/scopes.hpp), on the scenario's busiest day, as an ordinary max target on
// an indicator of that day. Every place with a capacity fails when its peak occupancy reaches a
// count N (the occupancy is whole persons or vehicles, so the bound on its peak use is
// (N - 1/2) / capacity): its capacity (a lot, taxi bays, a queueing or holding area is then full;
// a platform at its nominal capacity), or, for an area measured in persons, the first count at
// Fruin's level of service F (A to E hold) when that comes first: 2.17 persons/m² on a walkway,
// 5 on a queueing area or platform. A line fails at its first rider denied boarding (its vehicles
// full); its load ratio is of the whole run only. A taxi stand's cab rank is left out: it is the
// cabs' buffer, full when few parties come, and empties as demand grows.
struct ImplicitTarget {
  scenario::TargetDef def;
  std::string bound_text, bound_from;
  double fails_at = 0;
};

// The day with the most visitors declared by the classes (the first of equals), 0-based: the
// implicit targets' day, simulated alone.
int busiest_declared_day(const scenario::Scenario& sc) {
  int best = 0;
  double most = -1;
  for (int d = 0; d < sc.days; ++d) {
    double persons = 0;
    for (const auto& c : sc.classes)
      if (static_cast<std::size_t>(d) < c.volume.size()) persons += c.volume[static_cast<std::size_t>(d)] * c.volume_scale;
    if (persons > most) {
      most = persons;
      best = d;
    }
  }
  return best;
}

std::vector<ImplicitTarget> implicit_targets(const scenario::Scenario& sc, int day) {
  const model::Simulation sim(sc);
  const auto& places = sim.places();
  const observe::KpiPlaces& at = sim.kpi_places();
  std::uint16_t scope = 0;
  for (std::size_t k = 0; k < sim.scopes().size(); ++k)
    if (sim.scopes()[k].kind == observe::Scope::Kind::day && sim.scopes()[k].name == fmt::format("d{}", day + 1))
      scope = static_cast<std::uint16_t>(k);
  std::vector<ImplicitTarget> out;
  auto add = [&](std::uint32_t place, observe::Metric m, double bound, std::string text, std::string from, double n) {
    ImplicitTarget t;
    t.def.indicator = output::kpi_name(observe::KpiId{place, m, scope}, sim);
    t.def.id = t.def.indicator;
    t.def.bound = bound;
    t.def.source = "implicit: " + text;
    t.def.pos.file = "(implicit)";
    t.bound_text = std::move(text);
    t.bound_from = std::move(from);
    t.fails_at = n;
    out.push_back(std::move(t));
  };
  for (std::size_t i = 0; i < at.capacity_places.size(); ++i) {
    const std::uint32_t p = at.capacity_places[i];
    const observe::Place& pl = places[p];
    if (pl.kind == scenario::PlaceKind::cab_rank) continue;
    const double capacity = at.capacities[i];
    const double full = std::ceil(capacity - 1e-9);
    const char* unit = pl.counts_vehicles ? "vehicles" : "persons";
    double n = full;
    std::string text = fmt::format("peak >= {:.0f} {}: full", full, unit), from = "capacity";
    if (pl.area_m2 > 0 && !pl.counts_vehicles) {
      const double space_f = pl.kind == scenario::PlaceKind::walkway ? model::kFruinWalkwayBounds[4] : model::kFruinQueueBounds[4];
      const double los_f = std::ceil(pl.area_m2 / space_f - 1e-9);
      if (los_f < full) {
        n = los_f;
        text = fmt::format("peak >= {:.0f} persons: LOS F on {:.6g} m2", los_f, pl.area_m2);
        from = "level_of_service";
      }
    }
    add(p, observe::Metric::peak_use, (n - 0.5) / capacity, std::move(text), std::move(from), n);
  }
  for (const auto& l : at.lines)
    add(l.place, observe::Metric::denied_boardings, 0, "a rider denied boarding: vehicles full", "denied_boarding", 1);
  return out;
}

// Each target's value in one replication.
std::vector<double> goal_values(const std::vector<Goal>& goals, const model::ReplicationResult& r,
                                const model::Simulation& sim) {
  std::vector<double> v(goals.size());
  for (std::size_t t = 0; t < goals.size(); ++t) {
    const Goal& g = goals[t];
    if (g.kpi >= r.kpis.size() || !(r.kpis[g.kpi].id == g.id))
      throw std::logic_error("plan: a candidate's indicators are not in the order of the scenario's");
    v[t] = g.share ? observe::wait_share_over(*r.recorder, sim.kpi_places(), sim.scopes(), g.id, g.over_s)
                   : r.kpis[g.kpi].value;
  }
  return v;
}

// Whether value v of goal g fails its bound.
bool fails(const Goal& g, double v) { return g.def->is_max ? v > g.bound : v < g.bound; }

// The days all goals cover (0-based, first..last).
std::pair<int, int> days_of(const std::vector<Goal>& goals) {
  std::pair<int, int> d{goals.front().first_day, goals.front().last_day};
  for (const auto& g : goals) d = {std::min(d.first, g.first_day), std::max(d.second, g.last_day)};
  return d;
}

// A target over some replications: the mean, the one-sided interval end at its confidence, and
// the margins (positive: on the right side of the bound), normalised by the bound.
struct TargetEstimate {
  double mean = 0, lo = 0, hi = 0, half = 0, margin = 0, margin_at_confidence = 0;
  // The confidence with which the replications say the target is met: the one-sided t level at
  // which the interval's end would sit on the bound.
  double confidence_met = 0;
  // within_delta: the interval is narrower than the indifference zone on either side of the bound
  // and still straddles it; the side of the mean decides, and only the verification's stated
  // confidence says how sure that is.
  enum class Verdict { met, unmet, undecided, within_delta } verdict = Verdict::undecided;
  bool accepted() const { return verdict == Verdict::met || (verdict == Verdict::within_delta && margin >= 0); }
  bool rejected() const { return verdict == Verdict::unmet || (verdict == Verdict::within_delta && margin < 0); }
};

const char* verdict_name(TargetEstimate::Verdict v) {
  using V = TargetEstimate::Verdict;
  return v == V::met ? "met" : v == V::unmet ? "unmet" : v == V::within_delta ? "within delta" : "undecided";
}

// P(T <= x) for Student's t with df degrees of freedom, by inverting student_t_quantile.
double student_t_cdf(double x, std::uint64_t df) {
  if (!std::isfinite(x)) return x > 0 ? 1.0 : 0.0;
  if (x < 0) return 1 - student_t_cdf(-x, df);
  double lo = 0.5, hi = 1 - 1e-12;
  if (student_t_quantile(hi, df) <= x) return hi;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (student_t_quantile(mid, df) < x ? lo : hi) = mid;
  }
  return (lo + hi) / 2;
}

// One candidate's values of each target, per replication in replication order.
struct Evaluation {
  std::vector<std::vector<double>> values;  // [target][replication]
  std::uint32_t replications = 0;
};

class Planner {
 public:
  Planner(const PlanOptions& o, std::vector<scenario::LeverDef> levers, std::vector<Goal> goals)
      : o_(o), levers_(std::move(levers)), goals_(std::move(goals)), k_(goals_.size()) {
    std::tie(first_day_, last_day_) = days_of(goals_);
  }

  const std::vector<scenario::LeverDef>& levers() const { return levers_; }
  const std::vector<Goal>& goals() const { return goals_; }
  int first_day() const { return first_day_; }
  int last_day() const { return last_day_; }

  double value(std::size_t j, std::uint32_t steps) const {
    const auto& l = levers()[j];
    return l.min + l.step * static_cast<double>(steps);
  }
  std::uint32_t max_steps(std::size_t j) const {
    const auto& l = levers()[j];
    return static_cast<std::uint32_t>(std::llround((l.max - l.min) / l.step));
  }
  double cost(const Steps& s) const {
    double c = 0;
    for (std::size_t j = 0; j < s.size(); ++j) c += levers()[j].cost * s[j];
    return c;
  }
  // `path=value` for every lever.
  std::vector<std::string> overrides(const Steps& s) const {
    std::vector<std::string> out = o_.ensemble.sets;
    for (std::size_t j = 0; j < s.size(); ++j) out.push_back(fmt::format("{}={:.12g}", levers()[j].path, value(j, s[j])));
    return out;
  }

  // The candidate's values over replications 0..R-1 of `seed`, simulated over the days the targets
  // cover only (kept: a candidate tried again, or given another batch, runs only the replications
  // it lacks). Nothing, with the problem printed, if the scenario cannot be built with these values.
  const Evaluation* evaluate(const Steps& s, std::uint32_t replications, std::uint64_t seed, const std::string& what) {
    auto& e = cache_[{seed, s}];
    if (e.replications >= replications) return &e;
    auto sc = load_or_report(o_.scenario, overrides(s));
    if (!sc || !add_windows(*sc, o_.ensemble.windows)) return nullptr;
    model::Simulation sim(*sc);
    sim.simulate_days(first_day_, last_day_);
    ensemble::Settings settings = o_.ensemble.settings;
    settings.seed = seed;
    settings.rank = 0;
    settings.ranks = 1;
    Progress progress(what, o_.ensemble.quiet || what.empty());
    settings.progress = std::ref(progress);
    const std::uint32_t have = e.replications;
    e.values.resize(k_);
    ensemble::detail::run_jobs<std::vector<double>>(
        replications - have, settings, [&](std::uint32_t) -> const model::Simulation& { return sim; },
        [&](std::uint32_t j) { return have + j; },
        [&](model::ReplicationResult&& r) { return goal_values(goals_, r, sim); },
        [&](std::uint32_t, std::vector<double>&& v) {
          for (std::size_t t = 0; t < k_; ++t) e.values[t].push_back(v[t]);
        });
    spent_ += replications - have;
    e.replications = replications;
    return &e;
  }

  // Target t over the first `n` replications of `e`, at 1 - alpha/k.
  TargetEstimate estimate(const Evaluation& e, std::size_t t, std::uint32_t n) const {
    const Goal& g = goals_[t];
    const bool is_max = g.def->is_max;
    Tally tally;
    for (std::uint32_t r = 0; r < n; ++r) tally.add(e.values[t][r]);
    TargetEstimate x;
    x.mean = tally.mean();
    const double alpha = (1 - g.def->confidence) / static_cast<double>(k_);
    const double se = n > 1 ? tally.stddev() / std::sqrt(double(n)) : std::numeric_limits<double>::infinity();
    x.half = n > 1 ? student_t_quantile(1 - alpha, n - 1) * se : std::numeric_limits<double>::infinity();
    x.lo = x.mean - x.half;
    x.hi = x.mean + x.half;
    const double scale = g.scale();
    const double room = is_max ? g.bound - x.mean : x.mean - g.bound;
    x.margin = room / scale;
    x.margin_at_confidence = (is_max ? g.bound - x.hi : x.lo - g.bound) / scale;
    x.confidence_met = n < 2 ? 0.5 : se > 0 ? student_t_cdf(room / se, n - 1) : room >= 0 ? 1.0 : 0.0;
    const double far = is_max ? x.lo - g.bound : g.bound - x.hi;  // > 0: clearly on the wrong side
    using V = TargetEstimate::Verdict;
    x.verdict = x.margin_at_confidence >= 0 ? V::met
                : far > 0                   ? V::unmet
                : x.half <= o_.delta * scale ? V::within_delta
                                             : V::undecided;
    return x;
  }

  // Whether every target is met at its confidence: batches of R0 are added while a target is
  // undecided and none is clearly unmet, up to RMAX; a target whose interval is narrower than the
  // indifference zone is decided by the side of its mean; undecided at RMAX counts as unmet.
  std::optional<bool> decide(const Steps& s) {
    std::uint32_t n = o_.ensemble.settings.replications;
    while (true) {
      const Evaluation* e = evaluate(s, n, o_.ensemble.settings.seed, fmt::format("candidate {}", describe(s)));
      if (!e) return std::nullopt;
      bool all_met = true, any_unmet = false;
      for (std::size_t t = 0; t < k_; ++t) {
        const auto x = estimate(*e, t, n);
        all_met = all_met && x.accepted();
        any_unmet = any_unmet || x.rejected();
      }
      if (all_met || any_unmet || n >= o_.max_replications) {
        path_.push_back({s, n, all_met});
        return all_met;
      }
      n = std::min(o_.max_replications, n + o_.ensemble.settings.replications);
    }
  }

  // The worst target's normalised margin over the first n replications.
  double worst_margin(const Evaluation& e, std::uint32_t n) const {
    double worst = std::numeric_limits<double>::infinity();
    for (std::size_t t = 0; t < k_; ++t) worst = std::min(worst, estimate(e, t, n).margin);
    return worst;
  }
  std::size_t worst_target(const Evaluation& e, std::uint32_t n) const {
    std::size_t worst = 0;
    for (std::size_t t = 1; t < k_; ++t)
      if (estimate(e, t, n).margin < estimate(e, worst, n).margin) worst = t;
    return worst;
  }

  // Whether lever j's step from `from` to `to` changed no target in any of the first n replications.
  void note_effect(std::size_t j, const Evaluation& from, const Evaluation& to, std::uint32_t n) {
    bool changed = false;
    for (std::size_t t = 0; t < k_ && !changed; ++t)
      for (std::uint32_t r = 0; r < n && !changed; ++r) changed = from.values[t][r] != to.values[t][r];
    tried_[j] = true;
    effect_[j] = effect_[j] || changed;
  }

  std::string describe(const Steps& s) const {
    std::string out;
    for (std::size_t j = 0; j < s.size(); ++j)
      out += fmt::format("{}{}={:.12g}", j ? " " : "", levers()[j].id, value(j, s[j]));
    return out;
  }

  struct Step {
    Steps steps;
    std::uint32_t replications = 0;
    bool met = false;
  };
  const std::vector<Step>& path() const { return path_; }
  std::uint64_t spent() const { return spent_; }
  std::vector<bool> tried_ = {}, effect_ = {};

 private:
  const PlanOptions& o_;
  std::vector<scenario::LeverDef> levers_;
  std::vector<Goal> goals_;
  std::size_t k_ = 0;
  int first_day_ = 0, last_day_ = 0;
  std::map<std::pair<std::uint64_t, Steps>, Evaluation> cache_;
  std::vector<Step> path_;
  std::uint64_t spent_ = 0;
};

// A key of a TOML file, quoted unless bare.
std::string toml_key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
  return bare ? k : "\"" + k + "\"";
}

// plan.toml: a scenario that extends the input and sets each lever. A path is written as a dotted
// key at the root, or in the element of a top-level array of tables its first segment selects by
// id; a path through an array of values (`weights[3]`) cannot be written so and is given as a
// comment to apply with --set.
std::string plan_toml(const std::string& input, const fs::path& out_dir, const scenario::Node& tree,
                      const Planner& p, const Steps& s) {
  std::string root, comments;
  std::map<std::pair<std::string, std::string>, std::string> elements;  // (array, id) -> its lines
  for (std::size_t j = 0; j < s.size(); ++j) {
    const auto& l = p.levers()[j];
    const std::string value = fmt::format("{:.12g}", p.value(j, s[j]));
    auto segments = scenario::parse_path(l.path, nullptr);
    if (!segments) continue;
    std::string key;
    bool writable = true;
    const scenario::Node* at = &tree;
    std::optional<std::pair<std::string, std::string>> element;
    for (std::size_t i = 0; i < segments->size() && writable; ++i) {
      const auto& seg = (*segments)[i];
      const scenario::Node* next = at->is_table() ? at->find(seg.key) : nullptr;
      if (!next) {
        writable = false;
        break;
      }
      if (!seg.id) {
        key += (key.empty() ? "" : ".") + toml_key(seg.key);
        at = next;
      } else if (next->is_table()) {
        key += (key.empty() ? "" : ".") + toml_key(seg.key) + "." + toml_key(*seg.id);
        at = next->find(*seg.id);
      } else if (i == 0 && next->is_array() && !next->items.empty() && next->items.front().is_table()) {
        element = std::make_pair(seg.key, *seg.id);
        at = scenario::lookup(tree, seg.key + "[" + *seg.id + "]");
      } else {
        writable = false;
      }
      writable = writable && at;
    }
    const std::string line = fmt::format("{} = {}\n", key, value);
    if (!writable || key.empty())
      comments += fmt::format("# {} = {} (give it with --set '{}={}')\n", l.path, value, l.path, value);
    else if (element)
      elements[*element] += line;
    else
      root += line;
  }
  // Relative when the plan's folder and the input share a top folder (results/ beside scenarios/),
  // else absolute (a plan written to /tmp).
  const fs::path from = fs::weakly_canonical(fs::absolute(out_dir)), to = fs::weakly_canonical(fs::absolute(input));
  const bool near = from.begin() != from.end() && to.begin() != to.end() && *std::next(from.begin()) == *std::next(to.begin());
  std::string relative = near ? fs::relative(to, from).generic_string() : to.generic_string();
  if (relative.empty()) relative = to.generic_string();
  std::string out = fmt::format(
      "# The plan expoflow plan found for {}: each lever's value (cost {:.12g}).\n"
      "# Run it with `expoflow run` like any scenario.\nextends = \"{}\"\n",
      input, p.cost(s), relative);
  out += root + comments;
  for (const auto& [el, lines] : elements)
    out += fmt::format("\n[[{}]]\nid = \"{}\"\n{}", toml_key(el.first), el.second, lines);
  return out;
}

}  // namespace

CLI::App* add_plan_command(CLI::App& app, PlanOptions& o) {
  auto* cmd = app.add_subcommand(
      "plan", "Find the cheapest setting of the scenario's [[lever]]s that meets its [[target]]s at their confidence, "
              "and verify it on fresh seeds");
  cmd->add_option("scenario", o.scenario, "Scenario file (TOML) with [[target]] and [[lever]] tables")->required();
  add_ensemble_options(cmd, o.ensemble,
                       {.replications = "Replications of a candidate's first batch, and of each batch added (R0); with --stress, the "
                                        "replications bisected",
                        .min_replications = 2,
                        .out = "Output folder (default results/<scenario name>-plan, or -stress with --stress)",
                        .threads = "Threads per process (default: all cores)",
                        .set = "Override a value of the scenario and every candidate: PATH=VALUE"});
  cmd->add_option("--max-replications", o.max_replications,
                  "Replications a candidate gets at most while a target's interval straddles its bound (RMAX)")
      ->capture_default_str()
      ->check(CLI::Range(2u, 100000u));
  cmd->add_option("--verify-replications", o.verify_replications,
                  "Replications of the verification of the plan on fresh seeds")
      ->capture_default_str()
      ->check(CLI::Range(2u, 100000u));
  cmd->add_option("--target", o.targets,
                  "A target besides the scenario's [[target]]s: 'INDICATOR<=BOUND' or 'INDICATOR>=BOUND', then any "
                  "other keys of a [[target]] table after commas ('gate[north].wait_p95_s@d5<=600, confidence=0.9'; "
                  "'gate[north].wait_p95_s@d5<=300, share=0.2' for P(wait > 300 s) <= 0.2)");
  cmd->add_flag("--stress", o.stress,
               "Instead of a plan: each target's breaking point, the demand scale at which it first fails (each "
               "replication bisected on demand_scale, a t-interval over the replications), as a 'what breaks "
               "first' table, stress.json and stress.csv; without targets, each capacity-limited component's, "
               "against its capacity or level of service on the busiest day");
  cmd->add_option("--delta", o.delta,
                  "Indifference zone, as a share of each target's bound: an interval narrower than this on either "
                  "side of the bound is decided by the side of its mean")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  return cmd;
}

namespace {

// A --target as the [[target]] table it stands for, read as the scenario's are: nothing, with the
// problem printed, when it is not one.
std::optional<scenario::TargetDef> command_line_target(const std::string& text) {
  const std::string origin = fmt::format("--target '{}'", text);
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    const std::size_t comma = text.find(',', from);
    parts.push_back(text.substr(from, comma == std::string::npos ? std::string::npos : comma - from));
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  auto trim = [](std::string t) {
    const auto b = t.find_first_not_of(" \t"), e = t.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : t.substr(b, e - b + 1);
  };
  const std::string head = trim(parts.front());
  const std::size_t op = std::min(head.find("<="), head.find(">="));
  if (op == std::string::npos || trim(head.substr(0, op)).empty() || trim(head.substr(op + 2)).empty()) {
    std::cerr << fmt::format("expoflow: {}: expected INDICATOR<=BOUND or INDICATOR>=BOUND first (e.g. "
                             "'gate[north].wait_p95_s@d5<=600'), then KEY=VALUE items after commas\n",
                             origin);
    return std::nullopt;
  }
  const std::string indicator = trim(head.substr(0, op));
  if (indicator.find('"') != std::string::npos || indicator.find('\\') != std::string::npos) {
    std::cerr << fmt::format("expoflow: {}: an indicator has no quotes or backslashes\n", origin);
    return std::nullopt;
  }
  std::string toml = fmt::format("[[target]]\nindicator = \"{}\"\n{} = {}\n", indicator,
                                 head[op] == '<' ? "max" : "min", trim(head.substr(op + 2)));
  for (std::size_t i = 1; i < parts.size(); ++i) toml += trim(parts[i]) + "\n";
  scenario::Problems problems;
  const auto tree = scenario::parse(toml, origin, problems);
  std::vector<scenario::TargetDef> targets;
  if (tree) {
    scenario::Reader root(*tree, "", problems);
    targets = scenario::detail::read_targets(root);
    root.finish();
  }
  if (!problems.empty() || targets.size() != 1) {
    std::cerr << problems.report();
    return std::nullopt;
  }
  return targets.front();
}

// --stress: each target's breaking point, the demand scale (a factor on the scenario's
// demand_scale) at which it first fails. Demand keys are nested (a larger scale adds parties and
// keeps the others), so a replication's indicators are monotone in the scale and each replication
// is bisected on its own: from [kStressLow, kStressHigh], geometric halving of the bracket down to
// kStressTolerance, every (target, replication) bracket halved in lockstep so that one batch of
// jobs runs per step on all the threads (in job order: the same on any thread count). A
// replication that fails below the bracket or holds above it is counted apart (censored); the
// t-interval is over the others.
constexpr double kStressLow = 0.5, kStressHigh = 2.0, kStressTolerance = 1.0025;

int run_stress(const PlanOptions& o, const scenario::Scenario& base, const std::vector<Goal>& goals,
               const std::string& out_dir, const MadeBy& made) {
  const std::uint32_t reps = o.ensemble.settings.replications;
  const std::size_t k = goals.size();
  const auto [first_day, last_day] = days_of(goals);
  // The replications' values at each factor tried: (factor, replication) -> one value per goal.
  std::map<std::pair<double, std::uint32_t>, std::vector<double>> seen;
  std::deque<scenario::Scenario> scenarios;
  std::deque<model::Simulation> sims;
  std::uint64_t runs = 0;
  // Run every (factor, replication) of `want` not yet seen.
  auto run = [&](const std::vector<std::pair<double, std::uint32_t>>& want, const std::string& what) {
    std::vector<std::pair<double, std::uint32_t>> jobs;
    for (const auto& fr : want)
      if (!seen.count(fr) && std::find(jobs.begin(), jobs.end(), fr) == jobs.end()) jobs.push_back(fr);
    std::sort(jobs.begin(), jobs.end());
    std::map<double, const model::Simulation*> sim_of;
    for (const auto& [f, r] : jobs) {
      if (sim_of.count(f)) continue;
      std::vector<std::string> sets = o.ensemble.sets;
      sets.push_back(fmt::format("demand_scale={:.17g}", base.demand_scale * f));
      auto sc = load_or_report(o.scenario, sets);
      if (!sc || !add_windows(*sc, o.ensemble.windows)) return false;
      scenarios.push_back(std::move(*sc));
      sims.emplace_back(scenarios.back());
      sims.back().simulate_days(first_day, last_day);
      sim_of[f] = &sims.back();
    }
    ensemble::Settings settings = o.ensemble.settings;
    settings.rank = 0;
    settings.ranks = 1;
    Progress progress(what, o.ensemble.quiet);
    settings.progress = std::ref(progress);
    ensemble::detail::run_jobs<std::vector<double>>(
        static_cast<std::uint32_t>(jobs.size()), settings,
        [&](std::uint32_t j) -> const model::Simulation& { return *sim_of.at(jobs[j].first); },
        [&](std::uint32_t j) { return jobs[j].second; },
        // A demand scale leaves the places and scopes as they are: any of the simulations reads
        // the targets' values of any.
        [&](model::ReplicationResult&& r) { return goal_values(goals, r, sims.front()); },
        [&](std::uint32_t j, std::vector<double>&& v) { seen[jobs[j]] = std::move(v); });
    runs += jobs.size();
    sims.clear();
    scenarios.clear();
    return true;
  };
  // Brackets [lo, hi] per goal and replication; a value of the factor per replication at its ends.
  std::vector<std::vector<double>> lo(k, std::vector<double>(reps, kStressLow)), hi(k, std::vector<double>(reps, kStressHigh));
  std::vector<std::pair<double, std::uint32_t>> ends;
  for (std::uint32_t r = 0; r < reps; ++r) ends.insert(ends.end(), {{kStressLow, r}, {kStressHigh, r}});
  if (!run(ends, "stress: the bracket's ends")) return leave(kBadInput, "bad scenario");
  enum class Censored { no, below, above };
  std::vector<std::vector<Censored>> censored(k, std::vector<Censored>(reps, Censored::no));
  for (std::size_t t = 0; t < k; ++t)
    for (std::uint32_t r = 0; r < reps; ++r) {
      if (fails(goals[t], seen.at({kStressLow, r})[t])) censored[t][r] = Censored::below;
      else if (!fails(goals[t], seen.at({kStressHigh, r})[t])) censored[t][r] = Censored::above;
    }
  for (int step = 1;; ++step) {
    std::vector<std::pair<double, std::uint32_t>> mids;
    for (std::size_t t = 0; t < k; ++t)
      for (std::uint32_t r = 0; r < reps; ++r)
        if (censored[t][r] == Censored::no && hi[t][r] / lo[t][r] > kStressTolerance)
          mids.push_back({std::sqrt(lo[t][r] * hi[t][r]), r});
    if (mids.empty()) break;
    if (!run(mids, fmt::format("stress: bisection step {}", step))) return leave(kBadInput, "bad scenario");
    for (std::size_t t = 0; t < k; ++t)
      for (std::uint32_t r = 0; r < reps; ++r)
        if (censored[t][r] == Censored::no && hi[t][r] / lo[t][r] > kStressTolerance) {
          const double mid = std::sqrt(lo[t][r] * hi[t][r]);
          (fails(goals[t], seen.at({mid, r})[t]) ? hi[t][r] : lo[t][r]) = mid;
        }
  }

  struct Row {
    std::size_t t = 0;
    double mean = 0, lo = 0, hi = 0;
    std::uint32_t n = 0, below = 0, above = 0;
    std::vector<nlohmann::ordered_json> points;
  };
  std::vector<Row> rows;
  for (std::size_t t = 0; t < k; ++t) {
    Row row;
    row.t = t;
    Tally tally;
    for (std::uint32_t r = 0; r < reps; ++r) {
      if (censored[t][r] == Censored::below) {
        ++row.below;
        row.points.push_back(nullptr);
      } else if (censored[t][r] == Censored::above) {
        ++row.above;
        row.points.push_back(nullptr);
      } else {
        const double point = std::sqrt(lo[t][r] * hi[t][r]);
        tally.add(point);
        row.points.push_back(point);
      }
    }
    row.n = static_cast<std::uint32_t>(tally.count());
    row.mean = row.n ? tally.mean() : std::numeric_limits<double>::quiet_NaN();
    const double conf = goals[t].def->confidence;
    const double half = row.n > 1 ? student_t_quantile(1 - (1 - conf) / 2, row.n - 1) * tally.stddev() / std::sqrt(double(row.n))
                                  : std::numeric_limits<double>::infinity();
    row.lo = row.mean - half;
    row.hi = row.mean + half;
    rows.push_back(std::move(row));
  }
  // What breaks first: by mean breaking point, those failing below the bracket first.
  std::stable_sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    const double x = a.below ? 0 : a.n ? a.mean : std::numeric_limits<double>::infinity();
    const double y = b.below ? 0 : b.n ? b.mean : std::numeric_limits<double>::infinity();
    return x < y;
  });
  nlohmann::ordered_json j;
  j["scenario"] = base.name;
  j["title"] = base.title;
  const nlohmann::ordered_json recorded = made.json();
  for (const auto& [key, value] : recorded.items()) j[key] = value;
  j["bracket"] = {kStressLow, kStressHigh};
  j["tolerance"] = kStressTolerance;
  j["days_simulated"] = {first_day + 1, last_day + 1};
  j["replication_runs"] = runs;
  auto number = [](double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
  std::string csv = "target,indicator,estimate,bound,breaking_point_mean,interval_low,interval_high,replications,"
                    "failing_below_bracket,holding_above_bracket\n";
  const auto what_of = [](const Goal& g) {
    return !g.bound_text.empty() ? g.bound_text
           : g.share             ? fmt::format("P(wait > {:.6g} s), {}", g.over_s, g.def->indicator)
                                 : g.def->indicator;
  };
  // Columns as wide as their longest entry, so that every row lines up.
  std::size_t id_w = 6, what_w = 8;
  for (const Row& row : rows) {
    id_w = std::max(id_w, goals[row.t].def->id.size());
    what_w = std::max(what_w, what_of(goals[row.t]).size());
  }
  std::string table = fmt::format("\nwhat breaks first ({}; demand as a factor on the scenario's, {} replications, "
                                  "bisected from {}..{}):\n{:<{}} {:<{}} {:>10} {:>22}  {}\n",
                                  o.scenario, reps, kStressLow, kStressHigh, "target", id_w, "estimate", what_w,
                                  "breaks at", "interval", "censored");
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  for (const Row& row : rows) {
    const Goal& g = goals[row.t];
    const std::string what = what_of(g);
    targets.push_back({{"id", g.def->id},
                       {"indicator", g.def->indicator},
                       {"estimate", g.share ? "share_over" : "indicator"},
                       {"bound", g.def->is_max ? "max" : "min"},
                       {"value", g.bound},
                       {"confidence", g.def->confidence},
                       {"breaking_point_mean", number(row.mean)},
                       {"interval", {number(row.lo), number(row.hi)}},
                       {"replications", row.n},
                       {"failing_below_bracket", row.below},
                       {"holding_above_bracket", row.above},
                       {"breaking_points", row.points}});
    if (!g.bound_from.empty()) {
      targets.back()["implicit"] = true;
      targets.back()["bound_from"] = g.bound_from;
      targets.back()["fails_at"] = g.fails_at;
      targets.back()["assumed_bound"] = g.bound_text;
    }
    csv += fmt::format("{},{},{},{:.12g},{},{},{},{},{},{}\n", g.def->id, g.def->indicator,
                       g.share ? "share_over" : "indicator", g.bound, row.n ? fmt::format("{:.6g}", row.mean) : "",
                       std::isfinite(row.lo) ? fmt::format("{:.6g}", row.lo) : "",
                       std::isfinite(row.hi) ? fmt::format("{:.6g}", row.hi) : "", row.n, row.below, row.above);
    const std::string at = row.n ? fmt::format("{:+.1f}%", 100 * (row.mean - 1)) : "-";
    const std::string interval = std::isfinite(row.lo) ? fmt::format("{:+.1f}% .. {:+.1f}%", 100 * (row.lo - 1), 100 * (row.hi - 1)) : "-";
    const std::string held_or_failed = row.below + row.above ? fmt::format("{} below, {} above", row.below, row.above) : "";
    table += fmt::format("{:<{}} {:<{}} {:>10} {:>22}{}{}\n", g.def->id, id_w, what, what_w, at, interval,
                         held_or_failed.empty() ? "" : "  ", held_or_failed);
  }
  j["targets"] = targets;
  if (!write_result(out_dir, [&](const fs::path& dir) {
        support::write_set_atomically({{dir / "stress.json", j.dump(2) + "\n"}, {dir / "stress.csv", csv}});
      }))
    return 1;
  std::cout << table;
  if (!goals.front().bound_from.empty())
    std::cout << fmt::format("no targets: each capacity-limited component against its bound on the busiest day, d{} "
                             "(the most visitors declared); a place fails when its peak occupancy reaches its capacity, "
                             "or Fruin's level of service F if that comes first, a line at its first denied boarding\n",
                             first_day + 1);
  std::cout << fmt::format("breaking point: the demand at which the target first fails in a replication (its "
                           "interval: two-sided t at the target's confidence over the replications); {} runs of days "
                           "d{}..d{}; wrote {}/stress.json, stress.csv\n",
                           runs, first_day + 1, last_day + 1, out_dir);
  return 0;
}

}  // namespace

int run_plan(const PlanOptions& o) {
  if (!cluster().root()) return 0;  // the search runs in one process
  auto base = load_or_report(o.scenario, o.ensemble.sets);
  if (!base || !add_windows(*base, o.ensemble.windows)) return leave(kBadInput, "bad scenario");
  for (const auto& text : o.targets) {
    auto t = command_line_target(text);
    if (!t) return leave(kBadInput, "bad --target");
    base->targets.push_back(std::move(*t));
  }
  // --stress without targets: each capacity-limited component against its bound.
  std::vector<ImplicitTarget> implicit;
  if (o.stress && base->targets.empty()) {
    implicit = implicit_targets(*base, busiest_declared_day(*base));
    if (implicit.empty()) {
      std::cerr << fmt::format("expoflow: {} has no targets to stress and no capacity-limited component to stress "
                               "instead: declare [[target]] tables (indicator, max or min, confidence) or give "
                               "--target\n",
                               o.scenario);
      return leave(kBadInput, "nothing to stress");
    }
    for (const auto& t : implicit) base->targets.push_back(t.def);
  }
  if (!o.stress && (base->targets.empty() || base->levers.empty())) {
    std::cerr << fmt::format("expoflow: {} has no {} to plan for: declare [[target]] tables (indicator, max or min, "
                             "confidence) or give --target, and [[lever]] tables (path, min, max, step, cost)\n",
                             o.scenario, base->targets.empty() ? "targets" : "levers");
    return leave(kBadInput, "nothing to plan");
  }
  if (o.max_replications < o.ensemble.settings.replications) {
    std::cerr << fmt::format("expoflow: --max-replications {} is below --replications {}\n", o.max_replications,
                             o.ensemble.settings.replications);
    return leave(kBadInput, "bad replications");
  }
  auto goals = resolve_goals(*base, base->targets);
  if (!goals) return leave(kBadInput, "unknown indicator");
  for (std::size_t t = 0; t < implicit.size(); ++t) {
    (*goals)[t].bound_text = implicit[t].bound_text;
    (*goals)[t].bound_from = implicit[t].bound_from;
    (*goals)[t].fails_at = implicit[t].fails_at;
  }
  scenario::Problems problems;
  const auto tree = scenario::load(o.scenario, problems);
  if (!tree) return leave(kBadInput, "bad scenario");
  const std::string out_dir = o.ensemble.out_dir.empty()
                                  ? (fs::path("results") / (base->name + (o.stress ? "-stress" : "-plan"))).string()
                                  : o.ensemble.out_dir;
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  MadeBy made;
  add_scenario_fields(made, "", *base, o.ensemble.sets, base->hash);
  add_run_fields(made, o.ensemble.settings);
  made.configuration.push_back({"max_replications", "--max-replications", o.max_replications});
  made.configuration.push_back({"verify_replications", "--verify-replications", o.verify_replications});
  made.configuration.push_back({"delta", "--delta", o.delta});
  made.configuration.push_back({"command_line_targets", "--target", o.targets});
  made.configuration.push_back({"stress", "--stress", o.stress});
  if (const int rc = check_folder(out_dir, o.stress ? "stress.json" : "plan.json", o.stress ? "a stress test" : "a plan",
                                  made, o.ensemble.force))
    return leave(rc, "output folder holds another configuration's results");
  {
    // The planner keeps no replications on disk: only the ensembles that run at once need memory.
    Workload load({&*base}, o.max_replications, o.ensemble.settings.threads);
    if (const int rc = check_resources(load)) return leave(rc, "not enough memory");
  }
  if (o.stress) {
    try {
      return run_stress(o, *base, *goals, out_dir, made);
    } catch (const model::Interrupted&) {
      return interrupted("nothing was written");
    }
  }

  Planner p(o, base->levers, std::move(*goals));
  const std::size_t n_levers = p.levers().size(), k = p.goals().size();
  p.tried_.assign(n_levers, false);
  p.effect_.assign(n_levers, false);
  const std::uint32_t r0 = o.ensemble.settings.replications;
  const std::uint64_t seed = o.ensemble.settings.seed;
  Steps s(n_levers, 0);
  try {
    // Greedy marginal allocation, evaluated lazily: a lever's step is scored by the gain of the
    // worst target's margin per unit of cost, and the gain its last step gave the target now worst
    // bounds what its next step can give (a queue's wait falls by less with each lane added, and
    // the worst of the targets gains at most what that one target gains). Levers are tried in the
    // order of those bounds (never tried: first), and the search stops trying once the best step
    // found scores at least the next lever's bound: the steps of an entrance that is not the worst
    // are not run again at every step.
    std::vector<std::vector<double>> gain(n_levers);  // per lever, its last step's gain per target
    while (true) {
      const auto met = p.decide(s);
      if (!met) return leave(kBadInput, "bad candidate");
      if (*met) break;
      const Evaluation* here = p.evaluate(s, r0, seed, "");
      const double worst_here = p.worst_margin(*here, r0);
      const std::size_t worst = p.worst_target(*here, r0);
      std::vector<double> margin_here(k);
      for (std::size_t t = 0; t < k; ++t) margin_here[t] = p.estimate(*here, t, r0).margin;
      auto bound = [&](std::size_t j) {  // never tried, or no number: tried first
        if (gain[j].empty()) return std::numeric_limits<double>::infinity();
        const double b = gain[j][worst] / std::max(p.levers()[j].cost, 1e-12);
        return std::isnan(b) ? std::numeric_limits<double>::infinity() : b;
      };
      std::vector<std::size_t> order;
      for (std::size_t j = 0; j < n_levers; ++j)
        if (s[j] < p.max_steps(j)) order.push_back(j);
      std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bound(a) > bound(b); });
      std::optional<std::size_t> best;
      double best_score = -std::numeric_limits<double>::infinity();
      for (const std::size_t j : order) {
        if (best && best_score >= bound(j)) break;
        Steps up = s;
        ++up[j];
        const Evaluation* there = p.evaluate(up, r0, seed, fmt::format("try {}", p.describe(up)));
        if (!there) return leave(kBadInput, "bad candidate");
        here = p.evaluate(s, r0, seed, "");
        p.note_effect(j, *here, *there, r0);
        gain[j].assign(k, 0.0);
        double worst_there = std::numeric_limits<double>::infinity();  // as Planner::worst_margin
        for (std::size_t t = 0; t < k; ++t) {
          const double margin = p.estimate(*there, t, r0).margin;
          gain[j][t] = margin - margin_here[t];
          worst_there = std::min(worst_there, margin);
        }
        const double score = (worst_there - worst_here) / std::max(p.levers()[j].cost, 1e-12);
        if (score > best_score || (score == best_score && best && j < *best)) {
          best_score = score;
          best = j;
        }
      }
      if (!best) {
        const Goal& g = p.goals()[worst];
        std::cerr << fmt::format(
            "expoflow: no setting of the levers meets target '{}' ({} {} {:.6g}): with every lever at its max it is "
            "{:.6g} (mean of {} replications); raise a lever's max or add a lever\n",
            g.def->id, g.what(), g.def->is_max ? "<=" : ">=", g.bound, p.estimate(*here, worst, r0).mean, r0);
        return leave(kBadInput, "infeasible");
      }
      ++s[*best];
    }
    // Local search: drop a lever by one step while every target stays met.
    for (bool dropped = true; dropped;) {
      dropped = false;
      for (std::size_t j = 0; j < n_levers; ++j) {
        if (s[j] == 0 || p.levers()[j].cost <= 0) continue;
        Steps down = s;
        --down[j];
        const auto met = p.decide(down);
        if (!met) return leave(kBadInput, "bad candidate");
        p.note_effect(j, *p.evaluate(down, r0, seed, ""), *p.evaluate(s, r0, seed, ""), r0);
        if (*met) {
          s = down;
          dropped = true;
        }
      }
    }
    // Verification on seeds the search never used.
    const std::uint64_t verify_seed = seed ^ 0x9e3779b97f4a7c15ULL;
    const std::uint32_t nv = o.verify_replications;
    const Evaluation* v = p.evaluate(s, nv, verify_seed, "verification");
    if (!v) return leave(kBadInput, "bad plan");

    nlohmann::ordered_json j;
    j["scenario"] = base->name;
    j["title"] = base->title;
    const nlohmann::ordered_json recorded = made.json();
    for (const auto& [key, value] : recorded.items()) j[key] = value;
    nlohmann::ordered_json levers = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < n_levers; ++i) {
      const auto& l = p.levers()[i];
      levers.push_back({{"id", l.id},
                        {"path", l.path},
                        {"value", p.value(i, s[i])},
                        {"min", l.min},
                        {"max", l.max},
                        {"step", l.step},
                        {"cost_per_step", l.cost},
                        {"affects_targets", p.tried_[i] ? nlohmann::ordered_json(bool(p.effect_[i]))
                                                        : nlohmann::ordered_json(nullptr)}});
    }
    j["levers"] = levers;
    j["cost"] = p.cost(s);
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    bool all_met = true;
    std::string table = fmt::format("\n{:<32} {:<44} {:>10} {:>10} {:>10} {:>8} {:>12} {:>10}\n", "target",
                                    "estimate", "bound", "mean", "int. end", "margin", "verdict", "P(met)");
    for (std::size_t t = 0; t < k; ++t) {
      const Goal& g = p.goals()[t];
      const auto& def = *g.def;
      const TargetEstimate x = p.estimate(*v, t, nv);
      all_met = all_met && x.verdict == TargetEstimate::Verdict::met;
      const double end = def.is_max ? x.hi : x.lo;
      const double confidence = 1 - (1 - def.confidence) / static_cast<double>(k);
      targets.push_back({{"id", def.id},
                         {"indicator", def.indicator},
                         {"estimate", g.share ? "share_over" : "indicator"},
                         {"over_s", g.share ? nlohmann::ordered_json(g.over_s) : nlohmann::ordered_json(nullptr)},
                         {"bound", def.is_max ? "max" : "min"},
                         {"value", g.bound},
                         {"confidence", def.confidence},
                         {"tested_at", confidence},
                         {"mean", x.mean},
                         {"interval_end", end},
                         {"margin", x.margin},
                         {"margin_at_confidence", x.margin_at_confidence},
                         {"within_delta", std::abs(x.margin) <= o.delta},
                         {"confidence_met", x.confidence_met},
                         {"verdict", verdict_name(x.verdict)},
                         {"binds", false}});
      const std::string what = g.share ? fmt::format("P(wait > {:.6g} s), {}", g.over_s, def.indicator) : def.indicator;
      table += fmt::format("{:<32} {:<44} {:>3} {:>6.4g} {:>10.4g} {:>10.4g} {:>7.1f}% {:>12} {:>9.1f}%\n", def.id, what,
                           def.is_max ? "<=" : ">=", g.bound, x.mean, end, 100 * x.margin_at_confidence, verdict_name(x.verdict),
                           100 * x.confidence_met);
    }
    // A target binds when some lever's one step down (of those tried) leaves it unmet at the
    // search's replications: it is what keeps that lever up.
    for (std::size_t i = 0; i < n_levers; ++i) {
      if (s[i] == 0) continue;
      Steps down = s;
      --down[i];
      const Evaluation* e = p.evaluate(down, r0, seed, "");
      for (std::size_t t = 0; t < k; ++t)
        if (!p.estimate(*e, t, r0).accepted()) targets[t]["binds"] = true;
    }
    j["targets"] = targets;
    j["verification"] = {{"seed", verify_seed}, {"replications", nv}, {"all_targets_met", all_met}};
    j["days_simulated"] = {p.first_day() + 1, p.last_day() + 1};
    nlohmann::ordered_json path = nlohmann::ordered_json::array();
    for (const auto& step : p.path()) {
      nlohmann::ordered_json values;
      for (std::size_t i = 0; i < n_levers; ++i) values[p.levers()[i].id] = p.value(i, step.steps[i]);
      path.push_back({{"levers", values}, {"cost", p.cost(step.steps)}, {"replications", step.replications},
                      {"all_targets_met", step.met}});
    }
    j["search"] = {{"candidates", path}, {"replications_spent", p.spent()}};
    std::vector<std::string> idle;
    for (std::size_t i = 0; i < n_levers; ++i)
      if (p.tried_[i] && !p.effect_[i]) idle.push_back(p.levers()[i].id);
    j["levers_without_effect"] = idle;

    const std::string toml = plan_toml(o.scenario, out_dir, *tree, p, s);
    if (!write_result(out_dir, [&](const fs::path& dir) {
          support::write_set_atomically({{dir / "plan.json", j.dump(2) + "\n"}, {dir / "plan.toml", toml}});
        }))
      return 1;
    std::cout << fmt::format("\nplan for {} (cost {:.12g}):\n", o.scenario, p.cost(s));
    for (std::size_t i = 0; i < n_levers; ++i)
      std::cout << fmt::format("  {:<40} {:>12.12g}   ({:.12g}..{:.12g})\n", p.levers()[i].id, p.value(i, s[i]),
                               p.levers()[i].min, p.levers()[i].max);
    std::cout << table;
    std::cout << fmt::format("verified on {} replications of fresh seeds, each target at 1 - alpha/{}: {}; P(met): "
                             "the one-sided confidence that the target is met\n",
                             nv, k, all_met ? "every target met" : "NOT every target met (see the table)");
    for (const auto& id : idle)
      std::cout << fmt::format("lever {} changed no target in any replication\n", id);
    std::cout << fmt::format(
        "search: {} candidates decided, {} replications of days d{}..d{} (the days the targets cover); wrote "
        "{}/plan.toml, plan.json\n",
        p.path().size(), p.spent(), p.first_day() + 1, p.last_day() + 1, out_dir);
  } catch (const model::Interrupted&) {
    return interrupted("nothing was written");
  }
  return 0;
}

}  // namespace expoflow::cli
