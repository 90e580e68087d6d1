"""Which updates may run at the same time: different chats concurrently, one chat in order.

A chat's replies must come out in the order its messages came in, but one busy chat (or one
slow send being retried) must not hold up the others.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger("citebot.telegram")

# The fetcher bounds how many updates are in flight; this only caps runaway concurrency.
MAX_CONCURRENT = 1024


def chat_key(update: object) -> Hashable | None:
    """The conversation an update belongs to; None when its order does not matter."""
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return ("chat", update.effective_chat.id)
    if update.effective_user is not None:  # inline queries
        return ("user", update.effective_user.id)
    return None


class ChatOrder(BaseUpdateProcessor):
    """PTB update processor: per-chat FIFO (asyncio.Lock hands over in arrival order).

    `on_done(update)` is called when an update has been handled (answered, or failed for
    good); not when it was cancelled at shutdown, so that it is not confirmed to Telegram.
    `on_shutdown` callbacks run when the application shuts down.
    """

    def __init__(
        self,
        max_concurrent: int = MAX_CONCURRENT,
        *,
        on_shutdown: tuple[Callable[[], None], ...] = (),
    ) -> None:
        super().__init__(max_concurrent)
        self.on_done: Callable[[object], None] | None = None
        self._on_shutdown = on_shutdown
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        for close in self._on_shutdown:
            close()

    @property
    def in_flight(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> int:
        """Cancel every update still being handled (the shutdown grace is over)."""
        for task in self._tasks:
            task.cancel()
        return len(self._tasks)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            await self._in_order(chat_key(update), coroutine)
        except asyncio.CancelledError:
            raise
        except Exception:
            self._done(update)
            raise
        else:
            self._done(update)
        finally:
            if task is not None:
                self._tasks.discard(task)

    async def _in_order(self, key: Hashable | None, coroutine: Awaitable[Any]) -> None:
        if key is None:
            await coroutine
            return
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        started = False
        try:
            async with lock:
                started = True
                await coroutine
        finally:
            if not started and inspect.iscoroutine(coroutine):
                coroutine.close()  # cancelled while waiting its turn: never ran
            _, users = self._locks[key]
            if users <= 1:
                del self._locks[key]  # an idle chat costs nothing
            else:
                self._locks[key] = (lock, users - 1)

    def _done(self, update: object) -> None:
        if self.on_done is not None:
            self.on_done(update)
