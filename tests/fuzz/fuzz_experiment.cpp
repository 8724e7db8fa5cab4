// libFuzzer target: an experiment file, parsed and turned into its setting
// (territory, GPs, services) as `passerelle validate` does. The only
// acceptable failure is sim::InputError; anything else escaping, a crash, a
// sanitizer report or a leak is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "models/experiment.hpp"
#include "sim/input_error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const models::Experiment ex = models::parse_experiment(text, "fuzz.toml");
    // Valid but huge synthetic territories only cost time (they are allowed
    // on purpose); skip them so that the fuzzer explores instead of waiting.
    if (ex.territory == "synthetic" && (ex.synthetic.localities > 2000 || ex.synthetic.population > 20'000'000))
      return 0;
    if (ex.population_scale > 100) return 0;
    (void)models::build_setting(ex);
  } catch (const sim::InputError&) {
  }
  return 0;
}
