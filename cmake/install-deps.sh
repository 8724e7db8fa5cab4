#!/usr/bin/env bash
# Installs the Debian packages Passerelle needs, only those that are missing.
# Idempotent: a second run does nothing and asks no registry.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config
  libhdf5-dev libeigen3-dev libboost-graph-dev
  libtomlplusplus-dev libcli11-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-h5py python3-numpy
  python3-pandas python3-matplotlib python3-scipy chromium
  # analysis/: the report's templates; run() with a dict; `pip install ./analysis`
  # offline into a venv (tests/analysis/test_install.py)
  python3-jinja2 python3-tomli-w python3-setuptools python3-wheel python3-venv
  # passerelle calibrate: Latin hypercube (scipy.stats.qmc), Gaussian-process emulators
  python3-sklearn
  # the report's Sobol' indices (analysis/passerelle_analysis/sensitivity.py)
  python3-openturns
  # MPI runs (mpirun -np K passerelle run); sanitizer + libFuzzer build of `make test`
  libopenmpi-dev openmpi-bin clang-14 libclang-rt-14-dev
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
