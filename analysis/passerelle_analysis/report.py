"""The HTML report of a results file: one self-contained page (inline CSS and
PNG figures, no script, no external resource) that a planner can open
offline. It leads with the decision (decision.py: one row per option, a few
sentences drawn from the numbers), then the evidence. The page is a jinja2
template (templates/report.html) with autoescape on: every string read from
the file is text.

    python3 -m passerelle_analysis.report OUT.h5 -o REPORT.html
"""
import argparse
import datetime
import math
import os
import sys

import numpy as np

try:
    import jinja2
except ImportError:  # Debian: python3-jinja2 (cmake/install-deps.sh)
    jinja2 = None

from . import calibration_report, decision, economics, maps, plots, sweeps
from .colours import scenario_colours
from .io import load
from .stats import mean_ci

KEY_METRICS = [
    ("gp_social_minutes_per_gp_week", "GP time on social tasks (min per GP per week)", "lower"),
    ("needs_onset", "needs arising after warm-up", None),
    ("needs_resolved", "needs resolved", "higher"),
    ("needs_open", "needs still open at the horizon", "lower"),
    ("needs_abandoned", "needs abandoned", "lower"),
    ("unmet_need_days", "unmet need-days (onset to resolution or horizon)", "lower"),
    ("unmet_share_90d", "share of needs unresolved after 90 days", "lower"),
    ("median_days_to_resolution", "median days to resolution", "lower"),
    ("p90_days_to_resolution", "90th percentile days to resolution", "lower"),
    ("wrong_door_hops", "wrong-door hops", "lower"),
    ("contact_attempts", "GP contact attempts", None),
    ("contact_failures", "failed contact attempts", "lower"),
    ("consent_refusals", "consent refusals", None),
    ("secrecy_blocked", "referrals blocked by secrecy", "lower"),
    ("collaboration_ties", "collaboration ties (end of run)", "higher"),
    ("cost_eur", "cost (EUR, measured period)", None),
]
LABEL = {k: v for k, v, _ in KEY_METRICS}
TORNADO_METRICS = ["gp_social_minutes_per_gp_week", "unmet_need_days", "needs_resolved", "unmet_share_90d"]

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fafafa}
main{max-width:1180px;margin:0 auto;padding:.8em 1.4em 3em;background:#fff}
h1{font-size:1.45em;margin:.2em 0 .1em} h2{font-size:1.2em;border-bottom:2px solid #1b6ca8;padding-bottom:.15em;margin-top:1.8em}
#decision h2{margin-top:.6em} h3{font-size:1.02em}
p.lead{margin:.1em 0;color:#333} p.meta{margin:.2em 0 .4em;font-size:.85em;color:#555}
p.meta span{margin-right:1.2em;white-space:nowrap}
.scroll{overflow-x:auto;max-width:100%;margin:.5em 0}
table{border-collapse:collapse;font-size:.86em} th,td{border:1px solid #ddd;padding:.28em .5em;vertical-align:top}
thead th{background:#eef3f8;text-align:left;font-weight:600;min-width:6.5em}
th.name{background:#f7f9fb;text-align:left;font-weight:600;position:sticky;left:0;min-width:9em;max-width:18em;
  overflow-wrap:anywhere;white-space:pre-line}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap} td.txt{min-width:12em}
td.good{background:#e3f3e5} td.bad{background:#f8e1e4} td.unclear{color:#666;font-style:italic}
small.ci{color:#666;font-size:.82em}
table.decision{font-size:.92em} table.decision thead th{max-width:10em}
.sw{display:inline-block;width:.75em;height:.75em;border-radius:2px;margin-right:.4em;vertical-align:baseline}
div.verdict{background:#f3f7fb;border-left:4px solid #1b6ca8;padding:.15em .9em;margin:.4em 0;max-width:62em}
div.verdict p{margin:.35em 0}
p.note{color:#555;font-size:.85em;max-width:64em} img.fig{max-width:100%;display:block;margin:.6em 0}
pre{background:#f4f4f4;padding:.8em;overflow:auto;font-size:.85em}
dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em} dt{font-weight:600} dd{margin:0;overflow-wrap:anywhere}
nav{margin:1em 0 0;font-size:.9em} nav a{margin-right:1em}
"""


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    if math.isnan(v):
        return "n/a"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    a = abs(v)
    prec = 0 if a >= 1000 else 1 if a >= 10 else 2 if a >= 1 else 3
    return f"{v:,.{prec}f}".replace(",", " ").replace("-", "−")


def ci_text(lo, hi):
    """The interval as "[lo, hi]"; None when there is none."""
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return None
    if hi - lo <= 1e-9 * max(1.0, abs(lo), abs(hi)):
        return None  # no spread (a fixed cost): nothing to show
    return f"[{fmt(lo)}, {fmt(hi)}]"


def horizon_text(a):
    def weeks(v):
        try:
            return f"{float(v):g}"
        except (TypeError, ValueError):
            return "n/a"
    return f"{weeks(a.get('horizon_weeks'))} / {weeks(a.get('warmup_weeks'))} weeks"


def cell(m, lo=math.nan, hi=math.nan, cls="n"):
    return {"text": fmt(m), "ci": ci_text(lo, hi), "cls": cls}


def text_cell(t, cls="txt"):
    return {"text": "" if t is None else str(t), "ci": None, "cls": cls}


def effect_cell(e, good=+1):
    """An Effect, coloured when its interval excludes zero (good: the sign that is good, 0: neither)."""
    cls = "n"
    if e.clear and good:
        cls += " good" if good * e.mean > 0 else " bad"
    return cell(e.mean, e.low, e.high, cls)


def ratio_cell(r):
    if r.status != "value":
        return {"text": r.status, "ci": None, "cls": "n unclear"}
    return cell(r.value, r.low, r.high)


def decision_context(res, colours):
    opts = decision.options(res)
    head = ["option", "extra cost per year (EUR)", "GP hours freed per year (h)",
            "unmet need-days averted per year", "cost per GP hour freed (EUR/h)",
            "cost per need-day averted (EUR/need-day)"]
    p_best, wtp = economics.prob_best(res)
    if wtp:  # the planner's "how sure": P(highest NMB) at the experiment's stated willingness to pay
        head.append("P(highest net monetary benefit)")
    rows = [{"name": o.name, "colour": colours.get(o.name),
             "cells": [effect_cell(o.cost, 0), effect_cell(o.hours), effect_cell(o.days),
                       ratio_cell(o.cost_per_hour), ratio_cell(o.cost_per_day)]
             + ([text_cell(f"{100 * p_best.get(o.name, 0.0):.0f} %", "n")] if wtp else [])} for o in opts]
    sentences = decision.sentences(opts, res.baseline)
    if wtp:
        sentences.append(decision.best_sentence(p_best, res.baseline, wtp, decision.interval_label(res)))
    return {"head": head, "rows": rows, "sentences": sentences, "options": opts,
            "net": economics.net_context(res, colours)}


def experiment_context(res, colours):
    a = res.attrs
    residents = res.summary["residents"].mean() if "residents" in res.summary else float("nan")
    items = [("Experiment", a.get("experiment_name", "")), ("Description", a.get("description", "")),
             ("Territory", a.get("territory", "")), ("Residents", fmt(residents)), ("GPs", a.get("gps", "n/a")),
             ("Base seed", a.get("base_seed", "")), ("Replicates", a.get("replicates", "")),
             ("Horizon / warm-up", horizon_text(a)),
             ("Baseline scenario", res.baseline), ("Created", a.get("created_utc", "")),
             ("Passerelle version", a.get("software_version", "")), ("Results file", os.path.basename(res.path))]
    return {"fields": items, "scenarios": [(s, res.descriptions.get(s, ""), colours.get(s)) for s in res.main_scenarios],
            "sweep": res.sweep_scenarios, "draws": res.draw_scenarios, "text": a.get("experiment", "")}


def scenarios_context(res, colours):
    """Options as rows, metrics as columns (readable with many options: the
    table scrolls sideways inside its box, the names stay in view)."""
    fields = [(f, label) for f, label, _ in KEY_METRICS if f in res.summary]
    head = ["scenario"] + [f"{label} [{res.units.get(f, '')}]" if res.units.get(f) else label for f, label in fields]
    rows = []
    for sc in res.main_scenarios:
        d = res.summary[res.summary["scenario"] == sc]
        cells = []
        for f, _ in fields:
            m, lo, hi, _ = mean_ci(d[f])
            cells.append(cell(m, lo, hi))
        rows.append({"name": sc, "colour": colours.get(sc), "cells": cells})
    return {"head": head, "rows": rows}


COMPARISON_COLUMNS = [("gp_hours_freed_per_year", "GP hours freed per year (h)", +1),
                      ("unmet_need_days_averted", "unmet need-days averted per year", +1),
                      ("needs_resolved", "change in needs resolved", +1),
                      ("unmet_share_90d", "change in share unresolved at 90 days", -1),
                      ("median_days_to_resolution", "change in median days to resolution (days)", -1),
                      ("cost_eur", "change in cost (EUR, measured period)", 0)]


def comparisons_context(res, colours):
    others = [s for s in res.main_scenarios if s != res.baseline]
    rows = []
    if not res.comparisons.empty:
        for sc in others:
            cells = []
            for metric, _, good in COMPARISON_COLUMNS:
                e = decision._effect(res.comparisons, sc, metric)
                cells.append(effect_cell(e, good) if math.isfinite(e.mean) else text_cell("–", "n"))
            rows.append({"name": sc, "colour": colours.get(sc), "cells": cells})
    return {"head": ["scenario"] + [c[1] for c in COMPARISON_COLUMNS], "rows": rows}


def weekly_figure(res, colours):
    if res.weekly.empty:
        return None
    gps = res.attrs.get("gps")
    scale = {"gp_social_minutes": 1.0 / gps} if gps else {}
    unit = "GP social time (min per GP per week)" if gps else "GP social time (min per week, all GPs)"
    fig = plots.weekly_bands(res, [("gp_social_minutes", "GP social minutes", unit),
                                   ("needs_open", "open needs", "open needs (count)"),
                                   ("queue_length", "queue length (waiting for a worker)", "needs waiting (count)")],
                             res.main_scenarios, colours, scale)
    return plots.png(fig)


def breakdown_figures(res, colours):
    others = [s for s in res.main_scenarios if s != res.baseline]
    out = []
    for frame, title in ((res.by_need_type, "need type"), (res.by_precarity, "precarity"),
                         (res.by_rurality, "rurality")):
        fig = plots.breakdown(frame, res.baseline, others, title, colours)
        if fig is not None:
            out.append((title, plots.png(fig)))
    return out


def ties_context(res, colours):
    if not any(f in res.summary for f, _ in plots.RELATIONS):
        return None
    fields = ("instrumental_ties", "cooperation_ties", "collaboration_ties", "share_gps_with_collaboration_tie",
              "mean_tie_degree")
    rows = []
    for sc in res.main_scenarios:
        d = res.summary[res.summary["scenario"] == sc]
        rows.append({"name": sc, "colour": colours.get(sc),
                     "cells": [cell(*mean_ci(d[f])[:3]) if f in d else text_cell("–", "n") for f in fields]})
    return {"figure": plots.png(plots.ties(res.summary, res.main_scenarios, colours)),
            "head": ["scenario", "instrumental (count)", "cooperation (count)", "collaboration (count)",
                     "share of GPs with a collaboration tie", "mean ties per GP"], "rows": rows}


def economics_context(res, colours):
    """The cost-effectiveness plane and acceptability curve (economics.py);
    None with no option to compare."""
    pairs = economics.paired_costs_effects(res)
    if not pairs:
        return None
    wtp = economics.wtp_grid(pairs)
    draws = economics.uses_draws(res)
    # Over draws: each draw's expected value; Monte-Carlo only: resampled means
    # (a replicate's own noise is not uncertainty about the expected value).
    net, per_hour = economics.ceac_pairs(res)  # GP hours valued too: the decision table's NMB
    curves = economics.acceptability(net if draws else economics.bootstrap_means(net), wtp)
    fig = plots.cost_effectiveness(pairs, wtp, curves, res.baseline, colours)
    names = [res.baseline] + list(pairs)
    probs = [curves[None]] + [curves[n] for n in pairs]
    marks = [len(wtp) // 8, len(wtp) // 4, len(wtp) // 2, len(wtp) - 1]
    rows = [{"name": n, "colour": colours.get(n), "cells": [text_cell(f"{100 * p[k]:.0f} %", "n") for k in marks]}
            for n, p in zip(names, probs)]
    head = ["option"] + [f"P(best) at {wtp[k]:.0f} EUR per need-day" for k in marks]
    return {"figure": plots.png(fig), "table": {"head": head, "rows": rows},
            "replicates": min(len(v[0]) for v in pairs.values()), "draws": draws,
            "points": "parameter draws" if draws else "replicates",
            "label": decision.interval_label(res) if draws else decision.INTERVAL_LABEL,
            "gp_hour_value": fmt(per_hour) if per_hour else None}


def uncertainty_context(res):
    """The probabilistic sensitivity analysis behind the decision's intervals
    (/uncertainty): the prior ranges and the number of draws; None without one."""
    if not res.has_uncertainty:
        return None
    u = res.uncertainty
    params = [c for c in u.columns if c not in ("option", "draw", "cost_eur_per_year", "gp_hours_freed_per_year",
                                                "unmet_need_days_averted")]
    first = u[u["option"] == u["option"].iloc[0]]
    rows = [{"name": p, "cells": [cell(float(first[p].min())), cell(float(first[p].max()))]} for p in params]
    return {"draws": int(first["draw"].nunique()), "replicates": res.attrs.get("replicates", ""),
            "table": {"head": ["parameter", "lowest draw", "highest draw"], "rows": rows}}


MAP_METRIC = ("unmet_need_days", "unmet need-days")


def map_context(res):
    """Localities shaded by each option's paired difference in unmet
    need-days (maps.py); None without coordinates or per-locality results."""
    loc = res.localities
    if loc is None or not len(loc) or not {"x_km", "y_km", "name"} <= set(loc.columns):
        return None
    if not os.path.exists(res.path):  # loaded from a temporary file since removed (run(output=None))
        return None
    per, names = maps.by_locality(res.path, MAP_METRIC[0])
    if not per or names != list(loc["name"]):
        return None
    diffs = {}
    for sc in res.main_scenarios:
        if sc != res.baseline:
            d = maps.paired_mean_difference(per, sc, res.baseline)
            if d is not None:  # per 1,000 residents: a town's total would drown the villages
                diffs[sc] = 1000.0 * d / np.maximum(loc["population"].to_numpy(float), 1.0)
    if not diffs:
        return None
    outlines = {sc: maps.catchment(res.parameters, sc) for sc in diffs}
    fig = plots.locality_maps(loc, diffs, outlines, "days per 1,000 residents", MAP_METRIC[1])
    return {"figure": plots.png(fig), "metric": MAP_METRIC[1]}


def sensitivity_context(res):
    """What is assumed, sweeps, PRCC, Sobol' and Morris (sweeps.py, templates/sensitivity.html)."""
    return sweeps.context(res)


def calibration_rows(res):
    """The calibration targets of this run's territory: a target that says it
    belongs to another territory is left out. Returns (rows, number left out)."""
    cal = res.calibration
    if cal.empty:
        return cal, 0
    here = str(res.attrs.get("territory", "") or "")
    terr = cal["territory"].fillna("").astype(str) if "territory" in cal else None
    if terr is None or not here:
        return cal, 0
    keep = (terr == "") | (terr == here)
    return cal[keep], int((~keep).sum())


def calibration_context(res):
    cal, dropped = calibration_rows(res)
    if cal.empty:
        return None
    rows = []
    for _, r in cal.iterrows():
        inside = (np.isfinite(r["model_mean"]) and np.isfinite(r["ci_low"])
                  and r["ci_low"] <= r["model_mean"] <= r["ci_high"])
        what = r["description"] or ("" if isinstance(r["model"], (int, float)) else str(r["model"] or ""))
        if r["scenario"]:
            what += f" (scenario {r['scenario']})"
        rows.append({"name": r["name"], "cells": [cell(r["target"], r["ci_low"], r["ci_high"]), cell(r["model_mean"]),
                                                  text_cell("yes" if inside else "no",
                                                            "n " + ("good" if inside else "bad")),
                                                  text_cell(what), text_cell(r["source"] or "")]})
    return {"figure": plots.png(plots.calibration(cal)), "dropped": dropped,
            "head": ["target", "field value (small print: 95 % interval)", "model", "model inside the interval",
                     "what is measured", "source"], "rows": rows}


def _environment():
    if jinja2 is None:
        raise RuntimeError("the report needs jinja2 (Debian: apt-get install python3-jinja2, or `make deps`)")
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")
    return jinja2.Environment(loader=jinja2.FileSystemLoader(here), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def render(res):
    env = _environment()  # first: a missing jinja2 is said before any work
    a = res.attrs
    colours = scenario_colours(res.scenarios, res.baseline)
    title = f"Passerelle report: {a.get('experiment_name', '')}"
    sens, cal, ties = sensitivity_context(res), calibration_context(res), ties_context(res, colours)
    econ = economics_context(res, colours)
    where = map_context(res)
    weekly = weekly_figure(res, colours)
    dec = decision_context(res, colours)
    hinges = decision.hinges_sentence(((sens or {}).get("assumed") or {}).get("drivers", []))
    if hinges and dec["rows"]:
        dec["sentences"].append(hinges)
    nav = ([("decision", "Decision"), ("experiment", "Experiment"), ("scenarios", "Results"),
            ("comparisons", "Comparison")] + ([("economics", "Cost-effectiveness")] if econ else [])
           + ([("weekly", "Week by week")] if weekly else [])
           + [("breakdowns", "Who is affected")] + ([("map", "Where")] if where else []) + ([("ties", "Ties")] if ties else [])
           + ([("sensitivity", "Sensitivity")] if sens else []) + ([("calibration", "Calibration")] if cal else []))
    meta = [("territory", a.get("territory", "")), ("replicates", a.get("replicates", "")),
            ("horizon / warm-up", horizon_text(a)),
            ("baseline", res.baseline)]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return env.get_template("report.html").render(
        title=title, css=CSS, description=a.get("description", ""), meta=meta, nav=nav, baseline=res.baseline,
        interval_label=decision.INTERVAL_LABEL, decision_label=decision.interval_label(res),
        uncertainty=uncertainty_context(res), no_clear_effect=decision.NO_CLEAR_EFFECT, worse=decision.WORSE,
        decision=dec, experiment=experiment_context(res, colours),
        scenarios=scenarios_context(res, colours), comparisons=comparisons_context(res, colours), weekly=weekly,
        economics=econ, where=where,
        breakdowns=breakdown_figures(res, colours), ties=ties, sensitivity=sens, calibration=cal,
        generated=now, source=os.path.basename(res.path))


def _write(page, output_path):
    tmp = f"{output_path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, output_path)  # a reader never sees half a page


def write_report(results_path, output_path):
    """Reads a results file and writes the report; returns the output path."""
    _write(render(load(results_path, draw_series=False)), output_path)
    return output_path


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m passerelle_analysis.report",
                                 description="Write the self-contained HTML report of a Passerelle results file.")
    ap.add_argument("results", help="results file (HDF5)")
    ap.add_argument("-o", "--output", required=True, help="report file (HTML)")
    args = ap.parse_args(argv)
    if calibration_report.is_calibration_file(args.results):  # CAL.h5 of `passerelle calibrate`
        return calibration_report.main([args.results, "-o", args.output])
    try:
        res = load(args.results, draw_series=False)  # the page shows no draw's series
    except (OSError, KeyError) as e:  # exit 2: bad input, as the C++ commands
        print(f"passerelle report: cannot read {args.results}: {e}", file=sys.stderr)
        return 2
    try:
        _write(render(res), args.output)
    except RuntimeError as e:
        print(f"passerelle report: {e}", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"passerelle report: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
