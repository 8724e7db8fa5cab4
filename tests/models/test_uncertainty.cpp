// Probabilistic sensitivity analysis (issue 14): [uncertainty] expansion
// (models/sweep.*, expand_uncertainty), its validation (file:line, exit 2),
// the acceptability curve (analysis/src/uncertainty.*) and the /uncertainty
// group of a results file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>

#include "analysis/src/uncertainty.hpp"
#include "models/experiment.hpp"
#include "process_helpers.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/random.hpp"

using namespace process_helpers;

namespace {

// Two options: the baseline, and a coordinator from week 2; "same" is the
// baseline under another name (no intervention, the same parameters).
const std::string kHead = R"([experiment]
name = "psa"
territory = "herbasse"
replicates = 2
horizon_weeks = 10
warmup_weeks = 2
seed = 11

[[scenario]]
name = "base"

[[scenario]]
name = "same"

[[scenario]]
name = "coord"
[[scenario.intervention]]
type = "coordinator"
start_week = 2
catchment = ["Crépol", "Montchenu"]
)";

const std::string kUncertainty = R"(
[uncertainty]
draws = 5
seed = 3
[uncertainty.parameters]
"gp.knows_well_share" = [0.05, 0.5]
"coordinator.meeting_minutes" = { min = 10, max = 90, transform = "log" }
)";

models::Experiment parse(const std::string& text) { return models::parse_experiment(text, "psa.toml"); }

double param(const models::ScenarioSpec& s, const std::string& name) {
  return *models::param_table().get_number(s.params, name);
}

// Line of the error a text raises (0 if none).
int error_line(const std::string& text, std::string* message = nullptr) {
  try {
    parse(text);
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.file(), "psa.toml");
    if (message) *message = e.message();
    return e.line();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return 0;
}

int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return at == std::string::npos ? -1 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

}  // namespace

TEST(Uncertainty, ExpandsDrawsTimesOptionsWithTheDrawsValues) {
  const auto ex = parse(kHead + kUncertainty);
  const auto& d = ex.uncertainty;
  ASSERT_EQ(d.draws.size(), 5u);
  EXPECT_EQ(d.parameters, (std::vector<std::string>{"gp.knows_well_share", "coordinator.meeting_minutes"}));
  EXPECT_EQ(d.transforms, (std::vector<std::string>{"linear", "log"}));
  EXPECT_EQ(d.options, (std::vector<std::string>{"base", "same", "coord"}));
  EXPECT_EQ(d.seed, 3u);
  ASSERT_EQ(ex.scenarios.size(), 3u + 5u * 3u);  // the hand-written ones stay, then N x S draws
  std::set<int> lin_strata, log_strata;
  for (std::size_t k = 0; k < 5; ++k) {
    const double share = d.draws[k][0], minutes = d.draws[k][1];
    EXPECT_GE(share, 0.05);
    EXPECT_LE(share, 0.5);
    EXPECT_GE(minutes, 10);
    EXPECT_LE(minutes, 90);
    lin_strata.insert(static_cast<int>((share - 0.05) / 0.45 * 5));
    log_strata.insert(static_cast<int>(std::log(minutes / 10) / std::log(9.0) * 5));  // stratified in log
    for (std::size_t s = 0; s < 3; ++s) {
      const auto& sc = ex.scenarios[3 + k * 3 + s];
      EXPECT_EQ(sc.name, d.options[s] + "@d" + std::to_string(k));
      EXPECT_EQ(d.scenarios[k][s], sc.name);
      EXPECT_DOUBLE_EQ(param(sc, "gp.knows_well_share"), share);
      // <type>.<key> only where the option has that intervention.
      EXPECT_EQ(sc.interventions.size(), s == 2 ? 1u : 0u);
      if (s == 2) {
        EXPECT_DOUBLE_EQ(*sc.intervention_tables[0]["meeting_minutes"].value<double>(), minutes);
      }
    }
  }
  EXPECT_EQ(lin_strata.size(), 5u);
  EXPECT_EQ(log_strata.size(), 5u);
  // The hand-written scenarios keep their values.
  EXPECT_DOUBLE_EQ(param(ex.scenarios[0], "gp.knows_well_share"), param(parse(kHead).scenarios[0], "gp.knows_well_share"));
  // Deterministic in the seed.
  EXPECT_EQ(parse(kHead + kUncertainty).uncertainty.draws, d.draws);
}

TEST(Uncertainty, BadInputNamesTheLine) {
  std::string msg;
  const std::string inverted = kHead + "\n[uncertainty]\ndraws = 4\n[uncertainty.parameters]\n\"gp.knows_well_share\" = [0.5, 0.1]\n";
  EXPECT_EQ(error_line(inverted, &msg), line_of(inverted, "\"gp.knows_well_share\""));
  EXPECT_NE(msg.find("min must be below max"), std::string::npos) << msg;
  const std::string unknown = kHead + "\n[uncertainty]\ndraws = 4\n[uncertainty.parameters]\n\"gp.knows_wel_share\" = [0.1, 0.5]\n";
  EXPECT_EQ(error_line(unknown, &msg), line_of(unknown, "\"gp.knows_wel_share\""));
  const std::string absent = kHead + "\n[uncertainty]\ndraws = 4\n[uncertainty.parameters]\n\"vade_mecum.p_use\" = [0.1, 0.5]\n";
  EXPECT_EQ(error_line(absent, &msg), line_of(absent, "\"vade_mecum.p_use\""));
  EXPECT_NE(msg.find("no scenario has a vade_mecum"), std::string::npos) << msg;
  const std::string bad_key = kHead + "\n[uncertainty]\ndraws = 4\n[uncertainty.parameters]\n\"coordinator.meeting_minute\" = [1, 5]\n";
  EXPECT_EQ(error_line(bad_key), line_of(bad_key, "\"coordinator.meeting_minute\""));
  const std::string log0 = kHead + "\n[uncertainty]\ndraws = 4\n[uncertainty.parameters]\n\"gp.knows_well_share\" = {min = 0, max = 0.5, transform = \"log\"}\n";
  EXPECT_EQ(error_line(log0, &msg), line_of(log0, "\"gp.knows_well_share\""));
  const std::string one = kHead + "\n[uncertainty]\ndraws = 1\n[uncertainty.parameters]\n\"gp.knows_well_share\" = [0.1, 0.5]\n";
  EXPECT_EQ(error_line(one), line_of(one, "draws = 1"));
  const std::string both = kHead + "\n[sweep]\nmethod = \"lhs\"\nsamples = 3\n[sweep.parameters]\n\"gp.search_minutes\" = [5, 20]\n" + kUncertainty;
  EXPECT_EQ(error_line(both, &msg), line_of(both, "[uncertainty]"));
  EXPECT_NE(msg.find("both [sweep] and [uncertainty]"), std::string::npos) << msg;

  // The command line: exit 2, the file and line first.
  const fs::path dir = temp_dir("psa-bad");
  write(dir / "bad.toml", inverted);
  const auto out = sh(kBin + " validate " + (dir / "bad.toml").string());
  EXPECT_EQ(out.code, 2) << out.output;
  EXPECT_NE(out.output.find("bad.toml:" + std::to_string(line_of(inverted, "\"gp.knows_well_share\"")) + ":"),
            std::string::npos)
      << out.output;
  write(dir / "both.toml", both);
  const auto out2 = sh(kBin + " validate " + (dir / "both.toml").string());
  EXPECT_EQ(out2.code, 2) << out2.output;
  EXPECT_NE(out2.output.find("both.toml:" + std::to_string(line_of(both, "[uncertainty]")) + ":"), std::string::npos)
      << out2.output;
  fs::remove_all(dir);
}

TEST(Uncertainty, AcceptabilitySumsToOneAtEveryWillingnessToPay) {
  sim::Stream rng(5, 0, "ceac-test");
  std::vector<std::vector<double>> cost(3, std::vector<double>(40)), days(3, std::vector<double>(40));
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t k = 0; k < 40; ++k) {
      cost[i][k] = 1000.0 * static_cast<double>(i + 1) + 500 * rng.normal();
      days[i][k] = 20.0 * static_cast<double>(i) + 10 * rng.normal();
    }
  const auto wtp = analysis::wtp_grid(cost, days);
  ASSERT_EQ(wtp.size(), 41u);
  EXPECT_EQ(wtp.front(), 0.0);
  EXPECT_GE(wtp.back(), 100.0);
  const auto curve = analysis::acceptability(cost, days, wtp);
  ASSERT_EQ(curve.size(), wtp.size());
  for (const auto& row : curve) {
    ASSERT_EQ(row.size(), 4u);
    double sum = 0;
    for (double p : row) sum += p;
    EXPECT_NEAR(sum, 1.0, 1e-12);
  }
  // At W = 0 the cheapest wins: the baseline (every option costs more, mostly).
  EXPECT_GT(curve.front()[0], 0.9);
}

TEST(Uncertainty, ResultsFileHasTheLayoutAndAnIdenticalOptionDiffersByZero) {
  const fs::path dir = temp_dir("psa-run");
  write(dir / "psa.toml", kHead + kUncertainty);  // the baseline: the first scenario
  const std::string h5 = (dir / "o.h5").string();
  const auto out = sh(kBin + " run " + (dir / "psa.toml").string() + " -o " + h5 + " --quiet --threads 2");
  ASSERT_EQ(out.code, 0) << out.output;
  // The terminal table shows the three hand-written options, not their 15 draws.
  const auto info = sh(kBin + " info " + h5);
  ASSERT_EQ(info.code, 0) << info.output;
  EXPECT_EQ(info.output.find("@d0"), std::string::npos) << info.output;
  EXPECT_NE(info.output.find("(+ 15 generated scenarios"), std::string::npos) << info.output;
  EXPECT_NE(sh(kBin + " info " + h5 + " --json").output.find("coord@d4"), std::string::npos);
  sim::h5::Reader r(h5);
  const std::string g = "/uncertainty";
  ASSERT_TRUE(r.exists(g));
  EXPECT_EQ(r.attribute_string(g, "covers"), "parameters + Monte-Carlo");
  EXPECT_EQ(r.attribute_int(g, "draws"), 5);
  EXPECT_EQ(r.read_strings(g + "/parameters"),
            (std::vector<std::string>{"gp.knows_well_share", "coordinator.meeting_minutes"}));
  const auto options = r.read_strings(g + "/options");
  EXPECT_EQ(options, (std::vector<std::string>{"base", "same", "coord"}));
  std::size_t rows = 0, cols = 0;
  r.read_matrix(g + "/draws", rows, cols);
  EXPECT_EQ(rows, 5u);
  EXPECT_EQ(cols, 2u);
  for (const char* ds : {"parameters", "transforms", "options", "ranges", "draws", "wtp", "ceac"})
    EXPECT_FALSE(r.attribute_string(g + "/" + ds, "units").empty()) << ds;
  for (const auto& o : options)
    for (const char* m : {"cost_eur_per_year", "gp_hours_freed_per_year", "unmet_need_days_averted"}) {
      const std::string diff = g + "/option/" + o + "/diff/" + m;
      const auto v = r.read_matrix(diff, rows, cols);
      EXPECT_EQ(rows, 5u);
      EXPECT_EQ(cols, 1u);
      EXPECT_FALSE(r.attribute_string(diff, "units").empty());
      const auto reps = r.read_matrix(g + "/option/" + o + "/replicates/" + m, rows, cols);
      EXPECT_EQ(rows, 5u);
      EXPECT_EQ(cols, 2u);
      for (std::size_t k = 0; k < 5; ++k) {
        if (o == "base" || o == "same") {
          EXPECT_EQ(v[k], 0.0) << o << " " << m << " draw " << k;  // identical to the baseline: exactly zero
          EXPECT_EQ(reps[2 * k], 0.0);
          EXPECT_EQ(reps[2 * k + 1], 0.0);
        }
        EXPECT_TRUE(std::isfinite(v[k])) << o << " " << m;
        EXPECT_NEAR(v[k], 0.5 * (reps[2 * k] + reps[2 * k + 1]), 1e-9 * (1 + std::fabs(v[k])));  // mean over replicates
      }
    }
  // The coordinator changes something in some draw (it has a cost).
  const auto coord_cost = r.read_matrix(g + "/option/coord/diff/cost_eur_per_year", rows, cols);
  EXPECT_GT(coord_cost[0], 0.0);
  const auto wtp = r.read_matrix(g + "/wtp", rows, cols);
  const auto ceac = r.read_matrix(g + "/ceac", rows, cols);
  EXPECT_EQ(rows, wtp.size());
  EXPECT_EQ(cols, 3u);
  for (std::size_t i = 0; i < rows; ++i) EXPECT_NEAR(ceac[i * 3] + ceac[i * 3 + 1] + ceac[i * 3 + 2], 1.0, 1e-12);
  // Draw scenarios are marked; the hand-written ones are not.
  EXPECT_EQ(r.attribute_int("/scenarios/coord@d3", "uncertainty_draw"), 3);
  EXPECT_EQ(r.attribute_string("/scenarios/coord@d3", "option"), "coord");
  EXPECT_FALSE(r.has_attribute("/scenarios/coord", "uncertainty_draw"));
  // /comparisons holds the hand-written options only.
  EXPECT_TRUE(r.exists("/comparisons/coord"));
  EXPECT_FALSE(r.exists("/comparisons/coord@d3"));
  // runs.csv: the draw, its option and the drawn values, one row per run.
  const auto csv = sh(kBin + " export " + h5 + " --csv " + (dir / "csv").string());
  ASSERT_EQ(csv.code, 0) << csv.output;
  const std::string runs = slurp(dir / "csv" / "runs.csv");
  EXPECT_NE(runs.substr(0, runs.find('\n')).find("uncertainty_draw,option,gp.knows_well_share,coordinator.meeting_minutes"),
            std::string::npos)
      << runs.substr(0, 300);
  EXPECT_NE(runs.find("\ncoord@d3,1,"), std::string::npos);
  fs::remove_all(dir);
}
