// Meetings: nobody there, nothing happens; fatigue thins later evenings;
// attending GPs leave with ties and knowledge; time and money are counted.
#include <gtest/gtest.h>

#include <bit>
#include <toml++/toml.h>

#include "helpers.hpp"
#include "models/run.hpp"

using testing_helpers::value;

namespace {

models::ExperimentResults run(const std::string& scenarios, int replicates = 3, double weeks = 52) {
  const auto ex = models::parse_experiment(R"([experiment]
name = "meet"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 9

[[scenario]]
name = "baseline"
)" + scenarios,
                                           "meet.toml");
  return models::run_experiment(ex, models::build_setting(ex), {});
}

std::string scenario(const std::string& name, const std::string& extra) {
  return "[[scenario]]\nname = \"" + name + "\"\n[[scenario.intervention]]\ntype = \"meetings\"\n"
         "start_week = 10\ninterval_weeks = 6\n" + extra;
}

}  // namespace

TEST(Meetings, NobodyAttendingChangesNothing) {
  const auto res = run(scenario("empty", "gp_attend_prob = 0.0\nworker_attend_prob = 0.0\n") +
                       scenario("no-gps", "gp_attend_prob = 0.0\nworker_attend_prob = 1.0\npeer_talk_prob = 0.0\n"));
  for (int r = 0; r < 3; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    for (std::size_t s : {1u, 2u}) {
      const auto& m = res.scenarios[s].replicates[r];
      EXPECT_GT(value(m, "meetings_evenings"), 0);
      EXPECT_EQ(value(m, "meetings_ties_touched"), 0);
      EXPECT_EQ(value(m, "meetings_gp_attendances"), 0);
      for (const char* f : {"instrumental_ties", "cooperation_ties", "collaboration_ties", "mean_tie_degree",
                            "wrong_door_hops", "unmet_need_days", "gp_minutes_coordination"})
        EXPECT_EQ(value(m, f), value(base, f)) << f;
    }
  }
}

TEST(Meetings, FatigueThinsLaterEvenings) {
  const auto res = run(scenario("tired", "gp_attend_prob = 1.0\ngp_fatigue = 0.5\nevenings = 4\n") +
                       scenario("fresh", "gp_attend_prob = 1.0\ngp_fatigue = 1.0\nevenings = 4\n") +
                       scenario("once", "gp_attend_prob = 0.6\ngp_fatigue = 0.0\n"));
  for (int r = 0; r < 3; ++r) {
    const auto& tired = res.scenarios[1].replicates[r];
    const auto& fresh = res.scenarios[2].replicates[r];
    const auto& once = res.scenarios[3].replicates[r];
    const double gps = value(tired, "gps");
    EXPECT_EQ(value(tired, "meetings_evenings"), 4);
    EXPECT_EQ(value(tired, "meetings_first_gps"), gps);  // probability 1 at the first evening
    EXPECT_LT(value(tired, "meetings_last_gps"), gps);   // 1/8 at the fourth
    EXPECT_EQ(value(fresh, "meetings_gp_attendances"), 4 * gps);
    // Fatigue 0: nobody after the first evening.
    EXPECT_EQ(value(once, "meetings_gp_attendances"), value(once, "meetings_first_gps"));
    EXPECT_GT(value(once, "meetings_evenings"), 1);
  }
}

TEST(Meetings, AttendingGpsGainTiesAndKnowledge) {
  // The run stops just after the first evening (week 1): up to then the two
  // replicates are identical, so any difference is the evening's.
  toml::table t;
  t.insert("start_week", 1.0);
  t.insert("gp_attend_prob", 1.0);
  t.insert("worker_attend_prob", 1.0);
  t.insert("peer_talk_prob", 0.0);
  const auto meetings = models::interventions().find("meetings")->parse(t, "t.toml");
  const auto& setting = testing_helpers::herbasse();
  const models::RunSpec spec{0, 17, 1.0 + 1.0 / sim::kMinutesPerWeek, 0};
  models::Replicate base(setting, models::default_params(), spec);
  models::Replicate meet(setting, models::default_params(), spec, {meetings});
  const auto rb = base.run();
  const auto rm = meet.run();
  int gained = 0;
  for (std::size_t g = 0; g < base.gps().size(); ++g) {
    const auto kb = base.gps()[g].knows, km = meet.gps()[g].knows;
    EXPECT_EQ(kb & ~km, 0) << "GP " << g << " forgot a theme";
    gained += std::popcount(static_cast<unsigned>(km)) - std::popcount(static_cast<unsigned>(kb));
  }
  EXPECT_GT(gained, 0);
  EXPECT_EQ(gained, value(rm, "meetings_themes_learned"));
  EXPECT_GT(meet.tie_count(models::Relation::Instrumental), base.tie_count(models::Relation::Instrumental));
  EXPECT_GT(value(rm, "meetings_ties_touched"), 0);
  EXPECT_EQ(value(rm, "meetings_first_gps"), static_cast<double>(base.gps().size()));
  // Everyone came: each GP's evening is counted as coordination time.
  EXPECT_DOUBLE_EQ(value(rm, "gp_minutes_coordination") - value(rb, "gp_minutes_coordination"),
                   150.0 * static_cast<double>(base.gps().size()));
}

TEST(Meetings, EveningsCostMoneyAndTime) {
  const auto res = run(scenario("priced", "cost_per_evening_eur = 1000\npeer_talk_prob = 0.0\nevening_minutes = 120\n"));
  for (int r = 0; r < 3; ++r) {
    const auto& m = res.scenarios[1].replicates[r];
    const auto& base = res.scenarios[0].replicates[r];
    // Weeks 10, 16, … 46 fall in the measured window [8, 52): 7 evenings.
    EXPECT_EQ(value(m, "meetings_evenings"), 7);
    EXPECT_DOUBLE_EQ(value(m, "cost_eur"), 7000);
    EXPECT_DOUBLE_EQ(value(m, "gp_minutes_coordination") - value(base, "gp_minutes_coordination"),
                     120 * value(m, "meetings_gp_attendances"));
    EXPECT_GT(value(m, "worker_minutes"), 0);
  }
}
