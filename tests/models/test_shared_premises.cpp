// Shared premises (models/interventions/shared_premises.cpp): under one
// roof without the intersectoral dynamic and without ties nobody meets in
// the corridor; with the dynamic ties grow; the shared care plan holds only
// between the house's GPs and the house's workers.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "helpers.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& params, const std::string& house, int replicates) {
  return models::parse_experiment(R"([experiment]
name = "house"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = 80
warmup_weeks = 10
seed = 41
)" + params + R"(
[[scenario]]
name = "baseline"
[[scenario]]
name = "dynamic"
[[scenario.intervention]]
type = "shared_premises"
)" + house + R"(
[[scenario]]
name = "polyclinic"
[[scenario.intervention]]
type = "shared_premises"
dynamic = false
)" + house,
                                  "house.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

std::unique_ptr<models::Intervention> house(const std::string& body) {
  return models::interventions().find("shared_premises")->parse(toml::parse(body), "test")->clone();
}

}  // namespace

TEST(SharedPremises, WithoutDynamicOrTiesNobodyMeetsInTheCorridor) {
  // No tie at the start, no GP ever phones (so no tie can form by phone) and
  // no practice hosts a worker of its own (no corridor outside the house):
  // only the dynamic can make house GPs and workers know each other.
  const auto res = run(experiment(R"([parameters]
"ties.initial_ties_per_gp" = [0, 0, 0]
"gp.max_attempts" = [0, 0, 0]
"gp.hosted_worker_prob" = [0, 0, 0, 0]
)", "locality = \"Romans-Nord\"\n", 2));
  for (int r = 0; r < 2; ++r) {
    const auto& dyn = res.scenarios[1].replicates[r];
    const auto& poly = res.scenarios[2].replicates[r];
    EXPECT_EQ(value(poly, "house_in_person_contacts"), 0);
    EXPECT_EQ(value(poly, "house_pairs_known"), 0);
    EXPECT_EQ(value(poly, "contact_attempts"), 0);
    EXPECT_GT(value(dyn, "house_in_person_contacts"), 0);
    EXPECT_GT(value(dyn, "house_pairs_known"), 0);
  }
}

TEST(SharedPremises, TheDynamicGrowsTiesAndCostsMeetingTime) {
  const auto res = run(experiment("", "locality = \"Romans-Nord\"\n", 2));
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& dyn = res.scenarios[1].replicates[r];
    const auto& poly = res.scenarios[2].replicates[r];
    EXPECT_GT(value(dyn, "house_pairs_known"), value(poly, "house_pairs_known"));
    EXPECT_GT(value(dyn, "house_pairs_cooperation"), value(poly, "house_pairs_cooperation"));
    EXPECT_GT(value(dyn, "house_in_person_contacts"), value(poly, "house_in_person_contacts"));
    EXPECT_GT(value(dyn, "mean_tie_degree"), value(base, "mean_tie_degree"));
    EXPECT_GT(value(dyn, "house_joint_days"), 0);
    EXPECT_GT(value(dyn, "gp_minutes_coordination"), 0);
    EXPECT_EQ(value(poly, "gp_minutes_coordination"), 0);
    EXPECT_EQ(value(poly, "house_joint_days"), 0);
  }
}

TEST(SharedPremises, SharedPlanOnlyBetweenHouseGpsAndHouseWorkers) {
  const auto& setting = testing_helpers::herbasse();
  models::Replicate rep(setting, models::default_params(), models::RunSpec{0, 9, 20, 5});
  const auto romans = static_cast<std::uint32_t>(*setting.territory.find("Romans-Nord"));
  auto by_place = house("locality = \"Romans-Nord\"\ndynamic = false\n");
  by_place->setup(rep, 0);
  auto by_name = house("locality = \"Romans-Nord\"\ndynamic = false\ngps = 2\nservices = [\"Mental-health centre\"]\n");
  by_name->setup(rep, 0);
  std::size_t inside = 0, named = 0;
  for (std::uint32_t g = 0; g < rep.gps().size(); ++g)
    for (std::uint32_t w = 0; w < rep.workers().size(); ++w) {
      const auto s = rep.workers()[w].service;
      const bool expected = rep.gps()[g].locality == romans && setting.services[s].locality == romans;
      EXPECT_EQ(by_place->shared_plan(rep, g, w), expected) << g << " " << w;
      inside += expected;
      // Two nearest GPs (both practise in Romans-Nord) and one named service.
      const bool in_named = by_name->shared_plan(rep, g, w);
      if (in_named) {
        EXPECT_EQ(setting.services[s].name, "Mental-health centre");
        EXPECT_EQ(rep.gps()[g].locality, romans);
      }
      named += in_named;
    }
  EXPECT_GT(inside, 0u);
  std::size_t mh = 0;
  while (setting.services[mh].name != "Mental-health centre") ++mh;
  EXPECT_EQ(named, 2u * rep.services()[mh].workers);
}

TEST(SharedPremises, AccessShapesWhoComes) {
  const auto& setting = testing_helpers::herbasse();
  models::Replicate rep(setting, models::default_params(), models::RunSpec{0, 9, 20, 5});
  const auto romans = static_cast<std::uint32_t>(*setting.territory.find("Romans-Nord"));
  auto all = house("locality = \"Romans-Nord\"\ndynamic = false\nself_referral_factor = 2\n");
  auto marginal = house("locality = \"Romans-Nord\"\ndynamic = false\nself_referral_factor = 2\npublic = \"marginal\"\n");
  all->setup(rep, 0);
  marginal->setup(rep, 0);
  int checked[2][2] = {};
  const auto& res = rep.residents();
  for (std::uint32_t i = 0; i < res.size(); ++i) {
    models::Need need;
    need.resident = i;
    const bool home = res.locality[i] == romans, prec = res.precarious(i);
    EXPECT_EQ(all->self_referral_factor(rep, need), home ? 2.0 : 1.0);
    EXPECT_EQ(marginal->self_referral_factor(rep, need), home && prec ? 2.0 : 1.0);
    ++checked[home][prec];
  }
  EXPECT_GT(checked[1][0], 0);
  EXPECT_GT(checked[1][1], 0);
}

TEST(SharedPremises, UnknownServiceOrLocalityIsAnInputError) {
  models::Replicate rep(testing_helpers::herbasse(), models::default_params(), models::RunSpec{0, 9, 20, 5});
  EXPECT_THROW(house("locality = \"Romans-Nord\"\nservices = [\"Mental health centre\"]\n")->setup(rep, 0),
               sim::InputError);
  EXPECT_THROW(house("locality = \"all\"\ndynamic = false\n")->setup(rep, 0), sim::InputError);
  EXPECT_NO_THROW(house("dynamic = false\n")->setup(rep, 0));  // the most populous locality: Romans-Nord
  EXPECT_THROW(house("locality = \"Crépol\"\ndynamic = false\n")->setup(rep, 0), sim::InputError);  // no service there
}
