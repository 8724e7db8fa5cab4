// Each `passerelle` subcommand lives in its own cmd_*.cpp and registers
// itself here: it adds its options to the app and returns the action to
// run when chosen. Actions return the exit code; they may throw
// sim::InputError (exit 2) or anything else (exit 1).
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace cli {

struct Command {
  CLI::App* app;
  std::function<int()> action;
};

Command add_run(CLI::App& app);
Command add_validate(CLI::App& app);
Command add_info(CLI::App& app);
Command add_params(CLI::App& app);
Command add_list(CLI::App& app);
Command add_compare(CLI::App& app);  // cmd_analyse.cpp
Command add_report(CLI::App& app);
Command add_merge(CLI::App& app);    // cmd_merge.cpp
Command add_export(CLI::App& app);   // cmd_export.cpp
Command add_show(CLI::App& app);     // cmd_show.cpp
Command add_calibrate(CLI::App& app);  // cmd_calibrate.cpp

}  // namespace cli
