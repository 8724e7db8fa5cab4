// Experiment files: what is accepted, and that every bad input is an
// InputError naming the line and what was expected.
#include <gtest/gtest.h>

#include <filesystem>

#include "models/experiment.hpp"
#include "sim/input_error.hpp"

namespace {

const char* kGood = R"([experiment]
name = "t"
territory = "herbasse"
replicates = 3
seed = 5

[parameters]
"gp.knows_well_share" = 0.2

[[scenario]]
name = "baseline"

[[scenario]]
name = "strict"
[scenario.parameters.secrecy]
regime = "strict"
)";

sim::InputError error_of(const std::string& text) {
  try {
    models::parse_experiment(text, "bad.toml");
  } catch (const sim::InputError& e) {
    return e;
  }
  ADD_FAILURE() << "expected an InputError for:\n" << text;
  return sim::InputError("", 0, 0, "");
}

}  // namespace

TEST(Experiment, ParsesAGoodFile) {
  const auto ex = models::parse_experiment(kGood, "good.toml");
  EXPECT_EQ(ex.name, "t");
  EXPECT_EQ(ex.replicates, 3);
  EXPECT_EQ(ex.seed, 5u);
  EXPECT_EQ(ex.baseline, "baseline");
  ASSERT_EQ(ex.scenarios.size(), 2u);
  EXPECT_DOUBLE_EQ(ex.scenarios[0].params.gp.knows_well_share, 0.2);   // common override
  EXPECT_DOUBLE_EQ(ex.scenarios[1].params.gp.knows_well_share, 0.2);
  EXPECT_EQ(ex.scenarios[0].params.secrecy.regime, models::SecrecyRegime::Consent);
  EXPECT_EQ(ex.scenarios[1].params.secrecy.regime, models::SecrecyRegime::Strict);
  EXPECT_EQ(ex.horizon_weeks, 104);
  EXPECT_EQ(ex.warmup_weeks, 26);
}

TEST(Experiment, UnknownKeySuggestsTheNearestWithItsLine) {
  std::string text = kGood;
  text.replace(text.find("replicates = 3"), 14, "replicatse = 3");
  const auto e = error_of(text);
  EXPECT_EQ(e.line(), 4);
  EXPECT_NE(std::string(e.what()).find("did you mean 'replicates'"), std::string::npos) << e.what();
}

TEST(Experiment, UnknownParameterSuggestsTheNearest) {
  std::string text = kGood;
  text.replace(text.find("\"gp.knows_well_share\""), 21, "\"gp.knows_wel_share\"");
  const auto e = error_of(text);
  EXPECT_EQ(e.line(), 8);
  EXPECT_NE(std::string(e.what()).find("gp.knows_well_share"), std::string::npos) << e.what();
}

TEST(Experiment, OutOfRangeAndWrongTypesAreErrors) {
  std::string a = kGood;
  a.replace(a.find("0.2"), 3, "1.7");
  EXPECT_EQ(error_of(a).line(), 8);
  std::string b = kGood;
  b.replace(b.find("replicates = 3"), 14, "replicates = \"3\"");
  EXPECT_NE(std::string(error_of(b).what()).find("expected an integer"), std::string::npos);
  std::string c = kGood;
  c.replace(c.find("regime = \"strict\""), 17, "regime = \"secret\"");
  EXPECT_EQ(error_of(c).line(), 16);
  std::string d = kGood;
  d.replace(d.find("replicates = 3"), 14, "replicates = 0");
  EXPECT_EQ(error_of(d).line(), 4);
}

TEST(Experiment, StructuralErrors) {
  EXPECT_EQ(error_of("[experiment]\nname = \"x\"\nterritory = \"herbasse\"\n").line(), 0);  // no scenario
  EXPECT_NE(std::string(error_of("[experiment]\nname = \"x\"\n[[scenario]]\nname=\"a\"\n").what()).find("territory"),
            std::string::npos);
  std::string dup = kGood;
  dup.replace(dup.find("name = \"strict\""), 15, "name = \"baseline\"");
  EXPECT_NE(std::string(error_of(dup).what()).find("twice"), std::string::npos);
  EXPECT_EQ(error_of("[experiment\nname = 1\n").line(), 1);  // TOML syntax
  std::string slash = kGood;
  slash.replace(slash.find("name = \"strict\""), 15, "name = \"a/b\"");
  EXPECT_NE(std::string(error_of(slash).what()).find("'/'"), std::string::npos);
  std::string warm = kGood;
  warm.replace(warm.find("seed = 5"), 8, "seed = 5\nwarmup_weeks = 200");
  EXPECT_NE(std::string(error_of(warm).what()).find("warmup_weeks"), std::string::npos);
  std::string shares = kGood;
  shares.replace(shares.find("[[scenario]]"), 12, "\"gp.profile_share\" = [0.5, 0.5, 0.5]\n[[scenario]]");
  EXPECT_NE(std::string(error_of(shares).what()).find("sum to 1"), std::string::npos);
}

TEST(Experiment, UnknownTerritoryIsAnInputErrorNamingTheFile) {
  std::string text = kGood;
  text.replace(text.find("\"herbasse\""), 10, "\"atlantis\"");
  const auto ex = models::parse_experiment(text, "x.toml");
  try {
    models::build_setting(ex);
    FAIL() << "expected an InputError";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.file(), "x.toml");
    EXPECT_NE(std::string(e.what()).find("herbasse"), std::string::npos);  // lists the presets
  }
}

TEST(Experiment, ShippedExperimentsValidate) {
  // Every file in experiments/ parses and builds its territory (interventions'
  // names checked against it). France scale only parses: its all-pairs
  // travel times over 5,000 localities are a benchmark, not a unit test.
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(PASSERELLE_SOURCE_DIR) + "/experiments")) {
    if (entry.path().extension() != ".toml") continue;
    if (entry.path().filename() == "calibration.toml") continue;  // a calibration file (passerelle calibrate)
    ++files;
    const auto ex = models::load_experiment(entry.path().string());
    if (entry.path().filename() == "france-scale.toml") continue;
    EXPECT_NO_THROW(models::build_setting(ex)) << entry.path();
  }
  EXPECT_GE(files, 10u);
}

TEST(Experiment, ReplicateSeedsAreStableAndDistinct) {
  EXPECT_EQ(models::replicate_seed(1, 0), models::replicate_seed(1, 0));
  EXPECT_NE(models::replicate_seed(1, 0), models::replicate_seed(1, 1));
  EXPECT_NE(models::replicate_seed(1, 0), models::replicate_seed(2, 0));
  EXPECT_LT(models::replicate_seed(123, 7), std::uint64_t{1} << 53);
}
