#include "analysis/src/uncertainty.hpp"

#include <cmath>
#include <cstdio>
#include <map>

#include "analysis/src/compare.hpp"
#include "models/experiment.hpp"

namespace analysis {
namespace {

const double kNaN = std::nan("");

double mean_finite(const std::vector<double>& v) {
  double s = 0;
  std::size_t n = 0;
  for (double x : v)
    if (std::isfinite(x)) s += x, ++n;
  return n ? s / static_cast<double>(n) : kNaN;
}

// Row r of a summary table alone (to pair one replicate with compare_tables).
sim::h5::Table row_of(const sim::h5::Table& t, std::size_t r) {
  sim::h5::Table o = t;
  for (auto& c : o.columns) c.values = {c.values[r]};
  return o;
}

// The three per-year differences of a comparison, in kMetrics order.
struct Diffs {
  double cost = kNaN, hours = kNaN, days = kNaN;
};
Diffs diffs_of(const ScenarioComparison& c, double per_year) {
  Diffs d;
  if (const auto* m = c.find("cost_eur"); m && m->n > 0) d.cost = m->mean_diff * per_year;
  if (const auto* m = c.find(kGpHoursFreed); m && m->n > 0) d.hours = m->mean_diff;
  if (const auto* m = c.find(kUnmetDaysAverted); m && m->n > 0) d.days = m->mean_diff;
  return d;
}

}  // namespace

std::vector<std::vector<double>> acceptability(const std::vector<std::vector<double>>& cost,
                                               const std::vector<std::vector<double>>& days,
                                               const std::vector<double>& wtp) {
  const std::size_t S = cost.size() + 1;
  const std::size_t N = cost.empty() ? 0 : cost.front().size();
  std::vector<std::size_t> valid;
  for (std::size_t k = 0; k < N; ++k) {
    bool ok = true;
    for (std::size_t i = 0; i < cost.size(); ++i) ok = ok && std::isfinite(cost[i][k]) && std::isfinite(days[i][k]);
    if (ok) valid.push_back(k);
  }
  std::vector<std::vector<double>> out(wtp.size(), std::vector<double>(S, valid.empty() ? kNaN : 0.0));
  for (std::size_t w = 0; w < wtp.size() && !valid.empty(); ++w) {
    for (std::size_t k : valid) {
      std::size_t best = 0;
      double top = 0;  // the baseline's NMB
      for (std::size_t i = 0; i < cost.size(); ++i) {
        const double nmb = wtp[w] * days[i][k] - cost[i][k];
        if (nmb > top) top = nmb, best = i + 1;  // ties: the first (baseline first)
      }
      out[w][best] += 1.0;
    }
    for (double& p : out[w]) p /= static_cast<double>(valid.size());
  }
  return out;
}

std::vector<double> wtp_grid(const std::vector<std::vector<double>>& cost,
                             const std::vector<std::vector<double>>& days, std::size_t points) {
  double top = 100.0;
  for (std::size_t i = 0; i < cost.size(); ++i) {
    const double c = mean_finite(cost[i]), e = mean_finite(days[i]);
    if (e > 0 && c > 0) top = std::max(top, 1.5 * c / e);
  }
  const double k = std::pow(10.0, std::floor(std::log10(top)));
  double nice = 10 * k;
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (m * k >= top) {
      nice = m * k;
      break;
    }
  std::vector<double> g(points);
  for (std::size_t i = 0; i < points; ++i)
    g[i] = points > 1 ? nice * static_cast<double>(i) / static_cast<double>(points - 1) : 0.0;
  return g;
}

void write_uncertainty(sim::h5::Writer& w, const models::Experiment& ex, const models::Setting& setting,
                       const models::ExperimentResults& res) {
  const models::UncertaintyDesign& d = ex.uncertainty;
  if (d.empty()) return;
  std::map<std::string, const models::ScenarioResults*> by_name;
  for (const auto& sc : res.scenarios) by_name[sc.name] = &sc;
  std::size_t base = 0;
  for (std::size_t s = 0; s < d.options.size(); ++s)
    if (d.options[s] == ex.baseline) base = s;
  const std::size_t N = d.draws.size(), S = d.options.size(), P = d.parameters.size();
  const std::size_t R = static_cast<std::size_t>(ex.replicates);
  const CompareContext ctx{static_cast<double>(setting.gp_count()), ex.horizon_weeks - ex.warmup_weeks};
  const double per_year = ctx.measured_weeks > 0 ? 52.0 / ctx.measured_weeks : kNaN;

  // mean[s][metric][k], reps[s][metric][k * R + r]
  std::vector<std::vector<std::vector<double>>> mean(S, std::vector<std::vector<double>>(3, std::vector<double>(N, kNaN)));
  std::vector<std::vector<std::vector<double>>> reps(S, std::vector<std::vector<double>>(3, std::vector<double>(N * R, kNaN)));
  for (std::size_t k = 0; k < N; ++k) {
    for (std::size_t s = 0; s < S; ++s) {
      const auto it = by_name.find(d.scenarios[k][s]);
      if (it == by_name.end()) continue;
      w.set_attribute("/scenarios/" + it->first, "uncertainty_draw", static_cast<std::int64_t>(k));
      w.set_attribute("/scenarios/" + it->first, "option", d.options[s]);
    }
    const auto bi = by_name.find(d.scenarios[k][base]);
    if (bi == by_name.end() || bi->second->replicates.empty()) continue;
    const auto base_table = summary_table(*bi->second, ex);
    for (std::size_t s = 0; s < S; ++s) {
      const auto it = by_name.find(d.scenarios[k][s]);
      if (it == by_name.end() || it->second->replicates.empty()) continue;
      const auto table = summary_table(*it->second, ex);
      const Diffs m = diffs_of(compare_tables(it->first, table, bi->first, base_table, ctx), per_year);
      mean[s][0][k] = m.cost, mean[s][1][k] = m.hours, mean[s][2][k] = m.days;
      // Replicate by replicate: the same definitions on one pair at a time.
      const auto* rep_col = table.find("replicate");
      const auto* base_rep = base_table.find("replicate");
      for (std::size_t r = 0; r < table.rows() && rep_col; ++r) {
        const auto rep = static_cast<std::size_t>(rep_col->values[r]);
        if (rep >= R) continue;
        for (std::size_t b = 0; b < base_table.rows() && base_rep; ++b) {
          if (static_cast<std::size_t>(base_rep->values[b]) != rep) continue;
          const Diffs x = diffs_of(compare_tables(it->first, row_of(table, r), bi->first, row_of(base_table, b), ctx),
                                   per_year);
          reps[s][0][k * R + rep] = x.cost, reps[s][1][k * R + rep] = x.hours, reps[s][2][k * R + rep] = x.days;
        }
      }
    }
  }

  const char* metrics[3] = {kCostPerYear, kGpHoursFreed, kUnmetDaysAverted};
  const char* units[3] = {"EUR/year", "h/year", "need-days/year"};
  const std::string g = "/uncertainty";
  w.create_group(g);
  const bool calibrated = !d.calibration.empty();
  const bool priors = d.parameters.size() > d.calibrated.size();
  w.set_attribute(g, "covers", std::string(!calibrated ? "parameters + Monte-Carlo"
                                           : priors    ? "parameters (calibrated posterior + priors) + Monte-Carlo"
                                                       : "parameters (calibrated posterior) + Monte-Carlo"));
  const std::string lhs = "Latin hypercube over the prior ranges (uniform, or uniform in log)";
  const std::string rows = std::string("the calibration's accepted sets, whole rows, chosen from the seed ") +
                           (N <= d.calibration_accepted ? "without replacement" : "with replacement") + " (" +
                           std::to_string(d.calibration_accepted) + " accepted)";
  w.set_attribute(g, "method", !calibrated ? lhs : priors ? rows + "; " + lhs + ", independently" : rows);
  if (calibrated) {
    char hash[24];
    std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(d.calibration_hash));
    w.set_attribute(g, "calibration_file", d.calibration);
    w.set_attribute(g, "calibration_name", d.calibration_name);
    w.set_attribute(g, "calibration_hash", std::string("fnv1a64:") + hash);
    w.set_attribute(g, "calibrated_parameters", d.calibrated);
    std::vector<double> taken(d.calibration_rows.begin(), d.calibration_rows.end());
    w.write_matrix(g + "/calibration_rows", N, 1, taken, "row of /calibration/accepted in the calibration file");
  }
  w.set_attribute(g, "draws", static_cast<std::int64_t>(N));
  w.set_attribute(g, "replicates", static_cast<std::int64_t>(R));
  w.set_attribute(g, "seed", static_cast<std::int64_t>(d.seed));
  w.set_attribute(g, "baseline", ex.baseline);
  w.set_attribute(g, "metrics", std::vector<std::string>(metrics, metrics + 3));
  w.set_attribute(g, "metric_units", std::vector<std::string>(units, units + 3));
  w.write_strings(g + "/parameters", d.parameters);
  w.set_attribute(g + "/parameters", "units", std::string("name"));
  w.write_strings(g + "/transforms", d.transforms);
  w.set_attribute(g + "/transforms", "units", std::string("linear | log | calibrated"));
  w.write_strings(g + "/options", d.options);
  w.set_attribute(g + "/options", "units", std::string("scenario name"));
  std::vector<double> ranges, draws;
  for (const auto& [lo, hi] : d.ranges) ranges.push_back(lo), ranges.push_back(hi);
  for (const auto& row : d.draws) draws.insert(draws.end(), row.begin(), row.end());
  w.write_matrix(g + "/ranges", P, 2, ranges, "parameter units");
  w.write_matrix(g + "/draws", N, P, draws, "parameter units");
  for (std::size_t s = 0; s < S; ++s) {
    const std::string og = g + "/option/" + d.options[s];
    for (std::size_t m = 0; m < 3; ++m) {
      w.write_matrix(og + "/diff/" + metrics[m], N, 1, mean[s][m], units[m]);
      w.write_matrix(og + "/replicates/" + metrics[m], N, R, reps[s][m], units[m]);
    }
    w.set_attribute(og, "baseline", ex.baseline);
  }
  // The acceptability curve over the options but the baseline, then put in
  // the order of /uncertainty/options.
  std::vector<std::vector<double>> cost, days;
  std::vector<std::size_t> others;
  for (std::size_t s = 0; s < S; ++s)
    if (s != base) others.push_back(s), cost.push_back(mean[s][0]), days.push_back(mean[s][2]);
  const auto wtp = wtp_grid(cost, days);
  const auto curve = acceptability(cost, days, wtp);
  std::vector<double> flat(wtp.size() * S, kNaN);
  for (std::size_t i = 0; i < wtp.size(); ++i) {
    flat[i * S + base] = curve[i][0];
    for (std::size_t j = 0; j < others.size(); ++j) flat[i * S + others[j]] = curve[i][j + 1];
  }
  w.write_matrix(g + "/wtp", wtp.size(), 1, wtp, "EUR/need-day");
  w.write_matrix(g + "/ceac", wtp.size(), S, flat, "probability");
  w.set_attribute(g + "/ceac", "options", d.options);
}

}  // namespace analysis
