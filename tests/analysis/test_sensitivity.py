"""Global sensitivity (passerelle_analysis.sensitivity) on functions whose
answer is known: Sobol' indices of the Ishigami function (pick-freeze and
polynomial chaos), Morris elementary effects of a linear function and of one
with an inactive input and an interaction, and the break-even of a curve
that crosses zero at a known place; then a small Morris sweep run with the
built binary and its report (skipped without PASSERELLE_BINARY)."""
import math
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import require, setup_paths  # noqa: E402

require("numpy", "pandas", "h5py", "openturns")
setup_paths()
import numpy as np  # noqa: E402
import openturns as ot  # noqa: E402

from passerelle_analysis import sensitivity as sa  # noqa: E402

# Ishigami, a = 7, b = 0.1, inputs uniform on [-pi, pi] (Ishigami & Homma 1990;
# the indices as in Saltelli et al. 2008, Global Sensitivity Analysis, §5.1).
ISHIGAMI_S1 = [0.3139, 0.4424, 0.0]
ISHIGAMI_ST = [0.5576, 0.4424, 0.2437]


def ishigami(x):
    x = np.asarray(x, dtype=float)
    return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])


def morris_design(lower, upper, trajectories, levels, rng):
    """Trajectories as models/sweep.cpp makes them (every step one parameter by delta)."""
    d = len(lower)
    jump = levels // 2
    pts = []
    for _ in range(trajectories):
        up = rng.random(d) < 0.5
        at = rng.integers(0, levels - jump, d) + np.where(up, 0, jump)
        rows = [at.copy()]
        for j in rng.permutation(d):
            at[j] += jump if up[j] else -jump
            rows.append(at.copy())
        pts += [lower + (upper - lower) * r / (levels - 1) for r in rows]
    return np.array(pts)


class Sobol(unittest.TestCase):
    def test_pick_freeze_on_ishigami(self):
        # The design as the C++ sweep writes it (A, B, A with column i from B).
        n = 5000
        dist = ot.ComposedDistribution([ot.Uniform(-math.pi, math.pi)] * 3)
        ot.RandomGenerator.SetSeed(3)
        x = np.array(ot.SobolIndicesExperiment(dist, n).generate())
        t = sa.sobol_pick_freeze(ishigami(x), n, ["x1", "x2", "x3"], bootstrap=200)
        # Tolerance 0.03: the estimator's standard error at N = 5000 is about 0.01.
        np.testing.assert_allclose(t["S1"], ISHIGAMI_S1, atol=0.03)
        np.testing.assert_allclose(t["ST"], ISHIGAMI_ST, atol=0.03)
        self.assertTrue((t["S1_low"] <= t["S1"]).all() and (t["S1"] <= t["S1_high"]).all())
        self.assertTrue((t["ST_high"] - t["ST_low"] < 0.15).all())
        with self.assertRaises(ValueError):  # a design of the wrong size
            sa.sobol_pick_freeze(ishigami(x)[:-1], n, ["x1", "x2", "x3"])

    def test_polynomial_chaos_on_ishigami(self):
        rng = np.random.default_rng(5)
        x = rng.uniform(-math.pi, math.pi, (400, 3))
        c = sa.sobol_chaos(x, ishigami(x), [-math.pi] * 3, [math.pi] * 3, ["x1", "x2", "x3"])
        # Tolerance 0.02: the surrogate of degree up to 10 on 400 points is near exact.
        np.testing.assert_allclose(c.table["S1"], ISHIGAMI_S1, atol=0.02)
        np.testing.assert_allclose(c.table["ST"], ISHIGAMI_ST, atol=0.02)
        self.assertGreater(c.q2, 0.95)
        self.assertEqual(c.points, 400)
        # Noise the inputs cannot explain: a low Q², said beside the indices.
        noisy = sa.sobol_chaos(x, rng.normal(size=400), [-math.pi] * 3, [math.pi] * 3, ["x1", "x2", "x3"])
        self.assertLess(noisy.q2, 0.3)


class Morris(unittest.TestCase):
    lower = np.array([0.0, 0.0, 5.0])
    upper = np.array([1.0, 10.0, 6.0])

    def test_linear_function(self):
        rng = np.random.default_rng(1)
        x = morris_design(self.lower, self.upper, 12, 4, rng)
        y = 3 * x[:, 0] - 2 * x[:, 1] + 0 * x[:, 2]
        t = sa.morris(x, y, self.lower, self.upper, ["a", "b", "c"], 12).set_index("parameter")
        # An effect is per full range: |coefficient| x (max - min).
        np.testing.assert_allclose(t["mu_star"], [3, 20, 0], atol=1e-9)
        np.testing.assert_allclose(t["mu"], [3, -20, 0], atol=1e-9)
        np.testing.assert_allclose(t["sigma"], [0, 0, 0], atol=1e-9)
        self.assertTrue((t["n"] == 12).all())

    def test_inactive_input_and_interaction(self):
        rng = np.random.default_rng(2)
        x = morris_design(self.lower, self.upper, 30, 4, rng)
        u = (x - self.lower) / (self.upper - self.lower)
        y = u[:, 0] ** 2 + 2 * u[:, 0] * u[:, 1]  # the third input does nothing
        t = sa.morris(x, y, self.lower, self.upper, ["a", "b", "c"], 30).set_index("parameter")
        self.assertEqual(t.loc["c", "mu_star"], 0)
        self.assertEqual(t.loc["c", "sigma"], 0)
        self.assertGreater(t.loc["a", "mu_star"], 0.5)
        self.assertGreater(t.loc["a", "sigma"], 0.1)  # non-linear and interacting
        self.assertGreater(t.loc["b", "sigma"], 0.1)  # its effect depends on a
        with self.assertRaises(ValueError):
            sa.morris(x[:-1], y[:-1], self.lower, self.upper, ["a", "b", "c"], 30)


class BreakEven(unittest.TestCase):
    def test_crossings(self):
        self.assertEqual(sa.crossings([0, 1, 2], [1, -1, -3]), [0.5])
        self.assertEqual(sa.crossings([2, 0, 1], [-3, 1, -1]), [0.5])  # sorted by x first
        self.assertEqual(sa.crossings([0, 1, 2], [1, 0, -1]), [1.0])
        self.assertEqual(sa.crossings([0, 1, 2], [1, 2, 3]), [])

    def test_one_parameter_sweep(self):
        # Gain = 34 - x minutes, noise sd 2 per replicate: the break-even is 34.
        rng = np.random.default_rng(4)
        x = np.linspace(10, 90, 9).reshape(-1, 1)
        g = (34 - x) + rng.normal(0, 2, (9, 20))
        b = sa.break_even(x, g, 0, "meeting_minutes", "GP minutes saved", 10, 90, bootstrap=400)
        self.assertAlmostEqual(b.value, 34, delta=1.5)
        self.assertLess(b.low, b.value)
        self.assertGreater(b.high, b.value)
        self.assertLess(b.low, 34)
        self.assertGreater(b.high, 34)
        self.assertEqual(b.sign_below, 1)  # a gain below 34 minutes
        text = sa.break_even_text(b, "min")
        self.assertIn("meeting_minutes = 3", text)
        self.assertIn("a gain below it", text)
        none = sa.break_even(x, g + 100, 0, "meeting_minutes", "GP minutes saved", 10, 90, bootstrap=50)
        self.assertTrue(math.isnan(none.value))
        self.assertIn("no break-even in the swept range", sa.break_even_text(none, "min"))

    def test_several_parameters_linear_model(self):
        rng = np.random.default_rng(6)
        x = np.column_stack([rng.uniform(0, 100, 60), rng.uniform(0, 1, 60)])
        # Zero at x0 = 40 + 20 (x1 - 0.5): at the middle of x1's range, 40.
        g = (40 - x[:, :1] + 20 * (x[:, 1:] - 0.5)) + rng.normal(0, 1, (60, 10))
        b = sa.break_even(x, g, 0, "a", "gain", 0, 100, bootstrap=200)
        self.assertEqual(b.method, "linear model")
        # The fit's centre is the middle of the points' x1, not exactly 0.5.
        self.assertAlmostEqual(b.value, 40, delta=1.5)
        self.assertLess(b.low, b.value)
        self.assertGreater(b.high, b.value)
        self.assertLess(b.high - b.low, 5)


MORRIS_EXPERIMENT = """[experiment]
name = "morris"
territory = "herbasse"
replicates = 2
horizon_weeks = 14
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
[sweep]
from = "coordinator"
method = "morris"
trajectories = 3
levels = 4
seed = 2
[sweep.parameters]
"coordinator.meeting_minutes" = [10, 90]
"coordinator.meeting_bonus" = [0.0, 0.5]
"""


@unittest.skipUnless(os.environ.get("PASSERELLE_BINARY"), "PASSERELLE_BINARY not set")
class MorrisSweepReport(unittest.TestCase):
    def test_report_has_morris_break_even_and_prcc_marks(self):
        from passerelle_analysis import io, report, sweeps
        with tempfile.TemporaryDirectory() as d:
            exp, h5 = os.path.join(d, "m.toml"), os.path.join(d, "m.h5")
            with open(exp, "w", encoding="utf-8") as f:
                f.write(MORRIS_EXPERIMENT)
            subprocess.run([os.environ["PASSERELLE_BINARY"], "run", exp, "-o", h5, "--quiet", "--threads", "2"],
                           check=True)
            res = io.load(h5)
            self.assertIn("p_value", res.sensitivity)
            a = sa.analyse_sweep(res)
            self.assertEqual(a.method, "morris")
            self.assertEqual(len(res.sweep_points), 3 * 3)
            m = a.morris["gp_social_minutes_per_gp_week"].set_index("parameter")
            self.assertTrue((m["n"] == 3).all())  # one effect per parameter per trajectory
            # Longer case meetings cost GPs time: GP minutes saved fall with them.
            self.assertLess(m.loc["coordinator.meeting_minutes", "mu"], 0)
            self.assertEqual(len(a.break_even), 2 * 2)  # two gains x two parameters
            self.assertEqual(sweeps.sweep_source(res), "coordinator")
            page = report.render(res)
            self.assertIn("Morris screening", page)
            self.assertIn("What is assumed", page)
            self.assertIn("break-even" if "no break-even" in page else "cross zero", page)
            self.assertIn("two-sided t test", page)


CALIBRATED_EXPERIMENT = """[experiment]
name = "calibrated-psa"
territory = "herbasse"
replicates = 1
horizon_weeks = 12
warmup_weeks = 2
seed = 5
[[scenario]]
name = "baseline"
[[scenario]]
name = "coordinator"
[[scenario.intervention]]
type = "coordinator"
start_week = 2
catchment = ["Crépol", "Montchenu"]
[uncertainty]
draws = 6
calibration = "cal.h5"
[uncertainty.parameters]
"gp.knows_well_share" = [0.05, 0.3]
"""


@unittest.skipUnless(os.environ.get("PASSERELLE_BINARY"), "PASSERELLE_BINARY not set")
class CalibratedDrawsAreNotIndependent(unittest.TestCase):
    def test_no_sobol_indices_over_a_calibrated_posterior(self):
        # Whole accepted sets of a calibration are correlated inputs: the
        # variance decomposition does not apply, the rank correlations stand in.
        from passerelle_analysis import io, report
        here = os.path.dirname(os.path.abspath(__file__))
        binary = os.environ["PASSERELLE_BINARY"]
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([binary, "calibrate", os.path.join(here, "..", "data", "calibration-ci.toml"),
                            "-o", os.path.join(d, "cal.h5"), "--quiet"], check=True, timeout=120)
            exp, h5 = os.path.join(d, "p.toml"), os.path.join(d, "p.h5")
            with open(exp, "w", encoding="utf-8") as f:
                f.write(CALIBRATED_EXPERIMENT)
            subprocess.run([binary, "run", exp, "-o", h5, "--quiet"], check=True, timeout=120)
            res = io.load(h5, draw_series=False)
            with self.assertRaises(sa.CorrelatedInputs):
                sa.analyse_uncertainty(res)
            page = report.render(res)
            self.assertIn("correlated inputs", page)


if __name__ == "__main__":
    unittest.main()
