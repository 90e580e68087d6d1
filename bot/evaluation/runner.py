"""Runs citebot and the baselines over a question set and gathers everything the report shows."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from time import perf_counter
from typing import Any

from bot.engine import Engine
from bot.evaluation import metrics
from bot.evaluation.baselines import Baseline, build_baselines
from bot.evaluation.metrics import Candidate, Outcome, Prediction, SweepPoint
from bot.evaluation.questions import Question
from bot.evaluation.typos import add_typos
from bot.model import KnowledgeBase, Reply
from bot.thresholds import Thresholds

CITEBOT = "citebot"
# Values tried for citebot's knobs: `answer` is the score threshold (0-100); `coverage` (0-1)
# gates answers too, so the sweep shows it as well or the answer sweep alone can look flat.
ENGINE_SWEEPS: dict[str, tuple[float, ...]] = {
    "answer_confidence": tuple(t / 100 for t in range(5, 100, 5)),
    "meaning_coverage": tuple(t / 100 for t in range(0, 101, 10)),
}
TYPO_EDITS = (0, 1, 2, 3)


@dataclass(frozen=True)
class SystemResult:
    name: str
    threshold: float
    threshold_origin: str  # "shipped" for citebot's own, "best on tune" for a baseline's
    score_unit: str
    outcomes: tuple[Outcome, ...]
    summary: metrics.Summary
    by_split: dict[str, metrics.Summary]
    by_language: dict[str, metrics.Summary]  # "en" and each other language, all parts together
    kinds: tuple[metrics.KindRow, ...]
    confusions: tuple[metrics.Confusion, ...]
    sweep: tuple[SweepPoint, ...]  # of the main threshold, on the tune split
    best: SweepPoint | None
    knob_sweeps: dict[str, tuple[SweepPoint, ...]]  # citebot: each knob swept, by field name
    shipped: dict[str, float]  # citebot: those knobs' shipped values
    latency_median_ms: float | None
    latency_p95_ms: float | None
    build_seconds: float


@dataclass(frozen=True)
class TypoRow:
    edits: int
    questions: int
    accuracy: dict[str, float | None]  # system name → accuracy on answerable questions


@dataclass(frozen=True)
class Evaluation:
    split: str
    questions: int
    tune_questions: int
    systems: tuple[SystemResult, ...]
    typos: tuple[TypoRow, ...]
    notes: tuple[str, ...]


def select(questions: Sequence[Question], split: str) -> tuple[Question, ...]:
    return tuple(q for q in questions if split == "all" or q.split == split)


def predict(reply: Reply, seconds: float = 0.0) -> Prediction:
    parts = reply.parts or (reply,)
    return Prediction(
        kind=reply.kind,
        facts=tuple(p.fact.id for p in parts if p.answered and p.fact is not None),
        score=reply.score,
        suggestions=tuple(s.fact for p in parts for s in p.suggestions),
        seconds=seconds,
    )


def run_engine(engine: Engine, texts: Sequence[str]) -> tuple[Prediction, ...]:
    predictions = []
    for text in texts:
        started = perf_counter()
        reply = engine.answer(text)
        predictions.append(predict(reply, perf_counter() - started))
    return tuple(predictions)


def with_knob(thresholds: Thresholds, knob: str, value: float) -> Thresholds:
    if knob == "answer_confidence":
        # Below `suggest` the answer threshold would never be reached: lower suggest with it.
        return replace(thresholds, answer_confidence=value,
                       suggest_confidence=min(thresholds.suggest_confidence, value))
    changes: dict[str, Any] = {knob: value}
    return replace(thresholds, **changes)


def sweep_engine(engine: Engine, tune: Sequence[Question], knob: str) -> tuple[SweepPoint, ...]:
    """The tune split answered with one knob changed; the word list and the vectors are shared,
    and each question is embedded once for the whole sweep."""
    texts = [q.q for q in tune]
    points = []
    semantic = engine.semantic
    if semantic is not None:
        seen: dict[tuple[str, ...], Any] = {}
        embed = semantic.embed

        def remembered(batch: Sequence[str]) -> Any:
            key = tuple(batch)
            if key not in seen:
                seen[key] = embed(batch)
            return seen[key]

        semantic = replace(semantic, embed=remembered)
    shipped = float(getattr(engine.thresholds, knob))
    for value in sorted({*ENGINE_SWEEPS[knob], shipped}):
        trial = Engine(engine.kb, thresholds=with_knob(engine.thresholds, knob, value),
                       english=engine.index.english, common=engine.index.common,
                       semantic=semantic)
        points.append(metrics.sweep_point(value, metrics.judge(tune, run_engine(trial, texts))))
    return tuple(points)


def evaluate(
    kb: KnowledgeBase,
    questions: Sequence[Question],
    *,
    split: str = "all",
    engine: Engine | None = None,
    baselines: bool = False,
    sweeps: bool = False,
    typos: bool = False,
    seed: int = 0,
) -> Evaluation:
    """`engine`: the one to judge (default: a lexical engine on `kb`, as in small tests).
    Sweeps and the typo curve answer the questions many times over: only when asked."""
    chosen = select(questions, split)
    # Thresholds are always chosen on the tune split, whatever split is reported.
    tune = select(questions, "tune") or chosen
    started = perf_counter()
    engine = engine or Engine(kb)
    build = perf_counter() - started
    systems = [_citebot(engine, chosen, tune, build, sweeps=sweeps)]
    notes: list[str] = []
    answerers: dict[str, Callable[[str], Prediction]] = {
        CITEBOT: lambda text: predict(engine.answer(text))
    }
    if baselines:
        built, skipped = build_baselines(kb)
        notes.extend(skipped)
        for baseline in built:
            result = _baseline(baseline, chosen, tune)
            systems.append(result)
            answerers[baseline.name] = _deciding(baseline, result.threshold)
        if built:
            notes.append(
                "baselines answer with the facts citing their best sentence (right when the "
                "expected fact is among them) and cannot do small talk, so a decline counts "
                "as right there"
            )
    return Evaluation(
        split=split,
        questions=len(chosen),
        tune_questions=len(tune),
        systems=tuple(systems),
        typos=typo_curve(chosen, answerers, seed=seed) if typos else (),
        notes=tuple(notes),
    )


def typo_curve(
    questions: Sequence[Question],
    answerers: dict[str, Callable[[str], Prediction]],
    *,
    seed: int = 0,
    edits: Sequence[int] = TYPO_EDITS,
) -> tuple[TypoRow, ...]:
    """Accuracy on the answerable questions with n seeded random letter edits each.

    Each question has its own generator, seeded by (seed, line), so n + 1 edits extend the same
    n edits and one question's typos do not depend on the others.
    """
    answerable = [q for q in questions if q.answerable]
    rows = []
    for n in edits:
        texts = [add_typos(q.q, n, random.Random(f"{seed}:{q.line}:{q.q}")) for q in answerable]
        accuracy: dict[str, float | None] = {}
        for name, answer in answerers.items():
            predictions = [answer(text) for text in texts]
            outcomes = metrics.judge(answerable, predictions)
            accuracy[name] = metrics.summarize(outcomes).answer_accuracy
        rows.append(TypoRow(n, len(answerable), accuracy))
    return tuple(rows)


def _citebot(
    engine: Engine, chosen: Sequence[Question], tune: Sequence[Question], build: float,
    *, sweeps: bool,
) -> SystemResult:
    predictions = run_engine(engine, [q.q for q in chosen])
    thresholds = engine.thresholds
    swept = {knob: sweep_engine(engine, tune, knob) for knob in ENGINE_SWEEPS} if sweeps else {}
    return _result(
        CITEBOT,
        thresholds.answer_confidence,
        "shipped",
        "confidence 0-1",
        metrics.judge(chosen, predictions),
        swept.get("answer_confidence", ()),
        build,
        swept,
        {knob: float(getattr(thresholds, knob)) for knob in ENGINE_SWEEPS},
    )


def _baseline(
    baseline: Baseline, chosen: Sequence[Question], tune: Sequence[Question]
) -> SystemResult:
    cache: dict[str, Candidate] = {}
    for question in (*chosen, *tune):
        if question.q not in cache:
            cache[question.q] = baseline.candidate(question.q)
    tune_candidates = [cache[q.q] for q in tune]
    sweep = metrics.sweep_candidates(
        tune, tune_candidates, metrics.candidate_thresholds(tune_candidates)
    )
    best = metrics.best_point(sweep)
    predictions = [metrics.decide(cache[q.q], best.threshold) for q in chosen]
    outcomes = metrics.judge(chosen, predictions, decline_for_small_talk=True)
    return _result(
        baseline.name,
        best.threshold,
        "best on tune",
        baseline.score_unit,
        outcomes,
        sweep,
        baseline.build_seconds,
    )


def _result(
    name: str,
    threshold: float,
    origin: str,
    unit: str,
    outcomes: tuple[Outcome, ...],
    sweep: tuple[SweepPoint, ...],
    build_seconds: float,
    knob_sweeps: dict[str, tuple[SweepPoint, ...]] | None = None,
    shipped: dict[str, float] | None = None,
) -> SystemResult:
    splits: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        splits.setdefault(outcome.question.split, []).append(outcome)
    latencies = [o.prediction.seconds * 1000 for o in outcomes]
    return SystemResult(
        name=name,
        threshold=threshold,
        threshold_origin=origin,
        score_unit=unit,
        outcomes=outcomes,
        summary=metrics.summarize(outcomes),
        by_split={s: metrics.summarize(group) for s, group in sorted(splits.items())},
        by_language={
            lang: metrics.summarize([o for o in outcomes if o.question.lang == lang])
            for lang in sorted({o.question.lang for o in outcomes})
        },
        kinds=metrics.by_kind(outcomes),
        confusions=metrics.confusions(outcomes),
        sweep=sweep,
        best=metrics.best_point(sweep) if sweep else None,
        knob_sweeps=knob_sweeps or {},
        shipped=shipped or {},
        latency_median_ms=metrics.median(latencies),
        latency_p95_ms=metrics.percentile(latencies, 95),
        build_seconds=build_seconds,
    )


def _deciding(baseline: Baseline, threshold: float) -> Callable[[str], Prediction]:
    return lambda text: metrics.decide(baseline.candidate(text), threshold)
