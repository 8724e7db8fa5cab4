"""Means with 95 % confidence intervals (Student t), as the C++ side computes
them (sim/stats.cpp), so that the report and `passerelle info` agree."""
import math

import numpy as np
from scipy.stats import t as _t

def t975(df):
    """Two-sided 95 % quantile of Student's t (scipy; Boost.Math on the C++ side)."""
    if df <= 0:
        return math.nan
    return float(_t.ppf(0.975, df))


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
