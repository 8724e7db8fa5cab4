// The researcher's workflow (issue 17) end to end: `--set` overrides,
// `export --csv`, `show`, a GraphML territory with its own GPs and services.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_helpers.hpp"
#include "analysis/src/export_csv.hpp"
#include "models/checkpoint.hpp"
#include "models/experiment.hpp"
#include "models/overrides.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"

namespace fs = std::filesystem;

namespace {

using cli_test::Outcome;
using cli_test::sh;

fs::path temp_dir(const std::string& name) { return cli_test::temp_dir("passerelle-workflow-", name); }

const std::string kBin = PASSERELLE_BINARY;
const std::string kSource = PASSERELLE_SOURCE_DIR;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }
std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

const char* kExperiment = R"([experiment]
name = "workflow"
territory = "herbasse"
replicates = 2
horizon_weeks = 20
warmup_weeks = 4
seed = 7

[[scenario]]
name = "baseline"
[[scenario]]
name = "coordinator"
[scenario.parameters]
"gp.knows_well_share" = 0.5
[[scenario.intervention]]
type = "coordinator"
catchment = ["Crépol", "Montchenu"]
)";

// A minimal RFC 4180 reader: rows of fields.
std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  const std::string t = read(p);
  std::vector<std::vector<std::string>> rows(1);
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    if (quoted) {
      if (c == '"' && i + 1 < t.size() && t[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().push_back(field), field.clear();
    } else if (c == '\n') {
      rows.back().push_back(field), field.clear();
      rows.emplace_back();
    } else {
      field += c;
    }
    any = true;
  }
  if (any && rows.back().empty()) rows.pop_back();
  return rows;
}

std::string param_value(const sim::h5::Reader& h5, const std::string& sc, const std::string& name,
                        std::string* source = nullptr) {
  const auto names = h5.read_strings("/scenarios/" + sc + "/parameters/name");
  const auto values = h5.read_strings("/scenarios/" + sc + "/parameters/value");
  const auto sources = h5.read_strings("/scenarios/" + sc + "/parameters/source");
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) {
      if (source) *source = sources[i];
      return values[i];
    }
  return "?";
}

}  // namespace

TEST(Workflow, SetOverridesAParameterInEveryScenarioAndTheResultsShowIt) {
  const auto dir = temp_dir("set");
  write(dir / "e.toml", kExperiment);
  const auto out = dir / "out.h5";
  const auto r = sh(kBin + " run " + (dir / "e.toml").string() + " -o " + out.string() +
                    " --quiet --set gp.knows_well_share=0.3 --set secrecy.regime=strict");
  ASSERT_EQ(r.code, 0) << r.output;
  sim::h5::Reader h5(out);
  for (const std::string sc : {"baseline", "coordinator"}) {
    std::string source;
    EXPECT_EQ(param_value(h5, sc, "gp.knows_well_share", &source), "0.3") << sc;  // over the scenario's 0.5 too
    EXPECT_EQ(source, "--set");
    EXPECT_EQ(param_value(h5, sc, "secrecy.regime"), "strict");  // a bare word is a string
  }
  EXPECT_EQ(h5.attribute_strings("/", "overrides"),
            (std::vector<std::string>{"gp.knows_well_share=0.3", "secrecy.regime=strict"}));
  const auto v = sh(kBin + " validate " + (dir / "e.toml").string() + " --set gp.knows_well_share=0.3");
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("--set gp.knows_well_share=0.3"), std::string::npos) << v.output;
  fs::remove_all(dir);
}

TEST(Workflow, SetIsCheckedLikeTheFileAndNamesTheOption) {
  const auto dir = temp_dir("set-bad");
  write(dir / "e.toml", kExperiment);
  const std::string v = kBin + " validate " + (dir / "e.toml").string();
  struct Case {
    std::string set, expect;
  };
  for (const auto& c : std::vector<Case>{
           {"gp.knows_wel_share=0.3", "did you mean 'gp.knows_well_share'"},
           {"gp.knows_well_share=2", "outside [0, 1]"},
           {"gp.knows_well_share=lots", "expected"},
           {"secrecy.regime=loose", "is not one of"},
           {"coordinator.meeting_minuts=30", "did you mean 'meeting_minutes'"},
           {"health_mediator.start_week=3", "no scenario of the experiment has a health_mediator intervention"},
           {"gp.knows_well_share", "expected NAME=VALUE"},
       }) {
    const auto r = sh(v + " --set '" + c.set + "'");
    EXPECT_EQ(r.code, 2) << c.set << "\n" << r.output;
    EXPECT_NE(r.output.find("--set " + c.set), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos) << c.set << "\n" << r.output;
  }
  // An intervention's <type>.<key>, checked by the intervention's own table.
  const auto ok = sh(v + " --set coordinator.meeting_minutes=30");
  EXPECT_EQ(ok.code, 0) << ok.output;
  fs::remove_all(dir);
}

TEST(Workflow, SetInterventionKeyReachesEveryInterventionOfTheType) {
  models::Experiment ex = models::parse_experiment(kExperiment, "e.toml");
  models::apply_overrides(ex, {"coordinator.meeting_minutes=17"});
  const auto& sc = ex.scenarios[1];
  ASSERT_EQ(sc.interventions.size(), 1u);
  bool found = false;
  for (const auto& [k, val] : sc.interventions[0]->values())
    if (k == "meeting_minutes") {
      found = true;
      EXPECT_EQ(val, "17");
    }
  EXPECT_TRUE(found);
  EXPECT_EQ(ex.overrides, std::vector<std::string>{"coordinator.meeting_minutes=17"});
}

TEST(Workflow, TheCheckpointHeaderKeepsTheOverridesAndResumeChecksThem) {
  models::Experiment ex = models::parse_experiment(kExperiment, "e.toml");
  models::apply_overrides(ex, {"gp.knows_well_share=0.3"});
  const auto h = models::checkpoint_header(ex, false, 1, 1);
  const auto back = models::decode_header(models::encode_header(h), "test");
  EXPECT_EQ(back.overrides, std::vector<std::string>{"gp.knows_well_share=0.3"});
  // The experiment rebuilt from the header (resume, merge) has them applied.
  const auto saved = models::saved_experiment(back);
  EXPECT_DOUBLE_EQ(*models::param_table().get_number(saved.ex.scenarios[0].params, "gp.knows_well_share"), 0.3);
  models::Experiment plain = models::parse_experiment(kExperiment, "e.toml");
  const auto other = models::checkpoint_header(plain, false, 1, 1);
  EXPECT_NE(models::header_mismatch(back, other).find("--set overrides differ"), std::string::npos);
}

TEST(Workflow, ShardsWithSetMergeIntoAFileThatShowsThem) {
  const auto dir = temp_dir("shard-set");
  write(dir / "e.toml", kExperiment);
  const std::string run = kBin + " run " + (dir / "e.toml").string() + " --quiet --set gp.knows_well_share=0.3";
  ASSERT_EQ(sh(run + " -o " + (dir / "p1.h5").string() + " --shard 1/2").code, 0);
  ASSERT_EQ(sh(run + " -o " + (dir / "p2.h5").string() + " --shard 2/2").code, 0);
  // A shard run with other overrides does not resume this one.
  const auto other = sh(kBin + " run " + (dir / "e.toml").string() + " -o " + (dir / "p1.h5").string() +
                        " --shard 1/2 --resume --set gp.knows_well_share=0.4");
  EXPECT_NE(other.code, 0) << other.output;
  const auto m = sh(kBin + " merge " + (dir / "all.h5").string() + " " + (dir / "p1.h5").string() + " " +
                    (dir / "p2.h5").string());
  ASSERT_EQ(m.code, 0) << m.output;
  sim::h5::Reader h5(dir / "all.h5");
  EXPECT_EQ(param_value(h5, "baseline", "gp.knows_well_share"), "0.3");
  EXPECT_EQ(h5.attribute_strings("/", "overrides"), std::vector<std::string>{"gp.knows_well_share=0.3"});
  fs::remove_all(dir);
}

TEST(Workflow, CsvFieldsAreQuotedAsRfc4180) {
  EXPECT_EQ(analysis::csv_field("plain"), "plain");
  EXPECT_EQ(analysis::csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(analysis::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(analysis::csv_field("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(analysis::csv_field(""), "");
}

TEST(Workflow, ExportWritesRunsCsvWithOneRowPerRunAndTheSweptValues) {
  const auto dir = temp_dir("export");
  std::string text = kExperiment;
  text += R"(
[sweep]
method = "grid"
[sweep.parameters]
"gp.knows_well_share" = [0.1, 0.4]
)";
  write(dir / "e.toml", text);
  const auto out = dir / "out.h5";
  ASSERT_EQ(sh(kBin + " run " + (dir / "e.toml").string() + " -o " + out.string() + " --quiet").code, 0);
  const auto csv = dir / "csv";
  const auto r = sh(kBin + " export " + out.string() + " --csv " + csv.string());
  ASSERT_EQ(r.code, 0) << r.output;
  const auto runs = read_csv(csv / "runs.csv");
  ASSERT_EQ(runs.size(), 1u + 4 * 2) << "header + (2 scenarios + 2 sweep points) x 2 replicates";
  const auto& head = runs.front();
  auto col = [&](const std::string& n) {
    for (std::size_t i = 0; i < head.size(); ++i)
      if (head[i] == n) return static_cast<long>(i);
    return -1L;
  };
  for (const char* c : {"scenario", "replicate", "seed", "sweep_index", "gp.knows_well_share", "needs_onset",
                        "unmet_need_days", "cost_eur"})
    EXPECT_GE(col(c), 0) << c;
  for (const auto& row : runs) EXPECT_EQ(row.size(), head.size());
  int swept = 0;
  for (std::size_t i = 1; i < runs.size(); ++i) {
    const auto& row = runs[i];
    if (row[static_cast<std::size_t>(col("scenario"))].rfind("sweep-", 0) == 0) {
      ++swept;
      EXPECT_FALSE(row[static_cast<std::size_t>(col("sweep_index"))].empty());
      const auto& v = row[static_cast<std::size_t>(col("gp.knows_well_share"))];
      EXPECT_TRUE(v == "0.1" || v == "0.4") << v;
    } else {
      EXPECT_TRUE(row[static_cast<std::size_t>(col("sweep_index"))].empty());
    }
  }
  EXPECT_EQ(swept, 4);
  for (const char* f : {"summary.csv", "scenario_summary.csv", "weekly.csv", "breakdowns.csv", "parameters.csv", "comparisons.csv",
                        "sensitivity.csv", "sweep_points.csv", "units.csv", "localities.csv"})
    EXPECT_TRUE(fs::exists(csv / f)) << f;
  EXPECT_EQ(read_csv(csv / "weekly.csv").front(),
            (std::vector<std::string>{"scenario", "replicate", "week", "metric", "value"}));
  EXPECT_NE(read(csv / "units.csv").find("weekly.csv,gp_social_minutes,min/week"), std::string::npos);
  // Existing files are kept without --force.
  const auto again = sh(kBin + " export " + out.string() + " --csv " + csv.string());
  EXPECT_EQ(again.code, 2) << again.output;
  EXPECT_NE(again.output.find("--force"), std::string::npos);
  EXPECT_EQ(sh(kBin + " export " + out.string() + " --csv " + csv.string() + " --force").code, 0);
  // A file that is not a results file.
  const auto bad = sh(kBin + " export " + (dir / "e.toml").string() + " --csv " + (dir / "x").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  // The reader says what it found (not HDF5 at all, or HDF5 without the results layout).
  EXPECT_TRUE(bad.output.find("not a results file") != std::string::npos ||
              bad.output.find("not an HDF5 file") != std::string::npos)
      << bad.output;
  fs::remove_all(dir);
}

TEST(Workflow, ShowPrintsLocalitiesGpsAndServices) {
  const auto t = sh(kBin + " show herbasse");
  ASSERT_EQ(t.code, 0) << t.output;
  EXPECT_NE(t.output.find("Localities"), std::string::npos);
  EXPECT_NE(t.output.find("Saint-Donat"), std::string::npos);
  const auto j = sh(kBin + " show herbasse --json");
  ASSERT_EQ(j.code, 0) << j.output;
  for (const char* k : {"\"localities\"", "\"gp_practices\"", "\"services\"", "\"employer\"", "\"themes\"",
                        "\"fte\"", "\"precarity\"", "\"rurality\"", "\"form\""})
    EXPECT_NE(j.output.find(k), std::string::npos) << k;
  const auto bad = sh(kBin + " show nowhere");
  EXPECT_EQ(bad.code, 2);
}

TEST(Workflow, GraphmlOwnServices) {
  // X.graphml takes its GPs and services from X.services.toml beside it.
  const std::string g = kSource + "/tests/data/example-territory.graphml";
  const auto j = sh(kBin + " show " + g + " --json");
  ASSERT_EQ(j.code, 0) << j.output;
  EXPECT_NE(j.output.find("example-territory.services.toml"), std::string::npos);
  EXPECT_NE(j.output.find("\"CCAS Saint-Aubin\""), std::string::npos);
  EXPECT_NE(j.output.find("\"health_house\""), std::string::npos);
  EXPECT_NE(j.output.find("\"gps\": 6"), std::string::npos) << j.output;  // 3 + 1 + 2
  // Errors name the companion file with its line.
  const auto dir = temp_dir("own");
  fs::copy_file(g, dir / "t.graphml");
  write(dir / "t.services.toml", "[[gp_practice]]\nlocality = \"Saint-Aubin\"\n\n[[service]]\nname = \"x\"\n"
                                 "employer = \"municipal\"\nlocality = \"Saint-Aubim\"\n");
  const auto bad = sh(kBin + " show " + (dir / "t.graphml").string());
  EXPECT_EQ(bad.code, 2) << bad.output;
  EXPECT_NE(bad.output.find("t.services.toml:7"), std::string::npos) << bad.output;
  // Without the companion: the default rules.
  fs::remove(dir / "t.services.toml");
  const auto def = sh(kBin + " show " + (dir / "t.graphml").string());
  EXPECT_EQ(def.code, 0) << def.output;
  EXPECT_NE(def.output.find("rules-default"), std::string::npos) << def.output;
  fs::remove_all(dir);
}

TEST(Workflow, TomlTerritoryOwnServices) {
  // A TOML territory of localities and roads only takes its GPs and services
  // from X.services.toml beside it, and an experiment can name it.
  const auto dir = temp_dir("own-toml");
  write(dir / "t.toml", "[[locality]]\nname = \"Amont\"\npopulation = 3000\nrurality = \"semi-rural\"\nsector = 0\n"
                        "[[locality]]\nname = \"Aval\"\npopulation = 900\nrurality = \"rural\"\nsector = 0\n"
                        "[[road]]\nfrom = \"Amont\"\nto = \"Aval\"\nminutes = 12\n");
  write(dir / "t.services.toml", "[[gp_practice]]\nlocality = \"Amont\"\ngps = 2\nform = \"group\"\n"
                                 "[[service]]\nname = \"CCAS Amont\"\nemployer = \"municipal\"\nlocality = \"Amont\"\n");
  const auto j = sh(kBin + " show " + (dir / "t.toml").string() + " --json");
  ASSERT_EQ(j.code, 0) << j.output;
  EXPECT_NE(j.output.find("\"CCAS Amont\""), std::string::npos) << j.output;
  EXPECT_NE(j.output.find("t.services.toml"), std::string::npos) << j.output;
  write(dir / "e.toml", "[experiment]\nterritory = \"t.toml\"\nreplicates = 1\n[[scenario]]\nname = \"baseline\"\n");
  const auto v = sh(kBin + " validate " + (dir / "e.toml").string());
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("2 GPs, 1 services"), std::string::npos) << v.output;
  fs::remove_all(dir);
}

TEST(Workflow, SetRefusesAParameterTheSweepVaries) {
  std::string text = kExperiment;
  text += "\n[sweep]\nmethod = \"grid\"\n[sweep.parameters]\n\"gp.knows_well_share\" = [0.1, 0.4]\n";
  models::Experiment ex = models::parse_experiment(text, "e.toml");
  try {
    models::apply_overrides(ex, {"gp.knows_well_share=0.3"});
    FAIL() << "expected an InputError";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.file(), "--set gp.knows_well_share=0.3");
    EXPECT_NE(e.message().find("[sweep]"), std::string::npos) << e.message();
  }
  // Another parameter reaches the sweep points too.
  models::apply_overrides(ex, {"gp.list_size=1000"});
  for (const auto& sc : ex.scenarios)
    EXPECT_DOUBLE_EQ(*models::param_table().get_number(sc.params, "gp.list_size"), 1000) << sc.name;
}
