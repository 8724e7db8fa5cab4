"""passerelle calibrate: history matching end to end through the built binary
(tests/data/calibration-ci.toml), its input errors (exit 2 with the line),
and the implausibility measure on its own."""
import os
import re
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "h5py", "scipy", "sklearn")
common.setup_paths()

import h5py  # noqa: E402
import numpy as np  # noqa: E402

from passerelle_analysis import calibrate as cal  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
CI = os.path.join(HERE, "..", "data", "calibration-ci.toml")


def calibrate(path, out, *extra):
    return subprocess.run([common.binary(), "calibrate", path, "-o", out, "--quiet", *extra],
                          capture_output=True, text=True, timeout=600)


class ImplausibilityTest(unittest.TestCase):
    def test_formula(self):
        # |10 - 7| / sqrt(1 + 2 + 6) = 1
        self.assertAlmostEqual(float(cal.implausibility(10.0, 7.0, 1.0, 2.0, 6.0)), 1.0)
        np.testing.assert_allclose(cal.implausibility(0.0, np.array([3.0, -6.0]), np.array([0.0, 0.0]), 9.0, 0.0),
                                   [1.0, 2.0])

    def test_zero_variance(self):
        self.assertEqual(float(cal.implausibility(1.0, 1.0, 0.0, 0.0, 0.0)), 0.0)
        self.assertTrue(np.isinf(cal.implausibility(1.0, 2.0, 0.0, 0.0, 0.0)))

    def test_obs_variance(self):
        # a 95 % normal interval is mean +- 1.96 sd
        self.assertAlmostEqual(cal.obs_variance(10 - 1.959963984540054 * 2, 10 + 1.959963984540054 * 2), 4.0)

    def test_wider_interval_is_less_implausible(self):
        narrow = cal.implausibility(88, 150, 1, 1, cal.obs_variance(80, 96))
        wide = cal.implausibility(88, 150, 1, 1, cal.obs_variance(0, 1000))
        self.assertGreater(float(narrow), 3)
        self.assertLess(float(wide), 3)

    def test_log_transform_round_trip(self):
        params = [{"name": "a", "min": 1.0, "max": 100.0, "transform": "log"},
                  {"name": "b", "min": -1.0, "max": 1.0, "transform": "linear"}]
        u = np.array([[0.0, 0.0], [0.5, 0.5], [1.0, 1.0]])
        x = cal.to_natural(params, u)
        np.testing.assert_allclose(x, [[1, -1], [10, 0], [100, 1]])
        np.testing.assert_allclose(cal._to_unit(params, x), u)


class _LinearEmulator:
    """A stand-in emulator: the mean is a known linear function of the unit
    inputs, with no emulator variance (for the leave-one-target-out check)."""

    def __init__(self, coef, const):
        self.coef, self.const = np.asarray(coef, dtype=float), const

    def predict(self, u):
        return np.atleast_2d(u) @ self.coef + self.const, np.zeros(len(np.atleast_2d(u)))


def _target(name, value, low, high, held_out=False, discrepancy=0.0):
    return {"name": name, "value": value, "low": low, "high": high, "held_out": held_out,
            "discrepancy": discrepancy}


class LeaveOneTargetOutTest(unittest.TestCase):
    """Two targets on two parameters: "a" reads the first input, "b" the sum.
    With a = 0.2 (from the first input), b's interval around 1.2 is reached
    when the second input is near 1; b's interval around 5 is not reachable
    (b <= 2 on the unit square)."""

    def res(self, u):
        return {"candidates_u": u, "emulators": {"a": _LinearEmulator([1, 0], 0), "b": _LinearEmulator([1, 1], 0)},
                "var_model": {"a": [1e-4], "b": [1e-4]}}

    def test_reached_and_not(self):
        rng = np.random.default_rng(1)
        u = rng.random((4000, 2))
        cal_ok = {"cutoff": 3.0, "targets": [_target("a", 0.2, 0.18, 0.22), _target("b", 1.2, 1.15, 1.25)]}
        rows = {r["target"]: r for r in cal.leave_one_target_out(cal_ok, self.res(u))}
        self.assertTrue(rows["b"]["reached"], rows["b"])
        # a alone keeps the first input near 0.2: about a tenth of the prior
        self.assertLess(rows["b"]["kept_share"], 0.2)
        self.assertTrue(rows["a"]["reached"])
        cal_ko = {"cutoff": 3.0, "targets": [_target("a", 0.2, 0.18, 0.22), _target("b", 5.0, 4.9, 5.1)]}
        rows = {r["target"]: r for r in cal.leave_one_target_out(cal_ko, self.res(u))}
        self.assertFalse(rows["b"]["reached"], rows["b"])
        self.assertEqual(rows["b"]["share_inside_field_interval"], 0.0)
        self.assertLess(rows["b"]["predicted_high"], 1.3)

    def test_held_out_targets_are_not_left_out(self):
        u = np.random.default_rng(2).random((500, 2))
        c = {"cutoff": 3.0, "targets": [_target("a", 0.2, 0.18, 0.22), _target("b", 1.2, 1.1, 1.3, True)]}
        self.assertEqual(cal.leave_one_target_out(c, self.res(u)), [])  # one fitted target: nothing to leave out

    def test_discrepancy_widens(self):
        u = np.random.default_rng(3).random((4000, 2))
        narrow = cal._cut({"targets": [_target("a", 0.2, 0.19, 0.21)]}, self.res(u), u, {"a"}) < 3
        wide = cal._cut({"targets": [_target("a", 0.2, 0.19, 0.21, discrepancy=0.1)]}, self.res(u), u, {"a"}) < 3
        self.assertTrue(np.all(wide[narrow]))
        self.assertGreater(wide.mean(), 3 * narrow.mean())


class PosteriorTest(unittest.TestCase):
    def test_width_ratio(self):
        params = [{"name": "a", "min": 1.0, "max": 100.0, "transform": "log"},
                  {"name": "b", "min": 0.0, "max": 1.0, "transform": "linear"}]
        rng = np.random.default_rng(4)
        # a: pinned to 10 +- a little (on the log scale); b: the whole prior
        acc = np.column_stack([0.5 + 0.01 * rng.standard_normal(5000), rng.random(5000)])
        rows = cal.posterior_rows({"parameters": params}, {"accepted_u": acc})
        self.assertLess(rows[0]["width_ratio"], 0.1)
        self.assertAlmostEqual(rows[0]["posterior_median"], 10.0, delta=0.3)
        self.assertGreater(rows[1]["width_ratio"], 0.95)
        self.assertLess(rows[1]["posterior_low"], 0.05)


class CalibrateCliTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="passerelle-calibrate-test-")
        cls.out = os.path.join(cls.tmp.name, "cal.h5")
        cls.emit = os.path.join(cls.tmp.name, "fitted.toml")
        cls.r = subprocess.run([common.binary(), "calibrate", CI, "-o", cls.out, "--emit", cls.emit],
                               capture_output=True, text=True, timeout=600)
        print(cls.r.stdout)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_end_to_end(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        with h5py.File(self.out) as f:
            g = f["calibration"]
            lo, hi = g.attrs["prior_min"], g.attrs["prior_max"]
            acc = g["accepted"][()]
            self.assertGreater(len(acc), 0)
            self.assertTrue(np.all(acc >= lo) and np.all(acc <= hi), "accepted sets outside the prior")
            frac = g["non_implausible_fraction"][()]
            self.assertEqual(len(frac), 2)
            self.assertTrue(np.all((frac > 0) & (frac <= 1)), frac)
            self.assertLessEqual(frac[1], frac[0] + 1e-12)  # waves only cut space away
            design = g["design"][()]
            self.assertEqual(list(g["design"].attrs["columns"]), ["worker.background_cases_per_fte", "wave"])
            self.assertEqual(design.shape, (16, 2))
            self.assertEqual(g["outputs"].shape, (16, 2))
            self.assertEqual(g["implausibility"].shape, (16,))
            t = g["targets"][()]
            names = [n.decode() if isinstance(n, bytes) else n for n in t["name"]]
            self.assertEqual(names, ["files_per_worker_6_months", "never_disclosed_share"])
            self.assertEqual(list(t["fitted"]), [1, 0])
            self.assertTrue(np.all(np.isfinite(t["model_before"])))
            # the fitted target's emulated mean over the accepted sets lies in its field interval
            self.assertTrue(t["low"][0] <= t["model_after"][0] <= t["high"][0], t)
            loo = g["emulator_loo"][()]
            self.assertEqual(len(loo), 8 * 2 + 16 * 2)  # wave 1: 8 runs, wave 2: 16, two emulators each
            self.assertGreater(g.attrs["simulations"], 0)
            self.assertTrue(np.isfinite(g.attrs["simulations_per_second"]))
        with open(self.emit) as f:
            text = f.read()
        self.assertIn("[parameters]", text)
        self.assertIn(self.out, text)
        m = re.search(r'"worker\.background_cases_per_fte" = ([0-9.e+-]+)', text)
        self.assertIsNotNone(m, text)
        self.assertTrue(1.0 <= float(m.group(1)) <= 300.0)

    def test_wide_interval_keeps_most_of_the_space(self):
        with open(CI) as f:
            text = f.read()
        text = text.replace("low = 80.0\nhigh = 96.0", "low = 0.0\nhigh = 100000.0")
        self.assertIn("high = 100000.0", text)
        text = text.replace("waves = 2", "waves = 1")
        path = os.path.join(self.tmp.name, "wide.toml")
        with open(path, "w") as f:
            f.write(text)
        out = os.path.join(self.tmp.name, "wide.h5")
        r = calibrate(path, out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with h5py.File(out) as f:
            wide = f["calibration/non_implausible_fraction"][0]
        with h5py.File(self.out) as f:
            field = f["calibration/non_implausible_fraction"][0]
        self.assertGreater(wide, 0.9)
        self.assertLess(field, wide)  # the field interval rules out part of the prior; the wide one hardly any

    def test_report(self):
        """passerelle report CAL.h5: the calibration page, with the prior and
        posterior of the fitted parameter and the computed sentence."""
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        html = os.path.join(self.tmp.name, "cal.html")
        r = subprocess.run([common.binary(), "report", self.out, "-o", html], capture_output=True, text=True,
                           timeout=300)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(html, encoding="utf-8") as f:
            page = f.read()
        self.assertIn("Calibration against the field", page)
        self.assertIn("worker.background_cases_per_fte", page)
        self.assertIn("[1.00, 300.0] (log)", page)  # the prior
        self.assertIn("pinned down", page)  # the narrowed interval 80-96 pins it (computed, see below)
        self.assertIn("held out", page)
        self.assertIn("data:image/png;base64,", page)
        from passerelle_analysis import calibration_report as rep
        c = rep.read(self.out)
        self.assertLess(c["posterior"][0]["width_ratio"], rep.PINNED_RATIO)

    def test_emit_names_prior_and_targets(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        with open(self.emit) as f:
            text = f.read()
        self.assertIn("targets: files_per_worker_6_months", text)
        self.assertIn("prior [1, 300] (log)", text)

    def test_refuses_to_overwrite(self):
        self.assertEqual(self.r.returncode, 0, self.r.stderr)
        r = calibrate(CI, self.out)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--force", r.stderr)


class BadInputTest(unittest.TestCase):
    """Each bad file exits 2 naming the file and line, and writes nothing."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="passerelle-calibrate-bad-")
        self.addCleanup(self.tmp.cleanup)
        with open(CI) as f:
            self.text = f.read()

    def check(self, old, new, line_of, expect):
        self.assertIn(old, self.text)
        text = self.text.replace(old, new, 1)
        path = os.path.join(self.tmp.name, "bad.toml")
        with open(path, "w") as f:
            f.write(text)
        line = next(i for i, s in enumerate(text.splitlines(), 1) if line_of in s)
        out = os.path.join(self.tmp.name, "out.h5")
        r = calibrate(path, out)
        self.assertEqual(r.returncode, 2, r.stdout + r.stderr)
        self.assertIn(f"bad.toml:{line}:", r.stderr)
        self.assertNotIn("generated experiment", r.stderr)
        self.assertIn(expect, r.stderr)
        self.assertFalse(os.path.exists(out))
        self.assertEqual([n for n in os.listdir(self.tmp.name) if n != "bad.toml"], [])

    def test_unknown_parameter(self):
        self.check('name = "worker.background_cases_per_fte"', 'name = "worker.no_such_thing"',
                   "worker.no_such_thing", "no_such_thing")

    def test_unknown_output(self):
        self.check('output = "files_per_worker_6_months"', 'output = "files_per_wizard"', "files_per_wizard",
                   "unknown summary field")

    def test_inverted_prior(self):
        self.check("max = 300.0", "max = 0.5", "max = 0.5", "min < max")

    def test_empty_prior(self):
        self.check("max = 300.0", "max = 1.0", "max = 1.0", "min < max")

    def test_interval_excludes_value(self):
        self.check("value = 88.0", "value = 200.0", "value = 200.0", "excludes its own value")

    def test_negative_discrepancy(self):
        self.check("held_out = false", "discrepancy = -1.0\nheld_out = false", "discrepancy = -1.0", ">= 0")

    def test_log_needs_positive(self):
        self.check("min = 1.0", "min = 0.0", "min = 0.0", "min > 0")


if __name__ == "__main__":
    unittest.main(verbosity=2)
