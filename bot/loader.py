"""Reads a knowledge-base folder of YAML files into a validated `KnowledgeBase`.

Every problem is reported as `file:line: field: what is wrong`, so an operator can fix the file
without reading a traceback. The YAML is composed into nodes (not loaded into plain objects)
so that every value keeps the line it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.model import (
    AliasGroup,
    Citation,
    Fact,
    KnowledgeBase,
    SmallTalk,
    Source,
    Speaker,
    Topic,
)

MIN_QUESTIONS = 5
METADATA_FIELDS = (
    "title", "authors", "published", "url", "publisher", "section", "photo_credit", "context",
)
# Ids travel in Telegram callback data (64 bytes with a prefix), hence the length limit.
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,59}\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_STR_TAG = "tag:yaml.org,2002:str"
# libyaml's parser where PyYAML was built with it: about 3x faster, with the same line marks.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class KnowledgeError(Exception):
    """A knowledge base that cannot be used; `problems` holds every one found, first first."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0]))
        self.problems = problems
        first = problems[0]
        self.file, self.line, self.field, self.message = (
            first.file, first.line, first.field, first.message,
        )


class _Invalid(Exception):
    """One problem that makes the value at hand unusable; caught per item so others are checked."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class _Reader:
    """Turns nodes of one file into checked Python values."""

    file: str
    problems: list[Problem]

    def problem(self, node: Node, field: str, message: str) -> Problem:
        return Problem(self.file, node.start_mark.line + 1, field, message)

    def fail(self, node: Node, field: str, message: str) -> _Invalid:
        return _Invalid(self.problem(node, field, message))

    def mapping(
        self, node: Node, field: str, *, required: tuple[str, ...], optional: tuple[str, ...] = ()
    ) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            raise self.fail(node, field, f"expected a mapping, got {_describe(node)}")
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if not isinstance(key, str):
                raise self.fail(key_node, field, "keys must be plain strings")
            name = key if field in ("", "file") else f"{field}.{key}"
            if key in out:
                raise self.fail(key_node, name, "duplicate key")
            if key not in required and key not in optional:
                allowed = ", ".join((*required, *optional))
                raise self.fail(key_node, name, f"unknown key (allowed: {allowed})")
            out[key] = value_node
        for key in required:
            if key not in out:
                raise self.fail(node, f"{field}.{key}" if field else key, "missing required field")
        return out

    def string(self, node: Node, field: str, *, pattern: re.Pattern[str] | None = None) -> str:
        value = self._scalar(node)
        if isinstance(value, date):
            value = value.isoformat()  # an unquoted 2024-03-07 is still the date meant
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(node, field, f"expected a string, got {_describe(node)}")
        if not isinstance(value, str):
            value = str(node.value)  # e.g. a bare 2024 where text was meant: keep what was written
        text = value.strip()
        if not text:
            raise self.fail(node, field, "must not be empty")
        if pattern is not None and not pattern.match(text):
            raise self.fail(node, field, f"{text!r} does not match {pattern.pattern}")
        return text

    def integer(self, node: Node, field: str) -> int:
        value = self._scalar(node)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(node, field, f"expected a whole number, got {_describe(node)}")
        return value

    def sequence(self, node: Node, field: str, *, min_items: int = 0) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, field, f"expected a list, got {_describe(node)}")
        if len(node.value) < min_items:
            count = len(node.value)
            raise self.fail(node, field, f"needs at least {min_items} item(s), has {count}")
        return list(node.value)

    def strings(self, node: Node, field: str, *, min_items: int = 0) -> tuple[str, ...]:
        items = self.sequence(node, field, min_items=min_items)
        return tuple(self.string(item, f"{field}[{i}]") for i, item in enumerate(items))

    def each(self, nodes: list[Node], read: Callable[[Node, int], Any]) -> Iterator[Any]:
        """Reads every item, recording a problem for a bad one and going on with the rest."""
        for i, item in enumerate(nodes):
            try:
                yield read(item, i)
            except _Invalid as invalid:
                self.problems.append(invalid.problem)

    def _scalar(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            return None
        if node.tag == _STR_TAG:  # the common case, kept cheap for large knowledge bases
            return node.value
        return _CONSTRUCTOR.construct_object(node)


def _describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        if node.tag.endswith(":null"):
            return "nothing"
        return f"{node.tag.rsplit(':', 1)[-1]} {node.value!r}"
    return "something else"


@dataclass(frozen=True)
class _RawCitation:
    citation: Citation
    nodes: dict[str, Node]  # its keys' value nodes, for problems found later
    field: str


@dataclass(frozen=True)
class _RawFact:
    fact: Fact
    reader: _Reader
    field: str
    nodes: dict[str, Node]
    citations: tuple[_RawCitation, ...]


@dataclass(frozen=True)
class _Spot:
    """Where a value was defined: for problems found once every file is read."""

    reader: _Reader
    node: Node
    field: str


def load_knowledge(path: Path) -> KnowledgeBase:
    """Loads and validates every `*.yaml` below `path` (or the one file `path`)."""
    problems: list[Problem] = []
    files = _yaml_files(path, problems)
    sources: list[tuple[Source, _Spot]] = []
    topics: list[tuple[Topic, _Spot]] = []
    facts: list[_RawFact] = []
    aliases: list[AliasGroup] = []
    small_talk: list[SmallTalk] = []

    for file in files:
        reader = _Reader(str(file), problems)
        root = _compose(file, reader)
        if root is None:
            continue
        try:
            sections = reader.mapping(
                root, "file", required=(),
                optional=("source", "topics", "facts", "aliases", "small_talk"),
            )
        except _Invalid as invalid:
            problems.append(invalid.problem)
            continue
        if "source" in sections:
            sources.extend(reader.each([sections["source"]], partial(_source_at, reader)))
        for key, read, into in (
            ("topics", _topic, topics),
            ("facts", _fact, facts),
            ("aliases", _alias, aliases),
            ("small_talk", _small_talk, small_talk),
        ):
            if key in sections:
                items = _list_or_problem(reader, sections[key], key)
                into.extend(reader.each(items, partial(read, reader)))

    if not problems:
        _cross_check(sources, topics, facts, aliases, problems, where=path)
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(
        sources=tuple(s for s, _ in sources),
        topics=tuple(t for t, _ in topics),
        facts=tuple(f.fact for f in facts),
        aliases=tuple(aliases),
        small_talk=tuple(small_talk),
    )


def _yaml_files(path: Path, problems: list[Problem]) -> list[Path]:
    if path.is_file():
        return [path]
    if not path.is_dir():
        problems.append(Problem(str(path), 0, "path", "no such knowledge-base file or folder"))
        raise KnowledgeError(problems)
    files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        problems.append(Problem(str(path), 0, "path", "no *.yaml files in this folder"))
        raise KnowledgeError(problems)
    return files


def _compose(file: Path, reader: _Reader) -> Node | None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        reader.problems.append(Problem(reader.file, 1, "file", f"not UTF-8 text ({exc.reason})"))
        return None
    except OSError as exc:
        reader.problems.append(Problem(reader.file, 0, "file", f"cannot read: {exc.strerror}"))
        return None
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        reader.problems.append(Problem(reader.file, line, "yaml", f"syntax error: {what}"))
        return None
    except yaml.YAMLError as exc:
        reader.problems.append(Problem(reader.file, 1, "yaml", f"syntax error: {exc}"))
        return None
    if node is None:
        reader.problems.append(Problem(reader.file, 1, "file", "empty file"))
    return node


def _list_or_problem(reader: _Reader, node: Node, field: str) -> list[Node]:
    try:
        return reader.sequence(node, field)
    except _Invalid as invalid:
        reader.problems.append(invalid.problem)
        return []


def _source_at(reader: _Reader, node: Node, _i: int) -> tuple[Source, _Spot]:
    return _source(reader, node)


def _source(reader: _Reader, node: Node) -> tuple[Source, _Spot]:
    f = "source"
    m = reader.mapping(
        node, f,
        required=("id", "title", "publisher", "published", "url", "authors", "speakers",
                  "paragraphs"),
        optional=("section", "photo_credit", "context"),
    )
    published = reader.string(m["published"], f"{f}.published", pattern=_DATE)
    try:
        date.fromisoformat(published)
    except ValueError:
        raise reader.fail(m["published"], f"{f}.published",
                          f"{published!r} is not a date") from None
    speakers = tuple(
        reader.each(
            reader.sequence(m["speakers"], f"{f}.speakers", min_items=1),
            lambda n, i: _speaker(reader, n, f"{f}.speakers[{i}]"),
        )
    )
    source = Source(
        id=reader.string(m["id"], f"{f}.id", pattern=_ID),
        title=reader.string(m["title"], f"{f}.title"),
        publisher=reader.string(m["publisher"], f"{f}.publisher"),
        section=reader.string(m["section"], f"{f}.section") if "section" in m else "",
        authors=reader.strings(m["authors"], f"{f}.authors", min_items=1),
        published=published,
        url=reader.string(m["url"], f"{f}.url", pattern=re.compile(r"https?://\S+\Z")),
        photo_credit=(
            reader.string(m["photo_credit"], f"{f}.photo_credit") if "photo_credit" in m else None
        ),
        context=reader.string(m["context"], f"{f}.context") if "context" in m else "",
        speakers=speakers,
        paragraphs=reader.strings(m["paragraphs"], f"{f}.paragraphs", min_items=1),
    )
    return source, _Spot(reader, node, f)


def _speaker(reader: _Reader, node: Node, f: str) -> Speaker:
    m = reader.mapping(node, f, required=("id", "name"), optional=("role",))
    return Speaker(
        id=reader.string(m["id"], f"{f}.id", pattern=_ID),
        name=reader.string(m["name"], f"{f}.name"),
        role=reader.string(m["role"], f"{f}.role") if "role" in m else "",
    )


def _topic(reader: _Reader, node: Node, i: int) -> tuple[Topic, _Spot]:
    f = f"topics[{i}]"
    m = reader.mapping(node, f, required=("id", "title"), optional=("description",))
    topic = Topic(
        id=reader.string(m["id"], f"{f}.id", pattern=_ID),
        title=reader.string(m["title"], f"{f}.title"),
        description=reader.string(m["description"], f"{f}.description")
        if "description" in m else "",
    )
    return topic, _Spot(reader, node, f)


def _fact(reader: _Reader, node: Node, i: int) -> _RawFact:
    f = f"facts[{_id_of(node) or i}]"
    m = reader.mapping(
        node, f,
        required=("id", "topic", "speaker", "questions", "answer", "citations"),
        optional=("related",),
    )
    fact_id = reader.string(m["id"], f"{f}.id", pattern=_ID)
    f = f"facts[{fact_id}]"
    citations = tuple(
        _citation(reader, n, f"{f}.citations[{j}]")
        for j, n in enumerate(reader.sequence(m["citations"], f"{f}.citations", min_items=1))
    )
    fact = Fact(
        id=fact_id,
        topic=reader.string(m["topic"], f"{f}.topic"),
        questions=reader.strings(m["questions"], f"{f}.questions", min_items=MIN_QUESTIONS),
        answer=reader.string(m["answer"], f"{f}.answer"),
        citations=tuple(c.citation for c in citations),
        speaker=reader.string(m["speaker"], f"{f}.speaker"),
        related=reader.strings(m["related"], f"{f}.related") if "related" in m else (),
    )
    return _RawFact(fact, reader, f, m, citations)


def _id_of(node: Node) -> str | None:
    """The id of a mapping node, if it has a plain one: names the fact in every message."""
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, ScalarNode):
                return str(value.value) if _ID.match(str(value.value)) else None
    return None


def _citation(reader: _Reader, node: Node, f: str) -> _RawCitation:
    m = reader.mapping(node, f, required=("source", "quote"), optional=("paragraph", "field"))
    if ("paragraph" in m) == ("field" in m):
        raise reader.fail(node, f, "give exactly one of `paragraph` or `field`")
    citation = Citation(
        source=reader.string(m["source"], f"{f}.source"),
        # The quote is compared verbatim, so only the YAML's own quoting is undone.
        quote=reader.string(m["quote"], f"{f}.quote"),
        paragraph=reader.integer(m["paragraph"], f"{f}.paragraph") if "paragraph" in m else None,
        field=reader.string(m["field"], f"{f}.field") if "field" in m else None,
    )
    return _RawCitation(citation, m, f)


def _alias(reader: _Reader, node: Node, i: int) -> AliasGroup:
    f = f"aliases[{i}]"
    m = reader.mapping(node, f, required=("canonical", "variants"))
    return AliasGroup(
        canonical=reader.string(m["canonical"], f"{f}.canonical").lower(),
        variants=tuple(v.lower() for v in reader.strings(m["variants"], f"{f}.variants",
                                                         min_items=1)),
    )


def _small_talk(reader: _Reader, node: Node, i: int) -> SmallTalk:
    f = f"small_talk[{i}]"
    m = reader.mapping(node, f, required=("intent", "patterns", "reply"))
    return SmallTalk(
        intent=reader.string(m["intent"], f"{f}.intent", pattern=re.compile(r"[a-z_]+\Z")),
        patterns=reader.strings(m["patterns"], f"{f}.patterns", min_items=1),
        reply=reader.string(m["reply"], f"{f}.reply"),
    )


def _cross_check(
    sources: list[tuple[Source, _Spot]],
    topics: list[tuple[Topic, _Spot]],
    facts: list[_RawFact],
    aliases: list[AliasGroup],
    problems: list[Problem],
    *,
    where: Path,
) -> None:
    """Checks what one file cannot: ids across files, citations against their sources."""

    def duplicate(spot: _Spot, kind: str, item_id: str) -> None:
        problems.append(spot.reader.problem(spot.node, f"{spot.field}.id",
                                            f"duplicate {kind} id {item_id!r}"))

    by_source: dict[str, Source] = {}
    for source, spot in sources:
        if source.id in by_source:
            duplicate(spot, "source", source.id)
        by_source[source.id] = source
    topic_ids: set[str] = set()
    for topic, spot in topics:
        if topic.id in topic_ids:
            duplicate(spot, "topic", topic.id)
        topic_ids.add(topic.id)
    fact_ids: set[str] = set()
    for raw in facts:
        if raw.fact.id in fact_ids:
            duplicate(_Spot(raw.reader, raw.nodes["id"], raw.field), "fact", raw.fact.id)
        fact_ids.add(raw.fact.id)

    for what, present in (("source", sources), ("topic", topics), ("fact", facts)):
        if not present:
            problems.append(Problem(str(where), 0, what, f"the knowledge base has no {what}"))

    for raw in facts:
        _check_fact(raw, by_source, topic_ids, fact_ids, problems)


def _check_fact(
    raw: _RawFact,
    sources: dict[str, Source],
    topic_ids: set[str],
    fact_ids: set[str],
    problems: list[Problem],
) -> None:
    fact, reader, m, f = raw.fact, raw.reader, raw.nodes, raw.field
    if fact.topic not in topic_ids:
        problems.append(reader.problem(m["topic"], f"{f}.topic", f"unknown topic {fact.topic!r}"))
    for j, related in enumerate(fact.related):
        if related not in fact_ids:
            node = reader.sequence(m["related"], f"{f}.related")[j]
            problems.append(reader.problem(node, f"{f}.related[{j}]",
                                           f"unknown fact id {related!r}"))
        elif related == fact.id:
            node = reader.sequence(m["related"], f"{f}.related")[j]
            problems.append(reader.problem(node, f"{f}.related[{j}]", "a fact cannot relate to "
                                           "itself"))
    speakers: set[str] = set()
    for raw_citation in raw.citations:
        c, cf, cm = raw_citation.citation, raw_citation.field, raw_citation.nodes
        source = sources.get(c.source)
        if source is None:
            problems.append(reader.problem(cm["source"], f"{cf}.source",
                                           f"unknown source {c.source!r}"))
            continue
        speakers.update(s.id for s in source.speakers)
        problem = _check_quote(reader, c, cm, cf, source)
        if problem:
            problems.append(problem)
    if speakers and fact.speaker not in speakers:
        problems.append(reader.problem(m["speaker"], f"{f}.speaker",
                                       f"unknown speaker {fact.speaker!r} (known: "
                                       f"{', '.join(sorted(speakers))})"))
    elif fact.speaker != "article" and speakers:
        speaker = next(
            s for c in fact.citations if c.source in sources
            if (s := sources[c.source].speaker(fact.speaker)) is not None
        )
        # citebot reports claims; an unattributed claim would read as the bot's own view.
        if speaker.name.lower() not in fact.answer.lower():
            problems.append(reader.problem(m["answer"], f"{f}.answer",
                                           f"a claim by {speaker.name} must name them "
                                           f"(\"{speaker.name} said ...\")"))


def _check_quote(
    reader: _Reader, c: Citation, cm: dict[str, Node], cf: str, source: Source
) -> Problem | None:
    if c.paragraph is not None:
        count = len(source.paragraphs)
        if not 1 <= c.paragraph <= count:
            return reader.problem(cm["paragraph"], f"{cf}.paragraph",
                                  f"paragraph {c.paragraph} does not exist (1 to {count})")
        text = source.paragraph(c.paragraph)
        where = f"paragraph {c.paragraph}"
    else:
        assert c.field is not None
        if c.field not in METADATA_FIELDS:
            return reader.problem(cm["field"], f"{cf}.field",
                              f"unknown field {c.field!r} (one of {', '.join(METADATA_FIELDS)})")
        value = getattr(source, c.field)
        text = "\n".join(value) if isinstance(value, tuple) else str(value or "")
        where = f"field {c.field}"
    if c.quote not in text:
        hint = _near_miss(c.quote, text)
        return reader.problem(cm["quote"], f"{cf}.quote",
                              f"not found verbatim in {where} of {source.id}{hint}")
    return None


def _near_miss(quote: str, text: str) -> str:
    """Points at the first character where the quote stops matching, the usual editing slip."""
    best = 0
    for start in range(len(text)):
        n = 0
        while n < len(quote) and start + n < len(text) and text[start + n] == quote[n]:
            n += 1
        best = max(best, n)
    if best < 10:
        return ""
    return f" (matches up to {quote[:best][-20:]!r}, then differs)"
