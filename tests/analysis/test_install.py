"""`pip install ./analysis` works offline: a virtual environment on top of
Debian's modules (--system-site-packages), pip with --no-build-isolation
--no-index, then the package imports from the venv (not from the source
tree) with its report template, and writes a report there.

The analysis folder is copied first: pip builds in the folder it is given
(build/, *.egg-info), and the source tree must stay clean."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("venv", "ensurepip", "setuptools", "wheel", "jinja2", "numpy", "pandas", "h5py", "matplotlib")

HERE = os.path.dirname(os.path.abspath(__file__))
ANALYSIS = os.path.abspath(os.environ.get("PASSERELLE_ANALYSIS_DIR") or os.path.join(HERE, "..", "..", "analysis"))

CHECK = r"""
import os, sys
import passerelle_analysis as pa
from passerelle_analysis import report
venv = os.path.realpath(sys.prefix)
assert os.path.realpath(pa.__file__).startswith(venv), (pa.__file__, venv)
assert callable(pa.run) and callable(pa.load) and issubclass(pa.PasserelleError, Exception)
if len(sys.argv) > 1:
    report.write_report(sys.argv[1], sys.argv[2])
print("imported from", pa.__file__)
"""


class InstallTest(unittest.TestCase):
    def test_pip_install_offline_into_a_venv(self):
        with tempfile.TemporaryDirectory(prefix="passerelle-install-") as tmp:
            src = os.path.join(tmp, "analysis")
            shutil.copytree(ANALYSIS, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
            venv = os.path.join(tmp, "venv")
            python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
            subprocess.run([python, "-m", "venv", "--system-site-packages", venv], check=True, timeout=300)
            vpy = os.path.join(venv, "bin", "python")
            env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_INDEX_URL")}
            env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
            r = subprocess.run([vpy, "-m", "pip", "install", "--no-build-isolation", "--no-index", src],
                               capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            args = [vpy, "-c", CHECK]
            if os.environ.get("PASSERELLE_BINARY"):
                run_tmp, results = common.make_run()
                self.addCleanup(run_tmp.cleanup)
                args += [results, os.path.join(tmp, "report.html")]
            # From a folder where the source tree is not importable.
            r = subprocess.run(args, capture_output=True, text=True, env=dict(env, MPLBACKEND="Agg"), cwd=tmp,
                               timeout=300)
            self.assertEqual(r.returncode, 0, r.stdout[-3000:] + r.stderr[-3000:])
            self.assertIn(os.path.join("venv", "lib"), r.stdout)
            if len(args) > 3:
                with open(args[-1], encoding="utf-8") as f:
                    self.assertIn('id="decision"', f.read())


if __name__ == "__main__":
    unittest.main()
