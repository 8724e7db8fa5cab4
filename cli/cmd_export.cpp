// `passerelle export OUT.h5 --csv DIR`: every table of a results file as
// tidy CSV (analysis/src/export_csv.hpp lists the files).
#include <iostream>
#include <memory>

#include "analysis/src/export_csv.hpp"
#include "cli/commands.hpp"

namespace cli {

Command add_export(CLI::App& app) {
  struct Args {
    std::string results, dir;
    bool force = false;
  };
  auto a = std::make_shared<Args>();
  auto* c = app.add_subcommand("export", "write every table of a results file as tidy CSV (runs.csv: one row per run)");
  c->add_option("results", a->results, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  c->add_option("--csv", a->dir, "directory to write the CSV files into (created if missing)")->required();
  c->add_flag("--force", a->force, "overwrite CSV files that exist");
  return {c, [a] {
            const auto files = analysis::export_csv(a->results, a->dir, a->force);
            std::cout << "Wrote " << files.size() << " files to " << a->dir << ":";
            for (const auto& f : files) std::cout << " " << f;
            std::cout << "\n";
            return 0;
          }};
}

}  // namespace cli
