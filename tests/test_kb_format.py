"""The knowledge format without ceremony: what a fact may leave out, and what the loader then
finds by itself (or asks for)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TINY_FACTS, write_kb

from bot.config import BUILTIN_KB
from bot.loader import KnowledgeError, load_knowledge
from bot.model import Citation

SHORT = """\
topic: ferry
facts:
  - id: fare
    speaker: article
    questions: [fare, ticket price, how much is a ticket, ferry cost, price of the ferry]
    answer: A ticket costs 5 dollars.
    citations:
      - quote: Tickets cost 5 dollars.
  - id: headline
    topic: city
    speaker: article
    questions: [headline, title, what is the headline, article title, name of the story]
    answer: The headline is "Harbour city opens new ferry line".
    citations:
      - quote: Harbour city opens new ferry line
"""


def _load_with(tmp_path: Path, extra: str) -> Path:
    root = write_kb(tmp_path / "kb")
    (root / "short.yaml").write_text(extra, encoding="utf-8")
    return root


def test_paragraph_source_and_topic_may_be_left_out(tmp_path: Path) -> None:
    kb = load_knowledge(_load_with(tmp_path, SHORT))
    fare, headline = kb.fact("fare"), kb.fact("headline")
    assert fare is not None
    assert headline is not None
    # The only source; the one paragraph holding the quote; the file's topic.
    assert fare.citations == (Citation("daily-1", "Tickets cost 5 dollars.", paragraph=2),)
    assert fare.topic == "ferry"
    # A quote found only in a metadata field cites that field; a fact's own topic wins.
    assert headline.citations == (
        Citation("daily-1", "Harbour city opens new ferry line", field="title"),
    )
    assert headline.topic == "city"


def test_the_old_spelling_still_loads_the_same(tmp_path: Path) -> None:
    explicit = load_knowledge(write_kb(tmp_path / "old"))
    short = TINY_FACTS.replace("source: daily-1, paragraph: 2, quote: Tickets",
                               "quote: Tickets")
    implicit = load_knowledge(write_kb(tmp_path / "new", facts=short))
    assert implicit.facts == explicit.facts


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("ferry line", "found in paragraph 2 and field title of daily-1: add `paragraph:`"),
        ("Tickets cost 9 dollars.", "not found verbatim in any paragraph or field of daily-1"),
    ],
)
def test_an_ambiguous_or_missing_quote_asks_for_the_paragraph(
    tmp_path: Path, quote: str, message: str
) -> None:
    root = _load_with(tmp_path, SHORT.replace("quote: Tickets cost 5 dollars.", f"quote: {quote}"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    assert [p.line for p in caught.value.problems] == [8]
    assert message in str(caught.value)


def test_the_readme_example_is_a_complete_fact(tmp_path: Path) -> None:
    """knowledge/README.md shows a new fact in ten lines; it loads into the real knowledge base."""
    readme = (BUILTIN_KB / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", readme, re.S)
    assert example is not None
    assert len(example.group(1).splitlines()) <= 10
    root = tmp_path / "kb"
    shutil.copytree(BUILTIN_KB, root)
    (root / "facts" / "example.yaml").write_text(example.group(1), encoding="utf-8")
    kb = load_knowledge(root)
    new = [f for f in kb.facts if f.id not in {g.id for g in load_knowledge(BUILTIN_KB).facts}]
    assert len(new) == 1
    assert all(c.paragraph is not None for c in new[0].citations)
