"""Long polling that confirms to Telegram only what has been answered.

Telegram forgets every update below the `offset` of a getUpdates call. python-telegram-bot's
Updater confirms each batch as soon as it is queued (up to 100 at a time), so a stop loses
what was queued but not answered, and one update it cannot parse is fetched again forever.
Here:

- the offset sent is always the lowest update not yet answered, so whatever was fetched but
  not answered is fetched again by whoever polls next (a restarted bot or a second instance);
  the updates in hand that come back with each call are dropped before they are parsed;
- at most `max_pending` updates are in flight, fetched in batches of what there is room for
  (getUpdates' `limit`), so a stop can finish what it holds within a short grace period, and
  at most `max_window` are held above the offset, so a crash answers at most that many twice;
- an update the library cannot parse is confirmed and skipped, with one log line that names
  its id and the kind of error, never its content.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, TypeVar

from telegram import Update
from telegram.error import Forbidden, InvalidToken, TelegramError
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

log = logging.getLogger("citebot.telegram")
T = TypeVar("T")

MAX_BATCH = 100  # Telegram's largest getUpdates limit
UNREADABLE = "citebot_unreadable"  # marks the stand-in for an update that could not be parsed
RECHECK_SECONDS = 0.5  # while updates are in flight, how often to look for new ones anyway
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 30.0
CONFIRM_TIMEOUT = 1.0  # the last confirmation at shutdown must not eat the grace period


class Ledger:
    """Which fetched updates are still unanswered, and what offset that allows.

    Two bounds keep one stuck update (a chat whose sends keep failing) from holding up the
    rest: the window of updates above the offset (pending, and answered above a pending one)
    is at most `max_window`, so a crash answers at most that many twice; and an update pending
    for `stuck_after` seconds stops holding the offset back (it is still being answered, but
    would be lost if the process died).
    """

    def __init__(
        self,
        max_pending: int,
        *,
        max_window: int | None = None,
        stuck_after: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self.max_pending = max_pending
        self.max_window = min(MAX_BATCH, max_window or 4 * max_pending)
        self._stuck_after = stuck_after
        self._clock = clock
        self._high: int | None = None  # highest update id accepted
        self._pending: dict[int, float] = {}  # update id -> when it was accepted
        self._answered_above: set[int] = set()  # answered, but above the offset

    def _held(self) -> list[int]:
        """Pending updates that still hold the offset back (not stuck)."""
        oldest = self._clock() - self._stuck_after
        return [i for i, since in self._pending.items() if since > oldest]

    @property
    def offset(self) -> int | None:
        """What getUpdates should be called with: confirms the answered prefix."""
        held = self._held()
        if held:
            return min(held)
        return None if self._high is None else self._high + 1

    @property
    def pending(self) -> int:
        return len(self._pending)

    @property
    def high(self) -> int | None:
        """The highest update id accepted so far: this one and those below are in hand."""
        return self._high

    def _known(self) -> int:
        offset = self.offset
        if offset is None:
            return 0
        return sum(1 for i in self._pending if i >= offset) + sum(
            1 for i in self._answered_above if i >= offset
        )

    def room(self) -> int:
        """How many new updates may be fetched now."""
        return max(0, min(self.max_pending - len(self._pending),
                          self.max_window - self._known()))

    def limit(self) -> int:
        """getUpdates' limit: the known updates at or above the offset come back again, then
        as many new ones as there is room for."""
        return max(1, min(MAX_BATCH, self._known() + self.room()))

    def accept(self, ids: Iterable[int]) -> list[int]:
        """The ids not seen before (in order); they are pending from now on."""
        new = []
        now = self._clock()
        for update_id in ids:
            if self._high is None or update_id > self._high:
                new.append(update_id)
                self._pending[update_id] = now
                self._high = update_id
        return new

    def answered(self, update_id: int) -> None:
        if self._pending.pop(update_id, None) is None:
            return
        self._answered_above.add(update_id)
        offset = self.offset
        self._answered_above = (
            {i for i in self._answered_above if offset is not None and i >= offset}
        )


def _unreadable(item: object) -> str | None:
    """Why python-telegram-bot cannot turn this into an Update (the error's type), or None."""
    try:
        Update.de_json(item, None)  # type: ignore[arg-type]
    except Exception as exc:  # whatever the library trips on
        return type(exc).__name__
    return None


def readable_updates(payload: bytes, in_hand: int | None = None) -> bytes:
    """A getUpdates response without the updates already in hand (ids up to `in_hand`: the
    unanswered ones come back with every call) and in which every update the library cannot
    parse is replaced by an empty one with the same id (so that it can be confirmed) and the
    error's type."""
    try:
        body = json.loads(payload)
    except ValueError:
        return payload  # the library reports an invalid response itself
    result = body.get("result") if isinstance(body, dict) else None
    if not isinstance(result, list):
        return payload
    kept: list[Any] = []
    for item in result:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if type(update_id) is not int:
            continue  # can be neither answered nor confirmed; later ids confirm it
        if in_hand is not None and update_id <= in_hand:
            continue
        reason = _unreadable(item)
        kept.append(item if reason is None else {"update_id": update_id, UNREADABLE: reason})
    return json.dumps({**body, "result": kept}).encode()


class ReadableUpdatesRequest(BaseRequest):
    """The getUpdates transport: `inner` does the HTTP, then readable_updates() filters the
    batch (against `ledger`, if given) before python-telegram-bot parses it."""

    def __init__(self, inner: BaseRequest, ledger: Ledger | None = None) -> None:
        self._inner = inner
        self._ledger = ledger

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        code, payload = await self._inner.do_request(
            url, method, request_data,
            read_timeout=read_timeout, write_timeout=write_timeout,
            connect_timeout=connect_timeout, pool_timeout=pool_timeout,
        )
        if code == 200 and url.endswith("/getUpdates"):
            in_hand = self._ledger.high if self._ledger is not None else None
            payload = readable_updates(payload, in_hand)
        return code, payload


class Poller:
    """Fetches updates into the application's queue; see the module docstring.

    The application's update processor must call `answered(update)` when an update is done.
    A refused token stops polling and sets `fatal`.
    """

    def __init__(
        self,
        app: Application,  # type: ignore[type-arg]
        ledger: Ledger,
        *,
        poll_timeout: float,
        allowed_updates: Sequence[str],
    ) -> None:
        self._app = app
        self.ledger = ledger
        self._poll_timeout = poll_timeout
        self._allowed = list(allowed_updates)
        self._progress = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._confirmed: int | None = None
        self._stopping = False
        self._refill = max(1, ledger.max_pending // 2)
        self._backoff = FIRST_BACKOFF
        self.fatal: BaseException | None = None
        self.stopped = asyncio.Event()  # set when polling ends by itself (fatal error)

    def answered(self, update: object) -> None:
        if isinstance(update, Update):
            self.ledger.answered(update.update_id)
            self._progress.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="citebot:poller")

    async def stop(self) -> None:
        """Stop fetching at once; a long poll in progress is abandoned (its updates were not
        confirmed, so they are not lost)."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def confirm(self) -> None:
        """Tell Telegram what has been answered since the last getUpdates (at shutdown)."""
        offset = self.ledger.offset
        if offset is None or offset == self._confirmed:
            return
        try:
            await self._app.bot.get_updates(
                offset=offset, limit=1, timeout=0, allowed_updates=self._allowed,
                read_timeout=CONFIRM_TIMEOUT, connect_timeout=CONFIRM_TIMEOUT,
                write_timeout=CONFIRM_TIMEOUT, pool_timeout=CONFIRM_TIMEOUT,
            )
        except TelegramError as exc:
            log.warning("could not confirm answered updates (they may be answered again): %s",
                        exc)
            return
        self._confirmed = offset

    async def _wait_for(self, ready: bool, timeout: float | None) -> None:
        if ready:
            return
        self._progress.clear()
        # asyncio.timeout, not wait_for: in Python 3.11 wait_for can swallow a cancellation
        # that arrives as the event is set, and then stop() would wait for a long poll.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._progress.wait()

    async def _call(self, call: Awaitable[T], what: str) -> T | None:
        """One Bot API call of the polling loop. None after a transient failure (logged, then
        a growing pause); a refused token stops polling (`fatal`)."""
        try:
            result = await call
        except (InvalidToken, Forbidden) as exc:
            log.error("%s refused the token; polling stopped: %s", what, exc)
            self.fatal = exc
            self.stopped.set()
            self._stopping = True
            return None
        except TelegramError as exc:
            log.warning("update=- error=%s: %s (polling again in %.1f s)",
                        type(exc).__name__, exc, self._backoff)
            await asyncio.sleep(self._backoff)
            self._backoff = min(self._backoff * 2, MAX_BACKOFF)
            return None
        self._backoff = FIRST_BACKOFF
        return result

    async def _run(self) -> None:
        # getUpdates is refused while a webhook is set (e.g. by an earlier webhook run).
        while not self._stopping and await self._call(self._app.bot.delete_webhook(),
                                                      "deleteWebhook") is None:
            pass
        while not self._stopping:
            # Refill in batches: a fetch per answered update would re-read the whole window
            # each time.
            while self.ledger.room() < self._refill:
                # Also on a timer: a stuck update stops holding the window after a while.
                await self._wait_for(False, RECHECK_SECONDS)
            if self._stopping:
                return
            offset = self.ledger.offset
            # Long-poll only when idle: with updates in flight, Telegram would return the
            # unanswered ones at once anyway.
            wait = self._poll_timeout if self.ledger.pending == 0 else 0.0
            updates = await self._call(
                self._app.bot.get_updates(
                    offset=offset,
                    limit=self.ledger.limit(),
                    timeout=dt.timedelta(seconds=wait),
                    allowed_updates=self._allowed,
                ),
                "getUpdates",
            )
            if updates is None:
                continue
            self._confirmed = offset
            fresh = set(self.ledger.accept(u.update_id for u in updates))
            for update in updates:
                if update.update_id not in fresh:
                    continue
                reason = update.api_kwargs.get(UNREADABLE)
                if reason is not None:
                    log.warning("update=%d skipped: the library cannot read it (%s)",
                                update.update_id, reason)
                    self.ledger.answered(update.update_id)
                    continue
                self._app.update_queue.put_nowait(update)
            if not fresh and self.ledger.pending:
                await self._wait_for(False, RECHECK_SECONDS)
