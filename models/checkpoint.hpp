// What a run keeps of its finished tasks (scenario x replicate), so that an
// interrupted run resumes where it stopped, shards from a cluster job array
// merge into one file, and MPI ranks send their results to rank 0.
//
// On disk a checkpoint is a sim record log (sim/record_log.hpp): a header
// record naming the experiment (its full text, effective seed and replicate
// count, software version, shard), then one record per finished task holding
// the task index and the complete ReplicateResult, wall_seconds included.
// OUT.h5.partial is the checkpoint of a run writing OUT.h5; a shard file is
// the checkpoint of a --shard run once all its tasks are in.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace sim {
class ByteWriter;
class ByteReader;
}  // namespace sim

namespace models {

// The content hash (FNV-1a, 64 bits) of one input that shapes the results:
// the experiment text, the territory file or preset, the rules preset, the
// software version. `what` names it ("territory file data/t.graphml").
struct InputHash {
  std::string what;
  std::uint64_t hash = 0;
  bool operator==(const InputHash&) const = default;
};
std::uint64_t content_hash(std::string_view bytes);
// Every input of `ex` that shapes a result, hashed as they are now on disk.
std::vector<InputHash> input_hashes(const Experiment& ex);
// "" when equal; otherwise which inputs changed, in words.
std::string inputs_mismatch(const std::vector<InputHash>& saved, const std::vector<InputHash>& now);

struct CheckpointHeader {
  std::string software_version;
  std::string experiment_text;   // the file's full text, as read
  std::string experiment_file;   // the path as given to `run`
  std::string working_dir;       // where `run` started: resolves a relative territory path
  std::uint64_t seed = 0;        // effective (after --seed)
  std::int64_t replicates = 0;   // effective (after --replicates)
  std::vector<std::string> overrides;  // `--set NAME=VALUE`, in order (models/overrides.hpp)
  std::vector<std::string> scenarios;
  std::uint64_t tasks = 0;       // the whole grid, scenarios x replicates
  bool sharded = false;          // written by `run --shard`
  std::uint32_t shard_index = 1, shard_count = 1;
  std::vector<InputHash> inputs;  // input_hashes() when the run started
};

struct TaskRecord {
  std::size_t task = 0;  // index into the grid (see run.hpp)
  ReplicateResult result;
};

struct Checkpoint {
  CheckpointHeader header;
  std::vector<TaskRecord> tasks;  // in the order they finished
  std::uint64_t valid_bytes = 0;  // for sim::LogWriter::reopen
  bool torn = false;              // a record was being written when the run died
};

// The header of a run of `ex` (with its overrides applied).
CheckpointHeader checkpoint_header(const Experiment& ex, bool sharded, std::uint32_t shard_index,
                                   std::uint32_t shard_count);
// "" when a checkpoint with header `saved` may be continued by a run with
// header `now`; otherwise what differs, in words.
std::string header_mismatch(const CheckpointHeader& saved, const CheckpointHeader& now);
// Whether two headers describe the same experiment, shards aside (merge).
std::string experiment_mismatch(const CheckpointHeader& a, const CheckpointHeader& b);

// A recorder's bytes (every member), shared with the saved states
// (models/replicate_state.cpp).
void put_recorder(sim::ByteWriter& w, const Recorder& c);
void get_recorder(sim::ByteReader& r, Recorder& c);

std::string encode_header(const CheckpointHeader& h);
CheckpointHeader decode_header(const std::string& bytes, const std::string& what);
std::string encode_task(std::size_t task, const ReplicateResult& r);
TaskRecord decode_task(const std::string& bytes, const std::string& what);

// Reads a checkpoint or shard file. Throws sim::InputError when it is not
// one (or a task index lies outside the grid), sim::RunError when unreadable.
Checkpoint load_checkpoint(const std::filesystem::path& path);

// The experiment a checkpoint belongs to, rebuilt from its text and
// overrides, as `run` saw it. `setting_ex` is the same experiment with its
// territory path resolved from the original working directory, for
// build_setting; `ex` keeps the path as the original run recorded it.
struct SavedExperiment {
  Experiment ex;
  Experiment setting_ex;
};
SavedExperiment saved_experiment(const CheckpointHeader& h);

}  // namespace models
