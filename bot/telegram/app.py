"""Building the PTB Application and running it (long polling or webhook) until stopped.

The life cycle is python-telegram-bot's documented one (initialize, start, stop, shutdown),
driven here rather than by Application.run_polling/run_webhook: their Updater confirms every
fetched batch at once and cannot skip an update it fails to parse, and their webhook server
reads whole bodies before checking the secret. Instead polling.Poller and webhook.WebhookServer
feed the application's queue, ordering.ChatOrder runs chats concurrently and each chat in
order, and a stop drains for at most `drain_seconds`.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder
from telegram.request import HTTPXRequest

from bot.commands import COMMANDS
from bot.telegram.delivery import Resilient
from bot.telegram.handlers import Answerer, Handlers
from bot.telegram.ops import TelegramOps
from bot.telegram.ordering import ChatOrder
from bot.telegram.polling import Ledger, Poller, ReadableUpdatesRequest
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.token import check_webhook_secret, load_token
from bot.telegram.webhook import HEALTH_PATH, Inbox, WebhookServer

log = logging.getLogger("citebot.telegram")
N = TypeVar("N", int, float)

API_BASE_ENV = "TELEGRAM_API_BASE_URL"
WEBHOOK_URL_ENV = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
WEBHOOK_LISTEN_ENV = "TELEGRAM_WEBHOOK_LISTEN"
WEBHOOK_PORT_ENV = "TELEGRAM_WEBHOOK_PORT"
LOG_QUESTIONS_ENV = "CITEBOT_LOG_QUESTIONS"
RATE_LIMIT_ENV = "CITEBOT_RATE_LIMIT"
MAX_PENDING_ENV = "CITEBOT_MAX_PENDING"
DRAIN_ENV = "CITEBOT_DRAIN_SECONDS"
SEND_RATE_ENV = "CITEBOT_SEND_RATE"
HEALTH_PORT_ENV = "CITEBOT_HEALTH_PORT"
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 8443  # one of the ports Telegram delivers webhooks to
# Only what the handlers use; Telegram then does not send (or queue) anything else.
ALLOWED_UPDATES = ("message", "edited_message", "callback_query", "inline_query")


@dataclass(frozen=True)
class Settings:
    token: str = field(repr=False)  # never in a repr, an assertion message or a log
    api_base: str | None = None
    webhook_url: str | None = None
    listen: str = DEFAULT_LISTEN
    port: int = DEFAULT_PORT
    webhook_secret: str | None = None
    log_questions: bool = False
    poll_timeout: float = 10.0  # seconds a getUpdates long poll may wait
    # Per chat: a burst of `rate_count` messages, refilled over `rate_period` seconds.
    rate_count: int = 5
    rate_period: float = 10.0
    # Updates fetched but not yet answered. A stop must answer them within drain_seconds even
    # on a loaded machine, at Telegram's ~30 messages a second: keep it well under 30 x drain.
    max_pending: int = 16
    drain_seconds: float = 2.0  # Docker allows 10 s after SIGTERM; leave room for the rest
    send_rate: float = 30.0  # messages/s over all chats (Telegram's flood limit); 0: no limit
    health_port: int | None = None  # long polling: serve /healthz on this port

    @property
    def webhook_path(self) -> str:
        return urlsplit(self.webhook_url or "").path or "/"


def settings_from(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    """Command-line options first, then environment variables. Raises TokenError (missing or
    malformed token or secret) and ValueError (bad port, URL or timeout), one-line messages.

    Options may be absent from `args` (`citebot run` picks this front-end without them)."""
    env = os.environ if environ is None else environ

    def option(name: str) -> Any:
        return getattr(args, name, None)

    def setting(name: str, variable: str) -> str | None:
        value = option(name)
        return str(value) if value is not None else (env.get(variable) or None)

    token = load_token(env)
    secret = option("webhook_secret") or env.get(WEBHOOK_SECRET_ENV) or None
    if secret is not None:
        check_webhook_secret(secret)
    port = _port(setting("port", WEBHOOK_PORT_ENV) or str(DEFAULT_PORT), "webhook port")
    health = setting("health_port", HEALTH_PORT_ENV)
    rate_count, rate_period = _rate(setting("rate_limit", RATE_LIMIT_ENV) or "5/10")
    max_pending = _number(setting("max_pending", MAX_PENDING_ENV) or "16", "--max-pending", int)
    drain = _number(setting("drain_seconds", DRAIN_ENV) or "2", "--drain-seconds", float)
    send_rate = _number(setting("send_rate", SEND_RATE_ENV) or "30", "--send-rate", float)
    if max_pending < 1:
        raise ValueError("--max-pending must be at least 1")
    if drain < 0 or send_rate < 0:
        raise ValueError("--drain-seconds and --send-rate must not be negative")
    api_base = (env.get(API_BASE_ENV) or "").strip().rstrip("/") or None
    if api_base is not None and not api_base.startswith(("http://", "https://")):
        raise ValueError(f"{API_BASE_ENV} must be an http:// or https:// URL")
    poll_timeout = option("poll_timeout")
    if poll_timeout is not None and poll_timeout < 0:
        raise ValueError("--poll-timeout must not be negative")
    webhook_url = option("webhook_url") or env.get(WEBHOOK_URL_ENV) or None
    if webhook_url is not None and not webhook_url.startswith("https://"):
        raise ValueError("the webhook URL must start with https:// (Telegram requires it)")
    if webhook_url is not None and urlsplit(webhook_url).path.rstrip("/") == HEALTH_PATH:
        raise ValueError(f"the webhook path must not be {HEALTH_PATH} (the health check)")
    return Settings(
        token=token,
        api_base=api_base,
        webhook_url=webhook_url,
        listen=option("listen") or env.get(WEBHOOK_LISTEN_ENV) or DEFAULT_LISTEN,
        port=port,
        webhook_secret=secret,
        log_questions=bool(option("log_questions")) or env.get(LOG_QUESTIONS_ENV, "") == "1",
        poll_timeout=float(poll_timeout) if poll_timeout is not None else 10.0,
        rate_count=rate_count,
        rate_period=rate_period,
        max_pending=max_pending,
        drain_seconds=drain,
        send_rate=send_rate,
        health_port=_port(health, "health port") if health is not None else None,
    )


def _port(text: str, what: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"invalid {what}: {text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"invalid {what}: {port}")
    return port


def _number(text: str, what: str, kind: type[N]) -> N:
    try:
        return kind(text)
    except ValueError:
        raise ValueError(f"{what}: not a number: {text!r}") from None


def _rate(text: str) -> tuple[int, float]:
    """'COUNT/SECONDS', e.g. '5/10': a burst of 5 messages per chat, refilled over 10 s."""
    count, slash, seconds = text.partition("/")
    try:
        parsed = int(count), float(seconds)
    except ValueError:
        parsed = (0, 0.0)
    if not slash or parsed[0] < 1 or parsed[1] <= 0:
        raise ValueError(f"--rate-limit: expected COUNT/SECONDS such as 5/10, got {text!r}")
    return parsed


class CitebotApplication(Application):  # type: ignore[type-arg]
    """PTB's Application, plus the ledger that the long-polling transport and the poller
    share (PTB's documented way to extend it: ApplicationBuilder.application_class)."""

    def __init__(self, *, ledger: Ledger, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ledger = ledger


def build_application(
    settings: Settings,
    engine: Answerer,
    *,
    limiter: RateLimiter | None = None,
    ops: TelegramOps | None = None,
) -> CitebotApplication:
    # PTB 22's documented opt-in: durations (RetryAfter.retry_after) as timedelta, as in the
    # next major version, instead of a deprecation warning on every 429.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    limiter = limiter or RateLimiter(settings.rate_count, settings.rate_period)

    def handlers_for(engine: Answerer) -> Handlers:
        return Handlers(engine, limiter=limiter, log_questions=settings.log_questions,
                        on_reply=ops.on_reply if ops is not None else None)

    handlers = handlers_for(engine)
    ledger = Ledger(settings.max_pending)
    # With ops, both of PTB's HTTP clients report every Bot API call (metrics, health).
    polling = ops.observed(connection_pool_size=2) if ops is not None \
        else HTTPXRequest(connection_pool_size=2)
    builder = (
        ApplicationBuilder()
        .application_class(CitebotApplication, {"ledger": ledger})
        .token(settings.token)
        .updater(None)  # polling.Poller or webhook.WebhookServer feed the queue
        .concurrent_updates(ChatOrder(on_shutdown=(handlers.close,)))
        .rate_limiter(Resilient(send_rate=settings.send_rate))
        .get_updates_request(ReadableUpdatesRequest(polling, ledger))
    )
    if ops is not None:
        builder = builder.request(ops.observed())
    if settings.api_base:
        # PTB appends the token to base_url: "<base>/bot" + token + "/<method>".
        builder = builder.base_url(f"{settings.api_base}/bot").base_file_url(
            f"{settings.api_base}/file/bot"
        )
    app = builder.build()
    if not isinstance(app, CitebotApplication):
        raise TypeError("ApplicationBuilder ignored application_class")
    handlers.register(app)
    if ops is not None:
        ops.attach(app, handlers, handlers_for)  # reloads, feedback, admin commands
    return app


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu is a convenience: if Telegram refuses it, say so and run anyway."""
    try:
        await app.bot.set_my_commands([BotCommand(c.name, c.menu) for c in COMMANDS])
    except TelegramError as exc:
        log.warning("setMyCommands failed, running without a command menu: %s", exc)


async def _drain(app: Application, order: ChatOrder, grace: float) -> None:  # type: ignore[type-arg]
    """app.stop() answers everything already fetched; past `grace` seconds what is left is
    cancelled (it was not confirmed, so Telegram delivers it again)."""
    stopping = asyncio.create_task(app.stop())
    done, _ = await asyncio.wait({stopping}, timeout=grace)
    if not done:
        log.warning("%d update(s) not answered within %.1f s; they will be delivered again",
                    order.in_flight, grace)
        while not stopping.done():
            order.cancel_all()
            await asyncio.wait({stopping}, timeout=0.1)
    await stopping


async def serve(app: Application, settings: Settings, stop: asyncio.Event) -> int:  # type: ignore[type-arg]
    """Initialize (getMe), register commands, receive updates until `stop` is set, then stop
    fetching at once, answer what was fetched (at most `drain_seconds`), confirm it, shut
    down. Returns 0, or 1 if polling stopped because Telegram refused the token. Raises
    TelegramError (or OSError for a taken port) if the bot cannot start."""
    order = app.update_processor
    if not isinstance(app, CitebotApplication) or not isinstance(order, ChatOrder):
        raise TypeError("the application was not built by build_application")
    async with app:
        await register_commands(app)
        inbox = Inbox(app.update_queue)
        poller: Poller | None = None
        server: WebhookServer | None = None
        if settings.webhook_url:
            if not settings.webhook_secret:
                log.warning("webhook without a secret token: anyone who knows the URL can post")
            order.on_done = inbox.answered
            server = WebhookServer(
                inbox, app.bot, listen=settings.listen, port=settings.port,
                path=settings.webhook_path, secret=settings.webhook_secret,
            )
            mode = f"webhook on {settings.listen}:{settings.port}{settings.webhook_path}"
        else:
            poller = Poller(app, app.ledger,
                            poll_timeout=settings.poll_timeout, allowed_updates=ALLOWED_UPDATES)
            order.on_done = poller.answered
            if settings.health_port is not None:
                server = WebhookServer(inbox, app.bot, listen=settings.listen,
                                       port=settings.health_port, path=None, secret=None)
            mode = "long polling"
        try:
            if server is not None:
                server.start()  # listening before Telegram is told where to post
            if settings.webhook_url:
                await app.bot.set_webhook(
                    settings.webhook_url, secret_token=settings.webhook_secret,
                    allowed_updates=ALLOWED_UPDATES,
                )
            await app.start()
            if poller is not None:
                await poller.start()
            log.info("running as @%s (%s)", app.bot.username, mode)
            await _until_stopped(stop, poller)
        finally:
            log.info("stopping")
            if poller is not None:
                await poller.stop()
            if server is not None:
                server.stop_accepting()
            if app.running:
                await _drain(app, order, settings.drain_seconds)
            if poller is not None:
                await poller.confirm()
            if server is not None:
                await server.close()
        return 1 if poller is not None and poller.fatal is not None else 0


async def _until_stopped(stop: asyncio.Event, poller: Poller | None) -> None:
    waits = [asyncio.create_task(stop.wait())]
    if poller is not None:
        waits.append(asyncio.create_task(poller.stopped.wait()))
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()


async def _serve_until_signal(app: Application, settings: Settings) -> int:  # type: ignore[type-arg]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Signal handlers can only be installed from the main thread.
    signals = (signal.SIGINT, signal.SIGTERM)
    main = threading.current_thread() is threading.main_thread()
    if main:
        for sig in signals:
            loop.add_signal_handler(sig, stop.set)
    try:
        return await serve(app, settings, stop)
    except InvalidToken:
        log.error("the Bot API refused the token (is TELEGRAM_BOT_TOKEN right?)")
        return 1
    except TelegramError as exc:
        where = settings.api_base or "api.telegram.org"
        log.error("cannot start: the Bot API at %s failed: %s", where, exc)
        return 1
    except OSError as exc:  # e.g. the webhook port is taken
        log.error("cannot start: %s", exc)
        return 1
    finally:
        if main:
            for sig in signals:
                loop.remove_signal_handler(sig)


def run_application(app: Application, settings: Settings) -> int:  # type: ignore[type-arg]
    """Run until SIGINT/SIGTERM; 0 after a clean stop, 1 if the bot could not start or
    Telegram refused the token."""
    return asyncio.run(_serve_until_signal(app, settings))
