#!/usr/bin/python3
"""Whether two Passerelle results files hold the same numbers.

Compares every dataset of /scenarios (summary tables, weekly series,
breakdowns, parameters) and of the analysis groups, bit for bit, ignoring
what legitimately differs between two runs of one experiment: the
`wall_seconds` field and the `created_utc` attribute. Used to check that a
refactor, forking or a thread/process count changes no result:

    same_results.py A.h5 B.h5        # exit 0 when identical, 1 otherwise
"""
import sys

import h5py
import numpy as np

IGNORED_FIELDS = {"wall_seconds"}


def datasets(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj) if isinstance(obj, h5py.Dataset) else None)
    return out


def same_array(a, b):
    if a.dtype.names:
        names = [n for n in a.dtype.names if n not in IGNORED_FIELDS]
        if b.dtype.names is None or names != [n for n in b.dtype.names if n not in IGNORED_FIELDS]:
            return "different fields"
        for n in names:
            why = same_array(a[n], b[n])
            if why:
                return f"field {n}: {why}"
        return ""
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype.kind == "f":
        if not np.array_equal(a, b, equal_nan=True):
            d = np.nanmax(np.abs(a.astype(float) - b.astype(float))) if a.size else 0
            return f"values differ (max |diff| {d})"
        return ""
    return "" if np.array_equal(a, b) else "values differ"


def compare(pa, pb):
    problems = []
    with h5py.File(pa, "r") as a, h5py.File(pb, "r") as b:
        da, db = datasets(a), datasets(b)
        for name in sorted(set(da) | set(db)):
            if name not in da or name not in db:
                problems.append(f"{name}: only in {'first' if name in da else 'second'} file")
                continue
            why = same_array(da[name][()], db[name][()])
            if why:
                problems.append(f"{name}: {why}")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: same_results.py A.h5 B.h5")
    problems = compare(sys.argv[1], sys.argv[2])
    for p in problems:
        print(p)
    print("identical" if not problems else f"{len(problems)} dataset(s) differ")
    sys.exit(1 if problems else 0)
