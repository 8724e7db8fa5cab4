// Running the `passerelle` binary from tests: to completion through a shell,
// or in the background (fork/exec) so that a test can interrupt or kill it
// part-way. Also a comparison of two results files, number by number.
#pragma once
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sim/hdf5_file.hpp"

namespace process_helpers {

namespace fs = std::filesystem;

struct Outcome {
  int code;
  std::string output;
};

inline Outcome sh(const std::string& cmd) {
  std::string out;
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

inline fs::path temp_dir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("passerelle-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

inline void write(const fs::path& p, const std::string& text) { std::ofstream(p) << text; }

inline std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const std::string kBin = PASSERELLE_BINARY;

// A background `passerelle` with stdout and stderr going to `log`.
class Background {
 public:
  Background(const std::vector<std::string>& args, const fs::path& log) {
    pid_ = ::fork();
    if (pid_ == 0) {
      const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      std::vector<char*> argv;
      argv.push_back(const_cast<char*>(kBin.c_str()));
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(kBin.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~Background() {
    if (pid_ > 0 && !reaped_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool running() {
    if (reaped_) return false;
    if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
    return !reaped_;
  }
  void signal(int sig) { ::kill(pid_, sig); }
  // The exit code; -signal when killed by a signal.
  int wait() {
    if (!reaped_) ::waitpid(pid_, &status_, 0);
    reaped_ = true;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : -WTERMSIG(status_);
  }

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

// Polls `ready` every few milliseconds while `proc` runs; true once ready.
template <class F>
bool wait_until(Background& proc, F ready, double seconds = 120) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (ready()) return true;
    if (!proc.running()) return ready();
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  return false;
}

inline bool same_number(double x, double y) { return std::isnan(x) ? std::isnan(y) : x == y; }

inline void expect_same_table(const sim::h5::Table& a, const sim::h5::Table& b, const std::string& where,
                              bool skip_wall = true) {
  ASSERT_EQ(a.columns.size(), b.columns.size()) << where;
  ASSERT_EQ(a.rows(), b.rows()) << where;
  for (std::size_t c = 0; c < a.columns.size(); ++c) {
    ASSERT_EQ(a.columns[c].name, b.columns[c].name) << where;
    if (skip_wall && a.columns[c].name == "wall_seconds") continue;
    for (std::size_t r = 0; r < a.rows(); ++r)
      EXPECT_TRUE(same_number(a.columns[c].values[r], b.columns[c].values[r]))
          << where << " " << a.columns[c].name << " row " << r << ": " << a.columns[c].values[r] << " vs "
          << b.columns[c].values[r];
  }
}

// Every number of two results files is the same, wall_seconds aside:
// summaries, weekly series, breakdowns, comparisons.
inline void expect_same_results(const fs::path& a, const fs::path& b) {
  sim::h5::Reader ra(a), rb(b);
  const auto scen = ra.attribute_strings("/", "scenarios");
  ASSERT_EQ(scen, rb.attribute_strings("/", "scenarios"));
  EXPECT_EQ(ra.attribute_string("/", "experiment"), rb.attribute_string("/", "experiment"));
  EXPECT_EQ(ra.attribute_int("/", "base_seed"), rb.attribute_int("/", "base_seed"));
  for (const auto& s : scen) {
    const std::string base = "/scenarios/" + s;
    expect_same_table(ra.read_table(base + "/summary"), rb.read_table(base + "/summary"), base);
    for (const std::string group : {"weekly", "by_need_type", "by_precarity", "by_rurality"}) {
      const auto names = ra.children(base + "/" + group);
      ASSERT_EQ(names, rb.children(base + "/" + group)) << base << "/" << group;
      for (const auto& m : names) {
        std::size_t r1 = 0, c1 = 0, r2 = 0, c2 = 0;
        const auto x = ra.read_matrix(base + "/" + group + "/" + m, r1, c1);
        const auto y = rb.read_matrix(base + "/" + group + "/" + m, r2, c2);
        ASSERT_EQ(r1, r2);
        ASSERT_EQ(c1, c2);
        for (std::size_t i = 0; i < x.size(); ++i)
          EXPECT_TRUE(same_number(x[i], y[i])) << base << "/" << group << "/" << m << " [" << i << "]";
      }
    }
    EXPECT_EQ(ra.read_strings(base + "/parameters/value"), rb.read_strings(base + "/parameters/value"));
    if (ra.exists("/comparisons/" + s))
      expect_same_table(ra.read_table("/comparisons/" + s), rb.read_table("/comparisons/" + s), "/comparisons/" + s);
  }
}

}  // namespace process_helpers
