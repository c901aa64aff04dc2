"""Bad input becomes the right Python exception, never a panic."""

from __future__ import annotations

from pathlib import Path

import pytest

import paratopic

from conftest import FIXTURES


def test_missing_and_unreadable_documents_are_os_errors(model, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        paratopic.read(tmp_path / "none.txt")
    with pytest.raises(FileNotFoundError):
        model.classify_document(tmp_path / "none.pdf")
    with pytest.raises(IsADirectoryError):
        paratopic.read(tmp_path)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("zeros.txt", b"\x00" * 4096, "binary"),
        ("broken.pdf", b"%PDF-1.7\n" + b"garbage " * 100, "(?i)cannot read this pdf file"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "cannot read this Word file"),
    ],
)
def test_documents_that_cannot_be_read_are_value_errors(model, tmp_path: Path, name, content, message) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValueError, match=message):
        paratopic.read(path)
    with pytest.raises(ValueError, match=message):
        model.classify_document(path)


def test_an_encrypted_pdf_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="encrypted"):
        paratopic.read(FIXTURES / "encrypted.pdf")


@pytest.mark.parametrize(
    "texts, message",
    [
        ("Ransomware", "not a str"),
        ([b"Ransomware"], r"texts\[0\] must be a str, got bytes"),
        (["Ransomware", None], r"texts\[1\] must be a str, got NoneType"),
        (None, "texts"),
        (42, "int"),
    ],
)
def test_texts_that_are_not_str_are_type_errors(model, texts, message: str) -> None:
    for call in (model.classify, model.predict, model.predict_proba):
        with pytest.raises(TypeError, match=message):
            call(texts)


@pytest.mark.parametrize("p", [-0.1, 1.5, float("nan")])
def test_min_confidence_is_a_probability(model, p: float) -> None:
    with pytest.raises(ValueError, match="min_confidence"):
        model.classify(["Ransomware"], min_confidence=p)


def test_empty_and_letterless_texts_are_labeled_without_evidence(model) -> None:
    records = model.classify(["", "   ", "1234 5678", "\u0000"])
    for r in records:
        assert r["decision"] == "no_evidence" and r["label"] == "other" and r["evidence"] == 0
        assert r["lang"] is None and r["confidence"] is None
    assert model.predict_proba(["", "x"]).shape == (2, 5)
