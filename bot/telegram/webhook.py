"""Webhook mode: the HTTP server Telegram posts updates to, plus a health check.

python-telegram-bot's own webhook server reads a whole request body (up to 100 MB) before it
looks at the secret, and answers 500 to a body that is not JSON. This one checks the secret
from the headers, refuses bodies over `max_body` bytes without reading them, answers 400 to
anything that is not a JSON update, and answers 200 only once the update has been handled,
so that Telegram delivers again whatever a stopped bot did not answer.

GET /healthz answers "ok" (no secret needed, nothing revealed) while the bot is running.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
from collections import OrderedDict
from http import HTTPStatus
from typing import Any

import tornado.httpserver
import tornado.routing
import tornado.web
from telegram import Bot, Update

log = logging.getLogger("citebot.telegram")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
MAX_BODY_BYTES = 1 << 20  # Telegram's updates are a few KB
BODY_TIMEOUT = 10.0  # seconds to send a body: a slow trickle does not hold a connection
IDLE_TIMEOUT = 75.0
CLOSE_TIMEOUT = 1.0  # seconds to write the last responses and close at shutdown
RECENT = 2048  # answered update ids remembered, so that a redelivery is not answered twice


class Inbox:
    """Between the HTTP handler and the application: enqueue an update, wait until it is
    handled; a redelivered update (Telegram retries when slow) is not enqueued again."""

    def __init__(self, queue: asyncio.Queue[object]) -> None:
        self._queue = queue
        self._waiting: dict[int, asyncio.Future[bool]] = {}
        self._recent: OrderedDict[int, None] = OrderedDict()
        self.accepting = False
        self.responding = 0  # requests whose response is not yet written
        self._idle = asyncio.Event()
        self._idle.set()

    def opened(self) -> None:
        self.responding += 1
        self._idle.clear()

    def closed(self) -> None:
        self.responding -= 1
        if self.responding == 0:
            self._idle.set()

    async def wait_idle(self, timeout: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._idle.wait()

    async def deliver(self, update: Update) -> bool:
        """True once the update has been handled; False if the bot stopped first."""
        update_id = update.update_id
        if update_id in self._recent:
            return True
        waiting = self._waiting.get(update_id)
        if waiting is None:
            waiting = asyncio.get_running_loop().create_future()
            self._waiting[update_id] = waiting
            self._queue.put_nowait(update)
        return await asyncio.shield(waiting)

    def answered(self, update: object) -> None:
        if not isinstance(update, Update):
            return
        self._recent[update.update_id] = None
        while len(self._recent) > RECENT:
            self._recent.popitem(last=False)
        waiting = self._waiting.pop(update.update_id, None)
        if waiting is not None and not waiting.done():
            waiting.set_result(True)

    def abandon_all(self) -> None:
        """At shutdown: whatever is still waiting is answered 503, so Telegram delivers it
        again (to the next instance)."""
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_result(False)
        self._waiting.clear()


class _Base(tornado.web.RequestHandler):
    def set_default_headers(self) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.clear_header("Server")

    def write_error(self, status_code: int, **_kwargs: Any) -> None:
        self.finish(f"{HTTPStatus(status_code).phrase}\n")

    def log_exception(self, *args: Any) -> None:
        # Tornado's default prints the request (and the exception); ours: type only.
        _, value, _ = args
        if value is not None and not isinstance(value, tornado.web.HTTPError):
            log.error("webhook request failed: %s", type(value).__name__)


class _Health(_Base):
    SUPPORTED_METHODS = ("GET", "HEAD")

    def initialize(self, inbox: Inbox) -> None:
        self._inbox = inbox

    def get(self) -> None:
        if not self._inbox.accepting:
            self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
            self.finish("stopping\n")
            return
        self.finish("ok\n")

    def head(self) -> None:
        self.set_status(HTTPStatus.OK if self._inbox.accepting else HTTPStatus.SERVICE_UNAVAILABLE)


@tornado.web.stream_request_body
class _Updates(_Base):
    SUPPORTED_METHODS = ("POST",)

    def initialize(
        self, inbox: Inbox, bot: Bot, secret: str | None, max_body: int
    ) -> None:
        self._inbox = inbox
        self._bot = bot
        self._secret = secret
        self._max_body = max_body
        self._body = bytearray()

    def prepare(self) -> None:
        # Everything here is decided from the headers: the body has not been read yet.
        if self._secret is not None:
            given = self.request.headers.get(SECRET_HEADER, "")
            if not hmac.compare_digest(given.encode(), self._secret.encode()):
                raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self._max_body):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if not self._inbox.accepting:
            raise tornado.web.HTTPError(HTTPStatus.SERVICE_UNAVAILABLE)
        connection = self.request.connection
        if connection is not None:
            # A chunked body has no length to check: the connection drops it past the limit.
            connection.set_max_body_size(self._max_body)  # type: ignore[attr-defined]
            connection.set_body_timeout(BODY_TIMEOUT)  # type: ignore[attr-defined]

    def data_received(self, chunk: bytes) -> None:
        self._body.extend(chunk)

    async def post(self) -> None:
        try:
            data = json.loads(bytes(self._body).decode("utf-8"))
        except ValueError:  # UnicodeDecodeError is a ValueError too
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST) from None
        update_id = data.get("update_id") if isinstance(data, dict) else None
        if type(update_id) is not int:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        try:
            update = Update.de_json(data, self._bot)
        except Exception as exc:  # whatever the library trips on: skip it, say so, go on
            log.warning("update=%d skipped: the library cannot read it (%s)",
                        update_id, type(exc).__name__)
            self.finish("ok\n")
            return
        self._inbox.opened()
        try:
            answered = await self._inbox.deliver(update)
            if not answered:
                self.set_status(HTTPStatus.SERVICE_UNAVAILABLE)
            # Awaited: at shutdown the response must be written before connections close.
            await self.finish("ok\n" if answered else "stopping\n")
        finally:
            self._inbox.closed()


class _App(tornado.web.Application):
    def log_request(self, handler: tornado.web.RequestHandler) -> None:
        pass  # request lines would show the (secret) webhook path; events are logged instead


class WebhookServer:
    """Serves `path` (updates) and /healthz on listen:port. `path` None: health check only
    (for long polling)."""

    def __init__(
        self,
        inbox: Inbox,
        bot: Bot,
        *,
        listen: str,
        port: int,
        path: str | None,
        secret: str | None,
        max_body: int = MAX_BODY_BYTES,
    ) -> None:
        routes: list[Any] = [(HEALTH_PATH, _Health, {"inbox": inbox})]
        if path is not None:
            routes.append(
                (tornado.routing.PathMatches(path.rstrip("/") + "/?"), _Updates,
                 {"inbox": inbox, "bot": bot, "secret": secret, "max_body": max_body})
            )
        self.inbox = inbox
        self._server = tornado.httpserver.HTTPServer(
            _App(routes), idle_connection_timeout=IDLE_TIMEOUT, body_timeout=BODY_TIMEOUT,
            max_body_size=max_body,
        )
        self._listen = listen
        self._port = port

    def start(self) -> None:
        self._server.listen(self._port, address=self._listen)
        self.inbox.accepting = True

    def stop_accepting(self) -> None:
        """New updates get 503 (Telegram delivers them again later); /healthz says stopping."""
        self.inbox.accepting = False

    async def close(self) -> None:
        self.inbox.accepting = False
        self._server.stop()
        self.inbox.abandon_all()
        await self.inbox.wait_idle(CLOSE_TIMEOUT)
        with contextlib.suppress(TimeoutError):  # a client that will not let go
            async with asyncio.timeout(CLOSE_TIMEOUT):
                await self._server.close_all_connections()


