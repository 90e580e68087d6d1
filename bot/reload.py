"""Reloading the knowledge base without downtime.

`LiveEngine` holds the engine that answers now. A reload reads and validates the files and
builds the new engine off to the side (the old one keeps answering meanwhile), then replaces
one reference: a question is answered wholly by the old engine or wholly by the new one, as
long as its handler takes `live.engine` once. An invalid knowledge base is refused and the old
one stays. `Reloader` runs reloads in a thread, on request (SIGHUP) or when files change.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.compiled import load_compiled
from bot.engine import Engine
from bot.loader import KnowledgeError
from bot.model import KnowledgeBase

log = logging.getLogger("citebot.reload")

MAX_PROBLEMS_REPORTED = 5


@dataclass(frozen=True)
class Loaded:
    engine: Engine
    version: str  # a hash of the files' contents: the same files, the same version
    loaded_at: datetime


@dataclass(frozen=True)
class ReloadResult:
    ok: bool
    version: str  # the version now serving (the old one if the reload was refused)
    changed: bool = False
    problems: tuple[str, ...] = ()  # `file:line: field: what is wrong`, first first
    seconds: float = 0.0

    def message(self) -> str:
        """One short paragraph for the log and for the admin who asked."""
        if not self.ok:
            shown = "\n".join(self.problems[:MAX_PROBLEMS_REPORTED])
            more = len(self.problems) - MAX_PROBLEMS_REPORTED
            extra = f"\n... and {more} more problem(s)" if more > 0 else ""
            return (f"Knowledge base NOT reloaded, still serving version {self.version}:\n"
                    f"{shown}{extra}")
        if not self.changed:
            return f"Knowledge base unchanged (version {self.version})."
        return f"Knowledge base reloaded: version {self.version} ({self.seconds:.2f} s)."


def kb_files(path: Path) -> list[Path]:
    return sorted(path.rglob("*.yaml")) if path.is_dir() else [path]


def version_of(path: Path) -> str:
    """sha256 over the files' names and bytes, shortened: what the loader reads."""
    digest = hashlib.sha256()
    for file in kb_files(path):
        digest.update(str(file.relative_to(path) if path.is_dir() else file.name).encode())
        digest.update(b"\0")
        digest.update(file.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()[:12]


class LiveEngine:
    def __init__(
        self,
        path: Path | None,
        kb: KnowledgeBase | None = None,
        *,
        build: Callable[[KnowledgeBase], Engine] = Engine,
        load: Callable[[Path], KnowledgeBase] = load_compiled,
    ) -> None:
        """Serves `kb` (already loaded from `path`), or loads it now (KnowledgeError if bad).
        Without a path (a knowledge base made in memory) there is nothing to reload from."""
        self.path = path
        self._build = build
        self._load = load
        self._lock = threading.Lock()  # one reload at a time; answering never waits on it
        self._listeners: list[Callable[[ReloadResult, Loaded], None]] = []
        # What the files looked like when read: the watcher reloads when they change from this.
        self.signature = _signature(path)
        if kb is None:
            if path is None:
                raise ValueError("a knowledge base or a path to load it from is needed")
            kb = load(path)
        version = version_of(path) if path is not None else _memory_version(kb)
        self._current = Loaded(build(kb), version, _now())

    @property
    def current(self) -> Loaded:
        return self._current

    @property
    def engine(self) -> Engine:
        return self._current.engine

    def on_reload(self, listener: Callable[[ReloadResult, Loaded], None]) -> None:
        """Called after every reload attempt, with what serves afterwards (metrics, admins)."""
        self._listeners.append(listener)

    def reload(self) -> ReloadResult:
        """Load, validate and build off to the side, then swap. Never raises for a bad
        knowledge base: the result says what is wrong and the old one keeps serving."""
        with self._lock:
            started = time.perf_counter()
            old = self._current
            # Also after a refusal: the watcher waits for the next change, not the same error.
            self.signature = _signature(self.path)
            try:
                if self.path is None:
                    raise OSError(0, "no knowledge-base path to reload from", "(in memory)")
                version = version_of(self.path)
                if version == old.version:
                    result = ReloadResult(ok=True, version=version)
                else:
                    engine = self._build(self._load(self.path))
                    # The swap: one reference, replaced whole.
                    self._current = Loaded(engine, version, _now())
                    result = ReloadResult(ok=True, version=version, changed=True,
                                          seconds=time.perf_counter() - started)
            except KnowledgeError as error:
                result = ReloadResult(ok=False, version=old.version,
                                      problems=tuple(str(p) for p in error.problems))
            except OSError as error:
                reason = f"{error.filename or self.path}: {error.strerror or error}"
                result = ReloadResult(ok=False, version=old.version, problems=(reason,))
            except Exception as error:  # a loader bug: still keep serving the old one
                log.exception("reload failed unexpectedly")
                result = ReloadResult(ok=False, version=old.version,
                                      problems=(f"{self.path}: {type(error).__name__}: {error}",))
            current = self._current
        if result.ok:
            log.info("%s", result.message().replace("\n", " "))
        else:
            log.error("%s", result.message().replace("\n", " | "))
        for listener in self._listeners:
            try:
                listener(result, current)
            except Exception:  # a listener's bug must not undo a good reload
                log.exception("reload listener failed")
        return result


def _now() -> datetime:
    return datetime.now(UTC)


def _memory_version(kb: KnowledgeBase) -> str:
    return hashlib.sha256(repr(kb).encode()).hexdigest()[:12]


def _signature(path: Path | None) -> tuple[tuple[str, int, int], ...]:
    """What changes when a file is saved: names, sizes, modification times."""
    if path is None:
        return ()
    try:
        return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in kb_files(path))
    except OSError:
        return ()  # mid-save (a file renamed away): look again next time


class Reloader:
    """A thread that reloads when asked (`request()`, safe from a signal handler) and, with
    `watch`, when the knowledge-base files change (polled every `interval` seconds; a change
    is acted on once the files have been still for one interval, so a half-saved file is not
    read)."""

    def __init__(self, live: LiveEngine, *, watch: bool = False, interval: float = 2.0) -> None:
        self.live = live
        self.watch = watch
        self.interval = interval
        self._wake = threading.Event()
        self._requested = False
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="citebot-reload", daemon=True)

    def request(self) -> None:
        self._requested = True
        self._wake.set()

    def start(self) -> Reloader:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)

    def _run(self) -> None:
        pending: tuple[tuple[str, int, int], ...] | None = None
        while not self._stopping:
            self._wake.wait(self.interval if self.watch else None)
            self._wake.clear()
            if self._stopping:
                return
            if self._requested:
                self._requested = False
                self.live.reload()
                pending = None
                continue
            if not self.watch:
                continue
            now = _signature(self.live.path)
            if now == self.live.signature:
                pending = None
            elif now == pending:
                self.live.reload()
                pending = None
            else:
                pending = now
