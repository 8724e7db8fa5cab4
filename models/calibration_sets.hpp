// The accepted parameter sets of a calibration results file (written by
// `passerelle calibrate`, analysis/passerelle_analysis/calibrate.py), read so
// that an experiment's [uncertainty] can draw from the calibrated posterior
// (issue 14): /calibration/accepted is an (accepted sets x parameters) float
// dataset whose string-array attribute `columns` names the parameters;
// /calibration's attribute `name` is the calibration's name.
#pragma once
#include <toml++/toml.h>

#include <cstdint>
#include <string>
#include <vector>

namespace models {

struct CalibrationSets {
  std::string path;                       // as opened (relative to the experiment file's folder)
  std::string name;                       // /calibration attribute `name`; "" if absent
  std::uint64_t hash = 0;                 // FNV-1a 64 of the file's bytes (models::content_hash)
  std::vector<std::string> columns;       // the fitted parameters, in the file's order
  std::vector<std::vector<double>> rows;  // the accepted sets, one row each, aligned with columns
};

// Reads `path`. Every failure (missing or unreadable file, not HDF5, no
// /calibration/accepted, columns not aligned, no accepted set, a value that
// is not finite) throws sim::InputError at `where` in the experiment `file`
// ("uncertainty.calibration: ...").
CalibrationSets read_calibration_sets(const std::string& path, const std::string& file, const toml::node& where);

// Which accepted rows the n draws take, from a stream of `seed` only:
// without replacement (a seeded partial Fisher-Yates shuffle) when
// n <= accepted, else with replacement (each draw uniform over the rows).
std::vector<std::size_t> choose_calibration_rows(std::size_t accepted, std::size_t n, std::uint64_t seed);

}  // namespace models
