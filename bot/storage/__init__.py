"""What readers asked and how they rated the answers, behind one small interface.

Two implementations: SQLite (the embedded default, one file per replica) and PostgreSQL (shared
by several replicas, chosen by DATABASE_URL). Channels record through `Recorder`
(bot.storage.recorder), which keeps every call off the event loop; reports read with
`questions()` and `votes()`. Nothing here identifies a reader: no user ids, no names.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.model import Kind, Reply

DB_ENV = "CITEBOT_DB"
DATABASE_URL_ENV = "DATABASE_URL"
RETENTION_ENV = "CITEBOT_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90


class StorageError(Exception):
    """The store cannot be opened or used; the message says why in one line."""


@dataclass(frozen=True)
class Asked:
    """One question and what the bot did with it."""

    at: datetime  # aware, UTC
    question: str
    outcome: str  # a Kind value: answer | did_you_mean | decline | small_talk
    score: float = 0.0  # the engine's confidence in its best candidate, 0-100
    candidates: tuple[str, ...] = ()  # fact ids: the answer, the suggestions or the nearest
    chat_type: str = "-"  # private | group | supergroup | channel | inline | console
    language: str | None = None


@dataclass(frozen=True)
class Vote:
    """A reader's 👍 (up) or 👎 on one answer."""

    at: datetime
    fact: str
    up: bool


class Storage(Protocol):
    """One store. Implementations may be called from any thread, one call at a time."""

    def record(self, asked: Sequence[Asked]) -> None: ...

    def vote(self, vote: Vote) -> None: ...

    def questions(self, since: datetime | None = None) -> list[Asked]: ...

    def votes(self, since: datetime | None = None) -> list[Vote]: ...

    def prune(self, before: datetime) -> int:
        """Delete what is older than `before`; returns how many rows went."""
        ...

    def close(self) -> None: ...


def now() -> datetime:
    return datetime.now(UTC)


def asked_of(reply: Reply, *, chat_type: str, at: datetime | None = None) -> Asked:
    """The record of one reply: what was asked, the outcome, and the engine's best candidates."""
    parts = reply.parts or (reply,)
    answered = tuple(p.fact.id for p in parts if p.answered and p.fact is not None)
    suggested = (s.fact for p in parts for s in p.suggestions)
    candidates = answered or tuple(dict.fromkeys(suggested))
    return Asked(
        at=at or now(),
        question=reply.question,
        outcome=reply.kind.value,
        score=round(float(reply.score), 2),
        candidates=candidates,
        chat_type=chat_type,
        language=reply.language,
    )


UNANSWERED = frozenset({Kind.DECLINE.value, Kind.DID_YOU_MEAN.value})


def default_db_path(environ: Mapping[str, str] | None = None) -> Path:
    """$XDG_STATE_HOME/citebot/citebot.db (XDG_STATE_HOME defaults to ~/.local/state)."""
    env = os.environ if environ is None else environ
    state = env.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "citebot" / "citebot.db"


def retention_days(option: int | None, environ: Mapping[str, str] | None = None) -> int:
    """Days questions and votes are kept. Raises ValueError with a one-line message."""
    env = os.environ if environ is None else environ
    text = str(option) if option is not None else env.get(RETENTION_ENV, "").strip()
    if not text:
        return DEFAULT_RETENTION_DAYS
    try:
        days = int(text)
    except ValueError:
        raise ValueError(f"invalid retention (days): {text!r}") from None
    if days < 1:
        raise ValueError(f"retention must be at least 1 day, not {days}")
    return days


def cutoff(days: int, *, at: datetime | None = None) -> datetime:
    return (at or now()) - timedelta(days=days)


def describe(db: Path | None, environ: Mapping[str, str] | None = None) -> str:
    """Where open_storage(db) would store, without secrets (a URL's password is dropped)."""
    env = os.environ if environ is None else environ
    url = env.get(DATABASE_URL_ENV, "").strip()
    if url and db is None:
        from bot.storage.postgres import redact

        return redact(url)
    return str(db or _env_path(env) or default_db_path(env))


def open_storage(
    db: Path | None = None, environ: Mapping[str, str] | None = None, *, read_only: bool = False
) -> Storage:
    """The store: `db` (a SQLite file) if given, else DATABASE_URL (PostgreSQL), else CITEBOT_DB,
    else the default SQLite file. `read_only` (reports): a SQLite file must already exist and is
    not written. Raises StorageError."""
    env = os.environ if environ is None else environ
    url = env.get(DATABASE_URL_ENV, "").strip()
    if db is None and url:
        from bot.storage.postgres import PostgresStorage

        return PostgresStorage(url)
    from bot.storage.sqlite import SqliteStorage

    return SqliteStorage(db or _env_path(env) or default_db_path(env), read_only=read_only)


def _env_path(env: Mapping[str, str]) -> Path | None:
    configured = env.get(DB_ENV, "").strip()
    return Path(configured) if configured else None
