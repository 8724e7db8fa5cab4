// The single social referent (models/interventions/single_referent.cpp):
// the line answers only within its hours, a "seniors" line takes only
// seniors' needs, a week's quota holds, and no quota means no effect.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <memory>

#include "helpers.hpp"
#include "models/run.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& scenarios, int replicates, double weeks = 60) {
  return models::parse_experiment(R"([experiment]
name = "referent"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 29

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "referent.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

// Placed after the referent (index 0): the theme and age band of every case
// the referent routed, at its end.
struct Handled {
  std::vector<std::pair<models::Theme, models::AgeBand>> cases;
};
class Probe : public models::Intervention {
 public:
  explicit Probe(std::shared_ptr<Handled> h) : h_(std::move(h)) {}
  std::string_view type() const override { return "probe"; }
  std::unique_ptr<models::Intervention> clone() const override { return std::make_unique<Probe>(*this); }
  const models::Schedule& schedule() const override { return schedule_; }
  std::vector<std::pair<std::string, std::string>> values() const override { return {}; }
  void on_case_end(models::Replicate& r, std::uint32_t n, bool) override {
    const auto& need = r.need(n);
    if (need.handler == 0) h_->cases.emplace_back(need.theme, r.residents().age(need.resident));
  }

 private:
  std::shared_ptr<Handled> h_;
  models::Schedule schedule_;
};

}  // namespace

TEST(SingleReferent, NeverAnswersOutsideItsHours) {
  // GPs work Monday to Friday; a Saturday-morning line is never reached.
  const auto res = run(experiment(R"([[scenario]]
name = "saturday"
[[scenario.intervention]]
type = "single_referent"
hours = "Sat 09:00-12:00"
uptake = 1
uptake_if_known = 1
reach_prob = 1
[[scenario]]
name = "weekdays"
[[scenario.intervention]]
type = "single_referent"
uptake = 1
uptake_if_known = 1
reach_prob = 1
)", 2));
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& sat = res.scenarios[1].replicates[r];
    const auto& week = res.scenarios[2].replicates[r];
    EXPECT_EQ(value(sat, "referent_routed"), 0);
    EXPECT_GT(value(sat, "referent_calls"), 0);
    EXPECT_GT(value(sat, "referent_unreached"), 0);
    EXPECT_GT(value(sat, "gp_minutes_phone"), value(base, "gp_minutes_phone"));  // calls in vain cost minutes
    EXPECT_GT(value(week, "referent_routed"), 0);
    EXPECT_GT(value(week, "reports_back"), value(base, "reports_back"));  // a written report back
  }
}

TEST(SingleReferent, SeniorsLineTakesOnlySeniorsNeeds) {
  auto seen = std::make_shared<Handled>();
  auto body = toml::parse("scope = \"seniors\"\nuptake = 1\nuptake_if_known = 1\nfte = 10\n");
  const models::InterventionList ivs = {models::interventions().find("single_referent")->parse(body, "test"),
                                        std::make_shared<Probe>(seen)};
  models::Replicate rep(testing_helpers::herbasse(), models::default_params(), models::RunSpec{0, 3, 80, 10}, ivs);
  rep.run();
  ASSERT_GT(seen->cases.size(), 20u);
  bool over75_other_theme = false;
  for (const auto& [theme, age] : seen->cases) {
    const bool senior_theme = theme == models::Theme::FamiliesSeniors || theme == models::Theme::Disability;
    EXPECT_TRUE(senior_theme || age == models::AgeBand::Over75) << models::kThemeNames[models::idx(theme)];
    over75_other_theme |= !senior_theme;
  }
  EXPECT_TRUE(over75_other_theme);  // residents 75+ are in scope whatever the theme
}

TEST(SingleReferent, WeeklyQuotaHoldsAndZeroQuotaIsTheBaseline) {
  const auto res = run(experiment(R"([[scenario]]
name = "one-a-week"
[[scenario.intervention]]
type = "single_referent"
referrals_per_fte_week = 1
uptake = 1
uptake_if_known = 1
[[scenario]]
name = "none"
[[scenario.intervention]]
type = "single_referent"
referrals_per_fte_week = 0
)", 2));
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& one = res.scenarios[1].replicates[r];
    EXPECT_GT(value(one, "referent_declined_full"), 0);
    EXPECT_LE(value(one, "referent_routed"), 60 - 8 + 1);  // at most one per measured week
    for (const char* m : {"unmet_need_days", "gp_social_minutes_per_gp_week", "needs_resolved", "contact_attempts", "events"})
      EXPECT_EQ(value(res.scenarios[2].replicates[r], m), value(base, m)) << m;
  }
}
