// Explicit registration of the built-in interventions (static-initialiser
// registration can be silently dropped by static linking).
#include "models/intervention.hpp"
#include "models/interventions/builtin.hpp"

namespace models {

const InterventionRegistry& interventions() {
  static const InterventionRegistry registry = [] {
    InterventionRegistry r;
    register_builtin_interventions(r);
    return r;
  }();
  return registry;
}

void register_builtin_interventions(InterventionRegistry& r) {
  register_secrecy(r);
  register_health_mediator(r);
  register_vade_mecum(r);
  register_meetings(r);
  register_sector_merge(r);
  register_prevention_pathway(r);
  register_coordinator(r);
  register_single_referent(r);
  register_shared_premises(r);
}

}  // namespace models
