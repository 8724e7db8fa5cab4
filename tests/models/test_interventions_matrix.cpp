// Every intervention runs alone and all of them combined, on every preset,
// with their default parameters: nothing throws, need accounting holds, and
// onsets stay those of the baseline (common random numbers). Large presets
// are scaled down to keep the suite fast; each mechanism is tested on its own
// in its intervention's test file.
#include <gtest/gtest.h>

#include <toml++/toml.h>

#include "models/intervention.hpp"
#include "models/replicate.hpp"
#include "models/run.hpp"

namespace {

std::shared_ptr<const models::Intervention> make(const models::InterventionType& t) {
  toml::table tab;
  tab.insert("type", t.name);
  return t.parse(tab, "matrix");
}

models::ReplicateResult run(const models::Setting& s, const models::InterventionList& ivs) {
  models::Replicate rep(s, models::default_params(), models::RunSpec{0, 17, 40, 8}, ivs);
  return rep.run();
}

void expect_conserved(const models::ReplicateResult& r, const std::string& what) {
  EXPECT_EQ(r.summary_value("needs_onset"),
            r.summary_value("needs_resolved") + r.summary_value("needs_open") + r.summary_value("needs_abandoned"))
      << what;
  EXPECT_GT(r.summary_value("needs_onset"), 0) << what;
}

}  // namespace

TEST(InterventionMatrix, EveryInterventionAloneAndCombinedOnEveryPreset) {
  const auto& reg = models::interventions();
  ASSERT_FALSE(reg.all().empty());
  for (const auto& preset : models::preset_names()) {
    const models::Setting probe = models::load_setting(preset, 1.0);
    const double scale = std::min(1.0, 40000.0 / static_cast<double>(probe.territory.population()));
    const models::Setting s = scale < 1.0 ? models::load_setting(preset, scale) : probe;
    const auto base = run(s, {});
    expect_conserved(base, preset + " baseline");
    models::InterventionList all;
    for (const auto& t : reg.all()) {
      const auto iv = make(t);
      all.push_back(iv);
      const auto r = run(s, {iv});
      expect_conserved(r, preset + " + " + t.name);
      // Common random numbers: the same needs arise with or without it.
      EXPECT_EQ(r.summary_value("needs_onset"), base.summary_value("needs_onset")) << preset << " + " << t.name;
    }
    expect_conserved(run(s, all), preset + " + all interventions");
  }
}

TEST(InterventionMatrix, EverySummaryFieldHasAUnit) {
  // The results file writes a unit beside every summary column; a field an
  // intervention adds without declaring its unit (unit_of) would go unlabelled.
  models::ScenarioSpec spec;
  for (const auto& t : models::interventions().all()) spec.interventions.push_back(make(t));
  const models::Setting s = models::load_setting("herbasse", 1.0);
  const auto r = run(s, spec.interventions);
  for (const auto& [field, v] : r.summary) EXPECT_FALSE(models::summary_unit(field, &spec).empty()) << field;
}
