"""The report's figures, drawn with matplotlib (Agg, no display) and returned
as inline base64 PNG <img> tags: the page needs no other file. Labels taken
from the results file go through matplotlib as text, never into markup."""
import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402

from .stats import band, mean_ci  # noqa: E402

COLOURS = ["#1b6ca8", "#d1495b", "#2e933c", "#edae49", "#6a4c93", "#00798c", "#8d6a9f", "#4d4d4d"]
RELATIONS = [("instrumental_ties", "instrumental"), ("cooperation_ties", "cooperation"),
             ("collaboration_ties", "collaboration")]


def colour(i):
    return COLOURS[i % len(COLOURS)]


def img(fig, alt):
    """The figure as an <img> with inline PNG data; closes the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return f'<img class="fig" alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def short(name, n=28):
    return name if len(name) <= n else name[: n - 1] + "…"


def weekly_bands(res, metrics, scenarios, scale=None):
    """One panel per (metric, title, unit): mean line and 95 % band per scenario."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.4), squeeze=False)
    for ax, (metric, title, unit) in zip(axes[0], metrics):
        d = res.weekly[res.weekly["metric"] == metric]
        for i, sc in enumerate(scenarios):
            m = d[d["scenario"] == sc].pivot(index="replicate", columns="week", values="value")
            if m.empty:
                continue
            k = (scale or {}).get(metric, 1.0)
            mean, lo, hi = band(m.to_numpy() * k)
            weeks = m.columns.to_numpy()
            ax.plot(weeks, mean, color=colour(i), lw=1.6, label=short(sc))
            ax.fill_between(weeks, lo, hi, color=colour(i), alpha=0.18, lw=0)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("week after warm-up")
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    axes[0][0].legend(fontsize=8, loc="best")
    fig.tight_layout()
    return fig


def grouped_bars(ax, categories, series, ylabel, title):
    """series: [(label, means, lows, highs)]; bars grouped by category with CI whiskers."""
    x = np.arange(len(categories))
    w = 0.8 / max(1, len(series))
    for i, (label, means, lo, hi) in enumerate(series):
        means, lo, hi = (np.asarray(v, dtype=float) for v in (means, lo, hi))
        err = np.vstack([np.nan_to_num(means - lo), np.nan_to_num(hi - means)])
        ax.bar(x + (i - (len(series) - 1) / 2) * w, means, w, color=colour(i), label=short(label),
               yerr=err, capsize=2, error_kw={"lw": 0.8})
    ax.set_xticks(x)
    ax.set_xticklabels([c.replace("_", " ") for c in categories], rotation=35 if len(categories) > 4 else 0,
                       ha="right" if len(categories) > 4 else "center", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def _per_category(frame, scenario, metric, categories):
    d = frame[(frame["scenario"] == scenario) & (frame["metric"] == metric)]
    out = [mean_ci(d[d["category"] == c]["value"]) for c in categories]
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def _resolved_share(frame, scenario, categories):
    d = frame[frame["scenario"] == scenario]
    out = []
    for c in categories:
        on = d[(d["metric"] == "needs_onset") & (d["category"] == c)].set_index("replicate")["value"]
        rs = d[(d["metric"] == "needs_resolved") & (d["category"] == c)].set_index("replicate")["value"]
        share = (rs / on.where(on > 0)).to_numpy()
        out.append(mean_ci(share))
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def breakdown(frame, scenarios, title):
    """Unmet need-days, GP social minutes and the resolved share per category."""
    if frame.empty:
        return None
    categories = list(dict.fromkeys(frame["category"]))
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6 if len(categories) <= 4 else 4.2))
    panels = [("unmet_need_days", "unmet need-days", "days"), ("gp_social_minutes", "GP social minutes", "min")]
    for ax, (metric, t, unit) in zip(axes, panels):
        grouped_bars(ax, categories, [(sc, *_per_category(frame, sc, metric, categories)) for sc in scenarios],
                     unit, f"{t} by {title}")
    grouped_bars(axes[2], categories, [(sc, *_resolved_share(frame, sc, categories)) for sc in scenarios],
                 "share of needs", f"needs resolved (share) by {title}")
    axes[0].legend(fontsize=8)
    fig.tight_layout()
    return fig


def ties(summary, scenarios):
    """Ties by relation type per scenario (end of run, mean and 95 % CI)."""
    fig, ax = plt.subplots(figsize=(9, 3.2))
    series = []
    for sc in scenarios:
        d = summary[summary["scenario"] == sc]
        stats = [mean_ci(d[f]) if f in d else (np.nan,) * 4 for f, _ in RELATIONS]
        series.append((sc, [s[0] for s in stats], [s[1] for s in stats], [s[2] for s in stats]))
    grouped_bars(ax, [label for _, label in RELATIONS], series, "ties", "ties by relation type (end of run)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


def tornado(sens, metrics):
    """PRCC of each metric to each swept parameter, largest effect on top."""
    cols = min(2, len(metrics))
    rows = (len(metrics) + cols - 1) // cols
    height = 1.2 + 0.35 * sens["parameter"].nunique()
    fig, axes = plt.subplots(rows, cols, figsize=(6.2 * cols, height * rows), squeeze=False)
    for ax in axes.flat[len(metrics):]:
        ax.set_visible(False)
    for ax, metric in zip(axes.flat, metrics):
        d = sens[sens["metric"] == metric].copy()
        d["abs"] = d["prcc"].abs().fillna(0)
        d = d.sort_values("abs")
        vals = d["prcc"].fillna(0).to_numpy()
        ax.barh([short(p, 34) for p in d["parameter"]], vals,
                color=[colour(0) if v >= 0 else colour(1) for v in vals])
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlim(-1, 1)
        ax.set_title(metric.replace("_", " "), fontsize=10)
        ax.set_xlabel("PRCC")
        ax.tick_params(axis="y", labelsize=9)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def calibration(cal):
    """Each target's value and 95 % CI beside the model's replicates and mean."""
    n = len(cal)
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.9 + 0.9 * n), squeeze=False)
    for ax, (_, row) in zip(axes[:, 0], cal.iterrows()):
        lo, hi, t = row["ci_low"], row["ci_high"], row["target"]
        if np.isfinite(lo) and np.isfinite(hi):
            ax.axvspan(lo, hi, color="#bbbbbb", alpha=0.6, label="target 95 % CI")
        if np.isfinite(t):
            ax.axvline(t, color="black", lw=1.5, label="target")
        vals = np.asarray(row["values"], dtype=float)
        if vals.size:
            ax.plot(vals, np.zeros_like(vals), "o", color=colour(0), alpha=0.4, ms=4, label="model replicates")
        if np.isfinite(row["model_mean"]):
            ax.plot([row["model_mean"]], [0], "D", color=colour(1), ms=7, label="model mean")
        ax.set_yticks([])
        ax.set_title(f"{row['name']} ({row['units']})" if row["units"] else str(row["name"]), fontsize=9, loc="left")
    axes[0, 0].legend(fontsize=7, ncol=4, loc="lower left", bbox_to_anchor=(0, 1.25))
    fig.tight_layout()
    return fig
