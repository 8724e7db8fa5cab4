// `passerelle calibrate CALIBRATION.toml -o CAL.h5 [--emit PARAMS.toml]`:
// history matching of the parameters the file names to the field targets it
// names (analysis/README.md "Calibration"). The procedure lives in the Python
// package (python3 -m passerelle_analysis.calibrate: Gaussian-process
// emulators, scikit-learn); it runs the model through this very binary
// (its path is passed along), so there is no second implementation of it.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/python_tools.hpp"
#include "sim/input_error.hpp"

namespace cli {

namespace fs = std::filesystem;

namespace {

// The running binary's own path (Linux: /proc/self/exe), so that Python
// calls the same build, not whichever `passerelle` is on PATH.
std::string self_path() {
  std::error_code ec;
  const fs::path p = fs::read_symlink("/proc/self/exe", ec);
  if (ec || p.empty()) throw std::runtime_error("calibrate: cannot find this binary's own path (/proc/self/exe)");
  return p.string();
}

void check_output(const std::string& opt, const std::string& path, const std::string& input, bool force) {
  std::error_code ec;
  if (path.empty()) throw sim::InputError("", 0, 0, opt + ": expected a file name, got an empty one");
  if (fs::is_directory(path, ec)) throw sim::InputError(path, 0, 0, opt + ": is a directory; expected a file name");
  if (fs::exists(path, ec) && fs::equivalent(path, input, ec))
    throw sim::InputError(path, 0, 0, opt + ": is the calibration file itself; choose another name");
  if (!force && fs::exists(path, ec)) throw sim::InputError(path, 0, 0, opt + ": exists (use --force to overwrite it)");
}

}  // namespace

Command add_calibrate(CLI::App& app) {
  struct Args {
    std::string path, output, emit;
    int threads = 0;
    bool quiet = false, force = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("calibrate",
                               "history matching of the named parameters to field targets (Gaussian-process emulators)");
  c->add_option("calibration", a->path, "calibration file (TOML)")->required()->check(CLI::ExistingFile);
  c->add_option("-o,--output", a->output, "posterior file (HDF5, /calibration)")->required();
  c->add_option("--emit", a->emit, "also write the accepted sets' median as a [parameters] table (TOML)");
  c->add_option("--threads", a->threads, "threads for each model run (default: the run's default)")
      ->check(CLI::Range(0, 4096));
  c->add_flag("--quiet", a->quiet, "no progress messages");
  c->add_flag("--force", a->force, "overwrite existing output files");
  return {c, [a] {
            check_output("-o/--output", a->output, a->path, a->force);
            if (!a->emit.empty()) check_output("--emit", a->emit, a->path, a->force);
            prepare_analysis_env("calibrate.py");
            const std::string python =
                find_python("h5py, numpy, scipy, sklearn", "calibrate",
                            "python3-h5py python3-numpy python3-scipy python3-sklearn");
            std::vector<std::string> args = {python, "-m", "passerelle_analysis.calibrate", a->path, "-o", a->output,
                                             "--binary", self_path()};
            if (!a->emit.empty()) args.insert(args.end(), {"--emit", a->emit});
            if (a->threads > 0) args.insert(args.end(), {"--threads", std::to_string(a->threads)});
            if (a->quiet) args.emplace_back("--quiet");
            if (a->force) args.emplace_back("--force");
            const int rc = spawn(args, false);
            // Python has printed the message (file:line, what was expected).
            if (rc == 2 || rc == 130) return rc;
            if (rc != 0)
              throw std::runtime_error("calibrate: " + python + " -m passerelle_analysis.calibrate exited with " +
                                       std::to_string(rc));
            return 0;
          }};
}

}  // namespace cli
