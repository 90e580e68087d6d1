"""Does the knowledge base agree with itself? Every alternate question, asked of the engine,
must reach its own fact; two facts must not share an alternate. Used by `citebot check`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.engine import Engine

_ID_LINE = re.compile(r"""^\s*(?:-\s+)?id:\s*["']?([\w.-]+)["']?\s*$""")
_ITEM_LINE = re.compile(r"^\s*-\s+(.+?)\s*$")


@dataclass(frozen=True)
class Finding:
    file: str
    line: int
    fact: str
    question: str
    problem: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}: facts[{self.fact}].questions"
        return f"{where}: {self.question!r} {self.problem}"


def alternate_lines(files: Iterable[Path]) -> dict[tuple[str, str], tuple[str, int]]:
    """(fact id, alternate) -> (file, line) of where it is written; a fact's id line when the
    question is written in a way this plain scan does not read (a folded string)."""
    where: dict[tuple[str, str], tuple[str, int]] = {}
    for file in files:
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            continue
        fact = ""
        for number, line in enumerate(lines, 1):
            found = _ID_LINE.match(line)
            if found:
                fact = found.group(1)
                where.setdefault((fact, ""), (str(file), number))
                continue
            item = _ITEM_LINE.match(line)
            if item and fact:
                text = item.group(1)
                if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'":
                    text = text[1:-1].replace("''", "'") if text[0] == "'" else text[1:-1]
                where.setdefault((fact, text), (str(file), number))
    return where


def findings(engine: Engine, where: dict[tuple[str, str], tuple[str, int]]) -> list[Finding]:
    out: list[Finding] = []
    owners: dict[str, str] = {}
    for fact in engine.kb.facts:
        for question in fact.questions:
            file, line = where.get((fact.id, question)) or where.get((fact.id, ""), ("?", 1))
            key = " ".join(engine.index.words(question))
            other = owners.setdefault(key, fact.id)
            if other != fact.id:
                out.append(Finding(file, line, fact.id, question,
                                   f"is also an alternate of {other}"))
                continue
            reply = engine.answer(question)
            if reply.answered and reply.fact is not None and reply.fact.id == fact.id:
                continue
            if reply.answered and reply.fact is not None:
                problem = f"is answered by another fact, {reply.fact.id}"
            elif reply.kind.value == "small_talk":
                problem = "is taken for small talk"
            else:
                offered = ", ".join(s.fact for s in reply.suggestions) or "nothing"
                problem = f"is not answered ({reply.kind.value}; offered: {offered})"
            out.append(Finding(file, line, fact.id, question, problem))
    return out
