// An experiment file (TOML): territory, population, horizon, replicates,
// base seed, parameter overrides and the scenarios to compare. Loading
// validates everything and throws sim::InputError (file:line:column).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/economics.hpp"
#include "models/intervention.hpp"
#include "models/parameters.hpp"
#include "models/setting.hpp"
#include "models/sweep.hpp"
#include "sim/territory_io.hpp"

namespace models {

struct ScenarioSpec {
  std::string name;
  std::string description;
  ModelParams params;  // defaults + experiment overrides + scenario overrides
  std::vector<std::shared_ptr<const Intervention>> interventions;  // applied in order
  std::vector<std::pair<int, int>> intervention_sources;  // (line, column) of each one's table, for errors
  std::vector<toml::table> intervention_tables;            // each one's table as written (sweeps re-parse them)
};

struct Experiment {
  std::string file;          // path as given
  std::string text;          // the file's full text (stored in the results)
  std::string name;
  std::string description;
  std::string territory;     // preset name, path, or "synthetic"
  double population_scale = 1.0;
  int replicates = 10;
  double horizon_weeks = 104;
  double warmup_weeks = 26;
  std::uint64_t seed = 1;
  // The fork point in weeks (0: the warm-up's end): scenarios whose
  // interventions start at or after it branch from the baseline's state there
  // (models/run.hpp ForkPlan). At most warmup_weeks.
  double fork_week = 0;
  // A state file written by `run --save-state` (models/replicate_state.hpp):
  // forkable scenarios start from it instead of simulating up to the fork
  // point. Relative to the experiment file; "" when none.
  std::string start_from;
  std::string baseline;      // name of the baseline scenario
  sim::SyntheticOptions synthetic;
  std::vector<ScenarioSpec> scenarios;
  SweepDesign sweep;         // [sweep]: its points are the scenarios named sweep-NNNN
  EconomicParams economics;  // [economics]: discounting, time values, willingness to pay
  UncertaintyDesign uncertainty;  // [uncertainty]: its draws are the scenarios named <option>@d<k>
  std::vector<std::string> overrides;  // `--set NAME=VALUE`, in order, already applied (models/overrides.hpp)
};

Experiment load_experiment(const std::string& path);
Experiment parse_experiment(const std::string& text, const std::string& file);
// The territory, GPs and services the experiment names (deterministic).
// The experiment's territory with its GPs and services; then every
// scenario's interventions are checked against it (Intervention::check), an
// error naming the experiment file and the intervention's line.
Setting build_setting(const Experiment& ex);
// Seed of replicate k: the same for every scenario (common random numbers).
std::uint64_t replicate_seed(std::uint64_t base_seed, int replicate);

}  // namespace models
