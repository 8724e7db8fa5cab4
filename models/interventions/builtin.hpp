// One register_<name>() per file in models/interventions/.
#pragma once

namespace models {

class InterventionRegistry;
void register_builtin_interventions(InterventionRegistry& r);

void register_secrecy(InterventionRegistry& r);
void register_health_mediator(InterventionRegistry& r);

}  // namespace models
