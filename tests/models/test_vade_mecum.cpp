// The Vade Mecum: it helps only GPs who own it and open it, only after its
// launch; copies get lost; the evaluation is a snapshot at its own date.
#include <gtest/gtest.h>

#include <cmath>

#include "helpers.hpp"
#include "models/run.hpp"

using testing_helpers::value;

namespace {

// Herbasse, 52 weeks (8 of warm-up), a baseline then the given scenarios.
models::ExperimentResults run(const std::string& scenarios, int replicates = 3, double weeks = 52) {
  const auto ex = models::parse_experiment(R"([experiment]
name = "vm"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 5

[[scenario]]
name = "baseline"
)" + scenarios,
                                           "vm.toml");
  return models::run_experiment(ex, models::build_setting(ex), {});
}

// A directory launched at week 4 that every GP owns and opens, unless
// `extra` ("key = value" lines) says otherwise.
std::string scenario(const std::string& name, const std::string& extra) {
  std::string s = "[[scenario]]\nname = \"" + name + "\"\n[[scenario.intervention]]\ntype = \"vade_mecum\"\n" + extra;
  for (const char* kv : {"build_weeks = 4", "p_aware = 1.0", "p_own = 1.0", "p_use = 1.0", "loss_per_year = 0",
                         "evaluation_weeks_after_launch = 30"}) {
    const std::string key = std::string(kv).substr(0, std::string(kv).find(' '));
    if (("\n" + extra).find("\n" + key + " ") == std::string::npos) s += std::string(kv) + "\n";
  }
  return s;
}

// The pathway metrics a directory could change.
const char* const kPathway[] = {"wrong_door_hops", "unmet_need_days", "needs_resolved", "needs_abandoned",
                                "contact_attempts", "gp_social_minutes_per_gp_week", "gp_minutes_search",
                                "secrecy_blocked", "mean_tie_degree"};

void expect_same_pathway(const models::ReplicateResult& a, const models::ReplicateResult& b) {
  for (const char* m : kPathway) EXPECT_EQ(value(a, m), value(b, m)) << m;
}

}  // namespace

TEST(VadeMecum, HelpsOnlyGpsWhoOwnAndOpenIt) {
  const auto res = run(scenario("all-use", "") + scenario("nobody-owns", "p_own = 0.0\n") +
                       scenario("nobody-opens", "p_use = 0.0\n"));
  double hops_base = 0, hops_use = 0;
  for (int r = 0; r < 3; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& use = res.scenarios[1].replicates[r];
    EXPECT_GT(value(use, "vade_mecum_uses"), 0);
    EXPECT_GT(value(use, "vade_mecum_contacts_found"), 0);
    hops_base += value(base, "wrong_door_hops");
    hops_use += value(use, "wrong_door_hops");
    // Not owned or never opened: identical to the baseline, draw for draw.
    for (int s : {2, 3}) {
      const auto& idle = res.scenarios[static_cast<std::size_t>(s)].replicates[r];
      EXPECT_EQ(value(idle, "vade_mecum_uses"), 0);
      expect_same_pathway(idle, base);
    }
  }
  EXPECT_LT(hops_use, hops_base);  // knowing where to send: fewer wrong doors
}

TEST(VadeMecum, NoLookupBeforeTheLaunch) {
  // Launched after the horizon: nothing happens, though everyone would use it.
  const auto res = run(scenario("launched-later", "build_weeks = 60\n"));
  for (int r = 0; r < 3; ++r) {
    const auto& later = res.scenarios[1].replicates[r];
    EXPECT_EQ(value(later, "vade_mecum_uses"), 0);
    EXPECT_TRUE(std::isnan(value(later, "vade_mecum_aware_share")));  // evaluation not reached
    expect_same_pathway(later, res.scenarios[0].replicates[r]);
  }
}

TEST(VadeMecum, OwnershipIsLostOverTime) {
  const auto res = run(scenario("kept", "") + scenario("lost", "loss_per_year = 2.0\n"), 4);
  double kept = 0, lost = 0;
  for (int r = 0; r < 4; ++r) {
    const auto& k = res.scenarios[1].replicates[r];
    const auto& l = res.scenarios[2].replicates[r];
    EXPECT_EQ(value(k, "vade_mecum_own_share"), 1.0);  // everyone aware and owning, nothing lost
    EXPECT_EQ(value(l, "vade_mecum_aware_share"), 1.0);  // awareness stays
    EXPECT_LE(value(l, "vade_mecum_own_share"), value(k, "vade_mecum_own_share"));
    kept += value(k, "vade_mecum_own_share");
    lost += value(l, "vade_mecum_own_share");
  }
  // 30 weeks at 2 copies lost per year: exp(-1.15) = 0.32 kept on average.
  EXPECT_LT(lost / 4, 0.6);
  EXPECT_GT(lost / 4, 0.1);
  EXPECT_GT(kept, lost);
}

TEST(VadeMecum, EvaluationIsASnapshotAtItsDate) {
  // Same seed, two horizons after the evaluation date: the same figures.
  const std::string s = scenario("vm", "p_use = 0.2\np_find = 0.5\nevaluation_weeks_after_launch = 40\n");
  const auto a = run(s, 2, 52), b = run(s, 2, 60);
  for (int r = 0; r < 2; ++r)
    for (const char* f : {"vade_mecum_aware_share", "vade_mecum_own_share", "vade_mecum_used_more_than_once_share",
                          "vade_mecum_found_contact_share"}) {
      const double va = value(a.scenarios[1].replicates[r], f);
      EXPECT_FALSE(std::isnan(va)) << f;
      EXPECT_EQ(va, value(b.scenarios[1].replicates[r], f)) << f;
    }
  EXPECT_NE(value(a.scenarios[1].replicates[0], "vade_mecum_uses"),
            value(b.scenarios[1].replicates[0], "vade_mecum_uses"));  // the run itself went on
}

TEST(VadeMecum, CostsAndBaselineKnowledgeAreReported) {
  const auto res = run(scenario("vm", "setup_cost_eur = 10000\nrunning_cost_eur_per_year = 3652.5\n"), 2);
  for (int r = 0; r < 2; ++r) {
    const auto& vm = res.scenarios[1].replicates[r];
    EXPECT_NEAR(value(vm, "cost_eur"), 10000 + 10.0 * 44 * 7, 1e-6);  // set-up + 44 measured weeks
    EXPECT_EQ(value(vm, "vade_mecum_gps_evaluated"), value(vm, "gps"));  // catchment: all
    const double not_well = value(vm, "gps_not_knowing_well_share");
    EXPECT_GE(not_well, 0.0);
    EXPECT_LE(not_well, 1.0);
  }
}

TEST(VadeMecum, UnknownCatchmentIsAnError) {
  EXPECT_ANY_THROW(run(scenario("vm", "catchment = [\"Nowhere\"]\n"), 1, 20));
}
