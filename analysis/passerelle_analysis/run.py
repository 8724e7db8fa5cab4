"""Running an experiment from Python: `run()` calls the `passerelle` binary
(there is no second implementation of the model here) and returns the loaded
results, as `load()` does for a file.

    import passerelle_analysis as pa
    res = pa.run("experiments/default.toml", replicates=4, seed=1)
    res = pa.run({"experiment": {...}, "scenario": [{...}, ...]})

The binary is the `binary` argument, else $PASSERELLE_BINARY, else
`passerelle` on PATH. A failing command raises PasserelleError with the
CLI's message (its stderr) and exit code (2: invalid input, 1: failure while
running, 130: interrupted; CONTRACTS.md).
"""
import os
import shutil
import subprocess
import tempfile

from .io import load


class PasserelleError(RuntimeError):
    """The `passerelle` command failed. `returncode` is its exit code, `stderr`
    its message, `command` the argument list that was run."""

    def __init__(self, message, returncode=None, stderr="", command=None):
        super().__init__(message)
        self.returncode = returncode
        self.stderr = stderr
        self.command = list(command or [])


def find_binary(binary=None):
    """The path of the `passerelle` binary: `binary`, else $PASSERELLE_BINARY,
    else `passerelle` on PATH. Raises PasserelleError when none is found."""
    for cand, where in ((binary, "the binary argument"), (os.environ.get("PASSERELLE_BINARY"), "PASSERELLE_BINARY")):
        if cand:
            path = shutil.which(cand) or (cand if os.path.isfile(cand) else None)
            if not path:
                raise PasserelleError(f"passerelle binary not found: {cand!r} (from {where})")
            return path
    path = shutil.which("passerelle")
    if not path:
        raise PasserelleError("passerelle binary not found: pass binary=..., set PASSERELLE_BINARY or put "
                              "`passerelle` on PATH (`make build` writes build/passerelle)")
    return path


def _toml_text(experiment):
    try:
        import tomli_w
    except ImportError as e:  # Debian: python3-tomli-w (cmake/install-deps.sh installs it)
        raise PasserelleError("an experiment given as a dict needs the tomli_w module "
                              "(Debian: apt-get install python3-tomli-w)") from e
    return tomli_w.dumps(experiment)


def _set_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _command(binary, experiment_path, output, replicates, seed, set, threads, force):
    cmd = [binary, "run", str(experiment_path), "-o", str(output), "--quiet"]
    if replicates is not None:
        cmd += ["--replicates", str(int(replicates))]
    if seed is not None:
        cmd += ["--seed", str(int(seed))]
    if threads is not None:
        cmd += ["--threads", str(int(threads))]
    for name, value in (set or {}).items():
        cmd += ["--set", f"{name}={_set_value(value)}"]
    if force:
        cmd.append("--force")
    return cmd


def run(experiment, replicates=None, seed=None, set=None, threads=None, output=None, *, binary=None,
        force=False, timeout=None):
    """Runs an experiment with `passerelle run` and returns `load()` of the
    results.

    experiment: a path to an experiment file, or a dict of the same tables
      (written as TOML to a temporary file; relative paths inside it are then
      resolved against the temporary folder, so give absolute ones).
    replicates, seed, threads: the CLI's --replicates, --seed, --threads.
    set: {NAME: VALUE}, passed as repeated --set NAME=VALUE (model or
      <type>.<key> intervention parameters, for every scenario).
    output: where to keep the results file; None: a temporary file, removed
      once loaded (the returned Results then name a file that is gone).
    force: overwrite an existing output (--force); without it the CLI refuses.
    """
    exe = find_binary(binary)
    with tempfile.TemporaryDirectory(prefix="passerelle-run-") as tmp:
        if isinstance(experiment, dict):
            path = os.path.join(tmp, "experiment.toml")
            with open(path, "w", encoding="utf-8") as f:
                f.write(_toml_text(experiment))
        else:
            path = os.fspath(experiment)
        out = os.fspath(output) if output is not None else os.path.join(tmp, "results.h5")
        cmd = _command(exe, path, out, replicates, seed, set, threads, force)
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as e:
            raise PasserelleError(f"passerelle run did not finish within {timeout} s", None, "", cmd) from e
        if r.returncode != 0:
            msg = r.stderr.strip() or r.stdout.strip() or "(no message)"
            raise PasserelleError(f"passerelle run failed (exit {r.returncode}): {msg}", r.returncode, r.stderr, cmd)
        return load(out)
