#include "cli/python_tools.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace cli {

namespace fs = std::filesystem;

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

fs::path analysis_dir() {
  if (const char* d = std::getenv("PASSERELLE_ANALYSIS_DIR"); d && *d) return d;
  return fs::path(PASSERELLE_SOURCE_DIR) / "analysis";
}

// Debian's python3-* packages (what cmake/install-deps.sh installs) live in
// the system interpreter, which a pyenv or venv python3 earlier on PATH does
// not see.
std::string find_python(const std::string& modules, const std::string& what, const std::string& debian) {
  if (const char* p = std::getenv("PASSERELLE_PYTHON"); p && *p) return p;
  for (const char* cand : {"python3", "/usr/bin/python3"})
    if (spawn({cand, "-c", "import " + modules}, true) == 0) return cand;
  throw std::runtime_error(what + " needs Python 3 with " + modules + " (Debian: apt-get install " + debian +
                           ", or `make deps`); set PASSERELLE_PYTHON to choose an interpreter");
}

void prepare_analysis_env(const std::string& module_file) {
  const fs::path dir = analysis_dir();
  if (!fs::exists(dir / "passerelle_analysis" / module_file))
    throw std::runtime_error("analysis package not found in " + dir.string() +
                             " (set PASSERELLE_ANALYSIS_DIR to the repository's analysis/ folder)");
  std::string pp = dir.string();
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) pp += ":" + std::string(old);
  setenv("PYTHONPATH", pp.c_str(), 1);
}

}  // namespace cli
