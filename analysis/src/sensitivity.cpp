#include "analysis/src/sensitivity.hpp"

#include <Eigen/Dense>
#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/experiment.hpp"
#include "sim/stats.hpp"

namespace analysis {
namespace {

// Average ranks (ties share the mean of their positions), 0-based.
std::vector<double> ranks(const std::vector<double>& v) {
  std::vector<std::size_t> idx(v.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::stable_sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < idx.size();) {
    std::size_t j = i;
    while (j + 1 < idx.size() && v[idx[j + 1]] == v[idx[i]]) ++j;
    const double avg = 0.5 * static_cast<double>(i + j);
    for (std::size_t k = i; k <= j; ++k) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

}  // namespace

std::vector<double> prcc(const std::vector<std::vector<double>>& x, const std::vector<double>& y) {
  const std::size_t n = y.size();
  const std::size_t k = x.empty() ? 0 : x.front().size();
  std::vector<double> out(k, std::nan(""));
  if (n < k + 2 || k == 0) return out;
  Eigen::MatrixXd rx(n, k);
  for (std::size_t j = 0; j < k; ++j) {
    std::vector<double> col(n);
    for (std::size_t i = 0; i < n; ++i) col[i] = x[i][j];
    const auto r = ranks(col);
    for (std::size_t i = 0; i < n; ++i) rx(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = r[i];
  }
  const auto ry_v = ranks(y);
  const Eigen::VectorXd ry = Eigen::Map<const Eigen::VectorXd>(ry_v.data(), static_cast<Eigen::Index>(n));
  const auto N = static_cast<Eigen::Index>(n), K = static_cast<Eigen::Index>(k);
  for (Eigen::Index j = 0; j < K; ++j) {
    // Regress the ranks of x_j and of y on the ranks of the other inputs
    // (with an intercept); the PRCC is the correlation of the residuals.
    Eigen::MatrixXd z(N, K);
    z.col(0).setOnes();
    for (Eigen::Index c = 0, o = 1; c < K; ++c)
      if (c != j) z.col(o++) = rx.col(c);
    const auto qr = z.colPivHouseholderQr();
    const Eigen::VectorXd ex = rx.col(j) - z * qr.solve(Eigen::VectorXd(rx.col(j)));
    const Eigen::VectorXd ey = ry - z * qr.solve(ry);
    const double sxx = ex.squaredNorm(), syy = ey.squaredNorm();
    const double tiny = 1e-12 * static_cast<double>(n * n * n);
    if (sxx > tiny && syy > tiny) out[static_cast<std::size_t>(j)] = ex.dot(ey) / std::sqrt(sxx * syy);
  }
  return out;
}

double prcc_p_value(double r, std::size_t n, std::size_t k) {
  if (std::isnan(r) || k == 0 || n < k + 2) return std::nan("");
  const double df = static_cast<double>(n) - 2.0 - static_cast<double>(k - 1);
  if (df < 1) return std::nan("");
  if (std::fabs(r) >= 1) return 0.0;
  const double t = std::fabs(r) * std::sqrt(df / (1 - r * r));
  return 2 * boost::math::cdf(boost::math::complement(boost::math::students_t(df), t));
}

void write_sensitivity(sim::h5::Writer& w, const models::Experiment& ex, const models::ExperimentResults& res) {
  const models::SweepDesign& d = ex.sweep;
  if (d.empty()) return;
  std::vector<std::vector<double>> x;
  std::vector<std::string> scen;
  std::vector<const models::ScenarioResults*> found;
  for (std::size_t i = 0; i < d.points.size(); ++i)
    for (const auto& sc : res.scenarios)
      if (sc.name == d.scenarios[i] && !sc.replicates.empty()) {
        x.push_back(d.points[i]);
        scen.push_back(sc.name);
        found.push_back(&sc);
        w.set_attribute("/scenarios/" + sc.name, "sweep_index", static_cast<std::int64_t>(x.size() - 1));
      }
  if (found.empty()) return;
  // Metrics: the numeric summary fields that are outcomes.
  std::vector<std::string> metrics;
  for (const auto& [field, v] : found.front()->replicates.front().summary)
    if (field != "replicate" && field != "seed" && field != "wall_seconds") metrics.push_back(field);
  const std::size_t P = found.size(), M = metrics.size(), K = d.parameters.size();
  std::vector<double> means(P * M), coef(M * K), pval(M * K), flat(P * K);
  for (std::size_t p = 0; p < P; ++p) {
    for (std::size_t k = 0; k < K; ++k) flat[p * K + k] = x[p][k];
    for (std::size_t m = 0; m < M; ++m) {
      std::vector<double> v;
      for (const auto& rep : found[p]->replicates) v.push_back(rep.summary_value(metrics[m]));
      means[p * M + m] = sim::mean_ci(v).mean;
    }
  }
  for (std::size_t m = 0; m < M; ++m) {
    // Points whose mean is undefined (e.g. no eligible needs) are left out.
    std::vector<std::vector<double>> xs;
    std::vector<double> ys;
    for (std::size_t p = 0; p < P; ++p)
      if (!std::isnan(means[p * M + m])) xs.push_back(x[p]), ys.push_back(means[p * M + m]);
    const auto r = prcc(xs, ys);  // empty when no point has a value
    for (std::size_t k = 0; k < K; ++k) {
      coef[m * K + k] = k < r.size() ? r[k] : std::nan("");
      pval[m * K + k] = prcc_p_value(coef[m * K + k], ys.size(), K);
    }
  }
  w.create_group("/sensitivity");
  w.set_attribute("/sensitivity", "method", d.method);
  w.set_attribute("/sensitivity", "measure", std::string("PRCC of the replicate mean"));
  w.set_attribute("/sensitivity", "seed", static_cast<std::int64_t>(d.seed));
  w.set_attribute("/sensitivity", "points", static_cast<std::int64_t>(P));
  if (d.base_samples) w.set_attribute("/sensitivity", "base_samples", static_cast<std::int64_t>(d.base_samples));
  if (d.trajectories) {
    w.set_attribute("/sensitivity", "trajectories", static_cast<std::int64_t>(d.trajectories));
    w.set_attribute("/sensitivity", "levels", static_cast<std::int64_t>(d.levels));
  }
  w.write_matrix("/sensitivity/prcc", M, K, coef, "1");
  w.write_matrix("/sensitivity/prcc_p_value", M, K, pval, "probability");
  w.set_attribute("/sensitivity/prcc_p_value", "test",
                  std::string("two-sided Student t, n - 2 - (k - 1) degrees of freedom (Marino et al. 2008)"));
  w.write_matrix("/sensitivity/lower", K, 1, d.lower, "parameter units");
  w.write_matrix("/sensitivity/upper", K, 1, d.upper, "parameter units");
  w.write_matrix("/sensitivity/points", P, K, flat, "parameter units");
  w.write_matrix("/sensitivity/means", P, M, means, "metric units");
  w.write_strings("/sensitivity/metrics", metrics);
  w.write_strings("/sensitivity/parameters", d.parameters);
  w.write_strings("/sensitivity/scenarios", scen);
}

}  // namespace analysis
