"""The calibration section of the HTML report: what `passerelle calibrate`
wrote to CAL.h5 (/calibration), read back and laid out for a reviewer.

    passerelle report CAL.h5 -o calibration.html
    python3 -m passerelle_analysis.calibration_report CAL.h5 -o calibration.html

It shows every target as its field interval with the model before (the
prior: wave 1's mean) and after (the accepted sets) beside it, fitted or held
out; each fitted parameter's prior and posterior (accepted-set) interval; the
leave-one-target-out check; the emulators' validation; and a plain sentence,
computed from the numbers, on what the data did and did not pin down. The
template is templates/calibration_fit.html (a section, also included by
templates/report.html when a context carries one).
"""
import argparse
import datetime
import math
import os
import sys

import numpy as np

from .calibrate import STILL_ASSUMED_RATIO  # at or above: not pinned down, still an assumption
# Below this share the targets pinned the parameter down; in between they
# narrowed it.
PINNED_RATIO = 0.4
# Wave 1 (the prior's Latin hypercube): a parameter moves a target when the
# standardised regression coefficient of the target on it is at least this.
MOVES_SRC = 0.1


def is_calibration_file(path):
    """True for a CAL.h5 (a /calibration group with a design), not a results file."""
    try:
        import h5py
        with h5py.File(path, "r") as f:
            return "calibration/design" in f and "scenarios" not in f
    except (OSError, ImportError):
        return False


def _s(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _num(v):
    if v is None or not math.isfinite(v):
        return "n/a"
    a = abs(v)
    if a == 0:
        return "0"
    if a >= 1000:
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    if a >= 1:
        return f"{v:.2f}"
    return f"{v:.3f}"


def read(path):
    """Everything the section shows, as plain Python values."""
    import h5py
    with h5py.File(path, "r") as f:
        g = f["calibration"]
        a = {k: g.attrs[k] for k in g.attrs}
        out = {"name": _s(a.get("name", "")), "method": _s(a.get("method", "")),
               "cutoff": float(a.get("cutoff", 3.0)), "waves": int(a.get("waves", 0)),
               "points_per_wave": int(a.get("points_per_wave", 0)), "replicates": int(a.get("replicates", 0)),
               "simulations": int(a.get("simulations", 0)), "sim_wall": float(a.get("simulation_wall_seconds", 0)),
               "wall": float(a.get("wall_seconds", 0)), "sims_per_s": float(a.get("simulations_per_second", 0)),
               "parameters": [_s(x) for x in a.get("parameters", [])],
               "transforms": [_s(x) for x in a.get("transforms", [])],
               "prior_min": [float(x) for x in a.get("prior_min", [])],
               "prior_max": [float(x) for x in a.get("prior_max", [])],
               "created": _s(f.attrs.get("created_utc", "")), "version": _s(f.attrs.get("software_version", ""))}
        out["design"] = g["design"][()]
        out["outputs"] = g["outputs"][()]
        out["output_names"] = [_s(x) for x in g["outputs"].attrs["columns"]]
        out["accepted"] = g["accepted"][()]
        out["fraction"] = [float(x) for x in g["non_implausible_fraction"][()]]
        out["targets"] = [{k: (_s(r[k]) if isinstance(r[k], bytes) else r[k].item() if hasattr(r[k], "item") else r[k])
                           for k in r.dtype.names} for r in g["targets"][()]]
        out["loo"] = g["emulator_loo"][()] if "emulator_loo" in g else None
        out["loto"] = ([{k: (_s(r[k]) if isinstance(r[k], bytes) else r[k].item()) for k in r.dtype.names}
                        for r in g["leave_one_target_out"][()]] if "leave_one_target_out" in g else [])
        out["posterior"] = ([{k: (_s(r[k]) if isinstance(r[k], bytes) else r[k].item()) for k in r.dtype.names}
                             for r in g["posterior"][()]] if "posterior" in g else None)
    if out["posterior"] is None:  # a CAL.h5 of the first version: recompute from the accepted sets
        out["posterior"] = _posterior_from_accepted(out)
    return out


def _unit(x, lo, hi, transform):
    if transform == "log":
        return (np.log(x) - math.log(lo)) / (math.log(hi) - math.log(lo))
    return (x - lo) / (hi - lo)


def _posterior_from_accepted(cal):
    rows = []
    for j, name in enumerate(cal["parameters"]):
        lo, hi, tr = cal["prior_min"][j], cal["prior_max"][j], cal["transforms"][j]
        acc = cal["accepted"][:, j] if len(cal["accepted"]) else np.empty(0)
        if acc.size:
            plo, pmed, phi = (float(x) for x in np.percentile(acc, [2.5, 50, 97.5]))
            ratio = float(_unit(phi, lo, hi, tr) - _unit(plo, lo, hi, tr)) / 0.95
        else:
            plo = pmed = phi = ratio = float("nan")
        rows.append({"name": name, "transform": tr, "prior_min": lo, "prior_max": hi, "posterior_low": plo,
                     "posterior_median": pmed, "posterior_high": phi, "width_ratio": ratio})
    return rows


def verdict(ratio):
    """What the targets did to a parameter, from its posterior/prior width ratio."""
    if not math.isfinite(ratio):
        return "no accepted set"
    if ratio >= STILL_ASSUMED_RATIO:
        return "not pinned down: still an assumption"
    if ratio >= PINNED_RATIO:
        return "narrowed"
    return "pinned down"


def wave1_sensitivity(cal):
    """Standardised regression coefficients of each target on each parameter
    (unit scale) over wave 1's Latin hypercube: which parameter moves which
    target. Returns {target: [src per parameter]}."""
    d = len(cal["parameters"])
    design = cal["design"]
    w1 = design[:, d] == 1
    u = np.column_stack([_unit(design[w1, j], cal["prior_min"][j], cal["prior_max"][j], cal["transforms"][j])
                         for j in range(d)])
    out = {}
    for k, name in enumerate(cal["output_names"]):
        y = cal["outputs"][w1, k]
        ok = np.isfinite(y)
        if ok.sum() <= d + 1 or np.std(y[ok]) == 0:
            out[name] = [float("nan")] * d
            continue
        X = np.column_stack([np.ones(ok.sum()), u[ok]])
        beta, *_ = np.linalg.lstsq(X, y[ok], rcond=None)
        sx = u[ok].std(axis=0)
        out[name] = [float(beta[j + 1] * sx[j] / np.std(y[ok])) for j in range(d)]
    return out


def _inside(v, lo, hi):
    return math.isfinite(v) and lo <= v <= hi


def summary_sentences(cal, sens):
    """The plain sentences: what the data did and did not pin down, computed."""
    post = cal["posterior"]
    pinned = [p["name"] for p in post if verdict(p["width_ratio"]) == "pinned down"]
    narrowed = [p["name"] for p in post if verdict(p["width_ratio"]) == "narrowed"]
    free = [p["name"] for p in post if verdict(p["width_ratio"]).startswith("not pinned")]
    fitted = [t for t in cal["targets"] if t["fitted"]]
    held = [t for t in cal["targets"] if not t["fitted"]]
    out = []
    out.append(f"{len(cal['accepted'])} parameter sets of the prior remain non-implausible after "
               f"{cal['waves']} waves (a share {cal['fraction'][-1]:.3f} of the prior) against "
               f"{len(fitted)} fitted target(s).")
    if pinned:
        out.append("The targets pinned down " + ", ".join(pinned) + ".")
    if narrowed:
        out.append("They narrowed " + ", ".join(narrowed) + " without pinning it down.")
    if free:
        out.append(", ".join(free) + (" is" if len(free) == 1 else " are") + " not pinned down by these targets "
                   "(the accepted sets span at least " + f"{STILL_ASSUMED_RATIO:.0%}" + " of the prior): "
                   + ("its value is still an assumption." if len(free) == 1 else "their values are still assumptions."))
    unmoved = []
    for j, name in enumerate(cal["parameters"]):
        if all(not (math.isfinite(v[j]) and abs(v[j]) >= MOVES_SRC)
               for t, v in sens.items() if any(q["name"] == t and q["fitted"] for q in cal["targets"])):
            unmoved.append(name)
    if unmoved:
        out.append("In wave 1, no fitted target moves " + ", ".join(unmoved) + ": nothing here informs it.")
    missed = [t["name"] for t in fitted if not _inside(t["model_after"], t["low"], t["high"])]
    if missed:
        out.append("After the fit the model's mean is still outside the field interval of " + ", ".join(missed)
                   + " (within the discrepancy allowed, or a misfit the parameters cannot remove).")
    if held:
        ok = [t["name"] for t in held if _inside(t["model_after"], t["low"], t["high"])]
        ko = [t["name"] for t in held if not _inside(t["model_after"], t["low"], t["high"])]
        if ok:
            out.append("Held out and reproduced: " + ", ".join(ok) + ".")
        if ko:
            out.append("Held out and NOT reproduced (the model's mean lies outside the field interval): "
                       + ", ".join(ko) + ".")
    bad = [r["target"] for r in cal["loto"] if not r["reached"]]
    if cal["loto"]:
        if bad:
            out.append("Left out in turn, " + ", ".join(bad) + " is not reached by the fit to the other targets: "
                       "it alone informs its parameters.")
        else:
            out.append("Left out in turn, every fitted target's field interval is still reached by the fit "
                       "to the others.")
    return out


def _cell(text, cls="n", ci=""):
    return {"text": text, "cls": cls, "ci": ci}


def target_figure(cal):
    """One small panel per target: the field interval (bar), its value
    (tick), the model before (prior mean, grey) and after (accepted, blue)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from . import plots
    ts = cal["targets"]
    fig, axes = plt.subplots(len(ts), 1, figsize=(8.5, 0.9 * len(ts) + 0.6), squeeze=False)
    for ax, t in zip(axes[:, 0], ts):
        lo, hi, v = t["low"], t["high"], t["value"]
        disc = t.get("discrepancy", 0.0) or 0.0
        ax.plot([lo - 2 * disc, hi + 2 * disc], [0, 0], color="#f0c36d", lw=8, solid_capstyle="butt")
        ax.plot([lo, hi], [0, 0], color="#2e7d32", lw=8, solid_capstyle="butt")
        ax.plot([v], [0], "|", color="black", ms=18, mew=2)
        for key, col, mk in (("model_before", "#888888", "o"), ("model_after", "#1b6ca8", "D")):
            m = t[key]
            if math.isfinite(m):
                ax.plot([m], [0], mk, color=col, ms=8)
        xs = [x for x in (lo - 2 * disc, hi + 2 * disc, t["model_before"], t["model_after"]) if math.isfinite(x)]
        pad = 0.08 * (max(xs) - min(xs) or 1)
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_yticks([])
        ax.set_title(f"{t['name']} ({t['territory']}, {'fitted' if t['fitted'] else 'held out'})",
                     fontsize=9, loc="left")
        for s in ("top", "right", "left"):
            ax.spines[s].set_visible(False)
    axes[-1, 0].plot([], [], color="#2e7d32", lw=8, label="field 95 % interval")
    axes[-1, 0].plot([], [], color="#f0c36d", lw=8, label="widened by 2 x the discrepancy sd")
    axes[-1, 0].plot([], [], "o", color="#888888", label="model before (prior mean, wave 1)")
    axes[-1, 0].plot([], [], "D", color="#1b6ca8", label="model after (accepted sets)")
    axes[-1, 0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.5), ncol=2, fontsize=8, frameon=False)
    fig.tight_layout()
    return plots.png(fig)


def context(path):
    """The template's context for one CAL.h5."""
    cal = read(path)
    sens = wave1_sensitivity(cal)
    head = ["target", "territory", "field value (small print: 95 % interval; discrepancy sd)",
            "model before (prior mean)", "model after (accepted sets; small print: simulated)", "after inside",
            "role", "source"]
    rows = []
    for t in cal["targets"]:
        disc = t.get("discrepancy", 0.0) or 0.0
        ci = f"[{_num(t['low'])}, {_num(t['high'])}]" + (f"; ± {_num(disc)}" if disc else "")
        inside = _inside(t["model_after"], t["low"], t["high"])
        rows.append({"name": t["name"], "cells": [
            _cell(t["territory"], "txt"), _cell(_num(t["value"]), ci=ci), _cell(_num(t["model_before"])),
            _cell(_num(t["model_after"]), ci=_num(t["model_after_simulated"])),
            _cell("yes" if inside else "no", "good" if inside else "bad"),
            _cell("fitted" if t["fitted"] else "held out", "txt"), _cell(t["source"], "txt")]})
    targets = {"head": head, "rows": rows}
    prows = []
    for p in cal["posterior"]:
        v = verdict(p["width_ratio"])
        prows.append({"name": p["name"], "cells": [
            _cell(f"[{_num(p['prior_min'])}, {_num(p['prior_max'])}] ({p['transform']})", "txt"),
            _cell(f"[{_num(p['posterior_low'])}, {_num(p['posterior_high'])}]", "txt"),
            _cell(_num(p["posterior_median"])), _cell(_num(p["width_ratio"])),
            _cell(v, "good" if v == "pinned down" else "unclear" if v.startswith("not") else "txt")]})
    params = {"head": ["parameter", "prior", "posterior (accepted sets, central 95 %)", "median (the emitted value where pinned or narrowed)",
                       "width / prior width", "what the targets did"], "rows": prows}
    srows = [{"name": n, "cells": [_cell(_num(x)) for x in v]} for n, v in sens.items()]
    sens_t = {"head": ["target"] + cal["parameters"], "rows": srows}
    lrows = [{"name": r["target"], "cells": [
        _cell(_num(r["kept_share"])), _cell(f"[{_num(r['predicted_low'])}, {_num(r['predicted_high'])}]", "txt"),
        _cell(_num(r["share_inside_field_interval"])),
        _cell("reached" if r["reached"] else "not reached", "good" if r["reached"] else "bad")]}
        for r in cal["loto"]]
    loto = {"head": ["left-out target", "share of the prior the others keep", "its predicted mean there (95 %)",
                     "share inside its field interval", "verdict"], "rows": lrows} if lrows else None
    erows = []
    if cal["loo"] is not None and len(cal["loo"]):
        loo = cal["loo"]
        last = loo["wave"].max()
        for n in dict.fromkeys(_s(x) for x in loo["target"]):
            e = loo["standardised_error"][(loo["wave"] == last) & (np.array([_s(x) for x in loo["target"]]) == n)]
            e = e[np.isfinite(e)]
            erows.append({"name": n, "cells": [_cell(str(len(e))),
                                               _cell(_num(float(np.mean(np.abs(e) <= 2))) if e.size else "n/a")]})
    emul = {"head": ["target", f"points (wave {int(cal['loo']['wave'].max()) if erows else 0})",
                     "leave-one-out errors within ± 2 sd (about 0.95 expected)"], "rows": erows}
    meta = [("calibration", cal["name"]), ("method", cal["method"]), ("cut-off", _num(cal["cutoff"])),
            ("design", f"{cal['waves']} waves of {cal['points_per_wave']} points x {cal['replicates']} replicates"),
            ("simulations", f"{cal['simulations']} in {cal['sim_wall']:.0f} s ({cal['sims_per_s']:.1f} per s); "
                            f"wall {cal['wall']:.0f} s in all"),
            ("non-implausible share after each wave", ", ".join(f"{x:.3f}" for x in cal["fraction"])),
            ("accepted sets", str(len(cal["accepted"]))), ("software", cal["version"]), ("created", cal["created"])]
    return {"meta": meta, "targets": targets, "parameters": params, "sensitivity": sens_t, "loto": loto,
            "emulators": emul, "sentences": summary_sentences(cal, sens), "figure": target_figure(cal),
            "moves": MOVES_SRC, "still": STILL_ASSUMED_RATIO}


def render(path):
    from .report import CSS, _environment
    env = _environment()
    page = env.get_template("calibration_page.html")
    return page.render(title=f"Passerelle calibration: {context_name(path)}", css=CSS,
                       calibration_fit=context(path), source=os.path.basename(path),
                       generated=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))


def context_name(path):
    import h5py
    with h5py.File(path, "r") as f:
        return _s(f["calibration"].attrs.get("name", ""))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="passerelle report (calibration)",
                                 description="Write the HTML report of a calibration file (CAL.h5).")
    ap.add_argument("calibration", help="calibration file (passerelle calibrate -o)")
    ap.add_argument("-o", "--output", required=True, help="report file (HTML)")
    a = ap.parse_args(argv)
    if not is_calibration_file(a.calibration):
        print(f"passerelle report: {a.calibration}: not a calibration file (no /calibration/design)",
              file=sys.stderr)
        return 2
    try:
        page = render(a.calibration)
        tmp = a.output + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(page)
        os.replace(tmp, a.output)
    except (RuntimeError, OSError, KeyError) as e:
        print(f"passerelle report: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
