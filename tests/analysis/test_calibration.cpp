// Calibration: the field intervals are right, the default parameters put
// every model figure inside them on La Louvière / Manage (the territory
// they were measured on, and only there), and the results
// file carries /calibration as the analysis report reads it.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "analysis/src/calibration.hpp"
#include "analysis/src/results_analysis.hpp"
#include "models/intervention.hpp"
#include "models/run.hpp"
#include "sim/hdf5_file.hpp"

namespace {

// The shipped calibration experiment, fewer replicates and without its
// baseline scenario (no target is read from it): the slow part, run once.
struct Calibrated {
  models::Experiment ex;
  models::Setting setting;
  models::ExperimentResults res;
};

const Calibrated& calibrated() {
  static const Calibrated c = [] {
    Calibrated out;
    out.ex = models::load_experiment(std::string(PASSERELLE_SOURCE_DIR) + "/experiments/calibration-vade-mecum.toml");
    out.ex.replicates = 6;
    std::erase_if(out.ex.scenarios, [](const auto& s) { return s.name == "baseline"; });
    out.ex.baseline = out.ex.scenarios.front().name;
    out.setting = models::build_setting(out.ex);
    out.res = models::run_experiment(out.ex, out.setting, {});
    return out;
  }();
  return c;
}

}  // namespace

TEST(Calibration, WilsonInterval) {
  const auto a = analysis::wilson_interval(26, 27);
  EXPECT_NEAR(a.low, 0.8172, 1e-4);
  EXPECT_NEAR(a.high, 0.9934, 1e-4);
  const auto b = analysis::wilson_interval(7, 8);
  EXPECT_NEAR(b.low, 0.5291, 1e-4);
  EXPECT_NEAR(b.high, 0.9776, 1e-4);
  const auto c = analysis::wilson_interval(0, 10);  // stays inside [0, 1]
  EXPECT_EQ(c.low, 0.0);
  EXPECT_GT(c.high, 0.0);
}

TEST(Calibration, ExactPoissonInterval) {
  // Garwood limits: chi2(0.025, 2k) / 2 and chi2(0.975, 2k + 2) / 2.
  const auto a = analysis::poisson_interval(22);
  EXPECT_NEAR(a.low, 13.787, 1e-3);
  EXPECT_NEAR(a.high, 33.308, 1e-3);
  const auto b = analysis::poisson_interval(39);
  EXPECT_NEAR(b.low, 27.733, 1e-3);
  EXPECT_NEAR(b.high, 53.314, 1e-3);
  const auto z = analysis::poisson_interval(0);
  EXPECT_EQ(z.low, 0.0);
  EXPECT_NEAR(z.high, 3.689, 1e-3);
}

std::size_t targets_of(const std::string& territory) {
  std::size_t n = 0;
  for (const auto& t : analysis::calibration_targets()) n += t.territory == territory ? 1 : 0;
  return n;
}

TEST(Calibration, DefaultParametersFallInsideTheFieldIntervals) {
  const auto rows = analysis::calibration_rows(calibrated().res, "louviere-manage");
  ASSERT_EQ(rows.size(), targets_of("louviere-manage"));
  ASSERT_GE(rows.size(), 6u);
  for (const auto& r : rows) {
    EXPECT_EQ(r.scenario, "vade-mecum");
    EXPECT_EQ(r.values.size(), 6u);
    EXPECT_TRUE(r.inside()) << r.target->name << ": model " << r.model << " outside [" << r.ci.low << ", "
                            << r.ci.high << "] around the field's " << r.value;
  }
}

TEST(Calibration, NoTargetWithoutItsFigures) {
  models::ExperimentResults res;
  res.scenarios.push_back({"baseline", {models::ReplicateResult{}}});
  res.scenarios.back().replicates[0].summary = {{"needs_onset", 10.0}, {"vade_mecum_uses", 3.0}};
  EXPECT_TRUE(analysis::calibration_rows(res, "louviere-manage").empty());
}

TEST(Calibration, ResultsFileCarriesTheTargets) {
  const auto& c = calibrated();
  const auto path = std::filesystem::temp_directory_path() / "passerelle_test_calibration.h5";
  analysis::write_results_file(path, true, c.ex, c.setting, c.res);
  sim::h5::Reader rd(path);
  for (const auto& r : analysis::calibration_rows(c.res, c.ex.territory)) {
    const std::string ds = "/calibration/" + r.target->name;
    ASSERT_TRUE(rd.exists(ds)) << ds;
    EXPECT_DOUBLE_EQ(rd.attribute_double(ds, "target"), r.value);
    EXPECT_DOUBLE_EQ(rd.attribute_double(ds, "ci_low"), r.ci.low);
    EXPECT_DOUBLE_EQ(rd.attribute_double(ds, "ci_high"), r.ci.high);
    EXPECT_DOUBLE_EQ(rd.attribute_double(ds, "model"), r.model);
    std::size_t rows = 0, cols = 0;
    EXPECT_EQ(rd.read_matrix(ds, rows, cols).size(), 6u);
    EXPECT_EQ(rd.attribute_string(ds, "scenario"), "vade-mecum");
    EXPECT_EQ(rd.attribute_string(ds, "territory"), "louviere-manage");
  }
  std::filesystem::remove(path);
}

// A target applies only to the territory it was measured on: the same
// figures reported on another territory are no targets there.
TEST(Calibration, TargetsOfAnotherTerritoryAreNotCompared) {
  const auto& c = calibrated();
  for (const auto& t : analysis::calibration_targets()) {
    EXPECT_FALSE(t.territory.empty()) << t.name;
    EXPECT_TRUE(models::interventions().find(t.option)) << t.name << ": " << t.option;
  }
  EXPECT_TRUE(analysis::calibration_rows(c.res, "herbasse").empty());
  const auto nancy = analysis::calibration_rows(c.res, "grand-nancy");  // the thesis' département
  EXPECT_EQ(nancy.size(), targets_of("grand-nancy"));
  for (const auto& r : nancy) EXPECT_EQ(r.target->territory, "grand-nancy");
  for (const auto& r : analysis::calibration_rows(c.res, "louviere-manage"))
    EXPECT_NE(r.target->name, "gps_knowing_services_moderately_or_insufficiently");
  // The results file of a run elsewhere carries no /calibration.
  auto ex = c.ex;
  ex.territory = "herbasse";
  const auto path = std::filesystem::temp_directory_path() / "passerelle_test_calibration_elsewhere.h5";
  models::write_results(path, true, ex, c.setting, c.res);
  sim::h5::Reader rd(path);
  EXPECT_FALSE(rd.exists("/calibration"));
  std::filesystem::remove(path);
}
