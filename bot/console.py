"""The terminal front-end: interactive chat and one-shot / batch questions."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.engine import Engine
from bot.model import Kind, KnowledgeBase, Reply
from bot.render.common import source_line
from bot.render.jsonl import render_json
from bot.render.text import render_text

PROMPT = "you> "
HELP = """Ask anything about the article in your own words, e.g. "how big is the free trade zone?".
Commands: /topics  what I know about   /source  the article   /help  this text   /quit  leave
After "did you mean", type the number of the question you meant."""


def ask(
    kb: KnowledgeBase,
    question: Sequence[str],
    *,
    as_json: bool,
    stdin: TextIO,
    stdout: TextIO,
) -> int:
    """One question from the arguments, or one per line of stdin (blank lines skipped)."""
    engine = Engine(kb)
    if question and not " ".join(question).strip():
        print("citebot: the question is empty; ask something about the article.", file=stdout)
        return 0
    lines = [" ".join(question)] if question else (line.rstrip("\r\n") for line in stdin)
    for line in lines:
        if not line.strip():
            continue
        reply = engine.answer(line)
        if as_json:
            print(render_json(reply), file=stdout, flush=True)
        else:
            print(render_text(reply, color=_colour(stdout)), file=stdout)
            if not question:
                print(file=stdout)  # a blank line between answers to several questions
    return 0


def chat(kb: KnowledgeBase, *, stdin: TextIO, stdout: TextIO) -> int:
    engine = Engine(kb)
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        _enable_history()
    colour = _colour(stdout)
    source = kb.sources[0]
    print(f"citebot \u2014 ask about \u201c{source.title}\u201d ({source.publisher}, "
          f"{source.published}). /help for help, /quit to leave.", file=stdout)
    offered: tuple[str, ...] = ()  # fact ids of the last "did you mean", for number replies
    while True:
        try:
            line = input(PROMPT) if interactive else _read(stdin, stdout)
        except (EOFError, KeyboardInterrupt):
            print(file=stdout)
            return 0
        if line is None:
            return 0
        text = line.strip()
        if not text:
            continue
        command = text.lower()
        if command in ("/quit", "/exit", "/q"):
            return 0
        if command == "/help":
            print(HELP, file=stdout)
            continue
        if command == "/topics":
            print(_topics(kb), file=stdout)
            continue
        if command == "/source":
            print(_sources(kb), file=stdout)
            continue
        reply: Reply | None = None
        if text.isdigit() and 1 <= int(text) <= len(offered):
            reply = engine.answer_fact(offered[int(text) - 1])
        if reply is None:
            reply = engine.answer(text)
        offered = tuple(s.fact for s in reply.suggestions) if reply.kind is not Kind.ANSWER else ()
        print(render_text(reply, color=colour), file=stdout, flush=True)


def _read(stdin: TextIO, stdout: TextIO) -> str | None:
    """A line from a pipe; the prompt is still shown so transcripts read like a chat."""
    print(PROMPT, end="", file=stdout, flush=True)
    line = stdin.readline()
    if not line:
        print(file=stdout)
        return None
    print(line.rstrip("\r\n"), file=stdout)  # echo, so a piped session reads like a chat
    return line


def _topics(kb: KnowledgeBase) -> str:
    lines = []
    for topic in kb.topics:
        facts = kb.facts_of(topic.id)
        lines.append(f"{topic.title} ({len(facts)}): {topic.description}")
        lines.extend(f"  - {f.questions[0]}" for f in facts[:3])
    return "\n".join(lines)


def _sources(kb: KnowledgeBase) -> str:
    return "\n".join(source_line(s) for s in kb.sources)


def _colour(stream: TextIO) -> bool:
    return stream.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM") != "dumb"


def _history_file() -> Path:
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    return (Path(state) if state else Path.home() / ".local" / "state") / "citebot_history"


def _enable_history() -> None:
    try:
        import atexit
        import readline
    except ImportError:  # no readline on this platform: plain input still works
        return
    history = _history_file()
    with contextlib.suppress(OSError):  # no history yet
        readline.read_history_file(history)
    readline.set_history_length(1000)

    def save() -> None:
        try:
            history.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(history)
        except OSError:
            pass  # a read-only home must not turn leaving into an error

    atexit.register(save)
