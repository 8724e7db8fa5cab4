// Calibration against the field figures of MODEL.md §8: each target names
// the summary field holding the model's figure (written by an intervention's
// report()), the field's figure and its 95 % interval. A model figure is the
// mean over replicates; it is judged against the uncertainty of the field's
// own small sample (27 GPs, 8 users, one evening), not against the model's.
//
// Layout written to the results file (read by analysis/passerelle_analysis):
//   /calibration/<target>   float64, replicates x 1: the model's figure per
//       replicate; attributes target, ci_low, ci_high (the field's value and
//       95 % interval), model (mean over replicates), model_ci_low/high
//       (Student t over replicates), units, successes, n (field sample),
//       interval (method), summary_field, scenario, territory, option,
//       description, source.
// Written only for targets measured on the experiment's territory (the
// preset it names) whose summary field some scenario reports: a figure
// measured on one territory is no target for another.
#pragma once
#include <string>
#include <vector>

#include "sim/hdf5_file.hpp"

namespace models {
struct ExperimentResults;
}  // namespace models

namespace analysis {

using models::ExperimentResults;

struct CalibrationTarget {
  std::string name;         // dataset name under /calibration
  std::string field;        // summary field with the model's figure
  std::string units;        // "share" (a proportion k / n) or "people" (a count k)
  double successes = 0;     // k
  double n = 0;             // field sample size; 0 for a count (Poisson interval)
  std::string description;
  std::string source;
  std::string territory;    // the preset of the territory it was measured on
  std::string option;       // the intervention (option) it was measured on
};

// The targets of MODEL.md §8, in report order.
const std::vector<CalibrationTarget>& calibration_targets();

struct Interval {
  double low = 0, high = 0;
};
// Wilson score 95 % interval of a proportion k / n: unlike the Wald interval
// it stays inside [0, 1] and keeps its coverage near 0 and 1 (26 of 27).
Interval wilson_interval(double k, double n);
// Exact (Garwood) 95 % interval of a Poisson count k: the means under which
// a count as low / as high as k has probability 2.5 %.
Interval poisson_interval(double k);

struct CalibrationRow {
  const CalibrationTarget* target = nullptr;
  std::string scenario;       // the first scenario reporting the field
  double value = 0;           // the field's figure (k / n, or k)
  Interval ci;                // its 95 % interval
  std::string interval;       // method, in words
  std::vector<double> values; // the model's figure per replicate (NaN where undefined)
  double model = 0;           // mean over replicates with a value
  bool inside() const { return model >= ci.low && model <= ci.high; }
};

// One row per target of `territory` (the experiment's territory: a preset
// name) that some scenario reports (the first such scenario).
std::vector<CalibrationRow> calibration_rows(const ExperimentResults& res, const std::string& territory);
// Writes /calibration (nothing when no row). Called by write_results.
void write_calibration(sim::h5::Writer& w, const ExperimentResults& res, const std::string& territory);

}  // namespace analysis
