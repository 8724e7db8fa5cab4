// The intervention framework: registry, parsing from the experiment file,
// schedule and cost, composition; and the two simple interventions.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>

#include "helpers.hpp"
#include "sim/hdf5_file.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"

using testing_helpers::value;

namespace {

models::Experiment experiment(const std::string& scenarios, int replicates = 2, double weeks = 52) {
  return models::parse_experiment(R"([experiment]
name = "iv"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = )" + std::to_string(weeks) + R"(
warmup_weeks = 8
seed = 3

[[scenario]]
name = "baseline"
)" + scenarios,
                                  "iv.toml");
}

models::ExperimentResults run(const models::Experiment& ex) {
  return models::run_experiment(ex, models::build_setting(ex), {});
}

}  // namespace

TEST(Interventions, RegistryListsEveryBuiltinWithParameters) {
  const auto& reg = models::interventions();
  for (const auto& t : reg.all()) {
    EXPECT_FALSE(t.description.empty()) << t.name;
    const auto infos = t.params();
    EXPECT_FALSE(infos.empty()) << t.name;
    for (const auto& p : infos) EXPECT_FALSE(p.source.empty()) << t.name << "." << p.name;
  }
  EXPECT_NE(reg.find("secrecy"), nullptr);
  EXPECT_NE(reg.find("health_mediator"), nullptr);
}

TEST(Interventions, UnknownTypeAndUnknownKeyAreInputErrors) {
  try {
    experiment("[[scenario]]\nname = \"x\"\n[[scenario.intervention]]\ntype = \"secrecyy\"\n");
    FAIL();
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("did you mean 'secrecy'"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 14);
  }
  try {
    experiment("[[scenario]]\nname = \"x\"\n[[scenario.intervention]]\ntype = \"secrecy\"\nregim = \"strict\"\n");
    FAIL();
  } catch (const sim::InputError& e) {
    EXPECT_NE(std::string(e.what()).find("regime"), std::string::npos) << e.what();
    EXPECT_EQ(e.line(), 15);
  }
}

TEST(Interventions, ScheduleRampsAndCosts) {
  models::Schedule s;
  s.start_week = 10;
  s.ramp_up_weeks = 10;
  s.setup_cost_eur = 1000;
  s.running_cost_eur_per_year = 36525;
  EXPECT_EQ(s.ramp(sim::weeks(5)), 0);
  EXPECT_NEAR(s.ramp(sim::weeks(15)), 0.5, 1e-9);
  EXPECT_EQ(s.ramp(sim::weeks(30)), 1);
  EXPECT_NEAR(s.cost(0, sim::weeks(10) + sim::days(100)), 1000 + 10000, 1e-6);
  EXPECT_NEAR(s.cost(sim::weeks(20), sim::weeks(20) + sim::days(10)), 1000 + 1000, 1e-6);  // set-up paid earlier
  EXPECT_EQ(s.cost(0, sim::weeks(10)), 0);  // not started yet
}

TEST(Interventions, SecrecyInterventionSwitchesTheRegimeAtItsStart) {
  const auto ex = experiment(R"([[scenario]]
name = "strict-now"
[[scenario.intervention]]
type = "secrecy"
regime = "strict"
[[scenario]]
name = "strict-never"
[[scenario.intervention]]
type = "secrecy"
regime = "strict"
start_week = 5000
)");
  const auto res = run(ex);
  for (int r = 0; r < 2; ++r) {
    const auto& base = res.scenarios[0].replicates[r];
    EXPECT_GT(value(res.scenarios[1].replicates[r], "secrecy_blocked"), value(base, "secrecy_blocked"));
    // Not started within the horizon: identical to the baseline (common random numbers).
    EXPECT_EQ(value(res.scenarios[2].replicates[r], "unmet_need_days"), value(base, "unmet_need_days"));
  }
}

// Every registered intervention, starting after the horizon, leaves every
// baseline summary field bit-identical (nothing may change before its
// start: common random numbers, and no setting change at week 0). An
// intervention that cannot honour a late start must refuse it as input.
TEST(Interventions, AnyInterventionStartingAfterTheHorizonIsTheBaseline) {
  // What a type needs besides start_week to be set up on Herbasse.
  const std::map<std::string, std::string> extra = {
      {"shared_premises",  // two services that move (from Saint-Donat): the setting would change
       "locality = \"Romans-Nord\"\nservices = [\"CCAS Romans\", \"Elderly coordination service\", \"CCAS Saint-Donat\"]\n"},
  };
  std::string scenarios;
  std::vector<std::string> types;
  for (const auto& t : models::interventions().all()) {
    const std::string table = "[[scenario]]\nname = \"late-" + t.name + "\"\n[[scenario.intervention]]\ntype = \"" +
                              t.name + "\"\nstart_week = 40\n" + (extra.count(t.name) ? extra.at(t.name) : "");
    if (t.name == "sector_merge") {  // structural: refuses a start it cannot honour, naming the line
      try {
        models::build_setting(experiment(table));  // validate / run check it before anything runs
        ADD_FAILURE() << "sector_merge accepted start_week = 40";
      } catch (const sim::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("start_week = 0"), std::string::npos) << e.what();
        EXPECT_EQ(e.line(), 13) << e.what();
      }
      continue;
    }
    scenarios += table;
    types.push_back(t.name);
  }
  ASSERT_GE(types.size(), 8u);
  const auto res = run(experiment(scenarios, 2, 30));
  for (std::size_t s = 1; s < res.scenarios.size(); ++s)
    for (int r = 0; r < 2; ++r) {
      const auto& base = res.scenarios[0].replicates[r];
      const auto& late = res.scenarios[s].replicates[r];
      ASSERT_GE(late.summary.size(), base.summary.size());
      for (std::size_t f = 0; f < base.summary.size(); ++f) {
        const auto& [name, v] = base.summary[f];
        if (name == "wall_seconds") continue;
        EXPECT_EQ(late.summary[f].first, name);
        EXPECT_EQ(late.summary[f].second, v) << types[s - 1] << " replicate " << r << " " << name;
      }
    }
}

// Running cost is paid per FTE; the set-up once.
TEST(Interventions, RunningCostScalesWithFte) {
  for (const char* type : {"coordinator", "health_mediator", "single_referent"}) {
    std::string sc;
    for (const char* fte : {"1", "2", "0.5"})
      sc += std::string("[[scenario]]\nname = \"fte-") + fte + "\"\n[[scenario.intervention]]\ntype = \"" + type +
            "\"\nfte = " + fte + "\nsetup_cost_eur = 1000\nrunning_cost_eur_per_year = 36525\n";
    const auto res = run(experiment(sc, 1, 30));
    const double running = 36525.0 * (30 - 8) * 7 / 365.25;  // measured weeks
    EXPECT_NEAR(value(res.scenarios[1].replicates[0], "cost_eur"), 1000 + running, 1e-6) << type;
    EXPECT_NEAR(value(res.scenarios[2].replicates[0], "cost_eur"), 1000 + 2 * running, 1e-6) << type;
    EXPECT_NEAR(value(res.scenarios[3].replicates[0], "cost_eur"), 1000 + 0.5 * running, 1e-6) << type;
  }
}

TEST(Interventions, ZeroOrNegativeFteIsAnInputErrorWithItsLine) {
  for (const char* type : {"coordinator", "health_mediator", "single_referent"})
    for (const char* fte : {"0", "-1"}) {
      try {
        experiment(std::string("[[scenario]]\nname = \"x\"\n[[scenario.intervention]]\ntype = \"") + type +
                   "\"\nfte = " + fte + "\n");
        ADD_FAILURE() << type << " accepted fte = " << fte;
      } catch (const sim::InputError& e) {
        EXPECT_EQ(e.line(), 15) << e.what();
        EXPECT_NE(std::string(e.what()).find("fte"), std::string::npos) << e.what();
      }
    }
}

// /scenarios/<name>/parameters holds every intervention's effective
// parameters beside the model's, named "<type>.<key>" ("<type>#2.<key>" for a
// second one of the same type, "<type>#1.<key>" for the first when a name is
// the model's), with unit and source.
TEST(Interventions, EffectiveParametersReachTheResultsFile) {
  const auto ex = experiment(R"([[scenario]]
name = "two"
[[scenario.intervention]]
type = "coordinator"
fte = 2
[[scenario.intervention]]
type = "meetings"
interval_weeks = 10
[[scenario.intervention]]
type = "secrecy"
regime = "strict"
[[scenario.intervention]]
type = "secrecy"
regime = "shared-plan"
start_week = 20
)", 1, 20);
  const auto res = run(ex);
  const auto path = std::filesystem::temp_directory_path() / "passerelle_test_iv_params.h5";
  models::write_results(path, true, ex, models::build_setting(ex), res);
  sim::h5::Reader rd(path);
  const auto names = rd.read_strings("/scenarios/two/parameters/name");
  const auto values = rd.read_strings("/scenarios/two/parameters/value");
  const auto units = rd.read_strings("/scenarios/two/parameters/unit");
  const auto sources = rd.read_strings("/scenarios/two/parameters/source");
  ASSERT_EQ(names.size(), values.size());
  ASSERT_EQ(names.size(), units.size());
  ASSERT_EQ(names.size(), sources.size());
  auto find = [&](const std::string& n) -> std::ptrdiff_t {
    const auto it = std::find(names.begin(), names.end(), n);
    return it == names.end() ? -1 : it - names.begin();
  };
  ASSERT_GE(find("coordinator.fte"), 0);
  EXPECT_EQ(values[find("coordinator.fte")], "2");
  EXPECT_EQ(units[find("coordinator.fte")], "FTE");
  EXPECT_EQ(values[find("coordinator.caseload_per_fte")], "40");  // a default, effective all the same
  EXPECT_EQ(values[find("meetings.interval_weeks")], "10");
  // The model has a "secrecy.regime" of its own: the interventions are numbered.
  EXPECT_EQ(values[find("secrecy.regime")], "consent");
  EXPECT_EQ(std::count(names.begin(), names.end(), "secrecy.regime"), 1);
  ASSERT_GE(find("secrecy#2.start_week"), 0);
  EXPECT_EQ(values[find("secrecy#1.start_week")], "0");
  EXPECT_EQ(values[find("secrecy#2.start_week")], "20");
  EXPECT_EQ(values[find("secrecy#1.regime")], "strict");
  EXPECT_EQ(values[find("secrecy#2.regime")], "shared-plan");
  for (std::size_t i = 0; i < names.size(); ++i) EXPECT_FALSE(sources[i].empty()) << names[i];
  // Every parameter of every intervention, and the model's as before.
  std::size_t expected = models::param_table().infos().size();
  for (const auto& iv : ex.scenarios[1].interventions) expected += iv->values().size();
  EXPECT_EQ(names.size(), expected);
  EXPECT_EQ(rd.read_strings("/scenarios/baseline/parameters/name").size(), models::param_table().infos().size());
  std::filesystem::remove(path);
}
