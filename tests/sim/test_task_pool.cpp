// Specification of the task pool (sim/task_pool.hpp): every task runs once,
// results do not depend on the thread count, the first exception stops the
// pool and is rethrown, a raised stop flag stops handing out tasks.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sim/random.hpp"
#include "sim/task_pool.hpp"

namespace {

using sim::run_tasks;
using sim::TaskPoolOptions;

TaskPoolOptions threads(unsigned n, const std::atomic<bool>* stop = nullptr) {
  TaskPoolOptions o;
  o.threads = n;
  o.stop = stop;
  return o;
}

// Some deterministic work that depends only on the index.
double work(std::size_t i) {
  sim::Stream s(1234, i, "task");
  double acc = 0;
  for (int k = 0; k < 200; ++k) acc += s.normal();
  return acc;
}

struct Counts {
  explicit Counts(std::size_t n) : runs(new std::atomic<int>[n]), done(n, 0) {
    for (std::size_t i = 0; i < n; ++i) runs[i] = 0;
  }
  std::unique_ptr<std::atomic<int>[]> runs;
  std::vector<int> done;  // written only from done(), which holds the lock
};

class TaskPoolThreads : public ::testing::TestWithParam<unsigned> {};

TEST_P(TaskPoolThreads, RunsEveryIndexExactlyOnceAndCallsDoneOnce) {
  for (std::size_t n : {std::size_t{1}, std::size_t{3}, std::size_t{7}, std::size_t{500}}) {
    Counts c(n);
    std::size_t done_calls = 0;
    const auto completed = run_tasks(
        n, threads(GetParam()), [&](std::size_t i) { ++c.runs[i]; },
        [&](std::size_t i) {
          ++c.done[i];
          ++done_calls;
        });
    EXPECT_EQ(completed, n);
    EXPECT_EQ(done_calls, n);
    for (std::size_t i = 0; i < n; ++i) {
      EXPECT_EQ(c.runs[i].load(), 1) << "n=" << n << " i=" << i;
      EXPECT_EQ(c.done[i], 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST_P(TaskPoolThreads, DoneRunsAfterItsTask) {
  const std::size_t n = 200;
  Counts c(n);
  std::vector<int> seen_at_done(n, -1);
  run_tasks(
      n, threads(GetParam()), [&](std::size_t i) { ++c.runs[i]; },
      [&](std::size_t i) { seen_at_done[i] = c.runs[i].load(); });
  for (std::size_t i = 0; i < n; ++i) EXPECT_EQ(seen_at_done[i], 1) << i;
}

TEST_P(TaskPoolThreads, ResultsAreIdenticalToSerialOnes) {
  const std::size_t n = 300;
  std::vector<double> serial(n);
  for (std::size_t i = 0; i < n; ++i) serial[i] = work(i);
  std::vector<double> out(n, -1.0);
  const auto completed =
      run_tasks(n, threads(GetParam()), [&](std::size_t i) { out[i] = work(i); }, nullptr);
  EXPECT_EQ(completed, n);
  EXPECT_EQ(out, serial);
}

TEST_P(TaskPoolThreads, ZeroTasksRunNothing) {
  int calls = 0;
  EXPECT_EQ(run_tasks(0, threads(GetParam()), [&](std::size_t) { ++calls; },
                      [&](std::size_t) { ++calls; }),
            0u);
  EXPECT_EQ(calls, 0);
}

TEST_P(TaskPoolThreads, PreRaisedStopRunsNothing) {
  const std::atomic<bool> stop{true};
  std::atomic<int> calls{0};
  EXPECT_EQ(run_tasks(100, threads(GetParam(), &stop), [&](std::size_t) { ++calls; },
                      [&](std::size_t) { ++calls; }),
            0u);
  EXPECT_EQ(calls.load(), 0);
}

TEST_P(TaskPoolThreads, ExceptionIsRethrownAndStopsThePool) {
  const std::size_t n = 20000;
  std::atomic<bool> thrown{false};
  std::atomic<std::size_t> ran{0};
  std::size_t done_calls = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  try {
    run_tasks(
        n, threads(GetParam()),
        [&](std::size_t i) {
          if (i == 0) {
            thrown = true;
            throw std::runtime_error("task 0 failed");
          }
          // Other tasks hold on until the failure has happened, so that the
          // pool cannot have finished everything before it. The deadline only
          // turns a pool that never runs task 0 into a failure, not a hang.
          while (!thrown.load() && std::chrono::steady_clock::now() < deadline)
            std::this_thread::yield();
          // A little work per task: the failing thread records the failure
          // long before another thread could drain the whole grid.
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          ++ran;
        },
        [&](std::size_t) { ++done_calls; });
    FAIL() << "expected the task's exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "task 0 failed");
  }
  EXPECT_LT(ran.load(), n - 1);
  EXPECT_EQ(done_calls, ran.load());  // no done() for the failed task
}

INSTANTIATE_TEST_SUITE_P(TaskPool, TaskPoolThreads, ::testing::Values(1u, 2u, 8u, 0u),
                         [](const auto& tp) {
                           return tp.param == 0 ? std::string("hardware")
                                                  : std::to_string(tp.param) + "threads";
                         });

TEST(TaskPool, SerialExceptionStopsAtTheFailingTask) {
  std::vector<std::size_t> ran, done;
  EXPECT_THROW(run_tasks(
                   10, threads(1),
                   [&](std::size_t i) {
                     if (i == 4) throw std::logic_error("boom");
                     ran.push_back(i);
                   },
                   [&](std::size_t i) { done.push_back(i); }),
               std::logic_error);
  EXPECT_EQ(ran, (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(done, (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(TaskPool, StopRaisedDuringARunStopsHandingOutTasks) {
  std::atomic<bool> stop{false};
  std::vector<std::size_t> ran;
  const auto completed = run_tasks(
      100, threads(1, &stop),
      [&](std::size_t i) {
        ran.push_back(i);
        if (i == 4) stop = true;  // the current task still completes
      },
      nullptr);
  EXPECT_EQ(completed, 5u);
  EXPECT_EQ(ran, (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(TaskPool, DefaultThreadsIsAtLeastOne) { EXPECT_GE(sim::default_threads(), 1u); }

}  // namespace
