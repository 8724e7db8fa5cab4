#include "sim/progress.hpp"

#include <unistd.h>

namespace sim {

Progress::Progress(std::size_t total, bool enabled, std::string label)
    : total_(total), enabled_(enabled), label_(std::move(label)),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

bool Progress::stderr_is_terminal() { return isatty(STDERR_FILENO) == 1; }

void Progress::update(std::size_t done) {
  if (!enabled_ || total_ == 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < total_ && drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = done > 0 ? elapsed * static_cast<double>(total_ - done) / static_cast<double>(done) : 0.0;
  std::fprintf(stderr, "\r%s[%zu/%zu] %3.0f%%  elapsed %.1fs  ETA %s   ", label_.c_str(), done, total_,
               100.0 * static_cast<double>(done) / static_cast<double>(total_), elapsed,
               done > 0 ? (std::to_string(static_cast<long>(eta + 0.5)) + "s").c_str() : "?");
  std::fflush(stderr);
  drawn_ = true;
}

void Progress::finish() {
  if (enabled_ && drawn_) std::fprintf(stderr, "\n");
  drawn_ = false;
}

}  // namespace sim
