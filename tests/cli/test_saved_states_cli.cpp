// `passerelle run --save-state W` and `--start-from FILE` / start_from
// (issue 15) through the binary: the run started from the states gives the
// results file of the run that saved them, number by number; each mismatch
// exits 2 naming the state file.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "../models/process_helpers.hpp"

using namespace process_helpers;

namespace {

std::string experiment(const std::string& head_extra = "") {
  return "[experiment]\nname = \"s\"\nterritory = \"herbasse\"\nreplicates = 2\nhorizon_weeks = 10\n"
         "warmup_weeks = 4\nseed = 5\n" + head_extra +
         "\n[[scenario]]\nname = \"baseline\"\n"
         "[[scenario]]\nname = \"directory\"\n[[scenario.intervention]]\ntype = \"vade_mecum\"\nstart_week = 4\n";
}

std::string run(const fs::path& exp, const fs::path& out, const std::string& extra) {
  return kBin + " run " + exp.string() + " -o " + out.string() + " --quiet " + extra;
}

// Every summary and weekly number the same (the experiment texts differ).
void expect_same_numbers(const fs::path& a, const fs::path& b) {
  sim::h5::Reader ra(a), rb(b);
  const auto scen = ra.attribute_strings("/", "scenarios");
  ASSERT_EQ(scen, rb.attribute_strings("/", "scenarios"));
  for (const auto& s : scen) {
    const std::string base = "/scenarios/" + s;
    expect_same_table(ra.read_table(base + "/summary"), rb.read_table(base + "/summary"), base);
    for (const auto& m : ra.children(base + "/weekly")) {
      std::size_t r1 = 0, c1 = 0, r2 = 0, c2 = 0;
      EXPECT_EQ(ra.read_matrix(base + "/weekly/" + m, r1, c1), rb.read_matrix(base + "/weekly/" + m, r2, c2)) << m;
    }
  }
}

}  // namespace

TEST(SavedStatesCli, ARunFromSavedStatesGivesTheSavingRunsResults) {
  const fs::path d = temp_dir("states-cli");
  write(d / "e.toml", experiment());
  const auto saved = sh(run(d / "e.toml", d / "a.h5", "--save-state 3"));
  ASSERT_EQ(saved.code, 0) << saved.output;
  ASSERT_TRUE(fs::exists(d / "a.state"));  // the default name: OUT with extension .state
  for (const std::string threads : {"1", "2"}) {
    const auto from = sh(run(d / "e.toml", d / ("b" + threads + ".h5"), "--start-from " + (d / "a.state").string() +
                                                                          " --threads " + threads));
    ASSERT_EQ(from.code, 0) << from.output;
    expect_same_results(d / "a.h5", d / ("b" + threads + ".h5"));
  }
  // The experiment's own key, relative to the experiment file, and a state
  // at the warm-up's end: the numbers of the plain run.
  ASSERT_EQ(sh(run(d / "e.toml", d / "c.h5", "--save-state 4 --state-file " + (d / "w4.state").string())).code, 0);
  write(d / "from.toml", experiment("start_from = \"w4.state\""));
  const auto from = sh(run(d / "from.toml", d / "d.h5", ""));
  ASSERT_EQ(from.code, 0) << from.output;
  ASSERT_EQ(sh(run(d / "e.toml", d / "plain.h5", "--no-fork")).code, 0);
  expect_same_numbers(d / "plain.h5", d / "d.h5");
  expect_same_results(d / "plain.h5", d / "c.h5");
  fs::remove_all(d);
}

TEST(SavedStatesCli, MismatchesExitTwoNamingTheFile) {
  const fs::path d = temp_dir("states-cli-refuse");
  write(d / "e.toml", experiment());
  ASSERT_EQ(sh(run(d / "e.toml", d / "a.h5", "--save-state 3")).code, 0);
  const std::string state = (d / "a.state").string();
  struct Case {
    std::string args, expect;
  };
  for (const Case& c : std::vector<Case>{
           {"--start-from " + state + " --seed 6", "seed"},
           {"--start-from " + state + " --replicates 3", "holds 2 replicates"},
           {"--start-from " + state + " --set gp.busy_in_consultation=0.5", "model parameters"},
           {"--start-from " + state + " --no-fork", "--no-fork"},
           {"--start-from " + (d / "missing.state").string(), "no such state file"},
           {"--start-from " + (d / "e.toml").string(), "not a saved-states file"},
       }) {
    const auto o = sh(run(d / "e.toml", d / "x.h5", c.args));
    EXPECT_EQ(o.code, 2) << c.args << "\n" << o.output;
    EXPECT_NE(o.output.find(c.expect), std::string::npos) << c.args << "\n" << o.output;
    EXPECT_FALSE(fs::exists(d / "x.h5")) << c.args;
  }
  // Other territory, other horizon: the experiment differs.
  std::string other = experiment();
  other.replace(other.find("herbasse"), 8, "privas");
  write(d / "other.toml", other);
  auto o = sh(run(d / "other.toml", d / "x.h5", "--start-from " + state));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find(state), std::string::npos) << o.output;
  std::string longer = experiment();
  longer.replace(longer.find("horizon_weeks = 10"), 18, "horizon_weeks = 12");
  write(d / "longer.toml", longer);
  o = sh(run(d / "longer.toml", d / "x.h5", "--start-from " + state));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("horizon_weeks"), std::string::npos) << o.output;
  // A truncated copy.
  const std::string bytes = slurp(state);
  write(d / "cut.state", bytes.substr(0, bytes.size() * 2 / 3));
  o = sh(run(d / "e.toml", d / "x.h5", "--start-from " + (d / "cut.state").string()));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("cut.state"), std::string::npos) << o.output;
  // Saving: beyond the warm-up, with --no-fork.
  o = sh(run(d / "e.toml", d / "x.h5", "--save-state 5"));
  EXPECT_EQ(o.code, 2) << o.output;
  EXPECT_NE(o.output.find("beyond the warm-up"), std::string::npos) << o.output;
  o = sh(run(d / "e.toml", d / "x.h5", "--save-state 3 --no-fork"));
  EXPECT_EQ(o.code, 2) << o.output;
  fs::remove_all(d);
}
