// Parameter sweeps (models/sweep.*): grid expansion, Latin hypercube
// stratification and determinism, validation errors with line numbers.
// PRCC and /sensitivity: tests/analysis/test_sensitivity.cpp.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

#include "models/experiment.hpp"
#include "models/sweep.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"

namespace fs = std::filesystem;

namespace {

const std::string kHead = R"([experiment]
name = "sw"
territory = "herbasse"
replicates = 2
seed = 9

[[scenario]]
name = "base"
[scenario.parameters]
"gp.list_size" = 900
)";

models::Experiment parse(const std::string& sweep) { return models::parse_experiment(kHead + sweep, "sw.toml"); }

double param(const models::ScenarioSpec& s, const std::string& name) {
  return *models::param_table().get_number(s.params, name);
}

// Line of the error a sweep text raises (0 if none).
int error_line(const std::string& sweep) {
  try {
    parse(sweep);
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.file(), "sw.toml");
    return e.line();
  }
  ADD_FAILURE() << "no error for:\n" << sweep;
  return 0;
}

}  // namespace

TEST(Sweep, GridExpandsToTheProductDerivedFromTheBaseline) {
  const auto ex = parse(R"(
[sweep]
method = "grid"
[sweep.parameters]
"gp.knows_well_share" = [0.1, 0.2, 0.3]
gp.search_minutes = { min = 5, max = 15, steps = 2 }
)");
  ASSERT_EQ(ex.scenarios.size(), 1u + 6u);
  EXPECT_EQ(ex.sweep.method, "grid");
  EXPECT_EQ(ex.sweep.parameters, (std::vector<std::string>{"gp.knows_well_share", "gp.search_minutes"}));
  std::set<std::pair<double, double>> seen;
  for (std::size_t i = 0; i < 6; ++i) {
    const auto& sc = ex.scenarios[1 + i];
    EXPECT_EQ(sc.name, "sweep-000" + std::to_string(i));
    EXPECT_EQ(ex.sweep.scenarios[i], sc.name);
    EXPECT_DOUBLE_EQ(param(sc, "gp.knows_well_share"), ex.sweep.points[i][0]);
    EXPECT_DOUBLE_EQ(param(sc, "gp.search_minutes"), ex.sweep.points[i][1]);
    EXPECT_DOUBLE_EQ(param(sc, "gp.list_size"), 900);  // the baseline's overrides are kept
    seen.insert({ex.sweep.points[i][0], ex.sweep.points[i][1]});
  }
  EXPECT_EQ(seen.size(), 6u);
  EXPECT_TRUE(seen.count({0.3, 15.0}));
  EXPECT_EQ(ex.sweep.points[0], (std::vector<double>{0.1, 5.0}));  // first parameter slowest
  EXPECT_EQ(ex.sweep.points[1], (std::vector<double>{0.1, 15.0}));
  EXPECT_EQ(models::grid_points({{1, 2}, {3, 4, 5}, {6, 7}}).size(), 12u);
}

TEST(Sweep, LatinHypercubeHitsEveryStratumOncePerParameter) {
  const std::size_t n = 25;
  const std::vector<double> lo = {0, -5, 100}, hi = {1, 5, 200};
  const auto pts = models::lhs_points(lo, hi, n, 42);
  ASSERT_EQ(pts.size(), n);
  for (std::size_t j = 0; j < lo.size(); ++j) {
    std::set<long> strata;
    for (const auto& p : pts) {
      ASSERT_GE(p[j], lo[j]);
      ASSERT_LT(p[j], hi[j]);
      strata.insert(static_cast<long>(std::floor((p[j] - lo[j]) / (hi[j] - lo[j]) * static_cast<double>(n))));
    }
    EXPECT_EQ(strata.size(), n) << "parameter " << j;
  }
  EXPECT_EQ(models::lhs_points(lo, hi, n, 42), pts);  // deterministic
  EXPECT_NE(models::lhs_points(lo, hi, n, 43), pts);
}

TEST(Sweep, LatinHypercubeFromTheFileIsDeterministic) {
  const std::string text = R"(
[sweep]
method = "lhs"
samples = 8
[sweep.parameters]
"gp.knows_well_share" = [0.05, 0.5]
"needs.onset_rate.homelessness" = { min = 0.001, max = 0.01 }
"patient.max_door_hops" = [1, 6]
)";
  const auto a = parse(text), b = parse(text);
  ASSERT_EQ(a.scenarios.size(), 9u);
  EXPECT_EQ(a.sweep.points, b.sweep.points);
  EXPECT_EQ(a.sweep.seed, 9u);  // experiment.seed by default
  std::set<long> strata;
  for (std::size_t i = 0; i < 8; ++i) {
    const double v = a.sweep.points[i][0];
    strata.insert(static_cast<long>(std::floor((v - 0.05) / 0.45 * 8)));
    // A per-label entry sets that label only.
    EXPECT_DOUBLE_EQ(a.scenarios[1 + i].params.needs.onset_rate[7], a.sweep.points[i][1]);
    EXPECT_EQ(std::string(models::kThemeNames[7]), "homelessness");
    EXPECT_EQ(a.scenarios[1 + i].params.needs.onset_rate[0], a.scenarios[0].params.needs.onset_rate[0]);
  }
  EXPECT_EQ(strata.size(), 8u);
  const auto c = parse("[sweep]\nmethod = \"lhs\"\nsamples = 8\nseed = 1\n" + text.substr(text.find("[sweep.parameters]")));
  EXPECT_EQ(c.sweep.seed, 1u);
  EXPECT_NE(c.sweep.points, a.sweep.points);
}

TEST(Sweep, ValidationErrorsNameTheLine) {
  // The [sweep] table starts on line 11 of each file.
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"gp.no_such_thing\" = [1, 2]\n"), 14);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"lhs\"\nsamples = 5\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.5, 0.1]\n"), 15);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"lhs\"\nsamples = 1\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.1, 0.5]\n"), 13);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"lhs\"\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.1, 0.5]\n"), 11);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"random\"\n"), 12);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\nsamples = 4\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.1, 0.5]\n"), 13);
  // A value outside the parameter's own range.
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.5, 1.5]\n"), 14);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"gp.knows_well_share\" = {min = 0.1, max = 0.5, steps = 1}\n"), 14);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\nfoo = 1\n"), 13);
  EXPECT_EQ(error_line("[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n"), 13);
}

TEST(Sweep, AnInterventionParameterIsSweptFromTheScenarioThatHasIt) {
  // "<type>.<key>" sets the key of that intervention in the `from`
  // scenario: each point re-parses it with its value; the rest is untouched.
  const std::string with = R"(
[[scenario]]
name = "coord"
[[scenario.intervention]]
type = "coordinator"
fte = 0.5
meeting_minutes = 60
)";
  const auto ex = parse(with + "[sweep]\nfrom = \"coord\"\nmethod = \"grid\"\n[sweep.parameters]\n"
                               "\"coordinator.meeting_minutes\" = [10, 90]\n\"gp.knows_well_share\" = [0.1, 0.3]\n");
  ASSERT_EQ(ex.scenarios.size(), 6u);  // base, coord, 4 points
  auto value = [](const models::ScenarioSpec& sc, const std::string& key) {
    for (const auto& [k, v] : sc.interventions.at(0)->values())
      if (k == key) return std::stod(v);
    return -1.0;
  };
  const double expected_minutes[] = {10, 10, 90, 90}, expected_share[] = {0.1, 0.3, 0.1, 0.3};
  for (std::size_t i = 0; i < 4; ++i) {
    const auto& sc = ex.scenarios[2 + i];
    ASSERT_EQ(sc.interventions.size(), 1u);
    EXPECT_EQ(value(sc, "meeting_minutes"), expected_minutes[i]) << sc.name;
    EXPECT_EQ(value(sc, "fte"), 0.5) << sc.name;  // the scenario's own setting stays
    EXPECT_EQ(param(sc, "gp.knows_well_share"), expected_share[i]) << sc.name;
    EXPECT_EQ(param(sc, "gp.list_size"), param(ex.scenarios[1], "gp.list_size")) << sc.name;  // coord's, not base's
  }
  EXPECT_EQ(value(ex.scenarios[1], "meeting_minutes"), 60);  // the scenario itself is not changed
  // Errors: the line of the offending entry (the [sweep] table starts on line 18).
  EXPECT_EQ(error_line(with + "[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"coordinator.meeting_minutes\" = [10, 90]\n"), 21)
      << "the baseline has no coordinator";
  EXPECT_EQ(error_line(with + "[sweep]\nfrom = \"coord\"\nmethod = \"grid\"\n[sweep.parameters]\n\"coordinator.meeting_minute\" = [10, 90]\n"), 22);
  EXPECT_EQ(error_line(with + "[sweep]\nfrom = \"coord\"\nmethod = \"grid\"\n[sweep.parameters]\n\"coordinator.meeting_minutes\" = [10, 9000]\n"), 22);
  EXPECT_EQ(error_line(with + "[sweep]\nfrom = \"cord\"\nmethod = \"grid\"\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.1, 0.3]\n"), 19);
}
