"""What the bot sends, as values: Telegram HTML text plus an optional inline keyboard.

Pure functions of the knowledge base and engine replies, so handlers stay thin and these are
tested without any network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import (
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode

from bot.model import Fact, Kind, KnowledgeBase, Reply, Source, Topic
from bot.render.telegram_html import esc, link, render_html, split_html
from bot.telegram import keyboards

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
INLINE_ID_BYTES = 64  # Telegram's limit for an inline result id


@dataclass(frozen=True)
class Outgoing:
    text: str  # Telegram HTML
    keyboard: InlineKeyboardMarkup | None = None


def _main_source(kb: KnowledgeBase) -> Source:
    return kb.sources[0]


def _article_line(source: Source) -> str:
    details = ", ".join(esc(p) for p in (source.publisher, source.published) if p)
    return f"<b>{esc(source.title)}</b>" + (f"\n{details}" if details else "")


def start(kb: KnowledgeBase) -> Outgoing:
    examples = keyboards.example_facts(kb)
    lines = [
        "Hello! I answer questions about one news article, and every answer quotes the "
        "article word for word.",
        _article_line(_main_source(kb)),
    ]
    if examples:
        lines.append("Ask in your own words, or try one of these:")
    lines.append("/topics shows everything I know, /help explains the rest.")
    return Outgoing("\n\n".join(lines), keyboards.facts_keyboard(examples))


def help_text(kb: KnowledgeBase, bot_username: str | None) -> Outgoing:
    mention = f"@{esc(bot_username)}" if bot_username else "my @username"
    examples = keyboards.example_facts(kb, 1)
    example = f", for example:\n<i>{esc(examples[0].questions[0])}</i>\n" if examples else ".\n"
    return Outgoing(
        f"Send me a question about the article in plain words{example}"
        "I answer with the sentence it comes from and its paragraph number (¶).\n\n"
        "/topics — what the article covers\n"
        "/source — title, publisher, authors, date and link\n"
        "/about — where my answers come from\n\n"
        f"In a group, mention me ({mention}) or reply to one of my messages. "
        f"In any chat you can also type {mention} followed by a question."
    )


def topics(kb: KnowledgeBase) -> Outgoing:
    return Outgoing("What the article covers. Pick a topic:", keyboards.topics_keyboard(kb))


def topic(kb: KnowledgeBase, chosen: Topic) -> Outgoing:
    text = f"<b>{esc(chosen.title)}</b>"
    if chosen.description:
        text += f"\n{esc(chosen.description)}"
    return Outgoing(text + "\n\nPick a question:", keyboards.facts_keyboard(kb.facts_of(chosen.id)))


def source(kb: KnowledgeBase) -> Outgoing:
    parts = []
    for src in kb.sources:
        rows = [f"<b>{esc(src.title)}</b>"]
        for name, value in (
            ("Publisher", src.publisher),
            ("Section", src.section),
            ("Authors", ", ".join(src.authors)),
            ("Published", src.published),
            ("Photo", src.photo_credit or ""),
        ):
            if value:
                rows.append(f"{name}: {esc(value)}")
        rows.append(link(src.url, src.url))
        parts.append("\n".join(rows))
    return Outgoing("\n\n".join(parts))


def about(kb: KnowledgeBase) -> Outgoing:
    src = _main_source(kb)
    return Outgoing(
        f"My answers come only from one article: {link(src.url, src.title)} "
        f"({esc(src.publisher)}, {esc(src.published)}). Every answer quotes the sentence it "
        "comes from, with its paragraph number.\n\n"
        "I report what the article and the people in it say. I do not verify their claims, "
        "and I know nothing beyond this article."
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
