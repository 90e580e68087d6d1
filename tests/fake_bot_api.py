"""A small fake Telegram Bot API server, over real HTTP on 127.0.0.1 (random port).

It records every method call with its parameters, serves queued updates through getUpdates
(with Telegram's offset semantics), answers other methods with plausible results, and can be
told to fail a method with an HTTP error (once, or for a while: an outage). Point PTB at it
with TELEGRAM_API_BASE_URL=<server.base_url>.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_ID = 777000111
BOT_USERNAME = "citebot_test_bot"
TOKEN = "123456789:AAEexampleexampleexampleexample_tok-en"
MAX_HOLD = 0.2  # seconds a getUpdates long poll is held open when nothing is queued


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, str]  # as sent: form fields are strings, objects are JSON text
    token: str
    status: int = 200
    at: float = 0.0  # time.monotonic() when it was received

    def json(self, name: str) -> Any:
        """A parameter PTB sent JSON-encoded (reply_markup, results, commands...)."""
        return json.loads(self.params[name])


@dataclass(frozen=True)
class _Outage:
    until: float
    status: int
    methods: frozenset[str]  # empty: all
    chat_id: str | None  # None: every chat

    def hits(self, now: float, method: str, params: dict[str, str]) -> bool:
        return (
            now < self.until
            and (not self.methods or method in self.methods)
            and (self.chat_id is None or params.get("chat_id") == self.chat_id)
        )


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None = None


def bot_user() -> dict[str, Any]:
    return {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": "Citebot Test",
        "username": BOT_USERNAME,
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": True,
    }


@dataclass
class FakeBotApi:
    """The server's state; usable without HTTP too (handle())."""

    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    _updates: list[dict[str, Any]] = field(default_factory=list)
    _next_update_id: int = 1
    _next_message_id: int = 1000
    _chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    _failures: dict[str, list[_Failure]] = field(default_factory=dict)
    _outage: _Outage | None = None
    queued_at: dict[int, float] = field(default_factory=dict)  # update_id -> monotonic time
    _closing: bool = False
    _cond: threading.Condition = field(default_factory=threading.Condition)

    # -- test side ------------------------------------------------------------------------

    def queue_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; its update_id is assigned here. Returns it."""
        with self._cond:
            update = {**update, "update_id": self._next_update_id}
            self._next_update_id += 1
            self.queued_at[update["update_id"]] = time.monotonic()
            for value in update.values():
                if isinstance(value, dict):
                    message = value.get("message")
                    chat = value.get("chat") or (message if isinstance(message, dict) else {}).get(
                        "chat"
                    )
                    if isinstance(chat, dict) and "id" in chat:
                        self._chats[chat["id"]] = chat
            self._updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def fail_next(
        self, method: str, status: int = 500, description: str = "", *,
        retry_after: int | None = None,
    ) -> None:
        """The next call of `method` gets this HTTP error (once); with retry_after, a 429 says
        how many seconds to wait, as Telegram's flood control does."""
        with self._cond:
            self._failures.setdefault(method, []).append(
                _Failure(status, description or HTTPStatus(status).phrase, retry_after)
            )

    def outage(
        self, seconds: float, status: int = 502, methods: tuple[str, ...] = (),
        chat_id: int | None = None,
    ) -> None:
        """Every call (or every call of `methods`, for `chat_id`) fails with `status` for
        `seconds` from now."""
        with self._cond:
            self._outage = _Outage(
                time.monotonic() + seconds, status, frozenset(methods),
                None if chat_id is None else str(chat_id),
            )

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until `count` calls of `method` (matching `where`) were received."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    c for c in self.calls if c.method == method and (where is None or where(c))
                ]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [c.method for c in self.calls]
                    raise AssertionError(f"{count} x {method} not received in time; got {seen}")
                self._cond.wait(remaining)

    def confirmed(self) -> int:
        """How many updates the client has confirmed (they were polled and offset past)."""
        with self._cond:
            return self._next_update_id - 1 - len(self._updates)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()

    # -- server side ----------------------------------------------------------------------

    def handle(self, token: str, method: str, params: dict[str, str]) -> tuple[int, Any]:
        """(HTTP status, JSON body) for one Bot API request."""
        with self._cond:
            now = time.monotonic()
            if token != self.token:
                status, body = 401, _error(401, "Unauthorized")
            elif self._outage is not None and self._outage.hits(now, method, params):
                status = self._outage.status
                body = _error(status, HTTPStatus(status).phrase)
            elif self._failures.get(method):
                failure = self._failures[method].pop(0)
                status, body = failure.status, _error(failure.status, failure.description)
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
            else:
                status, body = 200, None
            self.calls.append(Call(method, params, token, status, now))
            self._cond.notify_all()
            if status != 200:
                return status, body
            if method == "getUpdates":
                return 200, {"ok": True, "result": self._get_updates(params)}
            return 200, {"ok": True, "result": self._result(method, params)}

    def _get_updates(self, params: dict[str, str]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", "0") or 0)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit", "100") or 100)
        hold = min(float(params.get("timeout", "0") or 0), MAX_HOLD)
        deadline = time.monotonic() + hold
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            self._cond.wait(remaining)
        return self._updates[: max(1, min(limit, 100))]

    def _result(self, method: str, params: dict[str, str]) -> Any:
        if method == "getMe":
            return bot_user()
        if method in ("sendMessage", "editMessageText"):
            chat_id = int(params.get("chat_id", "0") or 0)
            self._next_message_id += 1
            return {
                "message_id": self._next_message_id,
                "date": int(time.time()),
                "chat": self._chats.get(chat_id, {"id": chat_id, "type": "private"}),
                "from": bot_user(),
                "text": params.get("text", ""),
            }
        if method == "getMyCommands":
            return []
        return True  # setMyCommands, answerCallbackQuery, answerInlineQuery, (set|delete)Webhook


def _error(code: int, description: str) -> dict[str, Any]:
    return {"ok": False, "error_code": code, "description": description}


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    # HTTP/1.0: one request per connection, so no handler thread outlives its request.
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._serve(b"")

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:
            return  # the client died mid-request (SIGKILL): Telegram would not act on it
        self._serve(body)

    def _serve(self, body: bytes) -> None:
        url = urlsplit(self.path)
        parts = url.path.strip("/").split("/")
        if len(parts) != 2 or not parts[0].startswith("bot"):
            self._reply(404, _error(404, "Not Found"))
            return
        token, method = parts[0][len("bot") :], parts[1]
        params = dict(parse_qsl(url.query))
        content_type = self.headers.get("Content-Type", "")
        if body and "json" in content_type:
            params.update({k: v if isinstance(v, str) else json.dumps(v)
                           for k, v in json.loads(body).items()})
        elif body:
            params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        status, payload = self.server.api.handle(token, method, params)
        self._reply(status, payload)

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a cancelled long poll at shutdown)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # request lines contain the token; keep test output clean


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins request threads: nothing outlives a test
    api: FakeBotApi


class FakeBotApiServer:
    """`with FakeBotApiServer() as server:` serves on 127.0.0.1:<random port> in a thread."""

    def __init__(self, api: FakeBotApi | None = None) -> None:
        self.api = api if api is not None else FakeBotApi()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.api = self.api
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeBotApiServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.api.close()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
