"""Passerelle results analysis: load a results file into pandas DataFrames
(`load`), run an experiment with the `passerelle` binary and load what it
wrote (`run`), and write the self-contained HTML report
(`report.write_report`, or `python3 -m passerelle_analysis.report OUT.h5 -o
REPORT.html`)."""
from .io import Results, load
from .run import PasserelleError, find_binary, run
from .stats import mean_ci

__all__ = ["PasserelleError", "Results", "find_binary", "load", "mean_ci", "run"]
