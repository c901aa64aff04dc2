"""Shared fixtures: the workspace root, the seed documents, and the ``paratopic`` binary the
package is compared with."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
FIXTURES = ROOT / "crates" / "ingest" / "tests" / "fixtures"

#: The seed documents of the corpus, and those shared beside the repository when present.
SEEDS = sorted((ROOT / "corpus" / "documents").glob("*.txt")) + sorted((SHARED / "seeds").glob("*.txt"))
#: One document per structured format (made from a seed by make_fixtures.py).
FORMATS = [FIXTURES / f"un-res-75-32-de.{ext}" for ext in ("pdf", "html", "docx", "odt")]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The ``paratopic`` binary: $PARATOPIC_BIN, else the workspace's debug build (which
    ``cargo test --workspace`` makes, as CI runs it before these tests), else its release
    build; built with cargo when there is none."""
    given = os.environ.get("PARATOPIC_BIN")
    if given:
        return Path(given)
    for profile in ("debug", "release"):
        binary = ROOT / "target" / profile / "paratopic"
        if binary.is_file():
            return binary
    subprocess.run(["cargo", "build", "--quiet", "--bin", "paratopic"], cwd=ROOT, check=True)
    return ROOT / "target" / "debug" / "paratopic"


def run_cli(cli: Path, *args: Any, stdin: bytes | None = None) -> List[Dict[str, Any]]:
    """Runs ``paratopic`` and returns its JSONL records."""
    done = subprocess.run(
        [str(cli), *map(str, args)], input=stdin, capture_output=True, check=False, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr.decode()
    return [json.loads(line) for line in done.stdout.splitlines()]


@pytest.fixture(scope="session")
def model():
    import paratopic

    return paratopic.Model.default()
