"""The package labels exactly as the ``paratopic`` binary does, on the seed documents."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List

import pytest

import paratopic

from conftest import FORMATS, SEEDS, run_cli

LABEL_FIELDS = ("lang", "label", "decision", "evidence")

#: Texts the seeds do not have: every decision and a few languages.
EXTRA_TEXTS = [
    "",
    "1 A/65/201.",
    "https://www.un.org/en/ga/",
    "Tagesordnungspunkt 94",
    "Ransomware",
    "The General Assembly calls upon Member States to strengthen the security of information "
    "and communications technologies and to protect critical infrastructure from cyberattacks.",
    "L'Assemblée générale invite les États Membres à renforcer la sécurité des technologies de "
    "l'information et des communications et à protéger les infrastructures critiques.",
    "La Asamblea General exhorta a los Estados Miembros a reforzar la cooperación internacional "
    "en materia de inteligencia artificial y de financiación del desarrollo digital.",
    "Künstliche Intelligenz",
]


def close(ours: float, theirs: float) -> bool:
    """The CLI prints probabilities with six decimals."""
    return abs(ours - theirs) <= 5e-7 + 1e-12


def assert_same_label(ours: Dict[str, Any], theirs: Dict[str, Any], where: str) -> None:
    for field in LABEL_FIELDS:
        assert ours[field] == theirs[field], f"{where}: {field}"
    if theirs["confidence"] is None:
        assert ours["confidence"] is None, where
    else:
        assert close(ours["confidence"], theirs["confidence"]), where
    if theirs["scores"] is None:
        assert ours["scores"] is None, where
    else:
        assert list(ours["scores"]) == list(theirs["scores"]), where
        for label, p in theirs["scores"].items():
            assert close(ours["scores"][label], p), f"{where}: score {label}"


def seed_texts() -> List[str]:
    texts = [p["text"] for doc in SEEDS for p in paratopic.read(doc)]
    return texts + EXTRA_TEXTS


@pytest.mark.parametrize(
    "flags, rules",
    [
        ([], {}),
        (["--min-confidence", "0.8"], {"min_confidence": 0.8}),
        (["--any-language"], {"any_language": True}),
    ],
    ids=["default", "min-confidence", "any-language"],
)
def test_texts_get_the_labels_of_classify_jsonl(cli: Path, model, tmp_path: Path, flags, rules) -> None:
    texts = seed_texts()
    data = tmp_path / "texts.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, t in enumerate(texts)))
    theirs = run_cli(cli, "classify", "--quiet", "--input-format", "jsonl", *flags, data)
    ours = model.classify(texts, **rules)
    assert len(ours) == len(theirs) == len(texts)
    for i, (o, t) in enumerate(zip(ours, theirs)):
        assert_same_label(o, t, f"text {i} {texts[i][:40]!r}")
    decisions = {r["decision"] for r in ours}
    assert "model" in decisions and "no_evidence" in decisions
    if rules.get("min_confidence"):
        assert "low_confidence" in decisions
    if not rules:
        assert "unsupported_language" in decisions


@pytest.mark.parametrize("path", SEEDS + FORMATS, ids=lambda p: p.name)
def test_documents_get_the_records_of_classify(cli: Path, model, path: Path) -> None:
    theirs = run_cli(cli, "classify", "--quiet", path)
    ours = model.classify_document(path)
    assert len(ours) == len(theirs) > 10
    for o, t in zip(ours, theirs):
        where = f"{path.name} paragraph {t['paragraph']}"
        assert set(o) == set(t) | {"page", "id"}, where
        for field in ("doc", "paragraph", "start", "end", "kind", "format", "section", "text"):
            assert o[field] == t[field], f"{where}: {field}"
        assert o["page"] == t.get("page"), where
        assert_same_label(o, t, where)
    if path.suffix == ".pdf":
        assert all(isinstance(r["page"], int) for r in ours)


@pytest.mark.parametrize("path", SEEDS[:1] + FORMATS, ids=lambda p: p.name)
def test_read_gives_the_paragraphs_classify_labels(model, path: Path) -> None:
    paragraphs = paratopic.read(path)
    labeled = model.classify_document(str(path))
    assert len(paragraphs) == len(labeled)
    for p, r in zip(paragraphs, labeled):
        assert p == {k: r[k] for k in p}
    assert {p["format"] for p in paragraphs} == {path.suffix.lstrip(".").replace("txt", "text")}
    assert [p["paragraph"] for p in paragraphs] == list(range(len(paragraphs)))
