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
import pandas as pd

from . import decision
from .stats import mean_ci


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


# ---- Discounting, time valued in euros, net monetary benefit ----------------
# The assumptions come from the experiment's [economics] table, written into
# the results file as root attributes "economics.<key>" (value) and
# "economics.<key>.source" (models/economics.cpp: defaults and sources;
# experiments/README.md). A file without them (written before they existed)
# gets no net or discounted figures: the page says so rather than guess.

ECONOMIC_KEYS = ("discount_rate", "gp_hour_value_eur", "worker_hour_value_eur", "wtp_per_gp_hour_eur",
                 "wtp_per_need_day_eur", "horizon_years")


def parameters(res):
    """{key: (value, source)} of the file's economic assumptions; {} when the
    file has none."""
    a = res.attrs
    if not all(f"economics.{k}" in a for k in ECONOMIC_KEYS):
        return {}
    return {k: (float(a[f"economics.{k}"]), str(a.get(f"economics.{k}.source", ""))) for k in ECONOMIC_KEYS}


def discounted_years(rate, years):
    """Sum over years t = 0, 1, … of the share of year t inside the horizon
    times (1 + rate)^-t (the first year undiscounted, HAS; a part year pro
    rata): a constant flow X per year is worth X times this over the horizon.
    As analysis/src/decision_table.cpp."""
    total, t = 0.0, 0
    while t < years:
        total += min(1.0, years - t) * (1.0 + rate) ** -t
        t += 1
    return total


def horizon_years(res, econ):
    """The appraisal horizon: [economics] horizon_years, or the measured period."""
    h = econ["horizon_years"][0]
    return h if h > 0 else decision.measured_weeks(res) / 52.0


# Per-year paired differences, sign chosen so that positive is good for the
# effects: (summary field, factor per year given (per_year, gps)).
_FIELDS = {"cost": ("cost_eur", lambda py, g: py),
           "hours": ("gp_social_minutes_per_gp_week", lambda py, g: -g * 52.0 / 60.0),
           "days": ("unmet_need_days", lambda py, g: -py),
           "worker": ("worker_minutes", lambda py, g: -py / 60.0)}


def _paired_frame(summary, scen_of, base_of):
    """Paired differences per (unit, replicate): scen_of/base_of map a
    scenario name to a unit key (the option's draw or None) on each side."""
    fields = [f for f, _ in _FIELDS.values() if f in summary]
    s = summary[summary["scenario"].isin(scen_of)].assign(unit=lambda d: d["scenario"].map(scen_of))
    b = summary[summary["scenario"].isin(base_of)].assign(unit=lambda d: d["scenario"].map(base_of))
    m = s.merge(b, on=["unit", "replicate"], suffixes=("", "_base"))
    out = pd.DataFrame({"unit": m["unit"]})
    for f in fields:
        out[f] = m[f].to_numpy(dtype=float) - m[f + "_base"].to_numpy(dtype=float)
    return out


def samples(res):
    """{option: {cost, hours, days, worker}: arrays}, one value per paired
    replicate (Monte-Carlo) or, with an uncertainty analysis, per parameter
    draw: cost, hours and days from /uncertainty (as decision.py), social-worker
    hours from the draws' scenarios (the mean over the draw's replicates of
    the paired difference from the baseline's same draw). Per year, whole
    territory; a missing field (worker_minutes in old files) gives zeros."""
    weeks = decision.measured_weeks(res)
    gps = float(res.attrs.get("gps") or math.nan)
    if not weeks > 0:
        return {}
    per_year = 52.0 / weeks
    draws = getattr(res, "draw_scenarios", [])
    psa = getattr(res, "has_uncertainty", False)
    out = {}
    for sc in res.main_scenarios:
        if sc == res.baseline:
            continue
        if psa:
            u = res.uncertainty[res.uncertainty["option"] == sc].sort_values("draw").set_index("draw")
            vals = {"cost": u["cost_eur_per_year"], "hours": u["gp_hours_freed_per_year"],
                    "days": u["unmet_need_days_averted"]}
            mine = {d: int(d.rsplit("@d", 1)[1]) for d in draws if d.rsplit("@d", 1)[0] == sc}
            base = {f"{res.baseline}@d{k}": k for k in mine.values()}
            w = _paired_frame(res.summary, mine, base).groupby("unit").mean(numeric_only=True) if mine else None
            f, k = _FIELDS["worker"]
            vals["worker"] = (w[f].reindex(u.index) * k(per_year, gps) if w is not None and f in w
                              else pd.Series(0.0, index=u.index))
            frame = pd.DataFrame(vals).dropna()
            vals = {c: frame[c].to_numpy(dtype=float) for c in frame}
        else:
            diff = _paired_frame(res.summary, {sc: 0}, {res.baseline: 0}).dropna()
            vals = {key: (diff[f].to_numpy(dtype=float) if f in diff else np.zeros(len(diff))) * k(per_year, gps)
                    for key, (f, k) in _FIELDS.items()}
        if len(vals["cost"]) >= 2:
            out[sc] = vals
    return out


def _interval(v, psa):
    """Mean and 95 % interval: Student t of the mean over replicates, or the
    2.5th-97.5th percentiles over parameter draws (as decision.py)."""
    if psa:
        lo, hi = np.percentile(v, [2.5, 97.5])
        return float(v.mean()), float(lo), float(hi)
    m, lo, hi, _ = mean_ci(v)
    return m, lo, hi


NET_METRICS = [("cost_eur_per_year", "extra cost per year (EUR)"),
               ("net_cost_eur_per_year", "net cost per year (EUR)"),
               ("time_value_eur_per_year", "value of GP and social-worker time freed per year (EUR)"),
               ("nmb_eur_per_year", "net monetary benefit per year (EUR)"),
               ("cost_eur_horizon", "cost over the horizon (EUR, discounted)"),
               ("net_cost_eur_horizon", "net cost over the horizon (EUR, discounted)"),
               ("nmb_eur_horizon", "NMB over the horizon (EUR, discounted)")]
# In the report's table: the decision table above already has the extra cost.
NET_SHOWN = ["net_cost_eur_per_year", "nmb_eur_per_year", "cost_eur_horizon", "net_cost_eur_horizon",
             "nmb_eur_horizon"]


def net_table(res):
    """The health-economic table: one row per option and metric (NET_METRICS)
    with mean, ci_low, ci_high (the same names as the comparisons frame and
    `compare --json`). Net cost = cost − gp_hour_value × GP hours freed −
    worker_hour_value × social-worker hours freed; NMB = wtp_per_gp_hour × GP
    hours freed + wtp_per_need_day × need-days averted − cost (the
    baseline's is 0); horizon figures are the per-year ones times
    discounted_years (costs and effects discounted alike, HAS). Empty
    without economic parameters in the file."""
    econ = parameters(res)
    cols = ["option", "metric", "mean", "ci_low", "ci_high"]
    if not econ:
        return pd.DataFrame(columns=cols)
    v = {k: val for k, (val, _) in econ.items()}
    factor = discounted_years(v["discount_rate"], horizon_years(res, econ))
    psa = getattr(res, "has_uncertainty", False)
    rows = []
    for sc, x in samples(res).items():
        time_value = v["gp_hour_value_eur"] * x["hours"] + v["worker_hour_value_eur"] * x["worker"]
        per_year = {"cost_eur_per_year": x["cost"], "net_cost_eur_per_year": x["cost"] - time_value,
                    "time_value_eur_per_year": time_value,
                    "nmb_eur_per_year": v["wtp_per_gp_hour_eur"] * x["hours"] +
                    v["wtp_per_need_day_eur"] * x["days"] - x["cost"]}
        for m, a in per_year.items():
            rows.append([sc, m, *_interval(a, psa)])
        for m in ("cost_eur", "net_cost_eur", "nmb_eur"):
            mean, lo, hi = _interval(per_year[m + "_per_year"], psa)
            rows.append([sc, m + "_horizon", mean * factor, lo * factor, hi * factor])
    return pd.DataFrame(rows, columns=cols)


BOOTSTRAP_RESAMPLES = 2000  # as decision.bootstrap_ratio
BOOTSTRAP_SEED = 20261203


def bootstrap_means(per_option, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """Monte-Carlo replicates are noise around each option's expected value,
    not draws of it: the probability that an option is best in expectation is
    read over bootstrap resamples of the mean (the same resampled replicates
    for every option, keeping them paired). per_option: {option: tuple or dict
    of equal-length arrays}; returns the same shape with arrays of resampled
    means (length `resamples`)."""
    if not per_option:
        return {}
    n = min(len(a) for v in per_option.values() for a in (v.values() if isinstance(v, dict) else v))
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))

    def means(a):
        return np.asarray(a, dtype=float)[:n][idx].mean(axis=1)
    return {k: ({key: means(a) for key, a in v.items()} if isinstance(v, dict) else tuple(means(a) for a in v))
            for k, v in per_option.items()}


def ceac_pairs(res):
    """(pairs, wtp_per_gp_hour) for the acceptability curve: {option: (net
    cost, need-days averted)} per replicate or draw, the net cost being the
    extra cost minus the GP hours freed at the experiment's willingness to pay
    per GP hour, so that at each willingness to pay per need-day λ the curve
    reads NMB = λ × days + wtp_per_gp_hour × hours − cost, the decision
    table's NMB. Without economic parameters (older files): the extra cost
    alone (GP hours valued at 0), as paired_costs_effects."""
    econ = parameters(res)
    if not econ:
        return paired_costs_effects(res), 0.0
    per_hour = econ["wtp_per_gp_hour_eur"][0]
    return {name: (x["cost"] - per_hour * x["hours"], x["days"]) for name, x in samples(res).items()}, per_hour


def prob_best(res):
    """(P(best) per option, the willingness to pay it is read at): for each
    parameter draw (or, Monte-Carlo only, each bootstrap resample of the
    paired replicates' mean: bootstrap_means), the option with the highest net
    monetary benefit NMB = wtp_per_gp_hour × GP hours freed + wtp_per_need_day
    × need-days averted − extra cost, the baseline's being 0 (ties go to the
    baseline, then file order); P(best) is the share of draws or resamples
    an option wins, the baseline under the key None. The same NMB as
    net_table, at the experiment's stated willingness to pay. ({}, None)
    without economic parameters or paired samples."""
    econ = parameters(res)
    xs = samples(res)
    if not econ or not xs:
        return {}, None
    if not getattr(res, "has_uncertainty", False):
        xs = bootstrap_means(xs)  # P(best in expectation) given the Monte-Carlo noise
    v = {k: val for k, (val, _) in econ.items()}
    n = min(len(x["cost"]) for x in xs.values())
    names = list(xs)
    nmb = np.zeros((len(names) + 1, n))
    for j, name in enumerate(names, start=1):
        x = xs[name]
        nmb[j] = (v["wtp_per_gp_hour_eur"] * x["hours"][:n] + v["wtp_per_need_day_eur"] * x["days"][:n]
                  - x["cost"][:n])
    best = nmb.argmax(axis=0)
    out = {None: float((best == 0).mean())}
    out.update({name: float((best == j).mean()) for j, name in enumerate(names, start=1)})
    return out, (v["wtp_per_gp_hour_eur"], v["wtp_per_need_day_eur"])


def best_by_nmb(table):
    """The option with the highest expected NMB per year, or None (the
    baseline) when no option's is above 0."""
    t = table[table["metric"] == "nmb_eur_per_year"]
    if t.empty or not (t["mean"] > 0).any():
        return None
    return t.loc[t["mean"].idxmax(), "option"]


PARAMETER_LABELS = {"discount_rate": ("discount rate", "per year"),
                    "gp_hour_value_eur": ("value of a GP hour", "EUR/h"),
                    "worker_hour_value_eur": ("value of a social-worker hour", "EUR/h"),
                    "wtp_per_gp_hour_eur": ("willingness to pay per GP hour freed", "EUR/h"),
                    "wtp_per_need_day_eur": ("willingness to pay per need-day averted", "EUR/need-day"),
                    "horizon_years": ("appraisal horizon (0: the measured period)", "years")}


def net_context(res, colours):
    """The report's net-cost and NMB table (under the decision table): cells
    as report.cell; None without economic parameters in the file."""
    from .report import cell, fmt  # one number format for the page
    tab = net_table(res)
    econ = parameters(res)
    if tab.empty or not econ:
        return None
    shown, label = NET_SHOWN, dict(NET_METRICS)
    rows = []
    for sc in tab["option"].unique():
        t = tab[tab["option"] == sc].set_index("metric")
        cells = []
        for m in shown:
            r = t.loc[m]
            c = cell(r["mean"], r["ci_low"], r["ci_high"])
            if m.startswith("nmb") and r["ci_low"] > 0:
                c["cls"] += " good"
            elif m.startswith("nmb") and r["ci_high"] < 0:
                c["cls"] += " bad"
            cells.append(c)
        rows.append({"name": sc, "colour": colours.get(sc), "cells": cells})
    v = {k: val for k, (val, _) in econ.items()}
    years = horizon_years(res, econ)
    best = best_by_nmb(tab)
    params = [{"name": PARAMETER_LABELS[k][0], "cells": [
        {"text": fmt(100 * val) + " %" if k == "discount_rate" else fmt(val), "ci": None, "cls": "n"},
        {"text": PARAMETER_LABELS[k][1], "ci": None, "cls": "txt"}, {"text": src, "ci": None, "cls": "txt"}]}
        for k, (val, src) in econ.items()]
    return {"head": ["option"] + [label[m] for m in shown], "rows": rows,
            "best": best if best is not None else res.baseline, "best_is_baseline": best is None,
            "years": fmt(years), "rate": fmt(100 * v["discount_rate"]),
            "factor": fmt(discounted_years(v["discount_rate"], years)),
            "gp_value": fmt(v["gp_hour_value_eur"]), "worker_value": fmt(v["worker_hour_value_eur"]),
            "wtp_hour": fmt(v["wtp_per_gp_hour_eur"]), "wtp_day": fmt(v["wtp_per_need_day_eur"]),
            "params": {"head": ["assumption", "value", "unit", "source"], "rows": params}}
