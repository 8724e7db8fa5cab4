// `prevention_pathway`: CCAS health-prevention cohorts on the Privas preset.
// Group size, the yearly cap, who takes part, the start date and the fall of
// drop-out with adoption are checked on runs, through what the pathway does.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "helpers.hpp"
#include "models/experiment.hpp"

using testing_helpers::value;

namespace {

using Results = std::vector<std::vector<models::ReplicateResult>>;  // [scenario][replicate]

// Every scenario x replicate, one replicate at a time, each with its
// scenario's interventions and the replicate's common seed.
Results run_all(const models::Experiment& ex, const models::Setting& s) {
  Results out;
  for (const auto& sc : ex.scenarios) {
    out.emplace_back();
    for (int r = 0; r < ex.replicates; ++r) {
      const models::RunSpec spec{r, models::replicate_seed(ex.seed, r), ex.horizon_weeks, ex.warmup_weeks};
      out.back().push_back(models::Replicate(s, sc.params, spec, sc.interventions).run());
    }
  }
  return out;
}

const models::Setting& privas() {
  static const models::Setting s = models::load_setting("privas", 1.0);
  return s;
}

// A busy pathway: many registrations, so that the rules, not chance, bind.
const std::string kBusy = "registration_rate = 1.0\nadoption_at_start = 1.0\n";

Results run(const std::string& keys, int replicates = 3, double weeks = 156, double warmup = 8) {
  const auto ex = models::parse_experiment(R"([experiment]
name = "pathway"
territory = "privas"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = )" + std::to_string(warmup) + R"(
seed = 9

[[scenario]]
name = "baseline"
[[scenario]]
name = "pathway"
[[scenario.intervention]]
type = "prevention_pathway"
)" + keys,
                                           "pathway.toml");
  return run_all(ex, privas());
}

double mean(const Results& res, std::size_t scenario, const std::string& metric) {
  double t = 0;
  for (const auto& r : res[scenario]) t += value(r, metric);
  return t / static_cast<double>(res[scenario].size());
}

}  // namespace

TEST(PreventionPathway, CohortsWaitForTheGroupAndKeepToTheYearlyCap) {
  const auto res = run(kBusy + "group_size = 12\npathways_per_year = 2\n");
  for (const auto& r : res[1]) {
    EXPECT_GE(value(r, "prevention_min_registered"), 12);
    EXPECT_EQ(value(r, "prevention_max_pathways_in_a_year"), 2);  // demand is high: the cap binds
    EXPECT_LE(value(r, "prevention_pathways"), 2 * 3);
    EXPECT_GT(value(r, "prevention_needs_found"), 0);
    EXPECT_LE(value(r, "prevention_needs_handed_over"), value(r, "prevention_needs_found"));
  }
  // A group that never fills never leaves.
  const auto none = run("group_size = 1000\n", 2, 60);
  for (const auto& r : none[1]) {
    EXPECT_EQ(value(r, "prevention_pathways"), 0);
    EXPECT_EQ(value(r, "prevention_needs_found"), 0);
    EXPECT_GT(value(r, "prevention_registrations"), 0);
  }
}

TEST(PreventionPathway, OnlyPrecariousResidentsOfTheCatchmentTakePart) {
  const toml::table tab = toml::parse("type = \"prevention_pathway\"\ncatchment = [\"Privas-Nord\"]\n" + kBusy);
  const models::InterventionList ivs = {models::interventions().find("prevention_pathway")->parse(tab, "t.toml")};
  const models::RunSpec spec{0, 21, 104, 8};
  models::Replicate base(privas(), models::default_params(), spec);
  base.run();
  models::Replicate with(privas(), models::default_params(), spec, ivs);
  with.run();
  // Same population (common random numbers); the workshops raise knowledge.
  const auto& a = base.residents();
  const auto& b = with.residents();
  ASSERT_EQ(a.size(), b.size());
  const auto nord = *privas().territory.find("Privas-Nord");
  std::size_t raised = 0;
  for (std::uint32_t i = 0; i < a.size(); ++i) {
    if (a.knowledge[i] == b.knowledge[i]) continue;
    ++raised;
    EXPECT_TRUE(b.precarious(i));
    EXPECT_EQ(b.locality[i], nord);
    EXPECT_GT(b.knowledge[i], a.knowledge[i]);
  }
  EXPECT_GT(raised, 20u);
}

TEST(PreventionPathway, NothingHappensBeforeTheStart) {
  const auto never = run(kBusy + "start_week = 500\n", 2, 60);
  for (int r = 0; r < 2; ++r) {
    const auto& p = never[1][r];
    EXPECT_EQ(value(p, "prevention_registrations"), 0);
    EXPECT_EQ(value(p, "prevention_needs_found"), 0);
    EXPECT_EQ(value(p, "cost_eur"), 0);
    EXPECT_EQ(value(p, "unmet_need_days"), value(never[0][r], "unmet_need_days"));
  }
  const auto later = run(kBusy + "start_week = 30\nlead_days = 14\n", 2, 60, 0);
  for (const auto& r : later[1]) {
    EXPECT_GE(value(r, "prevention_first_departure_week"), 32);
    EXPECT_GT(value(r, "prevention_needs_found"), 0);
  }
}

TEST(PreventionPathway, DropoutFallsWithAdoption) {
  // Within a run: the first cohort leaves fewer on the bus than the last.
  const auto ramp = run(kBusy + "pathways_per_year = 3\n", 6);
  EXPECT_GT(mean(ramp, 1, "prevention_first_dropout"), mean(ramp, 1, "prevention_last_dropout") + 0.15);
  // Across runs: adopted at once vs never adopted.
  const auto at_once = run(kBusy + "ramp_up_weeks = 0\n", 4, 60);
  const auto never = run(kBusy + "ramp_up_weeks = 5000\n", 4, 60);
  EXPECT_LT(mean(at_once, 1, "prevention_first_dropout") + 0.15, mean(never, 1, "prevention_first_dropout"));
}

TEST(PreventionPathway, FoundNeedsReachASocialWorker) {
  const auto res = run(kBusy, 4);
  EXPECT_GT(mean(res, 1, "prevention_needs_handed_over"), 0);
  EXPECT_LT(mean(res, 1, "needs_never_disclosed"), mean(res, 0, "needs_never_disclosed"));
  EXPECT_GT(mean(res, 1, "cost_eur"), 0);
}
