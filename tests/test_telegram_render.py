"""Telegram HTML rendering and message splitting."""

from __future__ import annotations

import re

import pytest
from telegram_fixtures import telegram_html_text, tiny_kb

from bot.config import default_kb_path
from bot.engine import Engine
from bot.loader import load_knowledge
from bot.model import Citation, Kind, Reply, Source, Speaker
from bot.render.telegram_html import render_html, split_html


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(tiny_kb())


def test_answer_has_text_quote_paragraph_and_source_link(engine: Engine) -> None:
    reply = engine.answer_fact("bridge-opened")
    assert reply is not None
    markup = render_html(reply)
    text = telegram_html_text(markup)
    assert text.startswith("Northport opened a new suspension bridge in 2023.")
    assert re.search(
        r"<blockquote>“Northport opened a new suspension bridge in 2023” \(¶1\)</blockquote>",
        markup,
    )
    assert "The article says:" in text
    assert '<a href="https://example.com/news?id=1&amp;lang=en">' in markup


def test_quote_of_a_person_says_who_said_it(engine: Engine) -> None:
    reply = engine.answer_fact("bridge-cost")
    assert reply is not None
    text = telegram_html_text(render_html(reply))
    assert "Ada Lin, mayor of Northport, said:" in text
    assert "“The bridge cost 12 million dollars & took three years to build” (¶2)" in text


def test_knowledge_base_text_is_escaped(engine: Engine) -> None:
    reply = engine.answer_fact("port-traffic")
    assert reply is not None
    markup = render_html(reply)
    assert "&lt;record&gt;" in markup
    assert "<record>" not in markup
    assert "<record>" in telegram_html_text(markup)  # ...and reads right once parsed


def test_metadata_citation_is_labelled_by_field(engine: Engine) -> None:
    reply = engine.answer_fact("article-title")
    assert reply is not None
    text = telegram_html_text(render_html(reply))
    assert "“Northport opens bridge & port <trade> grows” (title)" in text


def test_other_kinds_are_escaped_text() -> None:
    reply = Reply(kind=Kind.DECLINE, question="<b>x</b>", text="No “<b>x</b>” & co here.")
    assert render_html(reply) == "No “&lt;b&gt;x&lt;/b&gt;” &amp; co here."


def test_non_web_url_is_not_a_link() -> None:
    source = Source(
        id="s", title="T", publisher="P", section="", authors=(), published="2024",
        url="javascript:alert(1)", photo_credit=None, context="", speakers=(), paragraphs=("x",),
    )
    reply = Reply(
        kind=Kind.ANSWER, question="q", text="a", citations=(Citation("s", "x", paragraph=1),),
        source=source, speaker=Speaker("article", "P", ""),
    )
    markup = render_html(reply)
    assert "<a " not in markup
    telegram_html_text(markup)


def test_every_real_fact_renders_as_valid_telegram_html() -> None:
    kb = load_knowledge(default_kb_path())
    engine = Engine(kb)
    for fact in kb.facts:
        reply = engine.answer_fact(fact.id)
        assert reply is not None
        markup = render_html(reply)
        text = telegram_html_text(markup)
        for citation in fact.citations:
            assert citation.quote in text  # verbatim, after unescaping
        assert len(markup) <= 4096
        if fact.speaker != "article":
            speaker = kb.sources[0].speaker(fact.speaker)
            assert speaker is not None
            assert f"{speaker.name}, " in text


# -- splitting -------------------------------------------------------------------------------


def test_short_text_is_one_message() -> None:
    assert split_html("hello") == ["hello"]


def test_split_prefers_blank_lines_and_respects_the_limit() -> None:
    blocks = [f"<b>block {i}</b>" + " word" * 30 for i in range(10)]
    chunks = split_html("\n\n".join(blocks), limit=400)
    assert len(chunks) > 1
    for chunk in chunks:
        assert len(chunk) <= 400
        telegram_html_text(chunk)
    # Nothing lost and nothing cut inside a block.
    assert "\n\n".join(chunks) == "\n\n".join(blocks)


def test_oversized_block_is_cut_between_words_with_tags_reopened() -> None:
    quote = " ".join(f"w{i}&amp;x" for i in range(400))
    markup = f'intro\n\n<blockquote><a href="https://e.com/?a=1&amp;b=2">{quote}</a></blockquote>'
    chunks = split_html(markup, limit=300)
    assert len(chunks) > 3
    words = []
    for chunk in chunks:
        assert len(chunk) <= 300
        text = telegram_html_text(chunk)  # balanced, no cut entity
        words.extend(text.split())
    assert words == ["intro", *(f"w{i}&x" for i in range(400))]
    assert all(c.startswith(("<blockquote><a href", "intro")) for c in chunks)


def test_long_real_answer_splits_into_valid_messages(engine: Engine) -> None:
    reply = engine.answer_fact("bridge-cost")
    assert reply is not None
    long_reply = Reply(
        kind=reply.kind, question=reply.question, text=reply.text * 80,
        citations=reply.citations * 30, source=reply.source, speaker=reply.speaker,
    )
    chunks = split_html(render_html(long_reply))
    assert len(chunks) >= 2
    for chunk in chunks:
        assert len(chunk) <= 4096
        telegram_html_text(chunk)


def test_blank_pieces_are_dropped() -> None:
    assert split_html("  \n\n ") == []


@pytest.mark.parametrize("word", ["x" * 5000, "&amp;" * 1000, "a&lt;" * 1000])
def test_a_word_longer_than_the_limit_is_cut_outside_entities(word: str) -> None:
    chunks = split_html(f"<i>{word}</i>")
    assert len(chunks) == 2
    assert "".join(telegram_html_text(c) for c in chunks) == telegram_html_text(f"<i>{word}</i>")
    assert all(len(c) <= 4096 for c in chunks)
