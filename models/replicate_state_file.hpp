// Saved states (issue 15): the shared warm-up state of every replicate of an
// experiment at the fork point, written by `passerelle run --save-state W`
// and read back by `start_from = "FILE"` (or `run --start-from FILE`), so
// that a later experiment's scenarios branch from it instead of simulating
// the weeks before it again.
//
// What is saved: for each warm-up group of the run (forkable scenarios with
// equal model parameters, models/run.hpp ForkPlan) and each replicate, the
// baseline replicate (no interventions) run up to week W, every event before
// W processed (Replicate::save_state). Interventions are never part of it:
// a scenario attaches its own at W.
//
// On disk: a sim record log (sim/record_log.hpp: magic, then checksummed
// records), not HDF5. The first record is the header (format version,
// software version, territory and its content hashes, population scale,
// seed, replicates, warm-up, horizon, week, the model parameters of each
// group); then one record per (group, replicate). A file that is truncated,
// corrupt, of another format version or made from another territory,
// parameters, seed, horizon or warm-up is refused (sim::InputError naming
// the file: exit 2).
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "models/checkpoint.hpp"
#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace models {

// Bump when the encoding changes (replicate_state.cpp or the header below).
inline constexpr std::uint64_t kStateFormat = 1;

using ParamValues = std::vector<std::pair<std::string, std::string>>;  // ParamTable::values

struct StateHeader {
  std::uint64_t format = kStateFormat;
  std::string software_version;
  std::string experiment_file;  // what it was made from (for messages)
  std::string territory;
  std::vector<InputHash> inputs;  // input_hashes() without the experiment text
  double population_scale = 1;
  std::uint64_t seed = 0;
  std::int64_t replicates = 0;
  double warmup_weeks = 0, horizon_weeks = 0;
  double week = 0;  // the fork point: every event before it processed
  std::vector<ParamValues> groups;  // model parameters of each saved warm-up group
};

// The header a run of `ex` forking at `week` would write.
StateHeader state_header(const Experiment& ex, double week);

// Collects the warm states of a run (thread-safe add) and writes the file.
class StateSaver {
 public:
  StateSaver(const Experiment& ex, double week);
  // The warm replicate `replicate` of the scenarios with `params`.
  void add(const ModelParams& params, std::size_t replicate, const Replicate& warm);
  // Whether every group the plan forks has every replicate.
  bool complete() const;
  // Writes the file durably (temporary name, renamed); throws RunError.
  void write(const std::filesystem::path& path) const;
  std::uint64_t bytes() const;  // of the states held
  std::size_t states() const;

 private:
  mutable std::mutex mu_;
  StateHeader header_;
  std::vector<std::vector<std::string>> states_;  // [group][replicate]
};

class SavedStates {
 public:
  // Reads `path` and checks it against `ex` (as the run will see it: its
  // overrides applied). Sets ex.fork_week to the saved week (refused when the
  // experiment names another). Throws InputError naming the file.
  static std::shared_ptr<const SavedStates> load(const std::filesystem::path& path, Experiment& ex);
  // Refuses (InputError) when a scenario that forks at the saved week has
  // model parameters no saved group has, or when a saved state was made from
  // another setting (one restore per group used, replicate 0).
  void check(const Experiment& ex, const Setting& setting) const;
  // The warm replicate (setting, params, spec) restored from the file.
  std::unique_ptr<Replicate> restore(const Setting& setting, const ModelParams& params, const RunSpec& spec) const;
  const StateHeader& header() const { return header_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  StateHeader header_;
  std::vector<std::vector<std::string>> states_;  // [group][replicate]
};

// The state file's default name beside the results: OUT with its extension
// replaced by ".state" (results.h5 -> results.state).
std::filesystem::path default_state_path(const std::filesystem::path& output);

}  // namespace models
