#!/usr/bin/env bash
# Creates bench/.venv with the comparison baselines: scikit-learn, and with --fasttext also
# fastText built from its PyPI source. Prints the venv's python on the last line. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv" >&2
fi
if ! "$venv/bin/python" -c "import sklearn" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
fi
if [ "${1:-}" = "--fasttext" ] && ! "$venv/bin/python" -c "import fasttext" 2>/dev/null; then
    "$venv/bin/pip" install --quiet --disable-pip-version-check setuptools wheel pybind11 >&2
    "$venv/bin/pip" install --quiet --disable-pip-version-check --no-build-isolation -r "$here/requirements-fasttext.txt" >&2 \
        || echo "bench/setup.sh: fastText could not be built; its benchmark is skipped" >&2
fi
echo "$venv/bin/python"
