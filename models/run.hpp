// Running an experiment (scenarios x replicates on a thread pool) and
// writing / reading its HDF5 results file (layout in CONTRACTS.md).
#pragma once
#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace sim::mpi {
class Session;
}

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

// The task grid, as run_experiment numbers it.
std::size_t task_count(const Experiment& ex);
ExperimentResults empty_results(const Experiment& ex);  // every slot default, completed = 0
ReplicateResult& result_of(ExperimentResults& res, std::size_t task);
// Runs only `tasks` (indices into the grid), filling their slots of `res`;
// after each, on_done(task) is called serialised (under the pool's lock).
// Returns how many finished (fewer when stopped); rethrows a task's failure.
std::size_t run_grid_tasks(const Experiment& ex, const Setting& setting, const std::vector<std::size_t>& tasks,
                           const RunOptions& opt, ExperimentResults& res,
                           const std::function<void(std::size_t)>& on_done);

// `--shard I/N`: the I-th (1-based) of N contiguous slices of the grid,
// tasks [floor((I-1)T/N), floor(IT/N)). Contiguous slices hold whole
// replicates of every scenario, which keeps shards alike in cost.
struct Shard {
  std::uint32_t index = 1, count = 1;
};
std::optional<Shard> parse_shard(std::string_view text);  // nullopt unless "I/N" with 1 <= I <= N
std::vector<std::size_t> shard_tasks(std::size_t total, Shard shard);

// A run that survives interruption (run_durable.cpp). Each finished task is
// appended to the checkpoint OUT.partial (models/checkpoint.hpp) and synced
// before the next is counted, so SIGKILL loses only the tasks in flight. On
// completion the HDF5 file is written under a temporary name, renamed onto
// OUT and the checkpoint removed; with a shard, the complete checkpoint is
// renamed onto OUT instead (a shard file for `passerelle merge`).
// Under MPI (several processes in `comm`) rank 0 owns the files; the other
// ranks run every K-th remaining task and send each result to rank 0.
struct DurableOptions {
  RunOptions run;                // threads, progress; stop: raised by SIGINT/SIGTERM
  std::filesystem::path output;  // OUT.h5, or the shard file with `shard`
  bool resume = false;           // continue OUT.partial when it exists
  bool force = false;            // overwrite OUT; without `resume`, discard OUT.partial
  std::optional<Shard> shard;
  std::function<void(const std::string&)> notice;  // one-line remarks for the user (may be empty)
};

struct DurableOutcome {
  enum class Status { Complete, Interrupted, Failed } status = Status::Complete;
  int exit_code = 0;              // on ranks other than 0, what rank 0 ended with
  std::size_t tasks = 0;          // this run's part of the grid (its shard)
  std::size_t done = 0;           // of them, kept (resumed included)
  std::size_t resumed = 0;        // loaded from the checkpoint
  std::filesystem::path checkpoint;
};

std::filesystem::path checkpoint_path(const std::filesystem::path& output);  // "<OUT>.partial"
// Throws sim::InputError (bad paths, a foreign checkpoint: exit 2) and
// sim::RunError (failures while running or writing: exit 1); the checkpoint
// is kept in both cases, so the run can resume.
DurableOutcome run_durably(const Experiment& ex, const Setting& setting, const DurableOptions& opt,
                           const sim::mpi::Session& comm);

// Writes the results under a temporary name and renames it when complete.
void write_results(const std::filesystem::path& out, bool overwrite, const Experiment& ex,
                   const Setting& setting, const ExperimentResults& res);

// The per-scenario summary table (mean ± 95 % CI) of a results file, as
// text for a terminal or as JSON.
std::string summary_text(const std::filesystem::path& results);
std::string summary_json(const std::filesystem::path& results);

// Units of the summary fields (for the HDF5 "units" attributes): the
// pathway's own fields, then those the scenario's interventions report.
std::string summary_unit(const std::string& field, const ScenarioSpec* spec = nullptr);

}  // namespace models
