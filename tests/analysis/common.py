"""Shared set-up for the analysis tests: skip (exit 77, CTest SKIP_RETURN_CODE)
when a module is missing, and a small run made with the built binary."""
import importlib
import os
import subprocess
import sys
import tempfile

SKIP = 77


def require(*modules):
    """Exits 77 (skipped) if any module cannot be imported."""
    for m in modules:
        try:
            importlib.import_module(m)
        except ImportError as e:
            print(f"SKIP: python module {m} missing ({e})")
            sys.exit(SKIP)


def setup_paths():
    """Makes passerelle_analysis importable from the source tree."""
    here = os.path.dirname(os.path.abspath(__file__))
    analysis = os.environ.get("PASSERELLE_ANALYSIS_DIR") or os.path.join(here, "..", "..", "analysis")
    sys.path.insert(0, os.path.abspath(analysis))


def binary():
    b = os.environ.get("PASSERELLE_BINARY")
    if not b or not os.path.exists(b):
        raise RuntimeError("set PASSERELLE_BINARY to the built passerelle (CTest does)")
    return b


# A scenario name and descriptions a report must show as text, never as markup
# ('/' is not allowed in a scenario name: it is an HDF5 path separator).
XSS_NAME = '<script>alert("x")'
XSS_DESCRIPTION = "<script>alert(1)</script>"

EXPERIMENT = f"""[experiment]
name = "analysis-test"
description = "Tiny run for the analysis tests <b>&amp;</b>"
territory = "herbasse"
replicates = 3
horizon_weeks = 20
warmup_weeks = 4
seed = 5

[[scenario]]
name = "baseline"
description = "as now"

[[scenario]]
name = '{XSS_NAME}'
description = '{XSS_DESCRIPTION}'
[scenario.parameters]
"secrecy.regime" = "strict"

[sweep]
method = "lhs"
samples = 4
[sweep.parameters]
"gp.knows_well_share" = [0.05, 0.5]
"gp.search_minutes" = [5, 25]
"""

SCENARIOS = 2 + 4
REPLICATES = 3
WEEKS = 16


def make_run():
    """Runs the small experiment; returns (temporary directory object, results path)."""
    tmp = tempfile.TemporaryDirectory(prefix="passerelle-analysis-")
    exp = os.path.join(tmp.name, "e.toml")
    with open(exp, "w", encoding="utf-8") as f:
        f.write(EXPERIMENT)
    out = os.path.join(tmp.name, "run.h5")
    subprocess.run([binary(), "run", exp, "-o", out, "--quiet", "--threads", "2"], check=True, timeout=120)
    return tmp, out


def fake_results(options, baseline="baseline", replicates=10, gps=10, horizon=60, warmup=8, seed=1):
    """A Results made in memory, no binary needed: options maps a scenario
    name to (extra cost EUR over the measured period, change in GP social
    minutes per GP per week, change in unmet need-days, noise sd of each
    per replicate). Summaries and the comparison rows (as models/compare.cpp
    computes them) agree."""
    import numpy as np
    import pandas as pd
    from passerelle_analysis import mean_ci
    from passerelle_analysis.io import Results
    rng = np.random.default_rng(seed)
    names = [baseline] + list(options)
    base = {"cost_eur": np.zeros(replicates), "gp_social_minutes_per_gp_week": 100 + rng.normal(0, 5, replicates),
            "unmet_need_days": 5000 + rng.normal(0, 200, replicates)}
    rows = []
    for sc in names:
        cost, dmin, ddays, sd = options.get(sc, (0, 0, 0, 0))
        vals = {"cost_eur": base["cost_eur"] + cost + (rng.normal(0, sd * 100, replicates) if sd else 0),
                "gp_social_minutes_per_gp_week": base["gp_social_minutes_per_gp_week"] + dmin +
                (rng.normal(0, sd, replicates) if sd else 0),
                "unmet_need_days": base["unmet_need_days"] + ddays + (rng.normal(0, sd * 50, replicates) if sd else 0)}
        for r in range(replicates):
            rows.append({"scenario": sc, "replicate": r, "seed": 100 + r, **{k: v[r] for k, v in vals.items()}})
    summary = pd.DataFrame(rows)
    per_year = 52.0 / (horizon - warmup)
    comp = []
    for sc in options:
        s = summary[summary.scenario == sc].set_index("replicate")
        b = summary[summary.scenario == baseline].set_index("replicate")
        for field, unit in (("cost_eur", "EUR"), ("gp_social_minutes_per_gp_week", "min/GP/week"),
                            ("unmet_need_days", "days")):
            d = (s[field] - b[field]).to_numpy()
            m, lo, hi, n = mean_ci(d)
            comp.append({"scenario": sc, "metric": field, "baseline_mean": b[field].mean(),
                         "scenario_mean": s[field].mean(), "mean_diff": m, "ci_low": lo, "ci_high": hi,
                         "rel_pct": np.nan, "n": n, "units": unit})
        hours = -(s["gp_social_minutes_per_gp_week"] - b["gp_social_minutes_per_gp_week"]).to_numpy() * gps * 52 / 60
        days = -(s["unmet_need_days"] - b["unmet_need_days"]).to_numpy() * per_year
        cost_year = (s["cost_eur"] - b["cost_eur"]).mean() * per_year
        for metric, v, unit in (("gp_hours_freed_per_year", hours, "h/year"),
                                ("unmet_need_days_averted", days, "need-days/year")):
            m, lo, hi, n = mean_ci(v)
            comp.append({"scenario": sc, "metric": metric, "baseline_mean": np.nan, "scenario_mean": np.nan,
                         "mean_diff": m, "ci_low": lo, "ci_high": hi, "rel_pct": np.nan, "n": n, "units": unit})
        for metric, v, unit in (("cost_per_gp_hour_freed", hours, "EUR/GP hour"),
                                ("cost_per_unmet_need_day_averted", days, "EUR/need-day")):
            comp.append({"scenario": sc, "metric": metric, "baseline_mean": np.nan, "scenario_mean": np.nan,
                         "mean_diff": cost_year / v.mean() if v.mean() > 0 else np.nan, "ci_low": np.nan,
                         "ci_high": np.nan, "rel_pct": np.nan, "n": len(v), "units": unit})
    empty_long = pd.DataFrame(columns=["scenario", "metric", "replicate", "category", "value"])
    return Results(
        path="/nonexistent/fake.h5", attrs={"experiment_name": "fake", "territory": "herbasse", "gps": gps,
                                            "horizon_weeks": horizon, "warmup_weeks": warmup,
                                            "replicates": replicates, "experiment": "[experiment]\n"},
        scenarios=names, baseline=baseline,
        units={"cost_eur": "EUR", "gp_social_minutes_per_gp_week": "min/GP/week", "unmet_need_days": "days"},
        summary=summary, weekly=pd.DataFrame(columns=["scenario", "metric", "replicate", "week", "value"]),
        by_need_type=empty_long, by_precarity=empty_long, by_rurality=empty_long,
        comparisons=pd.DataFrame(comp), parameters=pd.DataFrame(columns=["scenario", "name", "value", "unit", "source"]),
        sensitivity=pd.DataFrame(columns=["metric", "parameter", "prcc"]), sweep_points=pd.DataFrame(columns=["scenario"]),
        calibration=pd.DataFrame(columns=["name", "target", "ci_low", "ci_high", "units", "model", "values",
                                          "model_mean", "description", "scenario", "source", "territory"]),
        localities=pd.DataFrame(), descriptions={n: f"description of {n}" for n in names})
