"""The HTML report of a results file: one self-contained page (inline CSS and
PNG figures, no script, no external resource) that a planner can open
offline. Every string read from the file is escaped with html.escape.

    python3 -m passerelle_analysis.report OUT.h5 -o REPORT.html
"""
import argparse
import datetime
import html
import math
import os
import sys

import numpy as np

from . import plots
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
main{max-width:1180px;margin:0 auto;padding:1.2em 1.6em 3em;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:2px solid #1b6ca8;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.6em 0;font-size:.88em} th,td{border:1px solid #ddd;padding:.3em .55em}
th{background:#eef3f8;text-align:left} td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.good{background:#e3f3e5} td.bad{background:#f8e1e4}
p.note{color:#555;font-size:.88em;max-width:62em} img.fig{max-width:100%;display:block;margin:.6em 0}
pre{background:#f4f4f4;padding:.8em;overflow:auto;font-size:.85em} dl{display:grid;grid-template-columns:max-content auto;gap:.2em 1em}
dt{font-weight:600} nav a{margin-right:1em}
"""


def esc(v):
    return html.escape(str(v), quote=True)


def fmt(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if isinstance(v, float) and math.isinf(v):
        return "∞" if v > 0 else "−∞"
    a = abs(v)
    prec = 0 if a >= 1000 else 1 if a >= 10 else 2 if a >= 1 else 3
    return f"{v:,.{prec}f}".replace(",", " ")


def fmt_ci(m, lo, hi):
    if isinstance(lo, float) and math.isnan(lo):
        return fmt(m)
    return f"{fmt(m)} <span class='ci'>[{fmt(lo)}, {fmt(hi)}]</span>"


def table(head, rows, classes=None):
    """head: plain strings (escaped here); rows: cells already HTML-safe."""
    out = ["<table><tr>" + "".join(f"<th>{esc(h)}</th>" for h in head) + "</tr>"]
    for r, row in enumerate(rows):
        cells = []
        for c, cell in enumerate(row):
            cls = (classes[r][c] if classes else ("" if c == 0 else "n")) or ""
            cells.append(f"<td class='{cls}'>{cell}</td>" if cls else f"<td>{cell}</td>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    return "\n".join(out) + "</table>"


def note(text):
    return f"<p class='note'>{text}</p>"


def section_experiment(res):
    a = res.attrs
    residents = res.summary["residents"].mean() if "residents" in res.summary else float("nan")
    items = [("Experiment", a.get("experiment_name", "")), ("Description", a.get("description", "")),
             ("Territory", a.get("territory", "")), ("Residents", fmt(residents)), ("GPs", a.get("gps", "n/a")),
             ("Base seed", a.get("base_seed", "")), ("Replicates", a.get("replicates", "")),
             ("Horizon / warm-up", f"{fmt(a.get('horizon_weeks', math.nan))} / {fmt(a.get('warmup_weeks', math.nan))} weeks"),
             ("Baseline scenario", res.baseline), ("Created", a.get("created_utc", "")),
             ("Passerelle version", a.get("software_version", "")), ("Results file", os.path.basename(res.path))]
    dl = "<dl>" + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in items) + "</dl>"
    sc = table(["scenario", "description"], [[esc(s), esc(res.descriptions.get(s, ""))] for s in res.main_scenarios],
               [["", ""] for _ in res.main_scenarios])
    sweep = ""
    if res.sweep_scenarios:
        sweep = note(f"Plus {len(res.sweep_scenarios)} sweep points (scenarios {esc(res.sweep_scenarios[0])} … "
                     f"{esc(res.sweep_scenarios[-1])}), summarised under <a href='#sensitivity'>Sensitivity</a>.")
    text = f"<details><summary>Full experiment file</summary><pre>{esc(a.get('experiment', ''))}</pre></details>"
    return f"<h2 id='experiment'>Experiment</h2>{dl}<h3>Scenarios</h3>{sc}{sweep}{text}"


def section_scenarios(res):
    scen = res.main_scenarios
    rows, classes = [], []
    for field, label, _ in KEY_METRICS:
        if field not in res.summary:
            continue
        row = [f"{esc(label)}<br><small>{esc(field)} [{esc(res.units.get(field, ''))}]</small>"]
        for sc in scen:
            m, lo, hi, _ = mean_ci(res.summary.loc[res.summary["scenario"] == sc, field])
            row.append(fmt_ci(m, lo, hi))
        rows.append(row)
        classes.append([""] + ["n"] * len(scen))
    return ("<h2 id='scenarios'>Results by scenario</h2>" + table(["metric"] + scen, rows, classes) +
            note("Mean over replicates with its 95 % confidence interval in brackets (Student t). Counts are over "
                 "the measured period (after warm-up) for the whole territory; needs are counted by cohort: those "
                 "that arose after warm-up."))


def _cmp(res, scenario, metric):
    d = res.comparisons[(res.comparisons["scenario"] == scenario) & (res.comparisons["metric"] == metric)]
    return None if d.empty else d.iloc[0]


def section_comparisons(res):
    h = "<h2 id='comparisons'>Comparison with the baseline</h2>"
    others = [s for s in res.main_scenarios if s != res.baseline]
    if res.comparisons.empty or not others:
        return h + note("Only one scenario (or no comparison in the file): nothing to compare.")
    cols = [("gp_hours_freed_per_year", "GP hours freed per year", +1),
            ("unmet_need_days_averted", "unmet need-days averted per year", +1),
            ("needs_resolved", "change in needs resolved", +1),
            ("unmet_share_90d", "change in share unresolved at 90 days", -1),
            ("cost_eur", "change in cost (EUR, measured period)", 0),
            ("cost_per_gp_hour_freed", "cost per GP hour freed (EUR)", 0),
            ("cost_per_unmet_need_day_averted", "cost per unmet need-day averted (EUR)", 0)]
    rows, classes = [], []
    for sc in others:
        row, cl = [esc(sc)], [""]
        for metric, _, good in cols:
            r = _cmp(res, sc, metric)
            if r is None:
                row.append("–"), cl.append("n")
                continue
            row.append(fmt_ci(r["mean_diff"], r["ci_low"], r["ci_high"]))
            clear = not math.isnan(r["ci_low"]) and (r["ci_low"] > 0 or r["ci_high"] < 0)
            cl.append("n " + ("good" if clear and good * r["mean_diff"] > 0 else "bad" if clear and good * r["mean_diff"] < 0 else ""))
        rows.append(row)
        classes.append(cl)
    return (h + note(f"Each scenario minus the baseline <b>{esc(res.baseline)}</b>, replicate by replicate (replicate "
                     "k of every scenario uses the same random numbers, so differences are paired), with the 95 % "
                     "confidence interval of the mean difference.") +
            table(["scenario"] + [c[1] for c in cols], rows, classes) +
            note("<b>GP hours freed per year</b>: time GPs no longer spend on social tasks, whole territory; "
                 "positive is good. <b>Unmet need-days averted per year</b>: fewer days people wait with an unmet "
                 "need; positive is good. Green: the interval excludes zero in the good direction; red: in the bad "
                 "direction. Costs per unit divide the yearly extra cost by the hours freed or need-days averted; "
                 "n/a when nothing is freed or averted, negative when the scenario saves money as well. "
                 "<code>passerelle compare</code> prints every metric."))


def section_weekly(res):
    if res.weekly.empty:
        return ""
    gps = res.attrs.get("gps")
    scale = {"gp_social_minutes": 1.0 / gps} if gps else {}
    unit = "min per GP per week" if gps else "min per week (all GPs)"
    fig = plots.weekly_bands(res, [("gp_social_minutes", "GP social minutes", unit),
                                   ("needs_open", "open needs", "needs"),
                                   ("queue_length", "queue length (waiting for a worker)", "needs")],
                             res.main_scenarios, scale)
    return ("<h2 id='weekly'>Week by week</h2>" + plots.img(fig, "weekly series") +
            note("Line: mean over replicates; band: where 95 % of single replicates fall (2.5th to 97.5th "
                 "percentile). Weeks count from the end of the warm-up."))


def section_breakdowns(res):
    out = ["<h2 id='breakdowns'>Who is affected</h2>"]
    for frame, title in ((res.by_need_type, "need type"), (res.by_precarity, "precarity"),
                         (res.by_rurality, "rurality")):
        fig = plots.breakdown(frame, res.main_scenarios, title)
        if fig is not None:
            out.append(f"<h3>By {esc(title)}</h3>" + plots.img(fig, f"breakdown by {title}"))
    out.append(note("Bars: mean over replicates; whiskers: 95 % confidence interval. Unmet need-days and GP "
                    "minutes are totals over the measured period; the resolved share is resolved / arisen."))
    return "\n".join(out)


def section_ties(res):
    if not any(f in res.summary for f, _ in plots.RELATIONS):
        return ""
    rows = []
    for sc in res.main_scenarios:
        d = res.summary[res.summary["scenario"] == sc]
        row = [esc(sc)]
        for f in ("instrumental_ties", "cooperation_ties", "collaboration_ties", "share_gps_with_collaboration_tie",
                  "mean_tie_degree"):
            row.append(fmt_ci(*mean_ci(d[f])[:3]) if f in d else "–")
        rows.append(row)
    return ("<h2 id='ties'>Ties between GPs and social services</h2>" +
            plots.img(plots.ties(res.summary, res.main_scenarios), "ties by relation type") +
            table(["scenario", "instrumental", "cooperation", "collaboration", "share of GPs with a collaboration tie",
                   "mean ties per GP"], rows) +
            note("Instrumental: a name and a number; cooperation: trusted exchanges; collaboration: a shared way "
                 "of working. Counted at the end of the run."))


def section_sensitivity(res):
    if res.sensitivity.empty:
        return ""
    a = res.attrs
    params = list(dict.fromkeys(res.sensitivity["parameter"]))
    metrics = [m for m in TORNADO_METRICS if m in set(res.sensitivity["metric"])]
    pts = res.sweep_points
    design = table(["parameter", "min", "max"],
                   [[esc(p), fmt(float(pts[p].min())), fmt(float(pts[p].max()))] for p in params])
    rows = []
    for m in metrics:
        d = res.sensitivity[res.sensitivity["metric"] == m].set_index("parameter")["prcc"]
        rows.append([esc(LABEL.get(m, m))] + [fmt(float(d.get(p, np.nan))) for p in params])
    fig = plots.tornado(res.sensitivity, metrics) if metrics else None
    return ("<h2 id='sensitivity'>Sensitivity</h2>" +
            note(f"{len(pts)} sweep points ({esc(a.get('sweep_method', 'grid or Latin hypercube'))}), each run as a "
                 f"scenario derived from the baseline with the same replicates.") + design +
            (plots.img(fig, "sensitivity tornado") if fig else "") + table(["metric"] + params, rows) +
            note("Partial rank correlation coefficient (PRCC) of each metric's mean with each parameter, the "
                 "others held fixed: +1 the metric rises steadily with the parameter, −1 it falls, near 0 the "
                 "parameter hardly matters over the range swept. n/a: undefined (too few points or no variation)."))


def section_calibration(res):
    if res.calibration.empty:
        return ""
    rows, classes = [], []
    for _, r in res.calibration.iterrows():
        inside = (np.isfinite(r["model_mean"]) and np.isfinite(r["ci_low"]) and r["ci_low"] <= r["model_mean"] <= r["ci_high"])
        what = r["description"] or ("" if isinstance(r["model"], (int, float)) else str(r["model"] or ""))
        if r["scenario"]:
            what += f" (scenario {r['scenario']})"
        rows.append([esc(r["name"]), fmt_ci(r["target"], r["ci_low"], r["ci_high"]), fmt(r["model_mean"]),
                     "yes" if inside else "no", esc(what), esc(r["source"] or "")])
        classes.append(["", "n", "n", "n " + ("good" if inside else "bad"), "", ""])
    return ("<h2 id='calibration'>Calibration</h2>" +
            plots.img(plots.calibration(res.calibration), "calibration targets") +
            table(["target", "field value [95 % CI]", "model", "model inside the CI", "what is measured", "source"],
                  rows, classes) +
            note("Grey: the range the field data allow; black line: the field value; dots: model replicates; "
                 "diamond: model mean."))


def render(res):
    a = res.attrs
    title = f"Passerelle report: {a.get('experiment_name', '')}"
    sections = [section_experiment(res), section_scenarios(res), section_comparisons(res), section_weekly(res),
                section_breakdowns(res), section_ties(res), section_sensitivity(res), section_calibration(res)]
    nav = ("<nav>" + "".join(f"<a href='#{i}'>{t}</a>" for i, t in
                             [("experiment", "Experiment"), ("scenarios", "Results"), ("comparisons", "Comparison"),
                              ("weekly", "Week by week"), ("breakdowns", "Who is affected"), ("ties", "Ties")]
                             + ([("sensitivity", "Sensitivity")] if not res.sensitivity.empty else [])
                             + ([("calibration", "Calibration")] if not res.calibration.empty else [])) + "</nav>")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return (f"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{esc(title)}</title>"
            f"<style>{CSS}</style></head><body><main>\n<h1>{esc(title)}</h1>"
            f"<p class='note'>{esc(a.get('description', ''))}</p>{nav}\n" + "\n".join(s for s in sections if s) +
            f"\n<p class='note'>Generated {now} by passerelle_analysis from {esc(os.path.basename(res.path))}.</p>"
            "</main></body></html>\n")


def _write(page, output_path):
    tmp = f"{output_path}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, output_path)  # a reader never sees half a page


def write_report(results_path, output_path):
    """Reads a results file and writes the report; returns the output path."""
    _write(render(load(results_path)), output_path)
    return output_path


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m passerelle_analysis.report",
                                 description="Write the self-contained HTML report of a Passerelle results file.")
    ap.add_argument("results", help="results file (HDF5)")
    ap.add_argument("-o", "--output", required=True, help="report file (HTML)")
    args = ap.parse_args(argv)
    try:
        res = load(args.results)
    except (OSError, KeyError) as e:  # exit 2: bad input, as the C++ commands
        print(f"passerelle report: cannot read {args.results}: {e}", file=sys.stderr)
        return 2
    try:
        _write(render(res), args.output)
    except OSError as e:
        print(f"passerelle report: cannot write {args.output}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
