"""Every fenced snippet of analysis/README.md runs, in order, in a scratch
folder laid out like the repository (a copy of analysis/, build/passerelle,
results/default.h5 from a small run, results/csv/runs.csv):

- ```python: executed one after the other in one namespace (a later snippet
  may use what an earlier one made);
- ```sh: run by bash -e;
- ```toml: parsed; a fragment without [experiment] is appended to a small
  experiment and checked with `passerelle validate`;
- ```r: run by Rscript (skipped when R is not installed: R is not a
  dependency of the project);
- any other fence fails the test: a snippet nobody runs goes stale.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

common.require("numpy", "pandas", "h5py", "matplotlib", "jinja2", "tomli_w")

HERE = os.path.dirname(os.path.abspath(__file__))
ANALYSIS = os.path.abspath(os.environ.get("PASSERELLE_ANALYSIS_DIR") or os.path.join(HERE, "..", "..", "analysis"))
README = os.path.join(ANALYSIS, "README.md")

# What the README's snippets name: a baseline and a coordinator, short.
EXPERIMENT = """[experiment]
name = "readme"
territory = "herbasse"
replicates = 3
horizon_weeks = 20
warmup_weeks = 4
seed = 3

[[scenario]]
name = "baseline"

[[scenario]]
name = "coordinator"
[[scenario.intervention]]
type = "coordinator"
start_week = 4
"""


def snippets(text):
    """[(language, code, line)] of the fenced blocks (indented ones too)."""
    out = []
    for m in re.finditer(r"^( *)```([A-Za-z]*)\n(.*?)^\1```", text, re.S | re.M):
        indent = len(m.group(1))
        code = "\n".join(line[indent:] for line in m.group(3).splitlines()) + "\n"
        out.append((m.group(2).lower(), code, text[: m.start()].count("\n") + 1))
    return out


def has_command(binary, name):
    r = subprocess.run([binary, "--help"], capture_output=True, text=True, timeout=60)
    return re.search(rf"^\s+{name}\b", r.stdout, re.M) is not None


def write_runs_csv(results, folder):
    """runs.csv as CONTRACTS.md documents it (one row per run: scenario,
    replicate, its summary fields), until `passerelle export` exists."""
    sys.path.insert(0, ANALYSIS)
    import passerelle_analysis as pa
    os.makedirs(folder, exist_ok=True)
    pa.load(results).summary.to_csv(os.path.join(folder, "runs.csv"), index=False)


class ReadmeTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(README, encoding="utf-8") as f:
            cls.blocks = snippets(f.read())
        cls.tmp = tempfile.TemporaryDirectory(prefix="passerelle-readme-")
        root = cls.root = cls.tmp.name
        # A copy: the install snippet's pip builds inside the folder it is given.
        shutil.copytree(ANALYSIS, os.path.join(root, "analysis"),
                        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
        os.makedirs(os.path.join(root, "build"))
        os.symlink(os.path.abspath(common.binary()), os.path.join(root, "build", "passerelle"))
        os.makedirs(os.path.join(root, "results"))
        os.makedirs(os.path.join(root, "experiments"))
        exp = os.path.join(root, "experiments", "readme.toml")
        with open(exp, "w", encoding="utf-8") as f:
            f.write(EXPERIMENT)
        cls.env = dict(os.environ, MPLBACKEND="Agg", PASSERELLE_BINARY=os.path.join(root, "build", "passerelle"))
        cls.env.pop("PYTHONPATH", None)
        subprocess.run([common.binary(), "run", exp, "-o", os.path.join(root, "results", "default.h5"), "--quiet"],
                       check=True, timeout=300, cwd=root)
        csv = os.path.join(root, "results", "csv")
        if has_command(common.binary(), "export"):
            subprocess.run([common.binary(), "export", "results/default.h5", "--csv", csv], check=True, timeout=300,
                           cwd=root)
        else:
            write_runs_csv(os.path.join(root, "results", "default.h5"), csv)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_there_are_snippets(self):
        langs = {lang for lang, _, _ in self.blocks}
        self.assertTrue({"python", "sh", "r", "toml"} <= langs, langs)

    def test_every_snippet_runs(self):
        namespace = {"__name__": "__readme__"}
        cwd = os.getcwd()
        os.chdir(self.root)
        self.addCleanup(os.chdir, cwd)
        saved_path = list(sys.path)
        self.addCleanup(setattr, sys, "path", saved_path)
        for lang, code, line in self.blocks:
            with self.subTest(line=line, lang=lang):
                if lang == "python":
                    exec(compile(code, f"{README}:{line}", "exec"), namespace)  # noqa: S102 (our own README)
                elif lang == "sh":
                    r = subprocess.run(["bash", "-e", "-c", code], capture_output=True, text=True, env=self.env,
                                       timeout=300)
                    self.assertEqual(r.returncode, 0, f"README line {line}:\n{code}\n{r.stdout}\n{r.stderr}")
                elif lang == "toml":
                    doc = tomllib.loads(code)
                    if "experiment" not in doc:
                        path = os.path.join(self.root, f"snippet-{line}.toml")
                        with open(path, "w", encoding="utf-8") as f:
                            f.write(EXPERIMENT + "\n" + code)
                        r = subprocess.run([common.binary(), "validate", path], capture_output=True, text=True,
                                           timeout=120)
                        self.assertEqual(r.returncode, 0, f"README line {line}:\n{code}\n{r.stdout}\n{r.stderr}")
                elif lang == "r":
                    rscript = shutil.which("Rscript")
                    if not rscript:
                        self.skipTest(f"README line {line}: no Rscript to run the R snippet")
                    r = subprocess.run([rscript, "-e", code], capture_output=True, text=True, timeout=120)
                    self.assertEqual(r.returncode, 0, f"README line {line}:\n{code}\n{r.stdout}\n{r.stderr}")
                    self.assertIn("coordinator", r.stdout)
                else:
                    self.fail(f"README line {line}: a ```{lang} snippet that no test runs")


if __name__ == "__main__":
    unittest.main()
