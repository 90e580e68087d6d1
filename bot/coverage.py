"""Which sentences of the sources no fact cites: the knowledge base's blind spots."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.model import KnowledgeBase

# A sentence ends at . ! or ? (maybe followed by a closing quote) before a space and a capital,
# an opening quote or a bracket ("[Photo/Xinhua]"); "$49.6" has no space after its point.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"\u201d']?\s+(?=[\"\u201cA-Z\[])")
# A quote covers a sentence when they share this many characters (or the whole sentence).
MIN_OVERLAP = 20


@dataclass(frozen=True)
class Sentence:
    source: str
    paragraph: int
    text: str
    start: int
    end: int


def sentences(source_id: str, paragraph: int, text: str) -> list[Sentence]:
    out = []
    start = 0
    for boundary in _BOUNDARY.finditer(text):
        end = boundary.start() + len(boundary.group().rstrip())
        out.append(Sentence(source_id, paragraph, text[start:end].strip(), start, end))
        start = boundary.end()
    out.append(Sentence(source_id, paragraph, text[start:].strip(), start, len(text)))
    return [s for s in out if s.text]


def uncited(kb: KnowledgeBase) -> list[Sentence]:
    """Sentences that no citation overlaps by MIN_OVERLAP characters (or entirely)."""
    spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
    for fact in kb.facts:
        for c in fact.citations:
            if c.paragraph is None:
                continue
            text = kb.source(c.source).paragraph(c.paragraph)
            at = text.find(c.quote)
            while at != -1:
                spans.setdefault((c.source, c.paragraph), []).append((at, at + len(c.quote)))
                at = text.find(c.quote, at + 1)
    missing = []
    for source in kb.sources:
        for number, text in enumerate(source.paragraphs, start=1):
            quoted = spans.get((source.id, number), [])
            for s in sentences(source.id, number, text):
                need = min(MIN_OVERLAP, s.end - s.start)
                if not any(min(s.end, b) - max(s.start, a) >= need for a, b in quoted):
                    missing.append(s)
    return missing
