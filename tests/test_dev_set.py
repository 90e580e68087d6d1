"""Accuracy on the dev question set must not fall below the level reached (see README)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.engine import Engine
from bot.model import Kind

DEV_SET = Path(__file__).resolve().parent / "dev_questions.yaml"
# (split, answered right, declined right, small talk right): the level reached when the
# thresholds were chosen, rounded down a little so that an unrelated edit does not trip it.
FLOORS = [("tune", 0.90, 0.85, 1.0), ("holdout", 0.72, 0.88, 1.0)]


def _right(engine: Engine, question: str, expect: str) -> bool:
    reply = engine.answer(question)
    if expect == "decline":
        return reply.kind is Kind.DECLINE
    if expect == "small_talk":
        return reply.kind is Kind.SMALL_TALK
    return reply.kind is Kind.ANSWER and reply.fact is not None and reply.fact.id == expect


@pytest.mark.parametrize(("split", "answers", "declines", "talk"), FLOORS)
def test_dev_set_accuracy_floor(shipped_engine: Engine, split: str, answers: float,
                                declines: float, talk: float) -> None:
    questions = [q for q in yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["questions"]
                 if q["split"] == split]
    groups: dict[str, list[bool]] = {"answer": [], "decline": [], "small_talk": []}
    for q in questions:
        group = q["expect"] if q["expect"] in ("decline", "small_talk") else "answer"
        groups[group].append(_right(shipped_engine, q["q"], q["expect"]))
    rate = {g: sum(v) / len(v) for g, v in groups.items()}
    assert rate["answer"] >= answers, rate
    assert rate["decline"] >= declines, rate
    assert rate["small_talk"] >= talk, rate


def test_dev_set_is_well_formed() -> None:
    questions = yaml.safe_load(DEV_SET.read_text(encoding="utf-8"))["questions"]
    assert len(questions) >= 150
    holdout = [q for q in questions if q["split"] == "holdout"]
    assert abs(len(holdout) - len(questions) / 3) < 2
