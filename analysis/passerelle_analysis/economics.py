"""Cost-effectiveness beyond the decision table: the cost-effectiveness plane
and the acceptability curve, the health economists' conventions (BCEA,
dampack), computed from the paired replicates of a results file.

For option i and replicate r (same seed as the baseline's replicate r:
common random numbers), dC = extra cost per year and dE = unmet need-days
averted per year, both against the baseline. At a willingness to pay W
(EUR per need-day averted) the net monetary benefit is NMB = W * dE - dC,
the baseline's being 0; the acceptability curve is, for each W, the share
of replicates in which each option (baseline included) has the highest NMB.

The spread is replicate-to-replicate (Monte-Carlo) only until an
uncertainty analysis supplies parameter draws: with /uncertainty in the file
the points are its draws instead (each the mean over the draw's replicates,
paired with the baseline's same draw), so the curve covers the parameters'
prior ranges too; the page says which.
"""
import math

import numpy as np

from . import decision


def uses_draws(res):
    """Whether paired_costs_effects gives parameter draws (not replicates)."""
    return bool(draw_costs_effects(res))


def draw_costs_effects(res):
    """{option: (dC per draw, dE per draw)} from /uncertainty; {} without it."""
    u = getattr(res, "uncertainty", None)
    if u is None or u.empty or not {"cost_eur_per_year", "unmet_need_days_averted"} <= set(u.columns):
        return {}
    out = {}
    for sc in res.main_scenarios:
        if sc == res.baseline:
            continue
        d = u[u["option"] == sc].sort_values("draw")
        dc = d["cost_eur_per_year"].to_numpy(dtype=float)
        de = d["unmet_need_days_averted"].to_numpy(dtype=float)
        ok = ~(np.isnan(dc) | np.isnan(de))
        if ok.sum() >= 2:
            out[sc] = (dc[ok], de[ok])
    return out


def paired_costs_effects(res):
    """{option: (dC per replicate, dE per replicate)} for every hand-written
    option but the baseline, on the replicates both share; per parameter draw
    instead when the file has an uncertainty analysis (draw_costs_effects)."""
    draws = draw_costs_effects(res)
    if draws:
        return draws
    weeks = decision.measured_weeks(res)
    if not weeks > 0:
        return {}
    per_year = 52.0 / weeks
    out = {}
    for sc in res.main_scenarios:
        if sc == res.baseline:
            continue
        dc = decision.paired_differences(res.summary, sc, res.baseline, "cost_eur") * per_year
        de = decision.paired_differences(res.summary, sc, res.baseline, "unmet_need_days") * -per_year
        ok = ~(np.isnan(dc) | np.isnan(de))
        if ok.sum() >= 2:
            out[sc] = (dc[ok], de[ok])
    return out


def acceptability(pairs, wtp):
    """P(best) per willingness to pay: {name: array over wtp}, the baseline
    under the key None. Replicates are those every option has (the shortest
    common prefix); ties go to the first in order (baseline first)."""
    if not pairs:
        return {}
    n = min(len(dc) for dc, _ in pairs.values())
    names = list(pairs)
    wtp = np.asarray(wtp, dtype=float)
    # nmb[k, option, r]; option 0 is the baseline (0 everywhere).
    nmb = np.zeros((wtp.size, len(names) + 1, n))
    for j, name in enumerate(names, start=1):
        dc, de = pairs[name]
        nmb[:, j, :] = wtp[:, None] * de[None, :n] - dc[None, :n]
    best = nmb.argmax(axis=1)  # first maximum: ties go to the baseline, then file order
    out = {None: (best == 0).mean(axis=1)}
    for j, name in enumerate(names, start=1):
        out[name] = (best == j).mean(axis=1)
    return out


def wtp_grid(pairs, points=41):
    """0 to a little beyond the largest mean cost per need-day averted (at
    least 100 EUR), rounded up to 1, 2 or 5 times a power of ten, so that
    every option's crossing is on the plot."""
    top = 100.0
    for dc, de in pairs.values():
        if de.mean() > 0 and dc.mean() > 0:
            top = max(top, 1.5 * dc.mean() / de.mean())
    k = 10.0 ** math.floor(math.log10(top))
    nice = next(m * k for m in (1, 2, 5, 10) if m * k >= top)  # 1-2-5 steps: readable axis ends
    return np.linspace(0.0, nice, points)
