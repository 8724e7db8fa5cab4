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
#include "sim/durable_run.hpp"

namespace sim::h5 {
class Writer;
}
namespace sim::mpi {
class Session;
}

namespace models {

class SavedStates;  // models/replicate_state_file.hpp
class StateSaver;

struct RunOptions {
  unsigned threads = 0;  // 0: all cores
  bool progress = false;
  const std::atomic<bool>* stop = nullptr;
  bool fork = true;  // branch forkable scenarios from one warm-up per replicate (same numbers either way)
  // Saved states (issue 15): forked scenarios start from these instead of
  // simulating the warm-up (ex.fork_week must be the saved week: see
  // SavedStates::load); every warm-up computed is handed to save_to.
  const SavedStates* start_from = nullptr;
  StateSaver* save_to = nullptr;
};

// Which scenarios branch from a shared warm-up (issue 15). A scenario is
// forkable when every intervention starts at or after the fork point (the
// end of the warm-up, or ex.fork_week when set) and none changes the setting; forkable scenarios with
// the same model parameters share one warm-up per replicate. Their
// interventions are attached at the fork point whether or not the run
// forks, so `--no-fork` gives the same numbers.
struct ForkPlan {
  double week = 0;                 // the fork point
  std::vector<int> group;          // per scenario: its warm-up group, -1 when it runs in full
  std::size_t groups = 0;
  std::vector<std::string> full;   // scenarios that run in full, with the reason
};
ForkPlan fork_plan(const Experiment& ex);

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

// Shards and the durable runner are the engine's (sim/task_grid.hpp,
// sim/durable_run.hpp): an experiment's grid is one kind of durable work.
using sim::checkpoint_path;
using sim::DurableOptions;
using sim::DurableOutcome;
using sim::parse_shard;
using sim::Shard;
using sim::shard_tasks;

// What a run will need, estimated before it starts (validate and run refuse
// work that cannot fit, exit 2; --no-memory-check skips the refusal):
// `threads` replicates in flight, each holding its residents
// (Residents::bytes_per_resident plus needs and events), and every finished
// replicate's results (weekly series, breakdowns, summary) held until the
// results file is written, twice (results and write buffers). A lower bound
// on what the run needs, not an upper one.
struct MemoryEstimate {
  double working_bytes = 0;   // replicates in flight
  double results_bytes = 0;   // finished replicates held in memory
  double output_bytes = 0;    // the results file, uncompressed
  double total_bytes = 0;
  double limit_bytes = 0;     // physical memory (sysconf), or $PASSERELLE_MEMORY_LIMIT
  unsigned threads = 1;
  std::size_t tasks = 0;
};
MemoryEstimate estimate_memory(const Experiment& ex, const Setting& setting, unsigned threads, std::size_t tasks);
// Physical memory (sysconf); PASSERELLE_MEMORY_LIMIT (bytes) overrides it, for tests.
double memory_limit_bytes();
// Throws InputError(ex.file) giving the estimate and the limit when the
// estimate exceeds it.
void check_memory(const MemoryEstimate& m, const Experiment& ex);
// "1.5 GiB"
std::string byte_text(double bytes);

// Writes the results under a temporary name and renames it when complete
// (results_io.cpp). `extra` adds groups before the commit: the analysis of
// the results (analysis/src/results_analysis.hpp), which models/ cannot call.
using ExtraGroups = std::function<void(sim::h5::Writer&)>;
void write_results(const std::filesystem::path& out, bool overwrite, const Experiment& ex,
                   const Setting& setting, const ExperimentResults& res, const ExtraGroups& extra = {});

// How a finished run writes its results file: write_results by default;
// the command line passes the one that adds the analysis groups.
using WriteOutput = std::function<void(const std::filesystem::path& out, bool overwrite, const Experiment& ex,
                                       const Setting& setting, const ExperimentResults& res)>;
// The experiment's grid run durably (sim/durable_run.hpp): checkpoint,
// --resume, shards, MPI ranks.
// `fork`: RunOptions::fork.
// `states`: RunOptions::start_from and save_to (threads, stop: from `opt`).
DurableOutcome run_durably(const Experiment& ex, const Setting& setting, const DurableOptions& opt,
                           const sim::mpi::Session& comm, const WriteOutput& write = {}, bool fork = true,
                           const RunOptions& states = {});

// Units of the summary fields (for the HDF5 "units" attributes): the
// pathway's own fields, then those the scenario's interventions report.
std::string summary_unit(const std::string& field, const ScenarioSpec* spec = nullptr);

}  // namespace models
