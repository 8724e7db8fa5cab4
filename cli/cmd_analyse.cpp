// `passerelle compare` and `passerelle report`: reading a results file back.
// compare is computed here from the summary tables (so any scenario can be the
// baseline); report hands the file to the Python package analysis/
// passerelle_analysis, which draws the plots (matplotlib) and writes the page.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "analysis/src/compare.hpp"
#include "cli/commands.hpp"
#include "sim/input_error.hpp"

extern char** environ;

namespace cli {
namespace {

namespace fs = std::filesystem;

// Runs argv[0] (searched on PATH) and returns its exit status, -1 if it could
// not be started or was killed. No shell: file names need no quoting.
int spawn(const std::vector<std::string>& args, bool quiet) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (quiet) {
    posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  pid_t pid = 0;
  const int rc = posix_spawnp(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) return -1;
  int st = 0;
  while (waitpid(pid, &st, 0) < 0)
    if (errno != EINTR) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

// The analysis package: $PASSERELLE_ANALYSIS_DIR, else the source tree this
// binary was built from.
fs::path analysis_dir() {
  if (const char* d = std::getenv("PASSERELLE_ANALYSIS_DIR"); d && *d) return d;
  return fs::path(PASSERELLE_SOURCE_DIR) / "analysis";
}

// $PASSERELLE_PYTHON, else the first of python3 on PATH and the system's
// /usr/bin/python3 that has the modules: Debian's python3-* packages (what
// cmake/install-deps.sh installs) live in the system interpreter, which a
// pyenv or venv python3 earlier on PATH does not see.
std::string find_python() {
  if (const char* p = std::getenv("PASSERELLE_PYTHON"); p && *p) return p;
  for (const char* cand : {"python3", "/usr/bin/python3"})
    if (spawn({cand, "-c", "import h5py, numpy, pandas, matplotlib, jinja2"}, true) == 0) return cand;
  throw std::runtime_error(
      "the report needs Python 3 with h5py, numpy, pandas, matplotlib and jinja2 (Debian: apt-get install "
      "python3-h5py python3-pandas python3-matplotlib python3-jinja2, or `make deps`); set PASSERELLE_PYTHON to choose an interpreter");
}

}  // namespace

Command add_compare(CLI::App& app) {
  struct Args {
    std::string path, baseline;
    bool json = false, all = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("compare", "paired differences of each scenario against the baseline (95 % CI)");
  c->add_option("results", a->path, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  c->add_option("--baseline", a->baseline, "scenario to compare against (default: the file's baseline)");
  c->add_flag("--json", a->json, "machine-readable output (every metric)");
  c->add_flag("--all", a->all, "every summary metric, not only the key ones");
  return {c, [a] {
            const auto comps = analysis::compare_file(a->path, a->baseline);
            std::cout << (a->json ? analysis::comparison_json(comps) : analysis::comparison_text(comps, a->all));
            return 0;
          }};
}

Command add_report(CLI::App& app) {
  struct Args {
    std::string path, output;
    bool quiet = false, force = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("report", "write a self-contained HTML report of a results file");
  c->add_option("results", a->path, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  c->add_option("-o,--output", a->output, "report file (HTML)")->required();
  c->add_flag("--quiet", a->quiet, "no message when done");
  c->add_flag("--force", a->force, "overwrite an existing report file");
  return {c, [a] {
            // Before any work: never replace the results with their report.
            std::error_code ec;
            if (a->output.empty()) throw sim::InputError("", 0, 0, "-o/--output: expected a report file name, got an empty one");
            if (fs::is_directory(a->output, ec))
              throw sim::InputError(a->output, 0, 0, "-o/--output: is a directory; expected a report file name");
            if (fs::exists(a->output, ec) && fs::equivalent(a->output, a->path, ec))
              throw sim::InputError(a->output, 0, 0, "-o/--output: is the results file itself; choose another name");
            if (!a->force && fs::exists(a->output, ec))
              throw sim::InputError(a->output, 0, 0, "-o/--output: exists (use --force to overwrite it)");
            const fs::path dir = analysis_dir();
            if (!fs::exists(dir / "passerelle_analysis" / "report.py"))
              throw std::runtime_error("analysis package not found in " + dir.string() +
                                       " (set PASSERELLE_ANALYSIS_DIR to the repository's analysis/ folder)");
            const std::string python = find_python();
            std::string pp = dir.string();
            if (const char* old = std::getenv("PYTHONPATH"); old && *old) pp += ":" + std::string(old);
            setenv("PYTHONPATH", pp.c_str(), 1);
            setenv("MPLBACKEND", "Agg", 1);  // no display needed, none used
            const int rc = spawn({python, "-m", "passerelle_analysis.report", a->path, "-o", a->output}, false);
            if (rc == 2) throw sim::InputError("", 0, 0, "report: the results file could not be read (see above)");
            if (rc != 0) throw std::runtime_error("report: " + python + " -m passerelle_analysis.report exited with " +
                                                  std::to_string(rc));
            if (!a->quiet) std::cout << "Report: " << a->output << "\n";
            return 0;
          }};
}

}  // namespace cli
