"""Getting a reply to Telegram despite transient failures.

Two layers. `Resilient` is the bot's rate limiter: python-telegram-bot's AIORateLimiter keeps
under Telegram's flood limits and honours 429 retry_after; around it, sends that fail for a
transient reason (HTTP 5xx, a timeout, a refused connection during an outage) are retried with
backoff for a bounded time. `send` resends a message as plain text when Telegram cannot parse
its HTML, rather than dropping the answer.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from html.parser import HTMLParser
from typing import Any

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.telegram.messages import NO_PREVIEW, Outgoing

log = logging.getLogger("citebot.telegram")

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
Request = Callable[..., Coroutine[Any, Any, JSONResult]]

# How long each method may keep retrying. An answer is worth waiting for through an outage;
# a button or inline answer is useless after Telegram's own ~15 s window; start-up calls
# (getMe, setWebhook...) fail fast so that a wrong URL is reported at once.
RETRY_SECONDS: Mapping[str, float] = {
    "sendMessage": 60.0,
    "answerCallbackQuery": 10.0,
    "answerInlineQuery": 10.0,
}
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 4.0
FLOOD_RETRIES = 5  # 429s honoured by AIORateLimiter before the error reaches us
PARSE_ERROR = "can't parse entities"


def _retry_after_seconds(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return float(wait if isinstance(wait, int | float) else wait.total_seconds())


class Resilient(BaseRateLimiter[int]):
    """A BaseRateLimiter: `throttle` (AIORateLimiter unless given) shapes the traffic; a send
    that still fails transiently is tried again until its method's time runs out.

    Not retried: 400 Bad Request (the request itself is wrong), 403 (blocked by the user),
    and any method without a retry time.
    """

    def __init__(
        self,
        throttle: BaseRateLimiter[int] | None = None,
        *,
        send_rate: float = 30.0,
        retry_seconds: Mapping[str, float] = RETRY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._throttle = throttle if throttle is not None else AIORateLimiter(
            overall_max_rate=send_rate,
            group_max_rate=20 if send_rate else 0,
            max_retries=FLOOD_RETRIES,
        )
        self._retry_seconds = dict(retry_seconds)
        self._clock = clock

    async def initialize(self) -> None:
        await self._throttle.initialize()

    async def shutdown(self) -> None:
        await self._throttle.shutdown()

    async def process_request(
        self,
        callback: Request,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> JSONResult:
        budget = self._retry_seconds.get(endpoint, 0.0)
        give_up = self._clock() + budget
        backoff = FIRST_BACKOFF
        attempt = 1
        while True:
            try:
                return await self._throttle.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            except RetryAfter as exc:  # still flooded after the throttle's own retries
                failure: Exception = exc
                wait = _retry_after_seconds(exc)
            except BadRequest:
                raise
            except NetworkError as exc:  # 5xx, timeouts, connection errors
                failure = exc
                wait, backoff = backoff, min(backoff * 2, MAX_BACKOFF)
            if self._clock() + wait > give_up:
                raise failure
            log.warning("%s failed (attempt %d), retrying in %.2f s", endpoint, attempt, wait)
            attempt += 1
            await asyncio.sleep(wait)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._links: list[str | None] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append(dict(attrs).get("href"))

    def handle_endtag(self, tag: str) -> None:
        # A link's address must survive as text, or the source line loses its URL.
        href = self._links.pop() if tag == "a" and self._links else None
        if href:
            self.parts.append(f" ({href})")


def plain_text(markup: str) -> str:
    """What a Telegram HTML message says, as plain text: tags dropped, entities decoded,
    link addresses kept in brackets."""
    parser = _Text()
    parser.feed(markup)
    parser.close()
    return "".join(parser.parts)


async def send(
    bot: Bot,
    chat_id: int,
    out: Outgoing,
    *,
    reply_to: Message | None = None,
    thread_id: int | None = None,
) -> Message:
    """Send one message as HTML; if Telegram cannot parse it, the same text without markup."""
    common: dict[str, Any] = {
        "reply_markup": out.keyboard,
        "link_preview_options": NO_PREVIEW,
        "message_thread_id": thread_id,
        "reply_parameters": (
            ReplyParameters(reply_to.message_id, allow_sending_without_reply=True)
            if reply_to is not None else None
        ),
    }
    try:
        return await bot.send_message(chat_id, out.text, parse_mode=ParseMode.HTML, **common)
    except BadRequest as exc:
        if PARSE_ERROR not in str(exc).lower():
            raise
    log.warning("sendMessage: Telegram could not parse the HTML; sending it as plain text")
    return await bot.send_message(chat_id, plain_text(out.text), parse_mode=None, **common)
