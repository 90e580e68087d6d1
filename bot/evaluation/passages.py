"""The article cut into passages (its sentences and labelled metadata fields), each mapped to
the facts whose quotes overlap it.

Baselines retrieve passages, citebot retrieves facts; this mapping lets both be scored against
the same expected fact ids.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.coverage import sentences
from bot.model import SOURCE_METADATA, Citation, KnowledgeBase, Source

# Metadata fields are retrievable too, labelled so that "who published it" can find "Publisher";
# a label is the field's name, capitalised, unless it says more here.
_LABELS = {"url": "URL, link"}


@dataclass(frozen=True)
class Passage:
    """What a baseline retrieves: a sentence of a paragraph, or a labelled metadata field."""

    source: str
    text: str
    facts: tuple[str, ...]  # facts citing any part of it; empty when nothing cites it
    paragraph: int | None = None
    field: str | None = None


def split_sentences(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) spans of the sentences of one paragraph, cut as `citebot check` cuts them."""
    return tuple((s.start, s.end) for s in sentences("", 0, text))


def article_passages(kb: KnowledgeBase) -> tuple[Passage, ...]:
    passages: list[Passage] = []
    for source in kb.sources:
        for field, text in _field_texts(source):
            facts = tuple(
                fact.id
                for fact in kb.facts
                if any(c.source == source.id and c.field == field for c in fact.citations)
            )
            passages.append(Passage(source.id, text, facts, field=field))
        for number, paragraph in enumerate(source.paragraphs, start=1):
            quotes = _quote_spans(kb, source.id, number, paragraph)
            for start, end in split_sentences(paragraph):
                facts = tuple(dict.fromkeys(fid for fid, a, b in quotes if a < end and b > start))
                passages.append(Passage(source.id, paragraph[start:end], facts, paragraph=number))
    return tuple(passages)


def _field_texts(source: Source) -> list[tuple[str, str]]:
    texts = []
    for field in SOURCE_METADATA:
        label = _LABELS.get(field, field.replace("_", " ").capitalize())
        value = getattr(source, field)
        if isinstance(value, tuple):
            value = ", ".join(value)
        if value:
            texts.append((field, f"{label}: {value}"))
    return texts


def _quote_spans(
    kb: KnowledgeBase, source_id: str, number: int, paragraph: str
) -> list[tuple[str, int, int]]:
    spans = []
    for fact in kb.facts:
        for citation in fact.citations:
            if _cites(citation, source_id, number):
                start = paragraph.find(citation.quote)
                if start >= 0:  # the loader guarantees it; a miss would only drop a mapping
                    spans.append((fact.id, start, start + len(citation.quote)))
    return spans


def _cites(citation: Citation, source_id: str, number: int) -> bool:
    return citation.source == source_id and citation.paragraph == number
