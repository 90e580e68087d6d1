"""Reads YAML files into nodes that report their problems as `file:line: field: what is wrong`.

The YAML is composed into nodes (not loaded into plain objects) so that every value keeps the
line it came from; values are then read one field at a time, each with its own problem, so that
one run lists every mistake of a file. Nothing here knows what a knowledge base is.
"""

from __future__ import annotations

import os
import re
import stat
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

import yaml
from rapidfuzz import fuzz, process
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

T = TypeVar("T")

# A hand-edited file past a few MB is a mistake (or an attack); aliases may repeat a value, but
# not into a text far larger than the file, and no single value is longer than a long transcript.
MAX_FILE_BYTES = 2_000_000
MAX_EXPANDED_CHARS = 4_000_000
MAX_TEXT_CHARS = 20_000
MAX_NUMBER_DIGITS = 18

_YAML = "tag:yaml.org,2002:"
_STR, _INT, _NULL, _BOOL = _YAML + "str", _YAML + "int", _YAML + "null", _YAML + "bool"
_MAP, _SEQ = _YAML + "map", _YAML + "seq"
_SCALAR_TAGS = {_STR, _INT, _NULL, _BOOL, _YAML + "float", _YAML + "timestamp"}
# libyaml's parser where PyYAML was built with it: about 3x faster, with the same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_RESOLVER = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
_CONSTRUCT = {
    _INT: _CONSTRUCTOR.construct_yaml_int,
    _YAML + "float": _CONSTRUCTOR.construct_yaml_float,
    _YAML + "timestamp": _CONSTRUCTOR.construct_yaml_timestamp,
    _BOOL: _CONSTRUCTOR.construct_yaml_bool,
}
_KIND_NAMES = {_INT: "a whole number", _YAML + "float": "a number",
               _YAML + "timestamp": "a date or time", _BOOL: "true or false"}
# YAML counts these as line breaks; editors number lines by "\n" (and a lone "\r").
_ODD_BREAKS = re.compile("[\u2028\u2029\x85]|\r(?!\n)")
_EDITOR_BREAK = re.compile("\r\n?|\n")
# What YAML refuses to read at all (control characters, lone surrogates, U+FFFE/U+FFFF).
_UNREADABLE = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
# An alias (`*name`) somewhere: only then can the composed tree be larger than the text.
_ALIAS = re.compile(r"(?:^|(?<=[\s\[{,]))\*[^\s\[\]{},]")
# libyaml's wording → what an editor should do about it.
_SYNTAX_HINTS = (
    ("tab", "indent with spaces, not tabs"),
    ("mapping values are not allowed", "put a value that contains ': ' in quotes"),
    ("did not find expected key", "check the indentation of this line and the one above"),
    ("found undefined alias", "an alias `*name` needs an anchor `&name` above it"),
)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int  # 1-based, as an editor numbers lines
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class Invalid(Exception):
    """A value that cannot be used, caught per field so that the others are still read.

    `problem` is None when the problems were recorded already (in a value with several fields).
    """

    def __init__(self, problem: Problem | None) -> None:
        super().__init__(str(problem or "already recorded"))
        self.problem = problem


def shorten(value: object, limit: int = 40) -> str:
    """`repr` of a value cut to fit in a one-line message (a value may be a megabyte long)."""
    text = str(value)
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def suggest(name: str, known: Iterable[str]) -> str:
    """` (did you mean 'x'?)` for the nearest known name, or nothing if none is close."""
    best = process.extractOne(name, known, scorer=fuzz.ratio, score_cutoff=60)
    return f" (did you mean {best[0]!r}?)" if best else ""


@dataclass
class Reader:
    """The nodes of one file, turned into checked values; problems go to the shared list."""

    file: str
    problems: list[Problem]
    # The file's text, kept only when YAML's line numbers differ from an editor's.
    text: str | None = None
    _breaks: list[int] | None = field(default=None, repr=False)

    def line(self, node: Node) -> int:
        return self.line_at(node.start_mark.index, node.start_mark.line)

    def line_at(self, index: int, yaml_line: int) -> int:
        if self.text is None:
            return yaml_line + 1
        if self._breaks is None:
            self._breaks = [m.end() for m in _EDITOR_BREAK.finditer(self.text)]
        return bisect_right(self._breaks, index) + 1

    def problem(self, node: Node, field: str, message: str) -> Problem:
        return Problem(self.file, self.line(node), field, message)

    def fail(self, node: Node, field: str, message: str) -> Invalid:
        return Invalid(self.problem(node, field, message))

    def add(self, node: Node, field: str, message: str) -> None:
        self.problems.append(self.problem(node, field, message))

    def record(self, invalid: Invalid) -> None:
        if invalid.problem is not None:
            self.problems.append(invalid.problem)

    def mapping(
        self,
        node: Node,
        field: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> dict[str, Node]:
        """The keys of a mapping; a bad, repeated or unknown key and a missing one are each a
        problem of their own, and the rest is still returned."""
        if not isinstance(node, MappingNode):
            raise self.fail(node, field, f"expected a mapping, got {describe(node)}")
        if node.tag != _MAP:
            self._standard_tag(node, field, _MAP)
        out: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else None
            if key in out or (key not in required and key not in optional):
                self._bad_key(key_node, field, out, (*required, *optional))
            else:
                out[key] = value_node
        for key in required:
            if key not in out:
                self.add(node, f"{field}.{key}" if field else key, "missing required field")
        return out

    def _bad_key(self, key_node: Node, field: str, out: dict[str, Node],
                 allowed: tuple[str, ...]) -> None:
        if not isinstance(key_node, ScalarNode):
            self.add(key_node, field or "file", "keys must be plain strings")
            return
        key: str = key_node.value
        name = f"{field}.{key}" if field else key
        if key in out:
            self.add(key_node, name, "duplicate key")
        else:
            self.add(key_node, name, f"unknown key{suggest(key, allowed)} "
                                     f"(allowed: {', '.join(allowed)})")

    def sequence(self, node: Node, field: str, *, min_items: int = 0) -> list[Node]:
        if not isinstance(node, SequenceNode):
            raise self.fail(node, field, f"expected a list, got {describe(node)}")
        if node.tag != _SEQ:
            self._standard_tag(node, field, _SEQ)
        if len(node.value) < min_items:
            count = len(node.value)
            raise self.fail(node, field, f"needs at least {min_items} item(s), has {count}")
        return list(node.value)

    def string(self, node: Node, field: str, *, pattern: re.Pattern[str] | None = None) -> str:
        if not isinstance(node, ScalarNode):
            raise self.fail(node, field, f"expected a string, got {describe(node)}")
        text: str = node.value
        if node.tag != _STR:
            self._standard_tag(node, field, *_SCALAR_TAGS)
            if node.tag in (_NULL, _BOOL):
                raise self.fail(node, field, f"expected a string, got {describe(node)}")
            # A bare 2024 or 2024-03-07 where text was meant: keep what was written, unless an
            # explicit tag (`!!int abc`) asks for a value it does not hold.
            if not self._implicit(node):
                value = self._construct(node, field)
                if type(value) is date:
                    text = value.isoformat()
        text = text.strip()
        if not text:
            raise self.fail(node, field, "must not be empty")
        if len(text) > MAX_TEXT_CHARS:
            raise self.fail(node, field, f"{len(text):,} characters long; at most "
                                         f"{MAX_TEXT_CHARS:,} (split it)")
        if pattern is not None and not pattern.match(text):
            raise self.fail(node, field, f"{shorten(text)} does not match {pattern.pattern}")
        return text

    def integer(self, node: Node, field: str) -> int:
        if not isinstance(node, ScalarNode) or node.tag != _INT:
            if isinstance(node, ScalarNode):
                self._standard_tag(node, field, *_SCALAR_TAGS)
            raise self.fail(node, field, f"expected a whole number, got {describe(node)}")
        digits = sum(c.isdigit() for c in node.value)
        if digits > MAX_NUMBER_DIGITS:
            raise self.fail(node, field, f"a {digits:,}-digit number is too large")
        value = self._construct(node, field)
        assert isinstance(value, int)
        return value

    def items(
        self, node: Node, field: str, read: Callable[[Node, str], T], *, min_items: int = 0
    ) -> tuple[T, ...]:
        """Reads a whole list: every bad item is recorded, and then the list is refused."""
        out: list[T] = []
        bad = False
        for i, item in enumerate(self.sequence(node, field, min_items=min_items)):
            try:
                out.append(read(item, f"{field}[{i}]"))
            except Invalid as invalid:
                self.record(invalid)
                bad = True
        if bad:
            raise Invalid(None)
        return tuple(out)

    def strings(self, node: Node, field: str, *, min_items: int = 0) -> tuple[str, ...]:
        return self.items(node, field, self.string, min_items=min_items)

    def each(self, nodes: Iterable[Node], read: Callable[[Node, int], T]) -> Iterator[T]:
        """Reads every item, recording a problem for a bad one and going on with the rest."""
        for i, item in enumerate(nodes):
            try:
                yield read(item, i)
            except Invalid as invalid:
                self.record(invalid)

    def _standard_tag(self, node: Node, field: str, *allowed: str) -> None:
        if node.tag not in allowed:
            tag = node.tag.replace(_YAML, "!!")
            raise self.fail(node, field, f"YAML tag {shorten(tag)} is not supported here "
                                         "(write plain text)")

    @staticmethod
    def _implicit(node: ScalarNode) -> bool:
        if node.style:  # quoted (plain is None, or "" from libyaml): implicitly a string
            return False
        implicit = _RESOLVER.resolve(ScalarNode, node.value, (True, False))  # type: ignore[no-untyped-call]
        return bool(implicit == node.tag)

    def _construct(self, node: ScalarNode, field: str) -> object:
        try:
            return _CONSTRUCT[node.tag](node)
        except Exception:  # PyYAML raises ValueError, AttributeError, ... for a bad value
            kind = _KIND_NAMES.get(node.tag, node.tag)
            raise self.fail(node, field, f"{shorten(node.value)} is not {kind}") from None


class Fields:
    """The fields of one mapping, read one by one: a bad field is recorded, the others are still
    read, and `bad` says what was missing or bad."""

    def __init__(
        self,
        reader: Reader,
        node: Node,
        field: str,
        *,
        required: tuple[str, ...] = (),
        optional: tuple[str, ...] = (),
    ) -> None:
        self.reader, self.node, self.field = reader, node, field
        self.nodes = reader.mapping(node, field, required=required, optional=optional)
        # The keys that were missing or bad: the value cannot be built, but may still be checked.
        self.bad = {key for key in required if key not in self.nodes}

    def name(self, key: str) -> str:
        return f"{self.field}.{key}" if self.field else key

    def get(self, key: str, read: Callable[[Node, str], T], default: T) -> T:
        node = self.nodes.get(key)
        if node is None:
            return default
        try:
            return read(node, self.name(key))
        except Invalid as invalid:
            self.reader.record(invalid)
            self.bad.add(key)
            return default

    def done(self) -> None:
        """Refuses the value if anything it needs was missing or bad (all of it is recorded)."""
        if self.bad:
            raise Invalid(None)


def describe(node: Node) -> str:
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, ScalarNode):
        if node.tag == _NULL:
            return "nothing"
        return f"{node.tag.rsplit(':', 1)[-1]} {shorten(node.value)}"
    return "something else"


def read_yaml(
    path: Path, problems: list[Problem], *, name: str | None = None
) -> tuple[Reader, Node] | None:
    """Reads and composes one file; on any problem records it and returns None."""
    reader = Reader(name or str(path), problems)
    try:
        # Checked before opening: opening a pipe would wait for a writer.
        if not stat.S_ISREG(os.stat(path).st_mode):
            problems.append(Problem(reader.file, 1, "file", "not a regular file"))
            return None
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.append(Problem(reader.file, 1, "file", f"cannot read: {exc.strerror or exc}"))
        return None
    if len(data) > MAX_FILE_BYTES:
        problems.append(Problem(reader.file, 1, "file", f"larger than {MAX_FILE_BYTES:,} bytes: "
                                                        "split it into several files"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.append(Problem(reader.file, line, "file",
                                f"not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason})"))
        return None
    return compose(text, reader)


def compose(text: str, reader: Reader) -> tuple[Reader, Node] | None:
    """Composes `text`; returns the reader and the root node, or None after recording why not."""
    if _has_odd_breaks(text):
        reader.text = text
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        reader.problems.append(_syntax_problem(exc, text, reader))
        return None
    except yaml.YAMLError as exc:  # a character YAML refuses (its position is in bytes: find it)
        reader.problems.append(_unreadable_problem(exc, text, reader))
        return None
    if root is None:
        reader.problems.append(Problem(reader.file, 1, "file", "empty file"))
        return None
    if "*" in text and _ALIAS.search(text):
        too_big = _expansion_problem(root, reader)
        if too_big is not None:
            reader.problems.append(too_big)
            return None
    return reader, root


def _has_odd_breaks(text: str) -> bool:
    # `in` is several times faster than a regular expression over a whole file.
    return ("\u2028" in text or "\u2029" in text or "\x85" in text
            or ("\r" in text and _ODD_BREAKS.search(text) is not None))


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, reader: Reader) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    index, line = (mark.index, mark.line) if mark else (0, 0)
    what = " ".join(str(p) for p in (exc.context, exc.problem) if p)
    if (
        exc.context == "while scanning a quoted scalar"
        and exc.context_mark is not None
        and "end of stream" in str(exc.problem)
    ):
        # libyaml gives up at the end of the file; the quote was opened where the scalar began.
        opened = reader.line_at(exc.context_mark.index, exc.context_mark.line)
        return Problem(reader.file, opened, "yaml", "syntax error: this quote is never closed")
    if (
        exc.context in ("while parsing a flow sequence", "while parsing a flow mapping")
        and exc.context_mark is not None
        and "did not find expected ','" in str(exc.problem)
    ):
        bracket = "[" if "sequence" in exc.context else "{"
        opened = reader.line_at(exc.context_mark.index, exc.context_mark.line)
        return Problem(reader.file, opened, "yaml",
                       f"syntax error: the {bracket} opened here is not closed before line "
                       f"{reader.line_at(index, line)} (or a ',' is missing)")
    opened_at = _runaway_quote(text, index)
    if opened_at is not None:
        start, end = opened_at
        return Problem(
            reader.file, reader.line_at(*start), "yaml",
            f"syntax error: the quote opened here runs on to line {reader.line_at(*end)}, "
            f"where YAML then fails ({what}): is a closing quote missing?",
        )
    hint = next((h for key, h in _SYNTAX_HINTS if key in what), "")
    return Problem(reader.file, reader.line_at(index, line), "yaml",
                   f"syntax error: {what}" + (f" ({hint})" if hint else ""))


def _runaway_quote(text: str, error_index: int) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """Where a quoted value that spans lines began, if it ends right before a syntax error: a
    missing closing quote makes YAML read on to the next quote and fail lines later."""
    last: yaml.Token | None = None
    tokens = 0
    try:
        for token in yaml.scan(text, Loader=_LOADER):
            if token.start_mark.index >= error_index:
                break
            tokens += 1
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                last, tokens = token, 0
    except yaml.YAMLError:
        pass
    if last is None or tokens > 3 or last.start_mark.line == last.end_mark.line:
        return None
    start, end = last.start_mark, last.end_mark
    return (start.index, start.line), (end.index, end.line)


def _unreadable_problem(exc: yaml.YAMLError, text: str, reader: Reader) -> Problem:
    found = _UNREADABLE.search(text)
    if found is None:
        return Problem(reader.file, 1, "yaml", f"cannot read: {shorten(exc, 200)}")
    index = found.start()
    line = reader.line_at(index, text.count("\n", 0, index))
    code = f"U+{ord(found.group()):04X}"
    return Problem(reader.file, line, "yaml",
                   f"character {code} is not allowed in YAML (delete it or write it as an escape "
                   f"in a double-quoted string)")


def _expansion_problem(root: Node, reader: Reader) -> Problem | None:
    """Aliases reuse one node in many places; count the text they stand for, each node once
    (so an alias bomb is cheap to measure) and refuse a file that would expand past the limit."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, ScalarNode):
            sizes[key] = len(node.value) + 1
            continue
        children: list[Node] = (
            [n for pair in node.value for n in pair] if isinstance(node, MappingNode)
            else list(node.value)
        )
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_EXPANDED_CHARS:
                return reader.problem(node, "yaml", f"aliases expand this to more than "
                                                    f"{MAX_EXPANDED_CHARS:,} characters of text")
            continue
        if key in open_nodes:
            return reader.problem(node, "yaml", "an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((node, True))
        for child in children:
            if id(child) in open_nodes:
                return reader.problem(child, "yaml", "an alias refers to a value that contains "
                                                     "it")
            if id(child) not in sizes:
                stack.append((child, False))
    return None
