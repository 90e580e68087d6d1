"""Running the Telegram bot for real: recording, feedback, admin commands, live reload, health.

`TelegramOps` is what bot.telegram.app plugs in (build_application(..., ops=...)):
- `on_reply` is the handler layer's hook: counts the outcome, records the question (off the
  event loop, through the Recorder) and adds the 👍/👎 buttons to an answer;
- `attach` routes every update to the Handlers built for the engine serving *now*, taken once
  per update, and adds the admin commands and the vote buttons' handler ahead of the others;
- `requests` observes every Bot API call (errors by method, when it was last reached);
- as a context manager it runs the recorder, the reload thread (SIGHUP, file watcher) and the
  /healthz + /metrics endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)
from telegram.request import HTTPXRequest, RequestData

from bot.model import Reply
from bot.ops.address import DEFAULT_LISTEN, DEFAULT_PORT, OPS_ADDRESS_ENV, ops_address
from bot.ops.cli import admin_report
from bot.ops.health import ApiWatch, Health, OpsServer
from bot.ops.metrics import Metrics
from bot.reload import LiveEngine, Reloader
from bot.storage import (
    Storage,
    StorageError,
    Vote,
    asked_of,
    now,
    open_storage,
    retention_days,
)
from bot.storage.recorder import Recorder
from bot.telegram import votes
from bot.telegram.handlers import Answerer, Handlers
from bot.telegram.logs import Event, log_event
from bot.telegram.messages import Outgoing

log = logging.getLogger("citebot.telegram")

ADMINS_ENV = "CITEBOT_ADMINS"
RECORD_ENV = "CITEBOT_RECORD"
WATCH_ENV = "CITEBOT_WATCH_KB"
# Ahead of the ordinary handlers (group 0): an admin command or a vote handled here stops there.
OPS_GROUP = -1
# A webhook bot may get no update for hours: check the Bot API is still reachable this often.
PROBE_SECONDS = 60.0
MAX_MESSAGE_CHARS = 4096
THANKS = "Thanks for your feedback!"

Context = ContextTypes.DEFAULT_TYPE


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group(
        "operations",
        "Questions (no user ids or names) are recorded in $XDG_STATE_HOME/citebot/citebot.db, "
        "or the PostgreSQL database named by DATABASE_URL. SIGHUP reloads the knowledge base.",
    )
    group.add_argument("--db", type=Path, metavar="PATH",
                       help="SQLite file for recorded questions and votes (env CITEBOT_DB)")
    group.add_argument("--no-record", action="store_true",
                       help="record nothing, no feedback buttons (env CITEBOT_RECORD=0)")
    group.add_argument("--retention-days", type=int, metavar="DAYS",
                       help="days questions and votes are kept (env CITEBOT_RETENTION_DAYS, "
                       "default 90)")
    group.add_argument("--admins", metavar="IDS",
                       help="Telegram user ids allowed /unanswered, /stats and /reload, "
                       "comma-separated (env CITEBOT_ADMINS)")
    group.add_argument("--ops-address", metavar="HOST:PORT",
                       help=f"where /healthz and /metrics are served, or 'off' (env "
                       f"CITEBOT_OPS_ADDRESS, default {DEFAULT_LISTEN}:{DEFAULT_PORT})")
    group.add_argument("--watch-kb", action="store_true",
                       help="reload when the knowledge-base files change (env "
                       "CITEBOT_WATCH_KB=1)")


@dataclass(frozen=True)
class OpsSettings:
    record: bool = True
    db: Path | None = None
    retention_days: int = 90
    admins: frozenset[int] = frozenset()
    ops_address: tuple[str, int] | None = (DEFAULT_LISTEN, DEFAULT_PORT)
    watch_kb: bool = False


def ops_settings_from(args: argparse.Namespace,
                      environ: Mapping[str, str] | None = None) -> OpsSettings:
    """Options first, then the environment. Raises ValueError with a one-line message."""
    env = os.environ if environ is None else environ

    def option(name: str) -> Any:
        return getattr(args, name, None)

    admins_text = option("admins") or env.get(ADMINS_ENV, "")
    admins = set()
    for part in admins_text.replace(" ", ",").split(","):
        if part.strip():
            try:
                admins.add(int(part))
            except ValueError:
                raise ValueError(f"invalid admin user id: {part.strip()!r}") from None
    return OpsSettings(
        record=not option("no_record") and env.get(RECORD_ENV, "1").strip() != "0",
        db=option("db"),
        retention_days=retention_days(option("retention_days"), env),
        admins=frozenset(admins),
        ops_address=ops_address(option("ops_address") or env.get(OPS_ADDRESS_ENV, "")),
        watch_kb=bool(option("watch_kb")) or env.get(WATCH_ENV, "").strip() == "1",
    )


def _chat_type(update: Update) -> str:
    return str(update.effective_chat.type) if update.effective_chat is not None else "-"


def _event(update: Update, started: float, outcome: str, fact: str | None = None) -> None:
    """The same one-line event log as the ordinary handlers (no user id, no text)."""
    log_event(Event(update_id=update.update_id, chat_type=_chat_type(update), outcome=outcome,
                    fact=fact, latency_ms=(time.perf_counter() - started) * 1000))


class ObservedRequest(HTTPXRequest):
    """PTB's HTTP client, telling `TelegramOps` about every Bot API call."""

    def __init__(self, ops: TelegramOps, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ops = ops

    async def initialize(self) -> None:
        await super().initialize()
        self._ops._api_started()

    async def shutdown(self) -> None:
        self._ops._api_stopped()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        write_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        connect_timeout: Any = HTTPXRequest.DEFAULT_NONE,
        pool_timeout: Any = HTTPXRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        # The URL ends with the method name; the token is in the part before it.
        name = url.rsplit("/", 1)[-1]
        metrics = self._ops.metrics
        metrics.api_requests.labels(name).inc()
        try:
            code, payload = await super().do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )
        except Exception:
            metrics.api_errors.labels(name).inc()
            raise
        self._ops.api.reached()
        if code >= 300:
            metrics.api_errors.labels(name).inc()
        return code, payload


class TelegramOps:
    def __init__(
        self,
        settings: OpsSettings,
        live: LiveEngine,
        *,
        opener: Callable[[], Storage] | None = None,
        reader: Callable[[], Storage] | None = None,
        probe_seconds: float = PROBE_SECONDS,
    ) -> None:
        """`opener` opens the store for writing (default: per settings), `reader` for the
        admin reports (default: the same store, read-only)."""
        self.settings = settings
        self.probe_seconds = probe_seconds
        self.live = live
        self.metrics = Metrics()
        self.api = ApiWatch()
        self.health = Health(self.api, lambda: live.current)
        self._opener = opener or (lambda: open_storage(settings.db))
        self._reader = reader or (lambda: open_storage(settings.db, read_only=True))
        self.recorder: Recorder | None = None
        if settings.record:
            self.recorder = Recorder(self._opener, retention_days=settings.retention_days)
            self.metrics.watch_recorder(self.recorder.stats)
        self.metrics.serving(live.current)
        live.on_reload(self.metrics.reloaded)
        self.reloader = Reloader(live, watch=settings.watch_kb)
        self.server: OpsServer | None = None
        self._old_sighup: Any = None
        self._app: Application | None = None  # type: ignore[type-arg]
        self._routes: _Routes | None = None
        self._probe: asyncio.Task[None] | None = None

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> TelegramOps:
        if self.recorder is not None:
            self.recorder.start()
        if self.settings.ops_address is not None:
            host, port = self.settings.ops_address
            try:
                self.server = OpsServer(host, port, self.health, self.metrics).start()
            except OSError as exc:
                # The bot answering matters more than its health page: run without it, loudly.
                log.error("health and metrics endpoint not started on %s:%d: %s",
                          host, port, exc.strerror or exc)
        self.reloader.start()
        if hasattr(signal, "SIGHUP") and threading.current_thread() is threading.main_thread():
            self._old_sighup = signal.signal(signal.SIGHUP, self._sighup)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._old_sighup is not None:
            signal.signal(signal.SIGHUP, self._old_sighup)
            self._old_sighup = None
        self.reloader.stop()
        if self.server is not None:
            self.server.close()
        if self.recorder is not None:
            self.recorder.close()

    def _sighup(self, _signum: int, _frame: object) -> None:
        self.reloader.request()  # only sets a flag: the reload thread does the work

    # -- the Bot API ------------------------------------------------------------------------

    def observed(self, **kwargs: Any) -> ObservedRequest:
        """A PTB HTTP client that reports each Bot API call here (`kwargs`: HTTPXRequest's)."""
        return ObservedRequest(self, **kwargs)

    def _api_started(self) -> None:
        if self._probe is None and self._app is not None:
            self._probe = asyncio.get_running_loop().create_task(self._probing(self._app))

    def _api_stopped(self) -> None:
        if self._probe is not None:
            self._probe.cancel()
            self._probe = None

    async def _probing(self, app: Application) -> None:  # type: ignore[type-arg]
        """getMe when nothing else reached the Bot API for a while (an idle webhook bot)."""
        while True:
            await asyncio.sleep(self.probe_seconds / 2)
            since = self.api.seconds_since()
            if since is None or since >= self.probe_seconds:
                with contextlib.suppress(TelegramError):
                    await app.bot.get_me()

    # -- the handler layer's hook -----------------------------------------------------------

    def on_reply(self, update: Update, reply: Reply, outgoing: list[Outgoing]) -> list[Outgoing]:
        self.metrics.questions.labels(reply.kind.value).inc()
        if self.recorder is None:
            return outgoing
        self.recorder.asked(asked_of(reply, chat_type=_chat_type(update)))
        return votes.with_votes(outgoing, reply)

    # -- wiring into the application --------------------------------------------------------

    def attach(
        self,
        app: Application,  # type: ignore[type-arg]
        registered: Handlers,
        handlers_for: Callable[[Answerer], Handlers],
    ) -> None:
        """Route `registered`'s callbacks to the Handlers of the engine serving at each update,
        and add the vote and admin handlers ahead of them."""
        self._app = app
        self._routes = _Routes(self, registered, handlers_for)
        for handlers in app.handlers.values():
            for handler in handlers:
                callback = handler.callback
                if getattr(callback, "__self__", None) is registered:
                    handler.callback = self._routes.route(callback.__name__)
        if self.recorder is not None:
            app.add_handler(CallbackQueryHandler(self._vote, pattern=f"^{votes.PREFIX}"),
                            group=OPS_GROUP)
        if self.settings.admins:
            only = (filters.User(user_id=self.settings.admins) & filters.ChatType.PRIVATE
                    & filters.UpdateType.MESSAGE)
            for name, callback in (("unanswered", self._unanswered), ("stats", self._stats),
                                   ("reload", self._reload)):
                app.add_handler(CommandHandler(name, callback, filters=only), group=OPS_GROUP)

    # -- feedback ---------------------------------------------------------------------------

    async def _vote(self, update: Update, _context: Context) -> None:
        started = time.perf_counter()
        query = update.callback_query
        parsed = votes.parse(query.data if query is not None else None)
        if query is None or parsed is None:
            return  # not ours after all: the ordinary handler answers it
        up, fact = parsed
        self.metrics.votes.labels("up" if up else "down").inc()
        if self.recorder is not None:
            self.recorder.vote(Vote(now(), fact, up))
        await query.answer(THANKS)
        message = query.message if isinstance(query.message, Message) else None
        try:
            await query.edit_message_reply_markup(
                reply_markup=votes.without_votes(message.reply_markup if message else None)
            )
        except TelegramError as exc:  # too old to edit, or edited already: the vote counts
            log.info("vote buttons not removed: %s", exc)
        _event(update, started, f"vote_{'up' if up else 'down'}", fact)
        raise ApplicationHandlerStop

    # -- admin commands ---------------------------------------------------------------------

    async def _report(self, update: Update, command: str) -> None:
        started = time.perf_counter()
        message = update.effective_message
        if message is None:
            raise ApplicationHandlerStop
        engine = self.live.engine
        try:
            text = await asyncio.to_thread(admin_report, command, engine, self._reader)
        except StorageError as exc:
            text = f"Nothing to report: {exc}"
        for chunk in _chunks(text):
            await message.reply_text(chunk)
        _event(update, started, f"admin_{command}")
        raise ApplicationHandlerStop

    async def _unanswered(self, update: Update, _context: Context) -> None:
        await self._report(update, "unanswered")

    async def _stats(self, update: Update, _context: Context) -> None:
        await self._report(update, "stats")

    async def _reload(self, update: Update, _context: Context) -> None:
        started = time.perf_counter()
        message = update.effective_message
        if message is not None:
            result = await asyncio.to_thread(self.live.reload)
            for chunk in _chunks(result.message()):
                await message.reply_text(chunk)
            _event(update, started, "admin_reload" if result.ok else "admin_reload_refused")
        raise ApplicationHandlerStop


Route = Callable[[Update, Context], Coroutine[Any, Any, None]]


class _Routes:
    """The Handlers for the engine serving now, rebuilt when a reload swapped the engine."""

    def __init__(self, ops: TelegramOps, first: Handlers,
                 handlers_for: Callable[[Answerer], Handlers]) -> None:
        self._ops = ops
        self._handlers_for = handlers_for
        self._pair: tuple[Answerer, Handlers] = (first.engine, first)

    def current(self) -> Handlers:
        engine = self._ops.live.engine  # taken once: this update sees one engine throughout
        if self._pair[0] is not engine:
            self._pair = (engine, self._handlers_for(engine))
        return self._pair[1]

    def route(self, name: str) -> Route:
        async def routed(update: Update, context: Context) -> None:
            handlers = self.current()
            with self._ops.metrics.timer(name):
                await getattr(handlers, name)(update, context)

        routed.__name__ = name
        return routed


def _chunks(text: str, size: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Plain text cut at line ends into Telegram-sized messages."""
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line) > size:
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:size])
            line = line[size:]
        if len(current) + len(line) > size:
            chunks.append(current)
            current = ""
        current += line
    if current.strip():
        chunks.append(current)
    return chunks or ["(empty)"]
