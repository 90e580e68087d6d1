"""Logging for the Telegram front-end: one line per event, secrets scrubbed, no message text
or user ids unless the operator asks for it (on every path, other libraries' records too)."""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TextIO

from telegram.error import TelegramError

from bot.telegram.token import RedactingFilter

LOGGER_NAME = "citebot.telegram"
log = logging.getLogger(LOGGER_NAME)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# httpx logs every request URL at INFO, and Bot API URLs contain the token; httpcore is chattier.
NOISY_LOGGERS = ("httpx", "httpcore")


HIDDEN = "<hidden>"
OWN_LOGGERS = "citebot"


def _safe_argument(value: object) -> object:
    # Numbers are counts, ids of updates and timings; Bot API errors carry Telegram's own words.
    if value is None or isinstance(value, int | float | TelegramError):
        return value
    return HIDDEN


def _headline(exc: BaseException) -> str:
    if isinstance(exc, TelegramError):
        return f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
    return f"{type(exc).__module__}.{type(exc).__qualname__} (message hidden)"


def private_traceback(exc: BaseException) -> str:
    """Like Python's traceback, but an exception's message (which may quote the update that
    caused it) is shown only for Bot API errors. Frames and exception types stay."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    parts: list[str] = []
    for i, link in enumerate(reversed(chain)):
        if i:
            parts.append("\nwhich led to:\n\n")
        parts.append("Traceback (most recent call last):\n")
        parts.extend(traceback.format_tb(link.__traceback__))
        parts.append(_headline(link) + "\n")
    return "".join(parts).rstrip("\n")


class PrivacyFilter(logging.Filter):
    """Keeps user text and user ids out of the logs without --log-questions.

    Our own records never contain them; other libraries' records (python-telegram-bot logs a
    whole update when it cannot parse it) get their non-numeric arguments hidden, and every
    exception's message is hidden except Bot API errors. Attach before the RedactingFilter.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args and not record.name.startswith(OWN_LOGGERS):
            args: Any = record.args
            safe: Any = (
                {k: _safe_argument(v) for k, v in args.items()} if isinstance(args, dict)
                else tuple(_safe_argument(a) for a in args)
            )
            try:
                record.msg = str(record.msg) % safe
            except (TypeError, ValueError, KeyError):
                record.msg = f"{record.msg} [arguments hidden]"
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = private_traceback(record.exc_info[1])
        return True


@dataclass
class LogSetup:
    """What setup_logging changed, so that tests (and a second run in one process) can undo it."""

    handler: logging.Handler
    redactor: RedactingFilter
    privacy: PrivacyFilter | None = None
    _patched: list[logging.Handler] = field(default_factory=list)
    _levels: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        for handler in self._patched:
            handler.removeFilter(self.redactor)
            if self.privacy is not None:
                handler.removeFilter(self.privacy)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self.handler.close()


def setup_logging(
    secrets: Iterable[str],
    *,
    stream: TextIO | None = None,
    level: int = logging.INFO,
    log_questions: bool = False,
) -> LogSetup:
    """Logs to `stream` (stderr) through a privacy filter (unless `log_questions`) and a
    redacting filter.

    Handlers that were already on the root logger get the filters too, so that no output path
    leaks the token or what users wrote.
    """
    redactor = RedactingFilter(secrets)
    privacy = None if log_questions else PrivacyFilter()
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    root = logging.getLogger()
    setup = LogSetup(handler=handler, redactor=redactor, privacy=privacy)
    for target in (handler, *root.handlers):
        if privacy is not None:
            target.addFilter(privacy)
        target.addFilter(redactor)
        if target is not handler:
            setup._patched.append(target)
    root.addHandler(handler)
    for name, wanted in ((None, level), *((n, logging.WARNING) for n in NOISY_LOGGERS)):
        logger = logging.getLogger(name)
        setup._levels[name or ""] = logger.level
        logger.setLevel(wanted)
    return setup


@dataclass(frozen=True)
class Event:
    """One handled update, as logged: who (kind of chat), what happened, how fast."""

    update_id: int | None
    chat_type: str
    outcome: str
    fact: str | None = None
    latency_ms: float = 0.0
    question: str | None = None

    def line(self) -> str:
        parts = [
            f"update={self.update_id if self.update_id is not None else '-'}",
            f"chat={self.chat_type}",
            f"outcome={self.outcome}",
            f"fact={self.fact or '-'}",
            f"latency_ms={self.latency_ms:.1f}",
        ]
        if self.question is not None:
            # repr() keeps one event on one line whatever the user typed.
            parts.append(f"question={self.question!r}")
        return " ".join(parts)


def log_event(event: Event) -> None:
    log.info("%s", event.line())
