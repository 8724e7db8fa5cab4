// The intervention framework: registry, parsing from the experiment file,
// schedule and cost, composition; and the two simple interventions.
#include <gtest/gtest.h>

#include "helpers.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& scenarios, int replicates = 2, double weeks = 52) {
  return models::parse_experiment(R"([experiment]
name = "iv"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 3

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "iv.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

}  // namespace

TEST(Interventions, RegistryListsEveryBuiltinWithParameters) {
  const auto& reg = models::interventions();
  for (const auto& t : reg.all()) {
    EXPECT_FALSE(t.description.empty()) << t.name;
    const auto infos = t.params();
    EXPECT_FALSE(infos.empty()) << t.name;
    for (const auto& p : infos) EXPECT_FALSE(p.source.empty()) << t.name << "." << p.name;
  }
  EXPECT_NE(reg.find("secrecy"), nullptr);
  EXPECT_NE(reg.find("health_mediator"), nullptr);
}

TEST(Interventions, UnknownTypeAndUnknownKeyAreInputErrors) {
  try {
    experiment("[[scenario]]\nname = \"x\"\n[[scenario.intervention]]\ntype = \"secrecyy\"\n");
    FAIL();
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'secrecy'"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 14);
  }
  try {
    experiment("[[scenario]]\nname = \"x\"\n[[scenario.intervention]]\ntype = \"secrecy\"\nregim = \"strict\"\n");
    FAIL();
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("regime"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 15);
  }
}

TEST(Interventions, ScheduleRampsAndCosts) {
  models::Schedule s;
  s.start_week = 10;
  s.ramp_up_weeks = 10;
  s.setup_cost_eur = 1000;
  s.running_cost_eur_per_year = 36525;
  EXPECT_EQ(s.ramp(sim::weeks(5)), 0);
  EXPECT_NEAR(s.ramp(sim::weeks(15)), 0.5, 1e-9);
  EXPECT_EQ(s.ramp(sim::weeks(30)), 1);
  EXPECT_NEAR(s.cost(0, sim::weeks(10) + sim::days(100)), 1000 + 10000, 1e-6);
  EXPECT_NEAR(s.cost(sim::weeks(20), sim::weeks(20) + sim::days(10)), 1000 + 1000, 1e-6);  // set-up paid earlier
  EXPECT_EQ(s.cost(0, sim::weeks(10)), 0);  // not started yet
}

TEST(Interventions, SecrecyInterventionSwitchesTheRegimeAtItsStart) {
  const auto ex = experiment(R"([[scenario]]
name = "strict-now"
[[scenario.intervention]]
type = "secrecy"
regime = "strict"
[[scenario]]
name = "strict-never"
[[scenario.intervention]]
type = "secrecy"
regime = "strict"
start_week = 5000
)");
  const auto res = run(ex);
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    EXPECT_GT(value(res.scenarios[1].replicates[r], "secrecy_blocked"), value(base, "secrecy_blocked"));
    // Not started within the horizon: identical to the baseline (common random numbers).
    EXPECT_EQ(value(res.scenarios[2].replicates[r], "unmet_need_days"), value(base, "unmet_need_days"));
  }
}

TEST(Interventions, HealthMediatorReducesDropoutsAndCosts) {
  const auto ex = experiment(R"([[scenario]]
name = "mediator"
[[scenario.intervention]]
type = "health_mediator"
fte = 50
dropout_reduction = 1.0
precarious_only = false
running_cost_eur_per_year = 50000
)", 3);
  const auto res = run(ex);
  double base_ab = 0, med_ab = 0;
  for (int r = 0; r < 3; ++r) {
    base_ab += value(res.scenarios[0].replicates[r], "needs_abandoned");
    med_ab += value(res.scenarios[1].replicates[r], "needs_abandoned");
    EXPECT_EQ(value(res.scenarios[0].replicates[r], "cost_eur"), 0);
    EXPECT_NEAR(value(res.scenarios[1].replicates[r], "cost_eur"), 50000.0 * 44 * 7 / 365.25 + 2000, 1.0);
  }
  EXPECT_LT(med_ab, base_ab);
}
