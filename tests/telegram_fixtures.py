"""Helpers for the Telegram tests: a tiny knowledge base, Bot API update builders, and a
runner that serves the real PTB application in a thread against the fake Bot API server."""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from html.parser import HTMLParser
from typing import Any

from fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApiServer
from kb_yaml import checked
from telegram.ext import Application

from bot.engine import Engine
from bot.model import Citation, Fact, KnowledgeBase, SmallTalk, Source, Speaker, Topic
from bot.telegram.app import Settings, build_application, serve
from bot.telegram.ratelimit import RateLimiter

SOURCE_ID = "northport-daily"


@cache
def tiny_kb() -> KnowledgeBase:
    """Three paragraphs about a made-up bridge, with '&' and '<' in the text on purpose; read
    back through the loader, so that it is a knowledge base the loader accepts."""
    source = Source(
        id=SOURCE_ID,
        title="Northport opens bridge & port <trade> grows",
        publisher="Northport Daily",
        section="City",
        authors=("A. Writer",),
        published="2024-01-02",
        url="https://example.com/news?id=1&lang=en",
        photo_credit=None,
        context="A made-up article for tests.",
        speakers=(
            Speaker("article", "Northport Daily", "the newspaper"),
            Speaker("ada-lin", "Ada Lin", "mayor of Northport"),
        ),
        paragraphs=(
            "The harbour city of Northport opened a new suspension bridge in 2023.",
            '"The bridge cost 12 million dollars & took three years to build," Mayor Ada Lin '
            "said.",
            "Container traffic through the port rose 40 percent to <record> levels last year.",
        ),
    )
    facts = (
        Fact(
            id="bridge-opened",
            topic="bridge",
            questions=(
                "When did the bridge open?",
                "bridge opening year",
                "what opened in northport in 2023",
                "when was the suspension bridge opened",
                "new bridge northport",
            ),
            answer="Northport opened a new suspension bridge in 2023.",
            citations=(
                Citation(
                    SOURCE_ID, "Northport opened a new suspension bridge in 2023", paragraph=1
                ),
            ),
            speaker="article",
            related=("bridge-cost",),
        ),
        Fact(
            id="bridge-cost",
            topic="bridge",
            questions=(
                "How much did the bridge cost?",
                "bridge cost",
                "price of the bridge",
                "how many dollars was the bridge",
                "how long did the bridge take to build",
            ),
            answer="Ada Lin said the bridge cost 12 million dollars & took three years.",
            citations=(
                Citation(
                    SOURCE_ID,
                    "The bridge cost 12 million dollars & took three years to build",
                    paragraph=2,
                ),
            ),
            speaker="ada-lin",
            related=("bridge-opened",),
        ),
        Fact(
            id="port-traffic",
            topic="port",
            questions=(
                "How much did container traffic grow?",
                "port traffic growth",
                "container traffic percent",
                "how busy was the port last year",
                "did port traffic rise",
            ),
            answer="Container traffic through the port rose 40 percent, to <record> levels.",
            citations=(
                Citation(
                    SOURCE_ID,
                    "Container traffic through the port rose 40 percent to <record> levels",
                    paragraph=3,
                ),
            ),
            speaker="article",
        ),
        Fact(
            id="article-title",
            topic="article",
            questions=(
                "What is the headline?",
                "article title",
                "what is the article called",
                "headline of the story",
                "name of the article",
            ),
            answer="The headline is: Northport opens bridge & port <trade> grows.",
            citations=(
                Citation(SOURCE_ID, "Northport opens bridge & port <trade> grows", field="title"),
            ),
            speaker="article",
        ),
    )
    return checked(KnowledgeBase(
        sources=(source,),
        topics=(
            Topic("bridge", "The bridge", "when it opened, what it cost"),
            Topic("port", "The port", "container traffic"),
            Topic("article", "The article", "headline"),
        ),
        facts=facts,
        small_talk=(
            SmallTalk("greeting", ("hello", "hi"), "Hello! Ask me about the Northport article."),
            SmallTalk("help", ("help",), "Ask me about the Northport article."),
        ),
    ))


# -- Bot API updates ---------------------------------------------------------------------

_ids = itertools.count(1)
PRIVATE_CHAT = 5001
GROUP_CHAT = -100200300
USER = {"id": 4242, "is_bot": False, "first_name": "Tess", "username": "tess"}


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id < 0:
        return {"id": chat_id, "type": "supergroup", "title": "Test group"}
    return {"id": chat_id, "type": "private", "first_name": "Tess"}


def _command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    return [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]


def message(
    text: str | None = None,
    *,
    chat_id: int = PRIVATE_CHAT,
    entities: list[dict[str, Any]] | None = None,
    reply_to_bot: bool = False,
    **content: Any,
) -> dict[str, Any]:
    """A `message` dict; extra keyword arguments are other content (sticker=..., photo=...)."""
    msg: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": _chat(chat_id),
        "from": USER,
        **content,
    }
    if text is not None:
        msg["text"] = text
        found = entities if entities is not None else _command_entities(text)
        if found:
            msg["entities"] = found
    if reply_to_bot:
        msg["reply_to_message"] = {
            "message_id": next(_ids),
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "Citebot Test",
                     "username": BOT_USERNAME},
            "text": "an earlier answer",
        }
    return msg


def text_update(text: str, **kwargs: Any) -> dict[str, Any]:
    return {"message": message(text, **kwargs)}


def mention_update(question: str, *, chat_id: int = GROUP_CHAT) -> dict[str, Any]:
    """'@bot question' with the mention entity Telegram would send."""
    mention = f"@{BOT_USERNAME}"
    entity = {"type": "mention", "offset": 0, "length": len(mention)}
    return {"message": message(f"{mention} {question}", chat_id=chat_id, entities=[entity])}


def sticker_update(chat_id: int = PRIVATE_CHAT) -> dict[str, Any]:
    sticker = {
        "file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADcQ", "type": "regular",
        "width": 512, "height": 512, "is_animated": False, "is_video": False,
    }
    return {"message": message(chat_id=chat_id, sticker=sticker)}


def edited_update(text: str, chat_id: int = PRIVATE_CHAT) -> dict[str, Any]:
    msg = message(text, chat_id=chat_id)
    msg["edit_date"] = msg["date"] + 5
    return {"edited_message": msg}


def callback_update(data: str, chat_id: int = PRIVATE_CHAT) -> dict[str, Any]:
    bot_message = message("buttons", chat_id=chat_id)
    bot_message["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "Citebot Test",
                           "username": BOT_USERNAME}
    return {
        "callback_query": {
            "id": f"cb{next(_ids)}",
            "from": USER,
            "chat_instance": "ci-1",
            "message": bot_message,
            "data": data,
        }
    }


def inline_update(query: str) -> dict[str, Any]:
    return {
        "inline_query": {"id": f"iq{next(_ids)}", "from": USER, "query": query, "offset": ""}
    }


# -- running the real application ----------------------------------------------------------


@contextmanager
def running_bot(
    server: FakeBotApiServer,
    kb: KnowledgeBase | None = None,
    *,
    settings: Settings | None = None,
    limiter: RateLimiter | None = None,
) -> Iterator[None]:
    """Serve the PTB application (long polling, or webhook if settings say so) in a thread
    until the block ends; fails the test if it did not start or did not stop."""
    settings = settings or Settings(token=TOKEN, api_base=server.base_url, poll_timeout=1.0)
    app = build_application(settings, Engine(kb or tiny_kb()), limiter=limiter)
    with serving(app, settings):
        yield


@contextmanager
def serving(app: Application, settings: Settings) -> Iterator[None]:  # type: ignore[type-arg]
    """`serve(app)` in a thread of its own until the block ends; fails the test if the bot
    did not start or did not stop, and re-raises what stopped it."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    failure: list[BaseException] = []

    def target() -> None:
        try:
            loop.run_until_complete(serve(app, settings, stop))
        except BaseException as exc:  # reported in the test's thread
            failure.append(exc)
        finally:
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    thread = threading.Thread(target=target, name="citebot-telegram-test")
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while not app.running and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if failure or not app.running:
            raise AssertionError(f"the bot did not start: {failure!r}")
        yield
    finally:
        with contextlib.suppress(RuntimeError):  # the loop is already closed if serve() failed
            loop.call_soon_threadsafe(stop.set)
        thread.join(timeout=10)
        assert not thread.is_alive(), "the bot did not stop"
    if failure:
        raise failure[0]


# -- Telegram HTML ---------------------------------------------------------------------------

# Tags (and their attributes) that Telegram's HTML parse mode accepts.
TELEGRAM_TAGS: dict[str, set[str]] = {
    "b": set(), "strong": set(), "i": set(), "em": set(), "u": set(), "ins": set(),
    "s": set(), "strike": set(), "del": set(), "tg-spoiler": set(), "span": {"class"},
    "a": {"href"}, "code": {"class"}, "pre": set(), "blockquote": {"expandable"},
    "tg-emoji": {"emoji-id"},
}
TELEGRAM_ENTITIES = {"lt", "gt", "amp", "quot"}


class _TelegramHtmlChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"tag <{tag}> is not allowed")
        elif any(name not in TELEGRAM_TAGS[tag] for name, _ in attrs):
            self.problems.append(f"attributes {attrs} not allowed on <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, _attrs: list[tuple[str, str | None]]) -> None:
        self.problems.append(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problems.append(f"raw angle bracket in {data!r}")
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in TELEGRAM_ENTITIES:
            self.problems.append(f"entity &{name}; is not supported")
        self.text.append(html.unescape(f"&{name};"))

    def handle_charref(self, name: str) -> None:
        self.text.append(html.unescape(f"&#{name};"))


def telegram_html_text(markup: str) -> str:
    """The visible text of `markup`, after asserting it is HTML Telegram accepts: allowed tags
    and attributes only, properly nested and closed, no raw '<' '>' or stray '&'."""
    assert re.search(r"&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)", markup) is None, markup
    checker = _TelegramHtmlChecker()
    checker.feed(markup)
    checker.close()
    assert not checker.problems, (checker.problems, markup)
    assert not checker.stack, (f"unclosed {checker.stack}", markup)
    return "".join(checker.text)
