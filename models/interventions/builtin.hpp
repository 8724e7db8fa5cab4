// One register_<name>() per file in models/interventions/.
#pragma once

namespace models {

class InterventionRegistry;
void register_builtin_interventions(InterventionRegistry& r);

void register_secrecy(InterventionRegistry& r);
void register_health_mediator(InterventionRegistry& r);
void register_vade_mecum(InterventionRegistry& r);
void register_meetings(InterventionRegistry& r);
void register_sector_merge(InterventionRegistry& r);
void register_prevention_pathway(InterventionRegistry& r);
void register_coordinator(InterventionRegistry& r);
void register_single_referent(InterventionRegistry& r);
void register_shared_premises(InterventionRegistry& r);

}  // namespace models
