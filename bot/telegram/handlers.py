"""PTB callbacks: translate an Update into an engine call, render, send, log one line.

No business logic lives here: answers come from the engine, wording from messages.py,
addressing rules from addressing.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Hashable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from telegram import Message, Update
from telegram.constants import ChatType
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.commands import COMMANDS, HELP, Command, example_facts, topic_page
from bot.model import KnowledgeBase, Reply
from bot.telegram import keyboards, messages
from bot.telegram.addressing import MAX_CHAT_QUESTION_CHARS, Addressed, question_text
from bot.telegram.delivery import send
from bot.telegram.logs import Event, log_event
from bot.telegram.messages import Outgoing
from bot.telegram.ratelimit import Admission, RateLimiter

T = TypeVar("T")

log = logging.getLogger("citebot.telegram")

INLINE_CACHE_SECONDS = 60


class Answerer(Protocol):
    """The part of bot.engine.Engine the front-end uses."""

    @property
    def kb(self) -> KnowledgeBase: ...

    def answer(self, question: str) -> Reply: ...

    def answer_fact(self, fact_id: str) -> Reply | None: ...

    def inline_answers(self, question: str, *, limit: int = 3) -> tuple[Reply, ...]: ...


Context = ContextTypes.DEFAULT_TYPE


def _chat_type(update: Update) -> str:
    if update.effective_chat is not None:
        return str(update.effective_chat.type)
    return "inline" if update.inline_query is not None else "-"


class Handlers:
    def __init__(
        self,
        engine: Answerer,
        *,
        limiter: RateLimiter | None = None,
        log_questions: bool = False,
        on_reply: Callable[[Update, Reply, list[Outgoing]], list[Outgoing]] | None = None,
    ) -> None:
        self.engine = engine
        self.kb = engine.kb
        self.limiter = limiter if limiter is not None else RateLimiter()
        self.log_questions = log_questions
        # Recording, metrics and feedback buttons (bot.telegram.ops); the messages it returns
        # are sent.
        self.on_reply = on_reply
        self._executor: ThreadPoolExecutor | None = None

    async def _think(self, work: Callable[[], T]) -> T:
        """Run engine work on one worker thread, so that a slow question does not stall the
        event loop (and with it every other chat's sends)."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="citebot-engine")
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def register(self, app: Application) -> None:  # type: ignore[type-arg]
        new = filters.UpdateType.MESSAGE
        addressed = Addressed()
        text = filters.TEXT & ~filters.COMMAND
        # Stickers, photos, voice...; service messages (joins, pins) are not for us.
        other = ~filters.TEXT & ~filters.StatusUpdate.ALL
        for command in COMMANDS:
            app.add_handler(CommandHandler(command.name, self._command(command), filters=new))
        app.add_handler(MessageHandler(new & text & addressed, self.text))
        # An unknown command in a private chat: say how to ask.
        unknown = new & filters.COMMAND & filters.ChatType.PRIVATE
        app.add_handler(MessageHandler(unknown, self._command(HELP)))
        app.add_handler(MessageHandler(new & other & addressed, self.non_text))
        app.add_handler(MessageHandler(filters.UpdateType.EDITED_MESSAGE & addressed, self.edited))
        app.add_handler(CallbackQueryHandler(self.callback))  # no pattern: stale data too
        app.add_handler(InlineQueryHandler(self.inline))
        app.add_error_handler(self.error)

    # -- helpers ----------------------------------------------------------------------------

    def _event(
        self,
        update: Update,
        started: float,
        outcome: str,
        fact: str | None = None,
        question: str | None = None,
    ) -> None:
        log_event(
            Event(
                update_id=update.update_id,
                chat_type=_chat_type(update),
                outcome=outcome,
                fact=fact,
                latency_ms=(time.perf_counter() - started) * 1000,
                question=question if self.log_questions else None,
            )
        )

    async def _send(self, message: Message, outgoing: Sequence[Outgoing]) -> None:
        # In groups, replying to the asker keeps the thread readable.
        quote = message if message.chat.type != ChatType.PRIVATE else None
        for out in outgoing:
            await send(message.get_bot(), message.chat.id, out, reply_to=quote,
                       thread_id=_thread_of(message))

    async def _admitted(self, update: Update) -> tuple[Message, float] | None:
        """The message and when its handling started, unless the chat is over its rate limit
        (one note when the bucket runs dry, then silence)."""
        started = time.perf_counter()
        message = update.effective_message
        if message is None:
            return None
        admission = self.limiter.check(message.chat.id)
        if admission is Admission.ALLOW:
            return message, started
        if admission is Admission.NOTE:
            await self._send(message, [messages.RATE_LIMITED])
        self._event(update, started, f"rate_limited_{admission.value}")
        return None

    def _command(
        self, command: Command
    ) -> Callable[[Update, Context], Coroutine[Any, Any, None]]:
        async def handle(update: Update, context: Context) -> None:
            admitted = await self._admitted(update)
            if admitted is None:
                return
            message, started = admitted
            await self._send(message, [messages.for_command(command, self.kb,
                                                            context.bot.username)])
            self._event(update, started, f"command_{command.name}")

        return handle

    # -- messages ---------------------------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        admitted = await self._admitted(update)
        if admitted is None:
            return
        message, started = admitted
        question = question_text(message)
        if not question:  # only a mention: say how to ask
            await self._send(message, [messages.for_command(HELP, self.kb,
                                                            context.bot.username)])
            self._event(update, started, "empty")
            return
        reply = await self._think(lambda: self.engine.answer(question))
        outgoing = messages.for_reply(reply, self.kb)
        if self.on_reply is not None:
            outgoing = self.on_reply(update, reply, outgoing)
        await self._send(message, outgoing)
        fact = reply.fact.id if reply.fact is not None else None
        self._event(update, started, reply.kind.value, fact, question)

    async def non_text(self, update: Update, _context: Context) -> None:
        admitted = await self._admitted(update)
        if admitted is None:
            return
        message, started = admitted
        await self._send(message, [messages.NON_TEXT])
        self._event(update, started, "non_text")

    async def edited(self, update: Update, _context: Context) -> None:
        admitted = await self._admitted(update)
        if admitted is None:
            return
        message, started = admitted
        await self._send(message, [messages.EDITED])
        self._event(update, started, "edited")

    # -- buttons ----------------------------------------------------------------------------

    def _for_callback(self, data: str | None) -> tuple[str, str | None, list[Outgoing] | None]:
        """(outcome, fact id, messages); messages None when the button is stale or unknown."""
        callback = keyboards.parse_callback(data)
        if callback is None:
            return "callback_stale", None, None
        if callback.kind == "fact":
            reply = self.engine.answer_fact(callback.id)
            if reply is None:
                return "callback_stale", callback.id, None
            return "callback_fact", callback.id, messages.for_reply(reply, self.kb)
        topic = self.kb.topic(callback.id)
        if topic is None or not self.kb.facts_of(topic.id):
            return "callback_stale", None, None
        return "callback_topic", None, [messages.render(topic_page(self.kb, topic))]

    async def callback(self, update: Update, context: Context) -> None:
        """Every callback query gets answerCallbackQuery, whatever its data, so the client's
        spinner stops; the answer itself is a new message in the chat."""
        started = time.perf_counter()
        query = update.callback_query
        if query is None:
            return
        chat = query.message.chat if query.message is not None else None
        key: Hashable = chat.id if chat is not None else ("user", query.from_user.id)
        if self.limiter.check(key) is not Admission.ALLOW:
            await query.answer(messages.SLOW_DOWN)
            self._event(update, started, "rate_limited_callback")
            return
        try:
            outcome, fact, outgoing = await self._think(lambda: self._for_callback(query.data))
        except Exception:
            await query.answer(messages.FAILED_SHORT)  # still answered; the error handler logs
            raise
        if outgoing is None or chat is None:
            await query.answer(messages.STALE_BUTTON)
            self._event(update, started, "callback_stale", fact)
            return
        await query.answer()
        for out in outgoing:
            await send(context.bot, chat.id, out, thread_id=_thread_of(query.message))
        self._event(update, started, outcome, fact)

    # -- inline mode ------------------------------------------------------------------------

    async def inline(self, update: Update, _context: Context) -> None:
        """Up to three answers; an empty query shows the /start examples."""
        started = time.perf_counter()
        query = update.inline_query
        if query is None:
            return
        if self.limiter.check(("user", query.from_user.id)) is not Admission.ALLOW:
            await query.answer([], cache_time=0, is_personal=True)
            self._event(update, started, "rate_limited_inline")
            return
        text = " ".join(query.query.split())[:MAX_CHAT_QUESTION_CHARS]
        replies = await self._think(lambda: self._inline_replies(text))
        await query.answer(messages.inline_results(replies), cache_time=INLINE_CACHE_SECONDS)
        first = replies[0].fact.id if replies and replies[0].fact is not None else None
        self._event(update, started, f"inline_{len(replies)}", first, text)

    def _inline_replies(self, text: str) -> tuple[Reply, ...]:
        if text:
            return self.engine.inline_answers(text, limit=3)
        found = (self.engine.answer_fact(f.id) for f in example_facts(self.kb))
        return tuple(r for r in found if r is not None)

    # -- errors -----------------------------------------------------------------------------

    async def error(self, update: object, context: Context) -> None:
        """Log the failure with its update id and carry on with the next update.

        Bot API failures (HTTP 5xx, timeouts, refused connections) get one line; anything else
        is a bug and gets a traceback, plus a best-effort apology to the user.
        """
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        where = f"update={update_id if update_id is not None else '-'}"
        if isinstance(error, TelegramError):
            # Telegram's own words; they do not quote the user's message.
            log.warning("%s error=%s: %s", where, type(error).__name__, error)
            return
        # The logging filter hides the exception's message unless --log-questions.
        log.error("%s error=%s", where, type(error).__name__, exc_info=error)
        # Only for a new message: a button press was already answered with a short "sorry".
        if isinstance(update, Update) and update.message is not None:
            try:
                await self._send(update.message, [messages.FAILED])
            except TelegramError as exc:
                log.warning("%s apology not sent: %s", where, type(exc).__name__)


def _thread_of(message: object) -> int | None:
    """The forum topic a message (or a button's message) is in, so the answer lands there."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None
