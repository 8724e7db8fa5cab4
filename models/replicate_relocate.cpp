// Where services stand, and moving one during a run (shared premises at its
// start): the right door of each locality and theme, and the lazy
// nearest-service indexes that depend on the services' places.
#include <stdexcept>

#include "models/replicate.hpp"

namespace models {

void Replicate::build_right_doors() {
  const auto& terr = setting_.territory;
  // The right door for each locality and theme: the nearest service that
  // handles the theme and covers the locality.
  // Services in the outer loop (each one's coverage read once, in order): the
  // same candidates in the same order for every (locality, theme) as a scan
  // of by_theme_, at the cost of the coverage rather than localities x
  // services.
  std::array<std::uint32_t, kThemes> none;
  none.fill(kNone);
  right_service_.assign(terr.size(), none);
  for (std::uint32_t s = 0; s < setting_.services.size(); ++s) {
    const auto& spec = setting_.services[s];
    for (std::size_t l = 0; l < terr.size(); ++l) {
      if (!spec.covers[l]) continue;
      const float here = terr.travel_minutes(l, spec.locality);
      for (std::size_t t = 0; t < kThemes; ++t) {
        if (!spec.themes.test(t)) continue;
        std::uint32_t& best = right_service_[l][t];
        if (best == kNone || here < terr.travel_minutes(l, setting_.services[best].locality)) best = s;
      }
    }
  }
}

void Replicate::relocate_service(std::uint32_t service, std::uint32_t locality) {
  if (!own_setting_) throw std::logic_error("relocate_service: the replicate has no private setting");
  if (service >= own_setting_->services.size() || locality >= setting_.territory.size())
    throw std::logic_error("relocate_service: no such service or locality");
  own_setting_->services[service].locality = locality;
  build_right_doors();
  // Built on first use from the places: start again.
  for (auto& v : partner_order_) v.clear();
  for (auto& v : nearby_) v.clear();
}

}  // namespace models
