// Paired comparisons against the baseline (analysis/src/compare.*): exact values on
// known data, the derived per-year rows, CI coverage, the file round trip and
// `passerelle compare`.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "analysis/src/compare.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"
#include "sim/stats.hpp"

namespace fs = std::filesystem;
using analysis::compare_tables;
using analysis::CompareContext;

namespace {

sim::h5::Table make_table(const std::vector<double>& replicates,
                          const std::vector<std::pair<std::string, std::vector<double>>>& cols) {
  sim::h5::Table t;
  t.add("replicate", true, "index").values = replicates;
  for (const auto& [name, v] : cols) t.add(name, false, "u").values = v;
  return t;
}

const analysis::MetricComparison& get(const analysis::ScenarioComparison& c, const std::string& m) {
  const auto* p = c.find(m);
  if (!p) throw std::runtime_error("no metric " + m);
  return *p;
}

}  // namespace

TEST(Compare, KnownPairedDataGiveTheExactMeanAndStudentCi) {
  const auto base = make_table({0, 1, 2, 3}, {{"x", {1, 2, 3, 4}}});
  const auto scen = make_table({0, 1, 2, 3}, {{"x", {2, 4, 3, 7}}});
  const auto c = compare_tables("s", scen, "b", base, CompareContext{10, 52});
  const auto& x = get(c, "x");
  // differences 1, 2, 0, 3: mean 1.5, sd sqrt(5/3), t(3) = 3.1824463 (exact quantile)
  const double hw = 3.182446305284263 * std::sqrt(5.0 / 3.0) / 2.0;
  EXPECT_EQ(x.n, 4u);
  EXPECT_DOUBLE_EQ(x.mean_diff, 1.5);
  EXPECT_NEAR(x.ci_low, 1.5 - hw, 1e-9);
  EXPECT_NEAR(x.ci_high, 1.5 + hw, 1e-9);
  EXPECT_DOUBLE_EQ(x.baseline_mean, 2.5);
  EXPECT_DOUBLE_EQ(x.scenario_mean, 4.0);
  EXPECT_DOUBLE_EQ(x.rel_pct, 60.0);
  EXPECT_EQ(x.units, "u");
  EXPECT_EQ(c.find("replicate"), nullptr);  // identifiers are not compared
}

TEST(Compare, PairsByReplicateAndDropsMissingAndNaN) {
  // Rows in another order, replicate 4 only in the baseline, 7 only in the scenario.
  const auto base = make_table({0, 1, 2, 3, 4}, {{"x", {10, 11, 12, 13, 14}}, {"y", {1, NAN, 1, 1, 1}}});
  const auto scen = make_table({3, 2, 1, 0, 7}, {{"x", {15, 14, 13, 12, 99}}, {"y", {2, 2, 2, 2, 2}}});
  const auto c = compare_tables("s", scen, "b", base, CompareContext{1, 52});
  EXPECT_EQ(get(c, "x").n, 4u);
  EXPECT_DOUBLE_EQ(get(c, "x").mean_diff, 2.0);
  EXPECT_DOUBLE_EQ(get(c, "x").ci_low, 2.0);  // constant differences: zero width
  EXPECT_EQ(get(c, "y").n, 3u);
}

TEST(Compare, AScenarioIdenticalToTheBaselineHasZeroDifferences) {
  const auto t = make_table({0, 1, 2}, {{"gp_social_minutes_per_gp_week", {20, 25, 30}},
                                        {"unmet_need_days", {100, 200, 150}},
                                        {"cost_eur", {0, 0, 0}}});
  const auto c = compare_tables("same", t, "b", t, CompareContext{12, 26});
  for (const auto& m : c.metrics) {
    if (m.metric == analysis::kCostPerGpHour || m.metric == analysis::kCostPerUnmetDay) {
      EXPECT_TRUE(std::isnan(m.mean_diff)) << m.metric;  // nothing freed: no cost per unit
      continue;
    }
    EXPECT_EQ(m.mean_diff, 0.0) << m.metric;
    EXPECT_EQ(m.ci_low, 0.0) << m.metric;
    EXPECT_EQ(m.ci_high, 0.0) << m.metric;
    EXPECT_EQ(m.n, 3u) << m.metric;
  }
}

TEST(Compare, DerivedRowsArePerYearAndPositiveWhenGood) {
  const auto base = make_table({0, 1}, {{"gp_social_minutes_per_gp_week", {30, 30}},
                                        {"unmet_need_days", {100, 100}},
                                        {"cost_eur", {0, 0}}});
  const auto scen = make_table({0, 1}, {{"gp_social_minutes_per_gp_week", {20, 20}},
                                        {"unmet_need_days", {50, 50}},
                                        {"cost_eur", {1000, 1000}}});
  const auto c = compare_tables("s", scen, "b", base, CompareContext{10, 26});
  const double hours = 10.0 * 10.0 * 52.0 / 60.0;  // 10 min/GP/week less, 10 GPs
  EXPECT_NEAR(get(c, analysis::kGpHoursFreed).mean_diff, hours, 1e-9);
  EXPECT_NEAR(get(c, analysis::kGpHoursFreed).rel_pct, 100.0 / 3.0, 1e-9);
  EXPECT_NEAR(get(c, analysis::kUnmetDaysAverted).mean_diff, 100.0, 1e-9);  // 50 over 26 weeks
  EXPECT_NEAR(get(c, analysis::kCostPerGpHour).mean_diff, 2000.0 / hours, 1e-9);
  EXPECT_NEAR(get(c, analysis::kCostPerUnmetDay).mean_diff, 20.0, 1e-9);
  // Worse on both counts: a cost per unit freed is meaningless, hence NaN.
  const auto back = compare_tables("b", base, "s", scen, CompareContext{10, 26});
  EXPECT_LT(get(back, analysis::kGpHoursFreed).mean_diff, 0);
  EXPECT_TRUE(std::isnan(get(back, analysis::kCostPerGpHour).mean_diff));
  EXPECT_TRUE(std::isnan(get(back, analysis::kCostPerUnmetDay).mean_diff));
}

TEST(Compare, NinetyFivePercentIntervalsCoverTheTruth) {
  // Plain means and paired differences with a shared (common random) component.
  sim::Stream rng(2024, 0, "coverage");
  int covered = 0, covered_paired = 0;
  const int trials = 2000;
  for (int t = 0; t < trials; ++t) {
    std::vector<double> v, rep, b, s;
    for (int i = 0; i < 12; ++i) {
      v.push_back(3.0 + 2.0 * rng.normal());
      const double common = 5.0 * rng.normal();
      rep.push_back(i);
      b.push_back(50 + common + rng.normal());
      s.push_back(50 + 0.7 + common + rng.normal());
    }
    const auto ci = sim::mean_ci(v);
    covered += std::fabs(ci.mean - 3.0) <= ci.half_width;
    const auto c = compare_tables("s", make_table(rep, {{"x", s}}), "b", make_table(rep, {{"x", b}}), {1, 52});
    covered_paired += get(c, "x").ci_low <= 0.7 && 0.7 <= get(c, "x").ci_high;
  }
  EXPECT_GE(covered, trials * 93 / 100);
  EXPECT_LE(covered, trials * 97 / 100);
  EXPECT_GE(covered_paired, trials * 93 / 100);
  EXPECT_LE(covered_paired, trials * 97 / 100);
}

TEST(Compare, FileRoundTripAndAnyBaseline) {
  const fs::path in = fs::temp_directory_path() / ("passerelle-compare-in-" + std::to_string(::getpid()) + ".h5");
  {
    sim::h5::Writer w(in, true);
    w.set_attribute("/", "scenarios", std::vector<std::string>{"a", "b", "c"});
    w.set_attribute("/", "baseline", std::string("a"));
    w.set_attribute("/", "horizon_weeks", 30.0);
    w.set_attribute("/", "warmup_weeks", 4.0);
    w.set_attribute("/territory", "gps", std::int64_t{5});
    const std::vector<double> rep = {0, 1, 2};
    w.write_table("/scenarios/a/summary", make_table(rep, {{"gp_social_minutes_per_gp_week", {30, 31, 32}}}));
    w.write_table("/scenarios/b/summary", make_table(rep, {{"gp_social_minutes_per_gp_week", {20, 21, 22}}}));
    w.write_table("/scenarios/c/summary", make_table(rep, {{"gp_social_minutes_per_gp_week", {30, 31, 32}}}));
    w.commit();
  }
  const auto comps = analysis::compare_file(in);
  ASSERT_EQ(comps.size(), 2u);
  EXPECT_EQ(comps[0].scenario, "b");
  EXPECT_DOUBLE_EQ(get(comps[0], analysis::kGpHoursFreed).mean_diff, 10.0 * 5 * 52 / 60);
  const auto vs_b = analysis::compare_file(in, "b");
  ASSERT_EQ(vs_b.size(), 2u);
  EXPECT_EQ(vs_b[0].scenario, "a");
  EXPECT_DOUBLE_EQ(get(vs_b[0], "gp_social_minutes_per_gp_week").mean_diff, 10.0);
  EXPECT_THROW(analysis::compare_file(in, "nope"), sim::InputError);

  // write_comparisons: a table per scenario with the metric names alongside.
  const fs::path out = fs::temp_directory_path() / ("passerelle-compare-out-" + std::to_string(::getpid()) + ".h5");
  {
    sim::h5::Writer w(out, true);
    analysis::write_comparisons(w, comps);
    w.commit();
  }
  sim::h5::Reader r(out);
  EXPECT_EQ(r.attribute_string("/comparisons", "baseline"), "a");
  const auto t = r.read_table("/comparisons/b");
  const auto names = r.attribute_strings("/comparisons/b", "metrics");
  ASSERT_EQ(t.rows(), names.size());
  ASSERT_NE(t.find("mean_diff"), nullptr);
  EXPECT_EQ(names[0], "gp_social_minutes_per_gp_week");
  EXPECT_DOUBLE_EQ(t.find("mean_diff")->values[0], -10.0);
  EXPECT_EQ(t.find("n")->values[0], 3.0);
  EXPECT_EQ(r.attribute_strings("/comparisons/b", "metric_units").size(), names.size());
  EXPECT_FALSE(r.exists("/comparisons/a"));
  fs::remove(in);
  fs::remove(out);
}

TEST(Compare, CommandLine) {
  const fs::path dir = fs::temp_directory_path() / ("passerelle-compare-cli-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::FILE* f = std::fopen((dir / "e.toml").c_str(), "w");
    std::fputs("[experiment]\nname = \"cmp\"\nterritory = \"herbasse\"\nreplicates = 3\nhorizon_weeks = 12\n"
               "warmup_weeks = 2\nseed = 3\n[[scenario]]\nname = \"base\"\n[[scenario]]\nname = \"strict\"\n"
               "[scenario.parameters]\n\"secrecy.regime\" = \"strict\"\n", f);
    std::fclose(f);
  }
  auto sh = [](const std::string& cmd, std::string* out = nullptr) {
    std::FILE* p = popen((cmd + " 2>&1").c_str(), "r");
    char buf[4096];
    std::string s;
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) s.append(buf, n);
    const int st = pclose(p);
    if (out) *out = s;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  const std::string bin = PASSERELLE_BINARY, h5 = (dir / "o.h5").string();
  ASSERT_EQ(sh(bin + " run " + (dir / "e.toml").string() + " -o " + h5 + " --quiet --threads 2"), 0);
  sim::h5::Reader r(h5);
  EXPECT_TRUE(r.exists("/comparisons/strict"));
  EXPECT_FALSE(r.exists("/sensitivity"));  // no sweep
  std::string text;
  EXPECT_EQ(sh(bin + " compare " + h5, &text), 0);
  EXPECT_NE(text.find("strict vs base"), std::string::npos) << text;
  EXPECT_LT(text.find("Decision:"), text.find("strict vs base")) << text;  // the decision table first
  EXPECT_NE(text.find("gp_hours_freed_per_year"), std::string::npos);
  EXPECT_EQ(sh(bin + " compare " + h5 + " --baseline strict --json", &text), 0);
  EXPECT_EQ(text.rfind("{\"baseline\":\"strict\"", 0), 0u) << text;
  // Intervals named as in the Python data frames; the decision table first.
  EXPECT_NE(text.find("\"ci_low\""), std::string::npos);
  EXPECT_EQ(text.find("ci95_low"), std::string::npos);
  EXPECT_NE(text.find("\"decision\":{\"covers\":\"Monte-Carlo\""), std::string::npos) << text;
  EXPECT_EQ(sh(bin + " compare " + h5 + " --baseline nope", &text), 2);
  EXPECT_NE(text.find("nope"), std::string::npos);
  fs::remove_all(dir);
}
