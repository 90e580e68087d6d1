"""Building the PTB Application and running it (long polling or webhook) until stopped."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import os
import signal
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from telegram import BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.telegram.handlers import COMMANDS, Answerer, Handlers
from bot.telegram.ops import TelegramOps
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.token import check_webhook_secret, load_token

log = logging.getLogger("citebot.telegram")

API_BASE_ENV = "TELEGRAM_API_BASE_URL"
WEBHOOK_URL_ENV = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
WEBHOOK_LISTEN_ENV = "TELEGRAM_WEBHOOK_LISTEN"
WEBHOOK_PORT_ENV = "TELEGRAM_WEBHOOK_PORT"
LOG_QUESTIONS_ENV = "CITEBOT_LOG_QUESTIONS"
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

    token = load_token(env)
    secret = option("webhook_secret") or env.get(WEBHOOK_SECRET_ENV) or None
    if secret is not None:
        check_webhook_secret(secret)
    port_option = option("port")
    port_text = str(port_option if port_option is not None
                    else env.get(WEBHOOK_PORT_ENV) or DEFAULT_PORT)
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"invalid webhook port: {port_text!r}") from None
    if not 0 < port < 65536:
        raise ValueError(f"invalid webhook port: {port}")
    api_base = (env.get(API_BASE_ENV) or "").strip().rstrip("/") or None
    if api_base is not None and not api_base.startswith(("http://", "https://")):
        raise ValueError(f"{API_BASE_ENV} must be an http:// or https:// URL")
    poll_timeout = option("poll_timeout")
    if poll_timeout is not None and poll_timeout < 0:
        raise ValueError("--poll-timeout must not be negative")
    webhook_url = option("webhook_url") or env.get(WEBHOOK_URL_ENV) or None
    if webhook_url is not None and not webhook_url.startswith("https://"):
        raise ValueError("the webhook URL must start with https:// (Telegram requires it)")
    return Settings(
        token=token,
        api_base=api_base,
        webhook_url=webhook_url,
        listen=option("listen") or env.get(WEBHOOK_LISTEN_ENV) or DEFAULT_LISTEN,
        port=port,
        webhook_secret=secret,
        log_questions=bool(option("log_questions")) or env.get(LOG_QUESTIONS_ENV, "") == "1",
        poll_timeout=float(poll_timeout) if poll_timeout is not None else 10.0,
    )


def build_application(
    settings: Settings,
    engine: Answerer,
    *,
    limiter: RateLimiter | None = None,
    ops: TelegramOps | None = None,
) -> Application:  # type: ignore[type-arg]
    builder = ApplicationBuilder().token(settings.token)
    if settings.api_base:
        # PTB appends the token to base_url: "<base>/bot" + token + "/<method>".
        builder = builder.base_url(f"{settings.api_base}/bot").base_file_url(
            f"{settings.api_base}/file/bot"
        )
    # getUpdates must be allowed to wait the long-poll time plus the network's own latency.
    if ops is not None:
        builder = ops.requests(builder, get_updates_read_timeout=settings.poll_timeout + 10.0)
    else:
        builder = builder.get_updates_read_timeout(settings.poll_timeout + 10.0)
    app = builder.build()
    limiter = limiter if limiter is not None else RateLimiter()

    def handlers_for(engine: Answerer) -> Handlers:
        return Handlers(engine, limiter=limiter, log_questions=settings.log_questions,
                        on_reply=ops.on_reply if ops is not None else None)

    handlers = handlers_for(engine)
    handlers.register(app)
    if ops is not None:
        ops.attach(app, handlers, handlers_for)  # reloads, feedback, admin commands
    return app


async def register_commands(app: Application) -> None:  # type: ignore[type-arg]
    """The command menu is a convenience: if Telegram refuses it, say so and run anyway."""
    try:
        await app.bot.set_my_commands([BotCommand(name, text) for name, text in COMMANDS])
    except TelegramError as exc:
        log.warning("setMyCommands failed, running without a command menu: %s", exc)


async def serve(app: Application, settings: Settings, stop: asyncio.Event) -> None:  # type: ignore[type-arg]
    """Initialize (getMe), register commands, receive updates until `stop` is set, then shut
    down cleanly. Raises TelegramError if the Bot API cannot be reached at startup."""
    updater = app.updater
    if updater is None:
        raise RuntimeError("the application was built without an updater")

    def polling_error(exc: TelegramError) -> None:
        # Same route as Application.run_polling: polling failures go to the error handler.
        app.create_task(app.process_error(update=None, error=exc))

    async with app:
        await register_commands(app)
        if settings.webhook_url:
            if not settings.webhook_secret:
                log.warning("webhook without a secret token: anyone who knows the URL can post")
            await updater.start_webhook(
                listen=settings.listen,
                port=settings.port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            mode = f"webhook on {settings.listen}:{settings.port}{settings.webhook_path}"
        else:
            await updater.start_polling(
                timeout=dt.timedelta(seconds=settings.poll_timeout),
                allowed_updates=ALLOWED_UPDATES,
                error_callback=polling_error,
            )
            mode = "long polling"
        await app.start()
        log.info("running as @%s (%s)", app.bot.username, mode)
        try:
            await stop.wait()
        finally:
            log.info("stopping")
            if updater.running:
                await updater.stop()
            if app.running:
                await app.stop()


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
        await serve(app, settings, stop)
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
    return 0


def run_application(app: Application, settings: Settings) -> int:  # type: ignore[type-arg]
    """Run until SIGINT/SIGTERM; 0 after a clean stop, 1 if startup failed."""
    return asyncio.run(_serve_until_signal(app, settings))
