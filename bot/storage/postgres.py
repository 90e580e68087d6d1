"""The shared store for several replicas: PostgreSQL through psycopg 3, chosen by DATABASE_URL.

psycopg is an optional dependency (`pip install 'citebot[postgres]'`): it is imported only
when a DATABASE_URL is configured. Migrations run under an advisory lock, so replicas that
start together migrate once.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.storage import Asked, StorageError, Vote

if TYPE_CHECKING:
    import psycopg

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE citebot_questions (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL,
            question TEXT NOT NULL,
            outcome TEXT NOT NULL,
            score DOUBLE PRECISION NOT NULL,
            candidates TEXT[] NOT NULL,
            chat_type TEXT NOT NULL
        )""",
        "CREATE INDEX citebot_questions_at ON citebot_questions (at)",
    ),
    (
        "ALTER TABLE citebot_questions ADD COLUMN language TEXT",
        """CREATE TABLE citebot_votes (
            id BIGSERIAL PRIMARY KEY,
            at TIMESTAMPTZ NOT NULL,
            fact TEXT NOT NULL,
            up BOOLEAN NOT NULL
        )""",
        "CREATE INDEX citebot_votes_at ON citebot_votes (at)",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
# pg_advisory_xact_lock key: any constant the other applications on the server do not use.
MIGRATION_LOCK = 0x43495445  # "CITE"
CONNECT_TIMEOUT_SECONDS = 5
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def redact(url: str) -> str:
    """The URL or conninfo string without its password, for logs and messages."""
    if "://" in url:
        url = re.sub(r"^([A-Za-z][A-Za-z0-9+.-]*://[^/@:?#]*):[^@/?#]*@", r"\1:***@", url)
        return re.sub(r"(?i)([?&]password=)[^&#]*", r"\1***", url)
    return re.sub(r"(?i)(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", url)


class PostgresStorage:
    def __init__(self, url: str) -> None:
        """Connects and brings the schema up to date. Raises StorageError (no password in it)."""
        try:
            import psycopg
        except ImportError:
            raise StorageError(
                "DATABASE_URL is set but psycopg is not installed: "
                "pip install 'citebot[postgres]'"
            ) from None
        self._psycopg = psycopg
        self._url = url
        self.where = redact(url)
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[Any] | None = None
        with self._using() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS citebot_schema (version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM citebot_schema").fetchone()
            version = int(row[0]) if row is not None else 0
            if version > SCHEMA_VERSION:
                raise StorageError(
                    f"{self.where}: schema version {version} is newer than this citebot knows "
                    f"({SCHEMA_VERSION}); upgrade citebot"
                )
            for number in range(version, SCHEMA_VERSION):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
            if row is None:
                conn.execute("INSERT INTO citebot_schema VALUES (%s)", (SCHEMA_VERSION,))
            else:
                conn.execute("UPDATE citebot_schema SET version = %s", (SCHEMA_VERSION,))

    def _connect(self) -> psycopg.Connection[Any]:
        if self._conn is None or self._conn.closed or self._conn.broken:
            self._conn = self._psycopg.connect(
                self._url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name="citebot",
            )
        return self._conn

    @contextmanager
    def _using(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            try:
                yield self._connect()
            except self._psycopg.Error as exc:
                # psycopg's messages name host and database, never the password.
                reason = " ".join(str(exc).split()) or type(exc).__name__
                raise StorageError(f"{self.where}: {reason}") from None

    # -- Storage ----------------------------------------------------------------------------

    def record(self, asked: Sequence[Asked]) -> None:
        with self._using() as conn, conn.transaction(), conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO citebot_questions (at, question, outcome, score, candidates,"
                " chat_type, language) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(a.at, a.question, a.outcome, a.score, list(a.candidates), a.chat_type,
                  a.language) for a in asked],
            )

    def vote(self, vote: Vote) -> None:
        with self._using() as conn:
            conn.execute("INSERT INTO citebot_votes (at, fact, up) VALUES (%s, %s, %s)",
                         (vote.at, vote.fact, vote.up))

    def questions(self, since: datetime | None = None) -> list[Asked]:
        with self._using() as conn:
            rows = conn.execute(
                "SELECT at, question, outcome, score, candidates, chat_type, language"
                " FROM citebot_questions WHERE at >= %s ORDER BY at, id",
                (since or EPOCH,),
            ).fetchall()
        return [
            Asked(at=at.astimezone(UTC), question=question, outcome=outcome, score=float(score),
                  candidates=tuple(candidates), chat_type=chat_type, language=language)
            for at, question, outcome, score, candidates, chat_type, language in rows
        ]

    def votes(self, since: datetime | None = None) -> list[Vote]:
        with self._using() as conn:
            rows = conn.execute(
                "SELECT at, fact, up FROM citebot_votes WHERE at >= %s ORDER BY at, id",
                (since or EPOCH,),
            ).fetchall()
        return [Vote(at.astimezone(UTC), fact, bool(up)) for at, fact, up in rows]

    def prune(self, before: datetime) -> int:
        with self._using() as conn, conn.transaction():
            gone = conn.execute("DELETE FROM citebot_questions WHERE at < %s", (before,)).rowcount
            gone += conn.execute("DELETE FROM citebot_votes WHERE at < %s", (before,)).rowcount
        return int(gone)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
