"""scikit-learn habits: classes_, predict and predict_proba, and the GIL released."""

from __future__ import annotations

import pickle
import threading
import time

import numpy as np
import pytest

import paratopic

from conftest import ROOT, SEEDS

TOPICS = ["cybersecurity", "ai", "wsis", "financing", "other"]


@pytest.fixture(scope="module")
def texts():
    return [p["text"] for doc in SEEDS for p in paratopic.read(doc)]


def test_classes_are_the_labels_in_score_order(model) -> None:
    assert isinstance(model.classes_, np.ndarray) and model.classes_.dtype.kind == "U"
    assert list(model.classes_) == TOPICS
    assert model.languages == ["de", "en"]


def test_predict_proba_is_one_row_per_text_in_classes_order(model, texts) -> None:
    proba = model.predict_proba(texts)
    assert proba.dtype == np.float64 and proba.shape == (len(texts), len(model.classes_))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-9)
    assert (proba >= 0).all()
    labels = model.predict(texts)
    assert labels.shape == (len(texts),) and labels.dtype.kind == "U"
    # Where the model decides, its label is the argmax of the scores, as in scikit-learn.
    decided = np.array([r["decision"] == "model" for r in model.classify(texts, any_language=True)])
    assert decided.sum() > len(texts) // 2
    assert (labels[decided] == model.classes_[proba.argmax(axis=1)][decided]).all()
    # The seeds are about every topic.
    assert set(labels) == set(TOPICS)


def test_predict_and_predict_proba_are_classify(model, texts) -> None:
    # One path to a label: predict is classify's label and predict_proba its scores, for every
    # text, whatever decided it (the model, or no evidence).
    texts = texts + ["", "zzzz qqqq"]
    records = model.classify(texts, any_language=True, min_confidence=None)
    labels = model.predict(texts)
    proba = model.predict_proba(texts)
    assert {r["decision"] for r in records} == {"model", "no_evidence"}
    for i, record in enumerate(records):
        assert labels[i] == record["label"]
        np.testing.assert_allclose(proba[i], [record["scores"][c] for c in model.classes_], rtol=0, atol=0)


def test_known_paragraphs_get_their_topic(model) -> None:
    texts = [
        "Ransomware-Angriffe auf Krankenhäuser und kritische Infrastruktur nehmen zu; die Angreifer verschlüsseln Patientendaten.",
        "Die Staaten sollen Risiken von Systemen künstlicher Intelligenz bewerten und maschinelles Lernen transparent machen.",
        "The Internet Governance Forum and the WSIS action lines are reviewed in the WSIS+20 process.",
    ]
    assert list(model.predict(texts)) == ["cybersecurity", "ai", "wsis"]


def test_any_sequence_of_str_is_accepted(model, texts) -> None:
    expected = model.predict(texts)
    assert (model.predict(tuple(texts)) == expected).all()
    assert (model.predict(np.array(texts)) == expected).all()
    assert (model.predict(t for t in texts) == expected).all()


def test_no_texts_give_empty_results(model) -> None:
    assert model.predict([]).shape == (0,)
    assert model.predict_proba([]).shape == (0, 5)
    assert model.classify([]) == []


def test_a_model_pickles_as_its_bytes(model) -> None:
    copy = pickle.loads(pickle.dumps(model))
    assert copy.to_bytes() == model.to_bytes()
    assert list(copy.classes_) == list(model.classes_)


def test_the_gil_is_released_while_a_batch_runs(model, texts) -> None:
    # Another Python thread keeps running while predict works on a large batch; with the GIL
    # held, it would stall for the whole call.
    batch = texts * 60
    start = time.perf_counter()
    model.predict(batch)
    alone = time.perf_counter() - start
    assert alone > 0.05, "batch too small to measure"
    gaps = []
    done = threading.Event()

    def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            now = time.perf_counter()
            gaps.append(now - last)
            last = now
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    model.predict(batch)
    done.set()
    ticker.join()
    assert max(gaps) < alone / 2, (max(gaps), alone)


def test_the_default_model_is_the_cli_model() -> None:
    assert paratopic.Model.default().to_bytes() == (ROOT / "models" / "default.model").read_bytes()


@pytest.mark.parametrize("ext", ["pdf", "html", "docx", "txt"])
def test_a_document_as_bytes_reads_as_the_file(model, ext) -> None:
    from conftest import FIXTURES

    path = FIXTURES / f"un-res-75-32-de.{ext}" if ext != "txt" else SEEDS[0]
    from_file = paratopic.read(path)
    named = paratopic.read(path.read_bytes(), name=path.name)
    assert named == from_file
    # Without a name, the first bytes tell the format and the doc is "-".
    unnamed = paratopic.read(path.read_bytes())
    assert [r["text"] for r in unnamed] == [r["text"] for r in from_file]
    assert {r["doc"] for r in unnamed} == {"-"}
    labeled = model.classify_document(bytearray(path.read_bytes()), name=path.name)
    assert labeled == model.classify_document(path)
