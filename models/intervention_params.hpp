// The effective parameters of a scenario's interventions, as rows of the
// results file's /scenarios/<name>/parameters (beside the model's): named
// "<type>.<key>" — "<type>#2.<key>" for the second intervention of the same
// type in one scenario, and so on; "<type>#1.<key>" for the first when one of
// its names is a model parameter's already (the model's `secrecy.regime`
// beside the `secrecy` intervention's) — with the unit and source of their
// declaration.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "models/intervention.hpp"

namespace models {

// Appends one entry per parameter of each intervention, in scenario order,
// to the parallel name / value / unit / source columns.
void append_intervention_parameters(const std::vector<std::shared_ptr<const Intervention>>& list,
                                    std::vector<std::string>& names, std::vector<std::string>& values,
                                    std::vector<std::string>& units, std::vector<std::string>& sources);

}  // namespace models
