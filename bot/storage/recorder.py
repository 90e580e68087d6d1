"""Recording that never slows or breaks answering.

Channels hand records to `Recorder`, which only puts them on a bounded queue (no I/O, no
blocking, no exceptions); one writer thread owns the store, writes in batches and enforces the
retention. When the store fails (corrupt or read-only file, server down) the reason is logged
once, every lost record is counted, and the store is tried again later.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.storage import Asked, Storage, StorageError, Vote, cutoff

log = logging.getLogger("citebot.storage")

_STOP = object()


@dataclass(frozen=True)
class RecorderStats:
    recorded: int  # questions and votes written
    failed: int  # lost because the store failed
    dropped: int  # lost because the queue was full (the store is too slow)
    working: bool  # the last write (or opening) succeeded


class Recorder:
    def __init__(
        self,
        opener: Callable[[], Storage],
        *,
        retention_days: int,
        capacity: int = 10_000,
        batch: int = 200,
        retry_seconds: float = 30.0,
        prune_seconds: float = 3600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._opener = opener
        self._retention_days = retention_days
        self._queue: queue.Queue[object] = queue.Queue(maxsize=capacity)
        self._batch = batch
        self._retry_seconds = retry_seconds
        self._prune_seconds = prune_seconds
        self._clock = clock
        self._store: Storage | None = None
        self._next_open = 0.0
        self._next_prune = 0.0
        self._recorded = self._failed = self._dropped = 0
        self._working = True
        self._counts = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="citebot-recorder", daemon=True)
        self._started = False

    # -- the callers' side: never blocks, never raises ---------------------------------------

    def asked(self, asked: Asked) -> None:
        self._put(asked)

    def vote(self, vote: Vote) -> None:
        self._put(vote)

    def _put(self, item: Asked | Vote) -> None:
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            with self._counts:
                self._dropped += 1
                first = self._dropped == 1
            if first:
                log.warning("recording falls behind: records are dropped (queue full)")

    def stats(self) -> RecorderStats:
        with self._counts:
            return RecorderStats(self._recorded, self._failed, self._dropped, self._working)

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> Recorder:
        if not self._started:
            self._started = True
            self._thread.start()
        return self

    def close(self, timeout: float = 5.0) -> None:
        """Write what is queued (for up to `timeout` seconds), then close the store."""
        if not self._started:
            return
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            log.warning("recorder: could not stop in time; queued records are lost")
            return
        self._thread.join(timeout)

    def flush(self, timeout: float = 5.0) -> None:
        """Wait until everything queued so far was handled (tests, shutdown)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.005)

    def __enter__(self) -> Recorder:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the writer thread ------------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            first = self._queue.get()
            items = [first]
            while len(items) < self._batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in items)
            records = [item for item in items if item is not _STOP]
            try:
                if records:
                    self._write(records)
            finally:
                for _ in items:
                    self._queue.task_done()
        if self._store is not None:
            self._close_store()

    def _write(self, items: list[object]) -> None:
        store = self._open()
        if store is not None:
            try:
                self._prune(store)
                asked = [item for item in items if isinstance(item, Asked)]
                if asked:
                    store.record(asked)
                for item in items:
                    if isinstance(item, Vote):
                        store.vote(item)
            except StorageError as exc:
                self._failing(str(exc), len(items))
                self._close_store()  # reopened later: the file may be fixed or replaced
                return
            except Exception as exc:  # a bug must not kill the writer thread either
                self._failing(f"{type(exc).__name__}: {exc}", len(items))
                return
            self._succeeded(len(items))
        elif items:
            with self._counts:
                self._failed += len(items)

    def _open(self) -> Storage | None:
        if self._store is not None:
            return self._store
        if self._clock() < self._next_open:
            return None
        try:
            self._store = self._opener()
        except StorageError as exc:
            self._next_open = self._clock() + self._retry_seconds
            self._failing(str(exc), 0)
            return None
        return self._store

    def _prune(self, store: Storage) -> None:
        if self._clock() < self._next_prune:
            return
        self._next_prune = self._clock() + self._prune_seconds
        gone = store.prune(cutoff(self._retention_days))
        if gone:
            log.info("retention: removed %d record(s) older than %d days",
                     gone, self._retention_days)

    def _failing(self, reason: str, lost: int) -> None:
        with self._counts:
            self._failed += lost
            was_working, self._working = self._working, False
        if was_working:
            log.warning("cannot record questions, answering goes on: %s", reason)

    def _succeeded(self, count: int) -> None:
        with self._counts:
            self._recorded += count
            was_working, self._working = self._working, True
            failed = self._failed + self._dropped
        if not was_working:
            log.info("recording works again (%d record(s) lost meanwhile)", failed)

    def _close_store(self) -> None:
        store, self._store = self._store, None
        self._next_open = self._clock() + self._retry_seconds
        if store is not None:
            try:
                store.close()
            except Exception as exc:  # closing a broken store may fail too; nothing to save
                log.debug("closing the store failed: %s", exc)
