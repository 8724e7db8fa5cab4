#include "sim/stats.hpp"

#include <cmath>

namespace sim {

double t_quantile_975(std::size_t df) {
  static const double table[] = {0,      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306,
                                 2.262,  2.228,  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110,
                                 2.101,  2.093,  2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
                                 2.052,  2.048,  2.045, 2.042};
  if (df == 0) return std::nan("");
  if (df <= 30) return table[df];
  // Beyond 30: the normal quantile with the first Cornish-Fisher correction.
  const double z = 1.959963984540054;
  const double d = static_cast<double>(df);
  return z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
}

MeanCi mean_ci(const std::vector<double>& values) {
  MeanCi r;
  double sum = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      sum += v;
      ++r.n;
    }
  if (r.n == 0) {
    r.mean = r.half_width = r.sd = std::nan("");
    return r;
  }
  r.mean = sum / static_cast<double>(r.n);
  double ss = 0;
  for (double v : values)
    if (!std::isnan(v)) ss += (v - r.mean) * (v - r.mean);
  if (r.n < 2) {
    r.sd = r.half_width = std::nan("");
    return r;
  }
  r.sd = std::sqrt(ss / static_cast<double>(r.n - 1));
  r.half_width = t_quantile_975(r.n - 1) * r.sd / std::sqrt(static_cast<double>(r.n));
  return r;
}

}  // namespace sim
