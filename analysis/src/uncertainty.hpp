// Probabilistic sensitivity analysis (issue 14): the results of an
// experiment's [uncertainty] draws (the design is models/sweep.hpp,
// expand_uncertainty). For every draw k and option s, the paired differences
// of s@d<k> against baseline@d<k> — the same parameters, the same seeds —
// with compare.cpp's definitions; then the probability that each option has
// the highest net monetary benefit, over the draws.
//
// Layout written to the results file (documented in analysis/README.md):
//   /uncertainty                         attrs covers = "parameters + Monte-Carlo" (with a
//                                        calibration: "parameters (calibrated posterior[ + priors]) + Monte-Carlo"),
//                                        draws, replicates, seed, baseline, method; with
//                                        [uncertainty] calibration: calibration_file,
//                                        calibration_name, calibration_hash ("fnv1a64:<hex>"
//                                        of its bytes), calibrated_parameters (strings)
//   /uncertainty/calibration_rows        N x 1, with a calibration: the accepted set each draw took
//   /uncertainty/parameters              strings, P names as written
//   /uncertainty/transforms              strings, "linear", "log" or "calibrated" per parameter
//   /uncertainty/ranges                  P x 2 (min, max), parameter units (calibrated: the
//                                        accepted sets' extent)
//   /uncertainty/draws                   N x P, the drawn values
//   /uncertainty/options                 strings, the hand-written scenarios (baseline included)
//   /uncertainty/option/<s>/diff/<m>     N x 1: per draw, the mean over replicates of the
//                                        paired difference s − baseline (metric units)
//   /uncertainty/option/<s>/replicates/<m>  N x R: the paired differences themselves
//   /uncertainty/wtp                     W x 1, willingness to pay (EUR per need-day averted)
//   /uncertainty/ceac                    W x S: P(option has the highest NMB) over the draws;
//                                        columns as /uncertainty/options; each row sums to 1
// Metrics m: cost_eur_per_year (EUR/year), gp_hours_freed_per_year (h/year),
// unmet_need_days_averted (need-days/year). NMB = W x days averted − cost per
// year; the baseline's is 0; ties go to the first option (the baseline).
// Each draw's scenario group gets attributes uncertainty_draw (k) and option (s).
#pragma once
#include <string>
#include <vector>

#include "models/run.hpp"
#include "sim/hdf5_file.hpp"

namespace analysis {

inline constexpr const char* kCostPerYear = "cost_eur_per_year";

// P(best) per willingness to pay: result[w][s], s = 0 the baseline (NMB 0),
// s = i + 1 option i of `cost` / `days` (per draw). Draws where any option's
// value is NaN are left out; rows are all NaN when none is left.
std::vector<std::vector<double>> acceptability(const std::vector<std::vector<double>>& cost,
                                               const std::vector<std::vector<double>>& days,
                                               const std::vector<double>& wtp);
// 0 to a little beyond the largest mean cost per need-day averted (at least
// 100), rounded up to 1, 2 or 5 times a power of ten (as economics.py).
std::vector<double> wtp_grid(const std::vector<std::vector<double>>& cost,
                             const std::vector<std::vector<double>>& days, std::size_t points = 41);

// Writes /uncertainty when the experiment has an uncertainty analysis.
void write_uncertainty(sim::h5::Writer& w, const models::Experiment& ex, const models::Setting& setting,
                       const models::ExperimentResults& res);

}  // namespace analysis
