"""Scoring of replies against expectations. Pure functions over values: no engine, no I/O."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from bot.evaluation.questions import DECLINE, SMALL_TALK, Question
from bot.model import Kind


@dataclass(frozen=True)
class Prediction:
    """What one system replied to one question, reduced to what scoring needs."""

    kind: Kind
    facts: tuple[str, ...] = ()  # a baseline's sentence may stand for several
    score: float = 0.0
    suggestions: tuple[str, ...] = ()  # fact ids offered by a did-you-mean
    seconds: float = 0.0


@dataclass(frozen=True)
class Candidate:
    """A retrieval system's best guess before any threshold: answered when score >= threshold."""

    facts: tuple[str, ...]
    score: float
    seconds: float = 0.0


class Verdict(StrEnum):
    RIGHT = "right"
    CLOSE = "close"  # a did-you-mean that offers the expected fact: helpful, but not right
    WRONG = "wrong"  # an answer that is not the expected one: the costly error
    MISSED = "missed"  # no answer where one was expected, or the wrong kind of non-answer


@dataclass(frozen=True)
class Outcome:
    question: Question
    prediction: Prediction
    verdict: Verdict


@dataclass(frozen=True)
class Summary:
    total: int
    answerable: int
    answered_right: int
    answer_accuracy: float | None  # right answers / answerable questions
    answers_given: int
    answer_precision: float | None  # right answers / answers given (any question)
    coverage: float | None  # answers given / all questions
    wrong_answers: int  # another fact, on an answerable question
    false_answers: int  # any answer, on a question expecting decline or small talk
    declines_expected: int
    declines_given: int
    declines_right: int
    decline_precision: float | None
    decline_recall: float | None
    small_talk_expected: int
    small_talk_right: int
    did_you_mean: int
    did_you_mean_close: int
    answered_or_suggested: int  # answerable questions whose facts were answered or offered
    answered_or_suggested_rate: float | None
    overall_right: int
    overall_accuracy: float | None


@dataclass(frozen=True)
class KindRow:
    kind: str
    total: int
    right: int
    close: int
    wrong: int
    missed: int
    accuracy: float | None


@dataclass(frozen=True)
class Confusion:
    expected: str  # a fact id, or DECLINE / SMALL_TALK for a false answer
    got: str
    count: int


@dataclass(frozen=True)
class SweepPoint:
    threshold: float
    coverage: float | None
    precision: float | None
    answer_accuracy: float | None
    decline_recall: float | None
    overall_accuracy: float | None


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def verdict(
    question: Question, prediction: Prediction, *, decline_for_small_talk: bool = False
) -> Verdict:
    """`decline_for_small_talk`: for systems without small talk (baselines) a decline is right."""
    kind = prediction.kind
    if question.answerable:
        wanted = set(question.facts)
        if kind is Kind.ANSWER:
            given = set(prediction.facts)
            if len(wanted) == 1:  # a baseline's sentence may stand for several facts
                return Verdict.RIGHT if wanted <= given else Verdict.WRONG
            if given - wanted:
                return Verdict.WRONG
            if given == wanted:
                return Verdict.RIGHT
        if kind is not Kind.SMALL_TALK and suggested(question, prediction):
            return Verdict.CLOSE
        return Verdict.MISSED
    if kind is Kind.ANSWER:
        return Verdict.WRONG
    wanted = {Kind.DECLINE} if question.expect == DECLINE else {Kind.SMALL_TALK}
    if question.expect == SMALL_TALK and decline_for_small_talk:
        wanted.add(Kind.DECLINE)
    return Verdict.RIGHT if kind in wanted else Verdict.MISSED


def suggested(question: Question, prediction: Prediction) -> bool:
    """Every expected fact is answered or offered (a did-you-mean, a decline's nearest facts)."""
    return set(question.facts) <= {*prediction.facts, *prediction.suggestions}


def judge(
    questions: Sequence[Question],
    predictions: Sequence[Prediction],
    *,
    decline_for_small_talk: bool = False,
) -> tuple[Outcome, ...]:
    if len(questions) != len(predictions):
        raise ValueError(f"{len(questions)} questions but {len(predictions)} predictions")
    return tuple(
        Outcome(q, p, verdict(q, p, decline_for_small_talk=decline_for_small_talk))
        for q, p in zip(questions, predictions, strict=True)
    )


def summarize(outcomes: Sequence[Outcome]) -> Summary:
    answerable = [o for o in outcomes if o.question.answerable]
    answered = [o for o in outcomes if o.prediction.kind is Kind.ANSWER]
    right_answers = sum(o.verdict is Verdict.RIGHT for o in answerable)
    decline_expected = [o for o in outcomes if o.question.expect == DECLINE]
    declines_given = [o for o in outcomes if o.prediction.kind is Kind.DECLINE]
    declines_right = sum(o.prediction.kind is Kind.DECLINE for o in decline_expected)
    small_talk = [o for o in outcomes if o.question.expect == SMALL_TALK]
    dym = [o for o in outcomes if o.prediction.kind is Kind.DID_YOU_MEAN]
    overall_right = sum(o.verdict is Verdict.RIGHT for o in outcomes)
    near = sum(o.verdict is Verdict.RIGHT or o.verdict is Verdict.CLOSE for o in answerable)
    return Summary(
        total=len(outcomes),
        answerable=len(answerable),
        answered_right=right_answers,
        answer_accuracy=ratio(right_answers, len(answerable)),
        answers_given=len(answered),
        answer_precision=ratio(right_answers, len(answered)),
        coverage=ratio(len(answered), len(outcomes)),
        wrong_answers=sum(o.verdict is Verdict.WRONG for o in answerable),
        false_answers=sum(not o.question.answerable for o in answered),
        declines_expected=len(decline_expected),
        declines_given=len(declines_given),
        declines_right=declines_right,
        decline_precision=ratio(declines_right, len(declines_given)),
        decline_recall=ratio(declines_right, len(decline_expected)),
        small_talk_expected=len(small_talk),
        small_talk_right=sum(o.verdict is Verdict.RIGHT for o in small_talk),
        did_you_mean=len(dym),
        did_you_mean_close=sum(o.verdict is Verdict.CLOSE for o in dym),
        answered_or_suggested=near,
        answered_or_suggested_rate=ratio(near, len(answerable)),
        overall_right=overall_right,
        overall_accuracy=ratio(overall_right, len(outcomes)),
    )


def by_kind(outcomes: Sequence[Outcome]) -> tuple[KindRow, ...]:
    groups: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault(outcome.question.kind, []).append(outcome)
    rows = []
    for kind, group in groups.items():
        counts = Counter(o.verdict for o in group)
        rows.append(
            KindRow(
                kind=kind,
                total=len(group),
                right=counts[Verdict.RIGHT],
                close=counts[Verdict.CLOSE],
                wrong=counts[Verdict.WRONG],
                missed=counts[Verdict.MISSED],
                accuracy=ratio(counts[Verdict.RIGHT], len(group)),
            )
        )
    return tuple(rows)


def confusions(outcomes: Iterable[Outcome], limit: int = 10) -> tuple[Confusion, ...]:
    """Expected → answered pairs of wrong answers, most frequent first."""
    pairs: Counter[tuple[str, str]] = Counter()
    for outcome in outcomes:
        if outcome.verdict is Verdict.WRONG:
            got = outcome.prediction.facts[0] if outcome.prediction.facts else "(uncited sentence)"
            pairs[(outcome.question.expect, got)] += 1
    ranked = sorted(pairs.items(), key=lambda item: (-item[1], item[0]))
    return tuple(Confusion(expected, got, n) for (expected, got), n in ranked[:limit])


def decide(candidate: Candidate, threshold: float) -> Prediction:
    """A retrieval baseline answers with its best sentence's facts, or declines below threshold."""
    if candidate.score >= threshold:
        return Prediction(Kind.ANSWER, candidate.facts, candidate.score, seconds=candidate.seconds)
    return Prediction(Kind.DECLINE, (), candidate.score, seconds=candidate.seconds)


def sweep_point(threshold: float, outcomes: Sequence[Outcome]) -> SweepPoint:
    s = summarize(outcomes)
    return SweepPoint(
        threshold=threshold,
        coverage=s.coverage,
        precision=s.answer_precision,
        answer_accuracy=s.answer_accuracy,
        decline_recall=s.decline_recall,
        overall_accuracy=s.overall_accuracy,
    )


def sweep_candidates(
    questions: Sequence[Question],
    candidates: Sequence[Candidate],
    thresholds: Iterable[float],
    *,
    decline_for_small_talk: bool = True,
) -> tuple[SweepPoint, ...]:
    points = []
    for threshold in thresholds:
        predictions = [decide(c, threshold) for c in candidates]
        outcomes = judge(questions, predictions, decline_for_small_talk=decline_for_small_talk)
        points.append(sweep_point(threshold, outcomes))
    return tuple(points)


def candidate_thresholds(candidates: Iterable[Candidate]) -> tuple[float, ...]:
    """Every threshold that changes a decision, each halfway between two observed scores.

    Halfway, so that no tune question sits exactly on the chosen threshold.
    """
    scores = sorted({c.score for c in candidates})
    if not scores:
        return (0.0,)
    middles = [(a + b) / 2 for a, b in pairwise(scores)]
    return (scores[0] - 1.0, *middles, scores[-1] + 1.0)


def best_point(points: Sequence[SweepPoint]) -> SweepPoint:
    """Highest overall accuracy, then precision; among equals the middle threshold of the run.

    The middle keeps the chosen threshold away from both edges of the plateau, so a question
    scoring a point differently does not flip it.
    """
    if not points:
        raise ValueError("no sweep points")

    def key(p: SweepPoint) -> tuple[float, float]:
        return (p.overall_accuracy or 0.0, p.precision or 0.0)

    top = max(key(p) for p in points)
    tied = sorted((p for p in points if key(p) == top), key=lambda p: p.threshold)
    return tied[(len(tied) - 1) // 2]


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 50)


def percentile(values: Sequence[float], pct: float) -> float | None:
    """Linear-interpolated percentile (numpy's default), None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)
