// `passerelle run EXPERIMENT.toml -o OUT.h5`
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>

#include "models/cli/commands.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"
#include "sim/progress.hpp"

namespace cli {
namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop.store(true); }

struct RunArgs {
  std::string experiment, output;
  unsigned threads = 0;
  int replicates = 0;
  long long seed = -1;
  bool force = false, quiet = false;
};

int run(const RunArgs& a) {
  namespace fs = std::filesystem;
  models::Experiment ex = models::load_experiment(a.experiment);
  if (a.replicates > 0) ex.replicates = a.replicates;
  if (a.seed >= 0) ex.seed = static_cast<std::uint64_t>(a.seed);
  if (fs::exists(a.output) && !a.force)
    throw sim::InputError("", 0, 0, "-o " + a.output + ": the file exists (use --force to overwrite)");
  const models::Setting setting = models::build_setting(ex);
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  models::RunOptions opt;
  opt.threads = a.threads;
  opt.progress = !a.quiet && sim::Progress::stderr_is_terminal();
  opt.stop = &g_stop;
  const auto res = models::run_experiment(ex, setting, opt);
  if (g_stop.load() || res.completed < res.total) {
    std::cerr << "passerelle: interrupted after " << res.completed << " of " << res.total
              << " replicates; no results file written\n";
    return 130;
  }
  models::write_results(a.output, a.force, ex, setting, res);
  if (!a.quiet) std::cout << models::summary_text(a.output) << "\nResults: " << a.output << "\n";
  return 0;
}

}  // namespace

Command add_run(CLI::App& app) {
  auto a = std::make_shared<RunArgs>();
  auto* c = app.add_subcommand("run", "run an experiment and write its HDF5 results");
  c->add_option("experiment", a->experiment, "experiment file (TOML)")->required();
  c->add_option("-o,--output", a->output, "results file (HDF5)")->required();
  c->add_option("--threads", a->threads, "worker threads (0: all cores)")->check(CLI::Range(0u, 4096u));
  c->add_option("--replicates", a->replicates, "override the number of replicates")->check(CLI::Range(1, 100000));
  c->add_option("--seed", a->seed, "override the base seed")->check(CLI::Range(0LL, 9007199254740991LL));
  c->add_flag("--force", a->force, "overwrite an existing results file");
  c->add_flag("--quiet", a->quiet, "no progress line, no summary");
  return {c, [a] { return run(*a); }};
}

}  // namespace cli
