// Sensitivity of every summary metric to every swept parameter (MODEL.md
// §7): partial rank correlation coefficients (PRCC) over the points of a
// [sweep] (the design itself is models/sweep.hpp).
//
// Results file: /sensitivity/{prcc (metrics x parameters), prcc_p_value
// (metrics x parameters), lower and upper (each parameter's range), metrics,
// parameters, points (points x parameters), scenarios, means (points x
// metrics)}; each point's scenario group gets attribute sweep_index (its row).
#pragma once
#include <vector>

#include "models/run.hpp"
#include "sim/hdf5_file.hpp"

namespace analysis {

// Partial rank correlation of y with each column of x (x: rows = points).
// NaN where undefined (fewer than columns + 2 points, or a constant column).
std::vector<double> prcc(const std::vector<std::vector<double>>& x, const std::vector<double>& y);

// Two-sided p-value of the null hypothesis "no partial rank correlation" for
// a PRCC r over n points with k parameters (Marino et al. 2008, J Theor Biol
// 254:178): t = r sqrt((n - 2 - (k - 1)) / (1 - r^2)) follows Student's t
// with n - 2 - (k - 1) degrees of freedom, k - 1 being the parameters
// partialled out. NaN when r is NaN or there are no degrees of freedom left.
double prcc_p_value(double r, std::size_t n, std::size_t k);

// Writes /sensitivity when the experiment has a sweep; nothing otherwise.
void write_sensitivity(sim::h5::Writer& w, const models::Experiment& ex, const models::ExperimentResults& res);

}  // namespace analysis
