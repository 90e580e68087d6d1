"""The shipped knowledge base: faithful to the article, covering all of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.coverage import sentences, uncited
from bot.engine import Engine
from bot.model import Kind, KnowledgeBase

# The article the knowledge base was made from, in shared/ beside the checkout (or above it).
ARTICLE = next(
    (p / "shared" / "source" / "article.txt" for p in Path(__file__).resolve().parents
     if (p / "shared" / "source" / "article.txt").is_file()),
    None,
)


def test_every_sentence_of_the_article_is_cited(real_kb: KnowledgeBase) -> None:
    assert [s.text for s in uncited(real_kb)] == []
    total = sum(len(sentences(s.id, n, p)) for s in real_kb.sources
                for n, p in enumerate(s.paragraphs, 1))
    assert total >= 20


@pytest.mark.skipif(ARTICLE is None, reason="../shared is absent: no shared/source/article.txt "
                    "in any folder above this checkout (CI has it)")
def test_paragraphs_are_the_article_verbatim(real_kb: KnowledgeBase) -> None:
    assert ARTICLE is not None
    lines = [p for p in ARTICLE.read_text(encoding="utf-8").split("\n") if p.strip()]
    assert list(real_kb.sources[0].paragraphs) == lines


def test_claims_are_attributed(real_engine: Engine) -> None:
    """Every answer that quotes a person names them in the rendered reply's speaker."""
    for fact in real_engine.kb.facts:
        reply = real_engine.answer_fact(fact.id)
        assert reply is not None, fact.id
        assert reply.speaker is not None, fact.id
        assert (reply.speaker.id == "article") == (fact.speaker == "article")


def test_bibliographic_facts_are_answerable(real_engine: Engine) -> None:
    source = real_engine.kb.sources[0]
    for question, expected in [
        ("who wrote the article", "Cui Jia"),
        ("when was it published", "2024"),
        ("link to the article", source.url),
        ("who took the photo", "Xinhua"),
        ("what is the headline", source.title),
    ]:
        reply = real_engine.answer(question)
        assert reply.kind is Kind.ANSWER, question
        assert expected in reply.text or any(expected in c.quote for c in reply.citations)


def test_each_fact_answers_its_own_first_question(real_engine: Engine) -> None:
    wrong = [
        f.id for f in real_engine.kb.facts
        if (r := real_engine.answer(f.questions[0])).kind is not Kind.ANSWER
        or r.fact is None or r.fact.id != f.id
    ]
    # Some first questions are deliberately broad ("what is the FTZ?") and may offer choices.
    assert len(wrong) <= len(real_engine.kb.facts) // 10, wrong


def test_no_alternate_is_a_bare_common_word(real_engine: Engine) -> None:
    """An alternate that reduces to one word ("the real Xinjiang" -> xinjiang) makes that word
    alone answer its fact with full confidence: fine for one overview fact of a topic ("ftz"),
    wrong for a word that half the facts are about."""
    index = real_engine.index
    owners: dict[str, set[str]] = {}
    for p in index.profiles:
        for a in p.alternates:
            if a.text and len(a.stems) == 1:  # one word, no question word
                owners.setdefault(a.text, set()).add(p.fact.id)
    half = len(index.profiles) / 2
    shared = {w: f for w, f in owners.items() if len(f) > 1}
    common = [w for w in owners if len(index.postings.get(w, ())) >= half]
    assert shared == {}
    assert common == []
