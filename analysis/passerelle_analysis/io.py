"""Reading a Passerelle results file (HDF5, layout in CONTRACTS.md and
analysis/README.md) into pandas DataFrames. Only h5py is used to read: the
file is the interface, not the C++ code."""
from dataclasses import dataclass, field

try:
    import h5py
except ImportError as e:  # not a pip dependency: Debian's python3-h5py is not seen by pip (pyproject.toml)
    raise ImportError("passerelle_analysis needs h5py (Debian: apt-get install python3-h5py)") from e
import numpy as np
import pandas as pd

BREAKDOWNS = ("by_need_type", "by_precarity", "by_rurality")


def _s(v):
    """An attribute or dataset element as str (h5py gives str or bytes)."""
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return str(v)


def _strings(ds):
    return [_s(x) for x in ds[()]]


def _attr(obj, name, default=None):
    if name not in obj.attrs:
        return default
    v = obj.attrs[name]
    if isinstance(v, (bytes, str)):
        return _s(v)
    if isinstance(v, np.ndarray):
        return [_s(x) if isinstance(x, (bytes, str)) else x.item() for x in v]
    return v.item() if hasattr(v, "item") else v


@dataclass
class Results:
    """Everything in a results file. Frames are empty (with their columns)
    when the file has no such part, so code need not test for None."""
    path: str
    attrs: dict
    scenarios: list
    baseline: str
    units: dict                      # summary field -> unit
    summary: pd.DataFrame            # scenario, replicate, <fields>
    weekly: pd.DataFrame             # scenario, metric, replicate, week, value
    by_need_type: pd.DataFrame       # scenario, metric, replicate, category, value
    by_precarity: pd.DataFrame
    by_rurality: pd.DataFrame
    comparisons: pd.DataFrame        # scenario, metric, baseline_mean, …, units
    parameters: pd.DataFrame         # scenario, name, value, unit, source
    sensitivity: pd.DataFrame        # metric, parameter, prcc
    sweep_points: pd.DataFrame       # scenario, <parameters>
    calibration: pd.DataFrame        # target name, target, ci_low, ci_high, model, model_mean, …, territory
    localities: pd.DataFrame         # name, population, rurality, …
    descriptions: dict = field(default_factory=dict)  # scenario -> description
    weekly_units: dict = field(default_factory=dict)  # metric -> unit
    # [uncertainty] (probabilistic sensitivity analysis): one row per option and
    # draw: option, draw, <parameters>, cost_eur_per_year, gp_hours_freed_per_year,
    # unmet_need_days_averted (the draw's paired difference from the baseline,
    # mean over replicates; the baseline's rows are 0). Empty without one.
    uncertainty: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["option", "draw"]))
    uncertainty_ceac: pd.DataFrame = field(  # wtp, option, probability
        default_factory=lambda: pd.DataFrame(columns=["wtp", "option", "probability"]))
    draw_scenarios: list = field(default_factory=list)  # scenarios made by [uncertainty] (name@d<k>)

    @property
    def sweep_scenarios(self):
        """Scenarios made by a [sweep] (one per point)."""
        return list(self.sweep_points["scenario"]) if len(self.sweep_points) else []

    @property
    def has_uncertainty(self):
        """Whether the file has parameter draws ([uncertainty])."""
        return len(self.uncertainty) > 0

    @property
    def main_scenarios(self):
        """The scenarios written by hand, baseline first."""
        sw = set(self.sweep_scenarios) | set(self.draw_scenarios)
        rest = [s for s in self.scenarios if s not in sw and s != self.baseline]
        return ([self.baseline] if self.baseline in self.scenarios else []) + rest


def _replicates(summary_rows, n):
    rep = summary_rows.get("replicate")
    if rep is not None and len(rep) == n:
        return np.asarray(rep, dtype=int)
    return np.arange(n)


def _matrix_long(ds, scenario, metric, replicates, inner):
    """A replicates x K matrix as long rows (scenario, metric, replicate, <inner>, value)."""
    a = np.asarray(ds[()], dtype=float)
    r, k = a.shape
    labels = _attr(ds, "categories") if inner == "category" else None
    if inner == "category" and labels and len(labels) == k:
        cols = np.asarray(labels, dtype=object)
    else:
        cols = np.arange(k)
    return pd.DataFrame({
        "scenario": scenario, "metric": metric,
        "replicate": np.repeat(replicates[:r] if len(replicates) >= r else np.arange(r), k),
        inner: np.tile(cols, r),
        "value": a.reshape(-1)})


def _concat(frames, columns):
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def _uncertainty(f):
    """/uncertainty as (draws frame, acceptability frame); empty frames without it."""
    draws = pd.DataFrame(columns=["option", "draw"])
    ceac = pd.DataFrame(columns=["wtp", "option", "probability"])
    if "uncertainty" not in f:
        return draws, ceac
    u = f["uncertainty"]
    params, options = _strings(u["parameters"]), _strings(u["options"])
    values = np.asarray(u["draws"][()], dtype=float).reshape(-1, len(params))
    frames = []
    for o in options:
        if "option" not in u or o not in u["option"]:
            continue
        d = pd.DataFrame(values, columns=params)
        d.insert(0, "draw", np.arange(len(values)))
        d.insert(0, "option", o)
        diff = u["option"][o]["diff"]
        for m in diff:
            d[m] = np.asarray(diff[m][()], dtype=float).reshape(-1)
        frames.append(d)
    if frames:
        draws = pd.concat(frames, ignore_index=True)
    if "ceac" in u and "wtp" in u:
        wtp = np.asarray(u["wtp"][()], dtype=float).reshape(-1)
        p = np.asarray(u["ceac"][()], dtype=float).reshape(len(wtp), len(options))
        ceac = pd.DataFrame({"wtp": np.repeat(wtp, len(options)), "option": np.tile(options, len(wtp)),
                             "probability": p.reshape(-1)})
    return draws, ceac


def load(path, draw_series=True):
    """Reads a results file. Raises OSError if it is not a readable HDF5 file
    and KeyError if it lacks the scenario list. draw_series=False skips the
    weekly series, breakdowns and parameter lists of [uncertainty] draw
    scenarios (their summaries are still read): the report uses none of them,
    and reading them made it ~5x slower with 50 draws (experiments/README.md)."""
    with h5py.File(path, "r") as f:
        attrs = {k: _attr(f, k) for k in f.attrs}
        scenarios = attrs.get("scenarios")
        if scenarios is None:
            raise KeyError(f"{path}: no 'scenarios' attribute: not a Passerelle results file")
        baseline = attrs.get("baseline") or scenarios[0]
        units, descriptions, weekly_units = {}, {}, {}
        summary, weekly, parameters = [], [], []
        breakdowns = {b: [] for b in BREAKDOWNS}
        draw_scenarios = []
        for sc in scenarios:
            g = f["scenarios"][sc]
            descriptions[sc] = _attr(g, "description", "")
            is_draw = "uncertainty_draw" in g.attrs
            if is_draw:
                draw_scenarios.append(sc)
            tab = g["summary"][()]
            fields = list(tab.dtype.names)
            if not (is_draw and units):  # a draw has its option's fields: no need to read them again
                for name, unit in zip(_attr(g["summary"], "fields", fields),
                                      _attr(g["summary"], "units", [""] * len(fields))):
                    units.setdefault(name, unit)
            df = pd.DataFrame({name: tab[name] for name in fields})
            df.insert(0, "scenario", sc)
            summary.append(df)
            if is_draw and not draw_series:
                continue
            reps = _replicates(df, len(df))
            if "weekly" in g:
                for m in g["weekly"]:
                    weekly_units.setdefault(m, _attr(g["weekly"][m], "units", ""))
                    weekly.append(_matrix_long(g["weekly"][m], sc, m, reps, "week"))
            for b in BREAKDOWNS:
                if b in g:
                    for m in g[b]:
                        breakdowns[b].append(_matrix_long(g[b][m], sc, m, reps, "category"))
            if "parameters" in g:
                p = g["parameters"]
                cols = {c: _strings(p[c]) for c in ("name", "value", "unit", "source") if c in p}
                pf = pd.DataFrame(cols)
                pf.insert(0, "scenario", sc)
                parameters.append(pf)

        comparisons = []
        if "comparisons" in f:
            for sc in f["comparisons"]:
                ds = f["comparisons"][sc]
                t = ds[()]
                cf = pd.DataFrame({n: t[n] for n in t.dtype.names})
                names = _attr(ds, "metrics", [])
                mu = _attr(ds, "metric_units", [""] * len(names))
                idx = cf["metric_index"].to_numpy()
                cf.insert(0, "metric", [names[i] for i in idx])
                cf.insert(0, "scenario", sc)
                cf["units"] = [mu[i] for i in idx]
                comparisons.append(cf.drop(columns=["metric_index"]))
        # Keep the file's scenario order.
        order = {s: i for i, s in enumerate(scenarios)}
        comparisons.sort(key=lambda d: order.get(d["scenario"].iloc[0], 0) if len(d) else 0)

        sensitivity = pd.DataFrame(columns=["metric", "parameter", "prcc"])
        sweep_points = pd.DataFrame(columns=["scenario"])
        if "sensitivity" in f:
            s = f["sensitivity"]
            attrs["sweep_method"] = _attr(s, "method", "")
            metrics, params = _strings(s["metrics"]), _strings(s["parameters"])
            prcc = np.asarray(s["prcc"][()], dtype=float).reshape(len(metrics), len(params))
            sensitivity = pd.DataFrame({"metric": np.repeat(metrics, len(params)),
                                        "parameter": np.tile(params, len(metrics)),
                                        "prcc": prcc.reshape(-1)})
            if "prcc_p_value" in s:  # the t test's p-value (files written before it lack it)
                sensitivity["p_value"] = np.asarray(s["prcc_p_value"][()], dtype=float).reshape(-1)
            pts = np.asarray(s["points"][()], dtype=float).reshape(-1, len(params))
            sweep_points = pd.DataFrame(pts, columns=params)
            sweep_points.insert(0, "scenario", _strings(s["scenarios"]))

        calibration = []
        if "calibration" in f:
            for name in f["calibration"]:
                ds = f["calibration"][name]
                if not isinstance(ds, h5py.Dataset):
                    continue
                vals = np.asarray(ds[()], dtype=float).reshape(-1) if ds.dtype.kind in "fiu" else np.array([])
                model = _attr(ds, "model")
                row = {"name": name, "target": _attr(ds, "target", np.nan), "ci_low": _attr(ds, "ci_low", np.nan),
                       "ci_high": _attr(ds, "ci_high", np.nan), "units": _attr(ds, "units", ""),
                       "model": model, "values": vals, "description": _attr(ds, "description", ""),
                       "scenario": _attr(ds, "scenario", ""), "source": _attr(ds, "source", ""),
                       # Which territory the field figure is about (a `territory`
                       # attribute on the target, else on the group); "" = not said.
                       "territory": _attr(ds, "territory", _attr(f["calibration"], "territory", ""))}
                # `model` may be the model's estimate or a text saying what it is.
                numeric = isinstance(model, (int, float)) and not isinstance(model, bool)
                row["model_mean"] = float(model) if numeric else (float(np.nanmean(vals)) if vals.size else np.nan)
                calibration.append(row)

        uncertainty, uncertainty_ceac = _uncertainty(f)
        if "uncertainty" in f:
            attrs["uncertainty_covers"] = _attr(f["uncertainty"], "covers", "")

        localities = pd.DataFrame()
        if "territory" in f and "localities" in f["territory"]:
            t = f["territory"]["localities"][()]
            localities = pd.DataFrame({n: t[n] for n in t.dtype.names})
            if "names" in f["territory"]:
                localities.insert(0, "name", _strings(f["territory"]["names"]))
        if "territory" in f and "gps" in f["territory"].attrs:
            attrs["gps"] = _attr(f["territory"], "gps")

    return Results(
        path=str(path), attrs=attrs, scenarios=list(scenarios), baseline=baseline, units=units,
        summary=_concat(summary, ["scenario", "replicate"]),
        weekly=_concat(weekly, ["scenario", "metric", "replicate", "week", "value"]),
        by_need_type=_concat(breakdowns["by_need_type"], ["scenario", "metric", "replicate", "category", "value"]),
        by_precarity=_concat(breakdowns["by_precarity"], ["scenario", "metric", "replicate", "category", "value"]),
        by_rurality=_concat(breakdowns["by_rurality"], ["scenario", "metric", "replicate", "category", "value"]),
        comparisons=_concat(comparisons, ["scenario", "metric", "baseline_mean", "scenario_mean", "mean_diff",
                                          "ci_low", "ci_high", "rel_pct", "n", "units"]),
        parameters=_concat(parameters, ["scenario", "name", "value", "unit", "source"]),
        sensitivity=sensitivity, sweep_points=sweep_points,
        calibration=pd.DataFrame(calibration, columns=["name", "target", "ci_low", "ci_high", "units", "model",
                                                       "values", "model_mean", "description", "scenario",
                                                       "source", "territory"]),
        localities=localities, descriptions=descriptions, weekly_units=weekly_units,
        uncertainty=uncertainty, uncertainty_ceac=uncertainty_ceac, draw_scenarios=draw_scenarios)
