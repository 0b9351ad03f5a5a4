// `expoflow plan`: the cheapest setting of a scenario's levers ([[lever]]) that meets its service
// targets ([[target]]), each at its confidence.
//
// The search is over whole steps of the levers, from every lever at its min. A candidate is run
// with common random numbers (the same seed and replications 0..R-1 for all) in batches of R0
// replications, added while a target's interval straddles its bound, up to RMAX; each batch is
// folded in replication order, so the decision is the same on any number of threads. k targets
// are each tested at 1 - alpha/k (Bonferroni) with a one-sided t-interval over the replications.
// Greedy marginal allocation takes, while a target is unmet, the lever step that most improves the
// worst target's normalised margin per unit of cost; a local search then drops each lever by a
// step while every target stays met. Stopping when an interval clears its bound and keeping the
// cheapest passing candidate both bias those intervals: only the verification, a fixed number of
// replications on seeds the search never used, states the confidence per target.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <iostream>
#include <map>
#include <unordered_map>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "cli/windows.hpp"
#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "output/kpi_names.hpp"
#include "scenario/detail.hpp"
#include "scenario/document.hpp"
#include "support/files.hpp"

namespace expoflow::cli {

namespace fs = std::filesystem;

namespace {

using Steps = std::vector<std::uint32_t>;  // per lever: steps above its min

// A target over some replications: the mean, the one-sided interval end at its confidence, and
// the margins (positive: on the right side of the bound), normalised by the bound.
struct TargetEstimate {
  double mean = 0, lo = 0, hi = 0, margin = 0, margin_at_confidence = 0;
  enum class Verdict { met, unmet, undecided } verdict = Verdict::undecided;
};

const char* verdict_name(TargetEstimate::Verdict v) {
  using V = TargetEstimate::Verdict;
  return v == V::met ? "met" : v == V::unmet ? "unmet" : "undecided";
}

// One candidate's values of each target, per replication in replication order.
struct Evaluation {
  std::vector<std::vector<double>> values;  // [target][replication]
  std::uint32_t replications = 0;
  fs::path saved;  // where its replications are saved while more batches may follow
};

class Planner {
 public:
  Planner(const PlanOptions& o, const scenario::Scenario& base, std::string work_dir)
      : o_(o), base_(base), work_dir_(std::move(work_dir)) {
    k_ = base.targets.size();
  }

  const std::vector<scenario::LeverDef>& levers() const { return base_.levers; }
  const std::vector<scenario::TargetDef>& targets() const { return base_.targets; }

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

  // The candidate's values over replications 0..R-1 of `seed` (kept: a candidate tried again, or
  // given another batch, runs only the replications it lacks). Nothing, with the problem printed,
  // if the scenario cannot be built with these values or a target names no indicator.
  const Evaluation* evaluate(const Steps& s, std::uint32_t replications, std::uint64_t seed, const std::string& what) {
    auto& e = cache_[{seed, s}];
    if (e.replications >= replications) return &e;
    auto sc = load_or_report(o_.scenario, overrides(s));
    if (!sc || !add_windows(*sc, o_.ensemble.windows)) return nullptr;
    const model::Simulation sim(*sc);
    ensemble::Settings settings = o_.ensemble.settings;
    settings.seed = seed;
    settings.replications = replications;
    settings.tag = fmt::format("{}-seed{}", sc->hash, seed);
    settings.replication_dir = fs::path(work_dir_) / settings.tag;
    settings.resume = true;
    e.saved = settings.replication_dir;
    const output::Ensemble ens = run_with_progress(sim, settings, what, o_.ensemble.quiet);
    spent_ += replications - e.replications;
    std::unordered_map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < ens.kpis.size(); ++i) index.emplace(output::kpi_name(ens.kpis[i].first, sim), i);
    e.values.assign(k_, {});
    for (std::size_t t = 0; t < k_; ++t) {
      const auto& name = targets()[t].indicator;
      const auto it = index.find(name);
      if (it == index.end()) {
        std::vector<std::string> names;
        names.reserve(index.size());
        for (const auto& [n, i] : index) names.push_back(n);
        std::sort(names.begin(), names.end());
        const auto near = near_names(name, names);
        std::cerr << fmt::format("expoflow: {}:{}: target[{}].indicator: no indicator '{}' in {}{}\n",
                                 targets()[t].pos.file, targets()[t].pos.line, targets()[t].id, name, sc->name,
                                 near.empty() ? "" : fmt::format("; near: {}", fmt::join(near, ", ")));
        return nullptr;
      }
      e.values[t] = ens.kpi_values[it->second];
    }
    e.replications = replications;
    return &e;
  }

  // Target t over the first `n` replications of `e`, at 1 - alpha/k.
  TargetEstimate estimate(const Evaluation& e, std::size_t t, std::uint32_t n) const {
    const auto& def = targets()[t];
    Tally tally;
    for (std::uint32_t r = 0; r < n; ++r) tally.add(e.values[t][r]);
    TargetEstimate x;
    x.mean = tally.mean();
    const double alpha = (1 - def.confidence) / static_cast<double>(k_);
    const double half = n > 1 ? student_t_quantile(1 - alpha, n - 1) * tally.stddev() / std::sqrt(double(n))
                              : std::numeric_limits<double>::infinity();
    x.lo = x.mean - half;
    x.hi = x.mean + half;
    const double scale = std::max(std::abs(def.bound), 1e-9);
    x.margin = (def.is_max ? def.bound - x.mean : x.mean - def.bound) / scale;
    x.margin_at_confidence = (def.is_max ? def.bound - x.hi : x.lo - def.bound) / scale;
    const double far = def.is_max ? x.lo - def.bound : def.bound - x.hi;  // > 0: clearly on the wrong side
    using V = TargetEstimate::Verdict;
    x.verdict = x.margin_at_confidence >= 0 ? V::met : far > 0 ? V::unmet : V::undecided;
    return x;
  }

  // Whether every target is met at its confidence: batches of R0 are added while a target is
  // undecided and none is clearly unmet, up to RMAX; undecided at RMAX counts as unmet.
  std::optional<bool> decide(const Steps& s) {
    std::uint32_t n = o_.ensemble.settings.replications;
    while (true) {
      const Evaluation* e = evaluate(s, n, o_.ensemble.settings.seed, fmt::format("candidate {}", describe(s)));
      if (!e) return std::nullopt;
      bool all_met = true, any_unmet = false;
      for (std::size_t t = 0; t < k_; ++t) {
        const auto v = estimate(*e, t, n).verdict;
        all_met = all_met && v == TargetEstimate::Verdict::met;
        any_unmet = any_unmet || v == TargetEstimate::Verdict::unmet;
      }
      const bool done = all_met || any_unmet || n >= o_.max_replications;
      if (done) {
        // A decided candidate is decided again from its kept values: its saved replications
        // (a couple of MB each on the CIIE site) are no longer needed.
        std::error_code ec;
        fs::remove_all(e->saved, ec);
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
  const scenario::Scenario& base_;
  std::string work_dir_;
  std::size_t k_ = 0;
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
                       {.replications = "Replications of a candidate's first batch, and of each batch added (R0)",
                        .min_replications = 2,
                        .out = "Output folder (default results/<scenario name>-plan)",
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
  return cmd;
}

int run_plan(const PlanOptions& o) {
  if (!cluster().root()) return 0;  // the search runs in one process
  auto base = load_or_report(o.scenario, o.ensemble.sets);
  if (!base || !add_windows(*base, o.ensemble.windows)) return leave(kBadInput, "bad scenario");
  if (base->targets.empty() || base->levers.empty()) {
    std::cerr << fmt::format("expoflow: {} has no {} to plan for: declare [[target]] tables (indicator, max or min, "
                             "confidence) and [[lever]] tables (path, min, max, step, cost)\n",
                             o.scenario, base->targets.empty() ? "targets" : "levers");
    return leave(kBadInput, "nothing to plan");
  }
  if (o.max_replications < o.ensemble.settings.replications) {
    std::cerr << fmt::format("expoflow: --max-replications {} is below --replications {}\n", o.max_replications,
                             o.ensemble.settings.replications);
    return leave(kBadInput, "bad replications");
  }
  scenario::Problems problems;
  const auto tree = scenario::load(o.scenario, problems);
  if (!tree) return leave(kBadInput, "bad scenario");
  const std::string out_dir =
      o.ensemble.out_dir.empty() ? (fs::path("results") / (base->name + "-plan")).string() : o.ensemble.out_dir;
  if (const int rc = lock_folder(out_dir)) return leave(rc, "output folder in use");
  MadeBy made;
  add_scenario_fields(made, "", *base, o.ensemble.sets, base->hash);
  add_run_fields(made, o.ensemble.settings);
  made.configuration.push_back({"max_replications", "--max-replications", o.max_replications});
  made.configuration.push_back({"verify_replications", "--verify-replications", o.verify_replications});
  if (const int rc = check_folder(out_dir, "plan.json", "a plan", made, o.ensemble.force))
    return leave(rc, "output folder holds another configuration's results");
  const fs::path work = fs::path(out_dir) / ".plan-replications";
  {
    // A candidate's replications are saved until the plan is done: at least one candidate's worth.
    const model::Simulation layout(*base);
    Workload load({&*base}, o.max_replications, o.ensemble.settings.threads);
    load.saved_dir = work;
    load.saved = o.max_replications;
    load.layout = &layout;
    if (const int rc = check_resources(load)) return leave(rc, "not enough memory or disk");
  }
  struct Cleanup {
    fs::path dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{work};

  Planner p(o, *base, work.string());
  const std::size_t n_levers = p.levers().size(), k = p.targets().size();
  p.tried_.assign(n_levers, false);
  p.effect_.assign(n_levers, false);
  const std::uint32_t r0 = o.ensemble.settings.replications;
  const std::uint64_t seed = o.ensemble.settings.seed;
  Steps s(n_levers, 0);
  try {
    // Greedy marginal allocation.
    while (true) {
      const auto met = p.decide(s);
      if (!met) return leave(kBadInput, "bad candidate");
      if (*met) break;
      const Evaluation* here = p.evaluate(s, r0, seed, "");
      const double worst_here = p.worst_margin(*here, r0);
      std::optional<std::size_t> best;
      double best_score = -std::numeric_limits<double>::infinity();
      for (std::size_t j = 0; j < n_levers; ++j) {
        if (s[j] >= p.max_steps(j)) continue;
        Steps up = s;
        ++up[j];
        const Evaluation* there = p.evaluate(up, r0, seed, fmt::format("try {}", p.describe(up)));
        if (!there) return leave(kBadInput, "bad candidate");
        here = p.evaluate(s, r0, seed, "");
        p.note_effect(j, *here, *there, r0);
        const double gain = p.worst_margin(*there, r0) - worst_here;
        const double score = gain / std::max(p.levers()[j].cost, 1e-12);
        if (score > best_score) {
          best_score = score;
          best = j;
        }
      }
      if (!best) {
        const Evaluation* e = p.evaluate(s, r0, seed, "");
        const auto& t = p.targets()[p.worst_target(*e, r0)];
        std::cerr << fmt::format(
            "expoflow: no setting of the levers meets target '{}' ({} {} {:.6g}): with every lever at its max it is "
            "{:.6g} (mean of {} replications); raise a lever's max or add a lever\n",
            t.id, t.indicator, t.is_max ? "<=" : ">=", t.bound, p.estimate(*e, p.worst_target(*e, r0), r0).mean, r0);
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
    std::string table = fmt::format("\n{:<40} {:>6} {:>12} {:>12} {:>12} {:>9} {:>10}\n", "target", "", "bound",
                                    "mean", "interval end", "margin", "verdict");
    for (std::size_t t = 0; t < k; ++t) {
      const auto& def = p.targets()[t];
      const TargetEstimate x = p.estimate(*v, t, nv);
      all_met = all_met && x.verdict == TargetEstimate::Verdict::met;
      const double end = def.is_max ? x.hi : x.lo;
      const double confidence = 1 - (1 - def.confidence) / static_cast<double>(k);
      targets.push_back({{"id", def.id},
                         {"indicator", def.indicator},
                         {"bound", def.is_max ? "max" : "min"},
                         {"value", def.bound},
                         {"confidence", def.confidence},
                         {"tested_at", confidence},
                         {"mean", x.mean},
                         {"interval_end", end},
                         {"margin", x.margin},
                         {"margin_at_confidence", x.margin_at_confidence},
                         {"verdict", verdict_name(x.verdict)},
                         {"binds", false}});
      table += fmt::format("{:<40} {:>6} {:>12.6g} {:>12.6g} {:>12.6g} {:>8.1f}% {:>10}\n", def.id,
                           def.is_max ? "max" : "min", def.bound, x.mean, end, 100 * x.margin_at_confidence,
                           verdict_name(x.verdict));
    }
    // A target binds when some lever's one step down (of those tried) leaves it unmet at the
    // search's replications: it is what keeps that lever up.
    for (std::size_t i = 0; i < n_levers; ++i) {
      if (s[i] == 0) continue;
      Steps down = s;
      --down[i];
      const Evaluation* e = p.evaluate(down, r0, seed, "");
      for (std::size_t t = 0; t < k; ++t)
        if (p.estimate(*e, t, r0).verdict != TargetEstimate::Verdict::met) targets[t]["binds"] = true;
    }
    j["targets"] = targets;
    j["verification"] = {{"seed", verify_seed}, {"replications", nv}, {"all_targets_met", all_met}};
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
    std::cout << fmt::format("verified on {} replications of fresh seeds, each target at 1 - alpha/{}: {}\n", nv, k,
                             all_met ? "every target met" : "NOT every target met (see the table)");
    for (const auto& id : idle)
      std::cout << fmt::format("lever {} changed no target in any replication\n", id);
    std::cout << fmt::format("search: {} candidates decided, {} replications; wrote {}/plan.toml, plan.json\n",
                             p.path().size(), p.spent(), out_dir);
  } catch (const model::Interrupted&) {
    return interrupted("nothing was written");
  }
  return 0;
}

}  // namespace expoflow::cli
