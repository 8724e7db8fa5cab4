// `--set NAME=VALUE` on `run` and `validate`: one parameter set for every
// scenario, after the experiment file's own values, checked by the same
// tables as the file (unknown name: "did you mean"; wrong type or range: the
// parameter's own message), the error naming the option as given.
//
// NAME is a model parameter ("gp.knows_well_share", per label
// "needs.onset_rate.housing") or "<type>.<key>" of an intervention type:
// that key in every intervention of the type in every scenario (the same
// re-parse a sweep does, models/sweep.hpp). A model parameter wins over an
// intervention type of the same first name, as in [sweep]. VALUE is a TOML
// value (0.3, 12, true, "text", [1, 2]); a bare word is read as a string.
// A parameter the experiment's [sweep] varies cannot be set.
//
// The overrides are kept in Experiment::overrides, in order: the checkpoint
// header, `--resume`, `merge` and the results file (/ attribute
// "overrides"; source "--set" in /scenarios/<name>/parameters) see them.
#pragma once
#include <string>
#include <vector>

#include "models/experiment.hpp"

namespace models {

// Applies each "NAME=VALUE" to `ex` in order and appends it to ex.overrides.
// Throws sim::InputError (exit 2) whose file is "--set NAME=VALUE".
void apply_overrides(Experiment& ex, const std::vector<std::string>& sets);

// The model parameters an override list names (for the "source" column).
std::vector<std::string> overridden_names(const std::vector<std::string>& sets);

}  // namespace models
