#include "models/calibration_sets.hpp"

#include <cmath>
#include <fstream>
#include <numeric>
#include <sstream>

#include "models/checkpoint.hpp"
#include "sim/hdf5_file.hpp"
#include "sim/input_error.hpp"
#include "sim/params.hpp"
#include "sim/random.hpp"

namespace models {

CalibrationSets read_calibration_sets(const std::string& path, const std::string& file, const toml::node& where) {
  const std::string what = "uncertainty.calibration: '" + path + "'";
  auto fail = [&](const std::string& why) { throw sim::toml_error(file, where, what + ": " + why); };
  CalibrationSets out;
  out.path = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open it (expected the results file of `passerelle calibrate`, relative to the experiment file)");
  std::ostringstream bytes;
  bytes << in.rdbuf();
  out.hash = content_hash(bytes.str());
  std::vector<double> data;
  std::size_t rows = 0, cols = 0;
  try {
    const sim::h5::Reader r(path);
    if (!r.exists("/calibration/accepted"))
      fail("not a calibration results file (expected a dataset /calibration/accepted, written by `passerelle calibrate`)");
    if (r.has_attribute("/calibration", "name")) out.name = r.attribute_string("/calibration", "name");
    data = r.read_matrix("/calibration/accepted", rows, cols);
    if (!r.has_attribute("/calibration/accepted", "columns"))
      fail("/calibration/accepted has no attribute 'columns' (the parameter names)");
    out.columns = r.attribute_strings("/calibration/accepted", "columns");
  } catch (const sim::InputError& e) {
    if (e.file() == file && e.line() > 0) throw;  // one of ours, above
    fail("cannot read it as a calibration results file (" + e.message() + ")");
  } catch (const sim::RunError& e) {
    fail(std::string("cannot read it as a calibration results file (") + e.what() + ")");
  }
  if (out.columns.size() != cols)
    fail("/calibration/accepted has " + std::to_string(cols) + " columns but names " +
         std::to_string(out.columns.size()) + " parameters");
  if (cols == 0) fail("/calibration/accepted has no parameter columns");
  if (rows == 0)
    fail("the calibration accepted no parameter set (no posterior to draw from: rerun it with more points per wave "
         "or a larger cutoff)");
  for (std::size_t i = 0; i < cols; ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (out.columns[i] == out.columns[j]) fail("the parameter '" + out.columns[i] + "' has two columns");
  for (std::size_t k = 0; k < rows; ++k) {
    out.rows.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(k * cols),
                          data.begin() + static_cast<std::ptrdiff_t>((k + 1) * cols));
    for (double v : out.rows.back())
      if (!std::isfinite(v)) fail("accepted set " + std::to_string(k) + " has a value that is not a finite number");
  }
  return out;
}

std::vector<std::size_t> choose_calibration_rows(std::size_t accepted, std::size_t n, std::uint64_t seed) {
  // Its own purpose: the rows chosen do not depend on the prior parameters'
  // Latin hypercube (models/sweep.cpp), which uses the same seed.
  sim::Stream s(seed, 0, "uncertainty calibration rows");
  std::vector<std::size_t> out;
  if (n <= accepted) {
    std::vector<std::size_t> idx(accepted);
    std::iota(idx.begin(), idx.end(), std::size_t{0});
    for (std::size_t i = 0; i < n; ++i) std::swap(idx[i], idx[i + s.below(accepted - i)]);
    out.assign(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(n));
  } else {
    for (std::size_t i = 0; i < n; ++i) out.push_back(s.below(accepted));
  }
  return out;
}

}  // namespace models
