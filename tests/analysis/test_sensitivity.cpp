// Sensitivity of the metrics to swept parameters (analysis/src/sensitivity.*):
// PRCC on synthetic data, and /sensitivity in a results file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/src/sensitivity.hpp"
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
  fs::remove_all(dir);
}
