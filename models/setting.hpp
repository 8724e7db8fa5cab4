// The fixed setting of an experiment: the territory, where GPs practise and
// which social services exist, whom they cover and what they handle. Built
// once per experiment from a preset, a GraphML file or the synthetic
// generator plus service rules; shared read-only by every replicate.
#pragma once
#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "models/themes.hpp"
#include "sim/territory.hpp"

namespace toml {
inline namespace v3 {
class table;
}
}  // namespace toml

namespace models {

struct GpPractice {
  std::uint32_t locality = 0;
  std::uint32_t gps = 1;
  PracticeForm form = PracticeForm::Solo;
  double activity = 1.0;  // FTE share of each GP (the retiring Herbasse GP: 0.2)
};

struct ServiceSpec {
  std::string name;
  Employer employer = Employer::Municipal;
  std::uint32_t locality = 0;
  std::vector<std::uint8_t> covers;  // per locality: 1 if the service's sector includes it
  std::bitset<kThemes> themes;
  double fte = 1.0;
  std::string hours;  // empty: the role's default hours
};

struct Setting {
  sim::Territory territory;
  std::vector<GpPractice> practices;
  std::vector<ServiceSpec> services;
  std::string description;
  std::string sources;
  std::uint32_t gp_count() const;
};

// Names of the presets shipped in models/presets (embedded in the binary).
std::vector<std::string> preset_names();
// The text of a shipped preset; throws std::out_of_range if unknown.
const std::string& preset_text(const std::string& name);

// Builds a setting from a preset TOML document (localities, roads, GP
// practices or a GP density rule, services or service rules).
// `file` names the source for error messages. Throws sim::InputError.
Setting setting_from_toml(const toml::table& doc, const std::string& file, double population_scale);
// Adds GPs and services to a bare territory from the rules in `rules`
// (same keys as a preset, without localities).
Setting setting_from_rules(sim::Territory territory, const toml::table& rules, const std::string& file);
// A preset by name, or a .toml / .graphml path.
Setting load_setting(const std::string& name_or_path, double population_scale);

// The employer's usual themes (used when a service lists none).
std::bitset<kThemes> default_themes(Employer e);

}  // namespace models
