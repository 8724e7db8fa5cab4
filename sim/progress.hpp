// A one-line progress display with ETA, redrawn in place on a terminal and
// silent otherwise (or when quiet).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdio>
#include <string>

namespace sim {

class Progress {
 public:
  Progress(std::size_t total, bool enabled, std::string label = "");
  // Reports `done` of `total` tasks finished; redraws at most 10 times a second.
  void update(std::size_t done);
  void finish();
  static bool stderr_is_terminal();

 private:
  std::size_t total_;
  bool enabled_;
  std::string label_;
  std::chrono::steady_clock::time_point start_, last_;
  bool drawn_ = false;
};

}  // namespace sim
