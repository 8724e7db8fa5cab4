#!/usr/bin/env python3
"""A first look at a results file: scenario means, the headline comparison
against the baseline, and one weekly plot.

    python3 analysis/examples/quick_look.py results/default.h5 [weekly.png]
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import passerelle_analysis as pa  # noqa: E402


def main(path, png=None):
    res = pa.load(path)
    print(f"{res.attrs.get('experiment_name')} on {res.attrs.get('territory')}: "
          f"{len(res.scenarios)} scenarios, baseline {res.baseline!r}\n")

    key = ["gp_social_minutes_per_gp_week", "needs_resolved", "unmet_need_days", "unmet_share_90d"]
    means = res.summary[res.summary["scenario"].isin(res.main_scenarios)].groupby("scenario", sort=False)[key].mean()
    print("Means over replicates:\n" + means.round(3).to_string() + "\n")

    c = res.comparisons
    head = c[c["metric"].isin(["gp_hours_freed_per_year", "unmet_need_days_averted"])]
    head = head[head["scenario"].isin(res.main_scenarios)]
    print("Against the baseline (per year; positive is good):")
    print(head.pivot(index="scenario", columns="metric", values="mean_diff").round(1).to_string())

    if not res.sensitivity.empty:
        top = res.sensitivity[res.sensitivity["metric"] == "unmet_need_days"].sort_values("prcc", key=abs)
        print("\nSensitivity of unmet need-days (PRCC):\n" + top.to_string(index=False))

    if png:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        w = res.weekly[(res.weekly["metric"] == "needs_open") & res.weekly["scenario"].isin(res.main_scenarios)]
        ax = w.groupby(["week", "scenario"], sort=False)["value"].mean().unstack().plot(figsize=(7, 3.5))
        ax.set_ylabel("open needs")
        plt.tight_layout()
        plt.savefig(png)
        print(f"\nPlot: {png}")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
