// Small statistics for summaries: mean, standard deviation and the 95 %
// confidence interval of a mean (Student t).
#pragma once
#include <cstddef>
#include <vector>

namespace sim {

struct MeanCi {
  double mean = 0;
  double half_width = 0;  // 95 % CI is mean ± half_width (NaN with n < 2)
  double sd = 0;
  std::size_t n = 0;
};

// Two-sided 95 % quantile of Student's t with df degrees of freedom.
double t_quantile_975(std::size_t df);
// Ignores NaN values.
MeanCi mean_ci(const std::vector<double>& values);

}  // namespace sim
