"""The storage contract on both stores: SQLite files, and a real PostgreSQL server that this
module starts itself (pgserver ships the server binaries in a wheel), once per session."""

from __future__ import annotations

import itertools
import threading
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.storage import Asked, Storage, StorageError, Vote, open_storage
from bot.storage.postgres import PostgresStorage, redact
from bot.storage.recorder import Recorder
from bot.storage.sqlite import SqliteStorage

NOW = datetime.now(UTC).replace(microsecond=0)
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A URL of the running server's maintenance database."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (as in CI); its fallback is fine.
        warnings.simplefilter("ignore")
        try:
            from pgserver.postgres_server import get_server
        except ImportError as exc:
            pytest.skip(f"pgserver is not installed ({exc}): pip install -e '.[test]'")
        try:
            server = get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="delete")
        except Exception as exc:  # no binaries for this platform, no shared memory, ...
            pytest.skip(f"PostgreSQL (pgserver) could not start here: {exc}")
        try:
            import psycopg

            with psycopg.connect(server.get_uri(), autocommit=True) as admin:
                # A throw-away server: no need to wait for the disk (start-up and stop faster).
                admin.execute("ALTER SYSTEM SET fsync = off")
                admin.execute("ALTER SYSTEM SET synchronous_commit = off")
                admin.execute("SELECT pg_reload_conf()")
            yield server.get_uri()
        finally:
            server.cleanup()


@pytest.fixture
def postgres_url(postgres_server: str) -> str:
    """A fresh, empty schema on the session's server, for one test (a schema is much quicker
    to make than a database); the URL makes it the connection's search path."""
    import psycopg

    name = f"citebot_test_{next(_numbers)}"
    with psycopg.connect(postgres_server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {name}")  # our own name: digits and letters
    return f"{postgres_server}&options=-csearch_path%3D{name}"


Opener = Callable[[], Storage]


@pytest.fixture(params=["sqlite", "postgres"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens a new connection to one store (each call: as another process would)."""
    if request.param == "sqlite":
        path = tmp_path / "citebot.db"
        return lambda: SqliteStorage(path)
    url = request.getfixturevalue("postgres_url")
    return lambda: PostgresStorage(url)


def asked(question: str, *, at: datetime = NOW, **fields: object) -> Asked:
    return Asked(at=at, question=question, **{"outcome": "decline", **fields})  # type: ignore[arg-type]


def test_the_contract(opener: Opener) -> None:
    store = opener()
    rows = [
        asked("a?", score=41.5, candidates=("ftz-area", "ftz-launch"), chat_type="group"),
        asked("b?", at=NOW + timedelta(seconds=1), outcome="answer", candidates=("x",)),
        asked("中文? 'quotes' \"and\" \\ ; DROP TABLE", language="zh"),
    ]
    store.record(rows)
    store.vote(Vote(NOW, "ftz-area", up=False))
    store.vote(Vote(NOW, "ftz-area", up=True))
    store.close()
    again = opener()  # opening again migrates nothing and loses nothing
    assert again.questions() == sorted(rows, key=lambda a: a.at)
    assert again.questions(since=NOW + timedelta(milliseconds=500)) == [rows[1]]
    assert again.votes() == [Vote(NOW, "ftz-area", up=False), Vote(NOW, "ftz-area", up=True)]
    again.record([asked("old", at=NOW - timedelta(days=100))])
    again.vote(Vote(NOW - timedelta(days=100), "f", up=True))
    assert again.prune(NOW - timedelta(days=90)) == 2
    assert len(again.questions()) == 3
    assert len(again.votes()) == 2
    again.close()


def test_several_writers_at_once(opener: Opener) -> None:
    """Replicas (or processes) writing to one store at the same time, plus a recorder."""
    opener().close()  # schema in place
    writers, each = 3, 20
    barrier = threading.Barrier(writers)

    def write(n: int) -> None:
        store = opener()
        barrier.wait()
        for i in range(each):
            store.record([asked(f"writer {n} question {i}")])
        store.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    with Recorder(opener, retention_days=30) as recorder:
        for t in threads:
            t.start()
        for i in range(each):
            recorder.asked(asked(f"recorder question {i}"))
            recorder.vote(Vote(NOW, "f", up=i % 2 == 0))
        for t in threads:
            t.join()
    reader = opener()
    assert len({a.question for a in reader.questions()}) == (writers + 1) * each
    assert len(reader.votes()) == each
    reader.close()


def test_replicas_starting_together_migrate_once(postgres_url: str) -> None:
    stores: list[PostgresStorage] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            stores.append(PostgresStorage(postgres_url))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(stores) == 4
    import psycopg

    with psycopg.connect(postgres_url) as conn:
        assert conn.execute("SELECT version FROM citebot_schema").fetchall() == [(2,)]
    for store in stores:
        store.close()


def test_database_url_selects_postgres(postgres_url: str) -> None:
    store = open_storage(None, {"DATABASE_URL": postgres_url})
    assert isinstance(store, PostgresStorage)
    store.close()


def test_an_unreachable_server_is_a_storage_error_without_the_password(tmp_path: Path) -> None:
    url = f"postgresql://citebot:s3cret-pw@/citebot?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StorageError) as error:
        PostgresStorage(url)
    message = str(error.value)
    assert "s3cret-pw" not in message
    assert message.startswith(f"postgresql://citebot:***@/citebot?host={tmp_path}")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://bot:pw@db.internal:5432/citebot", "postgresql://bot:***@db.internal:5432/citebot"),
        ("postgresql://db.internal/citebot", "postgresql://db.internal/citebot"),
        ("postgresql:///citebot?host=/run/pg&password=pw", "postgresql:///citebot?host=/run/pg&password=***"),
        ("host=db user=bot password='p w' dbname=citebot", "host=db user=bot password=*** dbname=citebot"),
        ("host=db password=pw", "host=db password=***"),
    ],
)
def test_redact(url: str, shown: str) -> None:
    assert redact(url) == shown
