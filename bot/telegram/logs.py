"""Logging for the Telegram front-end: one line per event, secrets scrubbed, no message text
unless the operator asks for it."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from bot.telegram.token import RedactingFilter

LOGGER_NAME = "citebot.telegram"
log = logging.getLogger(LOGGER_NAME)
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# httpx logs every request URL at INFO, and Bot API URLs contain the token; httpcore is chattier.
NOISY_LOGGERS = ("httpx", "httpcore")


@dataclass
class LogSetup:
    """What setup_logging changed, so that tests (and a second run in one process) can undo it."""

    handler: logging.Handler
    redactor: RedactingFilter
    _patched: list[logging.Handler] = field(default_factory=list)
    _levels: dict[str, int] = field(default_factory=dict)

    def close(self) -> None:
        root = logging.getLogger()
        root.removeHandler(self.handler)
        for handler in self._patched:
            handler.removeFilter(self.redactor)
        for name, level in self._levels.items():
            logging.getLogger(name).setLevel(level)
        self.handler.close()


def setup_logging(
    secrets: Iterable[str], *, stream: TextIO | None = None, level: int = logging.INFO
) -> LogSetup:
    """Logs to `stream` (stderr) through a redacting handler.

    Handlers that were already on the root logger get the redacting filter too, so that no
    output path leaks the token.
    """
    redactor = RedactingFilter(secrets)
    handler = logging.StreamHandler(stream if stream is not None else sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.addFilter(redactor)
    root = logging.getLogger()
    setup = LogSetup(handler=handler, redactor=redactor)
    for existing in root.handlers:
        existing.addFilter(redactor)
        setup._patched.append(existing)
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
