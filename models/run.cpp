#include "models/run.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "models/agents.hpp"
#include "models/recorder.hpp"
#include "models/replicate_state_file.hpp"
#include "sim/input_error.hpp"
#include "sim/progress.hpp"
#include "sim/task_pool.hpp"

namespace models {

std::string byte_text(double b) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  int u = 0;
  while (b >= 1024 && u < 6) {
    b /= 1024;
    ++u;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

double memory_limit_bytes() {
  if (const char* e = std::getenv("PASSERELLE_MEMORY_LIMIT"); e && *e) {
    char* end = nullptr;
    const double v = std::strtod(e, &end);
    if (end && *end == '\0' && v > 0) return v;
  }
  const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
  if (pages <= 0 || page <= 0) return 0;  // unknown: no limit
  return static_cast<double>(pages) * static_cast<double>(page);
}

MemoryEstimate estimate_memory(const Experiment& ex, const Setting& setting, unsigned threads, std::size_t tasks) {
  MemoryEstimate m;
  m.tasks = tasks;
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  m.threads = static_cast<unsigned>(std::min<std::size_t>(threads == 0 ? hw : threads, std::max<std::size_t>(1, tasks)));
  const double residents = static_cast<double>(setting.territory.population());
  // Residents' arrays, plus needs (slot pool) and their events: 64 bytes a resident
  // is a floor measured on the shipped experiments, not a bound.
  const double per_replicate = residents * (static_cast<double>(Residents::bytes_per_resident()) + 64.0) +
                               static_cast<double>(setting.territory.size()) * 256.0 + (1 << 20);
  m.working_bytes = m.threads * per_replicate;
  const double weeks = std::max(1.0, ex.horizon_weeks - ex.warmup_weeks);
  const double per_result = static_cast<double>(sizeof(ReplicateResult)) +
                            8.0 * (static_cast<double>(kWeeklies) * weeks +
                                   static_cast<double>(kTallies) * static_cast<double>(kThemes + 5) + 64.0 +
                                   8.0 * static_cast<double>(setting.territory.size()));
  m.output_bytes = static_cast<double>(tasks) * per_result;
  m.results_bytes = 2.0 * m.output_bytes;
  m.total_bytes = m.working_bytes + m.results_bytes;
  m.limit_bytes = memory_limit_bytes();
  return m;
}

void check_memory(const MemoryEstimate& m, const Experiment& ex) {
  if (m.limit_bytes <= 0 || m.total_bytes <= m.limit_bytes) return;
  throw sim::InputError(ex.file, 0, 0,
                        "this run needs about " + byte_text(m.total_bytes) + " of memory (" + std::to_string(m.tasks) +
                            " replicates' results: " + byte_text(m.results_bytes) + "; " + std::to_string(m.threads) +
                            " in flight: " + byte_text(m.working_bytes) + "; results file about " +
                            byte_text(m.output_bytes) + "), more than the " + byte_text(m.limit_bytes) +
                            " of physical memory; reduce replicates, sweep points, horizon_weeks or population_scale, "
                            "use fewer threads (--threads), run in shards (--shard I/N), or pass --no-memory-check");
}

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
  plan.week = ex.fork_week > 0 ? ex.fork_week : ex.warmup_weeks;
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
          std::call_once(warm->once, [&] {
            warm->rep = opt.start_from ? opt.start_from->restore(setting, sc.params, spec)
                                       : Replicate::warm_up(setting, sc.params, spec);
            if (opt.save_to) opt.save_to->add(sc.params, r, *warm->rep);
          });
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
