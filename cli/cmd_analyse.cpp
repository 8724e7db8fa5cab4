// `passerelle compare` and `passerelle report`: reading a results file back.
// compare is computed here from the summary tables (so any scenario can be the
// baseline); report hands the file to the Python package analysis/
// passerelle_analysis, which draws the plots (matplotlib) and writes the page.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "analysis/src/compare.hpp"
#include "analysis/src/decision_table.hpp"
#include "cli/commands.hpp"
#include "cli/python_tools.hpp"
#include "sim/input_error.hpp"

namespace cli {

namespace fs = std::filesystem;

Command add_compare(CLI::App& app) {
  struct Args {
    std::string path, baseline;
    bool json = false, all = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("compare", "the decision table (costs, net costs, effects, costs per unit, NMB, dominance), "
                                         "then paired differences of each scenario against the baseline (95 % CI)");
  c->add_option("results", a->path, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  c->add_option("--baseline", a->baseline, "scenario to compare against (default: the file's baseline)");
  c->add_flag("--json", a->json, "machine-readable output (every metric)");
  c->add_flag("--all", a->all, "every summary metric, not only the key ones");
  return {c, [a] {
            const auto comps = analysis::compare_file(a->path, a->baseline);
            const auto decision = analysis::decision_table(a->path, a->baseline);  // printed first
            if (a->json) std::cout << analysis::comparison_json(comps, &decision);
            else std::cout << analysis::decision_text(decision) << (decision.options.empty() ? "" : "\n")
                           << analysis::comparison_text(comps, a->all);
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
            prepare_analysis_env("report.py");
            const std::string python =
                find_python("h5py, numpy, pandas, matplotlib, jinja2", "the report",
                            "python3-h5py python3-pandas python3-matplotlib python3-jinja2");
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
