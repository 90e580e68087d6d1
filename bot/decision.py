"""From the signals about one fact to one calibrated confidence, and from there to an outcome.

Each fact considered for a question gets a few features: the lexical score and coverage, how
far ahead of the runner-up it is lexically, the semantic similarity and its lead. A logistic
model (weights in bot/calibration.py, fitted by `citebot fit`) turns them into a confidence in
[0, 1]. The lexical evidence keeps a veto: a number, a name, a figure or a reason asked for
that the fact does not give is never answered, however close the meaning.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from bot import calibration
from bot.matching import Match, numbers_unexplained

# The semantic model's similarities sit in a narrow band; centred and scaled to about unit size.
SIMILARITY_CENTRE = 0.85
SIMILARITY_SCALE = 10.0

FEATURES = ("score", "coverage", "score_lead", "similarity", "similarity_lead", "both_top")
LEXICAL_FEATURES = FEATURES[:3]

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Considered:
    """One fact weighed for one question."""

    position: int  # of the fact in the knowledge base
    match: Match
    similarity: float | None  # None without the semantic layer
    features: tuple[float, ...]
    veto: str | None  # why the fact cannot answer, whatever its confidence
    confidence: float


def veto(match: Match, names: frozenset[str], *, judgement: bool = False) -> str | None:
    """The lexical reason this fact cannot be the answer, if there is one. `names`: the words
    of the question a fact must explain (names, places, the attribute asked for by name:
    `Query.specific`); one that the fact does not mention means another subject."""
    if judgement:
        return "judgement"
    if numbers_unexplained(match):
        return "number"
    if match.score >= 100:
        return None  # the question is one of the fact's own alternates: the operator chose it
    if match.figure_missing:
        return "figure"
    if match.cue_missing is not None:
        return match.cue_missing
    if not names.isdisjoint(match.unexplained):
        return "name"
    return None


def features(
    match: Match,
    *,
    best_score: float,
    similarity: float | None,
    best_other_similarity: float | None,
    lexical_top: bool,
    semantic_top: bool,
) -> tuple[float, ...]:
    """One match's features (a row of feature_table)."""
    table = feature_table(
        np.array([match.score]), np.array([match.coverage]),
        best_scores=np.array([best_score]),
        similarity=None if similarity is None else np.array([similarity]),
        best_other_similarity=np.array([best_other_similarity or 0.0]),
        lexical_top=np.array([lexical_top]), semantic_top=np.array([semantic_top]),
    )
    return tuple(table[0].tolist())


def feature_table(
    scores: Floats,
    coverage: Floats,
    *,
    best_scores: Floats,
    similarity: Floats | None,
    best_other_similarity: Floats,
    lexical_top: npt.NDArray[np.bool_],
    semantic_top: npt.NDArray[np.bool_],
) -> Floats:
    """The features of many matches at once, one row each (FEATURES, or LEXICAL_FEATURES
    without similarities). `best_scores`: the best lexical score of the other matches."""
    lexical = [scores / 100, coverage, (scores - best_scores) / 100]
    if similarity is None:
        return np.column_stack(lexical)
    lead = similarity - best_other_similarity
    return np.column_stack([
        *lexical,
        (similarity - SIMILARITY_CENTRE) * SIMILARITY_SCALE,
        lead * SIMILARITY_SCALE,
        (lexical_top & semantic_top).astype(np.float64),
    ])


def confidence(values: Sequence[float]) -> float:
    return confidences(np.array([values], dtype=np.float64))[0]


def confidences(table: Floats) -> list[float]:
    """The calibrated confidence of each row of features: the weights summed feature after
    feature, then the logistic (math.exp, as for one row)."""
    weights = calibration.COMBINED if table.shape[1] == len(FEATURES) else calibration.LEXICAL
    if len(weights) != table.shape[1] + 1:
        raise ValueError(f"{table.shape[1]} features for {len(weights) - 1} weights")
    z = np.zeros(len(table))
    for column, w in enumerate(weights[1:]):
        z = z + w * table[:, column]
    z = weights[0] + z
    return [1 / (1 + math.exp(-max(-30.0, min(30.0, v)))) for v in z.tolist()]


def weigh(
    matches: Sequence[Match],
    *,
    similarities: npt.NDArray[np.float32] | None,
    runner_up: Sequence[float],
    names: frozenset[str],
    judgement: bool,
) -> list[Considered]:
    """Every match (best lexical score first) with its features, veto and confidence, most
    confident first. `runner_up`: the two best similarities of all facts (each fact's lead is
    over the best other one)."""
    if not matches:
        return []
    scores = np.fromiter((m.score for m in matches), dtype=np.float64, count=len(matches))
    coverage = np.fromiter((m.coverage for m in matches), dtype=np.float64,
                           count=len(matches))
    best_scores = np.full(len(matches), scores[0])
    best_scores[0] = scores[1] if len(matches) > 1 else 0.0
    lexical_top = np.zeros(len(matches), dtype=bool)
    lexical_top[0] = True
    similarity: Floats | None = None
    semantic_top = np.zeros(len(matches), dtype=bool)
    other = np.zeros(len(matches))
    if similarities is not None:
        positions = np.fromiter((m.position for m in matches), dtype=np.int64,
                                count=len(matches))
        similarity = similarities[positions].astype(np.float64)
        semantic_top = similarity >= runner_up[0]
        other = np.where(semantic_top, runner_up[1], runner_up[0])
    table = feature_table(scores, coverage, best_scores=best_scores, similarity=similarity,
                          best_other_similarity=other, lexical_top=lexical_top,
                          semantic_top=semantic_top)
    sims: list[float | None] = ([None] * len(matches) if similarity is None
                                else similarity.tolist())
    out = [
        Considered(m.position, m, sim, tuple(row), veto(m, names, judgement=judgement), c)
        for m, sim, row, c in zip(matches, sims, table.tolist(), confidences(table), strict=True)
    ]
    out.sort(key=lambda c: (-c.confidence, c.match.fact.id))
    return out
