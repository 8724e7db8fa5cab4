"""Means with 95 % confidence intervals (Student t), as the C++ side computes
them (sim/stats.cpp), so that the report and `passerelle info` agree."""
import math

import numpy as np

_T975 = [math.nan, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
         2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074,
         2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    """Two-sided 95 % quantile of Student's t (table to 30 df, then Cornish-Fisher)."""
    if df <= 0:
        return math.nan
    if df <= 30:
        return _T975[df]
    z = 1.959963984540054
    d = float(df)
    return z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d * d)


def mean_ci(values):
    """(mean, ci_low, ci_high, n) of the non-NaN values; the CI is NaN with n < 2."""
    v = np.asarray(values, dtype=float)
    v = v[~np.isnan(v)]
    n = v.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(v.mean())
    if n < 2:
        return m, math.nan, math.nan, 1
    hw = t975(n - 1) * float(v.std(ddof=1)) / math.sqrt(n)
    return m, m - hw, m + hw, n


def band(matrix, axis=0):
    """Mean and 2.5 / 97.5 percentiles across replicates (rows): where 95 % of
    single runs fall, the spread a planner sees from one year to the next."""
    a = np.asarray(matrix, dtype=float)
    return (np.nanmean(a, axis=axis), np.nanpercentile(a, 2.5, axis=axis),
            np.nanpercentile(a, 97.5, axis=axis))
