// Presets, service rules and the parameter table.
#include <gtest/gtest.h>

#include <toml++/toml.h>

#include "models/parameters.hpp"
#include "models/setting.hpp"
#include "sim/input_error.hpp"

TEST(Setting, HerbassePresetMatchesTheField) {
  const auto s = models::load_setting("herbasse", 1.0);
  // 7 communes of the upper valley hold 2,200 inhabitants (field).
  std::uint64_t valley = 0;
  for (std::size_t i = 0; i < 7; ++i) valley += s.territory.locality(i).population;
  EXPECT_EQ(valley, 2200u);
  // The one local GP is retiring (two half-days a week); ~15 GPs within 15 km.
  EXPECT_EQ(s.practices.front().gps, 1u);
  EXPECT_DOUBLE_EQ(s.practices.front().activity, 0.2);
  EXPECT_GE(s.gp_count(), 14u);
  EXPECT_LE(s.gp_count(), 16u);
  // Every theme has a service for every locality.
  for (std::size_t l = 0; l < s.territory.size(); ++l)
    for (std::size_t t = 0; t < models::kThemes; ++t) {
      bool found = false;
      for (const auto& sv : s.services) found |= sv.themes.test(t) && sv.covers[l];
      EXPECT_TRUE(found) << s.territory.locality(l).name << " " << models::kThemeNames[t];
    }
}

TEST(Setting, GrandNancyHasTwentySectorCentres) {
  const auto s = models::load_setting("grand-nancy", 1.0);
  int centres = 0;
  for (const auto& sv : s.services) centres += sv.employer == models::Employer::Departement;
  EXPECT_EQ(centres, 20);
  EXPECT_GT(s.territory.population(), 240000u);
  EXPECT_GT(s.gp_count(), 200u);
}

TEST(Setting, PopulationScaleScalesResidentsAndStaffRules) {
  const auto a = models::load_setting("grand-nancy", 1.0);
  const auto b = models::load_setting("grand-nancy", 0.1);
  EXPECT_NEAR(static_cast<double>(b.territory.population()), 0.1 * static_cast<double>(a.territory.population()),
              0.01 * static_cast<double>(a.territory.population()));
  EXPECT_LT(b.gp_count(), a.gp_count());
}

TEST(Setting, PresetErrorsNameTheLine) {
  const std::string text = R"(name = "x"
[[locality]]
name = "A"
population = 100
rurality = "rural"
sector = 0
[gp_density]
per_10k = 9
min_population = 0
[[service]]
name = "S"
employer = "townhall"
per = "territory"
)";
  try {
    models::setting_from_toml(toml::parse(std::string_view(text), std::string("x.toml")), "x.toml", 1.0);
    FAIL() << "expected an InputError";
  } catch (const sim::InputError& e) {
    EXPECT_EQ(e.line(), 12);
    EXPECT_NE(std::string(e.what()).find("employer"), std::string::npos);
  }
}

TEST(Parameters, EveryParameterHasUnitDescriptionAndSource) {
  for (const auto& p : models::param_table().infos()) {
    EXPECT_FALSE(p.description.empty()) << p.name;
    const bool calibrated = p.source.rfind("calibrated: ", 0) == 0;
    EXPECT_TRUE(p.source.rfind("field", 0) == 0 || p.source.rfind("assumed", 0) == 0 || calibrated)
        << p.name << ": " << p.source;
    // a calibrated value names its targets and the prior it was fitted in
    if (calibrated) {
      EXPECT_NE(p.source.find("prior ["), std::string::npos) << p.name << ": " << p.source;
    }
  }
  EXPECT_EQ(models::check_consistency(models::default_params()), "");
}

TEST(Parameters, DefaultsFollowTheField) {
  const auto p = models::default_params();
  EXPECT_DOUBLE_EQ(p.gp.knows_well_share, 0.125);  // 87.5 % know moderately or insufficiently
  EXPECT_EQ(p.calendar.gp_hours, "Mon-Fri 08:00-12:00,14:00-21:00");
  EXPECT_EQ(p.calendar.worker_hours, "Mon-Fri 09:00-12:30,13:30-17:00");
  // Child-related refusals are the highest (fear of placement).
  for (std::size_t t = 0; t < models::kThemes; ++t)
    EXPECT_LE(p.consent.refusal_prob[t], p.consent.refusal_prob[models::idx(models::Theme::ChildrenYouth)]);
}
