#include "sim/task_pool.hpp"

#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace sim {

unsigned default_threads() {
  const unsigned h = std::thread::hardware_concurrency();
  return h == 0 ? 1 : h;
}

std::size_t run_tasks(std::size_t n, const TaskPoolOptions& opt,
                      const std::function<void(std::size_t)>& run,
                      const std::function<void(std::size_t)>& done) {
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::size_t completed = 0;
  std::exception_ptr error;
  std::mutex mu;
  auto worker = [&] {
    for (;;) {
      if (failed.load() || (opt.stop && opt.stop->load())) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      try {
        run(i);
        std::lock_guard<std::mutex> lock(mu);
        ++completed;
        if (done) done(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        failed.store(true);
        return;
      }
    }
  };
  unsigned threads = opt.threads == 0 ? default_threads() : opt.threads;
  if (threads > n) threads = static_cast<unsigned>(n == 0 ? 1 : n);
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
    for (auto& th : pool) th.join();
  }
  if (error) std::rethrow_exception(error);
  return completed;
}

}  // namespace sim
