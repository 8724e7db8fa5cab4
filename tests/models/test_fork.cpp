// Forking from a shared warm-up (models/replicate_fork.cpp, models/run.cpp):
// every shipped experiment gives the same numbers forked and in full, for
// one and two threads; a warm replicate copied and continued gives the
// numbers of an uninterrupted run; the plan says what cannot fork.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "models/checkpoint.hpp"
#include "models/experiment.hpp"
#include "models/intervention.hpp"
#include "models/run.hpp"
#include "same_results.hpp"

namespace fs = std::filesystem;
using testing_helpers::expect_same;
using testing_helpers::recorded;

TEST(Fork, EveryShippedExperimentGivesTheSameNumbersForkedAndInFull) {
  const fs::path dir = fs::path(PASSERELLE_SOURCE_DIR) / "experiments";
  const auto cwd = fs::current_path();
  fs::current_path(PASSERELLE_SOURCE_DIR);  // territories named relative to the repository
  int forked = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".toml" || entry.path().stem() == "france-scale") continue;
    if (entry.path().filename() == "calibration.toml") continue;  // a calibration file, not an experiment
    models::Experiment ex = models::load_experiment(entry.path().string());
    ex.replicates = 2;
    ex.horizon_weeks = std::min(ex.horizon_weeks, ex.warmup_weeks + 26);  // the identity holds at any horizon
    // A sweep's points are scenarios too: keep the experiment's first few.
    if (ex.scenarios.size() > 6) ex.scenarios.resize(6);
    const auto setting = models::build_setting(ex);
    const auto plan = models::fork_plan(ex);
    for (int g : plan.group) forked += g >= 0;
    const auto full = models::run_experiment(ex, setting, {1, false, nullptr, false});
    expect_same(full, models::run_experiment(ex, setting, {1, false, nullptr, true}), entry.path().stem().string());
    expect_same(full, models::run_experiment(ex, setting, {2, false, nullptr, true}),
                entry.path().stem().string() + " (2 threads)");
  }
  fs::current_path(cwd);
  EXPECT_GT(forked, 10);  // the test would be empty if nothing forked
}

TEST(Fork, AWarmReplicateCopiedAndContinuedIsAnUninterruptedRun) {
  models::Experiment ex = models::parse_experiment(R"(
[experiment]
name = "f"
territory = "herbasse"
replicates = 1
horizon_weeks = 40
warmup_weeks = 20
seed = 11
[[scenario]]
name = "baseline"
[[scenario]]
name = "directory"
[[scenario.intervention]]
type = "vade_mecum"
start_week = 20
)", "f.toml");
  const auto setting = models::build_setting(ex);
  const auto& sc = ex.scenarios[1];
  models::RunSpec spec{0, models::replicate_seed(ex.seed, 0), ex.horizon_weeks, ex.warmup_weeks, ex.warmup_weeks};
  models::Replicate whole(setting, sc.params, spec, sc.interventions);
  const auto warm = models::Replicate::warm_up(setting, sc.params, spec);
  const std::string once = recorded(whole.run());
  EXPECT_EQ(recorded(models::Replicate::run_forked(*warm, sc.interventions)), once);
  // The warm state is not consumed: a second branch gives the same again,
  // and the baseline branch differs (the directory acts after week 20).
  EXPECT_EQ(recorded(models::Replicate::run_forked(*warm, sc.interventions)), once);
  EXPECT_NE(recorded(models::Replicate::run_forked(*warm, {})), once);
}

TEST(Fork, ThePlanRunsInFullWhatActsBeforeTheForkPoint) {
  models::Experiment ex = models::parse_experiment(R"(
[experiment]
name = "f"
territory = "herbasse"
replicates = 1
horizon_weeks = 40
warmup_weeks = 20
seed = 11
[[scenario]]
name = "baseline"
[[scenario]]
name = "early"
[[scenario.intervention]]
type = "vade_mecum"
start_week = 10
[[scenario]]
name = "strict"
[scenario.parameters]
"secrecy.regime" = "strict"
[[scenario]]
name = "late"
[[scenario.intervention]]
type = "vade_mecum"
start_week = 20
)", "f.toml");
  const auto plan = models::fork_plan(ex);
  ASSERT_EQ(plan.group.size(), 4u);
  EXPECT_EQ(plan.group[0], 0);
  EXPECT_EQ(plan.group[1], -1);  // starts before the fork point
  EXPECT_EQ(plan.group[2], 1);   // other parameters: a warm-up of its own
  EXPECT_EQ(plan.group[3], 0);   // branches from the baseline's warm-up
  EXPECT_EQ(plan.groups, 2u);
  ASSERT_EQ(plan.full.size(), 1u);
  EXPECT_NE(plan.full[0].find("early"), std::string::npos);
}
