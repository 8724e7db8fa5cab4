#include "analysis/src/calibration.hpp"

#include <algorithm>
#include <cmath>

#include "models/run.hpp"
#include "sim/stats.hpp"

namespace analysis {

using models::ScenarioResults;

namespace {

constexpr double kZ975 = 1.959963984540054;

// P(X <= k) for X ~ Poisson(lambda), summed in log space (k is small).
double poisson_cdf(double k, double lambda) {
  if (lambda <= 0) return 1.0;
  double sum = 0;
  for (int i = 0; i <= static_cast<int>(k); ++i)
    sum += std::exp(-lambda + i * std::log(lambda) - std::lgamma(i + 1.0));
  return sum;
}

// The lambda at which poisson_cdf(k, lambda) = p (the CDF falls with lambda).
double poisson_root(double k, double p) {
  double lo = 0, hi = k + 20.0 * std::sqrt(k + 1.0) + 20.0;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    (poisson_cdf(k, mid) > p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

const ScenarioResults* first_reporting(const ExperimentResults& res, const std::string& field) {
  for (const auto& sc : res.scenarios)
    for (const auto& rep : sc.replicates)
      if (std::isfinite(rep.summary_value(field))) return &sc;
  return nullptr;
}

}  // namespace

Interval wilson_interval(double k, double n) {
  if (n <= 0) return {std::nan(""), std::nan("")};
  const double p = k / n, z2 = kZ975 * kZ975;
  const double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = kZ975 / (1 + z2 / n) * std::sqrt(p * (1 - p) / n + z2 / (4 * n * n));
  return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

Interval poisson_interval(double k) {
  const double kk = std::round(k);
  return {kk > 0 ? poisson_root(kk - 1, 0.975) : 0.0, poisson_root(kk, 0.025)};
}

const std::vector<CalibrationTarget>& calibration_targets() {
  static const std::vector<CalibrationTarget> t = {
      {"vade_mecum_know", "vade_mecum_aware_share", "share", 26, 27,
       "share of GPs who know the Vade Mecum, 18 months after its launch",
       "field: 26 of 27 GPs of two peer groups (the model: every GP of the catchment)", "louviere-manage", "vade_mecum"},
      {"vade_mecum_own", "vade_mecum_own_share", "share", 21, 27,
       "share of GPs who own the Vade Mecum, 18 months after its launch", "field: 21 of 27 GPs", "louviere-manage",
       "vade_mecum"},
      {"vade_mecum_used_more_than_once", "vade_mecum_used_more_than_once_share", "share", 8, 27,
       "share of GPs who used it more than once in 18 months", "field: 8 of 27 GPs", "louviere-manage", "vade_mecum"},
      {"vade_mecum_found_right_contact", "vade_mecum_found_contact_share", "share", 7, 8,
       "among GPs who used it more than once, share whose (latest) use found the right contact",
       "field: 7 of the 8 users", "louviere-manage", "vade_mecum"},
      {"gps_knowing_services_moderately_or_insufficiently", "gps_not_knowing_well_share", "share", 35, 40,
       "share of GPs who do not know where to send for most themes (below vade_mecum.knows_well_themes)",
       "field: thesis, 87.5 % (departmental survey, Meurthe-et-Moselle; its size is not given: 35 of 40 assumed)",
       "grand-nancy", "vade_mecum"},
      {"launch_evening_gps", "meetings_first_gps", "people", 22, 0,
       "GPs at the first (launch) evening", "field: 22 GPs at the launch evening, October 2011",
       "louviere-manage", "meetings"},
      {"launch_evening_social_actors", "meetings_first_workers", "people", 39, 0,
       "social workers at the first (launch) evening", "field: 39 social actors at the launch evening",
       "louviere-manage", "meetings"},
  };
  return t;
}

std::vector<CalibrationRow> calibration_rows(const ExperimentResults& res, const std::string& territory) {
  std::vector<CalibrationRow> rows;
  for (const auto& t : calibration_targets()) {
    if (t.territory != territory) continue;  // measured elsewhere: no target here
    const ScenarioResults* sc = first_reporting(res, t.field);
    if (!sc) continue;
    CalibrationRow row;
    row.target = &t;
    row.scenario = sc->name;
    if (t.n > 0) {
      row.value = t.successes / t.n;
      row.ci = wilson_interval(t.successes, t.n);
      row.interval = "Wilson score 95 % interval of the field proportion";
    } else {
      row.value = t.successes;
      row.ci = poisson_interval(t.successes);
      row.interval = "exact (Garwood) Poisson 95 % interval of the field count";
    }
    for (const auto& rep : sc->replicates) row.values.push_back(rep.summary_value(t.field));
    row.model = sim::mean_ci(row.values).mean;
    rows.push_back(std::move(row));
  }
  return rows;
}

void write_calibration(sim::h5::Writer& w, const ExperimentResults& res, const std::string& territory) {
  const auto rows = calibration_rows(res, territory);
  if (rows.empty()) return;
  w.create_group("/calibration");
  w.set_attribute("/calibration", "description",
                  std::string("model figures beside the field's (MODEL.md §8), mean over replicates"));
  for (const auto& r : rows) {
    const std::string path = "/calibration/" + r.target->name;
    w.write_matrix(path, r.values.size(), 1, r.values, r.target->units);
    const auto ci = sim::mean_ci(r.values);
    w.set_attribute(path, "target", r.value);
    w.set_attribute(path, "ci_low", r.ci.low);
    w.set_attribute(path, "ci_high", r.ci.high);
    w.set_attribute(path, "model", r.model);
    w.set_attribute(path, "model_ci_low", ci.mean - ci.half_width);
    w.set_attribute(path, "model_ci_high", ci.mean + ci.half_width);
    w.set_attribute(path, "successes", r.target->successes);
    w.set_attribute(path, "n", r.target->n);
    w.set_attribute(path, "interval", r.interval);
    w.set_attribute(path, "summary_field", r.target->field);
    w.set_attribute(path, "scenario", r.scenario);
    w.set_attribute(path, "territory", r.target->territory);
    w.set_attribute(path, "option", r.target->option);
    w.set_attribute(path, "description", r.target->description);
    w.set_attribute(path, "source", r.target->source);
  }
}

}  // namespace analysis
