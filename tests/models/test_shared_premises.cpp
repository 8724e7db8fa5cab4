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

namespace {

// Looks at where the services stand and which is the right door, at given times.
struct Seen {
  std::vector<std::vector<std::uint32_t>> places;
  std::vector<std::uint32_t> right_door;
};
class Watch : public models::Intervention {
 public:
  Watch(std::shared_ptr<Seen> s, std::vector<double> weeks, std::uint32_t locality, models::Theme theme)
      : seen_(std::move(s)), weeks_(std::move(weeks)), locality_(locality), theme_(theme) {}
  std::string_view type() const override { return "watch"; }
  std::unique_ptr<models::Intervention> clone() const override { return std::make_unique<Watch>(*this); }
  const models::Schedule& schedule() const override { return schedule_; }
  std::vector<std::pair<std::string, std::string>> values() const override { return {}; }
  void setup(models::Replicate& r, std::uint32_t self) override {
    for (double w : weeks_) r.schedule_intervention(sim::weeks(w), self, 0);
  }
  void on_event(models::Replicate& r, std::uint32_t) override {
    std::vector<std::uint32_t> at;
    for (const auto& s : r.setting().services) at.push_back(s.locality);
    seen_->places.push_back(at);
    seen_->right_door.push_back(r.right_service(theme_, locality_));
  }

 private:
  std::shared_ptr<Seen> seen_;
  std::vector<double> weeks_;
  std::uint32_t locality_;
  models::Theme theme_;
  models::Schedule schedule_;
};

}  // namespace

// The services move into the house at its opening, not before: until
// start_week they stand where the territory puts them, and the right door
// of the house's locality changes only then.
TEST(SharedPremises, ServicesMoveInAtTheStartNotBefore) {
  const auto& setting = testing_helpers::herbasse();
  const auto home = static_cast<std::uint32_t>(*setting.territory.find("Romans-Nord"));
  std::uint32_t moving = models::kNone;
  for (std::uint32_t s = 0; s < setting.services.size(); ++s)
    if (setting.services[s].name == "Elderly coordination service") moving = s;
  ASSERT_NE(moving, models::kNone);
  ASSERT_NE(setting.services[moving].locality, home);  // it does move
  auto seen = std::make_shared<Seen>();
  const models::InterventionList ivs = {
      models::interventions().find("shared_premises")->parse(
          toml::parse("start_week = 10\nlocality = \"Romans-Nord\"\nservices = [\"Elderly coordination service\", \"CCAS Romans\"]"),
          "test"),
      std::make_shared<Watch>(seen, std::vector<double>{0.5, 9.5, 10.5}, home, models::Theme::FamiliesSeniors)};
  models::Replicate rep(setting, models::default_params(), models::RunSpec{0, 5, 12, 2}, ivs);
  rep.run();
  ASSERT_EQ(seen->places.size(), 3u);
  for (int k = 0; k < 2; ++k) {
    EXPECT_EQ(seen->places[k][moving], setting.services[moving].locality) << "before the start, event " << k;
    for (std::uint32_t s = 0; s < setting.services.size(); ++s) EXPECT_EQ(seen->places[k][s], setting.services[s].locality);
  }
  EXPECT_EQ(seen->places[2][moving], home);
  EXPECT_EQ(seen->right_door[0], seen->right_door[1]);
}
