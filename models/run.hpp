// Running an experiment (scenarios x replicates on a thread pool) and
// writing / reading its HDF5 results file (layout in CONTRACTS.md).
#pragma once
#include <atomic>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace models {

struct RunOptions {
  unsigned threads = 0;  // 0: all cores
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
};

struct ScenarioResults {
  std::string name;
  std::vector<ReplicateResult> replicates;  // index = replicate
};

struct ExperimentResults {
  std::vector<ScenarioResults> scenarios;
  std::size_t completed = 0;  // tasks finished (all of them unless stopped)
  std::size_t total = 0;
};

// Task i runs replicate i / S of scenario i % S, so an interrupted run has
// whole replicates for every scenario. Results do not depend on threads.
ExperimentResults run_experiment(const Experiment& ex, const Setting& setting, const RunOptions& opt);

// Writes the results under a temporary name and renames it when complete.
void write_results(const std::filesystem::path& out, bool overwrite, const Experiment& ex,
                   const Setting& setting, const ExperimentResults& res);

// The per-scenario summary table (mean ± 95 % CI) of a results file, as
// text for a terminal or as JSON.
std::string summary_text(const std::filesystem::path& results);
std::string summary_json(const std::filesystem::path& results);

// Units of the summary fields (for the HDF5 "units" attributes).
std::string summary_unit(const std::string& field);

}  // namespace models
