"""The acceptability curve and net monetary benefit (passerelle_analysis.economics)
on synthetic paired replicates whose answer is known."""
import os
import sys
import unittest

sys.path.insert(0, os.environ.get("PASSERELLE_ANALYSIS_DIR", os.path.join(os.path.dirname(__file__), "../../analysis")))
try:
    import numpy as np
    from passerelle_analysis import decision, economics
except ImportError as e:  # a missing Debian module: skipped, not failed
    print(f"skipped: {e}")
    sys.exit(77)


class Acceptability(unittest.TestCase):
    def setUp(self):
        rng = np.random.default_rng(3)
        n = 400
        # "cheap": 10 kEUR/year for ~1000 days (10 EUR/day); "dear": 40 kEUR for ~1200 days.
        self.pairs = {"cheap": (10_000 + rng.normal(0, 500, n), 1000 + rng.normal(0, 20, n)),
                      "dear": (40_000 + rng.normal(0, 500, n), 1200 + rng.normal(0, 20, n))}
        self.wtp = np.linspace(0, 400, 81)

    def test_probabilities_sum_to_one(self):
        c = economics.acceptability(self.pairs, self.wtp)
        total = c[None] + c["cheap"] + c["dear"]
        np.testing.assert_allclose(total, 1.0)

    def test_baseline_best_when_nothing_is_paid_for_benefit(self):
        c = economics.acceptability(self.pairs, self.wtp)
        self.assertEqual(c[None][0], 1.0)  # W = 0: any extra cost loses

    def test_two_options_curve_is_monotone_when_every_effect_is_positive(self):
        one = {"cheap": self.pairs["cheap"]}
        c = economics.acceptability(one, self.wtp)
        self.assertTrue(np.all(np.diff(c["cheap"]) >= 0))
        self.assertTrue(np.all(np.diff(c[None]) <= 0))
        # Crossing near the cost per day, 10 EUR.
        k = int(np.argmax(c["cheap"] > 0.5))
        self.assertLess(abs(self.wtp[k] - 10.0), 10.0)

    def test_dearer_option_wins_at_high_willingness_to_pay(self):
        # Incremental ratio dear vs cheap: 30 kEUR for 200 days = 150 EUR/day.
        c = economics.acceptability(self.pairs, self.wtp)
        self.assertGreater(c["cheap"][np.searchsorted(self.wtp, 100)], 0.9)
        self.assertGreater(c["dear"][-1], 0.9)

    def test_option_identical_to_baseline_never_strictly_wins(self):
        zero = np.zeros(50)
        c = economics.acceptability({"same": (zero, zero)}, self.wtp)
        self.assertTrue(np.all(c[None] == 1.0))  # ties go to the baseline

    def test_grid_reaches_beyond_the_cost_per_day(self):
        g = economics.wtp_grid(self.pairs)
        self.assertEqual(g[0], 0.0)
        self.assertGreater(g[-1], 40_000 / 1200)


ECONOMICS = {"discount_rate": 0.035, "gp_hour_value_eur": 90.0, "worker_hour_value_eur": 30.0,
             "wtp_per_gp_hour_eur": 60.0, "wtp_per_need_day_eur": 25.0, "horizon_years": 3.0}


def with_economics(res, values=ECONOMICS):
    for k, v in values.items():
        res.attrs[f"economics.{k}"] = v
        res.attrs[f"economics.{k}.source"] = "test"
    return res


def economics_free():
    import common
    return common.fake_results({"good": (20000, -10, -300, 0)})


class NetCostAndNetMonetaryBenefit(unittest.TestCase):
    """Net cost, NMB and discounting on paired replicates without noise, whose
    answer is exact (tests/analysis/common.fake_results: 52 measured weeks)."""

    @classmethod
    def setUpClass(cls):
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import common
        # good: 20,000 EUR a year, 10 GP min/GP/week less (10 GPs: 86.7 h a year), 300 need-days fewer.
        cls.res = with_economics(common.fake_results({"good": (20000, -10, -300, 0), "same": (0, 0, 0, 0)}))
        cls.tab = economics.net_table(cls.res).set_index(["option", "metric"])
        cls.hours = 10 * 10 * 52 / 60

    def test_discounting_follows_the_has_convention(self):
        self.assertEqual(economics.discounted_years(0.0, 2.5), 2.5)
        self.assertEqual(economics.discounted_years(0.025, 1.0), 1.0)  # the first year is not discounted
        self.assertAlmostEqual(economics.discounted_years(0.025, 1.5), 1 + 0.5 / 1.025)

    def test_net_cost_subtracts_the_value_of_time_freed(self):
        self.assertAlmostEqual(self.tab.loc[("good", "cost_eur_per_year"), "mean"], 20000)
        self.assertAlmostEqual(self.tab.loc[("good", "net_cost_eur_per_year"), "mean"], 20000 - 90.0 * self.hours)

    def test_nmb_values_both_effects_at_their_willingness_to_pay(self):
        self.assertAlmostEqual(self.tab.loc[("good", "nmb_eur_per_year"), "mean"],
                               60.0 * self.hours + 25.0 * 300 - 20000)

    def test_horizon_totals_are_discounted_alike(self):
        k = 1 + 1 / 1.035 + 1 / 1.035 ** 2
        for m in ("cost_eur", "net_cost_eur", "nmb_eur"):
            self.assertAlmostEqual(self.tab.loc[("good", m + "_horizon"), "mean"],
                                   self.tab.loc[("good", m + "_per_year"), "mean"] * k)

    def test_identical_option_is_zero_and_highest_nmb_is_chosen(self):
        for m in ("cost_eur_per_year", "net_cost_eur_per_year", "nmb_eur_per_year"):
            self.assertEqual(self.tab.loc[("same", m), "mean"], 0.0)
        nmb = 60.0 * self.hours + 25.0 * 300 - 20000
        best = economics.best_by_nmb(economics.net_table(self.res))
        self.assertEqual(best, "good" if nmb > 0 else None)
        dear = with_economics(self.res, {**ECONOMICS, "wtp_per_need_day_eur": 0.0, "wtp_per_gp_hour_eur": 0.0})
        self.assertIsNone(economics.best_by_nmb(economics.net_table(dear)))  # nothing is worth paying for
        with_economics(self.res)

    def test_report_shows_the_table_under_the_decision(self):
        from passerelle_analysis import report
        page = report.render(self.res)
        decision_part = page[page.index('id="decision"'):page.index('id="experiment"')]
        self.assertIn("Net cost and net monetary benefit", decision_part)
        self.assertIn("Highest expected net monetary benefit", decision_part)
        self.assertIn("3.50 %", decision_part)  # the file's discount rate, as written
        self.assertNotIn("Net cost and net", report.render(economics_free()))

    def test_probability_of_the_highest_nmb_follows_the_willingness_to_pay(self):
        # Noise-free replicates: the option whose NMB is highest wins every replicate.
        nmb = 60.0 * self.hours + 25.0 * 300 - 20000
        p, wtp = economics.prob_best(self.res)
        self.assertEqual(wtp, (60.0, 25.0))
        self.assertAlmostEqual(sum(p.values()), 1.0)
        self.assertEqual(p["good"], 1.0 if nmb > 0 else 0.0)
        self.assertEqual(p["same"], 0.0)  # identical to the baseline: ties go to the baseline
        dear = with_economics(self.res, {**ECONOMICS, "wtp_per_need_day_eur": 0.0, "wtp_per_gp_hour_eur": 0.0})
        p0, _ = economics.prob_best(dear)
        self.assertEqual(p0[None], 1.0)  # nothing is worth paying for: the baseline is best everywhere
        with_economics(self.res)
        from passerelle_analysis import report
        page = report.render(self.res)
        decision_part = page[page.index('id="decision"'):page.index('id="experiment"')]
        self.assertIn("P(highest net monetary benefit)", decision_part)
        self.assertIn("has the highest net monetary benefit in 100 % of the resampled means of the replicates", decision_part)
        self.assertEqual(economics.prob_best(economics_free()), ({}, None))

    def test_monte_carlo_p_best_is_about_the_expected_value_not_one_replicate(self):
        # An option clearly worse on average (mean NMB -1,000, replicate sd
        # 3,000, 400 replicates) wins many single replicates but no resampled mean.
        rng = np.random.default_rng(7)
        dc = 1000 + 3000 * rng.standard_normal(400)
        pairs = {"noisy": (dc, np.zeros(400))}
        single = economics.acceptability(pairs, [0.0])["noisy"][0]
        self.assertGreater(single, 0.3)
        means = economics.acceptability(economics.bootstrap_means(pairs), [0.0])["noisy"][0]
        self.assertEqual(means, 0.0)
        again = economics.bootstrap_means(pairs)
        self.assertTrue(np.array_equal(again["noisy"][0], economics.bootstrap_means(pairs)["noisy"][0]))  # seeded

    def test_acceptability_curve_values_gp_hours_like_the_decision_table(self):
        # At the stated willingness to pay per need-day, the curve is the
        # decision table's P(highest NMB): GP hours valued at their own price.
        net, per_hour = economics.ceac_pairs(self.res)
        self.assertEqual(per_hour, 60.0)
        np.testing.assert_allclose(net["good"][0], 20000 - 60.0 * self.hours)
        curves = economics.acceptability(economics.bootstrap_means(net), [25.0])
        p, _ = economics.prob_best(self.res)
        for name in (None, "good", "same"):
            self.assertAlmostEqual(curves[name][0], p[name])

    def test_the_verdict_names_what_the_answer_hinges_on(self):
        from passerelle_analysis import decision
        s = str(decision.hinges_sentence([("good", "GP hours freed per year", "gp.x", "ST 0.9"),
                                          ("good", "GP hours freed per year", "gp.x", "ST 0.9"),
                                          ("good", "need-days", "gp.y", "PRCC 0.5*"),
                                          ("good", "need-days", "gp.z", "PRCC 0.4*")]))
        self.assertIn("<code>gp.x</code> (ST 0.9)", s)
        self.assertIn("gp.y", s)
        self.assertNotIn("gp.z", s)  # two drivers at most: the verdict stays short
        self.assertEqual(s.count("gp.x"), 1)
        self.assertIsNone(decision.hinges_sentence([]))

    def test_without_parameters_in_the_file_there_is_no_table(self):
        import common
        self.assertTrue(economics.net_table(common.fake_results({"good": (1, -1, -1, 0)})).empty)


class CompareAgreesWithThePage(unittest.TestCase):
    """`passerelle compare --json` (C++) and economics.net_table (Python) give
    the same net cost and NMB on a real run, with the same interval names."""

    def test_same_numbers_same_names(self):
        import json
        import subprocess
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import common
        from passerelle_analysis import load
        try:
            tmp, out = common.make_run()
        except RuntimeError as e:  # no binary outside CTest
            self.skipTest(str(e))
        with tmp:
            res = load(out)
            self.assertEqual(set(economics.parameters(res)), set(economics.ECONOMIC_KEYS))
            js = json.loads(subprocess.run([common.binary(), "compare", out, "--json"], check=True,
                                           capture_output=True, text=True).stdout)
        tab = economics.net_table(res).set_index(["option", "metric"])
        self.assertEqual(js["decision"]["covers"], "Monte-Carlo")
        self.assertTrue(js["decision"]["options"])
        for o in js["decision"]["options"]:
            for key in ("cost_eur_per_year", "net_cost_eur_per_year", "nmb_eur_per_year"):
                py = tab.loc[(o["option"], key)]
                for bound in ("mean", "ci_low", "ci_high"):  # one naming in both
                    self.assertAlmostEqual(o[key][bound] or 0.0, 0.0 if np.isnan(py[bound]) else py[bound],
                                           delta=1e-6 * max(1.0, abs(py[bound]) if np.isfinite(py[bound]) else 1),
                                           msg=f"{o['option']} {key} {bound}")
        first = next(iter(js["scenarios"].values()))
        self.assertIn("ci_low", next(iter(first.values())))


PSA_EXPERIMENT = """
[experiment]
name = "psa"
territory = "herbasse"
replicates = 2
horizon_weeks = 16
warmup_weeks = 4
seed = 5

[[scenario]]
name = "baseline"

[[scenario]]
name = "coordinator"
[[scenario.intervention]]
type = "coordinator"
start_week = 4
catchment = ["Crépol", "Montchenu"]

[economics]
discount_rate = 0.035

[uncertainty]
draws = 4
[uncertainty.parameters]
"gp.knows_well_share" = [0.05, 0.3]
"""


class ParameterDraws(unittest.TestCase):
    """On a real [uncertainty] run: the report's loader skips the draws'
    series but keeps their summaries, and the net table's per-draw values
    agree with /uncertainty (the C++ pairing)."""

    @classmethod
    def setUpClass(cls):
        import subprocess
        import tempfile
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import common
        try:
            binary = common.binary()
        except RuntimeError as e:  # no binary outside CTest
            raise unittest.SkipTest(str(e))
        cls.tmp = tempfile.TemporaryDirectory(prefix="passerelle-psa-")
        exp, cls.out = os.path.join(cls.tmp.name, "e.toml"), os.path.join(cls.tmp.name, "o.h5")
        with open(exp, "w", encoding="utf-8") as f:
            f.write(PSA_EXPERIMENT)
        subprocess.run([binary, "run", exp, "-o", cls.out, "--quiet", "--threads", "2"], check=True, timeout=120)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_report_loader_skips_the_draws_series_only(self):
        from passerelle_analysis import load
        full, lean = load(self.out), load(self.out, draw_series=False)
        self.assertEqual(len(full.summary), len(lean.summary))
        self.assertEqual(full.draw_scenarios, lean.draw_scenarios)
        self.assertTrue(set(full.draw_scenarios) & set(full.weekly["scenario"]))
        self.assertFalse(set(lean.draw_scenarios) & set(lean.weekly["scenario"]))
        self.assertEqual(set(full.main_scenarios), set(lean.weekly["scenario"]))

    def test_per_draw_values_agree_with_the_file(self):
        from passerelle_analysis import load
        res = load(self.out, draw_series=False)
        self.assertTrue(res.has_uncertainty)
        x = economics.samples(res)["coordinator"]
        self.assertEqual(len(x["cost"]), 4)
        # Worker hours come from the draws' summaries, cost from /uncertainty: the
        # same pairing recomputed from the summaries gives the same cost.
        mine = {d: int(d.rsplit("@d", 1)[1]) for d in res.draw_scenarios if d.startswith("coordinator@")}
        base = {f"baseline@d{k}": k for k in mine.values()}
        per_draw = economics._paired_frame(res.summary, mine, base).groupby("unit").mean(numeric_only=True)
        per_year = 52.0 / decision.measured_weeks(res)
        np.testing.assert_allclose(per_draw["cost_eur"].to_numpy() * per_year, x["cost"], rtol=1e-9)
        np.testing.assert_allclose(per_draw["worker_minutes"].to_numpy() * -per_year / 60, x["worker"], rtol=1e-9)
        tab = economics.net_table(res).set_index(["option", "metric"])
        lo, hi = np.percentile(x["cost"] - 88.33 * x["hours"] - 28.0 * x["worker"], [2.5, 97.5])
        self.assertAlmostEqual(tab.loc[("coordinator", "net_cost_eur_per_year"), "ci_low"], lo)
        self.assertAlmostEqual(tab.loc[("coordinator", "net_cost_eur_per_year"), "ci_high"], hi)
        self.assertEqual(economics.parameters(res)["discount_rate"], (0.035, "experiment file ([economics])"))


if __name__ == "__main__":
    unittest.main()
