"""Global sensitivity of the results to the assumed parameters, computed at
report time from what the results file holds (nothing here is written back):

- Sobol' indices (first order S1 and total order ST) with OpenTURNS:
  * on a `[sweep] method = "sobol"` pick-freeze design (N x (d + 2) points,
    models/sweep.hpp), by Martinez' estimator with bootstrap intervals —
    exact in expectation whatever the model, at N (d + 2) simulations;
  * on any other Latin-hypercube sample (an `lhs` sweep, the `[uncertainty]`
    draws) through a polynomial-chaos surrogate (FunctionalChaosAlgorithm,
    sparse least squares), its indices read off the coefficients, with the
    surrogate's cross-validated Q² said beside them: no extra simulation,
    trustworthy only where Q² is high.
- Morris screening (elementary effects: mu*, mu, sigma) on a
  `method = "morris"` trajectory design. otmorris is not in Debian, so it is
  computed here: a trajectory's consecutive points differ in one parameter.
- Break-even: where a metric's difference from the baseline crosses zero
  along a swept parameter, with a bootstrap interval over replicates.

OpenTURNS is optional (Debian: python3-openturns): without it the Sobol
functions raise ImportError and the report says so.
"""
from dataclasses import dataclass, field
import math

import numpy as np
import pandas as pd

try:
    import openturns as ot
except ImportError:  # the report still has Morris, PRCC and break-even
    ot = None

# The outcomes whose sensitivity and break-even the report shows: summary
# field, what a planner reads (the difference from the baseline), its unit and
# the sign that turns the field's difference into a gain (baseline − option
# for costs in time: minutes saved).
GAINS = [
    ("gp_social_minutes_per_gp_week", "GP minutes saved per GP per week", "min per GP-week", -1),
    ("unmet_need_days", "unmet need-days averted (measured period)", "days", -1),
    ("needs_resolved", "extra needs resolved (measured period)", "needs", +1),
    ("cost_eur", "extra cost (measured period)", "EUR", +1),
]
# [uncertainty] differences (per option and draw): the decision's three columns.
DRAW_OUTCOMES = [("gp_hours_freed_per_year", "GP hours freed per year", "h"),
                 ("unmet_need_days_averted", "unmet need-days averted per year", "days"),
                 ("cost_eur_per_year", "extra cost per year", "EUR")]


def _need_ot():
    if ot is None:
        raise ImportError("Sobol' indices need OpenTURNS (Debian: apt-get install python3-openturns)")


def _seed(seed):
    _need_ot()
    ot.RandomGenerator.SetSeed(int(seed))


# --------------------------------------------------------------------- Sobol'

def sobol_pick_freeze(y, n, parameters, bootstrap=300, seed=1, estimator="martinez"):
    """Sobol' indices from a pick-freeze design's outputs `y` (length
    n x (d + 2), in OpenTURNS' SobolIndicesExperiment order: A, B, then A with
    column i from B for each i). One row per parameter: S1, ST and their 95 %
    bootstrap intervals (S1_low, S1_high, ST_low, ST_high)."""
    _seed(seed)
    d = len(parameters)
    y = np.asarray(y, dtype=float).reshape(-1, 1)
    if len(y) != n * (d + 2):
        raise ValueError(f"a pick-freeze design with N = {n} and {d} parameters has {n * (d + 2)} points, not {len(y)}")
    if not np.isfinite(y).all():
        raise ValueError("the design's outputs have undefined values")
    algo_class = {"martinez": ot.MartinezSensitivityAlgorithm, "saltelli": ot.SaltelliSensitivityAlgorithm,
                  "jansen": ot.JansenSensitivityAlgorithm}[estimator]
    # The estimators read only the outputs; the inputs just give the dimension.
    x = ot.Sample(len(y), d)
    algo = algo_class(x, ot.Sample(y), n)
    algo.setBootstrapSize(bootstrap)
    algo.setConfidenceLevel(0.95)
    s1, st = algo.getFirstOrderIndices(), algo.getTotalOrderIndices()
    i1, it = algo.getFirstOrderIndicesInterval(), algo.getTotalOrderIndicesInterval()
    return pd.DataFrame({"parameter": list(parameters), "S1": list(s1), "S1_low": list(i1.getLowerBound()),
                         "S1_high": list(i1.getUpperBound()), "ST": list(st), "ST_low": list(it.getLowerBound()),
                         "ST_high": list(it.getUpperBound())})


def _chaos(x, y, lower, upper, degree):
    """A polynomial chaos of total degree <= `degree` (Legendre, the inputs
    uniform), its terms chosen by LARS and fitted by least squares."""
    d = x.shape[1]
    dist = ot.ComposedDistribution([ot.Uniform(float(a), float(b)) for a, b in zip(lower, upper)])
    basis = ot.OrthogonalProductPolynomialFactory([ot.LegendreFactory()] * d)
    size = basis.getEnumerateFunction().getStrataCumulatedCardinal(degree)
    selection = ot.LeastSquaresMetaModelSelectionFactory(ot.LARS(), ot.CorrectedLeaveOneOut())
    algo = ot.FunctionalChaosAlgorithm(ot.Sample(x), ot.Sample(y.reshape(-1, 1)), dist,
                                       ot.FixedStrategy(basis, size), ot.LeastSquaresStrategy(selection))
    algo.run()
    return algo.getResult()


def _cv_predictions(x, y, lower, upper, degree, folds, seed):
    order = np.random.default_rng(seed).permutation(len(y))
    pred = np.empty_like(y)
    for f in range(folds):
        test = order[f::folds]
        train = np.setdiff1d(order, test)
        meta = _chaos(x[train], y[train], lower, upper, degree).getMetaModel()
        pred[test] = np.asarray(meta(ot.Sample(x[test]))).reshape(-1)
    return pred


def _q2(y, pred):
    return 1.0 - float(np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))


@dataclass
class ChaosIndices:
    table: pd.DataFrame   # parameter, S1, ST
    q2: float             # cross-validated share of variance the surrogate predicts (1: all)
    points: int
    degree: int = 0       # the chaos' total degree (chosen by cross-validation)


def sobol_chaos(x, y, lower, upper, parameters, folds=5, seed=1):
    """Sobol' indices of a polynomial-chaos surrogate fitted on points `x`
    (rows, each parameter uniform on [lower, upper]) and outputs `y`, with its
    `folds`-fold cross-validated Q² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)². Points with
    an undefined output are left out."""
    _seed(seed)
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).reshape(-1)
    keep = np.isfinite(y) & np.isfinite(x).all(axis=1)
    x, y = x[keep], y[keep]
    d = len(parameters)
    if len(y) < d + 3 or np.ptp(y) == 0:
        nan = [math.nan] * d
        return ChaosIndices(pd.DataFrame({"parameter": list(parameters), "S1": nan, "ST": nan}), math.nan, len(y))
    # The degree (1 to 10, at most as many terms as points) with the best
    # cross-validated Q²: a high degree on few noisy points would overfit.
    best = (-math.inf, 1)
    for degree in range(1, 11):
        terms = math.comb(d + degree, degree)
        if terms > len(y) and degree > 1:
            break
        q2 = _q2(y, _cv_predictions(x, y, lower, upper, degree, folds, seed))
        if q2 > best[0]:
            best = (q2, degree)
        elif degree - best[1] >= 2:
            break  # two degrees without gain: higher ones only overfit more
    result = _chaos(x, y, lower, upper, best[1])
    s = ot.FunctionalChaosSobolIndices(result)
    table = pd.DataFrame({"parameter": list(parameters), "S1": [s.getSobolIndex(i) for i in range(d)],
                          "ST": [s.getSobolTotalIndex(i) for i in range(d)]})
    return ChaosIndices(table, best[0], len(y), best[1])


# ----------------------------------------------------------------------- PRCC

def prcc(x, y):
    """Partial rank correlation of y with each column of x and its two-sided
    p-value (t on n − 2 − (k − 1) degrees of freedom, Marino et al. 2008), as
    analysis/src/sensitivity.cpp computes them for sweeps. (r, p) arrays."""
    from scipy.stats import rankdata, t as student
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float).reshape(-1)
    keep = np.isfinite(y) & np.isfinite(x).all(axis=1)
    x, y = x[keep], y[keep]
    n, k = x.shape
    r, p = np.full(k, np.nan), np.full(k, np.nan)
    if n < k + 2:
        return r, p
    rx = np.column_stack([rankdata(x[:, j]) for j in range(k)])
    ry = rankdata(y)
    for j in range(k):
        z = np.column_stack([np.ones(n), np.delete(rx, j, axis=1)])
        ex = rx[:, j] - z @ np.linalg.lstsq(z, rx[:, j], rcond=None)[0]
        ey = ry - z @ np.linalg.lstsq(z, ry, rcond=None)[0]
        sxx, syy = ex @ ex, ey @ ey
        if sxx > 1e-12 * n ** 3 and syy > 1e-12 * n ** 3:
            r[j] = ex @ ey / math.sqrt(sxx * syy)
            df = n - 2 - (k - 1)
            if df >= 1:
                tt = abs(r[j]) * math.sqrt(df / max(1e-300, 1 - r[j] ** 2))
                p[j] = 2 * student.sf(tt, df)
    return r, p


def uncertainty_prcc(res):
    """PRCC (and p) of each option's paired differences with each drawn
    parameter: {option: {outcome: DataFrame(parameter, prcc, p_value)}}."""
    if not res.has_uncertainty:
        return {}
    outcomes = {m for m, *_ in DRAW_OUTCOMES}
    params = [c for c in res.uncertainty.columns if c not in outcomes and c not in ("option", "draw")]
    out = {}
    for option, d in res.uncertainty.groupby("option", sort=False):
        if option == res.baseline:
            continue
        out[option] = {}
        for m, *_ in DRAW_OUTCOMES:
            if m in d:
                r, p = prcc(d[params].to_numpy(float), d[m].to_numpy(float))
                out[option][m] = pd.DataFrame({"parameter": params, "prcc": r, "p_value": p})
    return out


# --------------------------------------------------------------------- Morris

def morris(points, y, lower, upper, parameters, trajectories):
    """Elementary effects of trajectories of d + 1 points (rows of `points`,
    trajectory by trajectory). An effect is the change in y over the change in
    the parameter as a share of its range: its unit is y's unit per full
    range. One row per parameter: mu_star (mean |effect|), mu (mean effect),
    sigma (standard deviation: interactions or non-linearity), n (effects)."""
    p = np.asarray(points, dtype=float)
    y = np.asarray(y, dtype=float).reshape(-1)
    d = len(parameters)
    span = np.asarray(upper, dtype=float) - np.asarray(lower, dtype=float)
    if len(p) != trajectories * (d + 1):
        raise ValueError(f"{trajectories} trajectories of {d + 1} points are {trajectories * (d + 1)} points, not {len(p)}")
    effects = [[] for _ in range(d)]
    for t in range(trajectories):
        for s in range(d):
            a, b = t * (d + 1) + s, t * (d + 1) + s + 1
            step = (p[b] - p[a]) / span
            j = int(np.argmax(np.abs(step)))
            if step[j] != 0 and np.isfinite(y[a]) and np.isfinite(y[b]):
                effects[j].append((y[b] - y[a]) / step[j])
    rows = []
    for name, e in zip(parameters, effects):
        e = np.asarray(e)
        rows.append({"parameter": name, "mu_star": float(np.abs(e).mean()) if e.size else math.nan,
                     "mu": float(e.mean()) if e.size else math.nan,
                     "sigma": float(e.std(ddof=1)) if e.size > 1 else math.nan, "n": int(e.size)})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------- break-even

def crossings(x, y):
    """Where the piecewise-linear curve through (x, y), sorted by x, crosses
    zero (linear interpolation; a point exactly at zero counts once)."""
    order = np.argsort(x, kind="stable")
    x, y = np.asarray(x, dtype=float)[order], np.asarray(y, dtype=float)[order]
    out = []
    for i in range(len(x) - 1):
        a, b = y[i], y[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0 and (i == 0 or y[i - 1] != 0):
            out.append(float(x[i]))
        elif a * b < 0:
            out.append(float(x[i] - a * (x[i + 1] - x[i]) / (b - a)))
    if len(y) and y[-1] == 0 and (len(y) < 2 or y[-2] != 0):
        out.append(float(x[-1]))
    return out


@dataclass
class BreakEven:
    parameter: str
    metric: str
    value: float = math.nan            # the crossing of the mean curve; NaN: none in the swept range
    low: float = math.nan              # 95 % bootstrap interval over replicates
    high: float = math.nan
    share_crossing: float = math.nan   # share of bootstrap resamples that cross at all
    several: bool = False              # the mean curve crosses more than once (the first is given)
    sign_below: float = math.nan       # the gain's sign below the break-even (+1: a gain below)
    sign_all: float = math.nan         # without a break-even: +1 a gain throughout, -1 a loss, 0 none
    method: str = ""                   # "interpolation" (one parameter) or "linear model" (several)
    lo: float = math.nan               # the swept range
    hi: float = math.nan


def _fit_crossing(x, gains, j, centre):
    """Crossing along parameter j of the gain curve: a 1-D sweep's
    interpolated means, or with several parameters a linear model's line with
    the others at `centre`. Returns (first crossing or NaN, all crossings)."""
    if x.shape[1] == 1:
        c = crossings(x[:, 0], gains)
        return (c[0] if c else math.nan), c
    ok = np.isfinite(gains)
    design = np.column_stack([np.ones(ok.sum()), x[ok]])
    beta, *_ = np.linalg.lstsq(design, gains[ok], rcond=None)
    if beta[1 + j] == 0:
        return math.nan, []
    rest = beta[0] + sum(beta[1 + k] * centre[k] for k in range(x.shape[1]) if k != j)
    v = -rest / beta[1 + j]
    return v, [v]


def break_even(x, gains_by_replicate, j, parameter, metric, lo, hi, bootstrap=1000, seed=1):
    """Break-even of a gain along parameter j of the sweep points `x`
    (points x parameters). `gains_by_replicate`: points x replicates, each the
    paired gain of the point over the baseline (same replicate seed). The
    interval resamples replicates (the same ones at every point: common
    random numbers) and keeps resamples that cross inside [lo, hi]."""
    x = np.asarray(x, dtype=float)
    g = np.asarray(gains_by_replicate, dtype=float)
    centre = (np.asarray([np.nanmin(x[:, k]) for k in range(x.shape[1])]) +
              np.asarray([np.nanmax(x[:, k]) for k in range(x.shape[1])])) / 2
    out = BreakEven(parameter, metric, method="interpolation" if x.shape[1] == 1 else "linear model", lo=lo, hi=hi)
    mean = np.nanmean(g, axis=1)
    v, allc = _fit_crossing(x, mean, j, centre)
    inside = [c for c in allc if lo <= c <= hi]
    out.several = len(inside) > 1
    if inside:
        out.value = inside[0]
        below = mean[x[:, j] < out.value]
        if x.shape[1] == 1 and below.size:
            out.sign_below = float(np.sign(below[np.isfinite(below)][-1])) if np.isfinite(below).any() else math.nan
        elif x.shape[1] > 1:
            ok = np.isfinite(mean)
            slope = np.polyfit(x[ok, j], mean[ok], 1)[0] if ok.sum() > 1 else 0
            out.sign_below = float(-np.sign(slope))
    else:
        # No crossing in the range: the curve (or fitted line) keeps one sign there.
        if x.shape[1] == 1:
            fin = mean[np.isfinite(mean)]
            ends = fin if fin.size else np.array([])
        else:
            ok = np.isfinite(mean)
            beta = np.linalg.lstsq(np.column_stack([np.ones(ok.sum()), x[ok]]), mean[ok], rcond=None)[0]
            at = [beta[0] + sum(beta[1 + k] * (v if k == j else centre[k]) for k in range(x.shape[1]))
                  for v in (lo, hi)]
            ends = np.asarray(at)
        if ends.size:
            out.sign_all = 1.0 if (ends > 0).all() else -1.0 if (ends < 0).all() else 0.0
    rng = np.random.default_rng(seed)
    reps = g.shape[1]
    found = []
    for _ in range(bootstrap if reps > 1 else 0):
        pick = rng.integers(0, reps, reps)
        c, _ = _fit_crossing(x, np.nanmean(g[:, pick], axis=1), j, centre)
        found.append(c if np.isfinite(c) and lo <= c <= hi else math.nan)
    if found:
        f = np.asarray(found)
        out.share_crossing = float(np.isfinite(f).mean())
        if np.isfinite(f).sum() >= 20:
            out.low, out.high = (float(v) for v in np.nanpercentile(f, [2.5, 97.5]))
    return out


def break_even_text(b, unit=""):
    """One sentence for the report and the tool's text output."""
    u = f" {unit}" if unit else ""
    if not math.isfinite(b.value):
        what = {1.0: ": a gain throughout", -1.0: ": a loss throughout", 0.0: ": no change"}.get(b.sign_all, "")
        return (f"{b.metric}: no break-even in the swept range of {b.parameter} "
                f"({b.lo:.4g} to {b.hi:.4g}{u}){what}.")
    s = f"{b.metric} cross zero at {b.parameter} = {b.value:.3g}{u}"
    if math.isfinite(b.low):
        s += f" (95 % interval over replicates {b.low:.3g} to {b.high:.3g}"
        if b.share_crossing < 0.999:
            s += f"; {100 * b.share_crossing:.0f} % of resamples cross in the range"
        s += ")"
    elif math.isfinite(b.share_crossing):
        s += f" (only {100 * b.share_crossing:.0f} % of replicate resamples cross in the range: no interval)"
    if math.isfinite(b.sign_below) and b.sign_below != 0:
        s += "; a gain " + ("below" if b.sign_below > 0 else "above") + " it"
    if b.several:
        s += "; the curve crosses zero more than once (the lowest crossing is given)"
    if b.method == "linear model":
        s += "; from a linear fit over all points, the other parameters at the middle of their ranges"
    return s + "."


# ------------------------------------------------------------ from a results

def sweep_frame(res):
    """Per sweep point and replicate: the parameters and each GAINS metric's
    paired gain over the baseline (same replicate). Columns: scenario,
    replicate, <parameters>, <metric>... Empty without a sweep."""
    pts = res.sweep_points
    if pts is None or not len(pts) or res.summary.empty:
        return pd.DataFrame()
    fields = [m for m, *_ in GAINS if m in res.summary]
    base = res.summary[res.summary["scenario"] == res.baseline].set_index("replicate")[fields]
    s = res.summary[res.summary["scenario"].isin(set(pts["scenario"]))][["scenario", "replicate"] + fields]
    s = s.merge(pts, on="scenario")
    for m, _, _, sign in GAINS:
        if m in fields:
            s[m] = sign * (s[m].to_numpy(float) - base[m].reindex(s["replicate"]).to_numpy(float))
    return s


@dataclass
class SweepAnalysis:
    method: str
    parameters: list
    lower: list
    upper: list
    units: dict                                   # parameter -> unit ("" unknown)
    frame: pd.DataFrame                           # sweep_frame
    means: pd.DataFrame                           # point (design order) x gain means, with parameters
    sobol: dict = field(default_factory=dict)     # metric -> DataFrame: pick-freeze (Martinez, bootstrap)
    chaos: dict = field(default_factory=dict)     # metric -> DataFrame: polynomial-chaos surrogate
    q2: dict = field(default_factory=dict)        # metric -> the surrogate's cross-validated Q²
    morris: dict = field(default_factory=dict)    # metric -> DataFrame
    break_even: list = field(default_factory=list)
    note: str = ""                                # why something is missing


def _design_attrs(path):
    """The design's range and sizes from /sensitivity (older files lack them)."""
    import h5py
    out = {}
    try:
        with h5py.File(path, "r") as f:
            s = f.get("sensitivity")
            if s is None:
                return out
            for k in ("base_samples", "trajectories", "levels"):
                if k in s.attrs:
                    out[k] = int(s.attrs[k])
            for k in ("lower", "upper"):
                if k in s:
                    out[k] = np.asarray(s[k][()], dtype=float).reshape(-1)
    except OSError:
        pass
    return out


def parameter_units(res, names):
    units = {}
    p = res.parameters
    for n in names:
        u = ""
        if len(p):
            hit = p[p["name"] == n]
            if len(hit):
                u = str(hit["unit"].iloc[0])
        units[n] = u
    return units


def analyse_sweep(res, bootstrap=300):
    """Everything the sweep pages show; None without a sweep."""
    if res.sensitivity.empty or not len(res.sweep_points):
        return None
    pts = res.sweep_points
    params = [c for c in pts.columns if c != "scenario"]
    attrs = _design_attrs(res.path)
    lower = list(attrs.get("lower", pts[params].min().to_numpy(float)))
    upper = list(attrs.get("upper", pts[params].max().to_numpy(float)))
    frame = sweep_frame(res)
    if frame.empty:
        return None
    gains = [m for m, *_ in GAINS if m in frame]
    means = frame.groupby("scenario", sort=False)[gains].mean().reindex(pts["scenario"])
    means = pd.concat([pts.set_index("scenario")[params], means], axis=1).reset_index()
    out = SweepAnalysis(res.attrs.get("sweep_method", ""), params, lower, upper, parameter_units(res, params),
                        frame, means)
    x = means[params].to_numpy(float)
    try:
        # Any sample that fills the ranges (lhs, or the pick-freeze design's
        # own points): the surrogate's indices, with its Q².
        if out.method in ("lhs", "sobol") and len(x) >= len(params) + 3:
            for m in gains:
                c = sobol_chaos(x, means[m].to_numpy(float), lower, upper, params)
                if math.isfinite(c.q2):
                    out.chaos[m], out.q2[m] = c.table, c.q2
        # The pick-freeze estimator: unbiased whatever the response, noisy at small N.
        if out.method == "sobol" and "base_samples" in attrs:
            for m in gains:
                y = means[m].to_numpy(float)
                if np.isfinite(y).all() and np.ptp(y) > 0:
                    out.sobol[m] = sobol_pick_freeze(y, attrs["base_samples"], params, bootstrap=bootstrap)
    except ImportError as e:
        out.note = str(e)
    if out.method == "morris" and "trajectories" in attrs:
        for m in gains:
            out.morris[m] = morris(x, means[m].to_numpy(float), lower, upper, params, attrs["trajectories"])
    # Break-even: the time and need gains, along each parameter.
    reps = sorted(set(frame["replicate"]))
    for m, label, unit, _ in GAINS[:2]:
        if m not in frame:
            continue
        g = frame.pivot(index="scenario", columns="replicate", values=m).reindex(means["scenario"])[reps]
        for j, p in enumerate(params):
            b = break_even(x, g.to_numpy(float), j, p, label, lower[j], upper[j], bootstrap=bootstrap)
            out.break_even.append((b, out.units.get(p, ""), m))
    return out


class CorrelatedInputs(ValueError):
    """The draws' inputs are not independent: variance-based indices do not apply."""


def analyse_uncertainty(res, seed=1):
    """Sobol' indices (polynomial chaos) of each option's paired differences
    over the [uncertainty] draws: {option: {outcome: ChaosIndices}}. Empty
    without draws; raises ImportError without OpenTURNS."""
    if not res.has_uncertainty:
        return {}
    _need_ot()
    import h5py
    outcomes = {m for m, *_ in DRAW_OUTCOMES}
    params = [c for c in res.uncertainty.columns if c not in outcomes and c not in ("option", "draw")]
    # The prior ranges and scales from the file; without it (a frame built in
    # memory), the draws' own extent on a linear scale.
    ranges = np.column_stack([res.uncertainty[params].min().to_numpy(float),
                              res.uncertainty[params].max().to_numpy(float)])
    transforms = ["linear"] * len(params)
    try:
        with h5py.File(res.path, "r") as f:
            u = f["uncertainty"]
            names = [x.decode() if isinstance(x, bytes) else str(x) for x in u["parameters"][()]]
            if names == params:
                ranges = np.asarray(u["ranges"][()], dtype=float).reshape(len(params), 2)
                transforms = [x.decode() if isinstance(x, bytes) else str(x) for x in u["transforms"][()]]
    except (OSError, KeyError):
        pass
    if "calibrated" in transforms:
        # Drawn as whole accepted sets of a calibration: a correlated
        # posterior, while Sobol' indices (and the chaos basis) assume
        # independent inputs; the report falls back to the rank correlations.
        raise CorrelatedInputs("Sobol' indices are not computed over draws that include a calibration's accepted "
                               "sets (correlated inputs, not independent ones); the partial rank correlations stand in")
    logs = np.array([t == "log" for t in transforms])
    lower = np.where(logs, np.log(np.maximum(ranges[:, 0], 1e-300)), ranges[:, 0])
    upper = np.where(logs, np.log(np.maximum(ranges[:, 1], 1e-300)), ranges[:, 1])
    out = {}
    for option, d in res.uncertainty.groupby("option", sort=False):
        if option == res.baseline:
            continue
        x = d[params].to_numpy(float)
        x[:, logs] = np.log(np.maximum(x[:, logs], 1e-300))  # drawn uniformly on that scale
        out[option] = {m: sobol_chaos(x, d[m].to_numpy(float), lower, upper, params, seed=seed)
                       for m, *_ in DRAW_OUTCOMES if m in d}
    return out
