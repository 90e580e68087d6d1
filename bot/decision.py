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

from bot import calibration
from bot.matching import Match, numbers_unexplained

# The semantic model's similarities sit in a narrow band; centred and scaled to about unit size.
SIMILARITY_CENTRE = 0.85
SIMILARITY_SCALE = 10.0

FEATURES = ("score", "coverage", "score_lead", "similarity", "similarity_lead", "both_top")
LEXICAL_FEATURES = FEATURES[:3]


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
    """The lexical reason this fact cannot be the answer, if there is one. `names`: names and
    places of the question; one that the fact does not mention means another subject."""
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
    if names & set(match.unexplained):
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
    lexical = (match.score / 100, match.coverage, (match.score - best_score) / 100)
    if similarity is None:
        return lexical
    lead = similarity - (best_other_similarity if best_other_similarity is not None else 0.0)
    return (
        *lexical,
        (similarity - SIMILARITY_CENTRE) * SIMILARITY_SCALE,
        lead * SIMILARITY_SCALE,
        1.0 if lexical_top and semantic_top else 0.0,
    )


def confidence(values: Sequence[float]) -> float:
    weights = calibration.COMBINED if len(values) == len(FEATURES) else calibration.LEXICAL
    z = weights[0] + sum(w * x for w, x in zip(weights[1:], values, strict=True))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
