// The micro-local coordinator (models/interventions/coordinator.cpp): she
// never follows more needs than her caseload, does nothing when she cannot
// follow anyone, takes the GP's search and phoning off their hands, and
// acts only for residents of her catchment.
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <memory>
#include <set>

#include "helpers.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& scenarios, int replicates, double weeks = 60) {
  return models::parse_experiment(R"([experiment]
name = "coordinator"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 17

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "coordinator.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

std::shared_ptr<const models::Intervention> make(const std::string& type, const std::string& body) {
  return models::interventions().find(type)->parse(toml::parse(body), "test");
}

// Placed after the intervention under test (index 0): records every case
// that intervention handled, at its end.
struct Handled {
  std::vector<std::uint32_t> localities;
};
class Probe : public models::Intervention {
 public:
  explicit Probe(std::shared_ptr<Handled> h) : h_(std::move(h)) {}
  std::string_view type() const override { return "probe"; }
  std::unique_ptr<models::Intervention> clone() const override { return std::make_unique<Probe>(*this); }
  const models::Schedule& schedule() const override { return schedule_; }
  std::vector<std::pair<std::string, std::string>> values() const override { return {}; }
  void on_case_end(models::Replicate& r, std::uint32_t n, bool) override {
    if (r.need(n).handler == 0) h_->localities.push_back(r.locality_of(n));
  }

 private:
  std::shared_ptr<Handled> h_;
  models::Schedule schedule_;
};

// The contract's fields that must not move when the intervention does nothing.
const char* const kOutcomes[] = {"gp_social_minutes_per_gp_week", "needs_onset", "needs_resolved", "needs_open",
                                 "needs_abandoned", "unmet_need_days", "wrong_door_hops", "contact_attempts",
                                 "consent_refusals", "secrecy_blocked", "collaboration_ties", "events"};

}  // namespace

TEST(Coordinator, NeverFollowsMoreNeedsThanHerCaseload) {
  const auto res = run(experiment(R"([[scenario]]
name = "small"
[[scenario.intervention]]
type = "coordinator"
caseload_per_fte = 5
alert_rate_per_year = 6
handover_prob = 1
)", 3));
  for (const auto& rep : res.scenarios[1].replicates) {
    EXPECT_EQ(value(rep, "coordinator_capacity"), 5);
    EXPECT_LE(value(rep, "coordinator_max_concurrent"), 5);
    EXPECT_EQ(value(rep, "coordinator_max_concurrent"), 5);  // the limit binds
    EXPECT_GT(value(rep, "coordinator_declined_full"), 0);
  }
}

TEST(Coordinator, WhoCannotActLeavesTheBaselineUntouched) {
  // Zero caseload, or no alert and no hand-over: identical to the baseline
  // replicate by replicate (common random numbers).
  const auto res = run(experiment(R"([[scenario]]
name = "no-room"
[[scenario.intervention]]
type = "coordinator"
caseload_per_fte = 0
[[scenario]]
name = "no-doors"
[[scenario.intervention]]
type = "coordinator"
alert_rate_per_year = 0
handover_prob = 0
)", 3));
  for (std::size_t s = 1; s < 3; ++s)
    for (int r = 0; r < 3; ++r)
      for (const char* m : kOutcomes)
        EXPECT_EQ(value(res.scenarios[s].replicates[r], m), value(res.scenarios[0].replicates[r], m))
            << res.scenarios[s].name << " replicate " << r << " " << m;
}

TEST(Coordinator, HandOversSaveGpPhoneAndSearchMinutes) {
  const auto res = run(experiment(R"([[scenario]]
name = "hand-over"
[[scenario.intervention]]
type = "coordinator"
fte = 20
alert_rate_per_year = 0
handover_prob = 1
meeting_min_urgency = 4
)", 4));
  double base_phone = 0, coord_phone = 0, base_search = 0, coord_search = 0;
  for (int r = 0; r < 4; ++r) {
    const auto& b = res.scenarios[0].replicates[r];
    const auto& c = res.scenarios[1].replicates[r];
    base_phone += value(b, "gp_minutes_phone");
    coord_phone += value(c, "gp_minutes_phone");
    base_search += value(b, "gp_minutes_search");
    coord_search += value(c, "gp_minutes_search");
    EXPECT_GT(value(c, "coordinator_takeovers"), 0);
    EXPECT_GT(value(c, "coordinator_minutes"), 0);
    EXPECT_EQ(value(c, "gp_minutes_coordination"), 0);  // no case meeting asked for
  }
  EXPECT_LT(coord_phone, 0.8 * base_phone);
  EXPECT_LT(coord_search, 0.5 * base_search);
}

TEST(Coordinator, CaseMeetingsCostTheGpTimeForComplexSituationsOnly) {
  const auto res = run(experiment(R"([[scenario]]
name = "meetings"
[[scenario.intervention]]
type = "coordinator"
fte = 20
handover_prob = 1
)", 2));
  for (const auto& rep : res.scenarios[1].replicates) {
    EXPECT_GT(value(rep, "coordinator_case_meetings"), 0);
    EXPECT_LT(value(rep, "coordinator_case_meetings"), value(rep, "coordinator_takeovers") + value(rep, "coordinator_alerts"));
    EXPECT_GT(value(rep, "gp_minutes_coordination"), 0);
  }
  for (const auto& rep : res.scenarios[0].replicates) EXPECT_EQ(value(rep, "gp_minutes_coordination"), 0);
}

TEST(Coordinator, ActsOnlyForResidentsOfHerCatchment) {
  const auto& setting = testing_helpers::herbasse();
  const std::set<std::uint32_t> catchment = {static_cast<std::uint32_t>(*setting.territory.find("Crépol")),
                                             static_cast<std::uint32_t>(*setting.territory.find("Montchenu"))};
  for (const char* doors : {"handover_prob = 1\nalert_rate_per_year = 4", "handover_prob = 0\nalert_rate_per_year = 4"}) {
    auto seen = std::make_shared<Handled>();
    const models::InterventionList ivs = {
        make("coordinator", std::string("catchment = [\"Crépol\", \"Montchenu\"]\nfte = 20\n") + doors),
        std::make_shared<Probe>(seen)};
    models::Replicate rep(setting, models::default_params(), models::RunSpec{0, 5, 80, 10}, ivs);
    const auto out = rep.run();
    EXPECT_GT(seen->localities.size(), 10u) << doors;
    for (auto l : seen->localities) EXPECT_TRUE(catchment.count(l)) << setting.territory.locality(l).name;
    if (std::string(doors).find("handover_prob = 0") != std::string::npos) {
      EXPECT_EQ(value(out, "coordinator_takeovers"), 0);
      EXPECT_GT(value(out, "coordinator_alerts"), 0);
    }
  }
}

TEST(Coordinator, UnknownCatchmentLocalityIsAnInputError) {
  const auto ex = experiment(R"([[scenario]]
name = "typo"
[[scenario.intervention]]
type = "coordinator"
catchment = ["Crepol"]
)", 1, 20);
  EXPECT_THROW(run(ex), sim::InputError);
}

// Her hours bind: 0.2 FTE with room for 400 cases works at most her week
// (FTE x hours), and what does not fit is turned away or waits, counted.
// More FTE: no fewer hand-overs, no more turned away (several seeds).
TEST(Coordinator, HerWorkingWeekBinds) {
  const auto res = run(experiment(R"([[scenario]]
name = "fifth"
[[scenario.intervention]]
type = "coordinator"
fte = 0.2
caseload_per_fte = 2000
alert_rate_per_year = 6
handover_prob = 1
[[scenario]]
name = "full"
[[scenario.intervention]]
type = "coordinator"
fte = 1
caseload_per_fte = 400
alert_rate_per_year = 6
handover_prob = 1
)", 3, 40));
  double small_taken = 0, full_taken = 0, small_away = 0, full_away = 0;
  for (int r = 0; r < 3; ++r) {
    const auto& s = res.scenarios[1].replicates[r];
    const auto& f = res.scenarios[2].replicates[r];
    EXPECT_LE(value(s, "coordinator_utilisation"), 1.0 + 1e-9);
    EXPECT_GT(value(s, "coordinator_utilisation"), 0.8);  // she is busy
    EXPECT_GT(value(s, "coordinator_turned_away_week_full") + value(s, "coordinator_alerts_waiting_week_full"), 0);
    EXPECT_NEAR(value(s, "coordinator_available_minutes"), 0.2 * 35 * 60 * (40 - 8), 1e-6);
    EXPECT_LE(value(s, "coordinator_own_minutes"), value(s, "coordinator_available_minutes") + 1e-6);
    small_taken += value(s, "coordinator_takeovers") + value(s, "coordinator_alerts");
    full_taken += value(f, "coordinator_takeovers") + value(f, "coordinator_alerts");
    small_away += value(s, "coordinator_turned_away_week_full");
    full_away += value(f, "coordinator_turned_away_week_full");
  }
  EXPECT_GT(full_taken, 2 * small_taken);
  EXPECT_LT(full_away, small_away);
}

// A GP comes to a case meeting only with a probability; each participant's
// minutes are counted.
TEST(Coordinator, GpComesToCaseMeetingsWithAProbability) {
  std::string sc;
  for (const char* p : {"0", "0.5", "1"})
    sc += std::string("[[scenario]]\nname = \"gp-") + p +
          "\"\n[[scenario.intervention]]\ntype = \"coordinator\"\nfte = 20\nhandover_prob = 1\n"
          "meeting_minutes = 60\nmeeting_prep_minutes = 30\nmeeting_workers = 3\nmeeting_gp_attend_prob = " + p + "\n";
  const auto res = run(experiment(sc, 2, 40));
  double attended[3] = {0, 0, 0}, held[3] = {0, 0, 0};
  for (int k = 0; k < 3; ++k)
    for (const auto& rep : res.scenarios[1 + k].replicates) {
      const double meetings = value(rep, "coordinator_case_meetings");
      EXPECT_GT(meetings, 0);
      EXPECT_DOUBLE_EQ(value(rep, "coordinator_meeting_worker_minutes"), meetings * 60 * 3);
      EXPECT_DOUBLE_EQ(value(rep, "coordinator_meeting_coordinator_minutes"), meetings * 90);
      EXPECT_DOUBLE_EQ(value(rep, "coordinator_meeting_gp_minutes"), value(rep, "coordinator_meeting_gp_attended") * 60);
      attended[k] += value(rep, "coordinator_meeting_gp_attended");
      held[k] += meetings;
    }
  EXPECT_EQ(attended[0], 0);
  for (const auto& rep : res.scenarios[1].replicates) EXPECT_EQ(value(rep, "gp_minutes_coordination"), 0);
  EXPECT_GT(attended[1], 0.3 * held[1]);
  EXPECT_LT(attended[1], 0.7 * held[1]);
  EXPECT_LE(attended[2], held[2]);  // a need without a GP has no GP to come
  EXPECT_GT(attended[2], 0.9 * held[2]);
}
