"""The embedded store: one SQLite file (WAL mode), created on first use, schema migrated in place.

The schema version is SQLite's `user_version`; MIGRATIONS[n] takes a database from version n to
n + 1 inside one transaction, so a crash mid-way leaves the old version intact.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from bot.storage import Asked, StorageError, Vote

MIGRATIONS: tuple[str, ...] = (
    # 1: questions
    """
    CREATE TABLE questions (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,            -- Unix time, seconds
        question TEXT NOT NULL,
        outcome TEXT NOT NULL,
        score REAL NOT NULL,
        candidates TEXT NOT NULL,    -- JSON list of fact ids, best first
        chat_type TEXT NOT NULL
    );
    CREATE INDEX questions_at ON questions (at);
    """,
    # 2: the question's language; readers' votes
    """
    ALTER TABLE questions ADD COLUMN language TEXT;
    CREATE TABLE votes (
        id INTEGER PRIMARY KEY,
        at REAL NOT NULL,
        fact TEXT NOT NULL,
        up INTEGER NOT NULL          -- 1: thumbs up, 0: thumbs down
    );
    CREATE INDEX votes_at ON votes (at);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
BUSY_TIMEOUT_SECONDS = 5.0  # another writer (a second process) holds the lock this long at most


class SqliteStorage:
    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """Opens (read_only: only an existing file) or creates the database and brings its
        schema up to date. Raises StorageError with the path and SQLite's reason."""
        self.path = Path(path)
        self._lock = threading.Lock()
        try:
            if read_only:
                if not self.path.is_file():
                    raise StorageError(f"{self.path}: no such database (nothing recorded yet?)")
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self._db = sqlite3.connect(
                    uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False,
                    isolation_level=None,
                )
            else:
                _make_parent(self.path)
                self._db = sqlite3.connect(
                    self.path, timeout=BUSY_TIMEOUT_SECONDS, check_same_thread=False,
                    isolation_level=None,  # transactions are explicit
                )
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"{self.path}: {_reason(exc)}") from None
        try:
            if read_only:
                self._check_version(self._version())
            else:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")  # WAL keeps it crash-safe
                self._migrate()
        except StorageError:
            self._db.close()
            raise
        except sqlite3.Error as exc:
            self._db.close()
            raise StorageError(f"{self.path}: {_reason(exc)}") from None

    # -- schema -----------------------------------------------------------------------------

    def _version(self) -> int:
        row = self._db.execute("PRAGMA user_version").fetchone()
        return int(row[0])

    def _check_version(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path}: schema version {version} is newer than this citebot knows "
                f"({SCHEMA_VERSION}); upgrade citebot or use another file"
            )

    def _migrate(self) -> None:
        if self._version() == SCHEMA_VERSION:
            return
        # IMMEDIATE: two processes starting at once must not both migrate.
        with self._transaction("BEGIN IMMEDIATE"):
            version = self._version()
            self._check_version(version)
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self._db.execute(statement)
            # PRAGMA takes no parameters; the value is our own integer.
            self._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def _transaction(self, begin: str = "BEGIN") -> Iterator[None]:
        self._db.execute(begin)
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    @contextmanager
    def _using(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise StorageError(f"{self.path}: {_reason(exc)}") from None

    # -- Storage ----------------------------------------------------------------------------

    def record(self, asked: Sequence[Asked]) -> None:
        rows = [
            (a.at.timestamp(), a.question, a.outcome, a.score, json.dumps(list(a.candidates)),
             a.chat_type, a.language)
            for a in asked
        ]
        with self._using() as db, self._transaction():
            db.executemany(
                "INSERT INTO questions (at, question, outcome, score, candidates, chat_type,"
                " language) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def vote(self, vote: Vote) -> None:
        with self._using() as db, self._transaction():
            db.execute(
                "INSERT INTO votes (at, fact, up) VALUES (?, ?, ?)",
                (vote.at.timestamp(), vote.fact, int(vote.up)),
            )

    def questions(self, since: datetime | None = None) -> list[Asked]:
        start = since.timestamp() if since is not None else float("-inf")
        with self._using() as db:
            rows = db.execute(
                "SELECT at, question, outcome, score, candidates, chat_type, language"
                " FROM questions WHERE at >= ? ORDER BY at, id",
                (start,),
            ).fetchall()
        return [
            Asked(
                at=datetime.fromtimestamp(at, UTC), question=question, outcome=outcome,
                score=score, candidates=tuple(json.loads(candidates)), chat_type=chat_type,
                language=language,
            )
            for at, question, outcome, score, candidates, chat_type, language in rows
        ]

    def votes(self, since: datetime | None = None) -> list[Vote]:
        start = since.timestamp() if since is not None else float("-inf")
        with self._using() as db:
            rows = db.execute(
                "SELECT at, fact, up FROM votes WHERE at >= ? ORDER BY at, id", (start,)
            ).fetchall()
        return [Vote(datetime.fromtimestamp(at, UTC), fact, bool(up)) for at, fact, up in rows]

    def prune(self, before: datetime) -> int:
        limit = before.timestamp()
        with self._using() as db, self._transaction():
            gone = db.execute("DELETE FROM questions WHERE at < ?", (limit,)).rowcount
            gone += db.execute("DELETE FROM votes WHERE at < ?", (limit,)).rowcount
        return int(gone)

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _statements(script: str) -> list[str]:
    """The statements of a migration, run one by one (executescript would COMMIT midway)."""
    lines = (line.split("--", 1)[0] for line in script.splitlines())
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _make_parent(path: Path) -> None:
    if not path.parent.is_dir():
        # Questions are readers' words: only the bot's own user may read them.
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
        os.close(fd)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
