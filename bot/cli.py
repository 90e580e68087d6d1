"""`citebot`: the command line. Translates arguments and errors; the engine does the work."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot import __version__
from bot.compiled import load_compiled
from bot.config import default_kb_path
from bot.loader import KnowledgeError
from bot.model import KnowledgeBase

if TYPE_CHECKING:
    from bot.kb_consistency import Finding

EXIT_BAD_KB = 2
# An operator fixing a file wants the first problems, not a wall of them.
MAX_PROBLEMS_SHOWN = 20


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    # Given before or after the subcommand, or not at all (the option's default is suppressed:
    # a default would let the subcommand's parser overwrite what the main parser read).
    args.kb = getattr(args, "kb", None) or default_kb_path()
    command = args.command or "chat"
    _tolerate_any_text()
    try:
        if command == "health":
            from bot.health import probe

            return probe(os.environ, out=sys.stdout)
        if command == "check":
            return _check(args)
        # Through the compiled cache: a restart reads arrays instead of parsing YAML.
        kb = load_compiled(args.kb)
        if command == "run":
            command = _pick_front_end()
        if command in ("chat", "ask"):
            from bot.assemble import build_engine
            from bot.console import ask, chat

            engine = build_engine(kb, args.kb)
            if command == "chat":
                return chat(engine, stdin=sys.stdin.buffer, stdout=sys.stdout)
            return ask(engine, args.question, as_json=args.json, stdin=sys.stdin.buffer,
                       stdout=sys.stdout, prompt=sys.stderr)
        if command == "telegram":
            from bot import telegram

            return int(telegram.run(args, kb))
        if command == "eval":
            from bot.evaluation import cli as evaluation

            return int(evaluation.run(args, kb))
        if command in ("unanswered", "stats", "feedback"):
            from bot.ops import cli as ops_cli

            return ops_cli.run(args, kb)
    except KnowledgeError as error:
        _report(error, sys.stderr)
        return EXIT_BAD_KB
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`citebot ask ... | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    parser.error(f"unknown command {command!r}")
    return EXIT_BAD_KB  # unreachable: parser.error exits


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser; the telegram and eval options are added only when asked for (`argv`), so
    that a plain question does not pay for importing python-telegram-bot."""
    common = argparse.ArgumentParser(add_help=False)
    # The main parser and every subcommand share these actions: defaults stay suppressed, so
    # an option given before the subcommand is not overwritten by the subcommand's default.
    common.add_argument(
        "--kb", type=Path, default=argparse.SUPPRESS,
        help="knowledge-base folder or file (default: $CITEBOT_KB or the built-in one)",
    )
    common.add_argument("--version", action="version", version=f"citebot {__version__}")
    parser = argparse.ArgumentParser(
        prog="citebot", parents=[common],
        description="Answers questions about one news article, quoting it verbatim.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("chat", parents=[common], help="interactive chat in the terminal (default)")
    run = sub.add_parser(
        "run", parents=[common],
        help="the Telegram bot if TELEGRAM_BOT_TOKEN is set, else the console chat",
    )
    ask = sub.add_parser("ask", parents=[common],
                         help="answer one question, or one per line from stdin")
    ask.add_argument("question", nargs="*", help="the question (none: read stdin)")
    ask.add_argument("--json", action="store_true", help="one JSON object per line")
    check = sub.add_parser("check", parents=[common],
                           help="validate a knowledge base and report its coverage")
    check.add_argument("--json", action="store_true", help="machine-readable report")
    telegram = sub.add_parser("telegram", parents=[common], help="run the Telegram bot")
    evaluation = sub.add_parser("eval", parents=[common],
                                help="measure answer quality on a question set")
    sub.add_parser("health", parents=[common],
                   help="exit 0 if the running bot's webhook server answers its health path "
                   "(a container's HEALTHCHECK)")
    from bot.ops import cli as ops_cli  # unanswered, stats, feedback: reports on the store

    ops_cli.add_parsers(sub, common)
    wanted = set(argv)
    if wanted & {"telegram", "-h", "--help"} or ("run" in wanted and _token_configured()):
        from bot import telegram as telegram_front_end

        telegram_front_end.add_arguments(telegram)
        telegram_front_end.add_arguments(run)
    if wanted & {"eval", "-h", "--help"}:
        from bot.evaluation import cli as evaluation_cli

        evaluation_cli.add_arguments(evaluation)
    return parser


def _tolerate_any_text() -> None:
    """Undecodable input and unencodable output become U+FFFD / "?" rather than a traceback;
    piped input is read as bytes anyway (bot.lines)."""
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def _token_configured() -> bool:
    return bool(os.environ.get("TELEGRAM_BOT_TOKEN") or os.environ.get("TELEGRAM_BOT_TOKEN_FILE"))


def _pick_front_end() -> str:
    if _token_configured():
        print("citebot: TELEGRAM_BOT_TOKEN is set: starting the Telegram bot.", file=sys.stderr)
        return "telegram"
    print("citebot: no TELEGRAM_BOT_TOKEN: starting the console chat "
          "(set it to run the Telegram bot).", file=sys.stderr)
    return "chat"


def _report(error: KnowledgeError, out: TextIO) -> None:
    for problem in error.problems[:MAX_PROBLEMS_SHOWN]:
        print(problem, file=out)
    hidden = len(error.problems) - MAX_PROBLEMS_SHOWN
    if hidden > 0:
        print(f"... and {hidden} more problem(s)", file=out)
    print(f"citebot: the knowledge base is not valid ({len(error.problems)} problem(s))",
          file=out)


def _check(args: argparse.Namespace) -> int:
    try:
        # Validated as the bot reads it, and compiled for its next start.
        kb = load_compiled(args.kb)
    except KnowledgeError as error:
        if args.json:
            problems = [
                {"file": p.file, "line": p.line, "field": p.field, "message": p.message}
                for p in error.problems
            ]
            print(json.dumps({"valid": False, "problems": problems}))
        else:
            _report(error, sys.stderr)
        return EXIT_BAD_KB
    report = _coverage_report(kb)
    uncited_rows: list[dict[str, object]] = report["uncited"]  # type: ignore[assignment]
    disagreements = _disagreements(kb, args.kb)
    report["disagreements"] = [
        {"file": d.file, "line": d.line, "fact": d.fact, "question": d.question,
         "problem": d.problem} for d in disagreements
    ]
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.kb}: valid")
    print(f"  sources: {report['sources']}, topics: {report['topics']}, facts: {report['facts']}, "
          f"alternate questions: {report['questions']}")
    print(f"  sentences: {report['sentences']}, not cited by any fact: {len(uncited_rows)}")
    for item in uncited_rows:
        print(f"    {item['source']} \u00b6{item['paragraph']}: {item['sentence']}")
    print(f"  alternate questions that do not reach their own fact: {len(disagreements)}")
    for d in disagreements[:MAX_PROBLEMS_SHOWN]:
        print(f"    {d}")
    return 0


def _disagreements(kb: KnowledgeBase, path: Path) -> list[Finding]:
    """Each alternate asked of the engine this knowledge base runs with (a warning: editors
    fix these by rewording, they do not stop the bot)."""
    from bot.assemble import build_engine
    from bot.kb_consistency import alternate_lines, findings
    from bot.loader import knowledge_files

    where = alternate_lines(knowledge_files(path, []))
    return findings(build_engine(kb, path), where)


def _coverage_report(kb: KnowledgeBase) -> dict[str, object]:
    from bot.coverage import sentences, uncited

    total = sum(
        len(sentences(s.id, n, p)) for s in kb.sources for n, p in enumerate(s.paragraphs, 1)
    )
    return {
        "valid": True,
        "sources": len(kb.sources),
        "topics": len(kb.topics),
        "facts": len(kb.facts),
        "questions": sum(len(f.questions) for f in kb.facts),
        "sentences": total,
        "uncited": [
            {"source": s.source, "paragraph": s.paragraph, "sentence": s.text}
            for s in uncited(kb)
        ],
    }


if __name__ == "__main__":
    raise SystemExit(main())
