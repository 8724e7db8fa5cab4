// run_durably (durable_run.hpp): the checkpointed, resumable, shardable,
// MPI-aware run. One code path for one process and for K MPI ranks: on every
// rank a pool thread runs its tasks while the main thread (the only one
// allowed to call MPI) saves or sends each finished result. Rank 0 appends
// its own and the others' results to the checkpoint as they arrive, so it
// always holds everything that finished anywhere, whichever process dies.
#include "sim/durable_run.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include "sim/byte_codec.hpp"
#include "sim/input_error.hpp"
#include "sim/mpi_comm.hpp"
#include "sim/progress.hpp"
#include "sim/record_log.hpp"

namespace sim {
namespace {

namespace fs = std::filesystem;

enum Tag : int { kResult = 1, kDone = 2, kStop = 3 };
enum RankEnd : std::uint64_t { kEndComplete = 0, kEndInterrupted = 1, kEndFailed = 2 };

std::string option_path(const fs::path& p) { return "-o " + p.string(); }

// The records of a checkpoint, kept by `work`; returns the tasks found.
std::set<std::size_t> load_records(DurableWork& work, const fs::path& ckpt, const std::string& header,
                                   const std::set<std::size_t>& wanted, LogContents& log) {
  const std::string what = ckpt.string();
  std::set<std::size_t> have;
  try {
    log = read_log(ckpt);
    if (const std::string why = work.header_mismatch(log.header, header); !why.empty())
      throw InputError(what, 0, 0,
                       "cannot resume: this checkpoint belongs to another run (" + why +
                           "); run again with --force instead of --resume to discard it");
    for (const auto& rec : log.records) {
      const std::size_t t = work.accept(rec, what);
      if (wanted.count(t)) have.insert(t);
    }
  } catch (const RunError& e) {
    // Checksummed records that do not decode come from another program or
    // a newer format: the user's file, not a failure of this run.
    throw InputError(what, 0, 0, std::string("not a readable checkpoint: ") + e.what());
  }
  return have;
}

// Rank 0's set-up: refuse to clobber, then create or continue the
// checkpoint; keeps what it holds and returns what is left.
LogWriter open_checkpoint(DurableWork& work, const DurableOptions& opt, const std::vector<std::size_t>& mine,
                          DurableOutcome& out, std::vector<std::size_t>& remaining) {
  const fs::path& output = opt.output;
  const fs::path ckpt = checkpoint_path(output);
  std::error_code ec;
  if (fs::is_directory(output, ec)) throw InputError("", 0, 0, option_path(output) + ": is a directory");
  if (fs::exists(output, ec) && !opt.force)
    throw InputError("", 0, 0, option_path(output) + ": the file exists (use --force to overwrite)");
  const std::string header = work.header(opt.shard);
  const std::set<std::size_t> wanted(mine.begin(), mine.end());
  std::set<std::size_t> have;
  std::optional<LogWriter> log;
  if (fs::exists(ckpt, ec) && opt.resume) {
    LogContents c;
    have = load_records(work, ckpt, header, wanted, c);
    out.resumed = have.size();
    if (opt.notice)
      opt.notice("resuming " + ckpt.string() + ": " + std::to_string(have.size()) + " of " +
                 std::to_string(mine.size()) + " tasks already done" +
                 (c.torn ? " (dropped one record cut short by the interruption)" : ""));
    log.emplace(LogWriter::reopen(ckpt, c.valid_bytes));
  } else {
    if (fs::exists(ckpt, ec) && !opt.force)
      throw InputError("", 0, 0,
                       option_path(output) + ": an interrupted run left " + ckpt.string() +
                           "; add --resume to continue it or --force to start over");
    if (opt.resume && opt.notice) opt.notice("no checkpoint " + ckpt.string() + " to resume: starting from the beginning");
    const fs::path parent = output.parent_path();
    if (!parent.empty() && !fs::is_directory(parent, ec)) {
      fs::create_directories(parent, ec);
      if (ec) throw InputError("", 0, 0, option_path(output) + ": cannot create directory " + parent.string() + ": " + ec.message());
    }
    try {
      log.emplace(LogWriter::create(ckpt, header));
    } catch (const RunError& e) {
      throw InputError("", 0, 0, option_path(output) + ": cannot write there: " + e.what());
    }
  }
  for (std::size_t t : mine)
    if (!have.count(t)) remaining.push_back(t);
  return std::move(*log);
}

std::string encode_setup(std::uint64_t code, const std::vector<std::size_t>& remaining) {
  ByteWriter w;
  w.u64(code);
  w.u64(remaining.size());
  for (std::size_t t : remaining) w.u64(t);
  return w.take();
}

// The output file (or, for a shard, the shard file) from a complete checkpoint.
void finish_output(DurableWork& work, const DurableOptions& opt, LogWriter& log) {
  log.close();
  const fs::path ckpt = checkpoint_path(opt.output);
  if (opt.shard) {
    rename_durably(ckpt, opt.output);
    return;
  }
  work.write_output(opt.output, opt.force);
  std::error_code ec;
  fs::remove(ckpt, ec);  // the results are safe; a leftover checkpoint only costs disk
}

// What the pool thread hands to the main thread.
struct Finished {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::size_t> tasks;
  bool over = false;
  std::exception_ptr error;
};

}  // namespace

DurableOutcome run_durably(DurableWork& work, const DurableOptions& opt, const mpi::Session& comm) {
  const int K = comm.size();
  const bool root = comm.is_root();
  const std::vector<std::size_t> mine = shard_tasks(work.task_count(), opt.shard.value_or(Shard{}));
  DurableOutcome out;
  out.tasks = mine.size();
  out.checkpoint = checkpoint_path(opt.output);

  // 1. Rank 0 opens the checkpoint and tells every rank what is left.
  std::optional<LogWriter> log;
  std::vector<std::size_t> remaining;
  std::string setup;
  // Held until the output is written: a second process writing the same
  // output (or its checkpoint) fails here, before any work.
  std::optional<OutputLock> output_lock;
  if (root) {
    std::exception_ptr setup_error;
    std::uint64_t code = 0;
    try {
      try {
        output_lock.emplace(OutputLock::acquire(opt.output));
      } catch (const InputError& e) {
        throw InputError("", 0, 0, option_path(opt.output) + ": " + e.message());
      }
      log.emplace(open_checkpoint(work, opt, mine, out, remaining));
    } catch (const InputError&) {
      setup_error = std::current_exception();
      code = 2;
    } catch (...) {
      setup_error = std::current_exception();
      code = 1;
    }
    setup = encode_setup(code, remaining);
    if (K > 1) comm.broadcast(setup);
    if (setup_error) std::rethrow_exception(setup_error);
  } else {
    comm.broadcast(setup);
    ByteReader r(setup, "MPI set-up message");
    if (const auto code = r.u64(); code != 0) {
      out.status = DurableOutcome::Status::Failed;
      out.exit_code = static_cast<int>(code);
      return out;
    }
    remaining.resize(r.count(8));
    for (auto& t : remaining) t = static_cast<std::size_t>(r.u64());
  }
  std::vector<std::size_t> own;  // static interleaving: results do not depend on who runs a task
  for (std::size_t j = static_cast<std::size_t>(comm.rank()); j < remaining.size(); j += static_cast<std::size_t>(K))
    own.push_back(remaining[j]);

  // 2. The pool thread runs this rank's tasks.
  std::atomic<bool> stop{opt.stop && opt.stop->load()};  // the main loop relays later requests
  Finished fin;
  std::thread pool([&] {
    std::exception_ptr error;
    try {
      work.run(own, TaskPoolOptions{opt.threads, &stop}, [&](std::size_t t) {
        std::lock_guard<std::mutex> lock(fin.mu);
        fin.tasks.push_back(t);
        fin.cv.notify_one();
      });
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(fin.mu);
    fin.error = error;
    fin.over = true;
    fin.cv.notify_one();
  });

  // 3. The main thread saves (rank 0) or sends (others) each result.
  Progress progress(mine.size(), root && opt.progress);
  std::size_t saved = out.resumed;
  progress.update(saved);
  int ranks_running = root ? K - 1 : 0;
  bool stop_sent = false;
  std::exception_ptr failure;  // the first: a task, the checkpoint, another rank
  std::string failure_text;
  auto halt = [&] {
    stop.store(true);
    if (root && !stop_sent)
      for (int r = 1; r < K; ++r) comm.send(r, kStop, "");
    stop_sent = true;
  };
  auto fail = [&](std::exception_ptr e) {
    if (!failure) failure = e;
    halt();
  };
  auto save = [&](const std::string& record) {
    if (failure) return;
    try {
      log->append(record);
      progress.update(++saved);
    } catch (...) {
      fail(std::current_exception());
    }
  };
  bool pool_over = false;
  while (!pool_over || ranks_running > 0) {
    std::deque<std::size_t> batch;
    {
      std::unique_lock<std::mutex> lock(fin.mu);
      fin.cv.wait_for(lock, std::chrono::milliseconds(20), [&] { return !fin.tasks.empty() || fin.over; });
      batch.swap(fin.tasks);
      if (fin.over && !pool_over) {
        pool_over = true;
        if (fin.error) fail(fin.error);
      }
    }
    // Nothing may escape this loop while the pool thread runs.
    try {
      for (std::size_t t : batch) {
        const std::string record = work.encode(t);
        if (root) save(record);
        else comm.send(0, kResult, record);
      }
      if (opt.stop && opt.stop->load() && !stop.load()) halt();
      while (auto m = comm.poll()) {
        if (!root) {
          if (m->tag == kStop) stop.store(true);
        } else if (m->tag == kResult) {
          work.accept(m->bytes, "result from rank " + std::to_string(m->source));
          save(m->bytes);
        } else if (m->tag == kDone) {
          --ranks_running;
          ByteReader r(m->bytes, "end message");
          const std::uint64_t end = r.u64();
          if (end == kEndFailed)
            fail(std::make_exception_ptr(RunError("rank " + std::to_string(m->source) + ": " + r.str())));
          else if (end == kEndInterrupted) halt();
        }
      }
    } catch (...) {
      fail(std::current_exception());
    }
  }
  pool.join();
  progress.finish();
  if (!root) {
    // Tell rank 0 how this rank ended; it decides for everyone.
    ByteWriter w;
    w.u64(failure ? kEndFailed : stop.load() ? kEndInterrupted : kEndComplete);
    if (failure) {
      try {
        std::rethrow_exception(failure);
      } catch (const std::exception& e) {
        failure_text = e.what();
      } catch (...) {
        failure_text = "unknown failure";
      }
    }
    w.str(failure_text);
    comm.send(0, kDone, w.bytes());
  }

  // 4. Rank 0 writes the output once everything is in; all learn the end.
  out.done = saved;
  if (root && !failure && saved == mine.size()) {
    try {
      finish_output(work, opt, *log);
    } catch (...) {
      failure = std::current_exception();
    }
  }
  std::string end = std::to_string(root ? (failure ? 1 : saved == mine.size() ? 0 : 130) : 0);
  if (K > 1) comm.broadcast(end);
  while (comm.poll()) {
  }  // a late stop request: nothing left to stop
  out.exit_code = std::stoi(end);
  out.status = out.exit_code == 0     ? DurableOutcome::Status::Complete
               : out.exit_code == 130 ? DurableOutcome::Status::Interrupted
                                      : DurableOutcome::Status::Failed;
  if (root && failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace sim
