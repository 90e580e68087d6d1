"""Reads a knowledge-base folder of YAML files into a validated `KnowledgeBase`.

Every problem is reported as `file:line: field: what is wrong`, all of them in one run, so an
editor can fix the files without reading a traceback. The work is split in three: `yaml_reader`
(files to line-tracking nodes), `kb_schema` (nodes to entries) and `kb_checks` (across files).
"""

from __future__ import annotations

import gc
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.model import KnowledgeBase

if TYPE_CHECKING:
    from bot.yaml_reader import Problem

__all__ = ["KnowledgeError", "Problem", "load_knowledge"]

SUFFIXES = (".yaml", ".yml")


class KnowledgeError(Exception):
    """A knowledge base that cannot be used; `problems` holds every one found, in file order."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(str(problems[0]))
        self.problems = problems


def load_knowledge(path: Path) -> KnowledgeBase:
    """Loads and validates every `*.yaml` below `path` (or the one file `path`)."""
    problems: list[Problem] = []
    files = knowledge_files(path, problems)
    # Loading builds millions of small objects and no cycles: the cyclic garbage collector
    # would walk them all again and again (70% of the time on a 20,000-fact base).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _load(path, files, problems)
    finally:
        if collecting:
            gc.enable()


def __getattr__(name: str) -> Any:
    # The YAML side is imported when first needed: a start from a compiled knowledge base
    # (bot/compiled.py) lists the files here but never parses them.
    if name == "Problem":
        from bot.yaml_reader import Problem

        return Problem
    raise AttributeError(name)


def _problem(file: str, line: int, field: str, message: str) -> Problem:
    from bot.yaml_reader import Problem

    return Problem(file, line, field, message)


def _load(path: Path, files: list[Path], problems: list[Problem]) -> KnowledgeBase:
    from bot.kb_checks import check
    from bot.kb_schema import Drafts, read_file
    from bot.yaml_reader import read_yaml

    drafts = Drafts(complete=not problems)
    for file in files:
        read = read_yaml(file, problems)
        if read is None:
            drafts.complete = False
        else:
            read_file(*read, drafts)
    facts = check(drafts, problems, where=str(path)) if files else ()
    if problems:
        # Stable: within a file, problems found by the same pass keep their order.
        problems.sort(key=lambda p: (p.file, p.line))
        raise KnowledgeError(problems)
    return KnowledgeBase(
        sources=tuple(s.value for s in drafts.sources),
        topics=tuple(t.value for t in drafts.topics),
        facts=facts,
        aliases=tuple(drafts.aliases),
        small_talk=tuple(drafts.small_talk),
    )


def knowledge_files(path: Path, problems: list[Problem]) -> list[Path]:
    """The YAML files below `path`, sorted; a folder or file that cannot be read is a problem
    (never skipped: it may hold what the rest refers to). Hidden entries (editors' lock files,
    `.git`) are left alone."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        what = ("no such knowledge-base file or folder" if isinstance(exc, FileNotFoundError)
                else f"cannot read: {exc.strerror or exc}")
        problems.append(_problem(str(path), 1, "path", what))
        return []
    if not stat.S_ISDIR(mode):
        return [path]
    files: list[Path] = []
    others: list[str] = []
    seen: set[tuple[int, int]] = set()
    pending = [path]
    while pending:
        folder = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except OSError as exc:
            problems.append(_problem(str(folder), 1, "folder", f"cannot read: {exc.strerror}"))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                info = os.stat(entry.path)
            except OSError as exc:
                problems.append(_problem(entry.path, 1, "path", f"cannot read: {exc.strerror}"))
                continue
            if stat.S_ISDIR(info.st_mode):
                if (info.st_dev, info.st_ino) in seen:
                    problems.append(_problem(entry.path, 1, "folder",
                                            "a link to a folder that is read already"))
                else:
                    seen.add((info.st_dev, info.st_ino))
                    pending.append(Path(entry.path))
            elif entry.name.endswith(SUFFIXES):
                files.append(Path(entry.path))
            elif ".yaml" in entry.name.lower() or ".yml" in entry.name.lower():
                others.append(entry.name)
    if not files and not problems:
        found = ", ".join(sorted(others)[:3])
        near = f" (only names ending in .yaml or .yml are read; found {found})" if others else ""
        problems.append(_problem(str(path), 1, "path", f"no *.yaml files in this folder{near}"))
    return sorted(files)
