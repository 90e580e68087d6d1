"""Domain objects: immutable values that flow from the knowledge base to the renderers."""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import Enum
from functools import cached_property


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    authors: tuple[str, ...]
    published: str  # ISO date, as the publisher dates it
    url: str
    publisher: str
    section: str
    photo_credit: str | None
    context: str
    speakers: tuple[Speaker, ...]
    paragraphs: tuple[str, ...]  # paragraph N is paragraphs[N - 1]

    def paragraph(self, number: int) -> str:
        return self.paragraphs[number - 1]

    def speaker(self, speaker_id: str) -> Speaker | None:
        return next((s for s in self.speakers if s.id == speaker_id), None)


# Everything about a source but its id and body: the bibliographic fields a fact may quote.
SOURCE_METADATA = tuple(f.name for f in fields(Source) if f.name not in ("id", "speakers",
                                                                         "paragraphs"))


@dataclass(frozen=True)
class Citation:
    """A verbatim quote: from a paragraph, or (paragraph None) from a metadata field."""

    source: str
    quote: str
    paragraph: int | None = None
    field: str | None = None


@dataclass(frozen=True)
class Fact:
    id: str
    topic: str
    questions: tuple[str, ...]
    answer: str
    citations: tuple[Citation, ...]
    speaker: str  # a speaker id of the cited source ("article" for the publisher's own reporting)
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Topic:
    id: str
    title: str
    description: str = ""


@dataclass(frozen=True)
class AliasGroup:
    """Spellings that mean the same thing; the matcher rewrites every variant to `canonical`."""

    canonical: str
    variants: tuple[str, ...]


@dataclass(frozen=True)
class SmallTalk:
    intent: str
    patterns: tuple[str, ...]
    reply: str


@dataclass(frozen=True)
class KnowledgeBase:
    sources: tuple[Source, ...]
    topics: tuple[Topic, ...]
    facts: tuple[Fact, ...]
    aliases: tuple[AliasGroup, ...] = ()
    small_talk: tuple[SmallTalk, ...] = ()

    def source(self, source_id: str) -> Source:
        return self._by_id[0][source_id]

    def fact(self, fact_id: str) -> Fact | None:
        return self._by_id[1].get(fact_id)

    def topic(self, topic_id: str) -> Topic | None:
        return self._by_id[2].get(topic_id)

    def facts_of(self, topic_id: str) -> tuple[Fact, ...]:
        return self._by_id[3].get(topic_id, ())

    @cached_property
    def _by_id(
        self,
    ) -> tuple[dict[str, Source], dict[str, Fact], dict[str, Topic], dict[str, tuple[Fact, ...]]]:
        # Built on first use: a newsroom archive has thousands of sources and facts.
        by_topic: dict[str, list[Fact]] = {}
        for f in self.facts:
            by_topic.setdefault(f.topic, []).append(f)
        return (
            {s.id: s for s in self.sources},
            {f.id: f for f in self.facts},
            {t.id: t for t in self.topics},
            {t: tuple(fs) for t, fs in by_topic.items()},
        )


class Kind(str, Enum):
    ANSWER = "answer"
    DID_YOU_MEAN = "did_you_mean"
    DECLINE = "decline"
    SMALL_TALK = "small_talk"


@dataclass(frozen=True)
class Suggestion:
    fact: str
    question: str


@dataclass(frozen=True)
class Reply:
    """What the engine says to one question, before any channel renders it.

    `text` is the short answer (kind ANSWER) or the whole message (other kinds).
    """

    kind: Kind
    question: str
    text: str
    score: float = 0.0
    fact: Fact | None = None
    citations: tuple[Citation, ...] = ()
    source: Source | None = None
    speaker: Speaker | None = None
    suggestions: tuple[Suggestion, ...] = ()
    related: tuple[Suggestion, ...] = ()
    # The question's language (ISO 639-1) when it is not English; `note` says how it was read.
    language: str = "en"
    note: str = ""
    # Several questions in one message: one reply each, in order (this reply then only
    # summarises them; its fact is the first one answered).
    parts: tuple[Reply, ...] = ()

    @property
    def answered(self) -> bool:
        return self.kind is Kind.ANSWER
