// `passerelle export OUT.h5 --csv DIR`: every table of a results file as
// tidy CSV (RFC 4180: comma-separated, fields with a comma, quote or line
// break quoted, quotes doubled; "\n" line ends; UTF-8; an undefined value
// is an empty field). The files, all with a header row:
//   runs.csv            one row per run: scenario, replicate, seed,
//                       sweep_index and one column per swept parameter
//                       (empty outside the sweep); with an [uncertainty],
//                       uncertainty_draw, option and one column per drawn
//                       parameter (empty for the hand-written scenarios);
//                       then every summary field
//   summary.csv         long: scenario, replicate, metric, value
//   scenario_summary.csv  scenario, metric, mean, ci_low, ci_high, n, unit
//                       (over replicates: the table `passerelle info` prints)
//   weekly.csv          long: scenario, replicate, week, metric, value
//   breakdowns.csv      long: scenario, breakdown, metric, replicate, category, value
//   parameters.csv      scenario, name, value, unit, source (effective values)
//   localities.csv      the territory: locality, name, population, rurality, sector, precarity, x_km, y_km
//   comparisons.csv     scenario, baseline, metric, baseline_mean, scenario_mean, mean_diff, ci_low, ci_high, rel_pct, n, unit
//   sensitivity.csv     metric, parameter, prcc (with a [sweep])
//   sweep_points.csv    sweep_index, scenario, one column per swept parameter (with a [sweep])
//   calibration.csv     one row per calibration target (when present)
//   units.csv           file, column (or metric), unit: the unit of every value above
// Files are written under a temporary name and renamed; none is replaced
// unless `force`.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace analysis {

// One CSV field, quoted when needed.
std::string csv_field(const std::string& s);

// Writes the files into `dir` (created if missing) and returns their names.
// Throws sim::InputError when `results` is not a results file or a file
// would be replaced without `force`.
std::vector<std::string> export_csv(const std::filesystem::path& results, const std::filesystem::path& dir,
                                    bool force);

}  // namespace analysis
