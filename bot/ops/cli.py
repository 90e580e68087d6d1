"""`citebot unanswered | stats | feedback`: what readers asked, read from the store.

bot.cli registers these with add_parsers() and hands over with run(). The report functions
here are also what the Telegram admin commands send. The store and the reports are imported
when a report is made: every start of the command line registers these commands.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from bot.ops import DEFAULT_SIMILARITY

if TYPE_CHECKING:
    from datetime import datetime

    from bot.model import KnowledgeBase
    from bot.ops.reports import Answers, Step
    from bot.storage import Storage

COMMANDS = ("unanswered", "stats", "feedback")
EXIT_NO_STORE = 1
DEFAULT_LIMIT = 20


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """The three subcommands, on bot.cli's subparsers (`sub`)."""
    store = argparse.ArgumentParser(add_help=False)
    store.add_argument(
        "--db", type=Path, metavar="PATH",
        help="SQLite file to read (default: $DATABASE_URL if set, else $CITEBOT_DB, else "
        "$XDG_STATE_HOME/citebot/citebot.db)",
    )
    store.add_argument("--since", type=_days, metavar="DAYS",
                       help="only the last DAYS days (default: everything kept)")
    store.add_argument("--json", action="store_true", help="one JSON object")
    unanswered = sub.add_parser(
        "unanswered", parents=[common, store],
        help="declined and did-you-mean questions, grouped, with the nearest fact",
    )
    unanswered.add_argument(
        "--yaml", action="store_true",
        help="print suggested alternate questions per fact (YAML) for review; nothing is "
        "added to the knowledge base",
    )
    unanswered.add_argument("--limit", type=int, default=DEFAULT_LIMIT, metavar="N",
                            help=f"groups shown (default {DEFAULT_LIMIT})")
    unanswered.add_argument(
        "--similarity", type=float, default=DEFAULT_SIMILARITY, metavar="0-100",
        help=f"how alike two questions must be to group (default {DEFAULT_SIMILARITY})",
    )
    sub.add_parser("stats", parents=[common, store],
                   help="questions per day, answered/suggested/declined, top facts and gaps")
    sub.add_parser("feedback", parents=[common, store],
                   help="readers' 👍/👎 per fact, worst first")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of days: {text!r}") from None
    if days < 1:
        raise argparse.ArgumentTypeError("DAYS must be at least 1")
    return days


def since(days: int | None, *, now: datetime | None = None) -> datetime | None:
    from datetime import UTC, datetime, timedelta

    return None if days is None else (now or datetime.now(UTC)) - timedelta(days=days)


def run(args: argparse.Namespace, kb: KnowledgeBase, *, out: TextIO | None = None,
        err: TextIO | None = None) -> int:
    from bot.assemble import build_engine
    from bot.ops.progress import Progress
    from bot.storage import StorageError, open_storage

    out = out if out is not None else sys.stdout
    err = err if err is not None else sys.stderr
    try:
        store = open_storage(args.db, read_only=True)
    except StorageError as exc:
        print(f"citebot {args.command}: {exc}", file=err)
        return EXIT_NO_STORE
    try:
        with Progress(err) as progress:
            progress.stage("reading the knowledge base")
            text = report(args, build_engine(kb, args.kb), store, progress)
    except StorageError as exc:
        print(f"citebot {args.command}: {exc}", file=err)
        return EXIT_NO_STORE
    finally:
        store.close()
    print(text, file=out)
    return 0


def report(args: argparse.Namespace, engine: Answers, store: Storage, step: Step) -> str:
    """The text (or JSON, or YAML) of one report command."""
    from bot.ops import render
    from bot.ops.reports import feedback, group_unanswered, stats

    start = since(args.since)
    if args.command == "feedback":
        step("reading votes", 0, 0)
        rows = feedback(store.votes(start), engine.kb)
        if args.json:
            return render.feedback_json(rows, since_days=args.since)
        return render.feedback_text(rows, since_days=args.since)
    step("reading questions", 0, 0)
    asked = store.questions(start)
    if args.command == "stats":
        votes = store.votes(start)
        result = stats(asked, votes, engine, step=step)
        if args.json:
            return render.stats_json(result, since_days=args.since)
        return render.stats_text(result, since_days=args.since)
    groups = group_unanswered(asked, engine, similarity=args.similarity, step=step)
    if args.yaml:
        from datetime import UTC, datetime

        return render.alternates_yaml(groups, generated=datetime.now(UTC))
    if args.json:
        return render.unanswered_json(groups, since_days=args.since)
    return render.unanswered_text(groups, since_days=args.since, limit=args.limit)


def admin_report(command: str, engine: Answers, opener: Callable[[], Storage],
                 *, since_days: int | None = 7, limit: int = 10) -> str:
    """/unanswered and /stats for a Telegram admin: the same text, over the last week."""
    args = argparse.Namespace(command=command, since=since_days, json=False, yaml=False,
                              limit=limit, similarity=DEFAULT_SIMILARITY)
    store = opener()
    try:
        return report(args, engine, store, lambda *_: None)
    finally:
        store.close()
