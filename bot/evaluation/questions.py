"""Load an evaluation question set, refusing a bad file with `file:line: field: what is wrong`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.yaml_reader import Problem, Reader, compose, read_yaml

DECLINE = "decline"
SMALL_TALK = "small_talk"
UNANSWERABLE = frozenset({DECLINE, SMALL_TALK})

KINDS = (
    "paraphrase",
    "typo",
    "keyword",
    "casual",
    "caps",
    "emoji",
    "rambling",
    "near_miss",
    "off_topic",
    "small_talk",
    "multi",
    "other_language",
)
SPLITS = ("tune", "holdout", "probe", "probe2", "probe3", "probe4", "probe5", "probe6", "probe7",
          "probe8", "probe9", "probe10", "probe11",
          "probe12", "probe13", "probe14", "probe15", "probe16", "probe17", "probe18")
_KEYS = ("q", "expect", "kind", "split")
_OPTIONAL = ("lang",)
# Several questions in one message expect several facts: stored joined by this.
JOIN = "+"
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Question:
    q: str
    expect: str  # a fact id, DECLINE or SMALL_TALK
    kind: str
    split: str
    line: int = 0  # 1-based line of the entry in the question file
    expect_line: int = 0  # and of its `expect`, which only the knowledge base can refute
    lang: str = "en"  # ISO 639-1 code of the question's language

    @property
    def expects(self) -> tuple[str, ...]:
        """One item per question of the message: a fact id, DECLINE or SMALL_TALK."""
        return tuple(self.expect.split(JOIN))

    @property
    def facts(self) -> tuple[str, ...]:
        return tuple(e for e in self.expects if e not in UNANSWERABLE)

    @property
    def answerable(self) -> bool:
        return bool(self.facts)


class QuestionFileError(ValueError):
    """A question file that cannot be used; the message says where and why."""


def load_questions(path: Path) -> tuple[Question, ...]:
    problems: list[Problem] = []
    return _questions(read_yaml(path, problems), problems, str(path))


def parse_questions(text: str, name: str = "<questions>") -> tuple[Question, ...]:
    problems: list[Problem] = []
    return _questions(compose(text, Reader(name, problems)), problems, name)


def _questions(
    composed: tuple[Reader, yaml.Node] | None, problems: list[Problem], name: str
) -> tuple[Question, ...]:
    # The knowledge base's reader: size limits, and lines as an editor counts them.
    if composed is None:
        problem = problems[0]
        raise QuestionFileError(f"{problem.file}:{problem.line}: not valid YAML: {problem.message}")
    root = composed[1]
    if not isinstance(root, yaml.MappingNode):
        raise QuestionFileError(f"{name}:1: the file must be a mapping with a `questions` list")
    top = _mapping(root, name)
    for key, (key_node, _) in top.items():
        if key != "questions":
            raise QuestionFileError(
                f"{name}:{_line(key_node)}: {key}: unknown key (only `questions`)"
            )
    if "questions" not in top:
        raise QuestionFileError(f"{name}:1: questions: missing")
    items = top["questions"][1]
    if not isinstance(items, yaml.SequenceNode) or not items.value:
        raise QuestionFileError(f"{name}:{_line(items)}: questions: must be a non-empty list")
    return tuple(_question(node, name) for node in items.value)


def check_expectations(questions: Iterable[Question], fact_ids: Iterable[str], name: str) -> None:
    """Every `expect` must be a fact of the knowledge base the questions are run against."""
    known = set(fact_ids)
    for question in questions:
        for fact in question.facts:
            if fact not in known:
                line = question.expect_line or question.line
                raise QuestionFileError(
                    f"{name}:{line}: expect: unknown fact {fact!r} "
                    f"(not in the knowledge base; or use {DECLINE} / {SMALL_TALK})"
                )


def _question(node: yaml.Node, name: str) -> Question:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        raise QuestionFileError(
            f"{name}:{line}: question: must be a mapping with {', '.join(_KEYS)}"
        )
    fields = _mapping(node, name)
    for key, (key_node, _) in fields.items():
        if key not in _KEYS + _OPTIONAL:
            raise QuestionFileError(
                f"{name}:{_line(key_node)}: {key}: unknown key (expected {', '.join(_KEYS)}, "
                f"optionally {', '.join(_OPTIONAL)})"
            )
    values: dict[str, str] = {"lang": "en"}
    for key in _KEYS + _OPTIONAL:
        if key not in fields:
            if key in _OPTIONAL:
                continue
            raise QuestionFileError(f"{name}:{line}: {key}: missing")
        value = fields[key][1]
        if key == "expect" and isinstance(value, yaml.SequenceNode):
            value = _joined(value, name)
        if (
            not isinstance(value, yaml.ScalarNode)
            or value.tag == _NULL_TAG
            or not value.value.strip()
        ):
            raise QuestionFileError(f"{name}:{_line(value)}: {key}: must be a non-empty string")
        values[key] = value.value.strip()
    for key, allowed in (("kind", KINDS), ("split", SPLITS)):
        if values[key] not in allowed:
            raise QuestionFileError(
                f"{name}:{_line(fields[key][1])}: {key}: {values[key]!r} is not one of "
                f"{', '.join(allowed)}"
            )
    return Question(
        values["q"],
        values["expect"],
        values["kind"],
        values["split"],
        line,
        _line(fields["expect"][1]),
        values["lang"],
    )


def _joined(node: yaml.SequenceNode, name: str) -> yaml.ScalarNode:
    """A list of expectations (one per question of a message) as one joined scalar."""
    items = node.value
    if len(items) < 2 or not all(
        isinstance(i, yaml.ScalarNode) and i.value.strip() and JOIN not in i.value for i in items
    ):
        raise QuestionFileError(
            f"{name}:{_line(node)}: expect: a list needs two or more fact ids (or {DECLINE})"
        )
    text = JOIN.join(str(i.value).strip() for i in items)
    return yaml.ScalarNode("tag:yaml.org,2002:str", text, node.start_mark, node.end_mark)


def _mapping(node: yaml.MappingNode, name: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
        if key in out:
            raise QuestionFileError(f"{name}:{_line(key_node)}: {key}: given twice")
        out[key] = (key_node, value_node)
    return out


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1
