"""History matching of the model's assumed parameters to field targets
(`passerelle calibrate CALIBRATION.toml -o CAL.h5`; analysis/README.md
"Calibration").

The procedure (Craig et al. 1997; Vernon, Goldstein & Bower 2010; as in
JUNE, Aylett-Bullock et al. 2021):

1. wave 1: a Latin hypercube over the prior box (log scale where the file says
   `transform = "log"`); every point is a scenario of ONE generated
   experiment per (territory, experiment) group, run by one `passerelle run`;
2. one Gaussian-process emulator per target output (Matern 5/2 + white
   noise, inputs scaled to [0, 1]);
3. implausibility of a parameter set x for target z:
       I(x) = |z - E[f(x)]| / sqrt(Var_em(x) + Var_model + Var_obs)
   Var_em: the emulator's variance (its white-noise part removed),
   Var_model: the run-to-run (Monte-Carlo) variance of one run, from the
   replicates (the emulator's white-noise level when replicates = 1),
   Var_obs: the field interval read as a 95 % normal interval,
   ((high - low) / 3.92)^2,
   Var_discrepancy: the target's `discrepancy` (a standard deviation in
   the output's unit, 0 by default) squared: how far the simulated
   population may honestly differ from the one the figure was measured on
   (another country, a national mean for one valley). x is non-implausible when max over fitted targets
   of I(x) < cutoff (3: Pukelsheim's three-sigma rule);
4. a large space-filling sample of the prior is kept where every wave's
   emulators find it non-implausible; the next wave's design is drawn from
   it; the final wave's non-implausible samples are the accepted sets.

Exit codes as the CLI's: 2 invalid input (file:line: what was expected,
nothing written), 1 failure while running.
"""
import argparse
import datetime
import json
import math
import os
import re
import subprocess
import sys
import tempfile
import time
import tomllib

import numpy as np

Z975 = 1.959963984540054


class CalibrationInputError(Exception):
    """Invalid calibration file: `str()` is "file:line: message"."""


# --------------------------------------------------------------------------
# The implausibility measure (unit-tested on its own).

def obs_variance(low, high):
    """Variance of a field figure whose 95 % interval is [low, high], read as
    a normal interval: ((high - low) / (2 * 1.96))^2."""
    return ((float(high) - float(low)) / (2 * Z975)) ** 2


def implausibility(z, mean, var_emulator, var_model, var_obs):
    """I = |z - E[f(x)]| / sqrt(Var_em + Var_model + Var_obs), elementwise."""
    mean = np.asarray(mean, dtype=float)
    total = np.asarray(var_emulator, dtype=float) + var_model + var_obs
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.abs(z - mean) / np.sqrt(total)
    return np.where(total > 0, out, np.where(np.abs(z - mean) > 0, np.inf, 0.0))


# --------------------------------------------------------------------------
# Reading and checking the calibration file.

CAL_KEYS = {"name", "description", "waves", "points_per_wave", "replicates", "seed", "cutoff", "candidates"}
PARAM_KEYS = {"name", "min", "max", "transform", "description"}
TARGET_KEYS = {"name", "output", "territory", "experiment", "value", "low", "high", "source", "held_out",
               "description", "discrepancy"}


class _Lines:
    """Finds the line of a key inside the k-th [[table]] (tomllib gives none)."""

    def __init__(self, text):
        self.lines = text.splitlines()

    def find(self, table, index=None, key=None):
        count, inside, header = -1, False, 0
        for i, raw in enumerate(self.lines, 1):
            s = raw.strip()
            m = re.match(r"^\[\[\s*([^\]]+?)\s*\]\]", s) or re.match(r"^\[\s*([^\]]+?)\s*\]", s)
            if m:
                name = m.group(1)
                is_array = s.startswith("[[")
                if name == table and (is_array or index is None):
                    count += 1
                    inside = index is None or count == index
                    if inside:
                        header = i
                elif not name.startswith(table + "."):
                    inside = False
                continue
            if inside and key is not None and re.match(r'^"?' + re.escape(key) + r'"?\s*=', s):
                return i
        return header


def _fail(path, line, message):
    raise CalibrationInputError(f"{path}:{line}: {message}" if line else f"{path}: {message}")


def _number(path, line, where, v):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        _fail(path, line, f"{where}: expected a finite number, got {v!r}")
    return float(v)


def load_calibration(path):
    """Parses and checks a calibration file; returns a dict. Raises
    CalibrationInputError("file:line: ...")."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise CalibrationInputError(f"{path}: cannot read: {e.strerror}") from e
    try:
        text = raw.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError as e:
        raise CalibrationInputError(f"{path}: not UTF-8 text") from e
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+), column (\d+)\)", str(e))
        where = f"{path}:{m.group(1)}:{m.group(2)}" if m else path
        raise CalibrationInputError(f"{where}: TOML syntax: {str(e).split(' (at')[0]}") from e
    L = _Lines(text)
    for k in doc:
        if k not in ("calibration", "parameter", "target"):
            _fail(path, L.find(k), f"unknown table '{k}': expected [calibration], [[parameter]] or [[target]]")
    cal = doc.get("calibration")
    if not isinstance(cal, dict):
        _fail(path, 0, "expected a [calibration] table (name, waves, points_per_wave, replicates, seed, cutoff)")
    for k in cal:
        if k not in CAL_KEYS:
            _fail(path, L.find("calibration", None, k),
                  f"[calibration]: unknown key '{k}': expected one of {', '.join(sorted(CAL_KEYS))}")

    def integer(key, default, lo, hi):
        v = cal.get(key, default)
        line = L.find("calibration", None, key)
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            _fail(path, line, f"[calibration] {key}: expected an integer in [{lo}, {hi}], got {v!r}")
        return v

    name = cal.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", name or ""):
        _fail(path, L.find("calibration", None, "name") or L.find("calibration"),
              f"[calibration] name: expected 1 to 100 letters, digits, '_', '-' or '.', got {name!r}")
    out = {"path": os.path.abspath(path), "text": text, "name": name,
           "description": str(cal.get("description", "")),
           "waves": integer("waves", 2, 1, 20), "points_per_wave": integer("points_per_wave", 40, 3, 100000),
           "replicates": integer("replicates", 2, 1, 100000), "seed": integer("seed", 1, 0, 2 ** 53),
           "candidates": integer("candidates", 20000, 100, 10_000_000)}
    cutoff = cal.get("cutoff", 3.0)
    line = L.find("calibration", None, "cutoff")
    if _number(path, line, "[calibration] cutoff", cutoff) <= 0:
        _fail(path, line, f"[calibration] cutoff: expected a positive number, got {cutoff!r}")
    out["cutoff"] = float(cutoff)

    params = doc.get("parameter", [])
    if not isinstance(params, list) or not params:
        _fail(path, 0, "expected at least one [[parameter]] (name, min, max, transform)")
    out["parameters"] = []
    for i, p in enumerate(params):
        hl = L.find("parameter", i)
        for k in p:
            if k not in PARAM_KEYS:
                _fail(path, L.find("parameter", i, k),
                      f"[[parameter]] {i + 1}: unknown key '{k}': expected one of {', '.join(sorted(PARAM_KEYS))}")
        pname = p.get("name")
        if not isinstance(pname, str) or not pname:
            _fail(path, hl, f"[[parameter]] {i + 1}: expected name = \"<parameter>\" (passerelle params)")
        if any(q["name"] == pname for q in out["parameters"]):
            _fail(path, L.find("parameter", i, "name"), f"parameter '{pname}': named twice")
        for k in ("min", "max"):
            if k not in p:
                _fail(path, hl, f"parameter '{pname}': expected {k} = <number> (its prior range)")
        lo = _number(path, L.find("parameter", i, "min"), f"parameter '{pname}' min", p["min"])
        hi = _number(path, L.find("parameter", i, "max"), f"parameter '{pname}' max", p["max"])
        if not lo < hi:
            _fail(path, L.find("parameter", i, "max"),
                  f"parameter '{pname}': empty or inverted prior range [{lo:g}, {hi:g}]: expected min < max")
        tr = p.get("transform", "linear")
        if tr not in ("linear", "log"):
            _fail(path, L.find("parameter", i, "transform"),
                  f"parameter '{pname}' transform: expected \"linear\" or \"log\", got {tr!r}")
        if tr == "log" and lo <= 0:
            _fail(path, L.find("parameter", i, "min"),
                  f"parameter '{pname}': transform = \"log\" needs min > 0, got {lo:g}")
        out["parameters"].append({"name": pname, "min": lo, "max": hi, "transform": tr,
                                  "line": L.find("parameter", i, "name") or hl})

    targets = doc.get("target", [])
    if not isinstance(targets, list) or not targets:
        _fail(path, 0, "expected at least one [[target]] (name, output, territory, experiment, value, low, high)")
    out["targets"] = []
    base = os.path.dirname(os.path.abspath(path))
    for i, t in enumerate(targets):
        hl = L.find("target", i)
        for k in t:
            if k not in TARGET_KEYS:
                _fail(path, L.find("target", i, k),
                      f"[[target]] {i + 1}: unknown key '{k}': expected one of {', '.join(sorted(TARGET_KEYS))}")
        tname = t.get("name")
        if not isinstance(tname, str) or not re.fullmatch(r"[A-Za-z0-9_.-]{1,100}", tname or ""):
            _fail(path, hl, f"[[target]] {i + 1}: expected name = \"<letters, digits, _ - .>\", got {tname!r}")
        if any(q["name"] == tname for q in out["targets"]):
            _fail(path, L.find("target", i, "name"), f"target '{tname}': named twice")
        for k in ("output", "territory", "experiment", "value", "low", "high"):
            if k not in t:
                _fail(path, hl, f"target '{tname}': expected {k} = ...")
        for k in ("output", "territory"):
            if not isinstance(t[k], str) or not t[k]:
                _fail(path, L.find("target", i, k), f"target '{tname}' {k}: expected a non-empty string")
        if len(output_fields(t["output"])) > 2 or not all(output_fields(t["output"])):
            _fail(path, L.find("target", i, "output"),
                  f"target '{tname}' output: expected a summary field or 'numerator / denominator', "
                  f"got {t['output']!r}")
        v = _number(path, L.find("target", i, "value"), f"target '{tname}' value", t["value"])
        lo = _number(path, L.find("target", i, "low"), f"target '{tname}' low", t["low"])
        hi = _number(path, L.find("target", i, "high"), f"target '{tname}' high", t["high"])
        if not lo < hi:
            _fail(path, L.find("target", i, "high"),
                  f"target '{tname}': empty or inverted field interval [{lo:g}, {hi:g}]: expected low < high")
        if not lo <= v <= hi:
            _fail(path, L.find("target", i, "value"),
                  f"target '{tname}': the field interval [{lo:g}, {hi:g}] excludes its own value {v:g}")
        disc = _number(path, L.find("target", i, "discrepancy"), f"target '{tname}' discrepancy",
                       t.get("discrepancy", 0.0))
        if disc < 0:
            _fail(path, L.find("target", i, "discrepancy"),
                  f"target '{tname}' discrepancy: expected a standard deviation >= 0, got {disc:g}")
        held = t.get("held_out", False)
        if not isinstance(held, bool):
            _fail(path, L.find("target", i, "held_out"), f"target '{tname}' held_out: expected true or false")
        exp = t["experiment"]
        eline = L.find("target", i, "experiment") or hl
        if isinstance(exp, str):
            epath = exp if os.path.isabs(exp) else os.path.join(base, exp)
            try:
                with open(epath, "rb") as f:
                    edoc = tomllib.load(f)
            except OSError as e:
                _fail(path, eline, f"target '{tname}' experiment: cannot read {exp!r}: {e.strerror}")
            except tomllib.TOMLDecodeError as e:
                _fail(path, eline, f"target '{tname}' experiment {exp!r}: TOML syntax: {e}")
            ekey = os.path.abspath(epath)
        elif isinstance(exp, dict):
            edoc, ekey = exp, "inline:" + json.dumps(exp, sort_keys=True, default=str)
        else:
            _fail(path, eline, f"target '{tname}' experiment: expected a file name or an inline table")
        out["targets"].append({"name": tname, "output": t["output"], "territory": t["territory"], "value": v,
                               "low": lo, "high": hi, "source": str(t.get("source", "")), "held_out": held,
                               "discrepancy": disc,
                               "description": str(t.get("description", "")),
                               "experiment": edoc, "experiment_key": ekey, "line": L.find("target", i, "name") or hl,
                               "output_line": L.find("target", i, "output") or hl, "experiment_line": eline})
    if all(t["held_out"] for t in out["targets"]):
        _fail(path, 0, "every target is held_out: expected at least one fitted target")
    return out


# --------------------------------------------------------------------------
# Parameter space: the unit cube <-> the prior box (log where asked).

def to_natural(params, u):
    u = np.atleast_2d(u)
    x = np.empty_like(u, dtype=float)
    for j, p in enumerate(params):
        if p["transform"] == "log":
            a, b = math.log(p["min"]), math.log(p["max"])
            x[:, j] = np.exp(a + u[:, j] * (b - a))
        else:
            x[:, j] = p["min"] + u[:, j] * (p["max"] - p["min"])
    return x


def lhs(n, d, rng):
    from scipy.stats import qmc
    return qmc.LatinHypercube(d=d, seed=rng).random(n)


# --------------------------------------------------------------------------
# Running the model through the binary.

def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(float(v)) if isinstance(v, float) else str(v)
    if isinstance(v, str):
        return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(x)}" for k, x in v.items()) + " }"
    raise TypeError(f"cannot write {v!r} as TOML")


def _toml_key(k):
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _toml_value(k)


def _table(lines, header, table):
    lines.append(header)
    for k, v in table.items():
        lines.append(f"{_toml_key(k)} = {_toml_value(v)}")


def experiment_text(group, params, points, names, replicates, seed, horizon=None):
    """The generated experiment of one (territory, experiment) group: its
    first scenario (or baseline) once per point, with the point's values in
    [scenario.parameters] on top of the scenario's own."""
    edoc = group["experiment"]
    ex = dict(edoc.get("experiment", {}))
    scenarios = edoc.get("scenario", [{"name": "baseline"}])
    base_name = ex.get("baseline")
    base = next((s for s in scenarios if s.get("name") == base_name), scenarios[0])
    for k in ("baseline", "description"):
        ex.pop(k, None)
    ex["name"] = "calibration"
    ex["territory"] = group["territory"]
    ex["replicates"] = int(replicates)
    ex["seed"] = int(seed)
    ex.setdefault("horizon_weeks", 104)
    if horizon is not None:
        ex["horizon_weeks"], ex["warmup_weeks"] = horizon, 0
    lines = []
    _table(lines, "[experiment]", ex)
    if edoc.get("parameters"):
        _table(lines, "[parameters]", edoc["parameters"])
    for name, x in zip(names, points):
        lines.append("")
        lines.append("[[scenario]]")
        lines.append(f"name = {_toml_value(name)}")
        sp = dict(base.get("parameters", {}))
        sp.update({p["name"]: float(v) for p, v in zip(params, x)})
        _table(lines, "[scenario.parameters]", sp)
        for iv in base.get("intervention", []):
            _table(lines, "[[scenario.intervention]]", iv)
    return "\n".join(lines) + "\n"


def output_fields(output):
    """The summary fields an output names: "field", or "numerator / denominator"
    (a ratio taken replicate by replicate, e.g. a share of needs)."""
    return [x.strip() for x in output.split("/")]


def output_values(summary, output):
    """The output per replicate from a summary table (h5py dataset)."""
    fields = output_fields(output)
    num = np.asarray(summary[fields[0]], dtype=float)
    if len(fields) == 1:
        return num
    den = np.asarray(summary[fields[1]], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / den, np.nan)


def groups_of(cal):
    """Targets grouped by (territory, experiment): one generated experiment each."""
    groups = {}
    for t in cal["targets"]:
        key = (t["territory"], t["experiment_key"])
        g = groups.setdefault(key, {"territory": t["territory"], "experiment": t["experiment"], "targets": []})
        g["targets"].append(t)
    return list(groups.values())


def preflight(cal, groups, binary, workdir):
    """Before any real run: `passerelle validate` on each generated experiment
    (its message relayed, pointed at the calibration file's line), then a
    one-week run to check every target's output is a summary field."""
    import h5py
    centre = to_natural(cal["parameters"], np.full((1, len(cal["parameters"])), 0.5))
    for gi, g in enumerate(groups):
        path = os.path.join(workdir, f"preflight-{gi}.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(experiment_text(g, cal["parameters"], centre, ["centre"], 1, cal["seed"]))
        r = subprocess.run([binary, "validate", path], capture_output=True, text=True)
        if r.returncode != 0:
            msg = (r.stderr.strip() or r.stdout.strip()).replace("passerelle: error: ", "")
            msg = re.sub(re.escape(path) + r"(:\d+)*:?\s*", "", msg)  # its line means nothing to the user
            line = g["targets"][0]["experiment_line"]
            for p in cal["parameters"]:
                if p["name"] in msg or "'" + p["name"] in msg:
                    line = p["line"]
                    break
            else:
                if "unknown" in msg and "parameter" in msg:
                    line = cal["parameters"][0]["line"]
            _fail(cal["path"], line, f"territory '{g['territory']}': passerelle validate: {msg}")
        # The summary's fields, from a one-week run (the full horizon if the
        # scenario's interventions need it to validate).
        out = os.path.join(workdir, f"preflight-{gi}.h5")
        short = os.path.join(workdir, f"preflight-{gi}-short.toml")
        with open(short, "w", encoding="utf-8") as f:
            f.write(experiment_text(g, cal["parameters"], centre, ["centre"], 1, cal["seed"], horizon=1))
        r = subprocess.run([binary, "run", short, "-o", out, "--quiet", "--force"], capture_output=True, text=True)
        if r.returncode == 2:
            r = subprocess.run([binary, "run", path, "-o", out, "--quiet", "--force"], capture_output=True,
                               text=True)
        if r.returncode != 0:
            msg = (r.stderr.strip() or r.stdout.strip()).replace(path, "generated experiment")
            if r.returncode == 2:
                _fail(cal["path"], g["targets"][0]["experiment_line"], f"passerelle run: {msg}")
            raise RuntimeError(f"passerelle run (preflight) failed (exit {r.returncode}): {msg}")
        with h5py.File(out, "r") as f:
            fields = set(f["scenarios/centre/summary"].dtype.names)
        for t in g["targets"]:
            for fld in output_fields(t["output"]):
                if fld not in fields:
                    _fail(cal["path"], t["output_line"],
                          f"target '{t['name']}' output: unknown summary field '{fld}' on '{g['territory']}': "
                          f"expected a field or 'numerator / denominator' of fields, among "
                          f"{', '.join(sorted(fields - {'replicate', 'seed'}))}")


def simulate(cal, groups, points, wave, binary, workdir, threads, log):
    """Runs every point on every group (one `passerelle run` per group) and
    returns {target name: (mean over replicates, variance over replicates)}
    arrays of len(points), and the wall seconds and simulations run."""
    import h5py
    names = [f"w{wave}-p{i:05d}" for i in range(len(points))]
    means, variances, sims, wall = {}, {}, 0, 0.0
    for gi, g in enumerate(groups):
        path = os.path.join(workdir, f"wave{wave}-group{gi}.toml")
        with open(path, "w", encoding="utf-8") as f:
            f.write(experiment_text(g, cal["parameters"], points, names, cal["replicates"], cal["seed"] + wave))
        out = os.path.join(workdir, f"wave{wave}-group{gi}.h5")
        cmd = [binary, "run", path, "-o", out, "--quiet", "--force"]
        if threads:
            cmd += ["--threads", str(threads)]
        t0 = time.monotonic()
        r = subprocess.run(cmd, capture_output=True, text=True)
        took = time.monotonic() - t0
        wall += took
        if r.returncode != 0:
            raise RuntimeError(f"passerelle run (wave {wave}, territory {g['territory']}) failed "
                               f"(exit {r.returncode}): {r.stderr.strip() or r.stdout.strip()}")
        sims += len(points) * cal["replicates"]
        with h5py.File(out, "r") as f:
            for t in g["targets"]:
                m = np.empty(len(points))
                v = np.empty(len(points))
                for i, n in enumerate(names):
                    vals = output_values(f[f"scenarios/{n}/summary"][()], t["output"])
                    vals = vals[np.isfinite(vals)]
                    m[i] = vals.mean() if vals.size else np.nan
                    v[i] = vals.var(ddof=1) if vals.size > 1 else np.nan
                means[t["name"]], variances[t["name"]] = m, v
        log(f"  wave {wave}, {g['territory']}: {len(points)} points x {cal['replicates']} replicates "
            f"in {took:.1f} s ({len(points) * cal['replicates'] / max(took, 1e-9):.1f} simulations/s)")
    return means, variances, wall, sims


# --------------------------------------------------------------------------
# Emulators.

class Emulator:
    """A Gaussian process on the unit cube for one target output (Matern 5/2
    with per-input length scales, plus white noise; outputs standardised)."""

    def __init__(self, u, y, seed=0):
        from sklearn.gaussian_process import GaussianProcessRegressor
        from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel
        ok = np.isfinite(y)
        self.u, self.y = u[ok], y[ok]
        self.mu = float(self.y.mean()) if self.y.size else 0.0
        self.sd = float(self.y.std()) if self.y.size > 1 and self.y.std() > 0 else 1.0
        d = u.shape[1]
        kernel = (ConstantKernel(1.0, (1e-3, 1e3)) * Matern(length_scale=np.full(d, 0.5),
                                                            length_scale_bounds=(1e-2, 1e2), nu=2.5)
                  + WhiteKernel(1e-2, (1e-8, 1e1)))
        self.gp = GaussianProcessRegressor(kernel=kernel, normalize_y=False, n_restarts_optimizer=2,
                                           random_state=seed)
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            self.gp.fit(self.u, (self.y - self.mu) / self.sd)
        self.noise = float(self.gp.kernel_.k2.noise_level)  # standardised units

    @property
    def noise_variance(self):
        """The white-noise level in output units: the training outputs'
        scatter around the smooth trend."""
        return self.noise * self.sd ** 2

    def predict(self, u):
        """Mean and emulator variance (white noise removed) in output units."""
        m, s = self.gp.predict(np.atleast_2d(u), return_std=True)
        var = np.maximum(s ** 2 - self.noise, 0.0)
        return self.mu + self.sd * m, var * self.sd ** 2

    def leave_one_out(self):
        """Standardised leave-one-out errors (y_i - m_-i) / sd_-i with the
        fitted hyper-parameters (noise included: the target is a noisy run)."""
        from sklearn.gaussian_process import GaussianProcessRegressor
        n = self.u.shape[0]
        pred, sd, err = np.empty(n), np.empty(n), np.empty(n)
        ys = (self.y - self.mu) / self.sd
        for i in range(n):
            keep = np.arange(n) != i
            gp = GaussianProcessRegressor(kernel=self.gp.kernel_, optimizer=None, normalize_y=False)
            gp.fit(self.u[keep], ys[keep])
            m, s = gp.predict(self.u[i:i + 1], return_std=True)
            pred[i], sd[i] = self.mu + self.sd * m[0], s[0] * self.sd
            err[i] = (self.y[i] - pred[i]) / sd[i] if sd[i] > 0 else np.nan
        return pred, sd, err


# --------------------------------------------------------------------------
# The waves.

def history_match(cal, binary, threads=0, log=print):
    rng = np.random.default_rng(cal["seed"])
    params, targets = cal["parameters"], cal["targets"]
    d = len(params)
    groups = groups_of(cal)
    res = {"design": [], "wave": [], "outputs": {t["name"]: [] for t in targets},
           "out_var": {t["name"]: [] for t in targets}, "imp": [], "fraction": [], "loo": [],
           "wall": 0.0, "sims": 0, "var_model": {}, "waves_run": 0}
    with tempfile.TemporaryDirectory(prefix="passerelle-calibrate-") as workdir:
        preflight(cal, groups, binary, workdir)
        candidates = lhs(cal["candidates"], d, rng)  # the prior, space-filling
        alive = np.ones(len(candidates), dtype=bool)
        design = lhs(cal["points_per_wave"], d, rng)
        for wave in range(1, cal["waves"] + 1):
            x = to_natural(params, design)
            means, variances, wall, sims = simulate(cal, groups, x, wave, binary, workdir, threads, log)
            res["wall"] += wall
            res["sims"] += sims
            res["design"].append(x)
            res["wave"].append(np.full(len(x), wave))
            for t in targets:
                res["outputs"][t["name"]].append(means[t["name"]])
                res["out_var"][t["name"]].append(variances[t["name"]])
            # One emulator per target, on every run so far inside this wave's
            # space (earlier waves' points help the fit: the trend is smooth).
            u_all = np.vstack([_to_unit(params, xx) for xx in res["design"]])
            emus, imp_design = {}, np.zeros(len(x))
            imp_cand = np.zeros(int(alive.sum()))
            cand_u = candidates[alive]
            for t in targets:
                y_all = np.concatenate(res["outputs"][t["name"]])
                emu = Emulator(u_all, y_all, seed=cal["seed"] + wave)
                emus[t["name"]] = emu
                pv = np.concatenate(res["out_var"][t["name"]])
                pv = pv[np.isfinite(pv)]
                var_model = float(pv.mean()) if pv.size else emu.noise_variance * cal["replicates"]
                res["var_model"].setdefault(t["name"], []).append(var_model)
                pred, sd, err = emu.leave_one_out()
                res["loo"].append((wave, t["name"], emu.y, pred, sd, err))
                if t["held_out"]:
                    continue
                vo = obs_variance(t["low"], t["high"]) + t["discrepancy"] ** 2
                m, ve = emu.predict(cand_u)
                imp_cand = np.maximum(imp_cand, implausibility(t["value"], m, ve, var_model, vo))
                m, ve = emu.predict(design)
                imp_design = np.maximum(imp_design, implausibility(t["value"], m, ve, var_model, vo))
            res["imp"].append(imp_design)
            idx = np.flatnonzero(alive)
            alive[idx[imp_cand >= cal["cutoff"]]] = False
            frac = float(alive.mean())
            res["fraction"].append(frac)
            res["emulators"] = emus
            res["waves_run"] = wave
            log(f"  wave {wave}: non-implausible fraction of the prior {frac:.3f} "
                f"({int(alive.sum())} of {len(alive)} samples)")
            if not alive.any():
                log("  no non-implausible space left: the targets are not reachable in the prior (stopping)")
                break
            if wave < cal["waves"]:
                pool = candidates[alive]
                take = rng.choice(len(pool), size=min(cal["points_per_wave"], len(pool)), replace=False)
                design = pool[take]
                if len(design) < 3:
                    log("  fewer than 3 non-implausible samples: no further wave")
                    break
        res["candidates_u"] = candidates
        res["accepted_u"] = candidates[alive]
        res["accepted"] = to_natural(params, candidates[alive]) if alive.any() else np.empty((0, d))
    return res


def _cut(cal, res, u, names):
    """Implausibility of the points u (unit cube) against the targets named,
    by the last wave's emulators: the max over those targets of I."""
    imp = np.zeros(len(u))
    for t in cal["targets"]:
        if t["name"] not in names:
            continue
        m, ve = res["emulators"][t["name"]].predict(u)
        vo = obs_variance(t["low"], t["high"]) + t["discrepancy"] ** 2
        imp = np.maximum(imp, implausibility(t["value"], m, ve, res["var_model"][t["name"]][-1], vo))
    return imp


def leave_one_target_out(cal, res):
    """For each fitted target k, the space that the OTHER fitted targets leave
    non-implausible (the last wave's emulators, so every simulation is reused;
    no new run) and what it predicts for k: is k's field interval reached?
    A target the others already pin down is corroborated; one the others
    leave free was informed by itself alone. Needs two fitted targets or more.
    Returns rows: target, kept share of the prior, predicted 2.5 / 50 / 97.5 %
    of k's emulator mean over the kept space, share of the kept space whose
    prediction lies inside the field interval, reached (that share > 0)."""
    fitted = [t for t in cal["targets"] if not t["held_out"]]
    rows = []
    if len(fitted) < 2 or "emulators" not in res:
        return rows
    u = res["candidates_u"]
    for t in fitted:
        others = {q["name"] for q in fitted if q["name"] != t["name"]}
        keep = _cut(cal, res, u, others) < cal["cutoff"]
        if keep.any():
            m, _ = res["emulators"][t["name"]].predict(u[keep])
            lo, mid, hi = (float(x) for x in np.percentile(m, [2.5, 50, 97.5]))
            inside = float(np.mean((m >= t["low"]) & (m <= t["high"])))
        else:
            lo = mid = hi = inside = float("nan")
        rows.append({"target": t["name"], "kept_share": float(keep.mean()), "predicted_low": lo,
                     "predicted_median": mid, "predicted_high": hi, "share_inside_field_interval": inside,
                     "reached": bool(inside > 0) if math.isfinite(inside) else False})
    return rows


# A parameter whose accepted sets span at least this share of its prior
# (central 95 %, on the prior's scale) was not pinned down by the targets:
# --emit leaves it out (commented) and the report calls it an assumption.
STILL_ASSUMED_RATIO = 0.8


def posterior_rows(cal, res):
    """Each fitted parameter's prior and accepted-set (posterior) interval,
    and the width ratio on the prior's own scale (log where transformed):
    near 1, the targets did not pin the parameter down."""
    rows = []
    acc = res["accepted_u"]
    for j, p in enumerate(cal["parameters"]):
        if len(acc):
            ulo, umed, uhi = np.percentile(acc[:, j], [2.5, 50, 97.5])
            nat = to_natural([p], np.array([[ulo], [umed], [uhi]])).ravel()
            lo, med, hi = (float(x) for x in nat)
            ratio = float(uhi - ulo) / 0.95  # the prior's central 95 % spans 0.95 of the unit interval
        else:
            lo = med = hi = ratio = float("nan")
        rows.append({"name": p["name"], "transform": p["transform"], "prior_min": p["min"], "prior_max": p["max"],
                     "posterior_low": lo, "posterior_median": med, "posterior_high": hi, "width_ratio": ratio})
    return rows


def _to_unit(params, x):
    u = np.empty_like(x, dtype=float)
    for j, p in enumerate(params):
        if p["transform"] == "log":
            a, b = math.log(p["min"]), math.log(p["max"])
            u[:, j] = (np.log(x[:, j]) - a) / (b - a)
        else:
            u[:, j] = (x[:, j] - p["min"]) / (p["max"] - p["min"])
    return u


# --------------------------------------------------------------------------
# Writing CAL.h5 and PARAMS.toml.

def target_rows(cal, res):
    rows = []
    last_wave = res["waves_run"]
    wave = np.concatenate(res["wave"])
    last_imp = res["imp"][-1]
    for t in cal["targets"]:
        out = np.concatenate(res["outputs"][t["name"]])
        before = float(np.nanmean(out[wave == 1]))
        emu = res["emulators"][t["name"]]
        if len(res["accepted_u"]):
            m, _ = emu.predict(res["accepted_u"])
            after = float(np.mean(m))
        else:
            after = float("nan")
        last = out[wave == last_wave]
        ok = last_imp < cal["cutoff"]
        after_sim = float(np.nanmean(last[ok])) if last_wave > 1 and ok.any() else float("nan")
        rows.append({"name": t["name"], "output": t["output"], "territory": t["territory"], "value": t["value"],
                     "low": t["low"], "high": t["high"], "model_before": before, "model_after": after,
                     "model_after_simulated": after_sim, "fitted": not t["held_out"], "source": t["source"],
                     "var_model": res["var_model"][t["name"]][-1],
                     "discrepancy": t["discrepancy"]})
    return rows


def software_version(binary):
    try:
        r = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30)
        return r.stdout.strip().split()[-1] if r.returncode == 0 and r.stdout.strip() else "unknown"
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def write_results(cal, res, output, binary, wall_total):
    import h5py
    params = [p["name"] for p in cal["parameters"]]
    rows = target_rows(cal, res)
    tmp = output + ".tmp-" + str(os.getpid())
    str_t = h5py.string_dtype()
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs["schema_version"] = 1
            f.attrs["software_version"] = software_version(binary)
            f.attrs["calibration"] = cal["text"]
            f.attrs["base_seed"] = cal["seed"]
            f.attrs["created_utc"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            g = f.create_group("calibration")
            g.attrs["name"] = cal["name"]
            g.attrs["method"] = ("history matching (Vernon et al. 2010): Gaussian-process emulators "
                                 "(Matern 5/2 + white noise), implausibility cut-off")
            g.attrs["cutoff"] = cal["cutoff"]
            g.attrs["waves"] = res["waves_run"]
            g.attrs["points_per_wave"] = cal["points_per_wave"]
            g.attrs["replicates"] = cal["replicates"]
            g.attrs["simulations"] = res["sims"]
            g.attrs["simulation_wall_seconds"] = res["wall"]
            g.attrs["wall_seconds"] = wall_total
            g.attrs["simulations_per_second"] = res["sims"] / res["wall"] if res["wall"] > 0 else float("nan")
            g.attrs["parameters"] = params
            g.attrs["transforms"] = [p["transform"] for p in cal["parameters"]]
            g.attrs["prior_min"] = [p["min"] for p in cal["parameters"]]
            g.attrs["prior_max"] = [p["max"] for p in cal["parameters"]]
            design = np.vstack(res["design"])
            wave = np.concatenate(res["wave"]).astype(float)
            ds = g.create_dataset("design", data=np.column_stack([design, wave]))
            ds.attrs["columns"] = params + ["wave"]
            ds.attrs["units"] = "parameter units; wave: 1, 2, ..."
            names = [t["name"] for t in cal["targets"]]
            ds = g.create_dataset("outputs", data=np.column_stack([np.concatenate(res["outputs"][n]) for n in names]))
            ds.attrs["columns"] = names
            ds.attrs["outputs"] = [t["output"] for t in cal["targets"]]
            ds.attrs["units"] = "each target's summary field, mean over replicates"
            ds = g.create_dataset("outputs_variance",
                                  data=np.column_stack([np.concatenate(res["out_var"][n]) for n in names]))
            ds.attrs["columns"] = names
            ds.attrs["units"] = "variance over replicates (NaN with 1 replicate)"
            ds = g.create_dataset("implausibility", data=np.concatenate(res["imp"]))
            ds.attrs["units"] = "max over fitted targets of I, by the emulators of the point's wave"
            ds = g.create_dataset("accepted", data=res["accepted"].reshape(-1, len(params)))
            ds.attrs["columns"] = params
            ds.attrs["units"] = "parameter units"
            ds = g.create_dataset("non_implausible_fraction", data=np.asarray(res["fraction"]))
            ds.attrs["units"] = "share of the prior (space-filling sample) non-implausible after each wave"
            dt = np.dtype([("name", str_t), ("output", str_t), ("territory", str_t), ("value", "f8"),
                           ("low", "f8"), ("high", "f8"), ("model_before", "f8"), ("model_after", "f8"),
                           ("model_after_simulated", "f8"), ("var_model", "f8"), ("discrepancy", "f8"),
                           ("fitted", "i1"), ("source", str_t)])
            arr = np.array([tuple(r[k] for k in dt.names) for r in rows], dtype=dt)
            ds = g.create_dataset("targets", data=arr)
            ds.attrs["units"] = ("value/low/high: the field figure and its 95 % interval; model_before: wave-1 "
                                 "(prior) mean; model_after: emulator mean over the accepted sets; "
                                 "model_after_simulated: simulated mean of the last wave's non-implausible "
                                 "points; fitted: 1 fitted, 0 held out")
            loto = leave_one_target_out(cal, res)
            dt = np.dtype([("target", str_t), ("kept_share", "f8"), ("predicted_low", "f8"),
                           ("predicted_median", "f8"), ("predicted_high", "f8"),
                           ("share_inside_field_interval", "f8"), ("reached", "i1")])
            ds = g.create_dataset("leave_one_target_out",
                                  data=np.array([tuple(r[k] for k in dt.names) for r in loto], dtype=dt))
            ds.attrs["units"] = ("refit without each fitted target in turn (the other fitted targets cut the "
                                 "prior by the last wave's emulators; no new simulation): kept_share of the prior; "
                                 "the left-out target's emulator mean over the kept space (2.5 / 50 / 97.5 %); "
                                 "share of it inside the field interval; reached: 1 if any")
            post = posterior_rows(cal, res)
            dt = np.dtype([("name", str_t), ("transform", str_t), ("prior_min", "f8"), ("prior_max", "f8"),
                           ("posterior_low", "f8"), ("posterior_median", "f8"), ("posterior_high", "f8"),
                           ("width_ratio", "f8")])
            ds = g.create_dataset("posterior", data=np.array([tuple(r[k] for k in dt.names) for r in post],
                                                              dtype=dt))
            ds.attrs["units"] = ("parameter units; posterior_*: 2.5 / 50 / 97.5 % of the accepted sets; "
                                 "width_ratio: central 95 % width of the accepted sets over the prior's, on the "
                                 "prior's scale (log where transformed): near 1, not pinned down")
            dt = np.dtype([("wave", "i4"), ("target", str_t), ("point", "i4"), ("observed", "f8"),
                           ("predicted", "f8"), ("sd", "f8"), ("standardised_error", "f8")])
            loo = [(w, n, i, y[i], p[i], s[i], e[i]) for (w, n, y, p, s, e) in res["loo"] for i in range(len(y))]
            ds = g.create_dataset("emulator_loo", data=np.array(loo, dtype=dt))
            ds.attrs["units"] = ("leave-one-out validation of each wave's emulators: standardised error "
                                 "(observed - predicted) / sd; about 95 % should lie within +-2")
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return rows


def write_params(cal, res, emit, output):
    targets = ", ".join(t["name"] for t in cal["targets"] if not t["held_out"])
    lines = [f"# Fitted by `passerelle calibrate {os.path.basename(cal['path'])}` (calibration "
             f"'{cal['name']}', targets: {targets}): the median of the "
             f"{len(res['accepted'])} accepted (non-implausible) parameter sets.",
             f"# Posterior file: {output} (/calibration/accepted holds every set; the median alone hides "
             "what the data leave open).", "[parameters]"]
    lines.insert(2, f"# A parameter whose accepted sets still span {STILL_ASSUMED_RATIO:.0%} or more of its prior "
                    "(central 95 %, on the prior's scale) was not pinned down: its median is only the prior's "
                    "middle, so its line is commented out and the parameter keeps its assumed value.")
    med = np.median(res["accepted"], axis=0)
    for p, v, r in zip(cal["parameters"], med, posterior_rows(cal, res)):
        pinned = r["width_ratio"] < STILL_ASSUMED_RATIO
        lines.append(f"# {p['name']}: prior [{p['min']:g}, {p['max']:g}] ({p['transform']}); accepted 95 % "
                     f"[{r['posterior_low']:.4g}, {r['posterior_high']:.4g}], width {r['width_ratio']:.2f} of the "
                     f"prior's" + ("" if pinned else ": NOT pinned down"))
        lines.append(("" if pinned else "# ") + f"{_toml_key(p['name'])} = {float(v)!r}")
    tmp = emit + ".tmp-" + str(os.getpid())
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, emit)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="passerelle calibrate")
    ap.add_argument("calibration")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--emit")
    ap.add_argument("--binary", default=None)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--force", action="store_true")
    a = ap.parse_args(argv)
    log = (lambda *_: None) if a.quiet else (lambda s: print(s, flush=True))
    try:
        for o in [a.output] + ([a.emit] if a.emit else []):
            if os.path.exists(o) and not a.force:
                raise CalibrationInputError(f"{o}: exists (use --force to overwrite it)")
        from .run import find_binary
        binary = find_binary(a.binary)
        cal = load_calibration(a.calibration)
        t0 = time.monotonic()
        log(f"Calibration '{cal['name']}': {len(cal['parameters'])} parameters, {len(cal['targets'])} targets, "
            f"{cal['waves']} waves of {cal['points_per_wave']} points x {cal['replicates']} replicates")
        res = history_match(cal, binary, a.threads, log)
        wall = time.monotonic() - t0
        rows = write_results(cal, res, a.output, binary, wall)
        if a.emit:
            if len(res["accepted"]) == 0:
                print(f"passerelle: failed: no accepted parameter set: {a.emit} not written", file=sys.stderr)
                return 1
            write_params(cal, res, a.emit, a.output)
    except CalibrationInputError as e:
        print(f"passerelle: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as e:  # noqa: BLE001  (a failure while running: exit 1 with the reason)
        print(f"passerelle: failed: {e}", file=sys.stderr)
        return 1
    if not a.quiet:
        print(f"\n{'target':34} {'field [95 % interval]':>26} {'before':>10} {'after':>10}  role")
        for r in rows:
            print(f"{r['name']:34} {r['value']:>9.4g} [{r['low']:.4g}, {r['high']:.4g}]".ljust(61)
                  + f" {r['model_before']:>10.4g} {r['model_after']:>10.4g}  {'fitted' if r['fitted'] else 'held out'}")
        loto = leave_one_target_out(cal, res)
        if loto:
            print("\nleave one target out (the others cut the prior; the left-out target's prediction):")
            for r in loto:
                print(f"  {r['target']:34} kept {r['kept_share']:.3f} of the prior; predicted "
                      f"[{r['predicted_low']:.4g}, {r['predicted_high']:.4g}]; inside its field interval "
                      f"{r['share_inside_field_interval']:.2f} -> {'reached' if r['reached'] else 'NOT reached'}")
        print(f"\nnon-implausible fraction per wave: {', '.join(f'{x:.3f}' for x in res['fraction'])}; "
              f"{len(res['accepted'])} accepted sets")
        print(f"{res['sims']} simulations in {res['wall']:.1f} s ({res['sims'] / max(res['wall'], 1e-9):.1f} per s); "
              f"wall {wall:.1f} s in all")
        print(f"Posterior: {a.output}" + (f"; parameters: {a.emit}" if a.emit else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
