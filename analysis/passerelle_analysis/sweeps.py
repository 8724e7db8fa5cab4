"""The report's sensitivity pages (templates/sensitivity.html): what is
assumed (the parameters each option's result hinges on, with their default
and source), the sweep's metric-by-parameter panels and break-evens, PRCC
with significance marks, Sobol' indices and Morris screening. The numbers
come from sensitivity.py; this module only lays them out.

    python3 -m passerelle_analysis.sweeps OUT.h5     # prints the break-evens
"""
import math
import re
import sys

import numpy as np

from . import plots
from . import sensitivity as sa

PRCC_METRICS = ["gp_social_minutes_per_gp_week", "unmet_need_days", "needs_resolved", "unmet_share_90d"]
PRCC_LABEL = {"gp_social_minutes_per_gp_week": "GP time on social tasks (min per GP per week)",
              "unmet_need_days": "unmet need-days", "needs_resolved": "needs resolved",
              "unmet_share_90d": "share of needs unresolved after 90 days"}
ALPHA = 0.05  # the significance mark's level (Marino et al. 2008 use 0.05 and 0.01)


def _fmt(v, digits=2):
    if v is None or not np.isfinite(v):
        return "n/a"
    return f"{v:.{digits}f}".replace("-", "−")


def _num(v, scale=None):
    """4 significant digits; a value below 1e-9 of `scale` (rounding noise) is 0."""
    if v is None or not np.isfinite(v):
        return "n/a"
    if scale is not None and abs(v) <= 1e-9 * abs(scale):
        v = 0.0
    return f"{v:.4g}".replace("-", "−")


def _cell(text, cls="n", ci=None):
    return {"text": text, "ci": ci, "cls": cls}


def stars(p):
    """The significance mark of a p-value: ** below 0.01, * below 0.05."""
    if p is None or not np.isfinite(p):
        return ""
    return "**" if p < 0.01 else "*" if p < ALPHA else ""


def sweep_source(res):
    """The scenario the sweep points derive from (their description says it)."""
    for s in res.sweep_scenarios:
        m = re.match(r"Sweep point \d+ from '(.*)':", res.descriptions.get(s, ""))
        if m:
            return m.group(1)
    return res.baseline


def defaults(res, scenario, names):
    """{parameter: (value, unit, source)} in `scenario` (the results file's
    effective parameters; "" when the file does not have them)."""
    p = res.parameters
    out = {}
    for n in names:
        hit = p[(p["scenario"] == scenario) & (p["name"] == n)] if len(p) else p
        out[n] = (str(hit["value"].iloc[0]), str(hit["unit"].iloc[0]), str(hit["source"].iloc[0])) if len(hit) \
            else ("", "", "")
    return out


def prcc_table(res):
    params = list(dict.fromkeys(res.sensitivity["parameter"]))
    metrics = [m for m in PRCC_METRICS if m in set(res.sensitivity["metric"])]
    has_p = "p_value" in res.sensitivity
    rows = []
    for m in metrics:
        d = res.sensitivity[res.sensitivity["metric"] == m].set_index("parameter")
        cells = []
        for p in params:
            r = float(d["prcc"].get(p, np.nan))
            pv = float(d["p_value"].get(p, np.nan)) if has_p else np.nan
            ptext = None if not np.isfinite(pv) else "p < 0.0001" if pv < 1e-4 else f"p = {pv:.2g}"
            cells.append(_cell(_fmt(r) + stars(pv), ci=ptext))
        rows.append({"name": PRCC_LABEL.get(m, m), "cells": cells})
    return {"head": ["metric"] + params, "rows": rows}, metrics, has_p


def sobol_table(tables, params, q2=None, intervals=False):
    """Rows: outcomes; columns: each parameter's total (first-order) index."""
    rows = []
    for label, t in tables:
        t = t.set_index("parameter")
        cells = []
        for p in params:
            s1, st = float(t["S1"].get(p, np.nan)), float(t["ST"].get(p, np.nan))
            ci = f"first order {_fmt(s1)}"
            if intervals:
                ci += f"; ST [{_fmt(t['ST_low'][p])}, {_fmt(t['ST_high'][p])}]"
            cells.append(_cell(_fmt(st), ci=ci))
        if q2 is not None:
            qv = q2.get(label, math.nan)
            cells.append(_cell(_fmt(qv), "n" + (" bad" if np.isfinite(qv) and qv < 0.5 else "")))
        rows.append({"name": label, "cells": cells})
    head = ["outcome"] + [f"{p} (ST)" for p in params] + (["surrogate Q²"] if q2 is not None else [])
    return {"head": head, "rows": rows}


def _drivers(table, n=3, threshold=0.05):
    """The parameters with the largest total index (at least `threshold`)."""
    t = table.dropna(subset=["ST"]).sort_values("ST", ascending=False)
    return [(r["parameter"], float(r["ST"])) for _, r in t.head(n).iterrows() if r["ST"] >= threshold]


def assumed_table(res, unc, sweep):
    """The short "what is assumed" table: per option, the parameters its
    result hinges on (largest Sobol' total index over the [uncertainty] draws;
    without draws, the sweep's Sobol' totals, Morris mu* or |PRCC|), each with
    its default in that option and its source."""
    rows, basis = [], ""
    if res.has_uncertainty:
        basis = ("each option's difference from the baseline over the parameter draws: Sobol' total index (ST) "
                 "where the polynomial-chaos surrogate explains at least half the variance (Q² ≥ 0.5), else the "
                 "partial rank correlation (PRCC) where significant (p < 0.05)")
        ranks = sa.uncertainty_prcc(res)
        for option, outcomes in ranks.items():
            for m, label, _ in sa.DRAW_OUTCOMES[:2]:
                c = (unc.get(option) or {}).get(m)
                if c is not None and np.isfinite(c.q2) and c.q2 >= 0.5:
                    for p, st in _drivers(c.table):
                        rows.append((option, label, p, f"ST {_fmt(st)}"))
                elif m in outcomes:
                    t = outcomes[m].dropna().copy()
                    t["abs"] = t["prcc"].abs()
                    for _, r in t[t["p_value"] < ALPHA].sort_values("abs", ascending=False).head(3).iterrows():
                        rows.append((option, label, r["parameter"], f"PRCC {_fmt(r['prcc'])}{stars(r['p_value'])}"))
    elif sweep is not None:
        option = sweep_source(res)
        for m, label, _, _ in sa.GAINS[:2]:
            if m in sweep.chaos and sweep.q2[m] >= 0.5:
                basis = "Sobol' total indices over the sweep (polynomial-chaos surrogate)"
                for p, st in _drivers(sweep.chaos[m]):
                    rows.append((option, label, p, f"ST {_fmt(st)}"))
            elif m in sweep.sobol:
                basis = "Sobol' total indices over the sweep (pick-freeze, Martinez)"
                for p, st in _drivers(sweep.sobol[m]):
                    rows.append((option, label, p, f"ST {_fmt(st)}"))
            elif m in sweep.morris:
                basis = "Morris screening over the sweep (μ*: mean absolute effect over each parameter's range)"
                t = sweep.morris[m].sort_values("mu_star", ascending=False)
                top = t["mu_star"].max()
                for _, r in t.head(3).iterrows():
                    if np.isfinite(r["mu_star"]) and r["mu_star"] >= 0.05 * top and top > 0:
                        rows.append((option, label, r["parameter"], f"μ* {_num(r['mu_star'])}"))
        if not rows and not res.sensitivity.empty:
            basis = "partial rank correlation over the sweep (|PRCC| ≥ 0.3)"
            for m in PRCC_METRICS[:2]:
                d = res.sensitivity[res.sensitivity["metric"] == m].copy()
                d["abs"] = d["prcc"].abs()
                for _, r in d.sort_values("abs", ascending=False).head(3).iterrows():
                    if r["abs"] >= 0.3:
                        rows.append((option, PRCC_LABEL.get(m, m), r["parameter"], f"PRCC {_fmt(r['prcc'])}"))
    if not rows:
        return None
    out, kept = [], []
    for option, label, p, measure in rows:
        value, unit, source = defaults(res, option, [p])[p]
        if not value and "." in p and len(res.parameters):
            continue  # an intervention's parameter this option does not have: a chance correlation
        kept.append((option, label, p, measure))
        out.append({"name": option, "cells": [_cell(label, ""), _cell(p, ""), _cell(measure),
                                              _cell(f"{value} {unit}".strip() or "n/a"), _cell(source or "n/a", "txt")]})
    return {"basis": basis, "drivers": kept,
            "table": {"head": ["option", "outcome", "parameter", "weight", "default", "source"], "rows": out}}


def break_even_lines(sweep):
    """The break-even sentences, one per (gain, parameter) — for the report
    and `python3 -m passerelle_analysis.sweeps`."""
    return [sa.break_even_text(b, unit) for b, unit, _ in sweep.break_even]


def context(res):
    """The template's `sensitivity` (None with neither a sweep nor draws)."""
    sweep = sa.analyse_sweep(res)
    unc, note = {}, ""
    try:
        unc = sa.analyse_uncertainty(res)
    except (ImportError, sa.CorrelatedInputs) as e:
        note = str(e)
    if sweep is None and not res.has_uncertainty:
        return None
    out = {"sweep": None, "uncertainty": None, "assumed": assumed_table(res, unc, sweep),
           "note": note or (sweep.note if sweep else "")}
    if unc:
        params = list(next(iter(next(iter(unc.values())).values())).table["parameter"])
        tables = []
        for option, outcomes in unc.items():
            for m, label, _ in sa.DRAW_OUTCOMES:
                if m in outcomes and np.isfinite(outcomes[m].q2):
                    tables.append((f"{option}: {label}", outcomes[m].table))
        q2 = {f"{o}: {label}": outs[m].q2 for o, outs in unc.items() for m, label, _ in sa.DRAW_OUTCOMES if m in outs}
        out["uncertainty"] = {"table": sobol_table(tables, params, q2), "draws": int(res.uncertainty["draw"].nunique())}
    if sweep is not None:
        pts = res.sweep_points
        design = {"head": ["parameter", "unit", "min", "max", "default in " + sweep_source(res)], "rows": []}
        dflt = defaults(res, sweep_source(res), sweep.parameters)
        for j, p in enumerate(sweep.parameters):
            design["rows"].append({"name": p, "cells": [_cell(sweep.units.get(p, "") or "n/a", "txt"),
                                                        _cell(_num(sweep.lower[j])), _cell(_num(sweep.upper[j])),
                                                        _cell(dflt[p][0] or "n/a")]})
        prcc, metrics, has_p = prcc_table(res)
        gains = [(m, label, unit) for m, label, unit, _ in sa.GAINS if m in sweep.means]
        breaks = {(m, b.parameter): b for b, _, m in sweep.break_even}
        s = {"method": sweep.method, "points": len(pts), "source": sweep_source(res), "design": design,
             "prcc": prcc, "has_p": has_p, "alpha": ALPHA,
             "tornado": plots.png(plots.tornado(res.sensitivity, metrics)) if metrics else None,
             "panels": plots.png(plots.sweep_panels(sweep.means, sweep.frame, sweep.parameters, gains[:3],
                                                    sweep.units, breaks)),
             "break_even": break_even_lines(sweep), "sobol": None, "chaos": None, "morris": None,
             "replicates": int(sweep.frame["replicate"].nunique())}
        labels = {m: label for m, label, _ in gains}
        if sweep.sobol:
            s["sobol"] = sobol_table([(labels[m], t) for m, t in sweep.sobol.items()], sweep.parameters,
                                     intervals=True)
        if sweep.chaos:
            s["chaos"] = sobol_table([(labels[m], t) for m, t in sweep.chaos.items()], sweep.parameters,
                                     {labels[m]: q for m, q in sweep.q2.items()})
        if sweep.morris:
            # Outcomes no parameter moves (all mu* ~ 0) are left out.
            tables = [(label, unit, sweep.morris[m]) for m, label, unit in gains if m in sweep.morris
                      and np.nanmax(np.r_[sweep.morris[m]["mu_star"].to_numpy(float), 0]) >
                      1e-9 * max(1.0, float(np.nanmax(np.abs(sweep.means[m].to_numpy(float)))))][:3]
            rows = []
            for label, unit, t in tables:
                top = float(np.nanmax(t["mu_star"].to_numpy(float)))
                for _, r in t.iterrows():
                    rows.append({"name": r["parameter"], "cells": [_cell(label, ""), _cell(_num(r["mu_star"], top)),
                                                                   _cell(_num(r["mu"], top)),
                                                                   _cell(_num(r["sigma"], top)),
                                                                   _cell(unit + " per full range", "")]})
            s["morris"] = None if not tables else {"figure": plots.png(plots.morris_plane(tables, sweep.parameters)),
                           "table": {"head": ["parameter", "outcome", "μ*", "μ", "σ", "unit"], "rows": rows}}
        out["sweep"] = s
    return out


def main(argv=None):
    """Prints each break-even of a results file's sweep (the report's sentences)."""
    from .io import load
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python3 -m passerelle_analysis.sweeps RESULTS.h5", file=sys.stderr)
        return 2
    try:
        res = load(argv[0])
    except (OSError, KeyError) as e:
        print(f"passerelle_analysis.sweeps: cannot read {argv[0]}: {e}", file=sys.stderr)
        return 2
    sweep = sa.analyse_sweep(res)
    if sweep is None:
        print(f"{argv[0]}: no sweep")
        return 0
    print(f"Break-even against the baseline '{res.baseline}' (sweep from '{sweep_source(res)}', "
          f"{len(res.sweep_points)} points, {sweep.frame['replicate'].nunique()} replicates each):")
    for line in break_even_lines(sweep):
        print("  " + line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
