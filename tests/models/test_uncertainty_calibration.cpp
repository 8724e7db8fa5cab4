// Probabilistic sensitivity analysis from a calibrated posterior (issue 14):
// [uncertainty] calibration = "CAL.h5" draws the fitted parameters as whole
// accepted rows of a calibration results file (models/calibration_sets.*),
// the ranged ones by the Latin hypercube; every option sees the same draws;
// each bad calibration input is an InputError at the `calibration` line.
// The tiny CAL.h5 files are written here with the project's HDF5 writer.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "models/calibration_sets.hpp"
#include "models/checkpoint.hpp"
#include "models/experiment.hpp"
#include "process_helpers.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"

using namespace process_helpers;

namespace {

const std::string kHead = R"([experiment]
name = "psa-cal"
territory = "herbasse"
replicates = 2
horizon_weeks = 10
warmup_weeks = 2
seed = 11

[[scenario]]
name = "base"

[[scenario]]
name = "coord"
[[scenario.intervention]]
type = "coordinator"
start_week = 2
catchment = ["Crépol", "Montchenu"]
)";

const std::vector<std::string> kColumns = {"residents.gp_visits_per_year", "gp.knows_well_share"};
// Correlated on purpose: a draw mixing two rows' values would not be a row.
const std::vector<std::vector<double>> kAccepted = {
    {4.2, 0.10}, {5.0, 0.15}, {5.8, 0.20}, {6.4, 0.25}, {7.1, 0.30}, {8.0, 0.35}};

// A calibration results file with the layout `passerelle calibrate` writes
// (only what the experiment reads).
void write_calibration(const fs::path& path, const std::vector<std::string>& columns,
                       const std::vector<std::vector<double>>& rows, bool with_accepted = true) {
  sim::h5::Writer w(path, true);
  w.set_attribute("/calibration", "name", std::string("tiny"));
  if (with_accepted) {
    std::vector<double> data;
    for (const auto& r : rows) data.insert(data.end(), r.begin(), r.end());
    w.write_matrix("/calibration/accepted", rows.size(), columns.size(), data, "parameter units");
    w.set_attribute("/calibration/accepted", "columns", columns);
  } else {
    w.write_matrix("/calibration/design", 1, 1, {1.0}, "parameter units");
  }
  w.commit();
}

std::string uncertainty(const fs::path& cal, int draws, const std::string& ranges = "") {
  return "\n[uncertainty]\ndraws = " + std::to_string(draws) + "\nseed = 3\ncalibration = \"" + cal.string() + "\"\n" +
         (ranges.empty() ? "" : "[uncertainty.parameters]\n" + ranges);
}

models::Experiment parse(const std::string& text) { return models::parse_experiment(text, "psa.toml"); }

double param(const models::ScenarioSpec& s, const std::string& name) {
  return *models::param_table().get_number(s.params, name);
}

int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  return at == std::string::npos ? -1 : 1 + static_cast<int>(std::count(text.begin(), text.begin() + at, '\n'));
}

// The line of the InputError the text raises, and its message.
int error_line(const std::string& text, std::string& message) {
  try {
    parse(text);
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.file(), "psa.toml");
    message = e.message();
    return e.line();
  }
  ADD_FAILURE() << "no error for:\n" << text;
  return 0;
}

}  // namespace

TEST(UncertaintyCalibration, DrawsAreWholeAcceptedRowsPairedAcrossOptions) {
  const fs::path dir = temp_dir("psa-cal-rows");
  write_calibration(dir / "cal.h5", kColumns, kAccepted);
  const std::string text = kHead + uncertainty(dir / "cal.h5", 4, "\"coordinator.meeting_minutes\" = [10, 90]\n");
  const auto ex = parse(text);
  const auto& d = ex.uncertainty;
  EXPECT_EQ(d.parameters, (std::vector<std::string>{"residents.gp_visits_per_year", "gp.knows_well_share",
                                                    "coordinator.meeting_minutes"}));
  EXPECT_EQ(d.transforms, (std::vector<std::string>{"calibrated", "calibrated", "linear"}));
  EXPECT_EQ(d.calibrated, kColumns);
  EXPECT_EQ(d.calibration_name, "tiny");
  EXPECT_EQ(d.calibration_accepted, kAccepted.size());
  EXPECT_NE(d.calibration_hash, 0u);
  ASSERT_EQ(d.draws.size(), 4u);
  ASSERT_EQ(d.calibration_rows.size(), 4u);
  // 4 <= 6 accepted: without replacement.
  EXPECT_EQ(std::set<std::size_t>(d.calibration_rows.begin(), d.calibration_rows.end()).size(), 4u);
  std::set<int> strata;
  for (std::size_t k = 0; k < 4; ++k) {
    const std::vector<double> tuple = {d.draws[k][0], d.draws[k][1]};
    EXPECT_EQ(tuple, kAccepted.at(d.calibration_rows[k])) << "draw " << k;  // the joint values, together
    EXPECT_NE(std::find(kAccepted.begin(), kAccepted.end(), tuple), kAccepted.end());
    strata.insert(static_cast<int>((d.draws[k][2] - 10) / 80 * 4));  // the ranged one: still a Latin hypercube
    // Paired: every option's scenario of draw k has the draw's values.
    for (std::size_t s = 0; s < 2; ++s) {
      const auto& sc = ex.scenarios[2 + k * 2 + s];
      EXPECT_EQ(sc.name, d.scenarios[k][s]);
      EXPECT_DOUBLE_EQ(param(sc, "residents.gp_visits_per_year"), d.draws[k][0]);
      EXPECT_DOUBLE_EQ(param(sc, "gp.knows_well_share"), d.draws[k][1]);
    }
    EXPECT_DOUBLE_EQ(*ex.scenarios[2 + k * 2 + 1].intervention_tables[0]["meeting_minutes"].value<double>(),
                     d.draws[k][2]);
  }
  EXPECT_EQ(strata.size(), 4u);
  // Reproducible from the seed; another seed takes other rows.
  const auto again = parse(text).uncertainty;
  EXPECT_EQ(again.draws, d.draws);
  EXPECT_EQ(again.calibration_rows, d.calibration_rows);
  std::string other = text;
  other.replace(other.find("seed = 3"), 8, "seed = 4");
  EXPECT_NE(parse(other).uncertainty.calibration_rows, d.calibration_rows);
}

TEST(UncertaintyCalibration, MoreDrawsThanAcceptedSetsDrawWithReplacement) {
  const fs::path dir = temp_dir("psa-cal-repl");
  write_calibration(dir / "cal.h5", kColumns, {kAccepted[0], kAccepted[3], kAccepted[5]});
  // No [uncertainty.parameters]: every drawn parameter comes from the calibration.
  const auto d = parse(kHead + uncertainty(dir / "cal.h5", 12)).uncertainty;
  ASSERT_EQ(d.draws.size(), 12u);
  EXPECT_EQ(d.parameters, kColumns);
  const std::vector<std::size_t> kept = {0, 3, 5};
  std::set<std::size_t> used;
  for (std::size_t k = 0; k < 12; ++k) {
    ASSERT_LT(d.calibration_rows[k], 3u);
    used.insert(d.calibration_rows[k]);
    EXPECT_EQ(d.draws[k], kAccepted[kept[d.calibration_rows[k]]]);
  }
  EXPECT_GE(used.size(), 2u);
  // The row chooser alone: a permutation prefix, or uniform with replacement.
  const auto perm = models::choose_calibration_rows(50, 50, 9);
  EXPECT_EQ(std::set<std::size_t>(perm.begin(), perm.end()).size(), 50u);
  EXPECT_EQ(models::choose_calibration_rows(50, 50, 9), perm);
}

TEST(UncertaintyCalibration, BadCalibrationInputNamesTheLine) {
  const fs::path dir = temp_dir("psa-cal-bad");
  write_calibration(dir / "cal.h5", kColumns, kAccepted);
  write_calibration(dir / "empty.h5", kColumns, {});
  write_calibration(dir / "design-only.h5", kColumns, {}, false);
  write_calibration(dir / "unknown.h5", {"residents.gp_visits_per_year", "gp.knows_wel_share"}, kAccepted);
  write(dir / "text.h5", "not HDF5\n");
  struct Case {
    std::string text, needle, says;
  };
  const std::vector<Case> cases = {
      {kHead + uncertainty(dir / "missing.h5", 4), "calibration =", "cannot open"},
      {kHead + uncertainty(dir / "text.h5", 4), "calibration =", "cannot read it"},
      {kHead + uncertainty(dir / "design-only.h5", 4), "calibration =", "/calibration/accepted"},
      {kHead + uncertainty(dir / "empty.h5", 4), "calibration =", "accepted no parameter set"},
      {kHead + uncertainty(dir / "unknown.h5", 4), "calibration =", "gp.knows_wel_share"},
      {kHead + uncertainty(dir / "cal.h5", 4, "\"gp.knows_well_share\" = [0.1, 0.5]\n"), "\"gp.knows_well_share\" =",
       "also fitted by the calibration"},
      {kHead + uncertainty(dir / "cal.h5", 0), "draws = 0", "uncertainty.draws"},
      {kHead + uncertainty(dir / "cal.h5", -3), "draws = -3", "uncertainty.draws"},
      {kHead + "\n[uncertainty]\ndraws = 4\ncalibration = 7\n", "calibration = 7", "expected the path"},
  };
  for (const auto& c : cases) {
    std::string msg;
    EXPECT_EQ(error_line(c.text, msg), line_of(c.text, c.needle)) << c.says << ": " << msg;
    EXPECT_NE(msg.find(c.says), std::string::npos) << msg;
  }
  // The command line: exit 2, file:line.
  write(dir / "psa.toml", kHead + uncertainty("missing.h5", 4));  // relative to the experiment file
  const auto out = sh(kBin + " run " + (dir / "psa.toml").string() + " -o " + (dir / "o.h5").string() + " --quiet");
  EXPECT_EQ(out.code, 2) << out.output;
  EXPECT_NE(out.output.find("psa.toml:" + std::to_string(line_of(kHead + uncertainty("missing.h5", 4), "calibration ="))),
            std::string::npos)
      << out.output;
  EXPECT_NE(out.output.find((dir / "missing.h5").string()), std::string::npos) << out.output;
}

TEST(UncertaintyCalibration, ResultsFileRecordsTheCalibrationAndAreThreadIndependent) {
  const fs::path dir = temp_dir("psa-cal-run");
  write_calibration(dir / "cal.h5", kColumns, kAccepted);
  write(dir / "psa.toml", kHead + uncertainty("cal.h5", 3, "\"coordinator.meeting_minutes\" = [10, 90]\n"));
  std::vector<std::vector<double>> costs;
  for (const char* threads : {"1", "2"}) {
    const std::string h5 = (dir / (std::string("o") + threads + ".h5")).string();
    const auto out = sh(kBin + " run " + (dir / "psa.toml").string() + " -o " + h5 + " --quiet --threads " + threads);
    ASSERT_EQ(out.code, 0) << out.output;
    sim::h5::Reader r(h5);
    const std::string g = "/uncertainty";
    EXPECT_EQ(r.attribute_string(g, "covers"), "parameters (calibrated posterior + priors) + Monte-Carlo");
    EXPECT_EQ(r.attribute_string(g, "calibration_file"), (dir / "cal.h5").string());
    EXPECT_EQ(r.attribute_string(g, "calibration_name"), "tiny");
    EXPECT_EQ(r.attribute_string(g, "calibration_hash").rfind("fnv1a64:", 0), 0u);
    EXPECT_EQ(r.attribute_strings(g, "calibrated_parameters"), kColumns);
    EXPECT_NE(r.attribute_string(g, "method").find("without replacement"), std::string::npos);
    EXPECT_EQ(r.read_strings(g + "/transforms"), (std::vector<std::string>{"calibrated", "calibrated", "linear"}));
    std::size_t rows = 0, cols = 0;
    const auto taken = r.read_matrix(g + "/calibration_rows", rows, cols);
    const auto draws = r.read_matrix(g + "/draws", rows, cols);
    ASSERT_EQ(rows, 3u);
    ASSERT_EQ(cols, 3u);
    for (std::size_t k = 0; k < 3; ++k) {
      const auto& row = kAccepted.at(static_cast<std::size_t>(taken[k]));
      EXPECT_EQ(draws[k * 3], row[0]);
      EXPECT_EQ(draws[k * 3 + 1], row[1]);
    }
    costs.push_back(r.read_matrix(g + "/option/coord/diff/unmet_need_days_averted", rows, cols));
  }
  EXPECT_EQ(costs[0], costs[1]);  // the same numbers for any thread count
}

TEST(UncertaintyCalibration, ResumeSeesAChangedCalibrationFile) {
  const fs::path dir = temp_dir("psa-cal-hash");
  write_calibration(dir / "cal.h5", kColumns, kAccepted);
  const std::string text = kHead + uncertainty(dir / "cal.h5", 3);
  const auto before = models::input_hashes(parse(text));
  EXPECT_EQ(models::inputs_mismatch(before, models::input_hashes(parse(text))), "");
  write_calibration(dir / "cal.h5", kColumns, {kAccepted[1], kAccepted[2], kAccepted[4]});
  const std::string why = models::inputs_mismatch(before, models::input_hashes(parse(text)));
  EXPECT_NE(why.find("calibration file cal.h5"), std::string::npos) << why;
}
