"""What the bot sends, as values: Telegram HTML text plus an optional inline keyboard.

Pure functions of the knowledge base and engine replies, so handlers stay thin and these are
tested without any network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import assert_never

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode

from bot.commands import (
    COMMANDS,
    HELP,
    START,
    About,
    Command,
    Content,
    Help,
    Sources,
    TopicList,
    TopicPage,
    Welcome,
)
from bot.model import Fact, Kind, KnowledgeBase, Reply, Source
from bot.render import wording
from bot.render.telegram_html import cited_source, esc, link, render_html, split_html
from bot.telegram import keyboards

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
INLINE_ID_BYTES = 64  # Telegram's limit for an inline result id


@dataclass(frozen=True)
class Outgoing:
    text: str  # Telegram HTML
    keyboard: InlineKeyboardMarkup | None = None


def for_command(command: Command, kb: KnowledgeBase, bot_username: str | None) -> Outgoing:
    return render(command.run(kb), bot_username)


def render(content: Content, bot_username: str | None = None) -> Outgoing:
    """A command's value as a Telegram message; `bot_username` is for /help's group advice."""
    match content:
        case Welcome():
            return _welcome(content)
        case Help():
            return _help(content, bot_username)
        case TopicList():
            return Outgoing("What the article covers. Pick a topic:",
                            keyboards.topics_keyboard(p.topic for p in content.pages))
        case TopicPage():
            return _topic_page(content)
        case Sources():
            return Outgoing("\n\n".join(_source_card(s) for s in content.sources))
        case About():
            return _about(content)
        case _:
            assert_never(content)


def _welcome(welcome: Welcome) -> Outgoing:
    source = welcome.source
    dateline = wording.dateline(source)
    lines = [
        "Hello! I answer questions about one news article, and every answer quotes the "
        "article word for word.",
        f"<b>{esc(source.title)}</b>" + (f"\n{esc(dateline)}" if dateline else ""),
    ]
    if welcome.examples:
        lines.append("Ask in your own words, or try one of these:")
    lines.append("/topics shows everything I know, /help explains the rest.")
    return Outgoing("\n\n".join(lines), keyboards.facts_keyboard(welcome.examples))


def _help(help_: Help, bot_username: str | None) -> Outgoing:
    mention = f"@{esc(bot_username)}" if bot_username else "my @username"
    example = f", for example:\n<i>{esc(help_.example)}</i>\n" if help_.example else ".\n"
    listed = "\n".join(f"/{c.name} \u2014 {esc(c.menu)}" for c in COMMANDS
                       if c not in (START, HELP))
    return Outgoing(
        f"Send me a question about the article in plain words{example}"
        "I answer with the sentence it comes from and its paragraph number (\u00b6).\n\n"
        f"{listed}\n\n"
        f"In a group, mention me ({mention}) or reply to one of my messages. "
        f"In any chat you can also type {mention} followed by a question."
    )


def _topic_page(page: TopicPage) -> Outgoing:
    text = f"<b>{esc(page.topic.title)}</b>"
    if page.topic.description:
        text += f"\n{esc(page.topic.description)}"
    return Outgoing(text + "\n\nPick a question:", keyboards.facts_keyboard(page.facts))


def _source_card(source: Source) -> str:
    rows = [f"<b>{esc(source.title)}</b>"]
    rows += [f"{label}: {esc(value)}" for label, value in wording.source_details(source)]
    rows.append(link(source.url, source.url))
    return "\n".join(rows)


def _about(about: About) -> Outgoing:
    return Outgoing(
        f"My answers come only from one article: {cited_source(about.source)}. "
        f"{esc(wording.QUOTED)}\n\n{esc(wording.NOT_VERIFIED)}"
    )


NON_TEXT = Outgoing(
    "I can only read text. Send me your question about the article as a message, "
    "or use /topics to browse."
)
EDITED = Outgoing("I only answer new messages: please send your question again.")
RATE_LIMITED = Outgoing(
    "You are sending messages faster than I can answer. Please wait a few seconds."
)
FAILED = Outgoing("Sorry, something went wrong on my side. Please try again.")
FAILED_SHORT = "Sorry, something went wrong. Please try again."
STALE_BUTTON = "This button is no longer available."  # callback answers are plain text
SLOW_DOWN = "Too many requests. Please wait a few seconds."


def reply_keyboard(reply: Reply, kb: KnowledgeBase) -> InlineKeyboardMarkup | None:
    if reply.kind is Kind.ANSWER:
        return keyboards.suggestions_keyboard(reply.related)
    if reply.kind is Kind.DID_YOU_MEAN:
        return keyboards.suggestions_keyboard(reply.suggestions)
    if reply.kind is Kind.DECLINE:
        return keyboards.decline_keyboard(reply.suggestions, kb)
    return None


def for_reply(reply: Reply, kb: KnowledgeBase) -> list[Outgoing]:
    """One message, or several if the HTML is over Telegram's limit; buttons go on the last."""
    chunks = split_html(render_html(reply)) or [render_html(reply) or "…"]
    keyboard = reply_keyboard(reply, kb)
    return [
        Outgoing(chunk, keyboard if i == len(chunks) - 1 else None)
        for i, chunk in enumerate(chunks)
    ]


def _inline_title(reply: Reply, fact: Fact | None) -> str:
    return fact.questions[0] if fact is not None and fact.questions else reply.question


def inline_results(replies: Sequence[Reply]) -> list[InlineQueryResultArticle]:
    """One article per answer; choosing it posts the answer with its quote (first part only if
    it would not fit in one message)."""
    results = []
    for i, reply in enumerate(replies):
        chunks = split_html(render_html(reply))
        if not chunks:
            continue
        fact_id = reply.fact.id if reply.fact is not None else "reply"
        result_id = f"{i}:{fact_id}".encode()[:INLINE_ID_BYTES].decode("utf-8", "ignore")
        results.append(
            InlineQueryResultArticle(
                id=result_id,
                title=keyboards.label(_inline_title(reply, reply.fact)),
                description=reply.text[:200],
                input_message_content=InputTextMessageContent(
                    chunks[0], parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW
                ),
            )
        )
    return results
