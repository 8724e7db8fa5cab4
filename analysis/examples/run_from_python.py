#!/usr/bin/env python3
"""Run an experiment from Python and look at the decision, notebook-style:
each `# %%` block is a cell (Jupyter, VS Code and Spyder read them as such).

    PASSERELLE_BINARY=build/passerelle python3 analysis/examples/run_from_python.py [REPORT.html]

tests/analysis/test_examples.py runs it with a fixed seed.
"""
# %% Set-up: the package from this folder's parent (or `pip install ./analysis`)
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import passerelle_analysis as pa  # noqa: E402
from passerelle_analysis import decision, report  # noqa: E402

# %% An experiment as a dict: the same tables as an experiment file
experiment = {
    "experiment": {"name": "notebook", "territory": "herbasse", "replicates": 4, "horizon_weeks": 30,
                   "warmup_weeks": 4, "seed": 12},
    "scenario": [
        {"name": "baseline", "description": "today"},
        {"name": "coordinator", "description": "one coordinator for the valley",
         "intervention": [{"type": "coordinator", "start_week": 4, "fte": 1,
                           "catchment": ["Crépol", "Montchenu", "Le Chalon", "Miribel"]}]},
        {"name": "vade-mecum", "description": "a directory of local services",
         "intervention": [{"type": "vade_mecum", "start_week": 4}]},
    ],
}

# %% Run it (the passerelle binary does the work; errors raise pa.PasserelleError)
try:
    res = pa.run(experiment, threads=2)
except pa.PasserelleError as e:
    sys.exit(f"exit {e.returncode}: {e.stderr.strip()}")
print(f"{len(res.scenarios)} scenarios × {res.summary.groupby('scenario').size().iloc[0]} replicates")

# %% The decision table, as the report's first screen shows it
for o in decision.options(res):
    per_hour = (f"{o.cost_per_hour.value:,.0f} EUR/h" if o.cost_per_hour.status == "value"
                else o.cost_per_hour.status)
    print(f"{o.name:12s} cost {o.cost.mean:9,.0f} EUR/year   GP hours freed {o.hours.mean:7.1f} "
          f"[{o.hours.low:.1f}, {o.hours.high:.1f}]   {per_hour}")

# %% The sentences, as plain text
import re  # noqa: E402

for s in decision.sentences(decision.options(res), res.baseline):
    print("-", re.sub(r"<[^>]+>", "", str(s)))

# %% The report, one offline HTML file
if len(sys.argv) > 1:
    with open(sys.argv[1], "w", encoding="utf-8") as f:
        f.write(report.render(res))
    print("report:", sys.argv[1])
