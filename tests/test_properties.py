"""Properties over any input (hypothesis): the engine always gives a valid Reply; what the
Telegram front-end sends is HTML Telegram accepts, within its size limits; callback data
fits in 64 bytes; the JSON renderer's output always parses, as one line of UTF-8."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from telegram import InlineKeyboardMarkup, InputTextMessageContent
from telegram_fixtures import telegram_html_text

from bot.engine import Engine
from bot.model import Citation, Kind, KnowledgeBase, Reply, Suggestion
from bot.render.jsonl import render_json
from bot.render.telegram_html import MAX_MESSAGE_CHARS, render_html
from bot.telegram import keyboards, messages

PROPERTY = settings(max_examples=120, deadline=None)

# Every code point, lone surrogates and control characters included: Telegram's JSON may carry
# "\ud800", and people paste anything.
any_char = st.characters(codec=None, blacklist_categories=())
TRICKY = [
    "", " ", "\n", "<", "&", "&amp;", "<b>bold</b>", "</blockquote>", "\u2028", "\u2029", "\x85",
    "\ufdfa" * 300, "\ud800", "@citebot_test_bot", "/start", "é" * 4097, "a" * 5000,
    "free trade zone " * 100, "\x00", "😀" * 2100,
]
questions = st.one_of(
    st.text(any_char, max_size=300),
    st.sampled_from(TRICKY),
    st.text(st.sampled_from("<>&\"'; \n\tabFTZ\u2028é😀"), max_size=2000),
    st.lists(st.sampled_from(["free", "trade", "zone", "Xinjiang", "how", "big", "?", "\ufdfa"]),
             max_size=400).map(" ".join),
)


def _check_message(text: str) -> None:
    assert len(text) <= MAX_MESSAGE_CHARS
    telegram_html_text(text)


def _check_keyboard(keyboard: InlineKeyboardMarkup | None) -> None:
    for row in keyboard.inline_keyboard if keyboard is not None else ():
        for button in row:
            data = button.callback_data
            assert isinstance(data, str)
            assert 1 <= len(data.encode("utf-8")) <= 64
            assert keyboards.parse_callback(data) is not None


@PROPERTY
@given(question=questions)
def test_any_question_gets_a_valid_reply_and_valid_telegram_messages(
    real_engine: Engine, real_kb: KnowledgeBase, question: str
) -> None:
    reply = real_engine.answer(question)
    assert isinstance(reply, Reply)
    assert isinstance(reply.kind, Kind)
    assert reply.text.strip()
    if reply.kind is Kind.ANSWER:
        assert reply.fact is not None
        assert reply.citations
        assert reply.source is not None
    outgoing = messages.for_reply(reply, real_kb)
    assert outgoing
    for out in outgoing:
        _check_message(out.text)
        _check_keyboard(out.keyboard)


@PROPERTY
@given(question=questions)
def test_inline_results_are_valid_for_any_query(real_engine: Engine, question: str) -> None:
    for result in messages.inline_results(real_engine.inline_answers(question, limit=3)):
        assert 1 <= len(result.id.encode("utf-8")) <= 64
        content = result.input_message_content
        assert isinstance(content, InputTextMessageContent)
        _check_message(content.message_text)


def _squeezed(markup: str) -> str:
    return "".join(telegram_html_text(markup).split())


@PROPERTY
@given(
    text=st.text(any_char, max_size=3000),
    quotes=st.lists(st.text(any_char, min_size=1, max_size=6000), min_size=1, max_size=3),
    question=st.text(any_char, max_size=200),
)
def test_any_answer_text_renders_to_messages_that_keep_every_word(
    real_kb: KnowledgeBase, text: str, quotes: list[str], question: str
) -> None:
    """Whatever a knowledge base says (long quotes, markup-like text), each message is valid
    and the messages together say everything the unsplit reply says."""
    fact = real_kb.facts[0]
    reply = Reply(
        Kind.ANSWER, question, text or "x", fact=fact,
        citations=tuple(Citation(fact.citations[0].source, q, paragraph=1) for q in quotes),
        source=real_kb.sources[0],
        related=(Suggestion(fact.id, question or "q"),),
    )
    outgoing = messages.for_reply(reply, real_kb)
    for out in outgoing:
        _check_message(out.text)
    assert all(out.keyboard is None for out in outgoing[:-1])
    assert "".join(_squeezed(out.text) for out in outgoing) == _squeezed(render_html(reply))


def _utf8_size(text: str) -> float:
    """Bytes of UTF-8; infinite for text that has none (a lone surrogate)."""
    try:
        return len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return float("inf")


@PROPERTY
@given(ids=st.lists(st.text(any_char, min_size=1, max_size=80), max_size=8),
       label=st.text(any_char, max_size=200))
def test_callback_data_fits_in_64_bytes_and_parses_back(ids: list[str], label: str) -> None:
    keyboard = keyboards.suggestions_keyboard(Suggestion(i, label) for i in ids)
    _check_keyboard(keyboard)
    rows = keyboard.inline_keyboard if keyboard is not None else ()
    kept = [keyboards.parse_callback(str(row[0].callback_data)) for row in rows]
    fitting = [i for i in ids if _utf8_size(keyboards.fact_data(i)) <= 64]
    assert [c.id for c in kept if c is not None] == fitting


@PROPERTY
@given(question=questions)
def test_json_output_always_parses_as_one_utf8_line(real_engine: Engine, question: str) -> None:
    line = render_json(real_engine.answer(question))
    assert len(line.splitlines()) == 1  # U+2028, U+0085... would split it for line readers
    line.encode("utf-8")  # no lone surrogates
    data = json.loads(line)
    assert isinstance(data, dict)
    assert data["kind"] in {k.value for k in Kind}
