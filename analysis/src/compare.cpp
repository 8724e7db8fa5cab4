#include "analysis/src/compare.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <sstream>

#include "analysis/src/decision_table.hpp"
#include "analysis/src/json_text.hpp"
#include "analysis/src/summary.hpp"
#include "models/run.hpp"
#include "analysis/src/sensitivity.hpp"
#include "analysis/src/text_table.hpp"
#include "sim/input_error.hpp"
#include "sim/stats.hpp"

namespace analysis {

using models::ScenarioResults;
using models::ScenarioSpec;
using models::summary_unit;

namespace {

const double kNaN = std::nan("");

// Identifiers and timing are not outcomes: differences of them mean nothing.
bool compared(const std::string& field) { return field != "replicate" && field != "seed" && field != "wall_seconds"; }

// Row index by replicate number (row order when there is no such column).
std::map<long long, std::size_t> rows_by_replicate(const sim::h5::Table& t) {
  std::map<long long, std::size_t> m;
  const auto* rep = t.find("replicate");
  for (std::size_t i = 0; i < t.rows(); ++i)
    m[rep ? static_cast<long long>(rep->values[i]) : static_cast<long long>(i)] = i;
  return m;
}

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return kNaN;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

MetricComparison from_differences(std::string metric, std::string units, const std::vector<double>& base,
                                  const std::vector<double>& scen, const std::vector<double>& diff,
                                  double rel_denominator) {
  MetricComparison m;
  m.metric = std::move(metric);
  m.units = std::move(units);
  const auto ci = sim::mean_ci(diff);
  m.baseline_mean = mean_of(base);
  m.scenario_mean = mean_of(scen);
  m.mean_diff = ci.mean;
  m.ci_low = ci.mean - ci.half_width;
  m.ci_high = ci.mean + ci.half_width;
  m.n = ci.n;
  m.rel_pct = rel_denominator != 0 && std::isfinite(rel_denominator) ? 100.0 * ci.mean / rel_denominator : kNaN;
  return m;
}

}  // namespace

sim::h5::Table summary_table(const ScenarioResults& sc, const Experiment& ex) {
  sim::h5::Table t;
  if (sc.replicates.empty()) return t;
  const ScenarioSpec* spec = nullptr;
  for (const auto& s : ex.scenarios)
    if (s.name == sc.name) spec = &s;
  for (const auto& [field, v] : sc.replicates.front().summary) t.add(field, false, summary_unit(field, spec));
  for (const auto& rep : sc.replicates)
    for (std::size_t c = 0; c < rep.summary.size() && c < t.columns.size(); ++c)
      t.columns[c].values.push_back(rep.summary[c].second);
  return t;
}

const MetricComparison* ScenarioComparison::find(const std::string& metric) const {
  for (const auto& m : metrics)
    if (m.metric == metric) return &m;
  return nullptr;
}

ScenarioComparison compare_tables(const std::string& scenario, const sim::h5::Table& scen,
                                  const std::string& baseline, const sim::h5::Table& base,
                                  const CompareContext& ctx) {
  ScenarioComparison out;
  out.scenario = scenario;
  out.baseline = baseline;
  // The pairs present on both sides, in replicate order.
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  const auto b_rows = rows_by_replicate(base);
  for (const auto& [rep, si] : rows_by_replicate(scen))
    if (auto it = b_rows.find(rep); it != b_rows.end()) pairs.emplace_back(it->second, si);

  // Paired values of one field, NaN pairs dropped; the diff vector also feeds
  // the derived rows, which must use the same pairs.
  auto paired = [&](const std::string& field, std::vector<double>& b, std::vector<double>& s, std::vector<double>& d) {
    b.clear(), s.clear(), d.clear();
    const auto* cb = base.find(field);
    const auto* cs = scen.find(field);
    if (!cb || !cs) return false;
    for (const auto& [bi, si] : pairs) {
      const double x = cb->values[bi], y = cs->values[si];
      if (std::isnan(x) || std::isnan(y)) continue;
      b.push_back(x), s.push_back(y), d.push_back(y - x);
    }
    return true;
  };

  std::vector<double> b, s, d;
  for (const auto& col : scen.columns) {
    if (!compared(col.name) || !paired(col.name, b, s, d)) continue;
    out.metrics.push_back(from_differences(col.name, col.units, b, s, d, mean_of(b)));
  }

  // Derived rows: per year over the territory, sign chosen so that positive is good.
  const double per_year = ctx.measured_weeks > 0 ? 52.0 / ctx.measured_weeks : kNaN;
  auto scaled = [](std::vector<double> v, double k) {
    for (double& x : v) x *= k;
    return v;
  };
  const double hours_k = -ctx.gps * 52.0 / 60.0;
  paired("gp_social_minutes_per_gp_week", b, s, d);
  auto hours = from_differences(kGpHoursFreed, "h/year", {}, {}, scaled(d, hours_k), -mean_of(scaled(b, hours_k)));
  paired("unmet_need_days", b, s, d);
  auto days = from_differences(kUnmetDaysAverted, "need-days/year", {}, {}, scaled(d, -per_year),
                               mean_of(scaled(b, per_year)));
  paired("cost_eur", b, s, d);
  const double cost_per_year = mean_of(d) * per_year;
  auto ratio = [&](const char* name, const char* units, const MetricComparison& denom) {
    MetricComparison m;
    m.metric = name;
    m.units = units;
    m.baseline_mean = m.scenario_mean = m.ci_low = m.ci_high = m.rel_pct = kNaN;
    m.mean_diff = denom.n > 0 && denom.mean_diff > 0 ? cost_per_year / denom.mean_diff : kNaN;
    m.n = std::min(denom.n, d.size());
    return m;
  };
  // The per-unit costs use the hours and days before they are moved into the list.
  auto cost_hour = ratio(kCostPerGpHour, "EUR/GP hour", hours);
  auto cost_day = ratio(kCostPerUnmetDay, "EUR/need-day", days);
  out.metrics.push_back(std::move(hours));
  out.metrics.push_back(std::move(days));
  out.metrics.push_back(std::move(cost_hour));
  out.metrics.push_back(std::move(cost_day));
  return out;
}

std::vector<ScenarioComparison> compare_file(const std::filesystem::path& results, std::string baseline) {
  sim::h5::Reader r(results);
  require_results_file(r, results);
  const auto names = r.attribute_strings("/", "scenarios");
  if (names.empty()) throw sim::InputError(results.string(), 0, 0, "the file lists no scenarios");
  if (baseline.empty())
    baseline = r.has_attribute("/", "baseline") ? r.attribute_string("/", "baseline") : names.front();
  if (std::find(names.begin(), names.end(), baseline) == names.end()) {
    std::string all;
    for (const auto& n : names) all += (all.empty() ? "" : ", ") + n;
    throw sim::InputError("", 0, 0, "--baseline: no scenario named '" + baseline + "' (scenarios: " + all + ")");
  }
  CompareContext ctx;
  if (r.has_attribute("/", "horizon_weeks") && r.has_attribute("/", "warmup_weeks"))
    ctx.measured_weeks = r.attribute_double("/", "horizon_weeks") - r.attribute_double("/", "warmup_weeks");
  const auto base = r.read_table("/scenarios/" + baseline + "/summary");
  if (r.exists("/territory") && r.has_attribute("/territory", "gps")) ctx.gps = r.attribute_double("/territory", "gps");
  else if (const auto* g = base.find("gps")) ctx.gps = mean_of(g->values);
  std::vector<ScenarioComparison> out;
  for (const auto& n : names)
    if (n != baseline) {
      out.push_back(compare_tables(n, r.read_table("/scenarios/" + n + "/summary"), baseline, base, ctx));
      out.back().sweep_point = r.has_attribute("/scenarios/" + n, "sweep_index") ||
                               r.has_attribute("/scenarios/" + n, "uncertainty_draw");
    }
  return out;
}

void write_comparisons(sim::h5::Writer& w, const std::vector<ScenarioComparison>& comps) {
  if (comps.empty()) return;
  w.create_group("/comparisons");
  w.set_attribute("/comparisons", "baseline", comps.front().baseline);
  for (const auto& c : comps) {
    sim::h5::Table t;
    t.add("metric_index", true, "index");
    for (const char* f : {"baseline_mean", "scenario_mean", "mean_diff", "ci_low", "ci_high"}) t.add(f, false, "metric units");
    t.add("rel_pct", false, "%");
    t.add("n", true, "pairs");
    std::vector<std::string> names, units;
    for (std::size_t i = 0; i < c.metrics.size(); ++i) {
      const auto& m = c.metrics[i];
      const double row[] = {static_cast<double>(i), m.baseline_mean, m.scenario_mean, m.mean_diff, m.ci_low,
                            m.ci_high, m.rel_pct, static_cast<double>(m.n)};
      for (std::size_t k = 0; k < t.columns.size(); ++k) t.columns[k].values.push_back(row[k]);
      names.push_back(m.metric);
      units.push_back(m.units);
    }
    const std::string path = "/comparisons/" + c.scenario;
    w.write_table(path, t);
    w.set_attribute(path, "metrics", names);
    w.set_attribute(path, "metric_units", units);
    w.set_attribute(path, "baseline", c.baseline);
    if (&c == &comps.front()) w.set_attribute("/comparisons", "metrics", names);
  }
}

void write_analysis(sim::h5::Writer& w, const Experiment& ex, const Setting& setting, const ExperimentResults& res) {
  const ScenarioResults* base = nullptr;
  for (const auto& sc : res.scenarios)
    if (sc.name == ex.baseline) base = &sc;
  if (base && !base->replicates.empty()) {
    CompareContext ctx{static_cast<double>(setting.gp_count()), ex.horizon_weeks - ex.warmup_weeks};
    const auto base_table = summary_table(*base, ex);
    std::vector<ScenarioComparison> comps;
    std::set<std::string> draws;  // [uncertainty] draws: paired in /uncertainty, against their own draw's baseline
    for (const auto& row : ex.uncertainty.scenarios) draws.insert(row.begin(), row.end());
    for (const auto& sc : res.scenarios)
      if (&sc != base && !sc.replicates.empty() && !draws.count(sc.name))
        comps.push_back(compare_tables(sc.name, summary_table(sc, ex), base->name, base_table, ctx));
    write_comparisons(w, comps);
  }
  write_economics(w, ex.economics);
  write_sensitivity(w, ex, res);
}

// ---- terminal and JSON output ----
namespace {

const std::vector<std::string>& key_metrics() {
  static const std::vector<std::string> m = {
      "gp_social_minutes_per_gp_week", "needs_onset", "needs_resolved", "needs_open", "needs_abandoned",
      "unmet_need_days", "unmet_share_90d", "median_days_to_resolution", "p90_days_to_resolution",
      "wrong_door_hops", "contact_attempts", "contact_failures", "consent_refusals", "secrecy_blocked",
      "collaboration_ties", "cost_eur", kGpHoursFreed, kUnmetDaysAverted, kCostPerGpHour, kCostPerUnmetDay};
  return m;
}

std::string num(double v) { return format_number(v); }


}  // namespace

std::string comparison_text(const std::vector<ScenarioComparison>& comps, bool all_metrics) {
  std::ostringstream out;
  if (comps.empty()) return "Only the baseline scenario: nothing to compare.\n";
  out << "Paired differences against the baseline '" << printable(comps.front().baseline)
      << "' (scenario - baseline, replicate by replicate; mean and 95 % CI)\n";
  std::size_t hidden = 0;
  for (const auto& c : comps) {
    if (c.sweep_point && !all_metrics) {
      ++hidden;
      continue;
    }
    out << "\n" << printable(c.scenario) << " vs " << printable(c.baseline) << "\n";
    std::vector<std::vector<std::string>> rows = {{"metric", "baseline", "scenario", "difference", "95 % CI", "rel. %", "n"}};
    auto add = [&](const MetricComparison& m) {
      // No interval where there is no spread (a fixed cost): "[339692, 339692]" says nothing.
      const bool spread = !std::isnan(m.ci_low) && m.ci_low != m.ci_high;
      const std::string ci = spread ? "[" + num(m.ci_low) + ", " + num(m.ci_high) + "]" : "";
      const bool derived = std::isnan(m.baseline_mean) && std::isnan(m.scenario_mean);  // no level, only a change
      rows.push_back({m.metric, derived ? "" : num(m.baseline_mean), derived ? "" : num(m.scenario_mean), num(m.mean_diff), ci,
                      std::isnan(m.rel_pct) ? "" : num(m.rel_pct), std::to_string(m.n)});
    };
    if (all_metrics) {
      for (const auto& m : c.metrics) add(m);
    } else {
      for (const auto& k : key_metrics())
        if (const auto* m = c.find(k)) add(*m);
    }
    print_table(out, rows);
  }
  if (hidden) out << "\n" << hidden << " sweep points or uncertainty draws not shown (--all shows them; the report plots them).\n";
  out << "\ngp_hours_freed_per_year and unmet_need_days_averted: positive is good (baseline - scenario, per year,\n"
         "whole territory). Costs per unit are n/a when nothing is freed or averted.\n";
  return out.str();
}

namespace {
Json estimate_json(const Estimate& e) {
  return Json{{"mean", json_num(e.mean)}, {"ci_low", json_num(e.ci_low)}, {"ci_high", json_num(e.ci_high)}};
}
Json ratio_json(const CostRatio& r) {
  Json j = estimate_json(r.value);
  j["status"] = r.status;
  return j;
}

Json decision_json(const DecisionTable& t) {
  Json j;
  j["covers"] = t.covers;
  j["horizon_years"] = json_num(t.horizon_years);
  j["discounted_years"] = json_num(t.discount_factor);
  Json& econ = j["economics"] = Json::object();
  for (std::size_t i = 0; i < models::economic_fields().size(); ++i) {
    const auto& f = models::economic_fields()[i];
    econ[f.key] = Json{{"value", json_num(t.economics.*f.member)}, {"unit", f.unit},
                       {"source", i < t.economics_sources.size() ? t.economics_sources[i] : ""}};
  }
  Json& opts = j["options"] = Json::array();
  for (const auto& o : t.options)
    opts.push_back(Json{{"option", o.name},
                        {"cost_eur_per_year", estimate_json(o.cost_per_year)},
                        {"net_cost_eur_per_year", estimate_json(o.net_cost_per_year)},
                        {"gp_hours_freed_per_year", estimate_json(o.gp_hours_freed)},
                        {"worker_hours_freed_per_year", estimate_json(o.worker_hours_freed)},
                        {"unmet_need_days_averted", estimate_json(o.days_averted)},
                        {"nmb_eur_per_year", estimate_json(o.nmb_per_year)},
                        {"cost_per_gp_hour_freed", ratio_json(o.cost_per_gp_hour)},
                        {"cost_per_unmet_need_day_averted", ratio_json(o.cost_per_need_day)},
                        {"horizon", Json{{"cost_eur", json_num(o.cost_horizon)},
                                         {"net_cost_eur", json_num(o.net_cost_horizon)},
                                         {"gp_hours_freed", json_num(o.gp_hours_horizon)},
                                         {"unmet_need_days_averted", json_num(o.days_horizon)},
                                         {"nmb_eur", json_num(o.nmb_horizon)}}},
                        {"dominated_by", o.dominated_by.empty() ? Json(nullptr) : Json(o.dominated_by)},
                        {"n", o.n}});
  return j;
}
}  // namespace

std::string comparison_json(const std::vector<ScenarioComparison>& comps, const DecisionTable* decision) {
  Json j;
  j["baseline"] = comps.empty() ? Json(nullptr) : Json(comps.front().baseline);
  if (decision) j["decision"] = decision_json(*decision);
  Json& scenarios = j["scenarios"] = Json::object();
  for (const auto& c : comps) {
    Json& row = scenarios[c.scenario] = Json::object();
    for (const auto& m : c.metrics)
      row[m.metric] = Json{{"baseline_mean", json_num(m.baseline_mean)}, {"scenario_mean", json_num(m.scenario_mean)},
                           {"mean_diff", json_num(m.mean_diff)},         {"ci_low", json_num(m.ci_low)},
                           {"ci_high", json_num(m.ci_high)},           {"rel_pct", json_num(m.rel_pct)},
                           {"n", m.n},                                   {"units", m.units}};
  }
  return j.dump() + "\n";
}

}  // namespace analysis
