// `passerelle run EXPERIMENT.toml -o OUT.h5`: a durable run (run.hpp) that
// can be interrupted, resumed, split into shards or spread over MPI ranks.
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>

#include "analysis/src/results_analysis.hpp"
#include "analysis/src/summary.hpp"
#include "cli/commands.hpp"
#include "models/overrides.hpp"
#include "models/replicate_state_file.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"
#include "sim/mpi_comm.hpp"
#include "sim/progress.hpp"

namespace cli {
namespace {

std::atomic<bool> g_stop{false};

// First SIGINT/SIGTERM: stop handing out tasks, let those in flight finish
// and save them. Second: leave at once; the checkpoint is consistent
// whatever the moment (a record cut short is dropped on resume).
extern "C" void on_signal(int) {
  if (g_stop.exchange(true)) {
    const char msg[] = "\npasserelle: interrupted again: abandoning the tasks in flight\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::_exit(130);
  }
  const char msg[] = "\npasserelle: stopping after the tasks in flight (interrupt again to abandon them)\n";
  (void)!::write(2, msg, sizeof msg - 1);
}

struct RunArgs {
  std::string experiment, output, shard;
  std::vector<std::string> sets;  // --set NAME=VALUE
  unsigned threads = 0;
  int replicates = 0;
  long long seed = -1;
  bool force = false, quiet = false, resume = false, no_fork = false, no_memory_check = false;
  double save_state = 0;          // --save-state W (0: none)
  std::string state_file, start_from;
};

// Saved states (models/replicate_state_file.hpp): --save-state W makes the
// run fork at W and keep every warm-up; start_from (the experiment's key or
// --start-from) makes it fork from the file's states. Both refused (exit 2)
// where they cannot hold.
std::shared_ptr<const models::SavedStates> prepare_states(const RunArgs& a, models::Experiment& ex) {
  const bool mpi = sim::mpi::launched_size() > 1;
  if (a.save_state > 0) {
    const std::string why = a.no_fork ? "--no-fork" : a.resume ? "--resume" : !a.shard.empty() ? "--shard" : mpi ? "MPI ranks" : "";
    if (!why.empty())
      throw sim::InputError(ex.file, 0, 0, "--save-state: not with " + why + " (every warm-up must be computed by this process)");
    if (a.save_state > ex.warmup_weeks)
      throw sim::InputError(ex.file, 0, 0, "--save-state " + fmt::format("{:g}", a.save_state) +
                                               ": beyond the warm-up (warmup_weeks = " + fmt::format("{:g}", ex.warmup_weeks) +
                                               "); a saved state is the baseline's, before any measurement");
    if (ex.fork_week > 0 && ex.fork_week != a.save_state)
      throw sim::InputError(ex.file, 0, 0, "--save-state " + fmt::format("{:g}", a.save_state) +
                                               ": the experiment sets fork_week = " + fmt::format("{:g}", ex.fork_week));
    ex.fork_week = a.save_state;
    if (models::fork_plan(ex).groups == 0)
      throw sim::InputError(ex.file, 0, 0, "--save-state " + fmt::format("{:g}", a.save_state) +
                                               ": no scenario branches at that week (each has an intervention acting "
                                               "before it or changing the setting): there is no shared state to save");
  }
  if (!a.start_from.empty()) ex.start_from = a.start_from;
  if (ex.start_from.empty()) return nullptr;
  if (a.no_fork) throw sim::InputError(ex.file, 0, 0, "--no-fork: this run starts from a saved state (start_from)");
  return models::SavedStates::load(ex.start_from, ex);
}

// Before any work: an output name that cannot be written is found now, not
// after every replicate has run.
void check_output(const RunArgs& a) {
  namespace fs = std::filesystem;
  if (a.output.empty()) throw sim::InputError("", 0, 0, "-o/--output: expected a results file name, got an empty one");
  std::error_code ec;
  if (fs::is_directory(a.output, ec))
    throw sim::InputError(a.output, 0, 0, "-o/--output: is a directory; expected a results file name");
  if (fs::exists(a.output, ec) && fs::equivalent(a.output, a.experiment, ec))
    throw sim::InputError(a.output, 0, 0, "-o/--output: is the experiment file itself");
  for (unsigned char ch : a.output)
    if (ch < 0x20 || ch == 0x7f)
      throw sim::InputError("", 0, 0, "-o/--output: control characters are not allowed in the file name");
}

std::string shell_quote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:+,@") ==
                        std::string::npos)
    return s;
  std::string o = "'";
  for (char c : s) o += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return o + "'";
}

// The command that continues this run (same overrides: the checkpoint
// checks them).
std::string resume_command(const RunArgs& a) {
  std::string c = "passerelle run " + shell_quote(a.experiment) + " -o " + shell_quote(a.output);
  if (a.replicates > 0) c += " --replicates " + std::to_string(a.replicates);
  if (a.seed >= 0) c += " --seed " + std::to_string(a.seed);
  if (!a.shard.empty()) c += " --shard " + a.shard;
  if (a.threads > 0) c += " --threads " + std::to_string(a.threads);
  for (const auto& s : a.sets) c += " --set " + shell_quote(s);
  if (!a.start_from.empty()) c += " --start-from " + shell_quote(a.start_from);  // the same fork point
  return c + " --resume";
}

int run(const RunArgs& a) {
  check_output(a);
  models::Experiment ex = models::load_experiment(a.experiment);
  if (a.replicates > 0) ex.replicates = a.replicates;
  if (a.seed >= 0) ex.seed = static_cast<std::uint64_t>(a.seed);
  models::apply_overrides(ex, a.sets);
  const auto states = prepare_states(a, ex);
  const std::filesystem::path state_file =
      a.save_state > 0 ? (a.state_file.empty() ? models::default_state_path(a.output) : std::filesystem::path(a.state_file))
                       : std::filesystem::path();
  if (!state_file.empty() && (std::filesystem::is_directory(state_file) || state_file == a.output))
    throw sim::InputError(state_file.string(), 0, 0, "--state-file: expected a file name other than the results'");
  models::DurableOptions opt;
  opt.output = a.output;
  opt.resume = a.resume;
  opt.force = a.force;
  if (!a.shard.empty()) opt.shard = models::parse_shard(a.shard);  // checked by the option's validator
  const models::Setting setting = models::build_setting(ex);
  if (states) states->check(ex, setting);
  std::unique_ptr<models::StateSaver> saver;
  if (a.save_state > 0) saver = std::make_unique<models::StateSaver>(ex, a.save_state);
  if (!a.no_memory_check) {
    const std::size_t all = models::task_count(ex);
    const std::size_t tasks = opt.shard ? models::shard_tasks(all, *opt.shard).size() : all;
    models::check_memory(models::estimate_memory(ex, setting, a.threads, tasks), ex);
  }

  const sim::mpi::Session comm;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  opt.threads = a.threads;
  opt.progress = !a.quiet && sim::Progress::stderr_is_terminal();
  opt.stop = &g_stop;
  if (!a.quiet && comm.is_root()) opt.notice = [](const std::string& s) { std::cerr << "passerelle: " << s << "\n"; };
  models::DurableOutcome res;
  try {
    if (opt.notice && !a.no_fork) {
      const models::ForkPlan plan = models::fork_plan(ex);
      if (!plan.full.empty() && plan.groups > 0) {
        std::string names;
        for (const auto& f : plan.full) names += (names.empty() ? "" : "; ") + f;
        opt.notice("scenarios branch from a shared warm-up except, run in full: " + names);
      }
    }
    models::RunOptions state_opt;
    state_opt.start_from = states.get();
    state_opt.save_to = saver.get();
    if (states && opt.notice)
      opt.notice("forked scenarios start from the states at week " + fmt::format("{:g}", states->header().week) +
                 " in " + states->path().string());
    res = models::run_durably(ex, setting, opt, comm, analysis::write_results_file, !a.no_fork, state_opt);
  } catch (const sim::InputError&) {
    throw;  // found before anything ran; every rank learnt it
  } catch (const std::exception& e) {
    if (comm.is_root() && std::filesystem::exists(models::checkpoint_path(a.output)))
      std::cerr << "passerelle: the finished tasks are kept in " << models::checkpoint_path(a.output).string()
                << "; once the cause is fixed, continue with:\n  " << resume_command(a) << "\n";
    throw;
  }
  if (!comm.is_root()) return res.exit_code;
  if (saver && res.status != models::DurableOutcome::Status::Interrupted) {
    saver->write(state_file);
    if (!a.quiet) {
      const double residents = static_cast<double>(setting.territory.population());
      std::cerr << "passerelle: saved " << saver->states() << " replicate states at week " << a.save_state << " in "
                << state_file.string() << " (" << models::byte_text(static_cast<double>(saver->bytes())) << ", "
                << fmt::format("{:.1f}", static_cast<double>(saver->bytes()) /
                                              (static_cast<double>(saver->states()) * std::max(1.0, residents)))
                << " bytes per resident and replicate)\n";
    }
  }
  if (res.status == models::DurableOutcome::Status::Interrupted) {
    std::cerr << "passerelle: interrupted: " << res.done << " of " << res.tasks << " tasks are saved in "
              << res.checkpoint.string() << "\ncontinue with:\n  " << resume_command(a) << "\n";
    return 130;
  }
  if (a.quiet) return 0;
  if (opt.shard)
    std::cout << "Shard " << a.shard << " (" << res.tasks << " tasks): " << a.output
              << "\nJoin the shards with: passerelle merge OUT.h5 SHARD_FILES...\n";
  else
    std::cout << analysis::summary_text(a.output) << "\nResults: " << a.output << "\n";
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* c = app.add_subcommand("run", "run an experiment and write its HDF5 results");
  c->add_option("experiment", a->experiment, "experiment file (TOML)")->required();
  c->add_option("-o,--output", a->output, "results file (HDF5), or the shard file with --shard")->required();
  c->add_option("--threads", a->threads, "worker threads (0: all cores)")->check(CLI::Range(0u, 4096u));
  c->add_option("--replicates", a->replicates, "override the number of replicates")->check(CLI::Range(1, 100000));
  c->add_option("--seed", a->seed, "override the base seed")->check(CLI::Range(0LL, 9007199254740991LL));
  c->add_option("--shard", a->shard,
                "run only slice I of N of the scenario x replicate grid (contiguous slices) and write a shard "
                "file for `passerelle merge`")
      ->check(CLI::Validator(
          [](std::string& s) {
            return models::parse_shard(s) ? std::string() : "expected I/N with 1 <= I <= N, got '" + s + "'";
          },
          "I/N", "shard"));
  c->add_option("--set", a->sets,
                 "NAME=VALUE: set a model parameter or an intervention's <type>.<key> in every scenario "
                 "(repeatable; checked like the file's values; --resume needs the same ones)")
      ->allow_extra_args(false);
  c->add_flag("--resume", a->resume,
              "continue an interrupted run from OUT.partial (same experiment, seed, replicates and shard)");
  c->add_flag("--force", a->force, "overwrite an existing results file; without --resume, discard a checkpoint");
  c->add_flag("--quiet", a->quiet, "no progress line, no summary");
  c->add_flag("--no-fork", a->no_fork,
              "simulate every scenario's warm-up in full instead of branching from one shared warm-up per "
              "replicate (same numbers, slower)");
  c->add_option("--save-state", a->save_state,
                 "W: fork at week W (at most warmup_weeks) and write every replicate's shared warm-up state there "
                 "to the state file, for start_from")
      ->check(CLI::PositiveNumber);
  c->add_option("--state-file", a->state_file, "where --save-state writes (default: OUT with extension .state)");
  c->add_option("--start-from", a->start_from,
                "a state file from run --save-state: forked scenarios start from it (overrides the experiment's "
                "start_from)");
  c->add_flag("--no-memory-check", a->no_memory_check,
              "run even when the estimated memory exceeds the machine's physical memory");
  return {c, [a] { return run(*a); }};
}

}  // namespace cli
