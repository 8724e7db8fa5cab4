// Saved states (models/replicate_state*.{hpp,cpp}, issue 15): a replicate's
// state saved, read back and continued gives every number of an
// uninterrupted run; a run whose scenarios start from a state file equals the
// run that saved it, at one and two threads; files that do not belong to the
// experiment, or are cut short or damaged, are refused with InputError.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "models/checkpoint.hpp"
#include "models/experiment.hpp"
#include "models/replicate_state_file.hpp"
#include "models/run.hpp"
#include "same_results.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"
#include "sim/record_log.hpp"

namespace fs = std::filesystem;
using testing_helpers::expect_same;
using testing_helpers::recorded;

namespace {

// Four scenarios: the baseline, one acting after the fork point, one with
// other model parameters (a warm-up group of its own), one acting before it
// (runs in full).
const char* kExperiment = R"(
[experiment]
name = "states"
territory = "herbasse"
replicates = 2
horizon_weeks = 30
warmup_weeks = 12
seed = 7
[[scenario]]
name = "baseline"
[[scenario]]
name = "directory"
[[scenario.intervention]]
type = "vade_mecum"
start_week = 12
[[scenario]]
name = "strict"
[scenario.parameters]
"secrecy.regime" = "strict"
[[scenario]]
name = "early"
[[scenario.intervention]]
type = "vade_mecum"
start_week = 3
)";

fs::path temp(const std::string& name) {
  const fs::path d = fs::temp_directory_path() / ("passerelle-states-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d / name;
}

// Saves the states of `ex` at `week` while running it; returns the results.
models::ExperimentResults run_and_save(const models::Experiment& ex, const models::Setting& setting, double week,
                                       const fs::path& file) {
  models::Experiment at = ex;
  at.fork_week = week;
  models::StateSaver saver(at, week);
  models::RunOptions opt{1, false, nullptr, true};
  opt.save_to = &saver;
  auto res = models::run_experiment(at, setting, opt);
  EXPECT_TRUE(saver.complete());
  saver.write(file);
  return res;
}

std::string load_error(const fs::path& file, models::Experiment ex) {
  try {
    const auto states = models::SavedStates::load(file, ex);
    states->check(ex, models::build_setting(ex));
  } catch (const sim::InputError& e) {
    return e.what();
  }
  return "accepted";
}

}  // namespace

TEST(SavedState, ASavedStateReadBackAndContinuedIsAnUninterruptedRun) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const auto setting = models::build_setting(ex);
  for (double week : {5.0, 12.0}) {
    for (std::size_t s : {0u, 1u}) {
      const auto& sc = ex.scenarios[s];
      const models::RunSpec spec{1, models::replicate_seed(ex.seed, 1), ex.horizon_weeks, ex.warmup_weeks, week};
      models::Replicate whole(setting, sc.params, spec, sc.interventions);
      const std::string once = recorded(whole.run());
      const auto warm = models::Replicate::warm_up(setting, sc.params, spec);
      const std::string bytes = warm->save_state();
      const auto back = models::Replicate::restore_state(setting, sc.params, spec, bytes, "state");
      EXPECT_EQ(back->save_state(), bytes) << "week " << week;  // nothing lost either way
      EXPECT_EQ(recorded(models::Replicate::run_forked(*back, sc.interventions)), once)
          << "scenario " << sc.name << ", week " << week;
    }
  }
}

TEST(SavedState, ARunStartedFromSavedStatesEqualsTheFullRun) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const auto setting = models::build_setting(ex);
  for (double week : {6.0, 12.0}) {
    const fs::path file = temp("run.state");
    const auto saved = run_and_save(ex, setting, week, file);
    models::Experiment at = ex;
    at.fork_week = week;
    expect_same(models::run_experiment(at, setting, {1, false, nullptr, false}), saved, "no fork");
    models::Experiment later = ex;
    const auto states = models::SavedStates::load(file, later);
    EXPECT_EQ(later.fork_week, week);
    states->check(later, setting);
    for (unsigned threads : {1u, 2u}) {
      models::RunOptions opt{threads, false, nullptr, true};
      opt.start_from = states.get();
      expect_same(models::run_experiment(later, setting, opt), saved,
                  "start_from at week " + std::to_string(week) + ", " + std::to_string(threads) + " threads");
    }
    // Fewer replicates than saved: the first ones, the same numbers.
    later.replicates = 1;
    models::RunOptions opt{1, false, nullptr, true};
    opt.start_from = states.get();
    const auto one = models::run_experiment(later, setting, opt);
    for (std::size_t s = 0; s < ex.scenarios.size(); ++s)
      EXPECT_EQ(recorded(one.scenarios[s].replicates[0]), recorded(saved.scenarios[s].replicates[0]));
  }
}

TEST(SavedState, StatesThatDoNotBelongToTheExperimentAreRefused) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const auto setting = models::build_setting(ex);
  const fs::path file = temp("refuse.state");
  run_and_save(ex, setting, 12, file);
  ASSERT_EQ(load_error(file, ex), "accepted");
  auto refused = [&](const std::string& text, const std::string& expect) {
    const std::string e = load_error(file, models::parse_experiment(text, "s.toml"));
    EXPECT_NE(e.find(expect), std::string::npos) << e;
    EXPECT_NE(e.find(file.string()), std::string::npos) << e;
  };
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = kExperiment;
    t.replace(t.find(from), from.size(), to);
    return t;
  };
  refused(with("seed = 7", "seed = 8"), "seed 7");
  refused(with("replicates = 2", "replicates = 3"), "holds 2 replicates");
  refused(with("territory = \"herbasse\"", "territory = \"privas\""), "territory herbasse");
  refused(with("horizon_weeks = 30", "horizon_weeks = 31"), "horizon_weeks");
  refused(with("warmup_weeks = 12", "warmup_weeks = 14"), "warmup_weeks");
  refused(with("seed = 7", "seed = 7\nfork_week = 10"), "fork_week = 10");
  refused(with("\"secrecy.regime\" = \"strict\"", "\"secrecy.regime\" = \"strict\"\n\"gp.busy_in_consultation\" = 0.9"),
          "scenario 'strict' has model parameters");
  refused(with("seed = 7", "seed = 7\npopulation_scale = 0.5"), "population_scale");
}

TEST(SavedState, AnotherFormatVersionIsRefused) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const fs::path file = temp("version.state");
  run_and_save(ex, models::build_setting(ex), 12, file);
  // The header's format version follows its magic string (u64 length, text).
  sim::LogContents log = sim::read_log(file);
  const std::size_t at = 8 + std::string("passerelle replicate states").size();
  ASSERT_EQ(log.header[at], static_cast<char>(models::kStateFormat));
  log.header[at] = 99;
  auto w = sim::LogWriter::create(file, log.header);
  for (const auto& r : log.records) w.append(r);
  w.close();
  EXPECT_NE(load_error(file, ex).find("format version 99"), std::string::npos) << load_error(file, ex);
}

TEST(SavedState, ATruncatedOrDamagedFileIsRefusedNotCrashedOn) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const fs::path file = temp("whole.state"), cut = temp("cut.state");
  run_and_save(ex, models::build_setting(ex), 12, file);
  std::string bytes;
  {
    std::ifstream in(file, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_GT(bytes.size(), 1000u);
  // Cut short anywhere (about 60 places, the header's included), and one
  // byte changed anywhere: InputError, never a crash or a run.
  const std::size_t step = bytes.size() / 60 + 1;
  for (std::size_t n = 0; n < bytes.size(); n += step) {
    std::ofstream(cut, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(n));
    EXPECT_NE(load_error(cut, ex), "accepted") << "cut at " << n;
  }
  for (std::size_t n = 3; n < bytes.size(); n += step) {
    std::string damaged = bytes;
    damaged[n] = static_cast<char>(damaged[n] ^ 0x5a);
    std::ofstream(cut, std::ios::binary | std::ios::trunc).write(damaged.data(), static_cast<std::streamsize>(damaged.size()));
    EXPECT_NE(load_error(cut, ex), "accepted") << "byte " << n << " changed";
  }
}

TEST(SavedState, AReplicateWithInterventionsAttachedIsNotSaved) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const auto setting = models::build_setting(ex);
  const auto& sc = ex.scenarios[3];  // vade_mecum attached at construction
  models::Replicate rep(setting, sc.params, {0, 1, 30, 12, 0}, sc.interventions);
  EXPECT_THROW(rep.save_state(), sim::RunError);
}

// The decoder itself, below the file's checksums: a state's bytes cut short
// or with a byte changed (a few hundred places, fixed seed) are refused with
// InputError or RunError, or decode to a state within bounds — never a crash
// or a read out of bounds (the sanitizer builds run this too).
TEST(SavedState, DamagedStateBytesAreRefusedNotCrashedOn) {
  const models::Experiment ex = models::parse_experiment(kExperiment, "s.toml");
  const auto setting = models::build_setting(ex);
  const auto& sc = ex.scenarios[0];
  const models::RunSpec spec{0, models::replicate_seed(ex.seed, 0), ex.horizon_weeks, ex.warmup_weeks, 12};
  const std::string bytes = models::Replicate::warm_up(setting, sc.params, spec)->save_state();
  sim::Stream rng(99);
  int refused = 0;
  auto attempt = [&](const std::string& damaged) {
    try {
      const auto back = models::Replicate::restore_state(setting, sc.params, spec, damaged, "fuzz");
      EXPECT_NE(back, nullptr);
    } catch (const sim::InputError&) {
      ++refused;
    } catch (const sim::RunError&) {
      ++refused;
    }
  };
  for (int i = 0; i < 150; ++i) attempt(bytes.substr(0, rng.below(bytes.size())));
  EXPECT_EQ(refused, 150);  // every cut is refused
  for (int i = 0; i < 250; ++i) {
    std::string damaged = bytes;
    const std::size_t at = rng.below(damaged.size());
    damaged[at] = static_cast<char>(damaged[at] ^ static_cast<char>(1 + rng.below(255)));
    attempt(damaged);
  }
  EXPECT_GT(refused, 150 + 20);  // many changes are caught (lengths, indexes, ranges)
}

TEST(SavedState, ForkWeekSetsTheForkPointAndTheFileDoesNotDependOnThreads) {
  std::string text = kExperiment;
  text.replace(text.find("seed = 7"), 8, "seed = 7\nfork_week = 6");
  const models::Experiment ex = models::parse_experiment(text, "s.toml");
  EXPECT_EQ(ex.fork_week, 6);
  const auto plan = models::fork_plan(ex);
  EXPECT_EQ(plan.week, 6);
  EXPECT_EQ(plan.group[3], -1);  // "early" starts at week 3, before the fork point
  std::string late = kExperiment;
  late.replace(late.find("seed = 7"), 8, "seed = 7\nfork_week = 13");
  try {
    models::parse_experiment(late, "s.toml");
    ADD_FAILURE() << "fork_week beyond the warm-up accepted";
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("fork_week: must be at most warmup_weeks"), std::string::npos) << e.what();
  }
  // The same states, in the same order, whatever the threads.
  const auto setting = models::build_setting(ex);
  std::string files[2];
  for (unsigned threads : {1u, 2u}) {
    models::StateSaver saver(ex, 6);
    models::RunOptions opt{threads, false, nullptr, true};
    opt.save_to = &saver;
    models::run_experiment(ex, setting, opt);
    const fs::path file = temp("threads.state");
    saver.write(file);
    std::ifstream in(file, std::ios::binary);
    files[threads - 1].assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  EXPECT_EQ(files[0], files[1]);
}
