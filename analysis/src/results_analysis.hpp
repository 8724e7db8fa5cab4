// The results file as `passerelle run` and `merge` write it: what the model
// recorded (models/run.hpp, write_results) plus the groups computed from it
// — /comparisons, /sensitivity, /uncertainty (compare.hpp, sensitivity.hpp,
// uncertainty.hpp) and /calibration (calibration.hpp).
#pragma once
#include <filesystem>

#include "models/run.hpp"

namespace sim::h5 {
class Writer;
}

namespace analysis {

// Adds /comparisons, /sensitivity (with a sweep), /uncertainty (with an
// [uncertainty] analysis) and /calibration.
void write_analysis_groups(sim::h5::Writer& w, const models::Experiment& ex, const models::Setting& setting,
                           const models::ExperimentResults& res);

// models::write_results with the analysis groups: a models::WriteOutput.
void write_results_file(const std::filesystem::path& out, bool overwrite, const models::Experiment& ex,
                        const models::Setting& setting, const models::ExperimentResults& res);

}  // namespace analysis
