// A run that survives interruption, written against a small interface so
// that it knows nothing of what its tasks compute (durable_run.cpp).
//
// Each finished task's record is appended to the checkpoint OUT.partial (a
// sim record log) and synced before the next is counted, so SIGKILL loses
// only the tasks in flight; `resume` continues a checkpoint whose header
// matches. On completion the work writes its output under a temporary name,
// renamed onto OUT, and the checkpoint is removed; with a shard, the
// complete checkpoint is renamed onto OUT instead (a shard file, merged
// later). Under MPI (several processes in `comm`) rank 0 owns the files; the
// other ranks run every K-th remaining task and send each record to rank 0.
#pragma once
#include <atomic>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/task_grid.hpp"
#include "sim/task_pool.hpp"

namespace sim {

namespace mpi {
class Session;
}

// What the durable runner needs of the work it runs.
class DurableWork {
 public:
  virtual ~DurableWork() = default;
  virtual std::size_t task_count() const = 0;  // the whole grid
  // The checkpoint's header record: what identifies this run.
  virtual std::string header(std::optional<Shard> shard) const = 0;
  // "" when a checkpoint with header `saved` may be continued by a run with
  // header `now`; otherwise what differs, in words. May throw RunError on
  // bytes that do not decode.
  virtual std::string header_mismatch(const std::string& saved, const std::string& now) const = 0;
  // Runs `tasks` (indices into the grid) on a thread pool, keeping each
  // result; done(task) is called serialised after each. Returns how many
  // finished (fewer when stopped); rethrows a task's failure.
  virtual std::size_t run(const std::vector<std::size_t>& tasks, const TaskPoolOptions& pool,
                          const std::function<void(std::size_t)>& done) = 0;
  // A finished task's result as one record, and back: accept decodes a
  // record (from the checkpoint or another rank), keeps its result and
  // returns its task index. Throws InputError for a task outside the grid,
  // RunError for bytes that do not decode.
  virtual std::string encode(std::size_t task) const = 0;
  virtual std::size_t accept(const std::string& record, const std::string& what) = 0;
  // Every task is in: write the output file (under a temporary name).
  virtual void write_output(const std::filesystem::path& out, bool overwrite) = 0;
};

struct DurableOptions {
  unsigned threads = 0;                     // 0: all cores
  bool progress = false;                    // the progress line (rank 0, on a terminal)
  const std::atomic<bool>* stop = nullptr;  // raised by SIGINT/SIGTERM
  std::filesystem::path output;             // OUT, or the shard file with `shard`
  bool resume = false;                      // continue OUT.partial when it exists
  bool force = false;                       // overwrite OUT; without `resume`, discard OUT.partial
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

// Throws InputError (bad paths, a foreign checkpoint: exit 2) and RunError
// (failures while running or writing: exit 1); the checkpoint is kept in
// both cases, so the run can resume.
DurableOutcome run_durably(DurableWork& work, const DurableOptions& opt, const mpi::Session& comm);

}  // namespace sim
