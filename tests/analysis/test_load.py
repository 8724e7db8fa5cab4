"""passerelle_analysis.load on a small run made by the built binary: every
frame with the right shape, comparisons that agree with the summaries, and
optional parts (calibration) read when present."""
import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "matplotlib")
common.setup_paths()

import h5py  # noqa: E402
import numpy as np  # noqa: E402

import passerelle_analysis as pa  # noqa: E402
from passerelle_analysis import report  # noqa: E402

S, R, W = common.SCENARIOS, common.REPLICATES, common.WEEKS


class LoadTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp, cls.path = common.make_run()
        cls.res = pa.load(cls.path)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_summary(self):
        s = self.res.summary
        self.assertEqual(len(s), S * R)
        for col in ("scenario", "replicate", "seed", "gp_social_minutes_per_gp_week", "unmet_need_days", "cost_eur"):
            self.assertIn(col, s.columns)
        self.assertEqual(list(dict.fromkeys(s["scenario"])), self.res.scenarios)
        self.assertEqual(self.res.baseline, "baseline")
        self.assertIn(common.XSS_NAME, self.res.main_scenarios)
        self.assertEqual(len(self.res.sweep_scenarios), 4)
        # Common random numbers: the same seeds in every scenario.
        seeds = s.pivot(index="replicate", columns="scenario", values="seed")
        self.assertTrue((seeds.nunique(axis=1) == 1).all())
        self.assertEqual(self.res.units["gp_social_minutes_per_gp_week"], "min/GP/week")

    def test_weekly_and_breakdowns(self):
        w = self.res.weekly
        metrics = w["metric"].nunique()
        self.assertGreaterEqual(metrics, 3)
        self.assertEqual(len(w), S * metrics * R * W)
        self.assertEqual(sorted(w["week"].unique()), list(range(W)))
        for frame, k in ((self.res.by_need_type, 10), (self.res.by_precarity, 2), (self.res.by_rurality, 3)):
            m = frame["metric"].nunique()
            self.assertEqual(len(frame), S * m * R * k)
            self.assertEqual(frame["category"].nunique(), k)
        self.assertIn("homelessness", set(self.res.by_need_type["category"]))
        self.assertEqual(set(self.res.by_rurality["category"]), {"urban", "semi-rural", "rural"})

    def test_comparisons_agree_with_the_summaries(self):
        c = self.res.comparisons
        self.assertEqual(set(c["scenario"]), set(self.res.scenarios) - {"baseline"})
        row = c[(c["scenario"] == common.XSS_NAME) & (c["metric"] == "unmet_need_days")].iloc[0]
        s = self.res.summary.set_index(["scenario", "replicate"])["unmet_need_days"]
        diff = (s[common.XSS_NAME] - s["baseline"]).to_numpy()
        self.assertAlmostEqual(row["mean_diff"], diff.mean(), places=6)
        m, lo, hi, n = pa.mean_ci(diff)
        self.assertAlmostEqual(row["ci_low"], lo, places=6)
        self.assertEqual(row["n"], R)
        self.assertEqual(row["units"], "days")
        for metric in ("gp_hours_freed_per_year", "unmet_need_days_averted", "cost_per_gp_hour_freed"):
            self.assertIn(metric, set(c["metric"]))
        finite = c[np.isfinite(c["ci_low"])]
        self.assertTrue((finite["ci_low"] <= finite["mean_diff"] + 1e-9).all())

    def test_parameters_and_sensitivity(self):
        p = self.res.parameters
        per = p.groupby("scenario").size()
        self.assertEqual(len(per), S)
        self.assertEqual(per.nunique(), 1)
        v = p[(p["scenario"] == common.XSS_NAME) & (p["name"] == "secrecy.regime")]["value"].iloc[0]
        self.assertEqual(v, "strict")
        sens = self.res.sensitivity
        self.assertEqual(set(sens["parameter"]), {"gp.knows_well_share", "gp.search_minutes"})
        self.assertEqual(len(sens), 2 * sens["metric"].nunique())
        self.assertEqual(len(self.res.sweep_points), 4)
        self.assertTrue(self.res.calibration.empty)
        self.assertGreater(len(self.res.localities), 0)

    def test_calibration_when_present(self):
        # The calibration group is written by another part of the model: its
        # layout (a dataset per target with target/ci_low/ci_high/model) is read here.
        path = os.path.join(self.tmp.name, "cal.h5")
        shutil.copy(self.path, path)
        with h5py.File(path, "a") as f:
            # As models/calibration.cpp writes it: replicates x 1, the model mean in `model`.
            d = f.create_dataset("calibration/vade_mecum_know", data=np.array([[0.91], [0.95], [0.93]]))
            d.attrs.update({"target": 26 / 27, "ci_low": 0.82, "ci_high": 0.99, "model": 0.93, "units": "share",
                            "description": "share of GPs who know the <Vade Mecum>", "scenario": "baseline"})
            # An older or hand-made layout: a text in `model`, the mean from the values.
            d = f.create_dataset("calibration/share_resolved", data=np.array([0.31, 0.35, 0.33]))
            d.attrs.update({"target": 0.34, "ci_low": 0.30, "ci_high": 0.38, "model": "needs resolved / arisen"})
        res = pa.load(path)
        self.assertEqual(len(res.calibration), 2)
        cal = res.calibration.set_index("name")
        self.assertAlmostEqual(cal.loc["share_resolved", "model_mean"], 0.33)
        self.assertAlmostEqual(cal.loc["vade_mecum_know", "model_mean"], 0.93)
        self.assertEqual(len(cal.loc["vade_mecum_know", "values"]), 3)
        page = report.render(res)
        self.assertIn('id="calibration"', page)
        self.assertIn("share_resolved", page)
        self.assertIn("&lt;Vade Mecum&gt;", page)

    def test_bad_file(self):
        bad = os.path.join(self.tmp.name, "bad.h5")
        with open(bad, "w") as f:
            f.write("not hdf5")
        with self.assertRaises(OSError):
            pa.load(bad)
        self.assertEqual(report.main([bad, "-o", os.path.join(self.tmp.name, "x.html")]), 2)


UNCERTAIN = """[experiment]
name = "psa-test"
territory = "herbasse"
replicates = 2
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
draws = 4
[uncertainty.parameters]
"gp.knows_well_share" = [0.05, 0.5]
"coordinator.meeting_minutes" = [10, 90]
"""


class LoadUncertaintyTest(unittest.TestCase):
    """/uncertainty (an [uncertainty] run) as io.Results.uncertainty."""

    def test_draws_frame_and_main_scenarios(self):
        import subprocess
        import tempfile
        with tempfile.TemporaryDirectory(prefix="passerelle-psa-") as tmp:
            exp, out = os.path.join(tmp, "u.toml"), os.path.join(tmp, "u.h5")
            with open(exp, "w", encoding="utf-8") as f:
                f.write(UNCERTAIN)
            subprocess.run([common.binary(), "run", exp, "-o", out, "--quiet", "--threads", "2"], check=True, timeout=120)
            res = pa.load(out)
        self.assertTrue(res.has_uncertainty)
        self.assertEqual(res.main_scenarios, ["baseline", "coordinator"])
        self.assertEqual(len(res.draw_scenarios), 8)
        u = res.uncertainty
        self.assertEqual(len(u), 2 * 4)
        for col in ("option", "draw", "gp.knows_well_share", "coordinator.meeting_minutes", "cost_eur_per_year",
                    "gp_hours_freed_per_year", "unmet_need_days_averted"):
            self.assertIn(col, u.columns)
        self.assertTrue((u[u["option"] == "baseline"]["unmet_need_days_averted"] == 0).all())
        ceac = res.uncertainty_ceac.groupby("wtp")["probability"].sum()
        self.assertTrue(np.allclose(ceac.to_numpy(), 1.0))
        self.assertEqual(res.attrs.get("uncertainty_covers"), "parameters + Monte-Carlo")


if __name__ == "__main__":
    unittest.main()
