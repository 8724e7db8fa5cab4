#include "models/run.hpp"

#include <charconv>

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

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  auto number = [](std::string_view s) -> std::optional<std::uint32_t> {
    std::uint32_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
  };
  const auto i = number(text.substr(0, slash)), n = number(text.substr(slash + 1));
  if (!i || !n || *i < 1 || *i > *n) return std::nullopt;
  return Shard{*i, *n};
}

std::vector<std::size_t> shard_tasks(std::size_t total, Shard shard) {
  // 128-bit free: total is at most 100000 replicates x a few thousand scenarios.
  const std::size_t lo = (shard.index - 1) * total / shard.count, hi = shard.index * total / shard.count;
  std::vector<std::size_t> out;
  for (std::size_t i = lo; i < hi; ++i) out.push_back(i);
  return out;
}

std::filesystem::path checkpoint_path(const std::filesystem::path& output) { return output.string() + ".partial"; }

}  // namespace models
