// Comparing two experiments' results number for number (the fork and
// saved-state identity tests): every task's record as the checkpoint encodes
// it (summary, recorder, counts), wall-clock time aside.
#pragma once
#include <gtest/gtest.h>

#include <string>

#include "models/checkpoint.hpp"
#include "models/run.hpp"

namespace testing_helpers {

inline std::string recorded(models::ReplicateResult r) {
  r.wall_seconds = 0;
  for (auto& [name, v] : r.summary)
    if (name == "wall_seconds") v = 0;
  return models::encode_task(0, r);
}

inline void expect_same(const models::ExperimentResults& a, const models::ExperimentResults& b,
                        const std::string& what) {
  ASSERT_EQ(a.scenarios.size(), b.scenarios.size()) << what;
  for (std::size_t s = 0; s < a.scenarios.size(); ++s)
    for (std::size_t r = 0; r < a.scenarios[s].replicates.size(); ++r)
      EXPECT_EQ(recorded(a.scenarios[s].replicates[r]), recorded(b.scenarios[s].replicates[r]))
          << what << ": scenario " << a.scenarios[s].name << ", replicate " << r;
}

}  // namespace testing_helpers
