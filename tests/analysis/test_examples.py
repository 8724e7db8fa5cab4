"""The scripts in analysis/examples run as a user would run them, with a fixed
seed, and print what they promise."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "matplotlib", "jinja2", "tomli_w")

HERE = os.path.dirname(os.path.abspath(__file__))
ANALYSIS = os.path.abspath(os.environ.get("PASSERELLE_ANALYSIS_DIR") or os.path.join(HERE, "..", "..", "analysis"))
EXAMPLES = os.path.join(ANALYSIS, "examples")


def run_example(name, *args, cwd=None):
    env = dict(os.environ, MPLBACKEND="Agg", PASSERELLE_BINARY=common.binary())
    env.pop("PYTHONPATH", None)  # the examples find the package themselves
    return subprocess.run([sys.executable, os.path.join(EXAMPLES, name), *args], capture_output=True, text=True,
                          env=env, cwd=cwd, timeout=300)


class ExamplesTest(unittest.TestCase):
    def test_every_example_is_tested(self):
        self.assertEqual(sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".py")),
                         ["quick_look.py", "run_from_python.py"])

    def test_run_from_python(self):
        with tempfile.TemporaryDirectory(prefix="passerelle-example-") as tmp:
            page = os.path.join(tmp, "notebook.html")
            r = run_example("run_from_python.py", page, cwd=tmp)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("3 scenarios × 4 replicates", r.stdout)
            self.assertRegex(r.stdout, r"coordinator +cost")
            self.assertRegex(r.stdout, r"- .*(frees the most GP time|No option frees GP time)")
            with open(page, encoding="utf-8") as f:
                self.assertIn('id="decision"', f.read())

    def test_quick_look(self):
        tmp, results = common.make_run()
        self.addCleanup(tmp.cleanup)
        png = os.path.join(tmp.name, "weekly.png")
        r = run_example("quick_look.py", results, png, cwd=tmp.name)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("Means over replicates", r.stdout)
        self.assertIn("Sensitivity of unmet need-days", r.stdout)
        self.assertTrue(os.path.getsize(png) > 1000)


if __name__ == "__main__":
    unittest.main()
