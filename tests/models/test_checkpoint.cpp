// The checkpoint encoding (models/checkpoint.hpp) loses nothing, and the
// durable runner (run_durably) in one process gives the numbers of
// run_experiment, however the work was interrupted. Also run under
// ThreadSanitizer (its pool thread hands results to the main thread).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "models/checkpoint.hpp"
#include "models/run.hpp"
#include "sim/input_error.hpp"
#include "sim/mpi_comm.hpp"

namespace fs = std::filesystem;

namespace {

models::Experiment small(int replicates = 3) {
  return models::parse_experiment(R"([experiment]
name = "ckpt"
territory = "herbasse"
replicates = )" + std::to_string(replicates) + R"(
horizon_weeks = 30
warmup_weeks = 4
seed = 3

[[scenario]]
name = "a"
[[scenario]]
name = "b"
[scenario.parameters]
"secrecy.regime" = "strict"
)",
                                  "ckpt.toml");
}

bool same_bits(double x, double y) { return std::memcmp(&x, &y, sizeof x) == 0; }

void expect_identical(const models::ReplicateResult& a, const models::ReplicateResult& b, bool wall = true) {
  ASSERT_EQ(a.summary.size(), b.summary.size());
  for (std::size_t i = 0; i < a.summary.size(); ++i) {
    EXPECT_EQ(a.summary[i].first, b.summary[i].first);
    if (wall || a.summary[i].first != "wall_seconds") {
      EXPECT_TRUE(same_bits(a.summary[i].second, b.summary[i].second)) << a.summary[i].first;
    }
  }
  EXPECT_EQ(a.rec.weekly, b.rec.weekly);
  EXPECT_EQ(a.rec.by_type, b.rec.by_type);
  EXPECT_EQ(a.rec.by_precarity, b.rec.by_precarity);
  EXPECT_EQ(a.rec.by_rurality, b.rec.by_rurality);
  EXPECT_EQ(a.rec.days_to_resolution, b.rec.days_to_resolution);
  EXPECT_EQ(a.rec.weeks, b.rec.weeks);
  EXPECT_EQ(a.rec.cost_eur, b.rec.cost_eur);
  EXPECT_EQ(a.rec.unresolved_90d, b.rec.unresolved_90d);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.residents, b.residents);
  EXPECT_EQ(a.gps, b.gps);
  if (wall) {
    EXPECT_EQ(a.wall_seconds, b.wall_seconds);
  }
}

fs::path temp(const std::string& name) {
  const auto d = fs::temp_directory_path() / ("passerelle-ckpt-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

}  // namespace

TEST(Checkpoint, ATaskRecordRoundTripsExactly) {
  const auto ex = small(1);
  const auto res = models::run_experiment(ex, models::build_setting(ex), {});
  const auto& r = res.scenarios[1].replicates[0];
  const auto back = models::decode_task(models::encode_task(1, r), "test");
  EXPECT_EQ(back.task, 1u);
  expect_identical(r, back.result);
  EXPECT_THROW(models::decode_task(models::encode_task(1, r).substr(0, 100), "test"), sim::RunError);
}

TEST(Checkpoint, HeadersRoundTripAndMismatchesAreNamed) {
  const auto ex = small();
  const auto h = models::checkpoint_header(ex, true, 2, 5);
  const auto back = models::decode_header(models::encode_header(h), "test");
  EXPECT_EQ(back.experiment_text, ex.text);
  EXPECT_EQ(back.scenarios, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(back.tasks, 6u);
  EXPECT_EQ(back.shard_index, 2u);
  EXPECT_EQ(models::header_mismatch(h, back), "");
  auto other = h;
  other.seed = 4;
  other.shard_index = 3;
  EXPECT_EQ(models::header_mismatch(h, other), "base seed 3 vs 4; shard 2/5 vs 3/5");
  EXPECT_EQ(models::experiment_mismatch(h, other), "base seed 3 vs 4");
  const auto saved = models::saved_experiment(back);
  EXPECT_EQ(saved.ex.replicates, 3);
  EXPECT_EQ(saved.ex.scenarios.size(), 2u);
}

TEST(DurableRun, OneProcessGivesTheNumbersOfRunExperiment) {
  const auto ex = small();
  const auto setting = models::build_setting(ex);
  const auto dir = temp("inproc");
  const sim::mpi::Session comm;
  models::DurableOptions opt;
  opt.threads = 2;
  opt.output = dir / "out.part";
  opt.shard = models::Shard{1, 1};
  const auto outcome = models::run_durably(ex, setting, opt, comm);
  EXPECT_EQ(outcome.status, models::DurableOutcome::Status::Complete);
  EXPECT_EQ(outcome.done, 6u);
  const auto shard = models::load_checkpoint(opt.output);
  const auto ref = models::run_experiment(ex, setting, {});
  ASSERT_EQ(shard.tasks.size(), 6u);
  for (const auto& t : shard.tasks) expect_identical(t.result, ref.scenarios[t.task % 2].replicates[t.task / 2], false);
  fs::remove_all(dir);
}

TEST(DurableRun, AStopBeforeTheStartKeepsACheckpointToResume) {
  const auto ex = small(2);
  const auto setting = models::build_setting(ex);
  const auto dir = temp("stopped");
  const sim::mpi::Session comm;
  std::atomic<bool> stop{true};
  models::DurableOptions opt;
  opt.threads = 2;
  opt.stop = &stop;
  opt.output = dir / "out.h5";
  auto outcome = models::run_durably(ex, setting, opt, comm);
  EXPECT_EQ(outcome.status, models::DurableOutcome::Status::Interrupted);
  EXPECT_EQ(outcome.exit_code, 130);
  EXPECT_FALSE(fs::exists(opt.output));
  EXPECT_TRUE(fs::exists(models::checkpoint_path(opt.output)));
  stop = false;
  EXPECT_THROW(models::run_durably(ex, setting, opt, comm), sim::InputError);  // neither --resume nor --force
  opt.resume = true;
  outcome = models::run_durably(ex, setting, opt, comm);
  EXPECT_EQ(outcome.status, models::DurableOutcome::Status::Complete);
  EXPECT_TRUE(fs::exists(opt.output));
  EXPECT_FALSE(fs::exists(models::checkpoint_path(opt.output)));
  fs::remove_all(dir);
}
