// End-to-end: the `passerelle` binary as a user runs it, and the HDF5 file
// it writes checked against the CONTRACTS.md layout.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/wait.h>

#include "cli_helpers.hpp"
#include "sim/hdf5_file.hpp"

namespace fs = std::filesystem;

namespace {

using cli_test::Outcome;
using cli_test::sh;

fs::path temp_dir(const std::string& name) { return cli_test::temp_dir("passerelle-e2e-", name); }

const std::string kBin = PASSERELLE_BINARY;

void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

const char* kExperiment = R"([experiment]
name = "e2e"
territory = "herbasse"
replicates = 3
horizon_weeks = 30
warmup_weeks = 4
seed = 7

[[scenario]]
name = "baseline"
[[scenario]]
name = "strict"
[scenario.parameters]
"secrecy.regime" = "strict"
)";

}  // namespace

TEST(CliEndToEnd, RunWritesTheContractLayout) {
  const auto dir = temp_dir("run");
  write(dir / "e.toml", kExperiment);
  const auto out = dir / "out.h5";
  const auto r = sh(kBin + " run " + (dir / "e.toml").string() + " -o " + out.string() + " --threads 2");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("gp_social_minutes_per_gp_week"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  sim::h5::Reader h5(out);
  EXPECT_EQ(h5.attribute_int("/", "schema_version"), 1);
  EXPECT_EQ(h5.attribute_int("/", "base_seed"), 7);
  EXPECT_NE(h5.attribute_string("/", "experiment").find("name = \"e2e\""), std::string::npos);
  EXPECT_FALSE(h5.attribute_string("/", "software_version").empty());
  EXPECT_FALSE(h5.attribute_string("/", "created_utc").empty());
  for (const std::string sc : {"baseline", "strict"}) {
    const auto t = h5.read_table("/scenarios/" + sc + "/summary");
    EXPECT_EQ(t.rows(), 3u);
    for (const char* f : {"replicate", "seed", "gp_social_minutes_per_gp_week", "needs_onset", "needs_resolved",
                          "needs_open", "needs_abandoned", "unmet_need_days", "unmet_share_90d",
                          "median_days_to_resolution", "p90_days_to_resolution", "wrong_door_hops",
                          "contact_attempts", "contact_failures", "consent_refusals", "secrecy_blocked",
                          "collaboration_ties", "cost_eur", "events", "wall_seconds"}) {
      const auto* c = t.find(f);
      ASSERT_NE(c, nullptr) << f;
      EXPECT_FALSE(c->units.empty()) << f;
    }
    std::size_t rows = 0, cols = 0;
    h5.read_matrix("/scenarios/" + sc + "/weekly/gp_social_minutes", rows, cols);
    EXPECT_EQ(rows, 3u);
    EXPECT_EQ(cols, 26u);
    EXPECT_EQ(h5.attribute_string("/scenarios/" + sc + "/weekly/gp_social_minutes", "units"), "min/week");
    h5.read_matrix("/scenarios/" + sc + "/by_need_type/needs_onset", rows, cols);
    EXPECT_EQ(rows, 3u);
    EXPECT_EQ(cols, 10u);
    EXPECT_EQ(h5.attribute_strings("/scenarios/" + sc + "/by_need_type/needs_onset", "categories").size(), 10u);
    EXPECT_TRUE(h5.exists("/scenarios/" + sc + "/parameters/value"));
  }
  const auto values = h5.read_strings("/scenarios/strict/parameters/value");
  const auto names = h5.read_strings("/scenarios/strict/parameters/name");
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == "secrecy.regime") {
      EXPECT_EQ(values[i], "strict");
    }
  // info reads it back, as text and as JSON.
  const auto info = sh(kBin + " info " + out.string());
  EXPECT_EQ(info.code, 0);
  EXPECT_NE(info.output.find("strict"), std::string::npos);
  const auto json = sh(kBin + " info --json " + out.string());
  EXPECT_EQ(json.code, 0);
  EXPECT_EQ(json.output.front(), '{');
  EXPECT_NE(json.output.find("\"needs_onset\""), std::string::npos);
  // An existing file is not overwritten without --force.
  const auto again = sh(kBin + " run " + (dir / "e.toml").string() + " -o " + out.string());
  EXPECT_EQ(again.code, 2);
  fs::remove_all(dir);
}

TEST(CliEndToEnd, BadInputExitsTwoWithFileAndLineAndWritesNothing) {
  const auto dir = temp_dir("bad");
  std::string text = kExperiment;
  text.replace(text.find("replicates = 3"), 14, "replicates = -3");
  write(dir / "bad.toml", text);
  const auto out = dir / "out.h5";
  const auto r = sh(kBin + " run " + (dir / "bad.toml").string() + " -o " + out.string());
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.output.find("bad.toml:4"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_FALSE(fs::exists(out.string() + ".tmp"));
  const auto v = sh(kBin + " validate " + (dir / "bad.toml").string());
  EXPECT_EQ(v.code, 2);
  EXPECT_EQ(sh(kBin + " run " + (dir / "missing.toml").string() + " -o " + out.string()).code, 2);
  EXPECT_EQ(sh(kBin + " run " + (dir / "bad.toml").string() + " -o " + out.string() + " --threads lots").code, 2);
  fs::remove_all(dir);
}

TEST(CliEndToEnd, AnInterventionNamingAPlaceTheTerritoryLacksIsFoundBeforeRunning) {
  // Names in an intervention (a catchment locality, a partner service) can
  // only be checked against the territory: `validate` and `run` check them
  // before anything runs — no results file, no checkpoint — and point at the
  // intervention's table with the names that would do.
  const auto dir = temp_dir("names");
  const std::string head = "[experiment]\nname = \"names\"\nterritory = \"herbasse\"\nreplicates = 2\n"
                           "horizon_weeks = 20\nwarmup_weeks = 4\n[[scenario]]\nname = \"baseline\"\n"
                           "[[scenario]]\nname = \"with\"\n[[scenario.intervention]]\n";
  const std::pair<const char*, const char*> cases[] = {
      {"type = \"coordinator\"\ncatchment = [\"Crépol\", \"Crepoll\"]\n", "Crépol"},
      {"type = \"shared_premises\"\nlocality = \"Romans-Nord\"\nservices = [\"CCAS Roman\"]\n", "did you mean 'CCAS Romans'"},
      {"type = \"vade_mecum\"\ncatchment = [\"Nowhere\"]\n", "unknown locality 'Nowhere'"}};
  for (const auto& [body, hint] : cases) {
    write(dir / "names.toml", head + body);
    const auto out = dir / "out.h5";
    const auto r = sh(kBin + " run " + (dir / "names.toml").string() + " -o " + out.string() + " --quiet");
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find("names.toml:11:1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(hint), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(out));
    EXPECT_EQ(std::distance(fs::directory_iterator(dir), fs::directory_iterator{}), 1) << "a file was left beside names.toml";
    EXPECT_EQ(sh(kBin + " validate " + (dir / "names.toml").string()).code, 2);
  }
  fs::remove_all(dir);
}

TEST(CliEndToEnd, ValidateAndParamsAndList) {
  const auto v = sh(kBin + " validate " + std::string(PASSERELLE_SOURCE_DIR) + "/experiments/default.toml");
  EXPECT_EQ(v.code, 0) << v.output;
  EXPECT_NE(v.output.find("herbasse"), std::string::npos);
  const auto p = sh(kBin + " params --markdown");
  EXPECT_EQ(p.code, 0);
  EXPECT_NE(p.output.find("gp.knows_well_share"), std::string::npos);
  const auto l = sh(kBin + " list");
  EXPECT_EQ(l.code, 0);
  EXPECT_NE(l.output.find("grand-nancy"), std::string::npos);
}

TEST(CliEndToEnd, ParameterTableDocIsUpToDate) {
  // models/PARAMETERS.md is generated; regenerate with
  //   build/passerelle params --markdown > models/PARAMETERS.md
  const auto p = sh(kBin + " params --markdown");
  std::ifstream in(std::string(PASSERELLE_SOURCE_DIR) + "/models/PARAMETERS.md");
  const std::string doc((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(doc, p.output) << "models/PARAMETERS.md is stale: regenerate it";
}
