"""The decision the report leads with: per option (every hand-written
scenario but the baseline) its extra cost per year, GP hours freed per year,
unmet need-days averted per year and the cost of each, and a few sentences
generated from those numbers.

Rules (tests/analysis/test_decision.py):
- An effect is "clear" when its 95 % interval excludes zero.
- A cost per unit whose denominator is not clear is "no clear effect", never a
  number; one whose denominator is clearly negative is "none (worse)". Its
  interval is a percentile bootstrap over the paired replicates, or over the
  paired draws with an uncertainty analysis (bootstrap_ratio): the uncertainty
  of the ratio of mean cost to mean effect.
- Intervals are the Monte-Carlo ones (replicate-to-replicate spread under
  common random numbers): they say nothing of the uncertainty in the model's
  parameters, and the page says so next to every one (INTERVAL_LABEL).
  When the file has an uncertainty analysis ([uncertainty], /uncertainty) the
  decision uses its draws instead: the mean over draws and the 2.5th-97.5th
  percentiles of the draws' paired differences (PSA_INTERVAL_LABEL), which
  cover the parameters' prior ranges and the Monte-Carlo noise.
"""
import math
from dataclasses import dataclass

import numpy as np

try:
    from markupsafe import Markup  # comes with jinja2
except ImportError:  # report._environment() names what is missing before any sentence is made
    Markup = None


INTERVAL_LABEL = "95 % CI, Monte-Carlo only"
PSA_INTERVAL_LABEL = "95 % interval, parameters + Monte-Carlo"
NO_CLEAR_EFFECT = "no clear effect"
WORSE = "none (worse)"


@dataclass
class Effect:
    mean: float
    low: float = math.nan
    high: float = math.nan
    label: str = INTERVAL_LABEL  # what the interval covers

    @property
    def clear(self):
        """The interval exists and excludes zero."""
        return math.isfinite(self.low) and math.isfinite(self.high) and (self.low > 0 or self.high < 0)

    @property
    def clearly_positive(self):
        return self.clear and self.low > 0

    @property
    def clearly_negative(self):
        return self.clear and self.high < 0


@dataclass
class Ratio:
    """A cost per unit: `status` is "value", NO_CLEAR_EFFECT or WORSE."""
    status: str
    value: float = math.nan
    low: float = math.nan
    high: float = math.nan


BOOTSTRAP_RESAMPLES = 2000  # the interval's own Monte-Carlo error: ~1 % of its width
BOOTSTRAP_SEED = 14         # fixed: the same file gives the same page


def bootstrap_ratio(num, den, resamples=BOOTSTRAP_RESAMPLES, seed=BOOTSTRAP_SEED):
    """Percentile 95 % interval of mean(num) / mean(den), resampling the pairs
    (paired replicates, or paired parameter draws) with replacement. (nan, nan)
    with fewer than 2 pairs. A resample whose denominator is 0 counts as
    +-infinity (it sorts to the ends). Used where the denominator's own
    interval excludes zero (ratio()): the ratio is then bounded."""
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    ok = ~(np.isnan(num) | np.isnan(den))
    num, den = num[ok], den[ok]
    n = num.size
    if n < 2:
        return math.nan, math.nan
    idx = np.random.default_rng(seed).integers(0, n, size=(resamples, n))
    sn, sd = num[idx].sum(axis=1), den[idx].sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.where(sd != 0, sn / np.where(sd != 0, sd, 1.0), np.copysign(np.inf, sn))
    lo, hi = np.percentile(r, [2.5, 97.5])
    return float(lo), float(hi)


def ratio(cost, den, pairs=None):
    """Cost per unit of `den` (an Effect). pairs: (cost per replicate or draw,
    den per replicate or draw) for the bootstrap interval, when available."""
    if den.clearly_negative:
        return Ratio(WORSE)
    if not den.clearly_positive:
        return Ratio(NO_CLEAR_EFFECT)
    value = cost.mean / den.mean
    lo, hi = bootstrap_ratio(*pairs) if pairs is not None else (math.nan, math.nan)
    return Ratio("value", value, lo, hi)


def measured_weeks(res):
    h, w = res.attrs.get("horizon_weeks"), res.attrs.get("warmup_weeks")
    try:
        return float(h) - float(w)
    except (TypeError, ValueError):
        return math.nan


def paired_differences(summary, scenario, baseline, field):
    """scenario − baseline replicate by replicate (common random numbers), the
    replicates present on both sides; NaN where either side is NaN."""
    if field not in summary:
        return np.array([])
    s = summary[summary["scenario"] == scenario].set_index("replicate")[field]
    b = summary[summary["scenario"] == baseline].set_index("replicate")[field]
    both = s.index.intersection(b.index)
    return (s.loc[both] - b.loc[both]).to_numpy(dtype=float)


def _row(cmp, scenario, metric):
    d = cmp[(cmp["scenario"] == scenario) & (cmp["metric"] == metric)]
    return None if d.empty else d.iloc[0]


def _effect(cmp, scenario, metric, k=1.0):
    r = _row(cmp, scenario, metric)
    if r is None:
        return Effect(math.nan)
    lo, hi = sorted((r["ci_low"] * k, r["ci_high"] * k))
    return Effect(float(r["mean_diff"]) * k, float(lo), float(hi))


def _agrees(values, mean):
    v = values[~np.isnan(values)]
    return v.size >= 2 and math.isfinite(mean) and abs(v.mean() - mean) <= 1e-6 * max(1.0, abs(mean))


def interval_label(res):
    """What the decision's intervals cover in this file: with [uncertainty]
    draws, the file's /uncertainty `covers` ("parameters (calibrated posterior
    + priors) + Monte-Carlo" when a calibration gave some draws)."""
    if not getattr(res, "has_uncertainty", False):
        return INTERVAL_LABEL
    covers = (getattr(res, "attrs", None) or {}).get("uncertainty_covers")
    return f"95 % interval, {covers}" if covers else PSA_INTERVAL_LABEL


def _psa_effect(res, scenario, metric):
    """Mean over draws and the 2.5th-97.5th percentiles of the draws' paired
    differences (each the mean over its replicates); None without draws."""
    u = getattr(res, "uncertainty", None)
    if u is None or u.empty or metric not in u:
        return None
    v = u.loc[u["option"] == scenario, metric].to_numpy(dtype=float)
    v = v[np.isfinite(v)]
    if v.size < 2:
        return None
    lo, hi = np.percentile(v, [2.5, 97.5])
    return Effect(float(v.mean()), float(lo), float(hi), interval_label(res))


@dataclass
class Option:
    name: str
    cost: Effect          # extra cost per year against the baseline, EUR/year
    hours: Effect         # GP hours freed per year (positive is good)
    days: Effect          # unmet need-days averted per year (positive is good)
    cost_per_hour: Ratio  # EUR per GP hour freed
    cost_per_day: Ratio   # EUR per need-day averted


def options(res):
    """One Option per hand-written scenario but the baseline, in file order."""
    cmp, base = res.comparisons, res.baseline
    per_year = 52.0 / measured_weeks(res) if measured_weeks(res) > 0 else math.nan
    gps = res.attrs.get("gps")
    out = []
    for sc in res.main_scenarios:
        if sc == base:
            continue
        cost = _effect(cmp, sc, "cost_eur", per_year)
        hours = _effect(cmp, sc, "gp_hours_freed_per_year")
        days = _effect(cmp, sc, "unmet_need_days_averted")
        # Per-replicate values for the bootstrap interval, checked against the file's
        # means so that a change of definition drops the interval, not its sense.
        c = paired_differences(res.summary, sc, base, "cost_eur") * per_year
        h = paired_differences(res.summary, sc, base, "gp_social_minutes_per_gp_week") * (
            -float(gps) * 52.0 / 60.0 if gps else math.nan)
        d = paired_differences(res.summary, sc, base, "unmet_need_days") * -per_year
        hp = (c, h) if len(c) == len(h) and _agrees(c, cost.mean) and _agrees(h, hours.mean) else None
        dp = (c, d) if len(c) == len(d) and _agrees(c, cost.mean) and _agrees(d, days.mean) else None
        psa = [_psa_effect(res, sc, m) for m in ("cost_eur_per_year", "gp_hours_freed_per_year",
                                                 "unmet_need_days_averted")]
        if all(e is not None for e in psa):  # parameters + Monte-Carlo: the draws replace the replicates
            cost, hours, days = psa
            u = res.uncertainty[res.uncertainty["option"] == sc]
            c, h, d = (u[m].to_numpy(dtype=float) for m in ("cost_eur_per_year", "gp_hours_freed_per_year",
                                                          "unmet_need_days_averted"))
            hp, dp = (c, h), (c, d)  # the bootstrap resamples the paired draws
        out.append(Option(sc, cost, hours, days, ratio(cost, hours, hp), ratio(cost, days, dp)))
    return out


def _names(names):
    names = [Markup("<b>{}</b>").format(n) for n in names]
    if len(names) <= 1:
        return Markup("").join(names)
    return Markup(", ").join(names[:-1]) + Markup(" and ") + names[-1]


def _num(v):
    from .report import fmt  # one number format for the page
    return fmt(v)


def dominated(opts, baseline):
    """[(option, by)]: options costlier and no better. Against the baseline:
    extra cost > 0 and neither effect clearly positive (its interval). Against
    another option: dearer on the mean and no better on either mean effect."""
    out = []
    for o in opts:
        if not math.isfinite(o.cost.mean):
            continue
        if o.cost.mean > 0 and not o.hours.clearly_positive and not o.days.clearly_positive:
            out.append((o, baseline))
            continue
        for p in opts:
            if p is o or not all(math.isfinite(x.mean) for x in (p.cost, p.hours, p.days, o.hours, o.days)):
                continue
            if p.cost.mean < o.cost.mean and p.hours.mean >= o.hours.mean and p.days.mean >= o.days.mean:
                out.append((o, p.name))
                break
    return out


def _range(e):
    return Markup("{}: {} to {}").format(e.label, _num(e.low), _num(e.high))


def sentences(opts, baseline):
    """Two or three sentences (HTML-safe Markup) drawn from the numbers: GP
    time (which option frees most, or that none does), need-days (which
    averts them at least cost), then what is dominated and what is not
    distinguishable from zero, or that nothing is."""
    if not opts:
        return []
    out = []
    freeing = [o for o in opts if o.hours.clearly_positive]
    taking = [o.name for o in opts if o.hours.clearly_negative]
    if freeing:
        best = max(freeing, key=lambda o: o.hours.mean)
        s = Markup("{} frees the most GP time: {} GP hours a year ({})").format(
            _names([best.name]), _num(best.hours.mean), _range(best.hours))
        if best.cost_per_hour.status == "value":
            s += Markup(", at {} EUR per hour freed").format(_num(best.cost_per_hour.value))
        out.append(s + Markup("."))
    elif taking:
        out.append(Markup("No option frees GP time; {} clearly {} more of it.").format(
            _names(taking), "takes" if len(taking) == 1 else "take"))
    else:
        out.append(Markup("No option frees GP time distinguishably from zero."))
    averting = [o for o in opts if o.cost_per_day.status == "value"]
    if averting:  # joined to the first sentence: two or three in all
        cheap = min(averting, key=lambda o: o.cost_per_day.value)
        most = max(averting, key=lambda o: o.days.mean)
        s = Markup(" {} averts unmet need-days at least cost: {} EUR per need-day").format(
            _names([cheap.name]), _num(cheap.cost_per_day.value))
        if most is not cheap:
            s += Markup("; {} averts the most, {} need-days a year").format(_names([most.name]), _num(most.days.mean))
        out[-1] += s + Markup(".")
    tail = []
    dom = dominated(opts, baseline)
    for o, by in dom:
        if by == baseline:
            tail.append(Markup("{} costs more than {} without a clear gain in GP time or unmet need-days").format(
                _names([o.name]), _names([by])))
        else:
            tail.append(Markup("{} costs more than {} and does no better on either count (means)").format(
                _names([o.name]), _names([by])))
    dom_text = Markup("Dominated: ") + Markup("; ").join(tail) + Markup(".") if tail else None
    unclear = []
    for label, attr in (("GP time freed", "hours"), ("unmet need-days averted", "days")):
        names = [o.name for o in opts if not getattr(o, attr).clear]
        if names:
            unclear.append(Markup("{} for {}").format(label, _names(names)))
    unclear_text = (Markup("Not distinguishable from zero (the interval spans zero): ") + Markup("; ").join(unclear) +
                    Markup(".")) if unclear else None
    if dom_text or unclear_text:
        out += [t for t in (dom_text, unclear_text) if t]
    else:
        out.append(Markup("No option is dominated, and every effect on GP time and unmet need-days is "
                          "distinguishable from zero."))
    return out


def best_sentence(p_best, baseline, wtp, label):
    """One sentence on how sure the choice is: the option most often with the
    highest net monetary benefit at the stated willingness to pay, and how
    often (over replicates or parameter draws: `label` says which)."""
    name = max(p_best, key=lambda k: p_best[k])
    who = _names([baseline if name is None else name])
    return Markup("At {} EUR per GP hour freed and {} EUR per need-day averted, {} has the highest net monetary "
                  "benefit in {} % of the {}.").format(
        _num(wtp[0]), _num(wtp[1]), who, f"{100 * p_best[name]:.0f}",
        "parameter draws" if "parameters" in label else "resampled means of the replicates")


def hinges_sentence(assumed_rows):
    """What the answer hinges on: the parameters the "what is assumed" table
    ranks first, per option (rows: option, outcome, parameter, weight)."""
    seen, parts = set(), []
    for option, outcome, parameter, weight in assumed_rows:
        if (option, parameter) in seen or len(parts) >= 2:
            continue
        seen.add((option, parameter))
        parts.append(Markup("{}'s {} on {} ({})").format(_names([option]), outcome, Markup("<code>{}</code>").format(parameter), weight))
    if not parts:
        return None
    return Markup("The answer hinges most on ") + Markup("; ").join(parts) + Markup(
        " (\u201cwhat is assumed\u201d, under Sensitivity).")
