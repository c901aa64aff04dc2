#!/usr/bin/env bash
# The Python step of the tests, run from anywhere: a venv under target/ with maturin, pytest
# and the data tools the tests read Parquet with (pyarrow, pandas, polars) and run Spark with
# (pyspark; Java must be on PATH, which .ci/run sees to), the package built into the venv with
# `maturin develop --release`, then the tests in python/tests: the package, the Parquet output
# read back, and the Spark examples in local mode and on a standalone cluster of this machine
# (a master and two workers on 127.0.0.1, started and stopped by the test).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=target/python-venv
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
export VIRTUAL_ENV="$PWD/$venv"
export PATH="$VIRTUAL_ENV/bin:$PATH"
pip install --quiet --disable-pip-version-check \
    "maturin>=1.9.4,<2" "pytest>=7,<10" "numpy>=1.21,<3" \
    "pyarrow>=14" "pandas>=2,<3" "polars>=1" "pyspark>=3.5"
# (pandas below 3: PySpark 4 says it does not fully support pandas 3 yet.)

maturin develop --release --manifest-path python/Cargo.toml
cd python
python -m pytest -q
