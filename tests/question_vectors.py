"""The model's vector of every text the shipped engine embeds while answering the question
sets, kept in `tests/question_vectors.npz` so that `make test` reads them instead of running
the model on thousands of questions again (a benchmark's work, not a test's).

`python -m tests.question_vectors` rebuilds the file after a question set, the knowledge base
or the engine changes what is embedded; a text not in it is embedded by the model as before,
and a test checks stored vectors against the model's own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from bot.engine import Engine

TESTS = Path(__file__).resolve().parent
FILE = TESTS / "question_vectors.npz"
Embed = Callable[[Sequence[str]], "np.ndarray"]


def load(path: Path = FILE) -> dict[str, np.ndarray]:
    if not path.exists():
        return {}
    with np.load(path, allow_pickle=False) as data:
        return dict(zip(data["texts"].tolist(), data["vectors"], strict=True))


class StoredFirst:
    """An embedder that answers from the stored vectors and asks the model for the rest."""

    def __init__(self, model: Embed, stored: dict[str, np.ndarray]) -> None:
        self.model = model
        self.stored = stored

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in texts if t not in self.stored]
        fresh = dict(zip(missing, self.model(missing), strict=True)) if missing else {}
        return np.stack([self.stored[t] if t in self.stored else fresh[t] for t in texts])


def use_stored_vectors(engine: Engine) -> StoredFirst:
    """Make the engine's semantic layer read the stored vectors first."""
    semantic = engine.semantic
    assert semantic is not None
    embedder = StoredFirst(semantic.embed, load())
    object.__setattr__(semantic, "embed", embedder)
    return embedder


def build() -> int:
    from bot.assemble import build_engine
    from bot.config import BUILTIN_KB
    from bot.evaluation.questions import load_questions
    from bot.loader import load_knowledge

    engine = build_engine(load_knowledge(BUILTIN_KB), BUILTIN_KB)
    semantic = engine.semantic
    assert semantic is not None
    model = semantic.embed
    seen: dict[str, np.ndarray] = {}

    def recording(texts: Sequence[str]) -> np.ndarray:
        vectors = model(texts)
        seen.update(zip(texts, vectors, strict=True))
        return vectors

    object.__setattr__(semantic, "embed", recording)
    for path in sorted(TESTS.glob("*_questions.yaml")):
        for question in load_questions(path):
            engine.answer(question.q)
    texts = sorted(seen)
    np.savez_compressed(FILE, texts=np.array(texts, dtype=str),
                        vectors=np.stack([seen[t] for t in texts]).astype(np.float32))
    return len(texts)


if __name__ == "__main__":
    print(f"{FILE}: {build()} texts")
