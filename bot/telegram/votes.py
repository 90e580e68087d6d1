"""👍/👎 buttons under an answer. The callback data carries everything ("v:+:<fact id>"), so a
press needs no server-side state and still works after a restart or a reload."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.model import Kind, Reply
from bot.telegram.keyboards import fits
from bot.telegram.messages import Outgoing

PREFIX = "v:"
UP, DOWN = "+", "-"
LABELS = {UP: "👍", DOWN: "👎"}


def data(up: bool, fact_id: str) -> str:
    return f"{PREFIX}{UP if up else DOWN}:{fact_id}"


def parse(callback_data: str | None) -> tuple[bool, str] | None:
    """(up, fact id) for data we produced, else None."""
    if not callback_data or not callback_data.startswith(PREFIX):
        return None
    sign, _, fact_id = callback_data[len(PREFIX):].partition(":")
    if sign not in LABELS or not fact_id:
        return None
    return sign == UP, fact_id


def row(fact_id: str) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(LABELS[s], callback_data=data(s == UP, fact_id))
            for s in (UP, DOWN) if fits(data(s == UP, fact_id))]


def with_votes(outgoing: list[Outgoing], reply: Reply) -> list[Outgoing]:
    """The answer's messages with a 👍/👎 row under the last one (answers only)."""
    if reply.kind is not Kind.ANSWER or reply.fact is None or not outgoing:
        return outgoing
    buttons = row(reply.fact.id)
    if not buttons:
        return outgoing
    last = outgoing[-1]
    rows = [list(r) for r in last.keyboard.inline_keyboard] if last.keyboard else []
    return [*outgoing[:-1], Outgoing(last.text, InlineKeyboardMarkup([*rows, buttons]))]


def without_votes(markup: InlineKeyboardMarkup | None) -> InlineKeyboardMarkup | None:
    """The same keyboard with the vote buttons taken away (None if nothing is left)."""
    if markup is None:
        return None
    rows = [
        [b for b in r if not (isinstance(b.callback_data, str) and parse(b.callback_data))]
        for r in markup.inline_keyboard
    ]
    kept = [r for r in rows if r]
    return InlineKeyboardMarkup(kept) if kept else None
