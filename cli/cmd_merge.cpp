// `passerelle merge OUT.h5 PART...`: joins shard files (`run --shard I/N`)
// into the results file one process would have written, after checking
// they come from the same experiment and hold every task exactly once.
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "models/checkpoint.hpp"
#include "analysis/src/results_analysis.hpp"
#include "analysis/src/summary.hpp"
#include "cli/commands.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"
#include "sim/record_log.hpp"

namespace cli {
namespace {

struct MergeArgs {
  std::string output;
  std::vector<std::string> parts;
  bool force = false, quiet = false;
};

std::string task_name(const models::CheckpointHeader& h, std::size_t task) {
  const std::size_t S = h.scenarios.size();
  return "scenario '" + h.scenarios[task % S] + "' replicate " + std::to_string(task / S);
}

int merge(const MergeArgs& a) {
  namespace fs = std::filesystem;
  if (a.output.empty()) throw sim::InputError("", 0, 0, "output: expected a results file name, got an empty one");
  for (const auto& p : a.parts)
    if (std::error_code ec; fs::exists(a.output, ec) && fs::equivalent(a.output, p, ec))
      throw sim::InputError(a.output, 0, 0, "output: is one of the parts being merged; choose another name");
  const auto lock = sim::OutputLock::acquire(a.output);  // held until written
  if (fs::exists(a.output) && !a.force)
    throw sim::InputError("", 0, 0, a.output + ": the file exists (use --force to overwrite)");
  std::vector<models::Checkpoint> parts;
  for (const auto& p : a.parts) {
    parts.push_back(models::load_checkpoint(p));
    if (const auto why = models::experiment_mismatch(parts.front().header, parts.back().header); !why.empty())
      throw sim::InputError(p, 0, 0, "not from the same experiment as " + a.parts.front() + ": " + why);
  }
  const auto& head = parts.front().header;
  const auto saved = models::saved_experiment(head);
  // The shards agree with each other; the merge rebuilds the setting from
  // today's files: they must still be the ones the shards ran on.
  if (const auto why = models::inputs_mismatch(head.inputs, models::input_hashes(saved.setting_ex)); !why.empty())
    throw sim::InputError(a.parts.front(), 0, 0, "the inputs changed since the shards were run: " + why);
  models::ExperimentResults res = models::empty_results(saved.ex);
  if (res.total != head.tasks) throw sim::InputError(a.parts.front(), 0, 0, "the task grid does not match the experiment");
  std::map<std::size_t, std::size_t> owner;  // task -> part
  for (std::size_t k = 0; k < parts.size(); ++k)
    for (auto& t : parts[k].tasks) {
      if (auto [it, fresh] = owner.emplace(t.task, k); !fresh)
        throw sim::InputError(a.parts[k], 0, 0,
                              task_name(head, t.task) + " is also in " + a.parts[it->second] +
                                  ": each task must come from exactly one shard (the same shard given twice?)");
      models::result_of(res, t.task) = std::move(t.result);
    }
  if (owner.size() != res.total) {
    std::string first;
    std::size_t missing = 0;
    for (std::size_t t = 0; t < res.total; ++t)
      if (!owner.count(t) && missing++ == 0) first = task_name(head, t);
    std::string shards;
    const std::uint32_t n = head.shard_count;
    for (std::uint32_t i = 1; i <= n && n > 1; ++i) {
      bool given = false;
      for (const auto& p : parts) given |= p.header.shard_index == i && p.header.shard_count == n;
      if (!given) shards += (shards.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(n);
    }
    throw sim::InputError("", 0, 0,
                          std::to_string(missing) + " of " + std::to_string(res.total) + " tasks are missing (first: " +
                              first + ")" + (shards.empty() ? "" : "; shards not given: " + shards) +
                              "; an unfinished shard can be completed with `passerelle run … --shard I/N --resume`");
  }
  res.completed = res.total;
  analysis::write_results_file(a.output, a.force, saved.ex, models::build_setting(saved.setting_ex), res);
  if (!a.quiet) std::cout << analysis::summary_text(a.output) << "\nResults: " << a.output << "\n";
  return 0;
}

}  // namespace

Command add_merge(CLI::App& app) {
  auto a = std::make_shared<MergeArgs>();
  auto* c = app.add_subcommand("merge", "join shard files (run --shard I/N) into one results file");
  c->add_option("output", a->output, "results file to write (HDF5)")->required();
  c->add_option("parts", a->parts, "shard files, one per shard")->required()->check(CLI::ExistingFile);
  c->add_flag("--force", a->force, "overwrite an existing results file");
  c->add_flag("--quiet", a->quiet, "no summary");
  return {c, [a] { return merge(*a); }};
}

}  // namespace cli
