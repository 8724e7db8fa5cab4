// Runs independent tasks (scenario x replicate) on a pool of threads. Each
// task writes only its own result slot, so results do not depend on the
// thread count or on completion order. The first exception stops the pool
// and is rethrown; a raised stop flag (SIGINT) stops handing out tasks.
#pragma once
#include <atomic>
#include <cstddef>
#include <functional>

namespace sim {

struct TaskPoolOptions {
  unsigned threads = 1;                     // 0: hardware concurrency
  const std::atomic<bool>* stop = nullptr;  // checked before each new task
};

// Calls run(i) for every i in [0, n) unless stopped; after each task,
// done(i) is called under a lock (progress, saving). Returns the number of
// tasks completed.
std::size_t run_tasks(std::size_t n, const TaskPoolOptions& opt,
                      const std::function<void(std::size_t)>& run,
                      const std::function<void(std::size_t)>& done);

unsigned default_threads();

}  // namespace sim
