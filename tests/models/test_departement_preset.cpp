// The département preset (models/presets/departement.toml): the scale the
// benchmarks run at (~730,000 inhabitants), and a complete service map —
// every locality has a service of every theme that covers it.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "models/setting.hpp"

namespace {

const models::Setting& departement() {
  static const models::Setting s = models::load_setting("departement", 1.0);
  return s;
}

TEST(DepartementPreset, IsShippedAndLoads) {
  bool listed = false;
  for (const auto& n : models::preset_names()) listed |= n == "departement";
  EXPECT_TRUE(listed);
  const auto& s = departement();
  EXPECT_GE(s.territory.size(), 60u);
  EXPECT_LE(s.territory.size(), 120u);
  EXPECT_GE(s.territory.sector_count(), 20);
  EXPECT_LE(s.territory.sector_count(), 30);
  EXPECT_GT(s.gp_count(), 0u);
}

TEST(DepartementPreset, PopulationIsAbout730000) {
  const double pop = static_cast<double>(departement().territory.population());
  EXPECT_LE(std::abs(pop - 730'000.0), 0.02 * 730'000.0) << "population " << pop;
}

TEST(DepartementPreset, EveryLocalityHasAServiceForEveryTheme) {
  const auto& s = departement();
  for (std::size_t l = 0; l < s.territory.size(); ++l)
    for (std::size_t t = 0; t < models::kThemes; ++t) {
      bool found = false;
      for (const auto& sv : s.services) found |= sv.themes.test(t) && sv.covers[l] != 0;
      EXPECT_TRUE(found) << s.territory.locality(l).name << " has no service for " << models::kThemeNames[t];
    }
}

TEST(DepartementPreset, HasEveryRurality) {
  const auto& terr = departement().territory;
  int seen[sim::kRuralityCount] = {};
  for (const auto& l : terr.localities()) ++seen[static_cast<int>(l.rurality)];
  for (int r = 0; r < sim::kRuralityCount; ++r) EXPECT_GT(seen[r], 0) << "rurality " << r;
}

}  // namespace
