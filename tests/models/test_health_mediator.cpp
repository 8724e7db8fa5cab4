// The health mediator (models/interventions/health_mediator.cpp): her effect
// comes through the pathway — fewer drop-outs and wrong doors for the needs
// she accompanies — within her list and her hours, whose minutes she counts.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "models/run.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& scenarios, int replicates, double weeks = 40) {
  return models::parse_experiment(R"([experiment]
name = "mediator"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 23

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "mediator.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

std::string mediator(const std::string& name, const std::string& body) {
  return "[[scenario]]\nname = \"" + name + "\"\n[[scenario.intervention]]\ntype = \"health_mediator\"\n"
         "precarious_only = false\n" + body;
}

}  // namespace

// More mediator time: more doors accompanied, no more abandoned needs and
// no more wrong-door hops, summed over seeds; and the minutes add up.
TEST(HealthMediator, MoreTimeFewerDropoutsAndWrongDoors) {
  const auto res = run(experiment(mediator("small", "fte = 0.2\n") + mediator("large", "fte = 20\n"), 3));
  double abandoned[3] = {0, 0, 0}, hops[3] = {0, 0, 0}, doors[3] = {0, 0, 0};
  for (int s = 0; s < 3; ++s)
    for (const auto& rep : res.scenarios[s].replicates) {
      abandoned[s] += value(rep, "needs_abandoned");
      hops[s] += value(rep, "wrong_door_hops");
      if (s == 0) continue;
      doors[s] += value(rep, "mediator_doors_accompanied");
      const double minutes = value(rep, "mediator_people_taken_on") * 60 + value(rep, "mediator_doors_accompanied") * 150;
      EXPECT_NEAR(value(rep, "mediator_minutes"), minutes, 1e-6);
      EXPECT_LE(value(rep, "mediator_utilisation"), 1.0 + 1e-9);
    }
  EXPECT_GT(doors[1], 0);
  EXPECT_GT(doors[2], 2 * doors[1]);
  EXPECT_LT(abandoned[2], abandoned[1]);
  EXPECT_LE(abandoned[1], abandoned[0]);
  EXPECT_LT(hops[2], 0.9 * hops[0]);
  EXPECT_LE(hops[1], hops[0]);
  for (const auto& rep : res.scenarios[1].replicates)  // a fifth of a week is soon full
    EXPECT_GT(value(rep, "mediator_declined_week_full") + value(rep, "mediator_declined_list_full"), 0);
}

// No time for one accompaniment a week: she accompanies nobody, and the
// pathway is the baseline's, bit for bit.
TEST(HealthMediator, WithoutTimeNothingChanges) {
  const auto res = run(experiment(mediator("no-time", "fte = 0.05\nhours_per_week = 1\n"), 2, 30));
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& m = res.scenarios[1].replicates[r];
    EXPECT_EQ(value(m, "mediator_doors_accompanied"), 0);
    EXPECT_GT(value(m, "mediator_declined_week_full"), 0);
    for (const char* f : {"needs_abandoned", "wrong_door_hops", "unmet_need_days", "needs_resolved", "events"})
      EXPECT_EQ(value(m, f), value(base, f)) << f;
  }
}

// Each channel moves its own outcome: taking people to the right door cuts
// wrong-door hops; going with them cuts drop-outs.
TEST(HealthMediator, RightDoorsComeFromTheMediatorNotFromFewerDropouts) {
  const auto res = run(experiment(mediator("doors-only", "fte = 20\ndropout_reduction = 0\nright_door_prob = 1\n") +
                                      mediator("dropout-only", "fte = 20\ndropout_reduction = 1\nright_door_prob = 0\n"),
                                  3));
  double hops[3] = {0, 0, 0}, abandoned[3] = {0, 0, 0}, redirects = 0;
  for (int s = 0; s < 3; ++s)
    for (const auto& rep : res.scenarios[s].replicates) {
      hops[s] += value(rep, "wrong_door_hops");
      abandoned[s] += value(rep, "needs_abandoned");
      if (s == 1) redirects += value(rep, "mediator_right_door_redirects");
    }
  EXPECT_GT(redirects, 0);
  EXPECT_LT(hops[1], hops[0]);
  EXPECT_LT(abandoned[2], abandoned[0]);
}
