// Shared fixtures for the model tests: a cached preset setting and a short
// replicate run with given parameters.
#pragma once
#include <cstdint>
#include <string>

#include "models/experiment.hpp"
#include "models/replicate.hpp"

namespace testing_helpers {

inline const models::Setting& herbasse() {
  static const models::Setting s = models::load_setting("herbasse", 1.0);
  return s;
}

// One replicate of `weeks` weeks (a quarter of it warm-up) on Herbasse.
inline models::ReplicateResult run_one(const models::ModelParams& p, std::uint64_t seed = 11, double weeks = 60,
                                       const models::Setting& setting = herbasse()) {
  models::Replicate rep(setting, p, models::RunSpec{0, seed, weeks, weeks / 4});
  return rep.run();
}

inline double value(const models::ReplicateResult& r, const std::string& name) { return r.summary_value(name); }

}  // namespace testing_helpers
