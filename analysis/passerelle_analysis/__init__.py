"""Passerelle results analysis: load a results file into pandas DataFrames
(`load`) and write the self-contained HTML report (`report.write_report`,
or `python3 -m passerelle_analysis.report OUT.h5 -o REPORT.html`)."""
from .io import Results, load
from .stats import mean_ci

__all__ = ["Results", "load", "mean_ci"]
