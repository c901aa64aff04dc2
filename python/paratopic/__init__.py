"""Label the paragraphs of policy documents by topic with Naive Bayes.

The package wraps the Rust crates of paratopic (the same code as the ``paratopic`` command):
a paragraph gets the same label here as from ``paratopic classify``.

>>> import paratopic
>>> model = paratopic.Model.default()
>>> model.predict(["Ransomware legt die Krankenhäuser der Stadt lahm."])
array(['cybersecurity'], dtype='<U13')

Batches run on Rust threads with the GIL released. Errors are Python exceptions: ``OSError``
(and its subclasses) for files, ``ModelError`` for a file that is not a readable model,
``ValueError`` for bad input or settings, ``TypeError`` for arguments of the wrong type.
"""

from __future__ import annotations

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Union

import numpy as np

from . import _paratopic
from ._paratopic import DEFAULT_MIN_CONFIDENCE, ModelError

__all__ = ["Model", "ModelError", "read", "train", "SETTINGS", "DEFAULT_MIN_CONFIDENCE"]

#: The keyword settings :func:`train` takes: the ``paratopic train`` flags, with underscores.
SETTINGS = tuple(_paratopic.SETTINGS)

PathLike = Union[str, "os.PathLike[str]"]


def _sequence(texts: Any) -> Any:
    """Texts as a sequence: an iterator or generator is read into a list; a str is refused
    by the native side (one text is ``[text]``)."""
    if isinstance(texts, (str, bytes)) or hasattr(texts, "__len__"):
        return texts
    try:
        return list(texts)
    except TypeError:
        raise TypeError(f"texts must be a sequence of str, got {type(texts).__name__}") from None


class Model:
    """A trained paratopic model: the built-in one (:meth:`default`), a model file
    (:meth:`load`), or the result of :func:`train`.

    ``classes_`` holds the labels in score order (the columns of :meth:`predict_proba`), as
    scikit-learn's classifiers have it. Models can be pickled (as their file's bytes), so
    they can be broadcast to worker processes.
    """

    __slots__ = ("_native", "classes_")

    def __init__(self, native: Any) -> None:
        """Use :meth:`default`, :meth:`load`, :meth:`from_bytes` or :func:`train`."""
        if not isinstance(native, _paratopic.NativeModel):
            raise TypeError("use Model.default(), Model.load(path), Model.from_bytes(data) or paratopic.train(...)")
        self._native = native
        #: The labels, in score order: a NumPy array of str.
        self.classes_ = np.array(native.labels, dtype=str)

    @classmethod
    def default(cls) -> "Model":
        """The model built into the package: the default model of the ``paratopic``
        command (German and English; cybersecurity, ai, wsis, financing, other)."""
        return cls(_paratopic.NativeModel.default())

    @classmethod
    def load(cls, path: PathLike) -> "Model":
        """Loads a model file written by ``paratopic train`` or :meth:`save`.

        Raises ``OSError`` when the file cannot be read, ``ModelError`` when it is not a
        readable paratopic model (truncated, corrupted, another format version)."""
        return cls(_paratopic.NativeModel.load(os.fspath(path)))

    @classmethod
    def from_bytes(cls, data: bytes) -> "Model":
        """A model from the bytes of a model file (:meth:`to_bytes`); ``ModelError`` when
        they are not a model."""
        return cls(_paratopic.NativeModel.from_bytes(data))

    def to_bytes(self) -> bytes:
        """The bytes of the model file, exactly what :meth:`save` writes."""
        return self._native.to_bytes()

    def save(self, path: PathLike) -> None:
        """Writes the model file atomically: to a temporary file beside ``path``, renamed
        into place when complete (a symbolic link is written through). ``OSError`` when the
        folder cannot be written."""
        self._native.save(os.fspath(path))

    @property
    def languages(self) -> List[str]:
        """The languages the model was trained on (ISO 639-1 codes); paragraphs in other
        languages get no topic unless ``any_language=True``. Empty when not known."""
        return self._native.languages

    def classify(
        self,
        texts: Sequence[str],
        *,
        min_confidence: Optional[float] = DEFAULT_MIN_CONFIDENCE,
        any_language: bool = False,
    ) -> List[Dict[str, Any]]:
        """Labels each text as ``paratopic classify --input-format jsonl`` labels the lines
        of one JSONL file: the language of each text is identified among the texts of the
        batch (a short, unsure text takes the batch's main language), then the model of that
        language scores it, and the CLI's rules decide.

        Returns one dict per text with ``lang`` (ISO 639-1 or None), ``label`` (None for a
        language the model does not read), ``confidence`` (None unless the model chose the
        label), ``decision`` (``model``, ``no_evidence``, ``low_confidence`` or
        ``unsupported_language``), ``evidence`` (known terms, None when not scored) and
        ``scores`` (label → probability, None when not scored).

        ``min_confidence`` (0 to 1; by default ``DEFAULT_MIN_CONFIDENCE``, as the CLI's
        ``--min-confidence``; None or 0 for none) sends paragraphs whose top probability is
        below it to ``other``; ``any_language`` labels texts of every language.
        """
        return self._native.classify(_sequence(texts), min_confidence, any_language)

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """The label of each text, as a NumPy array of str: the label :meth:`classify` gives it
        with ``any_language=True`` (so that no text is refused for its language) and
        ``min_confidence=None`` (the argmax of :meth:`predict_proba`, as scikit-learn's
        ``predict``): the model's top label, or ``other`` for a text without known terms.

        The rare text given no label (a model without ``other``, a text without known terms)
        is ``None`` in an array of dtype object."""
        indices = self._native.predict_indices(_sequence(texts))
        unlabeled = indices < 0
        if not unlabeled.any():
            return self.classes_[indices]
        labels = self.classes_.astype(object)[np.where(unlabeled, 0, indices)]
        labels[unlabeled] = None
        return labels

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """The probability of every label for every text: a float64 array of shape
        ``(len(texts), len(classes_))``, columns in ``classes_`` order, rows summing to 1
        (the model's calibrated probabilities, the ``scores`` of :meth:`classify` with
        ``any_language=True``)."""
        return self._native.predict_proba(_sequence(texts))

    def classify_document(
        self,
        source: Union[PathLike, bytes],
        *,
        name: Optional[str] = None,
        min_confidence: Optional[float] = DEFAULT_MIN_CONFIDENCE,
        any_language: bool = False,
    ) -> List[Dict[str, Any]]:
        """Reads a document of any supported format (as :func:`read`) and labels every
        paragraph as ``paratopic classify FILE`` does: the records have the columns of its
        CSV and Parquet output (``doc``, ``id``, ``paragraph``, ``start``, ``end``, ``kind``,
        ``format``, ``page``, ``section``, ``text``, ``lang``, ``label``, ``confidence``,
        ``decision``, ``evidence``, ``scores``; ``id`` is None, as for every document, and
        ``page`` is None except for PDF), probabilities unrounded. ``source`` and ``name``
        are those of :func:`read`.

        ``OSError`` when the file cannot be read, ``ValueError`` when it cannot be decoded
        or parsed (a binary file, a damaged PDF, a scan without a text layer)."""
        return self._native.classify_document(_source(source), name, min_confidence, any_language)

    def __reduce__(self) -> Any:
        return (Model.from_bytes, (self.to_bytes(),))

    def __repr__(self) -> str:
        return f"paratopic.Model(classes_={list(self.classes_)!r}, languages={self.languages!r})"


def _source(source: Any) -> Any:
    """A document argument as the native side takes it: bytes as they are, a path as str."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    return os.fspath(source)


def read(source: Union[PathLike, bytes], *, name: Optional[str] = None) -> List[Dict[str, Any]]:
    """The paragraphs of a document of any supported format (text, Markdown, PDF, HTML,
    Word .docx, OpenDocument .odt), as records: ``doc`` (the file name), ``id`` (None, as
    for every document), ``paragraph`` (from 0), ``start``/``end`` (byte span: in the file for text, in the extracted text for
    the other formats), ``kind`` (heading, body, list_item, reference, footnote),
    ``format``, ``page`` (PDF only, else None), ``section`` (the heading above), ``text``
    (cleaned) and ``lang``.

    ``source`` is a path, or the bytes of a document (as a Spark ``binaryFile`` row holds
    them); ``name`` is the ``doc`` of the records (default: the file name, or ``-`` for
    bytes), and for bytes its extension tells the format. The format is told by the
    extension, else by the first bytes. ``OSError`` when the file cannot be read,
    ``ValueError`` when it cannot be decoded or parsed."""
    return _paratopic.read(_source(source), name)


def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    sections: Optional[Sequence[Optional[str]]] = None,
    **settings: Any,
) -> Model:
    """Trains a model on texts and their labels, as ``paratopic train`` does on a JSONL file
    of ``{"text", "label"}`` lines; the same data and settings give the same model bytes.

    ``sections`` gives the heading above each text (used with ``section_features=True``).
    ``settings`` are the flags of ``paratopic train`` with underscores, with the same
    defaults: ``variant`` ("complement", "multinomial", "complement-normalized"),
    ``alpha``, ``min_df``, ``stopwords``, ``stemming``, ``stem_language`` ("german",
    "english"), ``numbers`` ("drop", "placeholder", "keep"), ``binary``, ``sublinear_tf``,
    ``idf``, ``l2_norm``, ``bigrams``, ``char_ngrams`` ((min, max), n, or 0),
    ``decompound``, ``calibrate``, ``per_language``, ``stemmed_languages`` (a list of ISO
    639-1 codes), ``section_features``, ``lexicon`` (a dict label → words, or the path of a
    TOML lexicon), ``lexicon_weight``, and ``classes`` (the CLI's ``--labels``: the label
    set in score order, which becomes ``classes_``; default: the labels of the data, sorted).

    An unknown setting is a ``TypeError`` naming it; a bad value or bad data (fewer than two
    labels, lengths that differ, a label outside ``classes``) a ``ValueError``.
    """
    return Model(_paratopic.train(_sequence(texts), _sequence(labels), sections, settings))
