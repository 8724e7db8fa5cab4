// Interruption and resumption of `passerelle run` (run.hpp, checkpoint.hpp):
// a killed run keeps every task it finished and never leaves a results file
// that looks complete; --resume ends with the numbers of an uninterrupted
// run; a checkpoint of another run, a bad path or a full disk are refused
// with a message and the right exit code.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>

#include "models/checkpoint.hpp"
#include "process_helpers.hpp"
#include "sim/record_log.hpp"

using namespace process_helpers;

namespace {

// Tasks long enough (a few tenths of a second on one thread) for a test to
// interrupt the run between two of them.
std::string experiment(int replicates, int seed = 5) {
  return R"([experiment]
name = "resume"
territory = "grand-nancy"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = 100
warmup_weeks = 10
seed = )" + std::to_string(seed) + R"(

[[scenario]]
name = "baseline"
[[scenario]]
name = "shared"
[scenario.parameters]
"secrecy.regime" = "shared-plan"
)";
}

std::size_t saved_tasks(const fs::path& ckpt) {
  if (!fs::exists(ckpt)) return 0;
  try {
    return models::load_checkpoint(ckpt).tasks.size();
  } catch (const std::exception&) {
    return 0;  // being created
  }
}

struct Runs {
  fs::path dir, exp, out, ckpt, ref;
  explicit Runs(const std::string& name, int replicates = 4) : dir(temp_dir(name)) {
    exp = dir / "e.toml";
    out = dir / "out.h5";
    ckpt = dir / "out.h5.partial";
    ref = dir / "ref.h5";
    write(exp, experiment(replicates));
  }
  ~Runs() { fs::remove_all(dir); }
  std::vector<std::string> args(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> a = {"run", exp.string(), "-o", out.string(), "--threads", "1", "--quiet"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string cmd(const std::string& extra = "") const {
    return kBin + " run " + exp.string() + " -o " + out.string() + " --threads 1 --quiet " + extra;
  }
  void reference() const {
    const auto r = sh(kBin + " run " + exp.string() + " -o " + ref.string() + " --threads 2 --quiet");
    ASSERT_EQ(r.code, 0) << r.output;
  }
};

}  // namespace

TEST(Resume, KilledRunResumesToTheNumbersOfAnUninterruptedRun) {
  Runs t("kill", 5);
  const std::size_t total = 10;
  {
    Background run(t.args(), t.dir / "log");
    ASSERT_TRUE(wait_until(run, [&] { return saved_tasks(t.ckpt) >= 1; })) << slurp(t.dir / "log");
    run.signal(SIGKILL);
    EXPECT_EQ(run.wait(), -SIGKILL);
  }
  const std::size_t kept = saved_tasks(t.ckpt);
  ASSERT_GE(kept, 1u);
  ASSERT_LT(kept, total) << "the run finished before it could be killed: make its tasks longer";
  EXPECT_FALSE(fs::exists(t.out));
  const auto before = models::load_checkpoint(t.ckpt);

  const auto r = sh(t.cmd("--resume"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_FALSE(fs::exists(t.ckpt)) << "the checkpoint is removed once the results are written";
  t.reference();
  expect_same_results(t.out, t.ref);
  // The tasks done before the kill keep the wall time they were measured with.
  sim::h5::Reader h5(t.out);
  for (const auto& rec : before.tasks) {
    const std::string s = before.header.scenarios[rec.task % 2];
    const auto table = h5.read_table("/scenarios/" + s + "/summary");
    EXPECT_EQ(table.find("wall_seconds")->values[rec.task / 2], rec.result.wall_seconds);
  }
}

TEST(Resume, SigintExits130KeepsTheFinishedTasksAndResumes) {
  Runs t("sigint");
  Background run(t.args(), t.dir / "log");
  ASSERT_TRUE(wait_until(run, [&] { return saved_tasks(t.ckpt) >= 1; })) << slurp(t.dir / "log");
  run.signal(SIGINT);
  EXPECT_EQ(run.wait(), 130);
  const std::string log = slurp(t.dir / "log");
  EXPECT_NE(log.find("--resume"), std::string::npos) << log;
  EXPECT_NE(log.find("out.h5.partial"), std::string::npos) << log;
  EXPECT_FALSE(fs::exists(t.out));
  EXPECT_GE(saved_tasks(t.ckpt), 1u);
  // Without --resume or --force an interrupted run is not silently redone.
  const auto again = sh(t.cmd());
  EXPECT_EQ(again.code, 2);
  EXPECT_NE(again.output.find("--resume"), std::string::npos) << again.output;
  const auto r = sh(t.cmd("--resume"));
  ASSERT_EQ(r.code, 0) << r.output;
  t.reference();
  expect_same_results(t.out, t.ref);
}

TEST(Resume, ACheckpointOfAnotherRunIsRefused) {
  Runs t("other", 2);
  {
    // A checkpoint as a run with seed 5 would have left it.
    auto ex = models::parse_experiment(experiment(2), t.exp.string());
    sim::LogWriter::create(t.ckpt, models::encode_header(models::checkpoint_header(ex, false, 1, 1)));
  }
  write(t.exp, experiment(2, 6));  // the experiment file changed since
  const auto r = sh(t.cmd("--resume"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("another run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("experiment text differs"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(t.out));
  write(t.exp, experiment(2));
  const auto seed = sh(t.cmd("--resume --seed 9"));
  EXPECT_EQ(seed.code, 2);
  EXPECT_NE(seed.output.find("base seed 5 vs 9"), std::string::npos) << seed.output;
  const auto reps = sh(t.cmd("--resume --replicates 3"));
  EXPECT_EQ(reps.code, 2);
  EXPECT_NE(reps.output.find("2 vs 3 replicates"), std::string::npos) << reps.output;
  // Garbage where the checkpoint should be.
  write(t.ckpt, "not a checkpoint");
  EXPECT_EQ(sh(t.cmd("--resume")).code, 2);
  // --force starts over.
  const auto forced = sh(t.cmd("--force"));
  EXPECT_EQ(forced.code, 0) << forced.output;
  EXPECT_TRUE(fs::exists(t.out));
  EXPECT_FALSE(fs::exists(t.ckpt));
}

TEST(Resume, ResumeWithoutACheckpointRunsEverything) {
  Runs t("fresh", 1);
  const auto r = sh(kBin + " run " + t.exp.string() + " -o " + t.out.string() + " --resume");
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("starting from the beginning"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::exists(t.out));
}

TEST(Resume, AnUnwritableOutputPathIsABadOptionAndWritesNothing) {
  Runs t("unwritable", 1);
  write(t.dir / "file", "x");
  const auto under_file = sh(kBin + " run " + t.exp.string() + " -o " + (t.dir / "file" / "out.h5").string());
  EXPECT_EQ(under_file.code, 2) << under_file.output;
  EXPECT_NE(under_file.output.find("-o "), std::string::npos) << under_file.output;
  const auto directory = sh(kBin + " run " + t.exp.string() + " -o " + t.dir.string() + " --force");
  EXPECT_EQ(directory.code, 2) << directory.output;
  EXPECT_NE(directory.output.find("is a directory"), std::string::npos) << directory.output;
  for (const auto& e : fs::directory_iterator(t.dir))
    EXPECT_TRUE(e.path().filename() == "e.toml" || e.path().filename() == "file") << e.path();
}

TEST(Resume, AFullDiskFailsWithExitOneAndKeepsWhatWasSaved) {
  Runs t("full", 2);
  // A file-size limit stands in for a full disk: the checkpoint's header
  // fits, the first task's record does not (EFBIG, like ENOSPC).
  const auto r = sh("bash -c \"trap '' XFSZ; ulimit -f 12; exec " + t.cmd() + "\"");
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("--resume"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(t.out));
  EXPECT_FALSE(fs::exists(t.out.string() + ".tmp"));
  ASSERT_TRUE(fs::exists(t.ckpt));
  EXPECT_FALSE(sim::read_log(t.ckpt).torn) << "a failed append is cut back";
  const auto resumed = sh(t.cmd("--resume"));
  EXPECT_EQ(resumed.code, 0) << resumed.output;
}
