"""The report's decision table and its rules, on results made in memory (no
binary): a cost per unit whose denominator's interval spans zero is "no clear
effect", never a number; the sentences come from the numbers; names from the
file are text in the page and in the figures; colours are fixed by name."""
import html.parser
import math
import os
import re
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "matplotlib", "jinja2")
common.setup_paths()

import numpy as np  # noqa: E402

from passerelle_analysis import decision, plots, report  # noqa: E402
from passerelle_analysis.colours import BASELINE_GREY, PALETTE, preferred, scenario_colours  # noqa: E402

# (extra cost over the measured period, change in GP social min/GP/week, change in unmet need-days, noise)
CLEAR = (20000, -10, -300, 1)       # frees GP time and averts need-days, clearly
NOISY = (5000, 0, 0, 20)            # effects indistinguishable from zero
WORSE = (8000, +6, +200, 0.5)       # clearly worse on both counts
DEARER = (90000, -8, -200, 1)       # less good than CLEAR and dearer: dominated by CLEAR


class Text(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.text, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def page_text(page):
    t = Text()
    t.feed(page)
    return "".join(t.text), t.tags


def decision_table(page):
    m = re.search(r'<table class="decision">.*?</table>', page, re.S)
    return m.group(0) if m else ""


class NoClearEffect(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.res = common.fake_results({"clear": CLEAR, "noisy": NOISY, "worse": WORSE, "dearer": DEARER})
        cls.opts = {o.name: o for o in decision.options(cls.res)}
        cls.page = report.render(cls.res)

    def test_rule(self):
        noisy = self.opts["noisy"]
        self.assertFalse(noisy.hours.clear)
        self.assertLessEqual(noisy.hours.low, 0)
        self.assertGreaterEqual(noisy.hours.high, 0)
        self.assertEqual(noisy.cost_per_hour.status, decision.NO_CLEAR_EFFECT)
        self.assertTrue(math.isnan(noisy.cost_per_hour.value))
        self.assertEqual(self.opts["worse"].cost_per_hour.status, decision.WORSE)
        clear = self.opts["clear"]
        self.assertEqual(clear.cost_per_hour.status, "value")
        self.assertAlmostEqual(clear.cost_per_hour.value, clear.cost.mean / clear.hours.mean)
        self.assertLess(clear.cost_per_hour.low, clear.cost_per_hour.value)
        self.assertGreater(clear.cost_per_hour.high, clear.cost_per_hour.value)

    def test_rule_applies_to_the_interval_not_the_mean(self):
        # A positive mean whose interval spans zero is still no clear effect.
        e = decision.Effect(5.0, -1.0, 11.0)
        r = decision.ratio(decision.Effect(1000.0, 900.0, 1100.0), e)
        self.assertEqual(r.status, decision.NO_CLEAR_EFFECT)
        self.assertEqual(decision.ratio(decision.Effect(1000.0), decision.Effect(5.0)).status,
                         decision.NO_CLEAR_EFFECT, "no interval: no clear effect")
        self.assertEqual(decision.ratio(decision.Effect(1000.0), decision.Effect(5.0, 1.0, 9.0)).value, 200.0)

    def test_page_shows_no_number_for_it(self):
        table = decision_table(self.page)
        row = re.search(r"<tr><th[^>]*>.*?noisy</th>(.*?)</tr>", table, re.S).group(1)
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        self.assertEqual(len(cells), 5)
        self.assertEqual(cells[3], decision.NO_CLEAR_EFFECT)
        self.assertEqual(cells[4], decision.NO_CLEAR_EFFECT)
        self.assertIn(decision.INTERVAL_LABEL, page_text(self.page)[0])

    def test_bootstrap_interval_covers_a_known_ratio_at_its_nominal_rate(self):
        # 200 synthetic data sets of 30 paired replicates whose ratio of means is 3.
        rng = np.random.default_rng(3)
        sets, covered = 200, 0
        for k in range(sets):
            den = 10 + rng.normal(0, 2, 30)
            num = 3 * den + rng.normal(0, 4, 30)
            lo, hi = decision.bootstrap_ratio(num, den, resamples=1000, seed=k)
            covered += lo <= 3.0 <= hi
        tol = 3 * math.sqrt(0.95 * 0.05 / sets)  # 3 binomial standard deviations
        self.assertLess(abs(covered / sets - 0.95), tol, covered)
        self.assertTrue(all(math.isnan(x) for x in decision.bootstrap_ratio([1.0], [2.0])))  # one pair: none

    def test_ratio_interval_is_the_bootstrap_one(self):
        r = self.opts["clear"].cost_per_day
        self.assertEqual(r.status, "value")
        self.assertLess(r.low, r.value)
        self.assertGreater(r.high, r.value)

    def test_identical_to_baseline_gives_zero_and_no_ratio(self):
        res = common.fake_results({"same": (0, 0, 0, 0)})
        same = decision.options(res)[0]
        self.assertEqual(same.cost.mean, 0.0)
        self.assertEqual(same.hours.mean, 0.0)
        self.assertEqual(same.days.mean, 0.0)
        self.assertEqual(same.cost_per_hour.status, decision.NO_CLEAR_EFFECT)
        self.assertEqual(same.cost_per_day.status, decision.NO_CLEAR_EFFECT)
        self.assertEqual(decision.dominated([same], res.baseline), [])  # costs nothing more: not dominated

    def test_dominated_option_is_labelled(self):
        dom = {o.name: by for o, by in decision.dominated(list(self.opts.values()), self.res.baseline)}
        self.assertEqual(dom.get("dearer"), "clear")
        self.assertEqual(dom.get("noisy"), self.res.baseline)
        self.assertNotIn("clear", dom)
        self.assertIn("Dominated:", page_text(self.page)[0])

    def test_sentences_follow_the_numbers(self):
        text = page_text(self.page)[0]
        self.assertRegex(text, r"clear frees the most GP time: [\d .]+ GP hours a year \(95 % CI, Monte-Carlo only")
        self.assertIn("dearer costs more than clear", text)
        self.assertIn("worse costs more than baseline", text)
        self.assertIn("Not distinguishable from zero (the interval spans zero): GP time freed for noisy;", text)
        # Another set of options: another verdict, nothing carried over.
        other = report.render(common.fake_results({"alpha": NOISY, "beta": CLEAR}))
        t2 = page_text(other)[0]
        self.assertIn("beta frees the most GP time", t2)
        self.assertNotIn("clear frees", t2)
        none = report.render(common.fake_results({"alpha": NOISY}))
        self.assertIn("No option frees GP time distinguishably from zero", page_text(none)[0])
        taking = page_text(report.render(common.fake_results({"gamma": WORSE, "delta": (9000, +4, -300, 0.5)})))[0]
        self.assertIn("No option frees GP time; gamma and delta clearly take more of it.", taking)
        self.assertRegex(taking, r"delta averts unmet need-days at least cost: [\d .]+ EUR per need-day\.")
        self.assertIn("Dominated: gamma costs more than baseline", taking)

    def test_decision_comes_first(self):
        self.assertLess(self.page.index('id="decision"'), self.page.index('id="experiment"'))
        self.assertLess(self.page.index('class="decision"'), self.page.index('id="scenarios"'))


HOSTILE = ['$x$ <b>bold</b> & "quoted"', "it's\nmultiline <i>", "cost $5 and $\\notasymbol$", "a&amp;b"]


class HostileNames(unittest.TestCase):
    def test_names_render_as_text(self):
        res = common.fake_results({n: CLEAR for n in HOSTILE})
        res.attrs["description"] = "<script>alert(1)</script>"
        page = report.render(res)
        text, tags = page_text(page)
        for n in HOSTILE:
            self.assertIn(n, text)
        self.assertNotIn("script", tags)
        self.assertNotIn("<b>bold</b>", page)
        self.assertNotIn("multiline <i>", page)
        self.assertIn("&lt;b&gt;bold&lt;/b&gt;", page)
        self.assertIn("a&amp;amp;b", page)
        self.assertIn("&lt;script&gt;", page)

    def test_figures_draw_dollars_as_text(self):
        # With mathtext on, "$\notasymbol$" fails to draw: the label must be plain text.
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        for i, n in enumerate(HOSTILE):
            ax.plot([0, 1], [i, i], label=plots.short(n))
        ax.set_title(HOSTILE[2])
        plots.legend_below(fig, [ax])
        self.assertTrue(plots.png(fig).startswith("data:image/png;base64,"))
        self.assertNotIn("\n", plots.short(HOSTILE[1]))
        # And a whole figure of the report with such names.
        res = common.fake_results({n: CLEAR for n in HOSTILE})
        res.summary["instrumental_ties"] = 3.0
        self.assertIn("data:image/png;base64,", report.render(res))


class Colours(unittest.TestCase):
    def test_fixed_by_name(self):
        a = scenario_colours(["baseline", "coordinator", "vade-mecum"], "baseline")
        b = scenario_colours(["vade-mecum", "today", "coordinator", "shared-premises"], "today")
        self.assertEqual(a["baseline"], BASELINE_GREY)
        self.assertEqual(b["today"], BASELINE_GREY)
        for name in ("coordinator", "vade-mecum"):
            self.assertEqual(a[name], PALETTE[preferred(name)])
            self.assertEqual(a[name], b[name])
        # A collision: the later name in the file's order moves on, the earlier keeps its colour.
        names = [f"n{i}" for i in range(200)]
        first = names[0]
        twin = next(n for n in names[1:] if preferred(n) == preferred(first))
        c = scenario_colours([first, twin], None)
        self.assertEqual(c[first], PALETTE[preferred(first)])
        self.assertNotEqual(c[twin], c[first])
        self.assertEqual(scenario_colours([first, "zz", twin], None)[first], c[first])
        self.assertNotIn(BASELINE_GREY, PALETTE)

    def test_distinct_within_a_report(self):
        names = [f"option-{i}" for i in range(len(PALETTE))]
        c = scenario_colours(names, None)
        self.assertEqual(len(set(c.values())), len(PALETTE))

    def test_page_uses_them(self):
        res = common.fake_results({"coordinator": CLEAR, "vade-mecum": NOISY})
        page = report.render(res)
        self.assertIn(f'background:{PALETTE[preferred("coordinator")]}', page)
        self.assertIn(f"background:{BASELINE_GREY}", page)


class ManyOptions(unittest.TestCase):
    def test_nine_options_as_rows_in_a_scrolling_box(self):
        res = common.fake_results({f"option number {i}": CLEAR for i in range(9)})
        page = report.render(res)
        self.assertEqual(decision_table(page).count("<tr>") - 1, 9)
        scen = page[page.index('id="scenarios"'):page.index('id="comparisons"')]
        self.assertIn('<div class="scroll">', scen)
        self.assertEqual(len(re.findall(r'<th scope="row"', scen)), 10)  # baseline + 9, one row each
        self.assertIn(".scroll{overflow-x:auto", page)


class Calibration(unittest.TestCase):
    def test_targets_of_another_territory_left_out(self):
        import pandas as pd
        res = common.fake_results({"clear": CLEAR})
        rows = [{"name": n, "target": 0.5, "ci_low": 0.4, "ci_high": 0.6, "units": "share", "model": 0.5,
                 "values": np.array([0.5, 0.5]), "model_mean": 0.5, "description": "", "scenario": "",
                 "source": "", "territory": t}
                for n, t in (("here_target", "herbasse"), ("unsaid_target", ""), ("elsewhere_target", "lyon"))]
        res.calibration = pd.DataFrame(rows)
        page = report.render(res)
        self.assertIn("here_target", page)
        self.assertIn("unsaid_target", page)
        self.assertNotIn("elsewhere_target", page)
        self.assertIn("1 target(s) of another territory left out", page)


class Uncertainty(unittest.TestCase):
    """With parameter draws (/uncertainty: io.Results.uncertainty) the decision
    uses the draws' spread and says so; without, the Monte-Carlo label stays."""

    @classmethod
    def setUpClass(cls):
        import pandas as pd
        from passerelle_analysis import economics
        cls.economics = economics
        cls.res = common.fake_results({"clear": CLEAR, "noisy": NOISY})
        rng = np.random.default_rng(3)
        rows = []
        for o, (cost, hours, days) in (("baseline", (0, 0, 0)), ("clear", (90000, 40, -50)),
                                       ("noisy", (20000, 5, 600))):
            for k in range(40):
                rows.append({"option": o, "draw": k, "gp.knows_well_share": 0.05 + k / 100,
                             "cost_eur_per_year": cost,
                             "gp_hours_freed_per_year": hours + (rng.normal(0, 10) if hours else 0),
                             "unmet_need_days_averted": days + (rng.normal(0, 200) if days else 0)})
        cls.res.uncertainty = pd.DataFrame(rows)
        cls.opts = {o.name: o for o in decision.options(cls.res)}
        cls.page = report.render(cls.res)

    def test_intervals_come_from_the_draws(self):
        clear = self.opts["clear"]
        v = self.res.uncertainty.query("option == 'clear'")["unmet_need_days_averted"].to_numpy()
        self.assertAlmostEqual(clear.days.mean, v.mean())
        lo, hi = np.percentile(v, [2.5, 97.5])
        self.assertAlmostEqual(clear.days.low, lo)
        self.assertAlmostEqual(clear.days.high, hi)
        self.assertFalse(clear.days.clear)  # spans zero across the draws, though clear in the replicates
        self.assertEqual(clear.cost_per_day.status, decision.NO_CLEAR_EFFECT)
        for o in self.opts.values():
            for e in (o.cost, o.hours, o.days):
                self.assertEqual(e.label, decision.PSA_INTERVAL_LABEL)
        self.assertEqual(decision.interval_label(self.res), decision.PSA_INTERVAL_LABEL)

    def test_ratio_interval_bootstraps_the_draws(self):
        noisy = self.opts["noisy"]
        self.assertEqual(noisy.cost_per_day.status, "value")  # 600 ± 200 need-days: clear across the draws
        self.assertLess(noisy.cost_per_day.low, noisy.cost_per_day.value)
        self.assertGreater(noisy.cost_per_day.high, noisy.cost_per_day.value)

    def test_labels_say_what_each_interval_covers(self):
        decision_part = self.page[self.page.index('id="decision"'):self.page.index('id="experiment"')]
        self.assertIn(decision.PSA_INTERVAL_LABEL, decision_part)
        self.assertNotIn(decision.INTERVAL_LABEL, decision_part)
        rest = self.page[self.page.index('id="scenarios"'):]
        self.assertIn(decision.INTERVAL_LABEL, rest)  # the per-scenario tables stay Monte-Carlo only
        plain = report.render(common.fake_results({"clear": CLEAR}))
        self.assertNotIn(decision.PSA_INTERVAL_LABEL, plain)

    def test_acceptability_uses_the_draws(self):
        pairs = self.economics.paired_costs_effects(self.res)
        self.assertEqual(len(pairs["clear"][0]), 40)  # draws, not the 10 replicates
        self.assertTrue(self.economics.uses_draws(self.res))
        wtp = self.economics.wtp_grid(pairs)
        curves = self.economics.acceptability(pairs, wtp)
        total = sum(curves.values())
        self.assertTrue(np.allclose(total, 1.0))


if __name__ == "__main__":
    unittest.main()
