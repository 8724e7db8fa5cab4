"""The report's figures, drawn with matplotlib (Agg, no display) and returned
as inline base64 PNG data for <img> tags: the page needs no other file.
Labels taken from the results file go through matplotlib as plain text:
mathtext is off (a `$` in a name is a dollar sign) and newlines become
spaces. Scenarios keep their colour by name (colours.py); legends sit
outside the axes, below the panels."""
import base64
import html
import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)
import numpy as np  # noqa: E402

from .colours import PALETTE  # noqa: E402
from .stats import band, mean_ci  # noqa: E402

# Names from the file are text: "$x$" is not maths, "\n" not a line break.
matplotlib.rcParams["text.parse_math"] = False
matplotlib.rcParams["text.usetex"] = False
COLOURS = PALETTE
RELATIONS = [("instrumental_ties", "instrumental"), ("cooperation_ties", "cooperation"),
             ("collaboration_ties", "collaboration")]


def colour(i):
    return COLOURS[i % len(COLOURS)]


def png(fig):
    """The figure as a data: URI (inline PNG); closes the figure."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def img(fig, alt):
    """The figure as an <img> tag (kept for scripts that used it)."""
    return f'<img class="fig" alt="{html.escape(alt)}" src="{png(fig)}">'


def short(name, n=28):
    name = " ".join(str(name).split())  # newlines and runs of spaces: one space
    return name if len(name) <= n else name[: n - 1] + "…"


def legend_below(fig, axes, ncol=None):
    """One legend for the figure, under the panels (never over a line)."""
    handles, labels = [], []
    for ax in np.ravel(axes):
        for h, lab in zip(*ax.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h), labels.append(lab)
    if not handles:
        return
    ncol = ncol or min(len(labels), 5)
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=ncol, fontsize=8,
               frameon=False)


def weekly_bands(res, metrics, scenarios, colours, scale=None):
    """One panel per (metric, title, unit): mean line and 95 % band per scenario."""
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.4), squeeze=False)
    for ax, (metric, title, unit) in zip(axes[0], metrics):
        d = res.weekly[res.weekly["metric"] == metric]
        for sc in scenarios:
            m = d[d["scenario"] == sc].pivot(index="replicate", columns="week", values="value")
            if m.empty:
                continue
            k = (scale or {}).get(metric, 1.0)
            mean, lo, hi = band(m.to_numpy() * k)
            weeks = m.columns.to_numpy()
            ax.plot(weeks, mean, color=colours[sc], lw=1.6, label=short(sc))
            ax.fill_between(weeks, lo, hi, color=colours[sc], alpha=0.18, lw=0)
        ax.set_title(title, fontsize=10)
        ax.set_xlabel("week after warm-up (weeks)")
        ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    legend_below(fig, axes)
    return fig


def grouped_bars(ax, categories, series, ylabel, title, colours):
    """series: [(label, means, lows, highs)]; bars grouped by category with CI whiskers."""
    x = np.arange(len(categories))
    w = 0.8 / max(1, len(series))
    for i, (label, means, lo, hi) in enumerate(series):
        means, lo, hi = (np.asarray(v, dtype=float) for v in (means, lo, hi))
        err = np.vstack([np.nan_to_num(means - lo), np.nan_to_num(hi - means)])
        ax.bar(x + (i - (len(series) - 1) / 2) * w, means, w, color=colours.get(label, colour(i)),
               label=short(label), yerr=err, capsize=2, error_kw={"lw": 0.8})
    ax.set_xticks(x)
    ax.set_xticklabels([short(c, 22).replace("_", " ") for c in categories],
                       rotation=35 if len(categories) > 4 else 0,
                       ha="right" if len(categories) > 4 else "center", fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.grid(axis="y", alpha=0.3)


def _paired(frame, scenario, baseline, metric, category):
    d = frame[(frame["metric"] == metric) & (frame["category"] == category)]
    s = d[d["scenario"] == scenario].set_index("replicate")["value"]
    b = d[d["scenario"] == baseline].set_index("replicate")["value"]
    both = s.index.intersection(b.index)
    return s.loc[both], b.loc[both]


def _diff_per_category(frame, scenario, baseline, metric, categories):
    out = []
    for c in categories:
        s, b = _paired(frame, scenario, baseline, metric, c)
        out.append(mean_ci((s - b).to_numpy()))
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def _resolved_share_diff(frame, scenario, baseline, categories):
    """Change in the share of needs resolved (percentage points), paired."""
    out = []
    for c in categories:
        rs, rb = _paired(frame, scenario, baseline, "needs_resolved", c)
        os_, ob = _paired(frame, scenario, baseline, "needs_onset", c)
        share_s = rs / os_.where(os_ > 0)
        share_b = rb / ob.where(ob > 0)
        out.append(mean_ci((100.0 * (share_s - share_b)).to_numpy()))
    return [o[0] for o in out], [o[1] for o in out], [o[2] for o in out]


def breakdown(frame, baseline, options, title, colours):
    """Per category, each option minus the baseline (paired by replicate):
    unmet need-days, GP social minutes, share of needs resolved."""
    if frame.empty or not options or baseline not in set(frame["scenario"]):
        return None
    categories = list(dict.fromkeys(frame["category"]))
    fig, axes = plt.subplots(1, 3, figsize=(14, 3.6 if len(categories) <= 4 else 4.2))
    panels = [("unmet_need_days", "unmet need-days", "Δ unmet need-days (days, measured period)"),
              ("gp_social_minutes", "GP social minutes", "Δ GP social minutes (min, measured period)")]
    for ax, (metric, t, ylabel) in zip(axes, panels):
        grouped_bars(ax, categories,
                     [(sc, *_diff_per_category(frame, sc, baseline, metric, categories)) for sc in options],
                     ylabel, f"{t} by {title}", colours)
    grouped_bars(axes[2], categories, [(sc, *_resolved_share_diff(frame, sc, baseline, categories)) for sc in options],
                 "Δ needs resolved (percentage points)", f"share of needs resolved by {title}", colours)
    for ax in axes:
        ax.axhline(0, color="black", lw=0.8)
    fig.tight_layout()
    legend_below(fig, axes)
    return fig


def ties(summary, scenarios, colours):
    """Ties by relation type per scenario (end of run, mean and 95 % CI)."""
    fig, ax = plt.subplots(figsize=(9, 3.2))
    series = []
    for sc in scenarios:
        d = summary[summary["scenario"] == sc]
        stats = [mean_ci(d[f]) if f in d else (np.nan,) * 4 for f, _ in RELATIONS]
        series.append((sc, [s[0] for s in stats], [s[1] for s in stats], [s[2] for s in stats]))
    grouped_bars(ax, [label for _, label in RELATIONS], series, "ties (count, end of run)",
                 "ties by relation type (end of run)", colours)
    fig.tight_layout()
    legend_below(fig, [ax])
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
        ax.set_xlabel("PRCC (partial rank correlation, −1 to 1)")
        ax.tick_params(axis="y", labelsize=9)
        ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def calibration(cal):
    """Each target's value and 95 % CI beside the model's replicates and mean."""
    n = len(cal)
    fig, axes = plt.subplots(n, 1, figsize=(7, 0.6 + 1.15 * n), squeeze=False)
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
        ax.set_title(short(row["name"], 60), fontsize=9, loc="left")
        ax.set_xlabel(str(row["units"] or "model value"), fontsize=8)
    fig.tight_layout()
    legend_below(fig, axes, ncol=4)
    return fig


def cost_effectiveness(pairs, wtp, curves, baseline, colours):
    """Left: the cost-effectiveness plane (each replicate's paired extra cost
    per year against need-days averted per year, the mean as a larger mark).
    Right: the acceptability curve (P(best) against willingness to pay)."""
    fig, (plane, ceac) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    for name, (dc, de) in pairs.items():
        c = colours.get(name, "#333333")
        plane.scatter(de, dc / 1000.0, s=10, alpha=0.35, color=c, linewidths=0)
        plane.scatter([de.mean()], [dc.mean() / 1000.0], s=60, color=c, edgecolors="black", linewidths=0.6,
                      label=short(name))
    plane.axhline(0, color="#999999", lw=0.8)
    plane.axvline(0, color="#999999", lw=0.8)
    plane.set_xlabel("unmet need-days averted per year (days)")
    plane.set_ylabel("extra cost per year (thousand EUR)")
    plane.set_title("Cost-effectiveness plane", fontsize=10)
    ceac.plot(wtp, curves[None], color=colours.get(baseline, "#888888"), lw=1.6, label=short(baseline))
    for name in pairs:
        ceac.plot(wtp, curves[name], color=colours.get(name, "#333333"), lw=1.6)
    ceac.set_ylim(-0.02, 1.02)
    ceac.set_xlabel("willingness to pay (EUR per need-day averted)")
    ceac.set_ylabel("probability of being the best (share)")
    ceac.set_title("Acceptability curve", fontsize=10)
    legend_below(fig, [plane, ceac])
    fig.tight_layout()
    return fig


def locality_maps(localities, diffs, outlines, unit, title):
    """One small map per option: localities at (x_km, y_km), area by
    population, colour by the option's paired difference (blue: fewer, red:
    more; one symmetric scale for all panels), the option's catchment
    outlined in black."""
    names = list(diffs)
    cols = min(len(names), 3)
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols, 3.4 * rows), squeeze=False)
    lim = max([float(np.nanmax(np.abs(d))) for d in diffs.values() if np.isfinite(d).any()] + [1e-9])
    x, y = localities["x_km"].to_numpy(float), localities["y_km"].to_numpy(float)
    size = 20 + 180 * np.sqrt(localities["population"].to_numpy(float) / max(1.0, localities["population"].max()))
    sc = None
    for ax, name in zip(axes.ravel(), names):
        inside = np.array([n in outlines.get(name, set()) for n in localities["name"]])
        sc = ax.scatter(x, y, s=size, c=diffs[name], cmap="RdBu_r", vmin=-lim, vmax=lim,
                        edgecolors=np.where(inside, "black", "#bbbbbb"), linewidths=np.where(inside, 1.6, 0.4))
        ax.set_title(short(name), fontsize=9)
        ax.set_aspect("equal", adjustable="datalim")
        ax.tick_params(labelsize=7)
        ax.set_xlabel("x (km)", fontsize=7)
        ax.set_ylabel("y (km)", fontsize=7)
    for ax in axes.ravel()[len(names):]:
        ax.axis("off")
    if sc is not None:
        bar = fig.colorbar(sc, ax=axes.ravel().tolist(), shrink=0.8)
        bar.set_label(f"{title}, option − baseline ({unit})", fontsize=8)
    return fig


def sweep_panels(means, frame, params, gains, units, breaks):
    """One small panel per (gain, swept parameter): each sweep point's mean
    gain over the baseline against the parameter (whiskers: 95 % CI over its
    replicates when the design has few points), zero marked, the break-even
    (if any) as a vertical line with its interval shaded. `gains`: [(field,
    label, unit)]; `breaks`: {(field, parameter): BreakEven}. Rows are gains
    and columns parameters; with one parameter, the gains side by side."""
    panels = [(g, p) for g in gains for p in params]
    cols = len(params) if len(params) > 1 else min(len(panels), 3)
    cols = min(cols, 4)
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.3 * cols, 2.9 * rows), squeeze=False)
    for ax in axes.flat[len(panels):]:
        ax.set_visible(False)
    few = len(means) <= 40
    for ax, ((m, label, unit), p) in zip(axes.flat, panels):
        x = means[p].to_numpy(float)
        y = means[m].to_numpy(float)
        if few:
            per = frame.groupby("scenario")[m]
            ci = np.array([mean_ci(per.get_group(s).to_numpy(float))[1:3] for s in means["scenario"]])
            err = np.vstack([np.nan_to_num(y - ci[:, 0]), np.nan_to_num(ci[:, 1] - y)])
            ax.errorbar(x, y, yerr=err, fmt="o", ms=3, color=colour(0), ecolor="#9ab", elinewidth=0.8, capsize=1.5)
        else:
            ax.plot(x, y, "o", ms=2.5, alpha=0.6, color=colour(0))
        ax.axhline(0, color="black", lw=0.8)
        b = breaks.get((m, p))
        if b is not None and np.isfinite(b.value):
            if np.isfinite(b.low):
                ax.axvspan(b.low, b.high, color=colour(1), alpha=0.15, lw=0)
            ax.axvline(b.value, color=colour(1), lw=1.2, ls="--")
        u = units.get(p, "")
        ax.set_title(short(label, 44), fontsize=8.5)
        ax.set_xlabel(short(p, 34) + (f" ({u})" if u else ""), fontsize=8)
        ax.set_ylabel(unit, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def morris_plane(tables, params):
    """Morris screening: sigma against mu* per parameter, one panel per
    metric (tables: [(label, unit, DataFrame)]). Far right: influential; high:
    non-linear or interacting; at the origin: negligible."""
    n = len(tables)
    fig, axes = plt.subplots(1, n, figsize=(min(4.2 * n, 13), 3.3), squeeze=False)
    for ax, (label, unit, t) in zip(axes[0], tables):
        for i, (_, row) in enumerate(t.iterrows()):
            ax.scatter([row["mu_star"]], [row["sigma"]], color=colour(i), s=30, label=short(row["parameter"], 34))
        top = np.nanmax(np.r_[t["mu_star"].to_numpy(float), 1e-12])
        ax.plot([0, top], [0, top], color="#aaaaaa", lw=0.8, ls=":")  # sigma = mu*: strongly non-linear
        ax.set_xlabel(f"μ* ({unit} per full range)", fontsize=8)
        ax.set_ylabel(f"σ ({unit} per full range)", fontsize=8)
        ax.set_title(short(label, 40), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    legend_below(fig, axes, ncol=min(len(params), 3))
    return fig
