// Specification of reproducible random streams (sim/random.hpp). Statistical
// checks use fixed seeds and tolerances of about 5 standard errors, so they
// are deterministic and would only fail for a real bias.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <set>
#include <vector>

#include "sim/random.hpp"

namespace {

using sim::Stream;

constexpr int kN = 200000;

TEST(Random, SameSeedGivesSameSequence) {
  Stream a(42), b(42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next()) << i;
  Stream c(7, 3, "onset"), d(7, 3, "onset");
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(c.uniform(), d.uniform()) << i;
  // The named constructor is the seed constructor on the derived seed.
  Stream e(7, 3, "onset"), f(sim::derive_seed(7, 3, sim::hash_name("onset")));
  for (int i = 0; i < 100; ++i) ASSERT_EQ(e.next(), f.next()) << i;
  // Copies continue identically.
  Stream g = a;
  for (int i = 0; i < 100; ++i) ASSERT_EQ(g.next(), a.next()) << i;
}

TEST(Random, DifferentIdentitiesGiveDifferentStreams) {
  const std::vector<Stream> streams = {Stream(1, 0, "onset"), Stream(2, 0, "onset"),
                                       Stream(1, 1, "onset"), Stream(1, 0, "contact"),
                                       Stream(0, 0, "onset"), Stream(1)};
  std::set<std::vector<std::uint64_t>> prefixes;
  for (auto s : streams) {
    std::vector<std::uint64_t> prefix;
    for (int i = 0; i < 4; ++i) prefix.push_back(s.next());
    prefixes.insert(prefix);
  }
  EXPECT_EQ(prefixes.size(), streams.size());
  // A stream does not repeat its first value soon (it is not stuck).
  Stream s(5);
  const auto first = s.next();
  for (int i = 0; i < 10000; ++i) ASSERT_NE(s.next(), first);
}

TEST(Random, DeriveSeedIsSensitiveToEachArgument) {
  const auto base = sim::derive_seed(10, 20, 30);
  EXPECT_EQ(base, sim::derive_seed(10, 20, 30));
  EXPECT_NE(base, sim::derive_seed(11, 20, 30));
  EXPECT_NE(base, sim::derive_seed(10, 21, 30));
  EXPECT_NE(base, sim::derive_seed(10, 20, 31));
  // Arguments are not interchangeable.
  EXPECT_NE(sim::derive_seed(1, 2, 3), sim::derive_seed(2, 1, 3));
  EXPECT_NE(sim::derive_seed(1, 2, 3), sim::derive_seed(1, 3, 2));
  EXPECT_NE(sim::derive_seed(0, 0, 1), sim::derive_seed(0, 1, 0));
  // Consecutive replicates give distinct seeds.
  std::set<std::uint64_t> seeds;
  for (std::uint64_t r = 0; r < 1000; ++r) seeds.insert(sim::derive_seed(42, r, 7));
  EXPECT_EQ(seeds.size(), 1000u);
}

TEST(Random, KnownValues) {
  // FNV-1a 64 of "onset", computed once independently; a change here would
  // silently change every stream of every saved experiment.
  EXPECT_EQ(sim::hash_name("onset"), 0x4aca5c913bc40a40ULL);
  EXPECT_EQ(sim::hash_name(""), 0xcbf29ce484222325ULL);  // the FNV offset basis
  EXPECT_NE(sim::hash_name("onset"), sim::hash_name("onsets"));
  EXPECT_NE(sim::hash_name("ab"), sim::hash_name("ba"));
  // SplitMix64's published first output from state 0.
  std::uint64_t state = 0;
  EXPECT_EQ(sim::splitmix64(state), 0xe220a8397b1dcdafULL);
  EXPECT_EQ(state, 0x9E3779B97F4A7C15ULL);
}

TEST(Random, UniformIsInUnitIntervalWithMeanOneHalf) {
  Stream s(1);
  double sum = 0, lo = 1, hi = 0;
  for (int i = 0; i < kN; ++i) {
    const double u = s.uniform();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
  }
  const double se = std::sqrt(1.0 / 12.0 / kN);
  EXPECT_NEAR(sum / kN, 0.5, 5 * se);
  EXPECT_LT(lo, 1e-3);  // reaches both ends
  EXPECT_GT(hi, 1 - 1e-3);
  for (int i = 0; i < 1000; ++i) {
    const double x = s.uniform(-3.0, 5.0);
    ASSERT_GE(x, -3.0);
    ASSERT_LT(x, 5.0);
  }
}

TEST(Random, BelowIsInRangeAndRoughlyUniform) {
  Stream s(2);
  constexpr std::uint64_t n = 7;
  std::array<int, n> counts{};
  for (int i = 0; i < 70000; ++i) {
    const auto k = s.below(n);
    ASSERT_LT(k, n);
    ++counts[k];
  }
  const double expected = 70000.0 / n;
  double chi2 = 0;
  for (int c : counts) chi2 += (c - expected) * (c - expected) / expected;
  EXPECT_LT(chi2, 40.0);  // df = 6: P(chi2 > 40) ~ 5e-7
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.below(1), 0u);
  // Large and awkward bounds (the rejection path).
  const std::uint64_t big = (1ULL << 63) + 12345;
  int upper_half = 0;
  for (int i = 0; i < 10000; ++i) {
    const auto k = s.below(big);
    ASSERT_LT(k, big);
    if (k >= big / 2) ++upper_half;
  }
  EXPECT_NEAR(upper_half, 5000, 5 * 50);
  for (int i = 0; i < 1000; ++i) ASSERT_LT(s.below(3), 3u);
}

TEST(Random, ExponentialHasMeanOneOverRate) {
  Stream s(3);
  const double rate = 0.5;
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = s.exponential(rate);
    ASSERT_GE(x, 0.0);
    ASSERT_TRUE(std::isfinite(x));
    sum += x;
  }
  EXPECT_NEAR(sum / kN, 1.0 / rate, 5 * (1.0 / rate) / std::sqrt(kN));
}

TEST(Random, BernoulliFrequency) {
  Stream s(4);
  const double p = 0.3;
  int hits = 0;
  for (int i = 0; i < kN; ++i) hits += s.bernoulli(p) ? 1 : 0;
  EXPECT_NEAR(static_cast<double>(hits) / kN, p, 5 * std::sqrt(p * (1 - p) / kN));
  for (int i = 0; i < 1000; ++i) {
    ASSERT_FALSE(s.bernoulli(0.0));
    ASSERT_TRUE(s.bernoulli(1.0));
  }
}

TEST(Random, DiscreteFollowsTheWeights) {
  Stream s(5);
  const std::vector<double> w = {1.0, 0.0, 2.0, 7.0};  // total 10, one zero weight
  std::array<int, 4> counts{};
  for (int i = 0; i < kN; ++i) {
    const auto k = s.discrete(w);
    ASSERT_LT(k, w.size());
    ++counts[k];
  }
  EXPECT_EQ(counts[1], 0);
  for (std::size_t i = 0; i < w.size(); ++i) {
    const double p = w[i] / 10.0;
    EXPECT_NEAR(static_cast<double>(counts[i]) / kN, p, 5 * std::sqrt(p * (1 - p) / kN) + 1e-12)
        << i;
  }
  const std::vector<double> single = {3.0};
  for (int i = 0; i < 100; ++i) ASSERT_EQ(s.discrete(single), 0u);
}

TEST(Random, NormalHasMeanZeroAndVarianceOne) {
  Stream s(6);
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = s.normal();
    sum += x;
    sum2 += x * x;
  }
  const double mean = sum / kN;
  const double var = sum2 / kN - mean * mean;
  EXPECT_NEAR(mean, 0.0, 5 / std::sqrt(kN));
  EXPECT_NEAR(var, 1.0, 5 * std::sqrt(2.0 / kN));
}

TEST(Random, LognormalHasTheRequestedMean) {
  Stream s(7);
  const double mean = 12.0, cv = 0.5;
  double sum = 0;
  for (int i = 0; i < kN; ++i) {
    const double x = s.lognormal_mean_cv(mean, cv);
    ASSERT_GT(x, 0.0);
    sum += x;
  }
  EXPECT_NEAR(sum / kN, mean, 5 * mean * cv / std::sqrt(kN));
}

TEST(Random, CounterUniformIsAPureFunctionInTheUnitInterval) {
  const double u = sim::counter_uniform(123, 456, 7);
  EXPECT_EQ(u, sim::counter_uniform(123, 456, 7));
  EXPECT_NE(u, sim::counter_uniform(124, 456, 7));
  EXPECT_NE(u, sim::counter_uniform(123, 457, 7));
  EXPECT_NE(u, sim::counter_uniform(123, 456, 8));
  EXPECT_NE(sim::counter_uniform(1, 2, 3), sim::counter_uniform(1, 3, 2));
  double sum = 0;
  std::set<double> distinct;
  int n = 0;
  for (std::uint64_t id = 0; id < 400; ++id)
    for (std::uint64_t k = 0; k < 500; ++k) {
      const double v = sim::counter_uniform(99, id, k);
      ASSERT_GE(v, 0.0);
      ASSERT_LT(v, 1.0);
      sum += v;
      distinct.insert(v);
      ++n;
    }
  EXPECT_NEAR(sum / n, 0.5, 5 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_EQ(distinct.size(), static_cast<std::size_t>(n));
}

}  // namespace
