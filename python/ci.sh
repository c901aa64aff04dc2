#!/usr/bin/env bash
# The Python package's CI step, run from anywhere (it works from the workspace root): a venv
# under target/, maturin, pytest and NumPy from PyPI, the package built into the venv with
# `maturin develop --release`, then its tests. Run it after `cargo xtask eval --check`, which
# has built the library crates' release artifacts that this build reuses.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-venv
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
export VIRTUAL_ENV="$PWD/$venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
pip install --quiet --disable-pip-version-check "maturin>=1.9.4,<2" "pytest>=7,<10" "numpy>=1.21,<3"

maturin develop --release --manifest-path python/Cargo.toml
cd python
python -m pytest -q
