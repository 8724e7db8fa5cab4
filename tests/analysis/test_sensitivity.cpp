// Sensitivity of the metrics to swept parameters (analysis/src/sensitivity.*):
// PRCC and its p-value on synthetic data, the Sobol' and Morris designs
// (models/sweep.hpp), and /sensitivity in a results file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/src/sensitivity.hpp"
#include "models/experiment.hpp"
#include "models/sweep.hpp"
#include "sim/input_error.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/random.hpp"

namespace fs = std::filesystem;

TEST(Sensitivity, PrccSeesAMonotoneEffectAndNotANullOne) {
  sim::Stream rng(7, 0, "prcc-test");
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  for (int i = 0; i < 200; ++i) {
    const double x1 = rng.uniform(), x2 = rng.uniform();
    x.push_back({x1, x2});
    y.push_back(std::exp(3 * x1) + 0.3 * rng.normal());  // monotone in x1, blind to x2
  }
  const auto r = analysis::prcc(x, y);
  ASSERT_EQ(r.size(), 2u);
  EXPECT_GT(r[0], 0.9);
  EXPECT_LT(std::fabs(r[1]), 0.2);
  // Decreasing dependence gives a negative coefficient.
  for (auto& v : y) v = -v;
  EXPECT_LT(analysis::prcc(x, y)[0], -0.9);
  // Too few points, or a constant input: undefined.
  EXPECT_TRUE(std::isnan(analysis::prcc({{1, 2}, {2, 1}}, {1, 2})[0]));
  std::vector<std::vector<double>> flat = x;
  for (auto& p : flat) p[1] = 0.5;
  EXPECT_TRUE(std::isnan(analysis::prcc(flat, y)[1]));
}

TEST(Sensitivity, PrccPValueIsMarinosTTest) {
  // References: scipy.stats.t.sf, 2 * sf(|r| sqrt(df / (1 - r^2)), df), df = n - 2 - (k - 1).
  EXPECT_NEAR(analysis::prcc_p_value(0.5, 30, 1), 0.004899933667068092, 1e-9);
  EXPECT_NEAR(analysis::prcc_p_value(-0.3, 50, 4), 0.04048456248070807, 1e-9);
  EXPECT_DOUBLE_EQ(analysis::prcc_p_value(0.0, 50, 4), 1.0);
  EXPECT_TRUE(std::isnan(analysis::prcc_p_value(std::nan(""), 50, 4)));
  EXPECT_TRUE(std::isnan(analysis::prcc_p_value(0.5, 4, 3)));  // no degrees of freedom left
  // Under the null (y independent of x), p < 0.05 about 5 % of the time;
  // with a real effect, nearly always.
  sim::Stream rng(11, 0, "prcc-p-test");
  int null_hits = 0, effect_hits = 0;
  const int trials = 400;
  for (int t = 0; t < trials; ++t) {
    std::vector<std::vector<double>> x;
    std::vector<double> y0, y1;
    for (int i = 0; i < 30; ++i) {
      x.push_back({rng.uniform(), rng.uniform(), rng.uniform()});
      y0.push_back(rng.normal());
      y1.push_back(x.back()[0] + 0.2 * rng.normal());
    }
    null_hits += analysis::prcc_p_value(analysis::prcc(x, y0)[0], 30, 3) < 0.05;
    effect_hits += analysis::prcc_p_value(analysis::prcc(x, y1)[0], 30, 3) < 0.05;
  }
  // Binomial(400, 0.05): mean 20, sd 4.4; ranks make the test approximate.
  EXPECT_GE(null_hits, 6);
  EXPECT_LE(null_hits, 36);
  EXPECT_EQ(effect_hits, trials);
}

TEST(Sensitivity, SobolDesignIsPickFreeze) {
  const std::vector<double> lo = {0, 10, -1}, hi = {1, 20, 1};
  const std::size_t n = 8, d = 3;
  const auto pts = models::sobol_points(lo, hi, n, 5);
  ASSERT_EQ(pts.size(), n * (d + 2));
  for (std::size_t i = 0; i < d; ++i)
    for (std::size_t k = 0; k < n; ++k) {
      const auto& a = pts[k];
      const auto& b = pts[n + k];
      const auto& e = pts[(2 + i) * n + k];  // A with column i from B
      for (std::size_t j = 0; j < d; ++j) EXPECT_EQ(e[j], j == i ? b[j] : a[j]);
    }
  for (std::size_t j = 0; j < d; ++j)
    for (std::size_t k = 0; k < 2 * n; ++k) {
      EXPECT_GE(pts[k][j], lo[j]);
      EXPECT_LE(pts[k][j], hi[j]);
      EXPECT_NE(pts[k % n][j], pts[n + k % n][j]);  // A and B differ
    }
  EXPECT_EQ(models::sobol_points(lo, hi, n, 5), pts);  // same seed, same design
}

TEST(Sensitivity, MorrisTrajectoriesMoveOneParameterByDelta) {
  const std::vector<double> lo = {0, 100, 2}, hi = {1, 200, 3};
  const std::size_t r = 20, d = 3, levels = 4;
  const auto pts = models::morris_points(lo, hi, r, levels, 9);
  ASSERT_EQ(pts.size(), r * (d + 1));
  const double delta = static_cast<double>(levels) / (2.0 * (levels - 1));  // 2/3 of the range
  for (std::size_t t = 0; t < r; ++t) {
    std::vector<int> moved(d, 0);
    for (std::size_t s = 0; s < d; ++s) {
      const auto& a = pts[t * (d + 1) + s];
      const auto& b = pts[t * (d + 1) + s + 1];
      int changed = 0;
      for (std::size_t j = 0; j < d; ++j) {
        const double u = (b[j] - lo[j]) / (hi[j] - lo[j]);
        EXPECT_GE(u, -1e-12);
        EXPECT_LE(u, 1 + 1e-12);
        const double grid = u * (levels - 1);
        EXPECT_NEAR(grid, std::round(grid), 1e-9);  // on the grid
        if (a[j] != b[j]) {
          ++changed, ++moved[j];
          EXPECT_NEAR(std::fabs(b[j] - a[j]) / (hi[j] - lo[j]), delta, 1e-12);
        }
      }
      EXPECT_EQ(changed, 1);
    }
    EXPECT_EQ(moved, std::vector<int>(d, 1));  // each parameter moves once per trajectory
  }
}

TEST(Sensitivity, SobolAndMorrisSweepsParse) {
  const std::string head =
      "[experiment]\nname = \"s\"\nterritory = \"herbasse\"\nreplicates = 2\nseed = 3\n[[scenario]]\nname = \"base\"\n";
  const std::string params = "[sweep.parameters]\n\"gp.knows_well_share\" = [0.05, 0.5]\n\"gp.search_minutes\" = [5, 20]\n";
  const auto sobol = models::parse_experiment(head + "[sweep]\nmethod = \"sobol\"\nsamples = 6\n" + params, "s.toml");
  EXPECT_EQ(sobol.sweep.points.size(), 6u * 4u);
  EXPECT_EQ(sobol.sweep.base_samples, 6u);
  EXPECT_EQ(sobol.sweep.lower, (std::vector<double>{0.05, 5}));
  EXPECT_EQ(sobol.sweep.upper, (std::vector<double>{0.5, 20}));
  const auto morris =
      models::parse_experiment(head + "[sweep]\nmethod = \"morris\"\ntrajectories = 5\nlevels = 6\n" + params, "s.toml");
  EXPECT_EQ(morris.sweep.points.size(), 5u * 3u);
  EXPECT_EQ(morris.sweep.trajectories, 5u);
  EXPECT_EQ(morris.sweep.levels, 6u);
  EXPECT_EQ(models::parse_experiment(head + "[sweep]\nmethod = \"morris\"\n" + params, "s.toml").sweep.points.size(),
            10u * 3u);  // defaults: 10 trajectories, 4 levels
  // Bad input names the line and what was expected.
  auto error = [&](const std::string& sweep) -> std::string {
    try {
      models::parse_experiment(head + sweep + params, "s.toml");
    } catch (const sim::InputError& e) {
      return std::to_string(e.line()) + ": " + e.message();
    }
    return "no error";
  };
  EXPECT_NE(error("[sweep]\nmethod = \"morris\"\nlevels = 5\n").find("10: sweep.levels: expected an even number"),
            std::string::npos);
  EXPECT_NE(error("[sweep]\nmethod = \"morris\"\nsamples = 5\n").find("10: sweep.samples: only read with"),
            std::string::npos);
  EXPECT_NE(error("[sweep]\nmethod = \"sobol\"\n").find("sweep.samples: missing"), std::string::npos);
  EXPECT_NE(error("[sweep]\nmethod = \"lhs\"\nsamples = 5\ntrajectories = 3\n").find("11: sweep.trajectories: only read"),
            std::string::npos);
}

TEST(Sensitivity, ResultsFileHasSensitivity) {
  const fs::path dir = fs::temp_directory_path() / ("passerelle-sweep-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::FILE* f = std::fopen((dir / "s.toml").c_str(), "w");
    std::fputs("[experiment]\nname = \"s\"\nterritory = \"herbasse\"\nreplicates = 2\nhorizon_weeks = 10\n"
               "warmup_weeks = 2\nseed = 3\n[[scenario]]\nname = \"base\"\n[sweep]\nmethod = \"lhs\"\nsamples = 5\n"
               "[sweep.parameters]\n\"gp.knows_well_share\" = [0.05, 0.5]\n\"gp.search_minutes\" = [5, 20]\n", f);
    std::fclose(f);
  }
  const std::string h5 = (dir / "o.h5").string();
  const int st = std::system((std::string(PASSERELLE_BINARY) + " run " + (dir / "s.toml").string() + " -o " + h5 +
                              " --quiet --threads 2 > /dev/null 2>&1").c_str());
  ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  sim::h5::Reader r(h5);
  EXPECT_EQ(r.attribute_strings("/", "scenarios").size(), 6u);
  EXPECT_EQ(r.read_strings("/sensitivity/parameters"),
            (std::vector<std::string>{"gp.knows_well_share", "gp.search_minutes"}));
  const auto metrics = r.read_strings("/sensitivity/metrics");
  std::size_t rows = 0, cols = 0;
  const auto prcc = r.read_matrix("/sensitivity/prcc", rows, cols);
  EXPECT_EQ(rows, metrics.size());
  EXPECT_EQ(cols, 2u);
  r.read_matrix("/sensitivity/points", rows, cols);
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(r.attribute_int("/scenarios/sweep-0003", "sweep_index"), 3);
  EXPECT_EQ(r.attribute_string("/sensitivity", "method"), "lhs");
  const auto pval = r.read_matrix("/sensitivity/prcc_p_value", rows, cols);
  EXPECT_EQ(rows, metrics.size());
  EXPECT_EQ(cols, 2u);
  for (std::size_t i = 0; i < pval.size(); ++i)
    if (!std::isnan(prcc[i])) {
      EXPECT_NEAR(pval[i], analysis::prcc_p_value(prcc[i], 5, 2), 1e-12);
    }
  EXPECT_EQ(r.read_matrix("/sensitivity/lower", rows, cols), (std::vector<double>{0.05, 5}));
  EXPECT_EQ(r.read_matrix("/sensitivity/upper", rows, cols), (std::vector<double>{0.5, 20}));
  fs::remove_all(dir);
}
