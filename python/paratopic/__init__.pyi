"""Type stubs of the paratopic package (see ``__init__.py`` for the documentation)."""

import os
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple, TypedDict, Union

import numpy as np
import numpy.typing as npt

__all__ = ["Model", "ModelError", "read", "train", "SETTINGS", "DEFAULT_MIN_CONFIDENCE"]

_Path = Union[str, os.PathLike[str]]

SETTINGS: Tuple[str, ...]
DEFAULT_MIN_CONFIDENCE: float

class ModelError(ValueError):
    """A model file (or bytes) that is not a readable paratopic model."""

class Labeled(TypedDict):
    """What :meth:`Model.classify` returns per text."""

    lang: Optional[str]
    label: Optional[str]
    confidence: Optional[float]
    decision: str
    evidence: Optional[int]
    scores: Optional[Dict[str, float]]

class Paragraph(TypedDict):
    """What :func:`read` returns per paragraph."""

    doc: str
    paragraph: int
    start: int
    end: int
    kind: str
    format: str
    page: Optional[int]
    section: Optional[str]
    text: str
    lang: Optional[str]

class Record(Paragraph):
    """What :meth:`Model.classify_document` returns per paragraph."""

    label: Optional[str]
    confidence: Optional[float]
    decision: str
    evidence: Optional[int]
    scores: Optional[Dict[str, float]]

class Model:
    """A trained paratopic model."""

    classes_: npt.NDArray[np.str_]
    def __init__(self, native: Any) -> None: ...
    @classmethod
    def default(cls) -> Model: ...
    @classmethod
    def load(cls, path: _Path) -> Model: ...
    @classmethod
    def from_bytes(cls, data: bytes) -> Model: ...
    def to_bytes(self) -> bytes: ...
    def save(self, path: _Path) -> None: ...
    @property
    def languages(self) -> List[str]: ...
    def classify(
        self,
        texts: Sequence[str],
        *,
        min_confidence: Optional[float] = ...,
        any_language: bool = False,
    ) -> List[Labeled]: ...
    def predict(self, texts: Sequence[str]) -> npt.NDArray[Any]: ...
    def predict_proba(self, texts: Sequence[str]) -> npt.NDArray[np.float64]: ...
    def classify_document(
        self,
        source: Union[_Path, bytes],
        *,
        name: Optional[str] = None,
        min_confidence: Optional[float] = ...,
        any_language: bool = False,
    ) -> List[Record]: ...

def read(source: Union[_Path, bytes], *, name: Optional[str] = None) -> List[Paragraph]: ...
def train(
    texts: Sequence[str],
    labels: Sequence[str],
    *,
    sections: Optional[Sequence[Optional[str]]] = None,
    variant: str = ...,
    alpha: float = ...,
    min_df: int = ...,
    stopwords: bool = ...,
    stemming: bool = ...,
    stem_language: str = ...,
    numbers: str = ...,
    binary: bool = ...,
    sublinear_tf: bool = ...,
    idf: bool = ...,
    l2_norm: bool = ...,
    bigrams: bool = ...,
    char_ngrams: Union[int, Tuple[int, int], None] = ...,
    decompound: bool = ...,
    calibrate: bool = ...,
    per_language: bool = ...,
    stemmed_languages: Union[Sequence[str], str] = ...,
    section_features: bool = ...,
    lexicon: Union[Mapping[str, Sequence[str]], _Path, None] = ...,
    lexicon_weight: float = ...,
    classes: Union[Sequence[str], str, None] = ...,
) -> Model: ...
