"""Model files: round trips, atomic saves, and the errors of unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

import paratopic
from paratopic import ModelError

from conftest import ROOT

DEFAULT = ROOT / "models" / "default.model"


def test_save_and_load_round_trip_byte_identical(model, tmp_path: Path) -> None:
    path = tmp_path / "copy.model"
    model.save(path)
    assert path.read_bytes() == DEFAULT.read_bytes()
    again = paratopic.Model.load(str(path))
    assert again.to_bytes() == DEFAULT.read_bytes()
    again.save(tmp_path / "again.model")
    assert (tmp_path / "again.model").read_bytes() == DEFAULT.read_bytes()
    assert paratopic.Model.from_bytes(path.read_bytes()).to_bytes() == DEFAULT.read_bytes()


def test_save_replaces_a_file_atomically_and_leaves_nothing_else(model, tmp_path: Path) -> None:
    path = tmp_path / "m.model"
    path.write_text("an older file")
    model.save(path)
    assert path.read_bytes() == DEFAULT.read_bytes()
    assert [p.name for p in tmp_path.iterdir()] == ["m.model"]
    assert (path.stat().st_mode & 0o777) == 0o644


def test_save_writes_through_a_symbolic_link(model, tmp_path: Path) -> None:
    target = tmp_path / "real.model"
    link = tmp_path / "link.model"
    link.symlink_to(target.name)
    model.save(link)
    assert link.is_symlink() and target.read_bytes() == DEFAULT.read_bytes()


def test_save_into_a_missing_folder_is_an_os_error(model, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="no such folder"):
        model.save(tmp_path / "missing" / "m.model")


def test_a_missing_file_is_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as raised:
        paratopic.Model.load(tmp_path / "none.model")
    assert raised.value.filename == str(tmp_path / "none.model")
    with pytest.raises(IsADirectoryError):
        paratopic.Model.load(tmp_path)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda b: b[: len(b) // 2], "truncated"),
        (lambda b: b[:-10] + bytes([b[-10] ^ 1]) + b[-9:], "checksum"),
        (lambda b: b"paratopic-model 99" + b[b.index(b" ", 16) :], "version"),
        (lambda b: b"Hello, this is a text file.\n", "not a paratopic model"),
        (lambda b: b"", "not a paratopic model"),
    ],
    ids=["truncated", "flipped-byte", "version", "text", "empty"],
)
def test_a_damaged_model_file_is_a_model_error(tmp_path: Path, damage, message: str) -> None:
    path = tmp_path / "bad.model"
    path.write_bytes(damage(DEFAULT.read_bytes()))
    with pytest.raises(ModelError, match=message):
        paratopic.Model.load(path)
    with pytest.raises(ValueError, match=message):
        paratopic.Model.from_bytes(path.read_bytes())


def test_model_is_made_by_its_constructors_only() -> None:
    with pytest.raises(TypeError):
        paratopic.Model("default")
