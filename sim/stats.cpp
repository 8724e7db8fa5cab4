#include "sim/stats.hpp"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>

namespace sim {

double t_quantile_975(std::size_t df) {
  if (df == 0) return std::nan("");
  const boost::math::students_t t(static_cast<double>(df));
  return boost::math::quantile(boost::math::complement(t, 0.025));
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
