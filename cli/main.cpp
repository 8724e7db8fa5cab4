// The `passerelle` command line (CONTRACTS.md). Exit codes: 0 success,
// 2 invalid input, 1 failure while running, 130 interrupted.
#include <iostream>

#include "cli/commands.hpp"
#include "sim/input_error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Passerelle: agent-based simulation of GP / social-worker collaboration on a territory"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(PASSERELLE_VERSION));
  const std::vector<cli::Command> commands = {cli::add_run(app), cli::add_validate(app), cli::add_info(app),
                                              cli::add_params(app), cli::add_list(app),
                                              cli::add_compare(app), cli::add_report(app),
                                              cli::add_merge(app), cli::add_export(app),
                                              cli::add_show(app), cli::add_calibrate(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    for (const auto& c : commands)
      if (*c.app) return c.action();
  } catch (const sim::InputError& e) {
    std::cerr << "passerelle: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "passerelle: failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
