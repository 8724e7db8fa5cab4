#!/usr/bin/env python3
"""Runs the snippets of the user documentation, so that none fails as written.

    doc_snippets.py SOURCE_DIR PASSERELLE_BINARY

For README.md and experiments/README.md:
- every fenced ```toml block that is an experiment (has an [experiment]
  table) is written to a file and checked with `passerelle validate`;
- every fenced ```sh block is run with bash (set -euo pipefail) in a scratch
  folder holding `build/passerelle` (this binary), `experiments/` and
  `tests/` (links to the repository's), after `results/default.h5` has been
  made as `make run` makes it — unless the line just above the fence is
  `<!-- doc-test: skip (why) -->`;
- a block preceded by `<!-- doc-test: slurm-array N -->` is a Slurm job
  script: it is run N times, with SLURM_ARRAY_TASK_ID = 1 … N.
Standard library only. Exit 0 when every snippet passes.
"""
import os
import pathlib
import re
import subprocess
import sys
import tempfile

DOCS = ["README.md", "experiments/README.md"]
FENCE = re.compile(r"(?:^<!-- doc-test: (?P<mark>[^>]*?) -->\n)?^```(?P<lang>[a-z]*)\n(?P<body>.*?)^```\s*$",
                   re.M | re.S)


def blocks(text):
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start("body")) + 1
        yield (m.group("mark") or "").strip(), m.group("lang"), m.group("body"), line


def main():
    src = pathlib.Path(sys.argv[1]).resolve()
    binary = pathlib.Path(sys.argv[2]).resolve()
    failures, ran = [], 0
    with tempfile.TemporaryDirectory(prefix="passerelle-docs-") as tmp:
        work = pathlib.Path(tmp)
        (work / "build").mkdir()
        (work / "build" / "passerelle").symlink_to(binary)
        for d in ("experiments", "tests", "models"):
            (work / d).symlink_to(src / d)
        env = dict(os.environ)
        # What `make run` leaves behind, which the README's commands read.
        subprocess.run([str(binary), "run", "experiments/default.toml", "-o", "results/default.h5", "--quiet"],
                       cwd=work, check=True)
        for doc in DOCS:
            for mark, lang, body, line in blocks((src / doc).read_text(encoding="utf-8")):
                where = f"{doc}:{line}"
                if mark.startswith("skip"):
                    continue
                if lang == "toml" and re.search(r"^\[experiment\]", body, re.M):
                    f = work / f"snippet-{ran}.toml"
                    f.write_text(body, encoding="utf-8")
                    cmds = [[str(binary), "validate", str(f)]]
                elif lang == "sh":
                    runs = 1
                    m = re.match(r"slurm-array (\d+)", mark)
                    if m:
                        runs = int(m.group(1))
                    cmds = []
                    for i in range(1, runs + 1):
                        e = dict(env)
                        if m:
                            e["SLURM_ARRAY_TASK_ID"] = str(i)
                        cmds.append((["bash", "-euo", "pipefail", "-c", body], e))
                else:
                    continue
                for c in cmds:
                    argv, e = (c if isinstance(c, tuple) else (c, env))
                    ran += 1
                    p = subprocess.run(argv, cwd=work, env=e, capture_output=True, text=True, timeout=600)
                    if p.returncode != 0:
                        failures.append(f"{where}: exit {p.returncode}\n{body}\n--- output:\n{p.stdout}{p.stderr}")
    for f in failures:
        print("FAILED", f, sep="\n", file=sys.stderr)
    print(f"{ran} snippet runs, {len(failures)} failed")
    return 1 if failures or ran == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
