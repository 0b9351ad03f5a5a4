#include "calibrate/calibrate.hpp"

#include "ensemble/runner.hpp"
#include "kernel/hash.hpp"
#include "observe/probes.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <fmt/format.h>
#include <memory>
#include <stdexcept>

#include "kernel/stats.hpp"
#include "model/simulation.hpp"
#include "support/files.hpp"

namespace expoflow::calibrate {

namespace {

using Eigen::MatrixXd;
using Eigen::VectorXd;

// Shortest decimal with 6 significant digits: what the calibrated file holds, so what is
// reported, written and read back are the same numbers.
double round6(double x) {
  if (x == 0 || !std::isfinite(x)) return x;
  return std::stod(fmt::format("{:.6g}", x));
}

double mean_of(const std::vector<double>& xs) {
  double s = 0;
  for (double x : xs) s += x;
  return xs.empty() ? 0.0 : s / static_cast<double>(xs.size());
}

Summary summarise(const std::vector<double>& xs) {
  Tally t;
  for (double x : xs) t.add(x);
  const Interval ci = nonnegative_interval95(t);  // of a reported total: never below zero
  return Summary{ci.mean, ci.lo, ci.hi, static_cast<int>(xs.size())};
}

}  // namespace

std::optional<Problem> prepare(const std::string& file, scenario::Problems& problems) {
  auto root = scenario::load(file, problems);
  if (!root) return std::nullopt;
  const scenario::Scenario s = scenario::build_scenario(*root, file, problems);
  if (!problems.empty()) return std::nullopt;

  Problem p;
  p.file = file;
  p.replications = s.calibration.replications;
  p.max_iterations = s.calibration.max_iterations;
  if (s.calibration.params.empty())
    problems.error(root->pos, "calibrate.param",
                   "no free parameters: declare them in [[calibrate.param]] tables (path, min, max, prior, prior_sd)");
  if (s.observed.empty())
    problems.error(root->pos, "observed", "no observed totals to calibrate against: declare [[observed]] tables");

  // Every observation must be measurable: its probe has to match a place of the simulation.
  const model::Simulation sim(s);
  for (const auto& o : s.observed) {
    if (const std::string why = observe::unmeasurable(o, sim.places()); !why.empty())
      problems.error(o.pos, fmt::format("observed[{}]", o.id), why);
    p.observed.push_back(Observation{o.id, o.value, o.uncertainty, o});
  }

  for (const auto& fp : s.calibration.params) {
    Parameter q{fp.path, fp.min, fp.max, fp.prior, fp.prior_sd, 0, "", -1, fp.pos};
    const scenario::Node* n = scenario::lookup(*root, fp.path);
    q.start = std::clamp(n->number(), fp.min, fp.max);
    for (auto& other : p.params)
      if (other.path == fp.path) problems.error(fp.pos, fp.path, "declared twice as a free parameter");
    bool residual = false;
    if (auto shares = scenario::share_vector_of(*root, fp.path, &residual)) {
      if (residual) {
        problems.error(fp.pos, fp.path,
                       fmt::format("is the residual member of the share vector '{}' (it takes 1 - the others); "
                                   "free the other members instead",
                                   shares->table_path));
      } else {
        auto g = std::find_if(p.share_groups.begin(), p.share_groups.end(),
                              [&](const ShareGroup& x) { return x.table_path == shares->table_path; });
        if (g == p.share_groups.end()) {
          p.share_groups.push_back(*shares);
          g = p.share_groups.end() - 1;
        }
        q.share_group = static_cast<int>(g - p.share_groups.begin());
        q.residual_path = shares->residual_path;
      }
    }
    p.params.push_back(q);
  }
  p.tree = std::move(*root);
  if (!problems.empty()) return std::nullopt;

  // The starting values (the scenario's own, within the bounds) and the priors must leave every
  // share vector's residual non-negative.
  auto check = [&](const std::vector<double>& theta, const char* what) {
    scenario::Node t = p.tree;
    std::string error;
    if (!apply(p, theta, t, &error)) {
      const Parameter* first = nullptr;
      for (auto& q : p.params)
        if (q.share_group >= 0 && error.find(q.residual_path) != std::string::npos && !first) first = &q;
      problems.error(first ? first->pos : p.params.front().pos, first ? first->path : "",
                     fmt::format("at the {}: {}", what, error));
    }
  };
  std::vector<double> start, prior;
  for (auto& q : p.params) {
    start.push_back(q.start);
    prior.push_back(q.prior);
  }
  check(start, "starting values");
  if (problems.empty()) check(prior, "prior values");
  if (!problems.empty()) return std::nullopt;
  return p;
}

bool apply(const Problem& problem, const std::vector<double>& theta, scenario::Node& tree, std::string* error) {
  for (std::size_t j = 0; j < problem.params.size(); ++j) {
    scenario::Node* n = scenario::lookup(tree, problem.params[j].path);
    if (!n) {
      if (error) *error = fmt::format("{}: no such value", problem.params[j].path);
      return false;
    }
    n->kind = scenario::Node::Kind::floating;
    n->floating = theta[j];
  }
  for (const auto& g : problem.share_groups)
    if (!scenario::rebalance(tree, g, error)) return false;
  return true;
}

namespace {
// The file of one job's totals in the cache: named by what determines them.
std::filesystem::path cache_file(const Distribution& d, const std::vector<double>& theta, std::uint64_t seed,
                                 std::size_t r) {
  Fnv1a h;
  h.add(d.tag).add_bytes(theta.data(), theta.size() * sizeof(double)).add_bytes(&seed, sizeof seed).add_bytes(&r, sizeof r);
  return d.cache_dir / fmt::format("{:016x}.bin", h.value());
}
std::string to_bytes(const std::vector<double>& totals) {
  return std::string(reinterpret_cast<const char*>(totals.data()), totals.size() * sizeof(double));
}
bool load_cached(const std::filesystem::path& f, std::size_t m, std::vector<double>& into) {
  std::ifstream in(f, std::ios::binary);
  if (!in) return false;
  std::vector<double> v(m);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(m * sizeof(double)));
  if (!in || in.peek() != std::char_traits<char>::eof()) return false;
  into = std::move(v);
  return true;
}
}  // namespace

std::vector<std::vector<std::vector<double>>> simulate(const Problem& problem,
                                                        const std::vector<std::vector<double>>& thetas,
                                                        std::uint64_t seed, int reps, unsigned threads,
                                                        const Distribution* dist) {
  const Distribution one;
  const Distribution& d = dist ? *dist : one;
  if (!d.cache_dir.empty()) std::filesystem::create_directories(d.cache_dir);
  // A Simulation keeps a reference to its Scenario: both live on the heap, side by side.
  struct Built {
    scenario::Scenario scenario;
    std::unique_ptr<model::Simulation> sim;
  };
  std::vector<std::unique_ptr<Built>> built;
  for (const auto& theta : thetas) {
    scenario::Node tree = problem.tree;
    std::string error;
    if (!apply(problem, theta, tree, &error)) throw std::runtime_error(error);
    scenario::Problems problems;
    auto b = std::make_unique<Built>();
    b->scenario = scenario::build_scenario(tree, problem.file, problems);
    if (!problems.empty())
      throw std::runtime_error("the parameter values do not make a valid scenario:\n" + problems.report());
    b->sim = std::make_unique<model::Simulation>(b->scenario);
    built.push_back(std::move(b));
  }

  const std::size_t m = problem.observed.size();
  const auto num_reps = static_cast<std::size_t>(reps);
  std::vector<std::vector<std::vector<double>>> out(
      thetas.size(), std::vector<std::vector<double>>(m, std::vector<double>(num_reps, 0.0)));
  // Job j is replication j % reps of vector j / reps: its totals, from the cache when resuming.
  auto produce = [&](std::uint32_t job) {
    const std::size_t k = job / num_reps, r = job % num_reps;
    std::vector<double> totals;
    const auto file = d.cache_dir.empty() ? std::filesystem::path() : cache_file(d, thetas[k], seed, r);
    if (!(d.resume && !file.empty() && load_cached(file, m, totals))) {
      totals = built[k]->sim->run(seed, static_cast<std::uint32_t>(r)).observed;
      if (!file.empty()) support::write_atomically(file, to_bytes(totals));
    }
    return totals;
  };
  const ensemble::Codec<std::vector<double>> codec{
      [](std::vector<double>&& totals) { return to_bytes(totals); },
      [m](std::uint32_t, const std::string& bytes) -> std::optional<std::vector<double>> {
        if (bytes.size() != m * sizeof(double)) return std::nullopt;
        std::vector<double> totals(m);
        std::memcpy(totals.data(), bytes.data(), bytes.size());
        return totals;
      }};
  ensemble::Pool pool;
  pool.threads = threads;
  pool.rank = d.rank;
  pool.ranks = d.ranks;
  // On rank 0 every job's totals arrive here; the other ranks' entries stay zero.
  ensemble::run<std::vector<double>>(
      static_cast<std::uint32_t>(thetas.size() * num_reps), pool, produce,
      [&](std::uint32_t job, std::vector<double>&& totals) {
        for (std::size_t i = 0; i < m; ++i) out[job / num_reps][i][job % num_reps] = totals[i];
      },
      &codec);
  if (d.combine) {  // rank 0's totals into every process
    std::vector<double> flat;
    for (auto& a : out)
      for (auto& b : a) flat.insert(flat.end(), b.begin(), b.end());
    d.combine(flat);
    std::size_t i = 0;
    for (auto& a : out)
      for (auto& b : a)
        for (double& x : b) x = flat[i++];
  }
  return out;
}

std::string describe_direction(const std::vector<std::string>& paths, const std::vector<double>& d) {
  double largest = 0;
  for (double x : d) largest = std::max(largest, std::abs(x));
  std::vector<std::size_t> big;
  for (std::size_t j = 0; j < d.size(); ++j)
    if (std::abs(d[j]) >= 0.2 * largest && largest > 0) big.push_back(j);
  if (big.size() == 1)
    return fmt::format("{} is not determined by the totals: its prior decides it", paths[big[0]]);
  if (big.size() == 2) {
    const std::string& a = paths[big[0]];
    const std::string& b = paths[big[1]];
    const double q = d[big[1]] / d[big[0]];  // change of b per unit change of a along the direction
    if (q < 0 && std::abs(q) > 0.8 && std::abs(q) < 1.25)
      return fmt::format("{} and {} trade off one for one: only their sum is determined", a, b);
    if (q > 0 && q > 0.8 && q < 1.25)
      return fmt::format("{} and {} rise and fall together: only their difference is determined", a, b);
    // The determined combination is orthogonal to the direction: a - (d_a / d_b) b.
    const double c = -d[big[0]] / d[big[1]];
    return fmt::format("{} and {} trade off ({:.3g} of the second per unit of the first): only {} {} {:.3g} × {} is "
                       "determined",
                       a, b, std::abs(q), a, c < 0 ? "-" : "+", std::abs(c), b);
  }
  std::string terms;
  for (std::size_t j : big)
    terms += fmt::format("{}{:.2f} {}", terms.empty() ? (d[j] < 0 ? "-" : "") : (d[j] < 0 ? " - " : " + "),
                         std::abs(d[j]), paths[j]);
  return fmt::format("the totals leave this combination to the priors: {}", terms);
}

double Observation::weight(double f) const {
  if (!def.fit) return 0;
  switch (def.bound) {
    case scenario::ObservedBound::min: return f < value ? 1 / uncertainty : 0;
    case scenario::ObservedBound::max: return f > value ? 1 / uncertainty : 0;
    case scenario::ObservedBound::equal: break;
  }
  return 1 / uncertainty;
}

Result fit(const Problem& problem, const Settings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = problem.params.size(), m = problem.observed.size();
  const int reps = settings.replications > 0 ? settings.replications : problem.replications;
  const int max_iterations = settings.max_iterations > 0 ? settings.max_iterations : problem.max_iterations;
  const std::uint64_t seed = settings.seed;
  const unsigned threads = settings.threads;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };

  VectorXd lo(n), hi(n), prior(n), sd(n), theta(n), y(m);
  for (std::size_t j = 0; j < n; ++j) {
    const auto& q = problem.params[j];
    const auto jj = static_cast<Eigen::Index>(j);
    lo[jj] = q.min;
    hi[jj] = q.max;
    prior[jj] = q.prior;
    sd[jj] = q.prior_sd;
    theta[jj] = round6(q.start);
  }
  for (std::size_t i = 0; i < m; ++i) {
    y[static_cast<Eigen::Index>(i)] = problem.observed[i].value;
  }
  const auto N = static_cast<Eigen::Index>(n);
  const auto M = static_cast<Eigen::Index>(m);

  Result res;
  res.seed = seed;
  res.replications = reps;
  auto to_vec = [](const VectorXd& v) { return std::vector<double>(v.data(), v.data() + v.size()); };
  // Means over replications of each parameter vector's totals.
  auto evaluate = [&](const std::vector<VectorXd>& thetas) {
    std::vector<std::vector<double>> list;
    for (auto& t : thetas) list.push_back(to_vec(t));
    const auto raw = simulate(problem, list, seed, reps, threads, &settings.distribution);
    res.evaluations += static_cast<int>(thetas.size());
    std::vector<VectorXd> means;
    for (auto& per_obs : raw) {
      VectorXd f(M);
      for (std::size_t i = 0; i < m; ++i) f[static_cast<Eigen::Index>(i)] = mean_of(per_obs[i]);
      means.push_back(f);
    }
    return means;
  };
  // 1 / σ of each observation that weighs at f: fitted, and for a bound only while violated.
  auto weights = [&](const VectorXd& at) {
    VectorXd w(M);
    for (Eigen::Index i = 0; i < M; ++i) w[i] = problem.observed[static_cast<std::size_t>(i)].weight(at[i]);
    return w;
  };
  auto residuals = [&](const VectorXd& th, const VectorXd& f) {
    VectorXd r(M + N);
    r.head(M) = (f - y).cwiseProduct(weights(f));
    r.tail(N) = (th - prior).cwiseQuotient(sd);
    return r;
  };
  // The residual left to each share vector at θ: 1 − the other members.
  auto share_residual = [&](const VectorXd& th, std::size_t group) {
    scenario::Node t = problem.tree;
    std::vector<double> v = to_vec(th);
    for (std::size_t j = 0; j < n; ++j) {
      scenario::Node* node = scenario::lookup(t, problem.params[j].path);
      node->kind = scenario::Node::Kind::floating;
      node->floating = v[j];
    }
    double sum = 0;
    for (auto& p : problem.share_groups[group].member_paths) sum += scenario::lookup(t, p)->number();
    return 1.0 - sum;
  };
  // Largest t in [0, 1] keeping every share residual >= 0 along θ + t δ (residuals are linear).
  auto feasible_fraction = [&](const VectorXd& th, const VectorXd& delta) {
    double t = 1.0;
    for (std::size_t g = 0; g < problem.share_groups.size(); ++g) {
      double used = 0;
      for (std::size_t j = 0; j < n; ++j)
        if (problem.params[j].share_group == static_cast<int>(g)) used += delta[static_cast<Eigen::Index>(j)];
      const double room = share_residual(th, g);
      if (used > 0 && used > room) t = std::min(t, std::max(0.0, room) / used);
    }
    return t;
  };

  VectorXd f = evaluate({theta}).front();
  VectorXd r = residuals(theta, f);
  double F = r.squaredNorm();
  res.objective_start = F;
  const VectorXd theta_start = theta;
  if (settings.progress)
    *settings.progress << fmt::format("calibrate: start: objective {:.4g} (data {:.4g}, prior {:.4g}), {} parameters, "
                                      "{} totals, {} replications per evaluation, {:.0f} s\n",
                                      F, r.head(M).squaredNorm(), r.tail(N).squaredNorm(), n, m, reps, elapsed());

  // Forward differences, backwards where a bound or a share residual leaves no room; steps of a
  // tenth of the prior spread are large enough for the changed parties to outweigh the
  // granularity of a simulation, small enough for the totals to be nearly linear across them.
  MatrixXd J(M, N);
  auto jacobian = [&] {
    std::vector<VectorXd> trial;
    std::vector<double> step(n);
    for (std::size_t j = 0; j < n; ++j) {
      const auto jj = static_cast<Eigen::Index>(j);
      double h = std::min(0.1 * sd[jj], 0.25 * (hi[jj] - lo[jj]));
      VectorXd e = VectorXd::Zero(N);
      e[jj] = 1;
      const bool room_up = theta[jj] + h <= hi[jj] && feasible_fraction(theta, h * e) >= 1.0;
      if (!room_up) h = -h;
      VectorXd t = theta;
      t[jj] = round6(theta[jj] + h);
      step[j] = t[jj] - theta[jj];
      trial.push_back(t);
    }
    const auto fs = evaluate(trial);
    for (std::size_t j = 0; j < n; ++j) J.col(static_cast<Eigen::Index>(j)) = (fs[j] - f) / step[j];
  };
  auto weighted = [&] {  // Jacobian of the residual vector
    MatrixXd Jr(M + N, N);
    Jr.topRows(M) = weights(f).asDiagonal() * J;
    Jr.bottomRows(N) = sd.cwiseInverse().asDiagonal().toDenseMatrix();
    return Jr;
  };

  double lambda = 1e-2;
  bool converged = false;
  res.stop_reason = "the maximum number of iterations";
  for (int it = 0;; ++it) {
    jacobian();
    if (converged) break;
    if (it >= max_iterations) break;
    const MatrixXd Jr = weighted();
    const MatrixXd A = Jr.transpose() * Jr;
    const VectorXd g = Jr.transpose() * r;
    // Parameters held at a bound by the gradient stay out of the step.
    std::vector<Eigen::Index> free_idx;
    for (Eigen::Index j = 0; j < N; ++j) {
      const bool pinned = (theta[j] <= lo[j] && g[j] > 0) || (theta[j] >= hi[j] && g[j] < 0);
      if (!pinned) free_idx.push_back(j);
    }
    bool accepted = false;
    for (int attempt = 0; attempt < 12 && !free_idx.empty(); ++attempt) {
      const auto nf = static_cast<Eigen::Index>(free_idx.size());
      MatrixXd Af(nf, nf);
      VectorXd gf(nf);
      for (Eigen::Index a = 0; a < nf; ++a) {
        gf[a] = g[free_idx[static_cast<std::size_t>(a)]];
        for (Eigen::Index b = 0; b < nf; ++b)
          Af(a, b) = A(free_idx[static_cast<std::size_t>(a)], free_idx[static_cast<std::size_t>(b)]);
      }
      // Marquardt's scaling: damping proportional to the curvature of each parameter.
      MatrixXd damped = Af;
      damped.diagonal() += lambda * Af.diagonal();
      const VectorXd df = damped.ldlt().solve(-gf);
      VectorXd delta = VectorXd::Zero(N);
      for (Eigen::Index a = 0; a < nf; ++a) delta[free_idx[static_cast<std::size_t>(a)]] = df[a];
      // Project onto the bounds, then shorten to keep every share residual non-negative.
      VectorXd trial = (theta + delta).cwiseMax(lo).cwiseMin(hi);
      VectorXd dp = trial - theta;
      dp *= feasible_fraction(theta, dp);
      for (Eigen::Index j = 0; j < N; ++j) trial[j] = std::clamp(round6(theta[j] + dp[j]), lo[j], hi[j]);
      dp = trial - theta;
      // Gain ratio: actual decrease over the decrease the linear model predicts for the
      // projected step actually taken.
      const double predicted = -(2 * g.dot(dp) + dp.dot(A * dp));
      const double step_norm = dp.cwiseQuotient(sd).norm();
      if (predicted <= 0 || step_norm < 1e-9) {
        lambda *= 10;
        continue;
      }
      const VectorXd f_trial = evaluate({trial}).front();
      const VectorXd r_trial = residuals(trial, f_trial);
      const double F_trial = r_trial.squaredNorm();
      const double rho = (F - F_trial) / predicted;
      const bool accept = rho > 1e-3;
      if (settings.progress)
        *settings.progress << fmt::format(
            "calibrate: iteration {}: objective {:.4g} -> {:.4g} (data {:.4g}, prior {:.4g}), step {:.3g} prior sd, "
            "lambda {:.2g}, gain ratio {:.2f}, {}, {:.0f} s elapsed, at most ~{:.0f} s left ({} iteration(s) to go "
            "at most, then the final Jacobian)\n",
            it + 1, F, F_trial, r_trial.head(M).squaredNorm(), r_trial.tail(N).squaredNorm(), step_norm, lambda, rho,
            accept ? "accepted" : "rejected", elapsed(), elapsed() / (it + 1) * (max_iterations - it - 1 + 1),
            max_iterations - it - 1);
      if (accept) {
        const double decrease = (F - F_trial) / std::max(F, 1e-300);
        theta = trial;
        f = f_trial;
        r = r_trial;
        F = F_trial;
        lambda *= std::max(1.0 / 3.0, 1.0 - std::pow(2 * rho - 1, 3));
        accepted = true;
        // Under common random numbers the objective is a step function at a fine scale: stop
        // when a step gains too little to be more than that granularity.
        if (decrease < 1e-3 || step_norm < 1e-3) {
          converged = true;
          res.stop_reason = "a step that gained less than 0.1% of the objective";
        }
        break;
      }
      lambda *= 4;
    }
    res.iterations = it + 1;
    if (!accepted) {
      res.stop_reason = "no step that decreases the objective";
      res.iterations = it;
      break;  // the Jacobian is already at θ
    }
  }

  // Posterior at the fitted values.
  const MatrixXd Jr = weighted();
  const MatrixXd A = Jr.transpose() * Jr;
  const MatrixXd C = A.ldlt().solve(MatrixXd::Identity(N, N));
  res.objective_end = F;
  res.data_term = r.head(M).squaredNorm();
  res.prior_term = r.tail(N).squaredNorm();

  // Identifiability in prior-scaled coordinates z = (θ − prior) / prior_sd: the prior is the unit
  // sphere, and along a right singular vector with singular value s the posterior sd is
  // 1 / sqrt(1 + s²) of the prior's: more than half of it when s < sqrt(3).
  // Only the rows that weigh: checks and bounds that are met say nothing about the parameters.
  const VectorXd w_end = weights(f);
  std::vector<Eigen::Index> weighing;
  for (Eigen::Index i = 0; i < M; ++i)
    if (w_end[i] > 0) weighing.push_back(i);
  const auto MW = static_cast<Eigen::Index>(weighing.size());
  MatrixXd Jz(MW, N);
  for (Eigen::Index a = 0; a < MW; ++a)
    Jz.row(a) = w_end[weighing[static_cast<std::size_t>(a)]] * J.row(weighing[static_cast<std::size_t>(a)]).cwiseProduct(sd.transpose());
  Eigen::JacobiSVD<MatrixXd> svd(Jz, Eigen::ComputeFullV);
  for (Eigen::Index k = 0; k < svd.singularValues().size(); ++k) res.singular_values.push_back(svd.singularValues()[k]);
  const MatrixXd Cz = sd.cwiseInverse().asDiagonal() * C * sd.cwiseInverse().asDiagonal();
  std::vector<std::string> paths;
  for (auto& q : problem.params) paths.push_back(q.path);
  auto add_direction = [&](VectorXd z, double s) {
    z.normalize();
    const double ratio = std::sqrt(std::max(0.0, z.dot(Cz * z)));
    VectorXd d = sd.asDiagonal() * z;  // the same direction in parameter units
    d.normalize();
    Eigen::Index big = 0;
    d.cwiseAbs().maxCoeff(&big);
    if (d[big] < 0) d = -d;
    Combination c{s, ratio, to_vec(d), describe_direction(paths, to_vec(d))};
    res.unidentified.push_back(c);
  };
  // For readable names, a parameter that the totals hardly touch on its own (its column of Jz is
  // short) is its own direction; the combinations come from the SVD of the other columns.
  std::vector<Eigen::Index> touched;
  for (Eigen::Index j = 0; j < N; ++j) {
    if (Jz.col(j).norm() < 0.5) {
      VectorXd e = VectorXd::Zero(N);
      e[j] = 1;
      add_direction(e, Jz.col(j).norm());
    } else {
      touched.push_back(j);
    }
  }
  if (!touched.empty()) {
    MatrixXd sub(MW, static_cast<Eigen::Index>(touched.size()));
    for (std::size_t a = 0; a < touched.size(); ++a) sub.col(static_cast<Eigen::Index>(a)) = Jz.col(touched[a]);
    Eigen::JacobiSVD<MatrixXd> s2(sub, Eigen::ComputeFullV);
    for (Eigen::Index k = 0; k < static_cast<Eigen::Index>(touched.size()); ++k) {
      const double s = k < s2.singularValues().size() ? s2.singularValues()[k] : 0.0;
      if (s >= std::sqrt(3.0)) continue;
      VectorXd z = VectorXd::Zero(N);
      for (std::size_t a = 0; a < touched.size(); ++a) z[touched[a]] = s2.matrixV()(static_cast<Eigen::Index>(a), k);
      add_direction(z, s);
    }
  }

  for (std::size_t j = 0; j < n; ++j) {
    const auto& q = problem.params[j];
    const auto jj = static_cast<Eigen::Index>(j);
    ParamFit pf{q.path, q.residual_path, q.prior, q.prior_sd, q.min, q.max, q.start, theta[jj],
                std::sqrt(std::max(0.0, C(jj, jj))), 0, theta[jj] <= q.min || theta[jj] >= q.max};
    if (q.share_group >= 0) pf.residual = share_residual(theta, static_cast<std::size_t>(q.share_group));
    res.params.push_back(pf);
  }

  // The check: the starting and fitted values over replications of another seed.
  res.check_seed = settings.check_seed ? settings.check_seed : seed + 1;
  std::vector<std::vector<std::vector<double>>> check;
  if (settings.check_replications > 0) {
    if (settings.progress)
      *settings.progress << fmt::format("calibrate: checking the start and the fit over {} replications of seed {}\n",
                                        settings.check_replications, res.check_seed);
    check = simulate(problem, {to_vec(theta_start), to_vec(theta)}, res.check_seed, settings.check_replications, threads, &settings.distribution);
  }
  for (std::size_t i = 0; i < m; ++i) {
    ObservedFit o;
    o.id = problem.observed[i].id;
    o.observed = problem.observed[i].value;
    o.uncertainty = problem.observed[i].uncertainty;
    o.fit_mean = f[static_cast<Eigen::Index>(i)];
    if (!check.empty()) {
      o.before = summarise(check[0][i]);
      o.after = summarise(check[1][i]);
    }
    o.assessment = observe::assess(problem.observed[i].def, check.empty() ? o.fit_mean : o.after.mean);
    o.relative_error = o.assessment.residual;
    res.observed.push_back(o);
  }
  res.seconds = elapsed();
  return res;
}

}  // namespace expoflow::calibrate
