"""The territory as a map: localities at their coordinates (x_km, y_km of
/territory/localities), sized by population and shaded by an option's
paired difference from the baseline in a per-locality metric
(/scenarios/<name>/by_locality/<metric>), with each intervention's
catchment outlined (its `<type>.catchment` or `<type>.locality` parameter)."""
import math

import h5py
import numpy as np

from .io import _attr, _strings  # one reader of names and attributes


def by_locality(path, metric):
    """{scenario: replicates x localities} of one per-locality metric, and the
    locality names; ({}, []) when the file has none."""
    out, names = {}, []
    with h5py.File(path, "r") as f:
        for sc in f.get("scenarios", {}):
            g = f["scenarios"][sc]
            if "by_locality" in g and metric in g["by_locality"]:
                ds = g["by_locality"][metric]
                out[sc] = np.asarray(ds[()], dtype=float)
                if not names and "localities" in ds.attrs:
                    names = [str(x) for x in _attr(ds, "localities", [])]
    return out, names


def catchment(parameters, scenario):
    """Names of the localities an option's interventions name (catchments,
    a house's locality), from its effective parameters."""
    p = parameters[parameters["scenario"] == scenario] if len(parameters) else parameters
    names = set()
    for _, row in p.iterrows():
        key = str(row["name"]).split(".")[-1]
        if key not in ("catchment", "locality"):
            continue
        v = str(row["value"]).strip()
        if v.startswith("[") and v.endswith("]"):
            v = v[1:-1]
        names.update(x.strip().strip('"') for x in v.split(",") if x.strip())
    return names


def paired_mean_difference(per_scenario, scenario, baseline):
    """Mean over replicates of scenario − baseline, locality by locality
    (replicate k of both shares its random numbers); None when missing."""
    a, b = per_scenario.get(scenario), per_scenario.get(baseline)
    if a is None or b is None or a.shape[1] != b.shape[1]:
        return None
    n = min(len(a), len(b))
    return np.nanmean(a[:n] - b[:n], axis=0)
