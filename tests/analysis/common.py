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
