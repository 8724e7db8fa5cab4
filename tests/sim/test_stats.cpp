// Specification of the summary statistics (sim/stats.hpp): Student t
// quantiles and the 95 % confidence interval of a mean.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

TEST(Stats, TQuantileKnownValues) {
  EXPECT_NEAR(sim::t_quantile_975(1), 12.706, 5e-4);
  EXPECT_NEAR(sim::t_quantile_975(2), 4.303, 5e-4);
  EXPECT_NEAR(sim::t_quantile_975(5), 2.571, 5e-4);
  EXPECT_NEAR(sim::t_quantile_975(9), 2.262, 5e-4);
  EXPECT_NEAR(sim::t_quantile_975(10), 2.228, 5e-4);
  EXPECT_NEAR(sim::t_quantile_975(30), 2.042, 5e-4);
  // Beyond the table (reference values from standard t tables).
  EXPECT_NEAR(sim::t_quantile_975(40), 2.021, 2e-3);
  EXPECT_NEAR(sim::t_quantile_975(60), 2.000, 2e-3);
  EXPECT_NEAR(sim::t_quantile_975(120), 1.980, 2e-3);
  EXPECT_NEAR(sim::t_quantile_975(100000), 1.96, 0.01);
  EXPECT_NEAR(sim::t_quantile_975(1000000), 1.959964, 1e-4);
  EXPECT_TRUE(std::isnan(sim::t_quantile_975(0)));
}

TEST(Stats, TQuantileDecreasesTowardsTheNormalQuantile) {
  double prev = sim::t_quantile_975(1);
  for (std::size_t df = 2; df <= 500; ++df) {
    const double q = sim::t_quantile_975(df);
    ASSERT_LT(q, prev) << "df=" << df;  // including across the end of the table
    ASSERT_GT(q, 1.959963984540054) << "df=" << df;
    prev = q;
  }
}

TEST(Stats, MeanCiOfAKnownSample) {
  // Mean 5, sum of squared deviations 9+1+1+1+0+0+4+16 = 32, n = 8.
  const std::vector<double> x = {2, 4, 4, 4, 5, 5, 7, 9};
  const auto r = sim::mean_ci(x);
  const double sd = std::sqrt(32.0 / 7.0);  // 2.13809
  EXPECT_EQ(r.n, 8u);
  EXPECT_DOUBLE_EQ(r.mean, 5.0);
  EXPECT_NEAR(r.sd, sd, 1e-12);
  EXPECT_NEAR(r.half_width, 2.3646242510102993 * sd / std::sqrt(8.0), 1e-9);  // t(7) = 2.3646 (exact quantile)
  EXPECT_NEAR(r.half_width, 1.7875, 1e-3);
}

TEST(Stats, MeanCiOfTwoValues) {
  const auto r = sim::mean_ci({1.0, 3.0});
  EXPECT_EQ(r.n, 2u);
  EXPECT_DOUBLE_EQ(r.mean, 2.0);
  EXPECT_NEAR(r.sd, std::sqrt(2.0), 1e-12);
  EXPECT_NEAR(r.half_width, 12.706204736432095 * std::sqrt(2.0) / std::sqrt(2.0), 1e-9);  // t(1), exact
}

TEST(Stats, ConstantSampleHasZeroWidth) {
  const auto r = sim::mean_ci({4.5, 4.5, 4.5, 4.5});
  EXPECT_DOUBLE_EQ(r.mean, 4.5);
  EXPECT_DOUBLE_EQ(r.sd, 0.0);
  EXPECT_DOUBLE_EQ(r.half_width, 0.0);
}

TEST(Stats, NaNValuesAreIgnored) {
  const auto clean = sim::mean_ci({2, 4, 4, 4, 5, 5, 7, 9});
  const auto dirty = sim::mean_ci({kNaN, 2, 4, kNaN, 4, 4, 5, 5, 7, 9, kNaN});
  EXPECT_EQ(dirty.n, 8u);
  EXPECT_DOUBLE_EQ(dirty.mean, clean.mean);
  EXPECT_DOUBLE_EQ(dirty.sd, clean.sd);
  EXPECT_DOUBLE_EQ(dirty.half_width, clean.half_width);
}

TEST(Stats, SingleValueHasNaNHalfWidth) {
  const auto r = sim::mean_ci({kNaN, 3.25});
  EXPECT_EQ(r.n, 1u);
  EXPECT_DOUBLE_EQ(r.mean, 3.25);
  EXPECT_TRUE(std::isnan(r.half_width));
  EXPECT_TRUE(std::isnan(r.sd));
}

TEST(Stats, NoValuesGiveNaN) {
  for (const auto& v : {std::vector<double>{}, std::vector<double>{kNaN, kNaN}}) {
    const auto r = sim::mean_ci(v);
    EXPECT_EQ(r.n, 0u);
    EXPECT_TRUE(std::isnan(r.mean));
    EXPECT_TRUE(std::isnan(r.half_width));
  }
}

TEST(Stats, CiCoversTheTrueMeanAboutNinetyFivePercentOfTheTime) {
  // 2000 samples of size 10 from N(3, 2^2). Expected coverage 0.95 with a
  // standard error of 0.0049; the bounds are about 4 standard errors wide.
  sim::Stream rng(2024, 0, "stats-coverage");
  const double mu = 3.0, sigma = 2.0;
  const int samples = 2000;
  int covered = 0;
  std::vector<double> x(10);
  for (int s = 0; s < samples; ++s) {
    for (auto& v : x) v = mu + sigma * rng.normal();
    const auto r = sim::mean_ci(x);
    ASSERT_EQ(r.n, 10u);
    if (std::abs(r.mean - mu) <= r.half_width) ++covered;
  }
  const double coverage = static_cast<double>(covered) / samples;
  EXPECT_GE(coverage, 0.93);
  EXPECT_LE(coverage, 0.97);
}

}  // namespace
