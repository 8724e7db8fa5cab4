// The decision table of `passerelle compare` (analysis/src/decision_table.*):
// discounting, the bootstrap interval of a cost ratio, the economic
// assumptions read back from a results file, "no clear effect" and dominance,
// and the [economics] table of an experiment (checked like the rest).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "analysis/src/decision_table.hpp"
#include "models/experiment.hpp"
#include "models/overrides.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"

namespace fs = std::filesystem;

namespace {

sim::h5::Table table(const std::vector<std::pair<std::string, std::vector<double>>>& cols) {
  sim::h5::Table t;
  t.add("replicate", true, "index").values = {0, 1, 2, 3, 4, 5};
  for (const auto& [name, v] : cols) t.add(name, false, "u").values = v;
  return t;
}

const std::string kHead =
    "[experiment]\nname = \"e\"\nterritory = \"herbasse\"\n[[scenario]]\nname = \"baseline\"\n";

}  // namespace

TEST(DecisionTable, DiscountedYearsFollowTheHasConvention) {
  EXPECT_DOUBLE_EQ(analysis::discounted_years(0.0, 2.5), 2.5);
  EXPECT_DOUBLE_EQ(analysis::discounted_years(0.025, 1.0), 1.0);  // the first year is not discounted
  EXPECT_NEAR(analysis::discounted_years(0.025, 3.0), 1 + 1 / 1.025 + 1 / (1.025 * 1.025), 1e-12);
  EXPECT_NEAR(analysis::discounted_years(0.035, 1.5), 1 + 0.5 / 1.035, 1e-12);
}

TEST(DecisionTable, BootstrapIntervalCoversAKnownRatioAtAboutItsNominalRate) {
  // 200 data sets of 30 pairs, den ~ N(10, 2), num = 3 den + N(0, 4): the
  // ratio of means estimates 3. Coverage within 3 binomial sd of 95 %.
  sim::Stream rng(7);
  int covered = 0;
  const int sets = 200;
  for (int s = 0; s < sets; ++s) {
    std::vector<double> num, den;
    for (int i = 0; i < 30; ++i) {
      den.push_back(10 + 2 * rng.normal());
      num.push_back(3 * den.back() + 4 * rng.normal());
    }
    const auto e = analysis::bootstrap_ratio(num, den, 1000, 100 + s);
    covered += e.ci_low <= 3.0 && 3.0 <= e.ci_high;
  }
  const double rate = covered / double(sets), tol = 3 * std::sqrt(0.95 * 0.05 / sets);
  EXPECT_NEAR(rate, 0.95, tol);
  EXPECT_TRUE(std::isnan(analysis::bootstrap_ratio({1}, {1}, 100, 1).ci_low));  // one pair: no interval
}

TEST(DecisionTable, FromAFileWithItsEconomicAssumptions) {
  const fs::path in = fs::temp_directory_path() / ("passerelle-decision-" + std::to_string(::getpid()) + ".h5");
  {
    sim::h5::Writer w(in, true);
    w.set_attribute("/", "scenarios", std::vector<std::string>{"base", "same", "good", "dear"});
    w.set_attribute("/", "baseline", std::string("base"));
    w.set_attribute("/", "horizon_weeks", 130.0);
    w.set_attribute("/", "warmup_weeks", 26.0);  // 104 measured weeks: 2 years
    w.set_attribute("/territory", "gps", std::int64_t{6});
    models::EconomicParams e;
    e.discount_rate = 0.035;  // NICE
    e.set_in_file = {"discount_rate"};
    analysis::write_economics(w, e);
    const std::vector<double> mins = {50, 52, 49, 51, 50, 48}, days = {1000, 1010, 990, 1005, 995, 1000};
    auto shift = [](std::vector<double> v, std::vector<double> d) {
      for (std::size_t i = 0; i < v.size(); ++i) v[i] += d[i];
      return v;
    };
    const std::vector<double> zero(6, 0.0);
    w.write_table("/scenarios/base/summary", table({{"cost_eur", zero}, {"gp_social_minutes_per_gp_week", mins},
                                                    {"unmet_need_days", days}, {"worker_minutes", zero}}));
    w.write_table("/scenarios/same/summary", table({{"cost_eur", zero}, {"gp_social_minutes_per_gp_week", mins},
                                                    {"unmet_need_days", days}, {"worker_minutes", zero}}));
    // good: 20,000 EUR over 2 years, 10 GP min/GP/week less (about 10 ± a little), 200 fewer need-days.
    w.write_table("/scenarios/good/summary",
                  table({{"cost_eur", std::vector<double>(6, 20000)},
                         {"gp_social_minutes_per_gp_week", shift(mins, {-10, -9, -11, -10, -10.5, -9.5})},
                         {"unmet_need_days", shift(days, {-200, -190, -210, -205, -195, -200})},
                         {"worker_minutes", std::vector<double>(6, 1200)}}));  // workers: 10 h a year more
    // dear: dearer than good and no better on either count.
    w.write_table("/scenarios/dear/summary",
                  table({{"cost_eur", std::vector<double>(6, 90000)},
                         {"gp_social_minutes_per_gp_week", shift(mins, {-5, -6, -4, -5, -5.5, -4.5})},
                         {"unmet_need_days", shift(days, {-100, -90, -110, -105, -95, -100})},
                         {"worker_minutes", zero}}));
    w.commit();
  }
  const auto t = analysis::decision_table(in);
  fs::remove(in);
  EXPECT_DOUBLE_EQ(t.economics.discount_rate, 0.035);
  EXPECT_EQ(t.economics_sources[0], "experiment file ([economics])");
  EXPECT_NE(t.economics_sources[1].find("26.50"), std::string::npos);  // the default's source
  EXPECT_DOUBLE_EQ(t.horizon_years, 2.0);
  EXPECT_NEAR(t.discount_factor, 1 + 1 / 1.035, 1e-12);
  ASSERT_EQ(t.options.size(), 3u);

  const auto& same = t.options[0];  // identical to the baseline: zero, and no ratio
  EXPECT_EQ(same.name, "same");
  EXPECT_EQ(same.cost_per_year.mean, 0.0);
  EXPECT_EQ(same.gp_hours_freed.mean, 0.0);
  EXPECT_EQ(same.cost_per_gp_hour.status, analysis::kNoClearEffect);
  EXPECT_EQ(same.cost_per_need_day.status, analysis::kNoClearEffect);
  EXPECT_EQ(same.dominated_by, "");  // costs nothing more

  const auto& good = t.options[1];
  const double hours = 10.0 * 6 * 52 / 60, per_year_cost = 10000, days_year = 100;
  EXPECT_NEAR(good.cost_per_year.mean, per_year_cost, 1e-9);
  EXPECT_NEAR(good.gp_hours_freed.mean, hours, 1e-9);
  EXPECT_NEAR(good.days_averted.mean, days_year, 1e-9);
  EXPECT_NEAR(good.worker_hours_freed.mean, -10.0, 1e-9);
  const auto& e = t.economics;
  EXPECT_NEAR(good.net_cost_per_year.mean,
              per_year_cost - hours * e.gp_hour_value_eur + 10.0 * e.worker_hour_value_eur, 1e-6);
  EXPECT_NEAR(good.nmb_per_year.mean,
              hours * e.wtp_per_gp_hour_eur + days_year * e.wtp_per_need_day_eur - per_year_cost, 1e-6);
  EXPECT_NEAR(good.cost_horizon, per_year_cost * t.discount_factor, 1e-6);
  ASSERT_EQ(good.cost_per_gp_hour.status, "value");
  EXPECT_NEAR(good.cost_per_gp_hour.value.mean, per_year_cost / hours, 1e-9);
  EXPECT_LT(good.cost_per_gp_hour.value.ci_low, good.cost_per_gp_hour.value.mean);
  EXPECT_GT(good.cost_per_gp_hour.value.ci_high, good.cost_per_gp_hour.value.mean);
  EXPECT_EQ(good.dominated_by, "");
  EXPECT_EQ(t.options[2].dominated_by, "good");

  const auto text = analysis::decision_text(t);
  EXPECT_NE(text.find("no clear effect"), std::string::npos) << text;
  EXPECT_NE(text.find("Monte-Carlo"), std::string::npos);
  EXPECT_NE(text.find("Highest expected NMB: base (none above 0)"), std::string::npos) << text;  // good: -3,400 EUR/yr
}

TEST(DecisionTable, EconomicsTableIsCheckedLikeTheRest) {
  const auto ex = models::parse_experiment(kHead + "[economics]\ndiscount_rate = 0.035\n", "e.toml");
  EXPECT_DOUBLE_EQ(ex.economics.discount_rate, 0.035);
  EXPECT_DOUBLE_EQ(models::parse_experiment(kHead, "e.toml").economics.discount_rate, 0.025);  // HAS default
  try {
    models::parse_experiment(kHead + "[economics]\ndiscount_rat = 0.035\n", "e.toml");
    FAIL() << "unknown key accepted";
  } catch (const sim::InputError& err) {
    EXPECT_NE(std::string(err.what()).find("e.toml:7"), std::string::npos) << err.what();
    EXPECT_NE(std::string(err.what()).find("discount_rate"), std::string::npos) << err.what();  // did you mean
  }
  try {
    models::parse_experiment(kHead + "[economics]\ndiscount_rate = 3.5\n", "e.toml");
    FAIL() << "a rate of 350 % accepted";
  } catch (const sim::InputError& err) {
    EXPECT_NE(std::string(err.what()).find("e.toml:7"), std::string::npos) << err.what();
  }
  EXPECT_THROW(models::parse_experiment(kHead + "economics = 3\n", "e.toml"), sim::InputError);
}

TEST(DecisionTable, SetOverridesAnEconomicAssumptionAndNamesItsSource) {
  auto ex = models::parse_experiment(kHead, "e.toml");
  models::apply_overrides(ex, {"economics.discount_rate=0.035", "economics.wtp_per_need_day_eur=50"});
  EXPECT_DOUBLE_EQ(ex.economics.discount_rate, 0.035);  // NICE's rate without editing the file
  EXPECT_DOUBLE_EQ(ex.economics.wtp_per_need_day_eur, 50.0);
  EXPECT_EQ(ex.overrides.size(), 2u);
  const fs::path out = fs::temp_directory_path() / ("passerelle-econ-set-" + std::to_string(::getpid()) + ".h5");
  {
    sim::h5::Writer w(out, true);
    analysis::write_economics(w, ex.economics);
    w.commit();
  }
  sim::h5::Reader r(out);
  EXPECT_EQ(r.attribute_string("/", "economics.discount_rate.source"), "--set economics.discount_rate");
  EXPECT_NE(r.attribute_string("/", "economics.gp_hour_value_eur.source"), "--set economics.gp_hour_value_eur");
  fs::remove(out);
  for (const char* bad : {"economics.discount_rat=0.03", "economics.discount_rate=3.5", "economics.horizon_years=-1"}) {
    auto e = models::parse_experiment(kHead, "e.toml");
    try {
      models::apply_overrides(e, {bad});
      FAIL() << bad << " accepted";
    } catch (const sim::InputError& err) {
      EXPECT_NE(std::string(err.what()).find(std::string("--set ") + bad), std::string::npos) << err.what();
    }
  }
}
