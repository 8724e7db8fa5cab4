#include "models/run.hpp"

#include "sim/progress.hpp"
#include "sim/task_pool.hpp"

namespace models {

ExperimentResults run_experiment(const Experiment& ex, const Setting& setting, const RunOptions& opt) {
  const std::size_t S = ex.scenarios.size();
  const std::size_t R = static_cast<std::size_t>(ex.replicates);
  ExperimentResults res;
  res.total = S * R;
  res.scenarios.resize(S);
  for (std::size_t s = 0; s < S; ++s) {
    res.scenarios[s].name = ex.scenarios[s].name;
    res.scenarios[s].replicates.resize(R);
  }
  sim::Progress progress(res.total, opt.progress);
  std::size_t done = 0;
  res.completed = sim::run_tasks(
      res.total, sim::TaskPoolOptions{opt.threads, opt.stop},
      [&](std::size_t i) {
        const std::size_t s = i % S, r = i / S;
        RunSpec spec{static_cast<int>(r), replicate_seed(ex.seed, static_cast<int>(r)), ex.horizon_weeks,
                     ex.warmup_weeks};
        Replicate rep(setting, ex.scenarios[s].params, spec, ex.scenarios[s].interventions);
        res.scenarios[s].replicates[r] = rep.run();
      },
      [&](std::size_t) { progress.update(++done); });
  progress.finish();
  return res;
}

}  // namespace models
