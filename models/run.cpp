#include "models/run.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "models/agents.hpp"
#include "models/recorder.hpp"
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
