// The decision table `passerelle compare` prints first: one row per option
// (every hand-written scenario but the baseline) with its extra cost per
// year, the cost net of the GP and social-worker time it frees (valued in
// euros), GP hours freed and unmet need-days averted per year, the cost per
// unit of each with a bootstrap interval, the net monetary benefit, the
// discounted totals over the appraisal horizon, and whether it is dominated.
// The same rules as the report's (analysis/passerelle_analysis/decision.py,
// economics.py); here the intervals are Monte-Carlo only (replicates of the
// scenarios as written, paired under common random numbers): the report adds
// the parameter draws of an [uncertainty] analysis.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "models/economics.hpp"
#include "sim/hdf5_file.hpp"

namespace analysis {

// A mean with its 95 % interval (NaN bounds: none).
struct Estimate {
  double mean = 0, ci_low = 0, ci_high = 0;
  bool clear() const;  // the interval exists and excludes zero
};

// A cost per unit: "value" (mean and bootstrap interval), "no clear effect"
// (the denominator's interval spans zero) or "none (worse)" (clearly negative).
struct CostRatio {
  std::string status;
  Estimate value;
};

struct OptionDecision {
  std::string name;
  Estimate cost_per_year;      // EUR/year, option − baseline
  Estimate net_cost_per_year;  // cost − value of GP and worker time freed
  Estimate gp_hours_freed;     // h/year (positive is good)
  Estimate worker_hours_freed; // h/year (positive: workers spend less time)
  Estimate days_averted;       // need-days/year (positive is good)
  Estimate nmb_per_year;       // wtp_gp_hour × hours + wtp_need_day × days − cost
  CostRatio cost_per_gp_hour, cost_per_need_day;
  // Over the appraisal horizon, costs and effects discounted alike.
  double cost_horizon = 0, net_cost_horizon = 0, gp_hours_horizon = 0, days_horizon = 0, nmb_horizon = 0;
  std::string dominated_by;    // "" when not dominated
  std::size_t n = 0;           // paired replicates
};

struct DecisionTable {
  std::string baseline;
  std::string covers = "Monte-Carlo";  // what every interval covers
  models::EconomicParams economics;
  std::vector<std::string> economics_sources;  // one per economic_fields(), as in the file
  double horizon_years = 0;    // effective appraisal horizon
  double discount_factor = 0;  // discounted years in the horizon (annuity factor)
  bool file_has_uncertainty = false;
  std::vector<OptionDecision> options;
};

inline constexpr const char* kNoClearEffect = "no clear effect";
inline constexpr const char* kWorse = "none (worse)";

// Sum over the years t = 0, 1, … of the share of year t inside the horizon
// times (1 + rate)^−t: the first year is not discounted (HAS), a part year
// counts pro rata. A constant flow X per year is worth X × this over the horizon.
double discounted_years(double rate, double horizon_years);

// Percentile 95 % interval of mean(num) / mean(den) over `resamples`
// resamples of the pairs (deterministic for a seed); NaN with < 2 pairs.
Estimate bootstrap_ratio(const std::vector<double>& num, const std::vector<double>& den, std::size_t resamples,
                         std::uint64_t seed);

// Reads the economic parameters (root attributes "economics.<key>"; the
// defaults for a file written before they existed).
void read_economics(const sim::h5::Reader& r, DecisionTable& t);

DecisionTable decision_table(const std::filesystem::path& results, std::string baseline = "");
std::string decision_text(const DecisionTable& t);
// Root attributes "economics.<key>" and "economics.<key>.source".
void write_economics(sim::h5::Writer& w, const models::EconomicParams& e);

}  // namespace analysis
