// Parameter sweeps (MODEL.md §7): a grid, a Latin hypercube, a Sobol'
// pick-freeze design or Morris trajectories over numeric model or
// intervention parameters, each point run as a scenario derived from
// the baseline (or the scenario named by `from`). The sensitivity of the
// metrics to the swept parameters is analysis/src/sensitivity.hpp.
//
// Experiment file:
//   [sweep]
//   method = "lhs"            # or "grid", "sobol", "morris"
//   samples = 20              # lhs: points, >= 2; sobol: base samples N, >= 2
//   seed = 5                  # lhs, sobol, morris; default: experiment.seed as written
//   trajectories = 10         # morris only, >= 2 (default 10)
//   levels = 4                # morris only, even, >= 2 (default 4)
//   from = "coordinator"      # the scenario the points derive from; default: the baseline
//   [sweep.parameters]
//   "gp.knows_well_share" = [0.05, 0.5]                 # lhs: [min, max]
//   "needs.onset_rate.housing" = { min = 0.01, max = 0.03 }
//   "coordinator.meeting_minutes" = [10, 90]          # <type>.<key>: every intervention of
//                                                     # that type in the `from` scenario
// With method = "grid" an array lists the values, or {values = [...]} or
// {min, max, steps} spaces `steps` values evenly; the grid is their product
// (first parameter slowest).
// method = "sobol" (global sensitivity, Sobol' indices): the pick-freeze
// design of Saltelli (2002) with N base samples, N x (d + 2) points in the
// order OpenTURNS' SobolIndicesExperiment uses: A (N rows), B (N rows), then
// for each parameter i, A with column i taken from B. A and B are one Latin
// hypercube in 2d dimensions, split in halves (independent columns).
// method = "morris" (screening, elementary effects): `trajectories` one-at-a-
// time paths of d + 1 points on a grid of `levels` values per parameter, each
// step moving one parameter by delta = levels / (2 (levels - 1)) of its range
// (Morris 1991; Campolongo et al. 2007). Both take [min, max] ranges, like lhs;
// the indices are computed by analysis/passerelle_analysis/sensitivity.py.
//
#pragma once
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace models {

struct ScenarioSpec;
struct Experiment;

struct SweepDesign {
  std::string method;                       // "grid", "lhs", "sobol" or "morris"; empty: no sweep
  std::uint64_t seed = 0;                   // the LHS / Sobol / Morris stream's seed
  std::vector<double> lower, upper;         // each parameter's range (grid: its smallest and largest value)
  std::size_t base_samples = 0;             // sobol: N
  std::size_t trajectories = 0, levels = 0; // morris
  std::vector<std::string> parameters;      // "name" or "name.label"
  std::vector<std::vector<double>> points;  // one row per point, aligned with parameters
  std::vector<std::string> scenarios;       // the scenario of each point
  bool empty() const { return points.empty(); }
};

// Parses the [sweep] node and appends one scenario per point to `scenarios`,
// each a copy of `base` with the point's values set. Throws sim::InputError
// with the file, line and column of the offending entry.
SweepDesign expand_sweep(const toml::node& sweep, const std::string& file, const ScenarioSpec& base,
                         std::uint64_t default_seed, std::vector<ScenarioSpec>& scenarios);

// Probabilistic sensitivity analysis (issue 14): prior ranges over the same
// parameters a sweep takes, N Latin-hypercube draws, and for every draw k and
// every hand-written scenario s a scenario "s@d<k>" with the draw's values
// set (a `<type>.<key>` only in the scenarios that have that intervention).
// Replicate r of every scenario uses seed r, so the options are paired draw
// by draw and replicate by replicate. Results: analysis/src/uncertainty.hpp.
//   [uncertainty]
//   draws = 50                 # >= 2
//   seed = 7                   # default: experiment.seed as written
//   [uncertainty.parameters]
//   "gp.knows_well_share" = [0.05, 0.3]                       # uniform on [min, max]
//   "coordinator.meeting_minutes" = { min = 15, max = 90, transform = "log" }  # uniform in log
// With `calibration = "CAL.h5"` (a `passerelle calibrate` results file,
// relative to the experiment file; models/calibration_sets.hpp) the
// parameters it fitted are drawn from its accepted sets: draw k takes whole
// accepted row calibration_rows[k] (chosen from `seed`: without replacement
// when draws <= accepted sets, else with replacement), so the posterior's
// correlations are kept; the [uncertainty.parameters] ranges, then optional,
// are drawn by the Latin hypercube as above, independently. A parameter both
// fitted and given a range is refused (exit 2), not silently overridden.
struct UncertaintyDesign {
  std::uint64_t seed = 0;
  std::vector<std::string> parameters;            // the calibrated ones (file order), then the ranges as written
  std::vector<std::string> transforms;            // "calibrated", "linear" or "log", per parameter
  std::vector<std::pair<double, double>> ranges;  // [min, max] per parameter (calibrated: the accepted sets' extent)
  std::string calibration;                        // the calibration file as opened; "" without one
  std::string calibration_name;                   // its /calibration attribute `name`
  std::uint64_t calibration_hash = 0;             // FNV-1a 64 of its bytes
  std::vector<std::string> calibrated;            // the parameters drawn from it (the first ones)
  std::size_t calibration_accepted = 0;           // its number of accepted sets
  std::vector<std::size_t> calibration_rows;      // per draw, the accepted set (row of /calibration/accepted) taken
  std::vector<std::vector<double>> draws;         // N rows, aligned with parameters
  std::vector<std::string> options;               // the hand-written scenarios, in file order
  std::vector<std::vector<std::string>> scenarios;  // [draw][option]: its scenario's name
  bool empty() const { return draws.empty(); }
};

// Parses [uncertainty] and appends draws x options scenarios (draw slowest)
// to `scenarios`, whose current entries are the options. Throws
// sim::InputError with the file, line and column of the offending entry.
UncertaintyDesign expand_uncertainty(const toml::node& node, const std::string& file, std::uint64_t default_seed,
                                     std::vector<ScenarioSpec>& scenarios);
// The name of option `option`'s scenario in draw k.
std::string draw_scenario_name(const std::string& option, std::size_t k);

// The product of the value lists, first list slowest.
// Sets `key` to `value` in every intervention of `type` in scenario `sc`,
// re-parsing each from its table (errors name `file`). Whether the scenario
// has one. Sweeps and `--set` (models/overrides.hpp) both go through here.
struct InterventionType;
bool set_intervention_key(ScenarioSpec& sc, const InterventionType& type, const std::string& key,
                          const toml::node& value, const std::string& file);

std::vector<std::vector<double>> grid_points(const std::vector<std::vector<double>>& values);
// n points in [lo, hi] per dimension: each of the n equal strata of every
// dimension holds exactly one point. Draws from a sim::Stream only.
std::vector<std::vector<double>> lhs_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                            std::size_t n, std::uint64_t seed);
// The Sobol' pick-freeze design: n x (d + 2) points (see above).
std::vector<std::vector<double>> sobol_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                              std::size_t n, std::uint64_t seed);
// Morris trajectories: r x (d + 1) points, consecutive points of a trajectory
// differing in exactly one parameter by delta of its range, every value on
// the grid lo + (hi - lo) k / (levels - 1).
std::vector<std::vector<double>> morris_points(const std::vector<double>& lo, const std::vector<double>& hi,
                                               std::size_t trajectories, std::size_t levels, std::uint64_t seed);

}  // namespace models
