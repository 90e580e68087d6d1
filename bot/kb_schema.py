"""The knowledge-base schema: what each top-level key of a file holds, read into drafts.

A draft is an entry as written, with the nodes it came from, before anything that needs the other
files (does the topic exist? is the quote in the paragraph?) is checked by `bot.kb_checks`.
An entry with a bad field is recorded as broken, but its id is kept so that references to it are
not reported as unknown on top of its own problem.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Generic, TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode

from bot.model import SOURCE_METADATA, AliasGroup, SmallTalk, Source, Speaker, Topic
from bot.yaml_reader import Fields, Invalid, Problem, Reader, describe, shorten

T = TypeVar("T")

MIN_QUESTIONS = 5
# Ids travel in Telegram callback data (64 bytes with a prefix), hence the length limit.
ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_URL = re.compile(r"https?://\S+\Z")
_INTENT = re.compile(r"[a-z_]+\Z")
SECTIONS = ("source", "topics", "facts", "aliases", "small_talk", "topic")
_OPTIONAL_METADATA = ("section", "photo_credit", "context")
KINDS = ("source", "topic", "fact")
_NONE: tuple[str, ...] = ()  # the default of a missing or bad list, typed for mypy


@dataclass(frozen=True)
class Spot:
    """Where something was written, for a problem found later."""

    reader: Reader
    node: Node
    field: str

    def problem(self, message: str, *, field: str | None = None) -> Problem:
        return self.reader.problem(self.node, field or self.field, message)

    @property
    def where(self) -> str:
        return f"{self.reader.file}:{self.reader.line(self.node)}"


@dataclass(frozen=True)
class Placed(Generic[T]):
    value: T
    spot: Spot


@dataclass(frozen=True)
class CitationDraft:
    """A citation as written: `source` and `paragraph` may be left for the loader to find."""

    source: str | None
    quote: str
    paragraph: int | None
    field: str | None
    spot: Spot  # the citation itself
    nodes: dict[str, Node]

    def problem(self, key: str, message: str) -> Problem:
        node = self.nodes.get(key, self.spot.node)
        return self.spot.reader.problem(node, f"{self.spot.field}.{key}", message)


@dataclass(frozen=True)
class FactDraft:
    id: str
    topic: Placed[str]  # given in the fact or once for the file
    speaker: str
    questions: tuple[str, ...]
    answer: str
    citations: tuple[CitationDraft, ...]
    related: tuple[str, ...]
    spot: Spot
    nodes: dict[str, Node]
    # Fields that were missing or bad (and reported): the checks leave them alone, and the fact
    # is not built.
    bad: frozenset[str] = frozenset()

    def problem(self, key: str, message: str, *, node: Node | None = None) -> Problem:
        node = node or self.nodes.get(key, self.spot.node)
        return self.spot.reader.problem(node, f"{self.spot.field}.{key}", message)


@dataclass
class Drafts:
    """Everything read from the files of one knowledge base."""

    sources: list[Placed[Source]] = field(default_factory=list)
    topics: list[Placed[Topic]] = field(default_factory=list)
    facts: list[FactDraft] = field(default_factory=list)
    # Sources with a bad metadata field (named), for checking the facts that cite them.
    partial_sources: list[tuple[Source, frozenset[str]]] = field(default_factory=list)
    aliases: list[AliasGroup] = field(default_factory=list)
    small_talk: list[SmallTalk] = field(default_factory=list)
    # Every id that was readable, of good and broken entries alike, by kind.
    ids: dict[str, list[Placed[str]]] = field(
        default_factory=lambda: {kind: [] for kind in KINDS}
    )
    # `topics: []` and the like: where "the knowledge base has no topic" is best reported.
    empty: dict[str, Spot] = field(default_factory=dict)
    # False once a file or folder could not be read: what it held is unknown.
    complete: bool = True


def read_file(reader: Reader, root: Node, drafts: Drafts) -> None:
    """Reads the top-level keys of one file into `drafts`."""
    if not isinstance(root, MappingNode):
        reader.add(root, "file", f"expected a mapping with any of {', '.join(SECTIONS)}; "
                                 f"got {describe(root)}")
        return
    try:
        sections = reader.mapping(root, "", optional=SECTIONS)
    except Invalid as invalid:
        reader.record(invalid)
        return
    file_topic: Placed[str] | None = None
    if "topic" in sections:
        node = sections["topic"]
        try:
            file_topic = Placed(reader.string(node, "topic"), Spot(reader, node, "topic"))
        except Invalid as invalid:
            reader.record(invalid)
        if "facts" not in sections:
            reader.add(node, "topic", "sets the topic of this file's facts, but it has none "
                                      "(the list of topics is `topics:`)")
    if "source" in sections:
        try:
            drafts.sources.append(_source(reader, sections["source"], drafts))
        except Invalid as invalid:
            reader.record(invalid)
    if "facts" in sections:
        items = _items(reader, sections["facts"], "facts", drafts)
        drafts.facts.extend(reader.each(items, partial(_fact, reader, drafts, file_topic)))
    if "topics" in sections:
        items = _items(reader, sections["topics"], "topics", drafts)
        drafts.topics.extend(reader.each(items, partial(_topic, reader, drafts)))
    if "aliases" in sections:
        items = _items(reader, sections["aliases"], "aliases", drafts)
        drafts.aliases.extend(reader.each(items, partial(_alias, reader)))
    if "small_talk" in sections:
        items = _items(reader, sections["small_talk"], "small_talk", drafts)
        drafts.small_talk.extend(reader.each(items, partial(_small_talk, reader)))


def _items(reader: Reader, node: Node, key: str, drafts: Drafts) -> list[Node]:
    try:
        items = reader.sequence(node, key)
    except Invalid as invalid:
        reader.record(invalid)
        drafts.complete = False  # its entries may be what other files refer to
        return []
    kind = {"topics": "topic", "facts": "fact"}.get(key)
    if not items and kind:
        drafts.empty.setdefault(kind, Spot(reader, node, key))
    return items


def _id(reader: Reader, drafts: Drafts, kind: str, fields: Fields) -> str:
    value = fields.get("id", partial(reader.string, pattern=ID), "")
    if value:
        spot = Spot(reader, fields.nodes["id"], fields.name("id"))
        drafts.ids[kind].append(Placed(value, spot))
    return value


def _source(reader: Reader, node: Node, drafts: Drafts) -> Placed[Source]:
    required = tuple(m for m in SOURCE_METADATA if m not in _OPTIONAL_METADATA)
    f = Fields(
        reader, node, "source",
        required=("id", *required, "speakers", "paragraphs"), optional=_OPTIONAL_METADATA,
    )
    source_id = _id(reader, drafts, "source", f)
    readers: dict[str, Callable[[Node, str], object]] = {
        "authors": partial(reader.strings, min_items=1),
        "published": partial(_date, reader),
        "url": partial(reader.string, pattern=_URL),
    }
    missing: dict[str, object] = {"photo_credit": None}
    metadata = {
        name: f.get(name, readers.get(name, reader.string), missing.get(name, ""))
        for name in SOURCE_METADATA
    }
    no_speakers: tuple[Speaker, ...] = ()
    speakers = f.get("speakers", partial(reader.items, read=partial(_speaker, reader),
                                         min_items=1), no_speakers)
    paragraphs = f.get("paragraphs", partial(reader.strings, min_items=1), _NONE)
    source = Source(id=source_id, speakers=speakers, paragraphs=paragraphs,
                    **metadata)  # type: ignore[arg-type]
    if f.bad and not f.bad & {"id", "speakers", "paragraphs"}:
        # A bad title or date leaves the facts that cite this source worth checking.
        drafts.partial_sources.append((source, frozenset(f.bad)))
    f.done()
    return Placed(source, Spot(reader, node, "source"))


def _date(reader: Reader, node: Node, field: str) -> str:
    text = reader.string(node, field)
    try:
        if _DATE.match(text):
            date.fromisoformat(text)
            return text
    except ValueError:
        pass
    raise reader.fail(node, field, f"{shorten(text)} is not a date (write it as YYYY-MM-DD)")


def _speaker(reader: Reader, node: Node, field: str) -> Speaker:
    f = Fields(reader, node, field, required=("id", "name"), optional=("role",))
    speaker = Speaker(
        id=f.get("id", partial(reader.string, pattern=ID), ""),
        name=f.get("name", reader.string, ""),
        role=f.get("role", reader.string, ""),
    )
    f.done()
    return speaker


def _topic(reader: Reader, drafts: Drafts, node: Node, i: int) -> Placed[Topic]:
    f = Fields(reader, node, f"topics[{i}]", required=("id", "title"), optional=("description",))
    topic = Topic(
        id=_id(reader, drafts, "topic", f),
        title=f.get("title", reader.string, ""),
        description=f.get("description", reader.string, ""),
    )
    f.done()
    return Placed(topic, Spot(reader, node, f.field))


def _fact(
    reader: Reader, drafts: Drafts, file_topic: Placed[str] | None, node: Node, i: int
) -> FactDraft:
    f = Fields(
        reader, node, f"facts[{_id_of(node) or i}]",
        required=("id", "speaker", "questions", "answer", "citations"),
        optional=("topic", "related"),
    )
    fact_id = _id(reader, drafts, "fact", f)
    if fact_id:
        f.field = f"facts[{fact_id}]"
    topic = None
    if "topic" in f.nodes:
        topic = Placed(f.get("topic", reader.string, ""), Spot(reader, f.nodes["topic"],
                                                               f.name("topic")))
    elif file_topic is not None:
        topic = file_topic
    else:
        reader.add(node, f.name("topic"), "missing required field (give it here, or once for "
                                          "the whole file as a top-level `topic:`)")
        f.bad.add("topic")
    speaker = f.get("speaker", reader.string, "")
    questions = f.get("questions", partial(reader.strings, min_items=MIN_QUESTIONS), _NONE)
    answer = f.get("answer", reader.string, "")
    citations: list[CitationDraft] = []
    no_nodes: list[Node] = []
    for j, item in enumerate(f.get("citations", partial(reader.sequence, min_items=1), no_nodes)):
        try:
            citations.append(_citation(reader, item, f"{f.name('citations')}[{j}]"))
        except Invalid as invalid:
            reader.record(invalid)
            f.bad.add("citations")
    return FactDraft(
        id=fact_id,
        topic=topic or Placed("", Spot(reader, node, f.name("topic"))),
        speaker=speaker,
        questions=questions,
        answer=answer,
        citations=tuple(citations),
        related=f.get("related", reader.strings, _NONE),
        spot=Spot(reader, node, f.field),
        nodes=f.nodes,
        bad=frozenset(f.bad),
    )


def _id_of(node: Node) -> str | None:
    """The id of a mapping node, if it has a plain one: names the fact in every message."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, ScalarNode):
                return str(value.value) if ID.match(str(value.value)) else None
    return None


def _citation(reader: Reader, node: Node, field: str) -> CitationDraft:
    f = Fields(reader, node, field, required=("quote",), optional=("source", "paragraph", "field"))
    draft = CitationDraft(
        source=f.get("source", reader.string, None),
        # The quote is compared verbatim, so only the YAML's own quoting is undone.
        quote=f.get("quote", reader.string, ""),
        paragraph=f.get("paragraph", reader.integer, None),
        field=f.get("field", reader.string, None),
        spot=Spot(reader, node, field),
        nodes=f.nodes,
    )
    if "paragraph" in f.nodes and "field" in f.nodes:
        reader.add(node, field, "give `paragraph` or `field`, not both")
        f.bad.add("field")
    f.done()
    return draft


def _alias(reader: Reader, node: Node, i: int) -> AliasGroup:
    f = Fields(reader, node, f"aliases[{i}]", required=("canonical", "variants"))
    group = AliasGroup(
        canonical=f.get("canonical", reader.string, "").lower(),
        variants=tuple(
            v.lower() for v in f.get("variants", partial(reader.strings, min_items=1), _NONE)
        ),
    )
    f.done()
    return group


def _small_talk(reader: Reader, node: Node, i: int) -> SmallTalk:
    f = Fields(reader, node, f"small_talk[{i}]", required=("intent", "patterns", "reply"))
    talk = SmallTalk(
        intent=f.get("intent", partial(reader.string, pattern=_INTENT), ""),
        patterns=f.get("patterns", partial(reader.strings, min_items=1), ()),
        reply=f.get("reply", reader.string, ""),
    )
    f.done()
    return talk
