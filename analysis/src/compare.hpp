// Paired comparisons of each scenario against the baseline (MODEL.md §7).
// Replicate k of every scenario shares seed k (common random numbers), so
// the difference scenario − baseline is taken replicate by replicate and its
// mean gets a Student-t 95 % CI: far narrower than comparing two means.
//
// Layout written to the results file (documented in analysis/README.md):
//   /comparisons                  group, attrs baseline, metrics (all rows)
//   /comparisons/<scenario>       compound table, one row per metric, fields
//       metric_index, baseline_mean, scenario_mean, mean_diff, ci_low,
//       ci_high, rel_pct, n; attrs metrics (row names), metric_units.
// The baseline itself has no /comparisons entry.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/hdf5_file.hpp"

namespace models {
struct Experiment;
struct Setting;
struct ExperimentResults;
struct ScenarioResults;
}  // namespace models

namespace analysis {

using models::Experiment;
using models::ExperimentResults;
using models::Setting;

struct MetricComparison {
  std::string metric;
  std::string units;
  double baseline_mean = 0;  // over the paired replicates
  double scenario_mean = 0;
  double mean_diff = 0;      // scenario − baseline
  double ci_low = 0, ci_high = 0;  // 95 % CI of mean_diff (NaN with n < 2)
  double rel_pct = 0;        // 100 × mean_diff / baseline_mean (NaN if baseline_mean == 0)
  std::size_t n = 0;         // pairs with both values present
};

struct ScenarioComparison {
  std::string scenario;
  std::string baseline;
  std::vector<MetricComparison> metrics;
  bool sweep_point = false;  // a scenario made by [sweep] or [uncertainty] (not shown by default)
  const MetricComparison* find(const std::string& metric) const;
};

// What the derived (per-year, per-GP) rows need to know about the run.
struct CompareContext {
  double gps = 0;             // GPs on the territory
  double measured_weeks = 0;  // horizon − warm-up
};

// Names of the derived rows appended after the summary fields.
inline constexpr const char* kGpHoursFreed = "gp_hours_freed_per_year";
inline constexpr const char* kUnmetDaysAverted = "unmet_need_days_averted";
inline constexpr const char* kCostPerGpHour = "cost_per_gp_hour_freed";
inline constexpr const char* kCostPerUnmetDay = "cost_per_unmet_need_day_averted";

// Pairs rows by their "replicate" column (row order when absent); replicates
// missing on either side are dropped, NaN values are dropped metric by metric.
// Compares every numeric field but replicate, seed and wall_seconds, then adds
//   gp_hours_freed_per_year   = −Δ gp_social_minutes_per_gp_week × gps × 52 / 60
//   unmet_need_days_averted   = −Δ unmet_need_days × 52 / measured_weeks (per year)
//   cost_per_gp_hour_freed    = Δ cost_eur per year / hours freed per year
//   cost_per_unmet_need_day_averted = Δ cost_eur per year / days averted per year
// The two cost ratios are ratios of mean differences (no CI) and NaN when the
// denominator is ≤ 0: a cost per unit "freed" means nothing when nothing is.
ScenarioComparison compare_tables(const std::string& scenario, const sim::h5::Table& scen,
                                  const std::string& baseline, const sim::h5::Table& base,
                                  const CompareContext& ctx);

// A scenario's summary as the results file's table (one row per replicate).
sim::h5::Table summary_table(const models::ScenarioResults& sc, const Experiment& ex);

// Every scenario but the baseline of a results file, read from the summary
// tables (so any scenario can serve as baseline; "" means the file's own).
std::vector<ScenarioComparison> compare_file(const std::filesystem::path& results, std::string baseline = "");

// Writes /comparisons (hand-written scenarios and sweep points; not the
// [uncertainty] draws: /uncertainty, uncertainty.hpp) and, when the
// experiment has a sweep, /sensitivity.
// Called by write_results before commit.
void write_analysis(sim::h5::Writer& w, const Experiment& ex, const Setting& setting, const ExperimentResults& res);
void write_comparisons(sim::h5::Writer& w, const std::vector<ScenarioComparison>& comps);

// `passerelle compare`: text for a terminal (key metrics of the named
// scenarios, or every metric of every scenario) or JSON (everything).
std::string comparison_text(const std::vector<ScenarioComparison>& comps, bool all_metrics);
// JSON intervals are "ci_low"/"ci_high", as the Python data frames (renamed
// from "ci95_low"/"ci95_high"); `decision` (decision_table.hpp) adds the
// decision table under "decision".
struct DecisionTable;
std::string comparison_json(const std::vector<ScenarioComparison>& comps, const DecisionTable* decision = nullptr);

}  // namespace analysis
