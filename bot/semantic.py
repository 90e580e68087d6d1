"""The semantic signal: how near a question's meaning is to each fact's alternate questions.

Pure: the vectors and the question embedder are handed in (see bot/embeddings.py, which loads
the model and caches vectors on disk). Vectors are L2-normalised rows, so a dot product is the
cosine similarity.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from bot.model import KnowledgeBase

Vector = npt.NDArray[np.float32]
QUESTION_CACHE = 4096
# The model's time grows with the text: a paste is weighed by its start, as a question is asked
# in its first sentence or two (a 1,000-character paste took 600 ms to embed in full).
MAX_EMBEDDED_CHARS = 240
Vectors = npt.NDArray[np.float16] | npt.NDArray[np.float32]  # as stored or as embedded
# Turns texts into normalised rows; the question side of an asymmetric model.
Embed = Callable[[Sequence[str]], Vector]


def alternate_texts(kb: KnowledgeBase) -> tuple[list[str], list[int]]:
    """Every alternate question with the position of its fact, in knowledge-base order."""
    texts: list[str] = []
    owners: list[int] = []
    for i, fact in enumerate(kb.facts):
        for question in fact.questions:
            texts.append(question)
            owners.append(i)
    return texts, owners


def fingerprint(texts: Sequence[str], model: str) -> str:
    """Names a set of vectors: the same texts embedded by the same model give the same name."""
    digest = hashlib.sha256(model.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    return digest.hexdigest()[:32]


# Rows converted to float32 at a time when comparing (the vectors are kept as float16).
_BLOCK = 1 << 16


@dataclass(frozen=True, eq=False)
class SemanticIndex:
    # One row per alternate question, float16: half the memory, and what the cache holds.
    vectors: npt.NDArray[np.float16]
    owners: npt.NDArray[np.int32]  # the fact position of each row
    facts: int
    embed: Embed
    model: str

    @classmethod
    def build(cls, kb: KnowledgeBase, vectors: Vectors, *, embed: Embed,
              model: str) -> SemanticIndex:
        texts, owners = alternate_texts(kb)
        if vectors.shape[0] != len(texts):
            raise ValueError(f"{vectors.shape[0]} vectors for {len(texts)} alternates")
        return cls(vectors.astype(np.float16), np.asarray(owners, dtype=np.int32),
                   len(kb.facts), embed, model)

    def __post_init__(self) -> None:
        # People ask the same things again and again: the model's time is spent once per text.
        object.__setattr__(self, "_vector", lru_cache(maxsize=QUESTION_CACHE)(self._embed_one))

    def _embed_one(self, question: str) -> Vector:
        row: Vector = self.embed([question])[0]
        return row

    def similarities(self, question: str) -> npt.NDArray[np.float32]:
        """Per fact, the cosine similarity of the question to its nearest alternate."""
        q = self._vector(question[:MAX_EMBEDDED_CHARS])  # type: ignore[attr-defined]
        per_alternate = np.concatenate([
            self.vectors[start : start + _BLOCK].astype(np.float32) @ q
            for start in range(0, len(self.vectors), _BLOCK)
        ]) if len(self.vectors) else np.zeros(0, dtype=np.float32)
        best = np.full(self.facts, -1.0, dtype=np.float32)
        np.maximum.at(best, self.owners, per_alternate)
        return best
