// run_durably (run.hpp): an experiment's scenario x replicate grid as the
// engine's durable work (sim/durable_run.hpp). The engine owns the
// checkpoint, shards, MPI and interruption; this file says what a task is,
// how its result becomes a record (models/checkpoint.hpp) and back.
#include "models/checkpoint.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"

namespace models {
namespace {

class ExperimentWork final : public sim::DurableWork {
 public:
  ExperimentWork(const Experiment& ex, const Setting& setting, const WriteOutput& write, bool fork,
                 const RunOptions& states)
      : ex_(ex), setting_(setting), write_(write), fork_(fork), states_(states), res_(empty_results(ex)) {}

  std::size_t task_count() const override { return res_.total; }
  std::string header(std::optional<sim::Shard> shard) const override {
    const sim::Shard s = shard.value_or(sim::Shard{});
    return encode_header(checkpoint_header(ex_, shard.has_value(), s.index, s.count));
  }
  std::string header_mismatch(const std::string& saved, const std::string& now) const override {
    return models::header_mismatch(decode_header(saved, "checkpoint header"), decode_header(now, "this run's header"));
  }
  std::size_t run(const std::vector<std::size_t>& tasks, const sim::TaskPoolOptions& pool,
                  const std::function<void(std::size_t)>& done) override {
    return run_grid_tasks(ex_, setting_, tasks,
                          RunOptions{pool.threads, false, pool.stop, fork_, states_.start_from, states_.save_to}, res_,
                          done);
  }
  std::string encode(std::size_t task) const override {
    return encode_task(task, res_.scenarios[task % res_.scenarios.size()].replicates[task / res_.scenarios.size()]);
  }
  std::size_t accept(const std::string& record, const std::string& what) override {
    TaskRecord t = decode_task(record, what);
    if (t.task >= res_.total)
      throw sim::InputError(what, 0, 0, "task " + std::to_string(t.task) + " outside the grid of " +
                                            std::to_string(res_.total));
    result_of(res_, t.task) = std::move(t.result);
    return t.task;
  }
  void write_output(const std::filesystem::path& out, bool overwrite) override {
    write_(out, overwrite, ex_, setting_, res_);
  }

 private:
  const Experiment& ex_;
  const Setting& setting_;
  const WriteOutput& write_;
  bool fork_;
  RunOptions states_;
  ExperimentResults res_;
};

}  // namespace

DurableOutcome run_durably(const Experiment& ex, const Setting& setting, const DurableOptions& opt,
                           const sim::mpi::Session& comm, const WriteOutput& write, bool fork,
                           const RunOptions& states) {
  const WriteOutput plain = [](auto&&... a) { write_results(a...); };
  ExperimentWork work(ex, setting, write ? write : plain, fork, states);
  return sim::run_durably(work, opt, comm);
}

}  // namespace models
