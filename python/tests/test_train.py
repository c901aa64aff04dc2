"""paratopic.train: the CLI's settings, the CLI's bytes, and errors that name the problem."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import List, Tuple

import pytest

import paratopic

from conftest import ROOT

AUTHORED = sorted((ROOT / "corpus" / "authored").glob("*.jsonl"))


def authored(every: int = 1) -> Tuple[List[str], List[str]]:
    """The authored training paragraphs of the corpus (German and English), every n-th."""
    rows = [json.loads(line) for path in AUTHORED for line in path.read_text().splitlines() if line.strip()]
    rows = rows[::every]
    return [r["text"] for r in rows], [r["label"] for r in rows]


def cli_train(cli: Path, tmp_path: Path, texts, labels, *flags: str) -> bytes:
    data = tmp_path / "data.jsonl"
    data.write_text("".join(json.dumps({"text": t, "label": l}) + "\n" for t, l in zip(texts, labels)))
    out = tmp_path / "cli.model"
    subprocess.run([str(cli), "train", "--quiet", "--data", str(data), "-o", str(out), *flags], check=True)
    return out.read_bytes()


def test_default_settings_give_the_cli_model_bytes(cli: Path, tmp_path: Path) -> None:
    texts, labels = authored(every=3)
    model = paratopic.train(texts, labels)
    assert model.to_bytes() == cli_train(cli, tmp_path, texts, labels)
    assert sorted(model.classes_) == list(model.classes_) == ["ai", "cybersecurity", "financing", "other", "wsis"]
    assert model.languages == ["de", "en"]
    # The model learned its data.
    accuracy = (model.predict(texts) == labels).mean()
    assert accuracy > 0.9


def test_settings_are_the_cli_flags(cli: Path, tmp_path: Path) -> None:
    texts, labels = authored(every=4)
    order = ["cybersecurity", "ai", "wsis", "financing", "other"]
    settings = dict(
        variant="multinomial", alpha=0.5, min_df=2, bigrams=True, calibrate=False, per_language=False,
        stemming=True, stem_language="german", numbers="placeholder", sublinear_tf=True, char_ngrams=(4, 5),
        classes=order, lexicon=str(ROOT / "corpus" / "lexicon.toml"), lexicon_weight=3.0,
    )
    model = paratopic.train(texts, labels, **settings)
    flags = [
        "--variant", "multinomial", "--alpha", "0.5", "--min-df", "2", "--bigrams", "true", "--calibrate", "false",
        "--per-language", "false", "--stemming", "true", "--stem-language", "german", "--numbers", "placeholder",
        "--sublinear-tf", "true", "--char-ngrams", "4-5", "--labels", ",".join(order),
        "--lexicon", str(ROOT / "corpus" / "lexicon.toml"), "--lexicon-weight", "3",
    ]
    assert model.to_bytes() == cli_train(cli, tmp_path, texts, labels, *flags)
    assert list(model.classes_) == order
    # Each setting is in the model: changing one changes the bytes.
    assert paratopic.train(texts, labels, **{**settings, "alpha": 1.0}).to_bytes() != model.to_bytes()


#: For every setting `train` takes: a value other than its default, and the same as CLI flags.
EVERY_SETTING = {
    "variant": ("complement-normalized", ["--variant", "complement-normalized"]),
    "alpha": (0.25, ["--alpha", "0.25"]),
    "min_df": (2, ["--min-df", "2"]),
    "stopwords": (False, ["--stopwords", "false"]),
    "stemming": (True, ["--stemming", "true"]),
    "stem_language": ("english", ["--stemming", "true", "--stem-language", "english"]),
    "numbers": ("keep", ["--numbers", "keep"]),
    "binary": (True, ["--binary", "true"]),
    "sublinear_tf": (True, ["--sublinear-tf", "true"]),
    "idf": (True, ["--idf", "true"]),
    "l2_norm": (True, ["--l2-norm", "true"]),
    "bigrams": (True, ["--bigrams", "true"]),
    "char_ngrams": ((3, 4), ["--char-ngrams", "3-4"]),
    "decompound": (False, ["--decompound", "false"]),
    "calibrate": (True, ["--calibrate", "true"]),
    "per_language": (False, ["--per-language", "false"]),
    "stemmed_languages": (["de", "en"], ["--stemmed-languages", "de,en"]),
    "section_features": (True, ["--section-features", "true"]),
    "lexicon": (str(ROOT / "corpus" / "lexicon.toml"), ["--lexicon", str(ROOT / "corpus" / "lexicon.toml")]),
    "lexicon_weight": (2.0, ["--lexicon", str(ROOT / "corpus" / "lexicon.toml"), "--lexicon-weight", "2"]),
    "classes": (["other", "ai", "wsis", "financing", "cybersecurity"], ["--labels", "other,ai,wsis,financing,cybersecurity"]),
}


def test_every_setting_is_the_cli_flag(cli: Path, tmp_path: Path) -> None:
    # One case per setting, so that a setting added to the table without a case here fails.
    assert set(EVERY_SETTING) == set(paratopic.SETTINGS)
    texts, labels = authored(every=8)
    base = paratopic.train(texts, labels, calibrate=False).to_bytes()
    for name, (value, flags) in EVERY_SETTING.items():
        settings = {"calibrate": False, name: value}
        if name == "stem_language":
            settings["stemming"] = True
        if name == "lexicon_weight":
            settings["lexicon"] = str(ROOT / "corpus" / "lexicon.toml")
        model = paratopic.train(texts, labels, **settings).to_bytes()
        cli_flags = flags if name == "calibrate" else ["--calibrate", "false", *flags]
        assert model == cli_train(cli, tmp_path, texts, labels, *cli_flags), name
        assert model != base, f"{name}={value!r} changes nothing"


def test_training_is_deterministic() -> None:
    texts, labels = authored(every=5)
    first = paratopic.train(texts, labels, calibrate=False)
    second = paratopic.train(list(reversed(texts))[::-1], labels, calibrate=False)
    assert first.to_bytes() == second.to_bytes()


def test_a_lexicon_as_a_dict_is_the_lexicon_file() -> None:
    texts, labels = authored(every=6)
    terms = {"ai": ["Algorithmus", "Robotik"], "cybersecurity": ["Firewall"]}
    toml = Path(ROOT / "target" / "lexicon-test.toml")
    toml.parent.mkdir(exist_ok=True)
    toml.write_text('[terms]\nai = ["Algorithmus", "Robotik"]\ncybersecurity = ["Firewall"]\n')
    by_dict = paratopic.train(texts, labels, calibrate=False, lexicon=terms)
    assert by_dict.to_bytes() == paratopic.train(texts, labels, calibrate=False, lexicon=toml).to_bytes()
    assert by_dict.to_bytes() != paratopic.train(texts, labels, calibrate=False).to_bytes()


def test_sections_feed_section_features() -> None:
    texts, labels = authored(every=6)
    sections = ["Cybersicherheit" if l == "cybersecurity" else None for l in labels]
    plain = paratopic.train(texts, labels, calibrate=False, section_features=True)
    with_sections = paratopic.train(texts, labels, sections=sections, calibrate=False, section_features=True)
    assert plain.to_bytes() != with_sections.to_bytes()


@pytest.mark.parametrize(
    "settings, error, message",
    [
        ({"alpah": 1.0}, TypeError, "alpah"),
        ({"alpha": 0.0}, ValueError, "alpha must be a positive number"),
        ({"alpha": "big"}, TypeError, "alpha"),
        ({"variant": "bernoulli"}, ValueError, "variant: expected one of multinomial, complement"),
        ({"min_df": -1}, ValueError, "min_df"),
        ({"min_df": 1.5}, TypeError, "min_df"),
        ({"stopwords": "yes"}, TypeError, "stopwords"),
        ({"char_ngrams": (5, 2)}, ValueError, "char_ngrams"),
        ({"lexicon_weight": 2.0}, ValueError, "lexicon_weight needs a lexicon"),
        ({"lexicon": {"music": ["Geige"]}}, ValueError, "music"),
        ({"lexicon": "/nonexistent/lexicon.toml"}, FileNotFoundError, "lexicon.toml"),
        ({"classes": ["ai", "other"]}, ValueError, "unknown label"),
    ],
)
def test_bad_settings_name_the_setting(settings, error, message: str) -> None:
    texts, labels = authored(every=20)
    with pytest.raises(error, match=message):
        paratopic.train(texts, labels, **settings)


@pytest.mark.parametrize(
    "texts, labels, error, message",
    [
        ([], [], ValueError, "at least two labels"),
        (["a b c", "d e f"], ["x", "x"], ValueError, "at least two labels"),
        (["Cyberangriff", "Haushalt"], ["cybersecurity"], ValueError, "2 texts but 1 labels"),
        (["Cyberangriff", 7], ["cybersecurity", "other"], TypeError, r"texts\[1\]"),
        (["Cyberangriff", "Haushalt"], ["cybersecurity", None], TypeError, "labels"),
        ("Cyberangriff", ["cybersecurity"], TypeError, "not a str"),
        (["", ""], ["a", "b"], ValueError, "no usable tokens"),
    ],
)
def test_bad_data_is_an_error_not_a_crash(texts, labels, error, message: str) -> None:
    with pytest.raises(error, match=message):
        paratopic.train(texts, labels)
