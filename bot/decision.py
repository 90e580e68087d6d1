"""From the signals about one fact to one calibrated confidence, and from there to an outcome.

Each fact considered for a question gets a few features: the lexical score and coverage, how
far ahead of the runner-up it is lexically, the semantic similarity and its lead. A logistic
model (weights in bot/calibration.py, fitted by `citebot fit`) turns them into a confidence in
[0, 1]. The lexical evidence keeps a veto: a number, a name, a figure or a reason asked for
that the fact does not give is never answered, however close the meaning.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NamedTuple

from bot import calibration
from bot.matching import Match, numbers_unexplained

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

# The semantic model's similarities sit in a narrow band; centred and scaled to about unit size.
SIMILARITY_CENTRE = 0.85
SIMILARITY_SCALE = 10.0

FEATURES = ("score", "coverage", "score_lead", "similarity", "similarity_lead", "both_top")
LEXICAL_FEATURES = FEATURES[:3]


class Considered(NamedTuple):
    """One fact weighed for one question (a named tuple, as `Match`: several per question)."""

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
    """One match's features: FEATURES, or LEXICAL_FEATURES without a similarity.
    `best_score`: the best lexical score of the other matches."""
    lexical = (match.score / 100, match.coverage, (match.score - best_score) / 100)
    if similarity is None:
        return lexical
    lead = similarity - (best_other_similarity or 0.0)
    return (
        *lexical,
        (similarity - SIMILARITY_CENTRE) * SIMILARITY_SCALE,
        lead * SIMILARITY_SCALE,
        1.0 if lexical_top and semantic_top else 0.0,
    )


def confidence(values: Sequence[float]) -> float:
    """The calibrated confidence of one match's features: the weights summed feature after
    feature, then the logistic."""
    weights = _WEIGHTS.get(len(values))
    if weights is None:
        raise ValueError(f"{len(values)} features: the model has weights for "
                         f"{' or '.join(map(str, _WEIGHTS))}")
    z = 0.0
    for w, x in zip(weights[1:], values, strict=True):
        z += w * x
    z = weights[0] + z
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


# The model's weights (intercept first) by number of features, checked once.
_WEIGHTS = {len(FEATURES): calibration.COMBINED, len(LEXICAL_FEATURES): calibration.LEXICAL}
if any(len(weights) != n + 1 for n, weights in _WEIGHTS.items()):
    raise ValueError("bot/calibration.py: not one weight per feature (run `citebot fit`)")


def weigh(
    matches: Sequence[Match],
    *,
    similarities: npt.NDArray[np.float32] | None,
    runner_up: Sequence[float],
    names: frozenset[str],
    judgement: bool,
    singles_out: Callable[[Match], str | None] | None = None,
) -> list[Considered]:
    """Every match (best lexical score first) with its features, veto and confidence, most
    confident first. `runner_up`: the two best similarities of all facts (each fact's lead is
    over the best other one). `singles_out`: a further veto (bot/identity), given every
    match: it decides itself what a question the fact's alternates explain (score 100) may
    still ask beyond them."""
    if not matches:
        return []
    # A few matches, a few features each: plain floats, cheaper than arrays this small.
    best, second = matches[0].score, matches[1].score if len(matches) > 1 else 0.0
    out = []
    for rank, m in enumerate(matches):
        similarity = None if similarities is None else float(similarities[m.position])
        semantic_top = similarity is not None and similarity >= runner_up[0]
        values = features(
            m, best_score=second if rank == 0 else best, similarity=similarity,
            best_other_similarity=runner_up[1] if semantic_top else runner_up[0],
            lexical_top=rank == 0, semantic_top=semantic_top,
        )
        reason = veto(m, names, judgement=judgement)
        if reason is None and singles_out is not None:
            reason = singles_out(m)  # which, of the fact's own alternates, says itself
        out.append(Considered(m.position, m, similarity, values, reason, confidence(values)))
    out.sort(key=lambda c: (-c.confidence, c.match.fact.id))
    return out
