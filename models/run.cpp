#include "models/run.hpp"

#include <fmt/format.h>

#include <map>
#include <memory>
#include <mutex>

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

ForkPlan fork_plan(const Experiment& ex) {
  ForkPlan plan;
  plan.week = ex.warmup_weeks;
  std::map<std::vector<std::pair<std::string, std::string>>, int> by_params;
  for (const auto& sc : ex.scenarios) {
    if (!Replicate::forkable(sc.interventions, plan.week)) {
      plan.group.push_back(-1);
      std::string why = plan.week <= 0 ? "no warm-up to share" : "an intervention starts before week " +
                                                                    fmt::format("{:g}", plan.week);
      for (const auto& iv : sc.interventions)
        if (iv->adapts_setting()) why = std::string(iv->type()) + " changes the setting";
      plan.full.push_back(sc.name + " (" + why + ")");
      continue;
    }
    const auto key = param_table().values(sc.params);
    const auto [it, fresh] = by_params.emplace(key, static_cast<int>(by_params.size()));
    plan.group.push_back(it->second);
  }
  plan.groups = by_params.size();
  return plan;
}

namespace {

// The warm-ups of a run, shared by the scenarios of a group: computed by the
// first task that needs one, copied by each, dropped when the last has
// copied it, so that at most about (threads / scenarios + 1) replicates'
// warm states are held at once.
class WarmCache {
 public:
  struct Warm {
    std::once_flag once;
    std::unique_ptr<Replicate> rep;
    std::size_t users = 0;
  };
  void expect(int group, std::size_t r) { ++slot(group, r)->users; }
  std::shared_ptr<Warm> get(int group, std::size_t r) { return slot(group, r); }
  void done(int group, std::size_t r) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = warm_.find({group, r});
    if (it != warm_.end() && --it->second->users == 0) warm_.erase(it);
  }

 private:
  std::shared_ptr<Warm> slot(int group, std::size_t r) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& w = warm_[{group, r}];
    if (!w) w = std::make_shared<Warm>();
    return w;
  }
  std::mutex mu_;
  std::map<std::pair<int, std::size_t>, std::shared_ptr<Warm>> warm_;
};

}  // namespace

std::size_t run_grid_tasks(const Experiment& ex, const Setting& setting, const std::vector<std::size_t>& tasks,
                           const RunOptions& opt, ExperimentResults& res,
                           const std::function<void(std::size_t)>& on_done) {
  const std::size_t S = ex.scenarios.size();
  const ForkPlan plan = fork_plan(ex);
  WarmCache cache;
  if (opt.fork)
    for (std::size_t i : tasks)
      if (plan.group[i % S] >= 0) cache.expect(plan.group[i % S], i / S);
  return sim::run_tasks(
      tasks.size(), sim::TaskPoolOptions{opt.threads, opt.stop},
      [&](std::size_t k) {
        const std::size_t i = tasks[k], s = i % S, r = i / S;
        const int g = plan.group[s];
        RunSpec spec{static_cast<int>(r), replicate_seed(ex.seed, static_cast<int>(r)), ex.horizon_weeks,
                     ex.warmup_weeks, g >= 0 ? plan.week : 0.0};
        const ScenarioSpec& sc = ex.scenarios[s];
        if (opt.fork && g >= 0) {
          const auto warm = cache.get(g, r);
          std::call_once(warm->once, [&] { warm->rep = Replicate::warm_up(setting, sc.params, spec); });
          res.scenarios[s].replicates[r] = Replicate::run_forked(*warm->rep, sc.interventions);
          cache.done(g, r);
          return;
        }
        Replicate rep(setting, sc.params, spec, sc.interventions);
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
