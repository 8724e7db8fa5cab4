// Same seed ⇒ same numbers, whatever the thread count; a scenario identical
// to the baseline gives identical numbers; common random numbers keep the
// onsets of every scenario identical.
#include <gtest/gtest.h>

#include "models/run.hpp"

namespace {

models::Experiment small_experiment(int replicates = 4) {
  return models::parse_experiment(R"(
[experiment]
name = "repro"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = 40
warmup_weeks = 8
seed = 99

[[scenario]]
name = "baseline"
[[scenario]]
name = "twin"
[[scenario]]
name = "strict"
[scenario.parameters]
"secrecy.regime" = "strict"
)",
                                  "repro.toml");
}

void expect_same(const models::ReplicateResult& a, const models::ReplicateResult& b) {
  ASSERT_EQ(a.summary.size(), b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    if (a.summary[i].first == "wall_seconds") continue;
    const double x = a.summary[i].second, y = b.summary[i].second;
    if (std::isnan(x)) EXPECT_TRUE(std::isnan(y)) << a.summary[i].first;
    else EXPECT_EQ(x, y) << a.summary[i].first;
  }
  for (std::size_t m = 0; m < models::kWeeklies; ++m) EXPECT_EQ(a.rec.weekly[m], b.rec.weekly[m]);
}

}  // namespace

TEST(Reproducibility, OneAndTwoThreadsGiveIdenticalResults) {
  const auto ex = small_experiment();
  const auto setting = models::build_setting(ex);
  models::RunOptions one, two;
  one.threads = 1;
  two.threads = 2;
  const auto a = models::run_experiment(ex, setting, one);
  const auto b = models::run_experiment(ex, setting, two);
  ASSERT_EQ(a.completed, a.total);
  for (std::size_t s = 0; s < a.scenarios.size(); ++s)
    for (std::size_t r = 0; r < a.scenarios[s].replicates.size(); ++r)
      expect_same(a.scenarios[s].replicates[r], b.scenarios[s].replicates[r]);
}

TEST(Reproducibility, AScenarioIdenticalToTheBaselineGivesIdenticalNumbers) {
  const auto ex = small_experiment(3);
  const auto res = models::run_experiment(ex, models::build_setting(ex), {});
  for (std::size_t r = 0; r < 3; ++r) expect_same(res.scenarios[0].replicates[r], res.scenarios[1].replicates[r]);
}

TEST(Reproducibility, CommonRandomNumbersKeepOnsetsAcrossScenarios) {
  const auto ex = small_experiment(3);
  const auto res = models::run_experiment(ex, models::build_setting(ex), {});
  for (std::size_t r = 0; r < 3; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    const auto& strict = res.scenarios[2].replicates[r];
    EXPECT_EQ(base.summary_value("needs_onset"), strict.summary_value("needs_onset"));
    EXPECT_EQ(base.summary_value("seed"), strict.summary_value("seed"));
    EXPECT_EQ(base.rec.by_type[0], strict.rec.by_type[0]);  // onsets by type
    EXPECT_NE(base.summary_value("secrecy_blocked"), strict.summary_value("secrecy_blocked"));
  }
}

TEST(Reproducibility, ReplicatesDifferFromEachOther) {
  const auto ex = small_experiment(2);
  const auto res = models::run_experiment(ex, models::build_setting(ex), {});
  EXPECT_NE(res.scenarios[0].replicates[0].summary_value("seed"), res.scenarios[0].replicates[1].summary_value("seed"));
  EXPECT_NE(res.scenarios[0].replicates[0].summary_value("unmet_need_days"),
            res.scenarios[0].replicates[1].summary_value("unmet_need_days"));
}
