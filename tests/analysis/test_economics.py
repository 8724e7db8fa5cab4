"""The acceptability curve and net monetary benefit (passerelle_analysis.economics)
on synthetic paired replicates whose answer is known."""
import os
import sys
import unittest

sys.path.insert(0, os.environ.get("PASSERELLE_ANALYSIS_DIR", os.path.join(os.path.dirname(__file__), "../../analysis")))
try:
    import numpy as np
    from passerelle_analysis import economics
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


if __name__ == "__main__":
    unittest.main()
