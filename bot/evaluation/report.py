"""Renders an Evaluation as text tables for people or as JSON for machines."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from bot.evaluation.metrics import Outcome, Summary, SweepPoint, Verdict, best_point
from bot.evaluation.runner import CITEBOT, Evaluation, SystemResult

# Baseline sweeps try every distinct score; the text shows this many rows of each.
SWEEP_ROWS = 12


def text_report(ev: Evaluation, *, header: str, mistakes: bool = False) -> str:
    parts = [header, "", _summary_table(ev)]
    citebot = ev.systems[0]
    if ev.split == "all" and len(citebot.by_split) > 1:
        parts += ["", _split_table(ev)]
    if len(citebot.by_language) > 1:
        parts += ["", _language_table(citebot)]
    parts += ["", _kind_table(ev), "", _confusion_table(citebot)]
    for knob, points in citebot.knob_sweeps.items():
        title = f"Sweep of `{knob}`, tune split ({CITEBOT}; other knobs as shipped)"
        parts += ["", _sweep_table(points, title, shipped=citebot.shipped.get(knob))]
    for system in ev.systems[1:]:
        title = f"Threshold sweep, tune split ({system.name}, {system.score_unit})"
        parts += ["", _sweep_table(system.sweep, title)]
    parts += ["", _typo_table(ev)]
    if mistakes:
        parts += ["", _mistakes(citebot)]
    if ev.notes:
        parts += ["", *(f"note: {n}" for n in ev.notes)]
    return "\n".join(parts) + "\n"


def json_report(ev: Evaluation, *, extra: dict[str, Any]) -> str:
    systems = []
    for system in ev.systems:
        systems.append(
            {
                "name": system.name,
                "threshold": system.threshold,
                "threshold_origin": system.threshold_origin,
                "score_unit": system.score_unit,
                "summary": asdict(system.summary),
                "by_split": {k: asdict(v) for k, v in system.by_split.items()},
                "by_language": {k: asdict(v) for k, v in system.by_language.items()},
                "kinds": [asdict(k) for k in system.kinds],
                "confusions": [asdict(c) for c in system.confusions],
                "sweep": [asdict(p) for p in system.sweep],
                "knob_sweeps": {
                    knob: [asdict(p) for p in points] for knob, points in system.knob_sweeps.items()
                },
                "shipped": system.shipped,
                "best_on_tune": asdict(system.best) if system.best else None,
                "latency_ms": {"median": system.latency_median_ms, "p95": system.latency_p95_ms},
                "build_seconds": system.build_seconds,
                "mistakes": [
                    _mistake(o) for o in system.outcomes if o.verdict is not Verdict.RIGHT
                ],
            }
        )
    body = {
        **extra,
        "split": ev.split,
        "questions": ev.questions,
        "tune_questions": ev.tune_questions,
        "systems": systems,
        "typos": [asdict(row) for row in ev.typos],
        "notes": list(ev.notes),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def _mistake(outcome: Outcome) -> dict[str, Any]:
    q, p = outcome.question, outcome.prediction
    return {
        "line": q.line,
        "q": q.q,
        "expect": q.expect,
        "kind": q.kind,
        "split": q.split,
        "verdict": outcome.verdict.value,
        "got": p.kind.value,
        "facts": list(p.facts),
        "suggestions": list(p.suggestions),
        "score": round(p.score, 2),
    }


def _summary_table(ev: Evaluation) -> str:
    rows: list[list[str]] = []

    def row(label: str, values: Sequence[str]) -> None:
        rows.append([label, *values])

    systems = ev.systems
    row("threshold", [f"{_num(s.threshold)} ({s.threshold_origin})" for s in systems])
    row(
        "answerable: right / n",
        [_frac(s.summary.answered_right, s.summary.answerable) for s in systems],
    )
    row("answerable accuracy", [_pct(s.summary.answer_accuracy) for s in systems])
    row("  wrong fact answered", [str(s.summary.wrong_answers) for s in systems])
    row(
        "  did-you-mean (close)",
        [f"{s.summary.did_you_mean} ({s.summary.did_you_mean_close})" for s in systems],
    )
    row(
        "answered or suggested",
        [_frac(s.summary.answered_or_suggested, s.summary.answerable) for s in systems],
    )
    row("answer precision", [_pct(s.summary.answer_precision) for s in systems])
    row("answered (coverage)", [_pct(s.summary.coverage) for s in systems])
    row("decline precision", [_pct(s.summary.decline_precision) for s in systems])
    row(
        "decline recall",
        [
            f"{_pct(s.summary.decline_recall)} "
            f"({_frac(s.summary.declines_right, s.summary.declines_expected)})"
            for s in systems
        ],
    )
    row("false answers", [str(s.summary.false_answers) for s in systems])
    row(
        "small talk right",
        [_frac(s.summary.small_talk_right, s.summary.small_talk_expected) for s in systems],
    )
    row("overall accuracy", [_pct(s.summary.overall_accuracy) for s in systems])
    row("latency median ms", [_ms(s.latency_median_ms) for s in systems])
    row("latency p95 ms", [_ms(s.latency_p95_ms) for s in systems])
    row("build s", [f"{s.build_seconds:.2f}" for s in systems])
    return _table(["", *(s.name for s in systems)], rows, title="Summary")


def _split_table(ev: Evaluation) -> str:
    rows = []
    for system in ev.systems:
        for split, s in system.by_split.items():
            rows.append([system.name, split, *_part_row(s)])
    headers = ["system", "part", *_PART_HEADERS]
    return _table(headers, rows, title="By part")


def _language_table(system: SystemResult) -> str:
    rows = [[lang, *_part_row(s)] for lang, s in system.by_language.items()]
    return _table(["language", *_PART_HEADERS], rows, title=f"By language ({system.name})")


_PART_HEADERS = ["n", "answered right", "answered or suggested", "wrong answers",
                 "declined right", "overall"]


def _part_row(s: Summary) -> list[str]:
    return [
        str(s.total),
        f"{_frac(s.answered_right, s.answerable)} {_pct(s.answer_accuracy)}",
        f"{_frac(s.answered_or_suggested, s.answerable)} {_pct(s.answered_or_suggested_rate)}",
        str(s.wrong_answers + s.false_answers),
        f"{_frac(s.declines_right, s.declines_expected)} {_pct(s.decline_recall)}",
        _pct(s.overall_accuracy),
    ]




def _kind_table(ev: Evaluation) -> str:
    citebot, others = ev.systems[0], ev.systems[1:]
    accuracy = {s.name: {k.kind: k.accuracy for k in s.kinds} for s in others}
    rows = []
    for k in sorted(citebot.kinds, key=lambda k: k.kind):
        rows.append(
            [
                k.kind,
                str(k.total),
                str(k.right),
                str(k.close),
                str(k.wrong),
                str(k.missed),
                _pct(k.accuracy),
                *(_pct(accuracy[s.name].get(k.kind)) for s in others),
            ]
        )
    headers = ["kind", "n", "right", "close", "wrong", "missed", CITEBOT, *(s.name for s in others)]
    title = "By kind (citebot detail; accuracy per system)"
    return _table(headers, rows, title=title)


def _confusion_table(system: SystemResult) -> str:
    if not system.confusions:
        return f"Most confused ({system.name}): none"
    rows = [[c.expected, c.got, str(c.count)] for c in system.confusions]
    return _table(["expected", "answered", "n"], rows, title=f"Most confused ({system.name})")


def _sweep_table(points: Sequence[SweepPoint], title: str, *, shipped: float | None = None) -> str:
    best = best_point(points) if points else None
    rows = []
    for p in _thin(points, best, shipped):
        marks = []
        if p is best:
            marks.append("best on tune")
        if shipped is not None and abs(p.threshold - shipped) < 1e-9:  # float grid
            marks.append("shipped")
        rows.append(
            [
                _num(p.threshold),
                _pct(p.coverage),
                _pct(p.precision),
                _pct(p.answer_accuracy),
                _pct(p.decline_recall),
                _pct(p.overall_accuracy),
                ", ".join(marks),
            ]
        )
    headers = ["threshold", "answered", "precision", "answerable acc", "decline rec", "overall", ""]
    return _table(headers, rows, title=title, left={0, 6})


def _thin(
    points: Sequence[SweepPoint], best: SweepPoint | None, shipped: float | None
) -> list[SweepPoint]:
    """About SWEEP_ROWS evenly spaced rows, always with the first, the last, best and shipped."""
    if len(points) <= SWEEP_ROWS * 2:
        return list(points)
    step = len(points) / SWEEP_ROWS
    keep = {int(i * step) for i in range(SWEEP_ROWS)} | {len(points) - 1}
    if best is not None:
        keep.add(points.index(best))
    if shipped is not None:
        keep |= {i for i, p in enumerate(points) if abs(p.threshold - shipped) < 1e-9}
    return [points[i] for i in sorted(keep)]


def _typo_table(ev: Evaluation) -> str:
    names = [s.name for s in ev.systems]
    rows = [
        [str(r.edits), str(r.questions), *(_pct(r.accuracy.get(n)) for n in names)]
        for r in ev.typos
    ]
    title = "Typo robustness: answerable accuracy with n random letter edits per question"
    return _table(["edits", "n", *names], rows, title=title)


def _mistakes(system: SystemResult) -> str:
    rows = []
    for o in system.outcomes:
        if o.verdict is Verdict.RIGHT:
            continue
        got = o.prediction.kind.value
        if o.prediction.facts:
            got += f" {o.prediction.facts[0]}"
        elif o.prediction.suggestions:
            got += f" [{', '.join(o.prediction.suggestions)}]"
        rows.append(
            [
                str(o.question.line),
                o.verdict.value,
                o.question.expect,
                got,
                f"{o.prediction.score:.0f}",
                o.question.q[:60],
            ]
        )
    headers = ["line", "verdict", "expected", "got", "score", "question"]
    return _table(headers, rows, title=f"Not right ({system.name})", left={0, 1, 2, 3, 5})


def _table(
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    title: str,
    left: frozenset[int] | set[int] = frozenset({0}),
) -> str:
    """Columns in `left` (labels, text) are left-aligned; figures are right-aligned."""
    widths = [max(len(c) for c in col) for col in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        out = [
            c.ljust(w) if i in left else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    rule = "-" * len(line(headers))
    return "\n".join([title, line(headers), rule, *(line(r) for r in rows)])


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _frac(part: int, whole: int) -> str:
    return f"{part}/{whole}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def _num(value: float) -> str:
    return f"{value:g}" if abs(value) >= 1 or value == 0 else f"{value:.3f}"
