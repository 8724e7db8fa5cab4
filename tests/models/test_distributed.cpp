// Splitting a run: `run --shard I/N` + `merge`, and `mpirun -np K passerelle
// run`, both give the numbers of a single-process threaded run. Merge
// refuses shards that do not cover the grid exactly once.
#include <gtest/gtest.h>

#include "models/run.hpp"
#include "process_helpers.hpp"

using namespace process_helpers;

namespace {

const char* kExperiment = R"([experiment]
name = "dist"
territory = "herbasse"
replicates = 5
horizon_weeks = 40
warmup_weeks = 6
seed = 21

[[scenario]]
name = "consent"
[[scenario]]
name = "strict"
[scenario.parameters]
"secrecy.regime" = "strict"
[[scenario]]
name = "plan"
[scenario.parameters]
"secrecy.regime" = "shared-plan"
)";

struct Dir {
  fs::path dir, exp;
  explicit Dir(const std::string& name) : dir(temp_dir(name)), exp(dir / "e.toml") { write(exp, kExperiment); }
  ~Dir() { fs::remove_all(dir); }
  Outcome run(const std::string& out, const std::string& extra = "") const {
    return sh(kBin + " run " + exp.string() + " -o " + (dir / out).string() + " --quiet " + extra);
  }
  std::string p(const std::string& f) const { return (dir / f).string(); }
};

}  // namespace

TEST(Shard, ParsesIOverN) {
  EXPECT_EQ(models::parse_shard("2/5")->index, 2u);
  EXPECT_EQ(models::parse_shard("2/5")->count, 5u);
  EXPECT_TRUE(models::parse_shard("1/1"));
  for (const char* bad : {"0/3", "4/3", "3", "/3", "1/", "a/b", "1/3x", "-1/3", " 1/3", "1/0", ""})
    EXPECT_FALSE(models::parse_shard(bad)) << bad;
}

TEST(Shard, SlicesCoverTheGridExactlyOnceInContiguousRuns) {
  for (std::size_t total : {0u, 1u, 7u, 30u, 101u})
    for (std::uint32_t n : {1u, 2u, 3u, 8u, 40u}) {
      std::vector<int> seen(total, 0);
      std::size_t next = 0;
      for (std::uint32_t i = 1; i <= n; ++i)
        for (std::size_t t : models::shard_tasks(total, {i, n})) {
          EXPECT_EQ(t, next++);  // contiguous and in order
          ++seen[t];
        }
      for (std::size_t t = 0; t < total; ++t) EXPECT_EQ(seen[t], 1) << total << " " << n;
    }
}

TEST(Shard, ShardsMergeIntoTheSingleProcessFile) {
  Dir d("shards");
  ASSERT_EQ(d.run("ref.h5", "--threads 2").code, 0);
  for (int i = 1; i <= 3; ++i) {
    const auto r = d.run("part" + std::to_string(i), "--threads 1 --shard " + std::to_string(i) + "/3");
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_FALSE(fs::exists(d.p("part" + std::to_string(i) + ".partial")));
  }
  // Given in any order.
  const auto m = sh(kBin + " merge " + d.p("out.h5") + " " + d.p("part3") + " " + d.p("part1") + " " + d.p("part2"));
  ASSERT_EQ(m.code, 0) << m.output;
  expect_same_results(d.p("out.h5"), d.p("ref.h5"));
  const auto info = sh(kBin + " info " + d.p("out.h5"));
  EXPECT_EQ(info.code, 0) << info.output;
}

TEST(Shard, MergeRefusesMissingDuplicateOrForeignShards) {
  Dir d("badmerge");
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(d.run("part" + std::to_string(i), "--shard " + std::to_string(i) + "/3").code, 0);
  const auto missing = sh(kBin + " merge " + d.p("out.h5") + " " + d.p("part1") + " " + d.p("part2"));
  EXPECT_EQ(missing.code, 2) << missing.output;
  EXPECT_NE(missing.output.find("missing"), std::string::npos) << missing.output;
  EXPECT_NE(missing.output.find("3/3"), std::string::npos) << missing.output;
  const auto twice =
      sh(kBin + " merge " + d.p("out.h5") + " " + d.p("part1") + " " + d.p("part2") + " " + d.p("part3") + " " + d.p("part2"));
  EXPECT_EQ(twice.code, 2) << twice.output;
  EXPECT_NE(twice.output.find("also in"), std::string::npos) << twice.output;
  ASSERT_EQ(d.run("other3", "--shard 3/3 --seed 22").code, 0);
  const auto foreign = sh(kBin + " merge " + d.p("out.h5") + " " + d.p("part1") + " " + d.p("part2") + " " + d.p("other3"));
  EXPECT_EQ(foreign.code, 2) << foreign.output;
  EXPECT_NE(foreign.output.find("base seed"), std::string::npos) << foreign.output;
  write(d.dir / "junk", "junk");
  EXPECT_EQ(sh(kBin + " merge " + d.p("out.h5") + " " + d.p("junk")).code, 2);
  EXPECT_FALSE(fs::exists(d.p("out.h5")));
  EXPECT_FALSE(fs::exists(d.p("out.h5.tmp")));
}

TEST(Shard, BadShardSyntaxIsExitTwoNamingTheOption) {
  Dir d("badshard");
  for (const char* bad : {"0/3", "4/3", "x", "1-3"}) {
    const auto r = d.run("out.h5", std::string("--shard ") + bad);
    EXPECT_EQ(r.code, 2) << bad;
    EXPECT_NE(r.output.find("--shard"), std::string::npos) << r.output;
  }
  EXPECT_FALSE(fs::exists(d.p("out.h5")));
}

TEST(Distributed, MpirunGivesTheNumbersOfAThreadedRun) {
#if !PASSERELLE_MPI_ENABLED
  GTEST_SKIP() << "built without MPI (PASSERELLE_MPI=OFF)";
#endif
  if (sh("command -v mpirun").code != 0) GTEST_SKIP() << "mpirun not installed";
  Dir d("mpi");
  ASSERT_EQ(d.run("ref.h5", "--threads 2").code, 0);
  // CI runs as root; --oversubscribe: two ranks even on a one-core machine.
  const std::string mpirun = "mpirun -np 2 --oversubscribe --allow-run-as-root ";
  const auto r = sh(mpirun + kBin + " run " + d.exp.string() + " -o " + d.p("out.h5") + " --threads 1");
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("gp_social_minutes_per_gp_week"), std::string::npos) << "rank 0 prints the summary";
  expect_same_results(d.p("out.h5"), d.p("ref.h5"));
  EXPECT_FALSE(fs::exists(d.p("out.h5.partial")));
  // An existing file is refused on every rank, not only on rank 0.
  const auto again = sh(mpirun + kBin + " run " + d.exp.string() + " -o " + d.p("out.h5") + " --threads 1");
  EXPECT_NE(again.code, 0);
  EXPECT_NE(again.output.find("--force"), std::string::npos) << again.output;
}
