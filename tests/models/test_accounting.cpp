// Property tests: need accounting conserves, breakdowns add up, GP minutes
// add up, in every replicate and under extreme parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "helpers.hpp"

using models::ModelParams;
using testing_helpers::run_one;
using testing_helpers::value;

namespace {

void expect_conserved(const models::ReplicateResult& r) {
  EXPECT_EQ(value(r, "needs_onset"), value(r, "needs_resolved") + value(r, "needs_open") + value(r, "needs_abandoned"));
  EXPECT_GT(value(r, "needs_onset"), 0);
  const auto& rec = r.rec;
  for (std::size_t m = 0; m < models::kTallies; ++m) {
    const double by_type = std::accumulate(rec.by_type[m].begin(), rec.by_type[m].end(), 0.0);
    const double by_prec = rec.by_precarity[m][0] + rec.by_precarity[m][1];
    const double by_rur = rec.by_rurality[m][0] + rec.by_rurality[m][1] + rec.by_rurality[m][2];
    EXPECT_NEAR(by_type, by_prec, 1e-6 * (1 + by_type)) << models::kTallyNames[m];
    EXPECT_NEAR(by_type, by_rur, 1e-6 * (1 + by_type)) << models::kTallyNames[m];
  }
  EXPECT_EQ(std::accumulate(rec.by_type[0].begin(), rec.by_type[0].end(), 0.0), value(r, "needs_onset"));
  const auto& onsets = rec.weekly[static_cast<std::size_t>(models::Weekly::NeedsOnset)];
  EXPECT_EQ(std::accumulate(onsets.begin(), onsets.end(), 0.0), value(r, "needs_onset"));
  double task_minutes = 0;
  for (const auto& name : models::kGpTaskNames) task_minutes += value(r, std::string("gp_minutes_") + name);
  EXPECT_NEAR(value(r, "gp_social_minutes_per_gp_week") * value(r, "gps") * rec.weeks, task_minutes, 1e-6 * (1 + task_minutes));
  EXPECT_NEAR(value(r, "unmet_need_days"),
              std::accumulate(rec.by_type[4].begin(), rec.by_type[4].end(), 0.0), 1e-6 * value(r, "unmet_need_days"));
}

}  // namespace

TEST(Accounting, NeedsAreConservedInEveryReplicate) {
  for (std::uint64_t seed = 1; seed <= 6; ++seed) expect_conserved(run_one(models::default_params(), seed));
}

TEST(Accounting, NeedsAreConservedUnderExtremeParameters) {
  ModelParams a = models::default_params();
  a.consent.refusal_prob.fill(1);
  a.consent.refusal_abandon_prob = 0;
  expect_conserved(run_one(a));
  ModelParams b = models::default_params();
  b.patient.door_dropout_prob = 1;
  expect_conserved(run_one(b));
  ModelParams c = models::default_params();
  c.worker.caseload_per_fte = 1;
  c.resolution.base_prob.fill(0);
  c.resolution.chronic_share = 0;
  expect_conserved(run_one(c));
  ModelParams d = models::default_params();
  d.needs.spontaneous_resolution_per_year = 50;
  expect_conserved(run_one(d));
}

TEST(Accounting, ShortHorizonStillConserves) {
  expect_conserved(run_one(models::default_params(), 5, 8));
}

TEST(Accounting, OnsetsScaleWithTheRateEvenAtSeveralPerMinute) {
  // A Poisson process on a continuous clock: a population whose needs arise
  // faster than one a minute (France scale) must not be capped at one a minute.
  auto onsets = [](double factor) {
    ModelParams p = models::default_params();
    for (auto& r : p.needs.onset_rate) r *= factor;
    models::Replicate rep(testing_helpers::herbasse(), p, models::RunSpec{0, 9, 3, 0});
    return rep.run().summary_value("needs_onset");
  };
  const double slow = onsets(5), fast = onsets(500);  // ~0.016 vs ~1.6 onsets a minute
  EXPECT_NEAR(fast / slow, 100.0, 100.0 * 5 * std::sqrt(1.0 / slow));
}

TEST(Accounting, StockSnapshotsCoverEveryMeasuredWeekIncludingTheLast) {
  // Open needs are a stock: a territory of thousands always has some open, so
  // a zero in any measured week (the last one especially, whose week event
  // falls on the horizon itself) means a snapshot was never taken.
  const auto r = run_one(models::default_params(), 3);
  const auto& open = r.rec.weekly[static_cast<std::size_t>(models::Weekly::NeedsOpen)];
  ASSERT_EQ(open.size(), static_cast<std::size_t>(r.rec.weeks));
  for (std::size_t w = 0; w < open.size(); ++w) EXPECT_GT(open[w], 0) << "week " << w;
  const auto& ties = r.rec.weekly[static_cast<std::size_t>(models::Weekly::CollaborationTies)];
  EXPECT_EQ(ties.back(), value(r, "collaboration_ties"));  // the last snapshot is the end state
}
