// Spawning the analysis package's Python modules (report, calibrate): the
// interpreter, the package folder, and a child process without a shell.
#pragma once
#include <filesystem>
#include <string>
#include <vector>

namespace cli {

// Runs argv[0] (searched on PATH) and returns its exit status, -1 if it could
// not be started or was killed. No shell: file names need no quoting.
int spawn(const std::vector<std::string>& args, bool quiet);

// The analysis package: $PASSERELLE_ANALYSIS_DIR, else the source tree this
// binary was built from.
std::filesystem::path analysis_dir();

// $PASSERELLE_PYTHON, else the first of python3 on PATH and /usr/bin/python3
// that imports `modules` (a comma-separated list); `what` names the command
// in the error message, `debian` the packages to install.
std::string find_python(const std::string& modules, const std::string& what, const std::string& debian);

// Puts analysis_dir() first on PYTHONPATH and checks that `module_file`
// (e.g. "report.py") is there; throws otherwise.
void prepare_analysis_env(const std::string& module_file);

}  // namespace cli
