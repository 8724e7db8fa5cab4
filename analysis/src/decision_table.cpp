#include "analysis/src/decision_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

#include "analysis/src/json_text.hpp"
#include "analysis/src/summary.hpp"
#include "analysis/src/text_table.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace analysis {
namespace {

const double kNaN = std::nan("");
// Resamples of the bootstrap and its seed: a statistical setting (the
// interval's own Monte-Carlo error is ~1 % of its width at 2000), not a
// model assumption; fixed so that the same file prints the same table.
constexpr std::size_t kResamples = 2000;
constexpr std::uint64_t kBootstrapSeed = 0x5EED14;

Estimate estimate(const std::vector<double>& v) {
  const auto ci = sim::mean_ci(v);
  return {ci.mean, ci.mean - ci.half_width, ci.mean + ci.half_width};
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? kNaN : s / static_cast<double>(v.size());
}

CostRatio cost_ratio(const std::vector<double>& cost, const std::vector<double>& effect, const Estimate& e,
                     std::uint64_t seed) {
  if (e.clear() && e.ci_high < 0) return {kWorse, {kNaN, kNaN, kNaN}};
  if (!e.clear()) return {kNoClearEffect, {kNaN, kNaN, kNaN}};
  auto r = bootstrap_ratio(cost, effect, kResamples, seed);
  r.mean = mean_of(cost) / mean_of(effect);
  return {"value", r};
}

// Paired per-replicate values of some fields: replicates on both sides, a
// replicate dropped when any of the fields is NaN on either side, so that
// every vector has the same pairs. A field missing from either table gives
// zeros (its difference is then 0 and `missing` names it).
std::map<std::string, std::vector<double>> paired(const sim::h5::Table& scen, const sim::h5::Table& base,
                                                  const std::vector<std::string>& fields,
                                                  std::vector<std::string>& missing) {
  auto by_rep = [](const sim::h5::Table& t) {
    std::map<long long, std::size_t> m;
    const auto* rep = t.find("replicate");
    for (std::size_t i = 0; i < t.rows(); ++i)
      m[rep ? static_cast<long long>(rep->values[i]) : static_cast<long long>(i)] = i;
    return m;
  };
  const auto b_rows = by_rep(base);
  std::map<std::string, std::vector<double>> out;
  for (const auto& f : fields) {
    out[f];
    if (!scen.find(f) || !base.find(f)) missing.push_back(f);
  }
  for (const auto& [rep, si] : by_rep(scen)) {
    const auto it = b_rows.find(rep);
    if (it == b_rows.end()) continue;
    std::vector<double> d;
    for (const auto& f : fields) {
      const auto *cs = scen.find(f), *cb = base.find(f);
      d.push_back(cs && cb ? cs->values[si] - cb->values[it->second] : 0.0);
    }
    if (std::any_of(d.begin(), d.end(), [](double x) { return std::isnan(x); })) continue;
    for (std::size_t k = 0; k < fields.size(); ++k) out[fields[k]].push_back(d[k]);
  }
  return out;
}

std::vector<double> combine(const std::vector<double>& a, double ka, const std::vector<double>& b, double kb) {
  std::vector<double> v(a.size());
  for (std::size_t i = 0; i < a.size(); ++i) v[i] = ka * a[i] + kb * (i < b.size() ? b[i] : 0.0);
  return v;
}

std::string num(double v) { return format_number(v); }

// "mean [low, high]"; the mean alone where there is no spread (a fixed cost;
// rounding noise of identical runs), as report.ci_text.
std::string with_ci(const Estimate& e) {
  const double scale = std::max({1.0, std::fabs(e.ci_low), std::fabs(e.ci_high)});
  if (std::isnan(e.ci_low) || std::isnan(e.ci_high) || e.ci_high - e.ci_low <= 1e-9 * scale) return num(e.mean);
  return num(e.mean) + " [" + num(e.ci_low) + ", " + num(e.ci_high) + "]";
}

std::string ratio_text(const CostRatio& r) { return r.status == "value" ? with_ci(r.value) : r.status; }

}  // namespace

bool Estimate::clear() const {
  return std::isfinite(ci_low) && std::isfinite(ci_high) && (ci_low > 0 || ci_high < 0);
}

double discounted_years(double rate, double horizon_years) {
  double total = 0;
  for (int t = 0; t < horizon_years; ++t)
    total += std::min(1.0, horizon_years - t) * std::pow(1.0 + rate, -static_cast<double>(t));
  return total;
}

Estimate bootstrap_ratio(const std::vector<double>& num, const std::vector<double>& den, std::size_t resamples,
                         std::uint64_t seed) {
  const std::size_t n = std::min(num.size(), den.size());
  if (n < 2 || resamples == 0) return {kNaN, kNaN, kNaN};
  sim::Stream rng(seed);
  std::vector<double> r;
  r.reserve(resamples);
  for (std::size_t b = 0; b < resamples; ++b) {
    double sn = 0, sd = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto k = rng.below(n);
      sn += num[k], sd += den[k];
    }
    // A resample whose effect is 0 has an unbounded ratio: +-inf sorts to the ends.
    r.push_back(sd != 0 ? sn / sd : (sn >= 0 ? INFINITY : -INFINITY));
  }
  std::sort(r.begin(), r.end());
  auto pct = [&](double p) {  // linear interpolation between order statistics (numpy's default)
    const double h = p * static_cast<double>(r.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const auto hi = std::min(lo + 1, r.size() - 1);
    return r[lo] == r[hi] ? r[lo] : r[lo] + (h - static_cast<double>(lo)) * (r[hi] - r[lo]);
  };
  return {mean_of(num) / mean_of(den), pct(0.025), pct(0.975)};
}

void read_economics(const sim::h5::Reader& r, DecisionTable& t) {
  t.economics_sources.clear();
  for (const auto& f : models::economic_fields()) {
    const std::string key = std::string("economics.") + f.key;
    if (r.has_attribute("/", key)) t.economics.*f.member = r.attribute_double("/", key);
    t.economics_sources.push_back(r.has_attribute("/", key + ".source") ? r.attribute_string("/", key + ".source")
                                                                        : std::string("default: ") + f.source);
  }
}

void write_economics(sim::h5::Writer& w, const models::EconomicParams& e) {
  for (const auto& f : models::economic_fields()) {
    const std::string key = std::string("economics.") + f.key;
    const bool own = std::find(e.set_in_file.begin(), e.set_in_file.end(), f.key) != e.set_in_file.end();
    const bool option = std::find(e.set_by_option.begin(), e.set_by_option.end(), f.key) != e.set_by_option.end();
    w.set_attribute("/", key, e.*f.member);
    w.set_attribute("/", key + ".source", option ? std::string("--set economics.") + f.key
                                          : own  ? std::string("experiment file ([economics])")
                                                 : std::string(f.source));
  }
}

DecisionTable decision_table(const std::filesystem::path& results, std::string baseline) {
  sim::h5::Reader r(results);
  require_results_file(r, results);
  DecisionTable t;
  const auto names = r.attribute_strings("/", "scenarios");
  if (names.empty()) throw sim::InputError(results.string(), 0, 0, "the file lists no scenarios");
  if (baseline.empty()) baseline = r.has_attribute("/", "baseline") ? r.attribute_string("/", "baseline") : names.front();
  t.baseline = baseline;
  read_economics(r, t);
  t.file_has_uncertainty = r.exists("/uncertainty");
  double measured_weeks = 0, gps = 0;
  if (r.has_attribute("/", "horizon_weeks") && r.has_attribute("/", "warmup_weeks"))
    measured_weeks = r.attribute_double("/", "horizon_weeks") - r.attribute_double("/", "warmup_weeks");
  const auto base = r.read_table("/scenarios/" + baseline + "/summary");
  if (r.exists("/territory") && r.has_attribute("/territory", "gps")) gps = r.attribute_double("/territory", "gps");
  else if (const auto* g = base.find("gps")) gps = mean_of(g->values);
  const double per_year = measured_weeks > 0 ? 52.0 / measured_weeks : kNaN;
  t.horizon_years = t.economics.horizon_years > 0 ? t.economics.horizon_years : measured_weeks / 52.0;
  t.discount_factor = discounted_years(t.economics.discount_rate, t.horizon_years);
  const auto& e = t.economics;

  std::uint64_t seed = kBootstrapSeed;
  for (const auto& n : names) {
    const std::string g = "/scenarios/" + n;
    if (n == baseline || r.has_attribute(g, "sweep_index") || r.has_attribute(g, "uncertainty_draw")) continue;
    std::vector<std::string> missing;
    auto p = paired(r.read_table(g + "/summary"), base,
                    {"cost_eur", "gp_social_minutes_per_gp_week", "unmet_need_days", "worker_minutes"}, missing);
    OptionDecision o;
    o.name = n;
    o.n = p["cost_eur"].size();
    const auto cost = combine(p["cost_eur"], per_year, {}, 0);
    const auto hours = combine(p["gp_social_minutes_per_gp_week"], -gps * 52.0 / 60.0, {}, 0);
    const auto days = combine(p["unmet_need_days"], -per_year, {}, 0);
    const auto worker = combine(p["worker_minutes"], -per_year / 60.0, {}, 0);
    const auto time_value = combine(hours, e.gp_hour_value_eur, worker, e.worker_hour_value_eur);
    const auto net = combine(cost, 1.0, time_value, -1.0);
    const auto nmb = combine(combine(hours, e.wtp_per_gp_hour_eur, days, e.wtp_per_need_day_eur), 1.0, cost, -1.0);
    o.cost_per_year = estimate(cost);
    o.net_cost_per_year = estimate(net);
    o.gp_hours_freed = estimate(hours);
    o.worker_hours_freed = estimate(worker);
    o.days_averted = estimate(days);
    o.nmb_per_year = estimate(nmb);
    o.cost_per_gp_hour = cost_ratio(cost, hours, o.gp_hours_freed, seed++);
    o.cost_per_need_day = cost_ratio(cost, days, o.days_averted, seed++);
    const double k = t.discount_factor;
    o.cost_horizon = o.cost_per_year.mean * k;
    o.net_cost_horizon = o.net_cost_per_year.mean * k;
    o.gp_hours_horizon = o.gp_hours_freed.mean * k;
    o.days_horizon = o.days_averted.mean * k;
    o.nmb_horizon = o.nmb_per_year.mean * k;
    t.options.push_back(std::move(o));
  }
  // Dominance, as decision.py: dearer than the baseline without a clear gain
  // on either effect; or dearer than another option and no better on either
  // mean effect.
  for (auto& o : t.options) {
    if (!std::isfinite(o.cost_per_year.mean)) continue;
    if (o.cost_per_year.mean > 0 && !(o.gp_hours_freed.clear() && o.gp_hours_freed.mean > 0) &&
        !(o.days_averted.clear() && o.days_averted.mean > 0)) {
      o.dominated_by = baseline;
      continue;
    }
    for (const auto& q : t.options)
      if (&q != &o && q.cost_per_year.mean < o.cost_per_year.mean &&
          q.gp_hours_freed.mean >= o.gp_hours_freed.mean && q.days_averted.mean >= o.days_averted.mean) {
        o.dominated_by = q.name;
        break;
      }
  }
  return t;
}

std::string decision_text(const DecisionTable& t) {
  std::ostringstream out;
  if (t.options.empty()) return "";
  const auto& e = t.economics;
  out << "Decision: each option against the baseline '" << printable(t.baseline)
      << "', per year, whole territory (mean [95 % interval, " << t.covers << " only])\n";
  std::vector<std::vector<std::string>> rows = {{"option", "cost EUR/yr", "net cost EUR/yr", "GP h freed/yr",
                                                 "need-days averted/yr", "EUR per GP h", "EUR per need-day",
                                                 "NMB EUR/yr", "dominated by"}};
  for (const auto& o : t.options)
    rows.push_back({printable(o.name), with_ci(o.cost_per_year), with_ci(o.net_cost_per_year),
                    with_ci(o.gp_hours_freed), with_ci(o.days_averted), ratio_text(o.cost_per_gp_hour),
                    ratio_text(o.cost_per_need_day), with_ci(o.nmb_per_year),
                    o.dominated_by.empty() ? "-" : printable(o.dominated_by)});
  print_table(out, rows);
  const OptionDecision* best = nullptr;
  for (const auto& o : t.options)
    if (!best || o.nmb_per_year.mean > best->nmb_per_year.mean) best = &o;
  out << "\nOver " << num(t.horizon_years) << " years discounted at " << num(100 * e.discount_rate)
      << " %/year (costs and effects alike; " << num(t.discount_factor) << " discounted years):\n";
  std::vector<std::vector<std::string>> h = {{"option", "cost EUR", "net cost EUR", "GP h freed", "need-days averted",
                                              "NMB EUR"}};
  for (const auto& o : t.options)
    h.push_back({printable(o.name), num(o.cost_horizon), num(o.net_cost_horizon), num(o.gp_hours_horizon),
                 num(o.days_horizon), num(o.nmb_horizon)});
  print_table(out, h);
  out << "\nHighest expected NMB: "
      << (best && best->nmb_per_year.mean > 0 ? printable(best->name) : printable(t.baseline) + " (none above 0)")
      << ".\nNet cost = cost - GP hours freed x " << num(e.gp_hour_value_eur) << " EUR/h - social-worker hours freed x "
      << num(e.worker_hour_value_eur) << " EUR/h.\nNMB (net monetary benefit) = " << num(e.wtp_per_gp_hour_eur)
      << " EUR per GP hour freed + " << num(e.wtp_per_need_day_eur) << " EUR per need-day averted - cost.\n"
      << "Costs per unit: mean cost / mean effect, bootstrap percentile interval over the paired replicates;\n'"
      << kNoClearEffect << "' where the effect's interval spans zero. Assumptions: [economics] (experiments/README.md).\n";
  if (t.file_has_uncertainty)
    out << "This file has parameter draws ([uncertainty]): the report's intervals cover parameters + Monte-Carlo.\n";
  return out.str();
}

}  // namespace analysis
