"""Checks that need the whole knowledge base: ids across files, references, verbatim quotes, the
editorial rules; and the defaults a fact may leave out (its quote's paragraph and source).

Every check is linear in the size of what it looks at: a knowledge base can be large and an
editor runs `citebot check` after every edit.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from yaml.nodes import Node, SequenceNode

from bot.kb_schema import KINDS, CitationDraft, Drafts, FactDraft, Placed
from bot.model import SOURCE_METADATA, Citation, Fact, Source
from bot.yaml_reader import Problem, shorten, suggest

# Finding the nearest name costs a scan of all names: enough for the problems anyone reads.
MAX_SUGGESTIONS = 200
# Typography an editor's keyboard does not reproduce: compared away for a hint only.
_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                             "\u2013": "-", "\u2014": "-", "\u00a0": " "})
_SPACES = re.compile(r"\s+")


def check(drafts: Drafts, problems: list[Problem], *, where: str) -> tuple[Fact, ...]:
    """Records every problem across files; returns the facts with their citations resolved."""
    for kind in KINDS:
        _duplicates(drafts.ids[kind], kind, problems)
    names = _Names(drafts)
    if drafts.complete:
        for kind, present in (("source", drafts.sources), ("topic", drafts.topics),
                              ("fact", drafts.facts)):
            if not present and not drafts.ids[kind]:
                empty = drafts.empty.get(kind)
                message = f"the knowledge base has no {kind}"
                problems.append(empty.problem(message + " (this list is empty)") if empty
                                else Problem(where, 1, kind, message))
    sources = {placed.value.id: placed.value for placed in drafts.sources}
    sources.update((source.id, source) for source, _ in drafts.partial_sources)
    unusable = {(source.id, name) for source, bad in drafts.partial_sources for name in bad}
    texts: dict[str, _SourceText] = {}
    facts = []
    for draft in drafts.facts:
        fact = _check_fact(draft, sources, unusable, texts, names, problems, drafts.complete)
        if fact is not None:
            facts.append(fact)
    return tuple(facts)


def _duplicates(ids: list[Placed[str]], kind: str, problems: list[Problem]) -> None:
    first: dict[str, Placed[str]] = {}
    for placed in ids:
        if placed.value in first:
            problems.append(placed.spot.problem(
                f"duplicate {kind} id {placed.value!r} (first at {first[placed.value].spot.where})"
            ))
        else:
            first[placed.value] = placed


class _Names:
    """Known ids by kind, and the nearest one to a name that is not among them."""

    def __init__(self, drafts: Drafts) -> None:
        self.known = {kind: {p.value for p in drafts.ids[kind]} for kind in KINDS}
        self.known["fact id"] = self.known["fact"]
        self.suggestions = 0

    def near(self, name: str, known: Iterable[str]) -> str:
        self.suggestions += 1
        return suggest(name, known) if self.suggestions <= MAX_SUGGESTIONS else ""

    def exists(self, kind: str, name: str) -> bool:
        """False for a name that is not known; true when there are none at all, since then
        "the knowledge base has no ..." says it once."""
        return name in self.known[kind] or not self.known[kind]

    def unknown(self, kind: str, name: str) -> str:
        return f"unknown {kind} {name!r}{self.near(name, self.known[kind])}"


def _check_fact(
    draft: FactDraft,
    sources: dict[str, Source],
    unusable: set[tuple[str, str]],
    texts: dict[str, _SourceText],
    names: _Names,
    problems: list[Problem],
    complete: bool,
) -> Fact | None:
    before = len(problems)
    topic, bad = draft.topic, draft.bad
    # An unreadable file may hold the missing topic, fact or source: only complete bases say so.
    if complete and "topic" not in bad and not names.exists("topic", topic.value):
        problems.append(topic.spot.problem(names.unknown("topic", topic.value)))
    related_nodes = _items(draft.nodes.get("related"))
    for j, related in enumerate(draft.related):
        node = related_nodes[j] if j < len(related_nodes) else None
        if related == draft.id:
            problems.append(draft.problem(f"related[{j}]", "a fact cannot relate to itself",
                                          node=node))
        elif complete and not names.exists("fact", related):
            problems.append(draft.problem(f"related[{j}]", names.unknown("fact id", related),
                                          node=node))
    citations: list[Citation] = []
    cited: list[Source] = []
    for raw in draft.citations:
        source_id = _source_of(raw, names, problems, complete)
        if source_id is None:
            continue
        source = sources.get(source_id)
        if source is None:  # unknown (reported) or broken (its own problem says why)
            if complete and not names.exists("source", source_id):
                problems.append(raw.problem("source", names.unknown("source", source_id)))
            continue
        cited.append(source)
        if (source_id, raw.field) in unusable:  # that field's own problem says why
            continue
        if source_id not in texts:
            texts[source_id] = _SourceText(source)
        citation = _locate(raw, source, texts[source_id], names, problems)
        if citation is not None:
            citations.append(citation)
    if not bad & {"speaker", "answer", "citations"}:
        _check_speaker(draft, cited, names, problems)
    if bad or len(problems) > before or len(citations) < len(draft.citations):
        return None
    return Fact(
        id=draft.id, topic=topic.value, questions=draft.questions, answer=draft.answer,
        citations=tuple(citations), speaker=draft.speaker, related=draft.related,
    )


def _items(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []


def _source_of(
    raw: CitationDraft, names: _Names, problems: list[Problem], complete: bool
) -> str | None:
    if raw.source is not None:
        return raw.source
    known = sorted(names.known["source"])
    if len(known) == 1 and complete:
        return known[0]
    if len(known) > 1:
        listed = ", ".join(known[:5]) + (", ..." if len(known) > 5 else "")
        problems.append(raw.problem("source", f"missing: the knowledge base has "
                                              f"{len(known)} sources ({listed}); say which"))
    return None


def _check_speaker(
    draft: FactDraft, cited: list[Source], names: _Names, problems: list[Problem]
) -> None:
    if not cited:
        return
    speaker = next((s for source in cited if (s := source.speaker(draft.speaker))), None)
    if speaker is None:
        known = sorted({s.id for source in cited for s in source.speakers})
        problems.append(draft.problem(
            "speaker", f"unknown speaker {draft.speaker!r}{names.near(draft.speaker, known)} "
                       f"(known: {', '.join(known[:10])})"
        ))
    elif speaker.id != "article" and speaker.name.lower() not in draft.answer.lower():
        # citebot reports claims; an unattributed claim would read as the bot's own view.
        problems.append(draft.problem(
            "answer", f"a claim by {speaker.name} must name them (\"{speaker.name} said ...\")"
        ))


@dataclass
class _SourceText:
    """A source's paragraphs joined once, so that one search finds a quote in all of them."""

    source: Source
    joined: str = ""
    starts: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        # NUL never occurs in YAML text, so a match never spans two paragraphs.
        self.joined = "\0".join(self.source.paragraphs)
        starts, at = [], 0
        for paragraph in self.source.paragraphs:
            starts.append(at)
            at += len(paragraph) + 1
        self.starts = tuple(starts)

    def paragraphs_with(self, quote: str, *, limit: int = 5) -> list[int]:
        """The numbers of the first `limit` paragraphs that contain `quote`."""
        found: list[int] = []
        at = self.joined.find(quote) if "\0" not in quote else -1
        while at >= 0 and len(found) < limit:
            number = bisect_right(self.starts, at)
            found.append(number)
            end = self.starts[number] if number < len(self.starts) else len(self.joined)
            at = self.joined.find(quote, end)
        return found

    def fields_with(self, quote: str) -> list[str]:
        return [name for name in SOURCE_METADATA if quote in _field_text(self.source, name)]

    def paragraph_at(self, index: int) -> int:
        return bisect_right(self.starts, index)


def _field_text(source: Source, name: str) -> str:
    value = getattr(source, name)
    return "\n".join(value) if isinstance(value, tuple) else str(value or "")


def _locate(
    raw: CitationDraft, source: Source, text: _SourceText, names: _Names, problems: list[Problem]
) -> Citation | None:
    """The citation with its paragraph found if it was left out, or None after a problem."""
    quote, count = raw.quote, len(source.paragraphs)
    if raw.field is not None:
        if raw.field not in SOURCE_METADATA:
            near = names.near(raw.field, SOURCE_METADATA)
            problems.append(raw.problem("field", f"unknown field {raw.field!r}{near} "
                                                 f"(one of {', '.join(SOURCE_METADATA)})"))
            return None
        value = _field_text(source, raw.field)
        if quote not in value:
            problems.append(raw.problem("quote", f"not found verbatim in field {raw.field} of "
                                                 f"{source.id}{_hint(quote, value)}"))
            return None
        return Citation(source.id, quote, field=raw.field)
    if raw.paragraph is not None:
        if not 1 <= raw.paragraph <= count:
            problems.append(raw.problem("paragraph", f"paragraph {raw.paragraph} does not exist "
                                                     f"(1 to {count}){_elsewhere(quote, text)}"))
            return None
        paragraph = source.paragraph(raw.paragraph)
        if quote not in paragraph:
            hint = _elsewhere(quote, text) or _hint(quote, paragraph)
            problems.append(raw.problem("quote", f"not found verbatim in paragraph "
                                                 f"{raw.paragraph} of {source.id}{hint}"))
            return None
        return Citation(source.id, quote, paragraph=raw.paragraph)
    numbers = text.paragraphs_with(quote, limit=3)
    fields = text.fields_with(quote)
    places = [f"paragraph {n}" for n in numbers] + [f"field {name}" for name in fields]
    if len(places) == 1:
        return Citation(source.id, quote, paragraph=numbers[0] if numbers else None,
                        field=fields[0] if fields else None)
    if places:
        problems.append(raw.problem("quote", f"found in {_and(places)} of {source.id}: add "
                                             "`paragraph:` (or `field:`) to say which"))
        return None
    hint = _hint(quote, text.joined)
    closest = text.paragraph_at(_longest_start(quote, text.joined)[0]) if hint else 0
    problems.append(raw.problem("quote", f"not found verbatim in any paragraph or field of "
                                         f"{source.id}" + (f"; closest: paragraph {closest}"
                                                           f"{hint}" if hint else "")))
    return None


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _elsewhere(quote: str, text: _SourceText) -> str:
    numbers = text.paragraphs_with(quote, limit=3)
    if not numbers:
        return ""
    return f"; the quote is in {_and([f'paragraph {n}' for n in numbers])}"


def _longest_start(quote: str, text: str) -> tuple[int, int]:
    """(where, how long) the longest start of `quote` found in `text` is.

    A binary search over the length, each step one linear `str.find`: O((n + m) log m), where
    comparing every position with the quote would be O(n * m).
    """
    low, high, where = 0, len(quote), 0
    while low < high:
        middle = (low + high + 1) // 2
        at = text.find(quote[:middle])
        if at >= 0:
            low, where = middle, at
        else:
            high = middle - 1
    return where, low


def _hint(quote: str, text: str) -> str:
    """Why a quote is not in `text`, for the usual editing slips; "" when it is not close."""
    if _normal(quote) in _normal(text):
        return "; it differs only in quote marks, dashes or spaces: copy it from the source"
    where, length = _longest_start(quote, text)
    if length < min(10, len(quote) // 2):
        return ""
    follows = text[where + length : where + length + 20].split("\0")[0]
    source_has = f"has {shorten(follows, 20)}" if follows else "ends"
    return (f"; it matches up to {shorten(quote[max(0, length - 20):length], 20)}, then the "
            f"source {source_has} where the quote has {shorten(quote[length:length + 20], 20)}")


def _normal(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_TYPOGRAPHY))
