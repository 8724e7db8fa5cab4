#include "analysis/src/results_analysis.hpp"

#include "analysis/src/calibration.hpp"
#include "analysis/src/compare.hpp"
#include "analysis/src/uncertainty.hpp"

namespace analysis {

void write_analysis_groups(sim::h5::Writer& w, const models::Experiment& ex, const models::Setting& setting,
                           const models::ExperimentResults& res) {
  write_analysis(w, ex, setting, res);  // /comparisons and /sensitivity
  write_uncertainty(w, ex, setting, res);  // /uncertainty: the [uncertainty] draws
  write_calibration(w, res, ex.territory);  // /calibration: targets of this territory only
}

void write_results_file(const std::filesystem::path& out, bool overwrite, const models::Experiment& ex,
                        const models::Setting& setting, const models::ExperimentResults& res) {
  models::write_results(out, overwrite, ex, setting, res,
                        [&](sim::h5::Writer& w) { write_analysis_groups(w, ex, setting, res); });
}

}  // namespace analysis
