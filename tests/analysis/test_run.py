"""passerelle_analysis.run: an experiment run from Python through the built
binary (a path or a dict), the CLI's overrides, and its errors as
PasserelleError with the CLI's message and exit code."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "tomli_w")
common.setup_paths()

import passerelle_analysis as pa  # noqa: E402

SMALL = {
    "experiment": {"name": "from-python", "territory": "herbasse", "replicates": 2, "horizon_weeks": 12,
                   "warmup_weeks": 2, "seed": 7},
    "scenario": [{"name": "baseline", "description": "as now"},
                 {"name": "strict", "parameters": {"secrecy.regime": "strict"}}],
}


def cli_has_set():
    r = subprocess.run([common.binary(), "run", "--help"], capture_output=True, text=True, timeout=60)
    return "--set" in r.stdout + r.stderr


class RunTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="passerelle-run-test-")
        self.addCleanup(self.tmp.cleanup)

    def test_dict(self):
        res = pa.run(SMALL, threads=2)
        self.assertEqual(res.scenarios, ["baseline", "strict"])
        self.assertEqual(len(res.summary), 4)
        self.assertEqual(res.attrs["experiment_name"], "from-python")
        self.assertIn("gp_hours_freed_per_year", set(res.comparisons["metric"]))

    def test_path_with_overrides_and_output(self):
        exp = os.path.join(self.tmp.name, "e.toml")
        with open(exp, "w", encoding="utf-8") as f:
            f.write(common.EXPERIMENT.split("[sweep]")[0])
        out = os.path.join(self.tmp.name, "out.h5")
        res = pa.run(exp, replicates=2, seed=11, threads=1, output=out)
        self.assertTrue(os.path.exists(out))
        self.assertEqual(res.summary.groupby("scenario").size().tolist(), [2, 2])
        self.assertEqual(int(res.attrs["base_seed"]), 11)
        # The CLI refuses to overwrite unless asked.
        with self.assertRaises(pa.PasserelleError) as cm:
            pa.run(exp, replicates=2, output=out)
        self.assertNotEqual(cm.exception.returncode, 0)
        self.assertEqual(len(pa.run(exp, replicates=3, output=out, force=True).summary), 6)

    def test_invalid_input_raises_with_the_cli_message(self):
        bad = dict(SMALL, experiment=dict(SMALL["experiment"], replicates=0))
        with self.assertRaises(pa.PasserelleError) as cm:
            pa.run(bad)
        e = cm.exception
        self.assertEqual(e.returncode, 2)
        self.assertIn("replicates", e.stderr)
        self.assertIn("replicates", str(e))
        self.assertEqual(e.command[1], "run")
        with self.assertRaises(pa.PasserelleError) as cm:
            pa.run(os.path.join(self.tmp.name, "missing.toml"))
        self.assertEqual(cm.exception.returncode, 2)

    def test_binary_not_found(self):
        with self.assertRaises(pa.PasserelleError):
            pa.run(SMALL, binary=os.path.join(self.tmp.name, "no-such-passerelle"))

    def test_set(self):
        if not cli_has_set():
            self.skipTest("this passerelle has no `run --set` yet")
        res = pa.run(SMALL, set={"gp.search_minutes": 21})
        p = res.parameters[(res.parameters["scenario"] == "baseline") & (res.parameters["name"] == "gp.search_minutes")]
        self.assertEqual(float(p["value"].iloc[0]), 21.0)
        with self.assertRaises(pa.PasserelleError) as cm:
            pa.run(SMALL, set={"no.such_parameter": 1})
        self.assertEqual(cm.exception.returncode, 2)

    def test_set_arguments(self):
        # How set= becomes arguments, whatever the binary supports.
        from passerelle_analysis.run import _command
        cmd = _command("passerelle", "e.toml", "o.h5", None, None, {"a.b": 1.5, "c": True, "d": "strict"}, None, False)
        self.assertEqual(cmd[cmd.index("--set") :], ["--set", "a.b=1.5", "--set", "c=true", "--set", "d=strict"])


if __name__ == "__main__":
    unittest.main()
