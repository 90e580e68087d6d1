"""The SQLite store and the recorder, on real database files in temporary folders."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.engine import Engine
from bot.model import Kind
from bot.storage import (
    Asked,
    Storage,
    StorageError,
    Vote,
    asked_of,
    default_db_path,
    open_storage,
    retention_days,
)
from bot.storage.recorder import Recorder
from bot.storage.sqlite import MIGRATIONS, SCHEMA_VERSION, SqliteStorage

T0 = datetime(2024, 3, 7, 12, 0, 0, tzinfo=UTC)


def asked(question: str = "how big is the ftz", *, at: datetime = T0, outcome: str = "decline",
          candidates: tuple[str, ...] = ("ftz-area",)) -> Asked:
    return Asked(at=at, question=question, outcome=outcome, score=41.5, candidates=candidates,
                 chat_type="private")


def test_round_trip_and_created_on_first_use(tmp_path: Path) -> None:
    path = default_db_path({"XDG_STATE_HOME": str(tmp_path / "state")})
    assert path == tmp_path / "state" / "citebot" / "citebot.db"
    assert not path.exists()
    store = SqliteStorage(path)
    rows = [asked("a?"), asked("b?", outcome="answer", at=T0 + timedelta(hours=1)),
            Asked(at=T0, question="é 中文?", outcome="did_you_mean", language="zh")]
    store.record(rows)
    store.vote(Vote(T0, "ftz-area", up=False))
    store.close()

    again = SqliteStorage(path)
    assert again.questions() == sorted(rows, key=lambda a: a.at)
    assert again.questions(since=T0 + timedelta(minutes=1)) == [rows[1]]
    assert again.votes() == [Vote(T0, "ftz-area", up=False)]
    again.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
    assert path.stat().st_mode & 0o077 == 0  # readers' words: the bot's user only


def test_an_old_schema_is_migrated_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "v1.db"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute("INSERT INTO questions (at, question, outcome, score, candidates, chat_type)"
                   " VALUES (?, 'old one', 'decline', 10, '[]', 'group')", (T0.timestamp(),))
        db.execute("PRAGMA user_version = 1")
    store = SqliteStorage(path)
    assert store.questions() == [Asked(T0, "old one", "decline", 10.0, (), "group", None)]
    store.vote(Vote(T0, "x", up=True))  # the table migration 2 added
    store.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)


@pytest.mark.parametrize(
    ("prepare", "reason"),
    [
        (lambda p: p.write_bytes(b"this is not a database, just some text " * 50),
         "file is not a database"),
        (lambda p: sqlite3.connect(p).execute("PRAGMA user_version = 99"), "newer than"),
        (lambda p: p.mkdir(), "unable to open"),
    ],
    ids=["corrupt", "newer-schema", "a-folder"],
)
def test_unusable_files_are_refused_with_the_reason(
    tmp_path: Path, prepare: object, reason: str
) -> None:
    path = tmp_path / "bad.db"
    prepare(path)  # type: ignore[operator]
    with pytest.raises(StorageError) as error:
        SqliteStorage(path)
    assert str(path) in str(error.value)
    assert reason in str(error.value)


def test_read_only_opening_never_creates_a_file(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no such database"):
        SqliteStorage(tmp_path / "none.db", read_only=True)
    assert not (tmp_path / "none.db").exists()
    SqliteStorage(tmp_path / "some.db").close()
    reader = SqliteStorage(tmp_path / "some.db", read_only=True)
    assert reader.questions() == []
    with pytest.raises(StorageError, match="readonly"):
        reader.record([asked()])
    reader.close()


def test_prune_removes_only_what_is_older(tmp_path: Path) -> None:
    store = SqliteStorage(tmp_path / "p.db")
    store.record([asked("old", at=T0 - timedelta(days=100)), asked("new", at=T0)])
    store.vote(Vote(T0 - timedelta(days=100), "f", up=True))
    assert store.prune(T0 - timedelta(days=90)) == 2
    assert [a.question for a in store.questions()] == ["new"]
    assert store.votes() == []
    store.close()


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    """Several connections (as several processes would have) plus a recorder, all at once."""
    path = tmp_path / "busy.db"
    SqliteStorage(path).close()
    per_writer, writers = 40, 4
    barrier = threading.Barrier(writers + 1)

    def write(n: int) -> None:
        store = SqliteStorage(path)
        barrier.wait()
        for i in range(per_writer):
            store.record([asked(f"writer {n} question {i}", at=datetime.now(UTC))])
        store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    with Recorder(lambda: SqliteStorage(path), retention_days=30) as recorder:
        barrier.wait()
        for i in range(per_writer):
            recorder.asked(asked(f"recorder question {i}", at=datetime.now(UTC)))
        for thread in threads:
            thread.join()
        recorder.flush()
        assert recorder.stats().recorded == per_writer
    store = SqliteStorage(path, read_only=True)
    questions = {a.question for a in store.questions()}
    store.close()
    assert len(questions) == per_writer * (writers + 1)


def test_the_recorder_enforces_retention(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    store = SqliteStorage(path)
    store.record([asked("last year", at=datetime.now(UTC) - timedelta(days=400))])
    store.close()
    with Recorder(lambda: SqliteStorage(path), retention_days=30) as recorder:
        recorder.asked(asked("today", at=datetime.now(UTC)))
    store = SqliteStorage(path)
    assert [a.question for a in store.questions()] == ["today"]
    store.close()


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "citebot.storage" and r.levelno >= logging.WARNING]


def test_a_corrupt_file_is_reported_once_and_never_raised(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "corrupt.db"
    path.write_bytes(os.urandom(4096))
    with caplog.at_level(logging.INFO, "citebot.storage"), \
            Recorder(lambda: SqliteStorage(path), retention_days=30) as recorder:
        for i in range(25):
            recorder.asked(asked(f"q{i}"))
            recorder.flush()  # each a separate write attempt
        recorder.vote(Vote(T0, "f", up=True))
        recorder.flush()
        stats = recorder.stats()
    assert (stats.recorded, stats.failed, stats.working) == (0, 26, False)
    [warning] = _warnings(caplog)
    assert "cannot record questions, answering goes on" in warning
    assert str(path) in warning
    assert "not a database" in warning


@contextlib.contextmanager
def read_only_file(path: Path) -> Iterator[None]:
    """Make `path` unwritable, for root too (root ignores permission bits)."""
    os.chmod(path, 0o444)
    immutable = os.geteuid() == 0
    if immutable:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(path)],
                                            capture_output=True).returncode != 0:
            pytest.skip("running as root without chattr +i: cannot make a file read-only")
    try:
        yield
    finally:
        if immutable:
            subprocess.run([shutil.which("chattr") or "chattr", "-i", str(path)], check=True)
        os.chmod(path, 0o600)


def test_a_read_only_file_is_reported_once_and_recording_resumes_when_fixed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "ro.db"
    store = SqliteStorage(path)
    store.record([asked("before")])
    store.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    with caplog.at_level(logging.INFO, "citebot.storage"), \
            Recorder(lambda: SqliteStorage(path), retention_days=30,
                     retry_seconds=0) as recorder:
        with read_only_file(path):
            for i in range(5):
                recorder.asked(asked(f"lost {i}"))
                recorder.flush()
            assert recorder.stats().failed == 5
        recorder.asked(asked("after"))
        recorder.flush()
        assert recorder.stats().working
    [warning] = _warnings(caplog)
    assert "cannot record questions" in warning
    assert str(path) in warning
    assert any("recording works again (5 record(s) lost" in r.getMessage()
               for r in caplog.records)
    store = SqliteStorage(path)
    assert [a.question for a in store.questions()] == ["before", "after"]
    store.close()


class SlowStore:
    """A store whose writes wait until released: the queue fills up behind it."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.written: list[Asked] = []

    def record(self, asked: Sequence[Asked]) -> None:
        self.release.wait(5)
        self.written.extend(asked)

    def vote(self, vote: Vote) -> None: ...

    def questions(self, since: datetime | None = None) -> list[Asked]:
        return []

    def votes(self, since: datetime | None = None) -> list[Vote]:
        return []

    def prune(self, before: datetime) -> int:
        return 0

    def close(self) -> None: ...


def test_a_slow_store_never_blocks_the_caller(caplog: pytest.LogCaptureFixture) -> None:
    slow = SlowStore()
    store: Storage = slow
    recorder = Recorder(lambda: store, retention_days=30, capacity=3, batch=1).start()
    with caplog.at_level(logging.INFO, "citebot.storage"):
        for i in range(50):
            recorder.asked(asked(f"q{i}"))  # returns at once although the store is stuck
    slow.release.set()
    recorder.close()
    stats = recorder.stats()
    assert stats.dropped >= 45
    assert stats.recorded == len(slow.written) == 50 - stats.dropped
    assert _warnings(caplog) == ["recording falls behind: records are dropped (queue full)"]


@pytest.mark.parametrize(
    ("question", "kind", "candidates"),
    [
        ("How much is a ferry ticket?", Kind.ANSWER, ("ticket-price",)),
        ("ferry", Kind.DID_YOU_MEAN, None),
        ("who won the football match", Kind.DECLINE, ()),
        ("hello", Kind.SMALL_TALK, ()),
    ],
)
def test_a_record_keeps_outcome_confidence_and_candidates(
    tiny_engine: Engine, question: str, kind: Kind, candidates: tuple[str, ...] | None
) -> None:
    reply = tiny_engine.answer(question)
    assert reply.kind is kind
    record = asked_of(reply, chat_type="group", at=T0)
    assert (record.question, record.outcome, record.chat_type) == (question, kind.value, "group")
    assert record.score == round(reply.score, 2)
    assert record.language == reply.language == "en"
    expected = candidates if candidates is not None else tuple(s.fact for s in reply.suggestions)
    assert record.candidates == expected
    if kind is Kind.DID_YOU_MEAN:
        assert len(record.candidates) >= 2


@pytest.mark.parametrize(
    ("option", "env", "expected"),
    [(None, {}, 90), (7, {}, 7), (None, {"CITEBOT_RETENTION_DAYS": "30"}, 30),
     (None, {"CITEBOT_RETENTION_DAYS": "soon"}, "invalid retention"),
     (0, {}, "at least 1 day")],
)
def test_retention_days(option: int | None, env: dict[str, str], expected: int | str) -> None:
    if isinstance(expected, int):
        assert retention_days(option, env) == expected
    else:
        with pytest.raises(ValueError, match=expected):
            retention_days(option, env)


def test_open_storage_picks_the_sqlite_file(tmp_path: Path) -> None:
    env = {"CITEBOT_DB": str(tmp_path / "env.db")}
    store = open_storage(None, env)
    assert isinstance(store, SqliteStorage)
    assert store.path == tmp_path / "env.db"
    store.close()
    explicit = open_storage(tmp_path / "flag.db", {**env, "DATABASE_URL": "postgresql://x/y"})
    assert isinstance(explicit, SqliteStorage)
    assert explicit.path == tmp_path / "flag.db"
    explicit.close()
