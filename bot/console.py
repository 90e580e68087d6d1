"""The terminal front-end: interactive chat and one-shot / batch questions."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TextIO, assert_never

from bot import commands
from bot.commands import About, Content, Help, Sources, TopicList, TopicPage, Welcome
from bot.engine import MAX_QUESTION_CHARS, Engine
from bot.lines import clean, read_line, read_lines
from bot.model import Kind, Reply
from bot.render.console import numbered, render_text, wrap
from bot.render.jsonl import render_json
from bot.render.wording import NOT_VERIFIED, QUOTED, dateline, source_line

PROMPT = "you> "
ASK_PROMPT = "Your question about the article (Ctrl-D to cancel): "
# The shared commands the console offers, then its own way out (the first name is the one shown).
OFFERED = (commands.TOPICS, commands.SOURCE, commands.ABOUT, commands.HELP)
QUIT_NAMES, QUIT_MENU = ("/quit", "/exit", "/q"), "Leave"
COMMAND_NAMES = (*(f"/{c.name}" for c in OFFERED), QUIT_NAMES[0])


def ask(
    engine: Engine,
    question: Sequence[str],
    *,
    as_json: bool,
    stdin: BinaryIO,
    stdout: TextIO,
    prompt: TextIO,
) -> int:
    """One question from the arguments, or one per line of stdin (blank lines skipped); on a
    terminal with no question, asks for one on `prompt`."""
    width = terminal_width(stdout)

    def answer(text: str) -> None:
        reply = engine.answer(text)
        if as_json:
            print(render_json(reply), file=stdout, flush=True)
        else:
            print(render_text(reply, color=_colour(stdout), width=width), file=stdout, flush=True)

    if question or stdin.isatty():
        if question:
            text = clean(" ".join(question), max_chars=MAX_QUESTION_CHARS)
        else:
            print(ASK_PROMPT, end="", file=prompt, flush=True)
            line = read_line(stdin, max_chars=MAX_QUESTION_CHARS)
            if line is None:  # Ctrl-D: nothing asked, nothing to answer
                print(file=prompt)
                return 0
            text = line
        if not text.strip():
            print("citebot: the question is empty; ask something about the article.", file=stdout)
            return 0
        answer(text)
        return 0
    first = True
    for line in read_lines(stdin, max_chars=MAX_QUESTION_CHARS):
        if not line.strip():
            continue
        if not as_json and not first:
            print(file=stdout)  # a blank line between answers to several questions
        answer(line)
        first = False
    return 0


@dataclass(frozen=True)
class Menu:
    """The numbered list shown last: what each number picks."""

    kind: Literal["fact", "topic"]
    ids: tuple[str, ...]


class _Chat:
    def __init__(self, engine: Engine, stdout: TextIO) -> None:
        self.engine = engine
        self.kb = engine.kb
        self.out = stdout
        self.colour = _colour(stdout)
        self.menu = Menu("fact", ())
        self.source_shown = False

    def say(self, text: str) -> None:
        width = terminal_width(self.out)
        print("\n".join(wrap(text, width)), file=self.out, flush=True)

    def handle(self, text: str) -> bool:
        """Acts on one line; False when the chat should end."""
        if text.startswith("/"):
            return self.command(text)
        if text.isdecimal() and self.menu.ids:
            self.choose(int(text))
        else:
            self.reply(self.engine.answer(text))
        return True

    def command(self, text: str) -> bool:
        name, _, argument = text.partition(" ")
        name, argument = name.lower(), argument.strip()
        if name in QUIT_NAMES:
            return False
        command = next((c for c in OFFERED if f"/{c.name}" == name), None)
        if command is None:
            self.say(f"Unknown command \u201c{text.split()[0]}\u201d; the commands are "
                     f"{', '.join(COMMAND_NAMES)}.")
        elif command is commands.TOPICS and argument:
            # "/topics N": the questions of topic N, without showing the list first.
            topics = commands.topic_list(self.kb)
            if argument.isdecimal():
                self.menu = Menu("topic", tuple(p.topic.id for p in topics.pages))
                self.choose(int(argument))
            else:
                self.say(f"/topics lists the topics; /topics N (1 to {len(topics.pages)}) "
                         "lists the questions of topic N.")
        else:
            self.show(command.run(self.kb))
        return True

    def show(self, content: Content) -> None:
        """A command's value, as lines of text; a list is numbered, and a number picks from it."""
        width = terminal_width(self.out)
        match content:
            case Help():
                self.say(help_text(content))
            case Sources():
                self.say("\n".join(source_line(s) for s in content.sources))
                self.source_shown = True
            case TopicList():
                lines = wrap("Topics (type a number to see all its questions):", width)
                items = [f"{p.topic.title} ({len(p.facts)})"
                         + (f": {p.topic.description}" if p.topic.description else "")
                         for p in content.pages]
                lines.extend(numbered(items, width))
                print("\n".join(lines), file=self.out, flush=True)
                self.menu = Menu("topic", tuple(p.topic.id for p in content.pages))
            case TopicPage():
                lines = wrap(f"{content.topic.title} (type a number for the answer, /topics "
                             "for all topics):", width)
                lines.extend(numbered([f.questions[0] for f in content.facts], width))
                print("\n".join(lines), file=self.out, flush=True)
                self.menu = Menu("fact", tuple(f.id for f in content.facts))
            case Welcome():
                source = content.source
                self.say(f"citebot \u2014 ask about \u201c{source.title}\u201d "
                         f"({dateline(source)}). /help for help, /quit to leave.")
            case About():
                source = content.source
                self.say(f"My answers come only from one article: \u201c{source.title}\u201d "
                         f"({dateline(source)}). {QUOTED}\n{NOT_VERIFIED}")
            case _:
                assert_never(content)

    def choose(self, number: int) -> None:
        ids = self.menu.ids
        if not 1 <= number <= len(ids):
            self.say(f"There is no choice {number} here: type a number from 1 to {len(ids)}, "
                     "or ask a question in words.")
            return
        chosen = ids[number - 1]
        if self.menu.kind == "topic":
            topic = self.kb.topic(chosen)
            if topic is not None:  # ids taken from the same knowledge base
                self.show(commands.topic_page(self.kb, topic))
            return
        reply = self.engine.answer_fact(chosen)
        if reply is None:  # cannot happen with ids taken from the same knowledge base
            self.say(f"There is no choice {number} here.")
            return
        self.reply(reply)

    def reply(self, reply: Reply) -> None:
        show_source = reply.kind is Kind.ANSWER and reply.source is not None
        text = render_text(reply, color=self.colour, width=terminal_width(self.out),
                           source=show_source and not self.source_shown)
        self.source_shown = self.source_shown or show_source
        print(text, file=self.out, flush=True)
        shown = reply.related if reply.kind is Kind.ANSWER else reply.suggestions
        self.menu = Menu("fact", tuple(s.fact for s in shown))


def help_text(content: Help) -> str:
    example = f', e.g. \u201c{content.example}\u201d' if content.example else ""
    rows = [(f"/{c.name}", c.menu) for c in OFFERED] + [(QUIT_NAMES[0], QUIT_MENU)]
    width = max(len(name) for name, _ in rows)
    listed = "\n".join(f"  {name:<{width}}  {menu}" for name, menu in rows)
    return (f"Ask anything about the article in your own words{example}.\nCommands:\n{listed}\n"
            'Numbered lists (related questions, "did you mean", topics): type a number to choose.')


def chat(engine: Engine, *, stdin: BinaryIO, stdout: TextIO) -> int:
    interactive = stdin.isatty() and stdout.isatty()
    if interactive:
        _enable_history()
    session = _Chat(engine, stdout)
    session.show(commands.welcome(engine.kb))
    while True:
        try:
            line = _input() if interactive else _read(stdin, stdout)
        except (EOFError, KeyboardInterrupt):
            print(file=stdout)
            return 0
        if line is None:
            return 0
        text = line.strip()
        if text and not session.handle(text):
            return 0


def _input() -> str:
    # The terminal's own line editing and history; cut like any other line.
    return clean(input(PROMPT), max_chars=MAX_QUESTION_CHARS)


def _read(stdin: BinaryIO, stdout: TextIO) -> str | None:
    """A line from a pipe; the prompt is still shown so transcripts read like a chat."""
    print(PROMPT, end="", file=stdout, flush=True)
    line = read_line(stdin, max_chars=MAX_QUESTION_CHARS)
    if line is None:
        print(file=stdout)
        return None
    print(line, file=stdout)  # echo, so a piped session reads like a chat
    return line


def terminal_width(stream: TextIO) -> int | None:
    """Where to wrap: $COLUMNS if set, else the terminal's width; None (no wrapping) for a pipe
    or file, whose reader wraps for itself."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdecimal() and int(columns) > 0:
        return int(columns)
    if stream.isatty():
        import shutil  # only on a terminal

        return shutil.get_terminal_size().columns
    return None


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
