// The calibration's report (text and JSON) and the calibrated scenario file.
#include <cmath>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "calibrate/calibrate.hpp"
#include "support/text.hpp"

namespace expoflow::calibrate {

namespace {

// 852,000 for large totals; 3 significant digits below 1,000.
std::string count_text(double x) {
  if (std::abs(x) < 1000) return fmt::format("{:.3g}", x);
  return (x < 0 ? "-" : "") + support::group_thousands(fmt::format("{:.0f}", std::abs(x)));
}

// A TOML float that reads back as the same double.
std::string toml_float(double x) {
  std::string t = fmt::format("{}", x);
  if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
  return t;
}

std::string toml_string(const std::string& k) {
  std::string out = "\"";
  for (char c : k) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string toml_key(const std::string& k) {
  const bool bare = !k.empty() && std::all_of(k.begin(), k.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  return bare ? k : toml_string(k);
}

// The overrides as a tree of tables and arrays of tables (elements by id), emitted as TOML.
struct OutTable {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> values;  // key, (TOML value, comment)
  std::vector<std::pair<std::string, OutTable>> tables;
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, OutTable>>>> arrays;

  OutTable& table(const std::string& key) {
    for (auto& [k, t] : tables)
      if (k == key) return t;
    tables.emplace_back(key, OutTable{});
    return tables.back().second;
  }
  OutTable& element(const std::string& key, const std::string& id) {
    auto a = std::find_if(arrays.begin(), arrays.end(), [&](auto& x) { return x.first == key; });
    if (a == arrays.end()) {
      arrays.emplace_back(key, std::vector<std::pair<std::string, OutTable>>{});
      a = arrays.end() - 1;
    }
    for (auto& [i, t] : a->second)
      if (i == id) return t;
    a->second.emplace_back(id, OutTable{});
    return a->second.back().second;
  }
  // Set the value at `path`, a TOML value. A value set again (another element of the same array)
  // replaces the first and adds its comment.
  void set(const std::vector<scenario::PathSegment>& path, const std::string& value, const std::string& comment) {
    OutTable* at = this;
    for (std::size_t i = 0; i + 1 < path.size(); ++i)
      at = path[i].id ? &at->element(path[i].key, *path[i].id) : &at->table(path[i].key);
    const auto& last = path.back();
    // `access[metro]`: a member of a plain table chosen by name
    auto& into = last.id ? at->table(last.key).values : at->values;
    const std::string& key = last.id ? *last.id : last.key;
    for (auto& [k, v] : into)
      if (k == key) {
        v = {value, v.second + "\n# " + comment};
        return;
      }
    into.push_back({key, {value, comment}});
  }
  void emit(const std::string& header, std::string& out) const {
    for (auto& [k, v] : values) out += fmt::format("# {}\n{} = {}\n", v.second, toml_key(k), v.first);
    for (auto& [k, t] : tables) {
      const std::string h = header.empty() ? toml_key(k) : header + "." + toml_key(k);
      if (!t.values.empty()) out += fmt::format("\n[{}]\n", h);
      t.emit(h, out);
    }
    for (auto& [k, elements] : arrays) {
      const std::string h = header.empty() ? toml_key(k) : header + "." + toml_key(k);
      for (auto& [id, t] : elements) {
        out += fmt::format("\n[[{}]]\nid = {}\n", h, toml_string(id));
        t.emit(h, out);
      }
    }
  }
};

}  // namespace

std::string report_text(const Problem& problem, const Result& r) {
  std::string out;
  out += fmt::format("\nCalibration of {}: {} free parameters, {} observed totals\n", problem.file,
                     problem.params.size(), problem.observed.size());
  out += fmt::format("fit: seed {}, {} replications per evaluation (common random numbers), {} iteration(s), {} "
                     "evaluations, stopped at {}; {:.0f} s\n",
                     r.seed, r.replications, r.iterations, r.evaluations, r.stop_reason, r.seconds);
  out += fmt::format("objective (weighted squared residuals + prior terms): {:.4g} at the start, {:.4g} fitted "
                     "(data {:.4g}, prior {:.4g})\n",
                     r.objective_start, r.objective_end, r.data_term, r.prior_term);

  const int check_reps = r.observed.empty() ? 0 : r.observed.front().after.replications;
  out += fmt::format("\n{:<26} {:>10} {:>9} {:>30} {:>30} {:>8}\n", "observed figure", "observed", "± (1 sd)",
                     "simulated before", "simulated after", "error");
  if (check_reps)
    out += fmt::format("{:<26} {:>10} {:>9} {:>30} {:>30}\n", "", "", "",
                       fmt::format("mean [95%], {} reps, seed {}", check_reps, r.check_seed), "");
  for (std::size_t i = 0; i < r.observed.size(); ++i) {
    const auto& o = r.observed[i];
    const scenario::ObservedDef& d = problem.observed[i].def;
    auto text = [&](double x) { return d.statistic == scenario::Statistic::total ? count_text(x) : observe::value_text(d, x); };
    auto summary = [&](const Summary& s) {
      // One replication: a mean and no interval.
      if (s.replications == 1) return text(s.mean) + " —";
      return s.replications ? fmt::format("{} [{} – {}]", text(s.mean), text(s.lo), text(s.hi)) : "-";
    };
    std::string role;
    if (!d.fit) role = fmt::format("  check {}: {}", observe::criterion_text(d), o.assessment.ok ? "ok" : "OUTSIDE");
    else if (d.bound != scenario::ObservedBound::equal)
      role = fmt::format("  bound {}: {}", observe::criterion_text(d), o.assessment.ok ? "met" : "VIOLATED");
    out += fmt::format("{:<26} {:>10} {:>9} {:>30} {:>30} {:>8}{}\n", o.id, text(o.observed),
                       d.statistic == scenario::Statistic::peak_hour ? fmt::format("{:.0f} min", o.uncertainty / 60)
                                                                     : text(o.uncertainty),
                       summary(o.before), o.after.replications ? summary(o.after) : text(o.fit_mean),
                       observe::residual_text(d, o.assessment), role);
  }

  out += fmt::format("\n{:<44} {:>16} {:>18} {:>10} {:>22}\n", "free parameter", "prior ± sd", "bounds", "start",
                     "fitted ± se");
  for (auto& p : r.params) {
    out += fmt::format("{:<44} {:>16} {:>18} {:>10.4g} {:>22}{}\n", p.path,
                       fmt::format("{:.4g} ± {:.3g}", p.prior, p.prior_sd),
                       fmt::format("[{:.4g}, {:.4g}]", p.min, p.max), p.start,
                       fmt::format("{:.5g} ± {:.2g}", p.fitted, p.std_error), p.at_bound ? "  (at a bound)" : "");
    if (!p.residual_path.empty())
      out += fmt::format("    {} takes the rest: {:.4g}\n", p.residual_path, p.residual);
  }

  out += "\nsingular values of the weighted Jacobian (totals in units of their uncertainty, parameters in units of "
         "their prior sd):\n ";
  for (double s : r.singular_values) out += fmt::format(" {:.3g}", s);
  out += "\n";
  if (r.unidentified.empty()) {
    out += "\nevery direction of parameter space is determined by the totals (posterior sd below half the prior's)\n";
  } else {
    out += "\nwhat the totals cannot pin down (posterior sd above half the prior's along these directions; the priors "
           "decide them):\n";
    for (auto& c : r.unidentified)
      out += fmt::format("  - {} (posterior/prior sd {:.2f})\n", c.description, c.sd_ratio);
  }
  return out;
}

std::string report_json(const Problem& problem, const Result& r, const std::string& date) {
  using nlohmann::json;
  json j;
  j["scenario"] = problem.file;
  j["date"] = date;
  j["seed"] = r.seed;
  j["replications"] = r.replications;
  j["check_seed"] = r.check_seed;
  j["iterations"] = r.iterations;
  j["evaluations"] = r.evaluations;
  j["stop_reason"] = r.stop_reason;
  j["seconds"] = r.seconds;
  j["objective"] = {{"start", r.objective_start}, {"fitted", r.objective_end}, {"data", r.data_term},
                    {"prior", r.prior_term}};
  auto summary = [](const Summary& s) {
    const bool interval = s.replications > 1;
    return json{{"mean", s.mean},
                {"lo95", interval ? json(s.lo) : json()},
                {"hi95", interval ? json(s.hi) : json()},
                {"replications", s.replications}};
  };
  j["observed"] = json::array();
  for (std::size_t i = 0; i < r.observed.size(); ++i) {
    const auto& o = r.observed[i];
    const scenario::ObservedDef& d = problem.observed[i].def;
    j["observed"].push_back({{"id", o.id}, {"observed", o.observed}, {"uncertainty", o.uncertainty},
                             {"fit_mean", o.fit_mean}, {"before", summary(o.before)}, {"after", summary(o.after)},
                             {"relative_error", o.relative_error}, {"statistic", scenario::statistic_name(d.statistic)},
                             {"fit", d.fit}, {"bound", scenario::observed_bound_name(d.bound)},
                             {"criterion", observe::criterion_text(d)}, {"within", o.assessment.ok}});
  }
  j["parameters"] = json::array();
  for (auto& p : r.params) {
    json x{{"path", p.path}, {"prior", p.prior}, {"prior_sd", p.prior_sd}, {"min", p.min}, {"max", p.max},
           {"start", p.start}, {"fitted", p.fitted}, {"std_error", p.std_error}, {"at_bound", p.at_bound}};
    if (!p.residual_path.empty()) x["residual"] = {{"path", p.residual_path}, {"value", p.residual}};
    j["parameters"].push_back(x);
  }
  j["singular_values"] = r.singular_values;
  j["unidentified"] = json::array();
  for (auto& c : r.unidentified) {
    json d = json::object();
    for (std::size_t k = 0; k < c.direction.size(); ++k) d[problem.params[k].path] = c.direction[k];
    j["unidentified"].push_back({{"description", c.description}, {"posterior_prior_sd_ratio", c.sd_ratio},
                                 {"singular_value", c.singular_value}, {"direction", d}});
  }
  return j.dump(2) + "\n";
}

std::string calibrated_scenario(const Problem& problem, const Result& r, const std::string& extends_path,
                                const std::string& name, const std::string& date) {
  // The fitted values applied to the tree give the residual members exactly as the fit used them.
  std::vector<double> theta;
  for (auto& p : r.params) theta.push_back(p.fitted);
  scenario::Node tree = problem.tree;
  std::string error;
  apply(problem, theta, tree, &error);

  OutTable root;
  std::vector<std::string> residuals_done;
  for (auto& p : r.params) {
    auto segments = scenario::parse_path(p.path, nullptr);
    std::string value = toml_float(p.fitted);
    // An element of an array of numbers (`weights[5]`): an extending file replaces arrays whole.
    const std::string container = p.path.substr(0, p.path.rfind('['));
    if (const scenario::Node* a = scenario::lookup(tree, container); a && a->is_array() && segments->back().id) {
      std::vector<std::string> items;
      for (const auto& item : a->items) items.push_back(toml_float(item.number()));
      value = fmt::format("[{}]", fmt::join(items, ", "));
      segments->back().id.reset();
    }
    root.set(*segments, value,
             fmt::format("{}: fitted {:.6g} ± {:.2g} (1 se; prior {:.4g} ± {:.3g}), calibrated {}", p.path, p.fitted,
                         p.std_error, p.prior, p.prior_sd, date));
  }
  for (auto& g : problem.share_groups) {
    auto segments = scenario::parse_path(g.residual_path, nullptr);
    // 12 significant digits: the shares still sum to 1 well within the loader's 1e-6.
    const double residual = std::stod(fmt::format("{:.12g}", scenario::lookup(tree, g.residual_path)->number()));
    root.set(*segments, toml_float(residual),
             fmt::format("{}: 1 - the other members of {} at the fitted values, calibrated {}", g.residual_path,
                         g.table_path, date));
  }
  std::string out;
  out += fmt::format("# Written by `expoflow calibrate` on {} from {}.\n", date, problem.file);
  out += fmt::format("# The fitted values of its free parameters (and the residual members of the share vectors they\n"
                     "# belong to); everything else comes from the scenario it extends. Fit: seed {}, {} replications\n"
                     "# per evaluation, {} iteration(s), objective {:.4g} -> {:.4g}. The full report is in the .json\n"
                     "# file beside this one.\n",
                     r.seed, r.replications, r.iterations, r.objective_start, r.objective_end);
  out += fmt::format("extends = {}\nname = {}\n", toml_string(extends_path), toml_string(name));
  const scenario::Node* title = scenario::lookup(problem.tree, "title");
  if (title && title->kind == scenario::Node::Kind::string)
    out += fmt::format("title = {}\n", toml_string(fmt::format("{} (calibrated {})", title->text, date)));
  std::string body;
  root.emit("", body);
  if (!body.empty() && body.front() != '\n') out += "\n";
  out += body;
  return out;
}

}  // namespace expoflow::calibrate
