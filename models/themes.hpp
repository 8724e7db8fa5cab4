// The domain's fixed vocabularies: the ten Vade Mecum themes of a need, the
// employers of social workers, GP profiles, practice forms, secrecy regimes.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace models {

// The ten thematic stands of the La Louvière launch evening (BRIEF.md).
enum class Theme : std::uint8_t {
  GeneralSocial = 0,
  Foreigners,
  Addictions,
  ChildrenYouth,
  FamiliesSeniors,
  Disability,
  Abuse,
  Homelessness,
  MentalHealth,
  OverIndebtedness,
};
inline constexpr std::size_t kThemes = 10;
inline constexpr std::array<const char*, kThemes> kThemeNames = {
    "general_social", "foreigners",   "addictions",    "children_youth", "families_seniors",
    "disability",     "abuse",        "homelessness",  "mental_health",  "over_indebtedness"};
using PerTheme = std::array<double, kThemes>;

// Who employs a social worker (MODEL.md §3).
enum class Employer : std::uint8_t {
  Municipal = 0,        // CCAS / CPAS, municipal social centre
  Departement,          // département sector social centre
  Hospital,             // hospital social service
  HealthInsurance,      // health-insurance social worker
  ChildProtection,      // PMI, child & maternal protection
  Guardianship,         // guardianship service
  GerontologyNetwork,   // one interface, reports back
  Association,
};
inline constexpr std::size_t kEmployers = 8;
inline constexpr std::array<const char*, kEmployers> kEmployerNames = {
    "municipal",    "departement", "hospital",            "health_insurance",
    "child_protection", "guardianship", "gerontology_network", "association"};
using PerEmployer = std::array<double, kEmployers>;

enum class GpProfile : std::uint8_t { Adviser = 0, Intermediate, Engaged };
inline constexpr std::size_t kProfiles = 3;
inline constexpr std::array<const char*, kProfiles> kProfileNames = {"adviser", "intermediate",
                                                                     "engaged"};
using PerProfile = std::array<double, kProfiles>;

enum class PracticeForm : std::uint8_t { Solo = 0, Group, MultiProfessional, HealthHouse };
inline constexpr std::array<const char*, 4> kPracticeFormNames = {"solo", "group",
                                                                  "multi_professional",
                                                                  "health_house"};
inline constexpr std::size_t kPracticeForms = 4;
using PerForm = std::array<double, kPracticeForms>;

// What travels with a referral (MODEL.md §4.6).
enum class SecrecyRegime : std::uint8_t { Strict = 0, Consent, SharedPlan };
inline constexpr std::array<const char*, 3> kSecrecyNames = {"strict", "consent", "shared-plan"};

enum class AgeBand : std::uint8_t { Under25 = 0, Adult, Over75 };
inline constexpr std::size_t kAgeBands = 3;

// Relation types of a GP ↔ social-worker tie (thesis typology).
enum class Relation : std::uint8_t { Occulted = 0, Instrumental, Cooperation, Collaboration };
inline constexpr std::array<const char*, 4> kRelationNames = {"occulted", "instrumental",
                                                              "cooperation", "collaboration"};

template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<const char*, N>& names, std::string_view s) {
  for (std::size_t i = 0; i < N; ++i)
    if (s == names[i]) return i;
  return std::nullopt;
}

inline std::size_t idx(Theme t) { return static_cast<std::size_t>(t); }

}  // namespace models
