#include "models/run.hpp"

#include "sim/progress.hpp"
#include "sim/task_pool.hpp"

namespace models {

std::size_t task_count(const Experiment& ex) {
  return ex.scenarios.size() * static_cast<std::size_t>(ex.replicates);
}

ExperimentResults empty_results(const Experiment& ex) {
  const std::size_t S = ex.scenarios.size();
  const std::size_t R = static_cast<std::size_t>(ex.replicates);
  ExperimentResults res;
  res.total = S * R;
  res.scenarios.resize(S);
  for (std::size_t s = 0; s < S; ++s) {
    res.scenarios[s].name = ex.scenarios[s].name;
    res.scenarios[s].replicates.resize(R);
  }
  return res;
}

ReplicateResult& result_of(ExperimentResults& res, std::size_t task) {
  const std::size_t S = res.scenarios.size();
  return res.scenarios[task % S].replicates[task / S];
}

std::size_t run_grid_tasks(const Experiment& ex, const Setting& setting, const std::vector<std::size_t>& tasks,
                           const RunOptions& opt, ExperimentResults& res,
                           const std::function<void(std::size_t)>& on_done) {
  const std::size_t S = ex.scenarios.size();
  return sim::run_tasks(
      tasks.size(), sim::TaskPoolOptions{opt.threads, opt.stop},
      [&](std::size_t k) {
        const std::size_t i = tasks[k], s = i % S, r = i / S;
        RunSpec spec{static_cast<int>(r), replicate_seed(ex.seed, static_cast<int>(r)), ex.horizon_weeks,
                     ex.warmup_weeks};
        Replicate rep(setting, ex.scenarios[s].params, spec, ex.scenarios[s].interventions);
        res.scenarios[s].replicates[r] = rep.run();
      },
      [&](std::size_t k) {
        if (on_done) on_done(tasks[k]);
      });
}

ExperimentResults run_experiment(const Experiment& ex, const Setting& setting, const RunOptions& opt) {
  ExperimentResults res = empty_results(ex);
  std::vector<std::size_t> all(res.total);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  sim::Progress progress(res.total, opt.progress);
  std::size_t done = 0;
  res.completed = run_grid_tasks(ex, setting, all, opt, res, [&](std::size_t) { progress.update(++done); });
  progress.finish();
  return res;
}

}  // namespace models
