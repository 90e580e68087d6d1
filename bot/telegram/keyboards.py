"""Inline keyboards and their callback data.

Callback data is self-contained ("f:<fact id>", "t:<topic id>"), so a button works
after a restart and needs no server-side state. Telegram caps callback data at 64 bytes: a
button whose data would not fit is left out rather than sent and refused.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import InlineKeyboardButtonLimit

from bot.commands import topic_list
from bot.model import Fact, KnowledgeBase, Suggestion, Topic

log = logging.getLogger(__name__)

FACT_PREFIX = "f:"
TOPIC_PREFIX = "t:"
MAX_CALLBACK_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)  # 64
MAX_LABEL_CHARS = 60  # long labels are cut by clients anyway; keep them readable


@dataclass(frozen=True)
class Callback:
    """Decoded callback data: a fact to answer or a topic to list."""

    kind: Literal["fact", "topic"]
    id: str


def fact_data(fact_id: str) -> str:
    return FACT_PREFIX + fact_id


def topic_data(topic_id: str) -> str:
    return TOPIC_PREFIX + topic_id


def fits(data: str) -> bool:
    """1 to 64 bytes of UTF-8 (a lone surrogate, which JSON may carry, is not UTF-8)."""
    try:
        return 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_BYTES
    except UnicodeEncodeError:
        return False


def parse_callback(data: str | None) -> Callback | None:
    """None for anything we did not produce (or no longer understand)."""
    if not data:
        return None
    if data.startswith(FACT_PREFIX) and len(data) > len(FACT_PREFIX):
        return Callback("fact", data[len(FACT_PREFIX) :])
    if data.startswith(TOPIC_PREFIX) and len(data) > len(TOPIC_PREFIX):
        return Callback("topic", data[len(TOPIC_PREFIX) :])
    return None


def label(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL_CHARS else text[: MAX_LABEL_CHARS - 1].rstrip() + "…"


def _button(text: str, data: str) -> InlineKeyboardButton | None:
    if not fits(data):
        log.warning("button left out: callback data is not 1 to %d bytes of UTF-8: %r",
                    MAX_CALLBACK_BYTES, data)
        return None
    return InlineKeyboardButton(label(text), callback_data=data)


def _column(buttons: Iterable[InlineKeyboardButton | None]) -> InlineKeyboardMarkup | None:
    rows = [[b] for b in buttons if b is not None]
    return InlineKeyboardMarkup(rows) if rows else None


def suggestions_keyboard(suggestions: Iterable[Suggestion]) -> InlineKeyboardMarkup | None:
    """One button per suggested fact, labelled with its question."""
    return _column(_button(s.question, fact_data(s.fact)) for s in suggestions)


def facts_keyboard(facts: Iterable[Fact]) -> InlineKeyboardMarkup | None:
    """One button per fact, labelled with the fact's first question."""
    return _column(_button(f.questions[0], fact_data(f.id)) for f in facts if f.questions)


def topics_keyboard(topics: Iterable[Topic]) -> InlineKeyboardMarkup | None:
    """One button per topic."""
    return _column(_button(t.title, topic_data(t.id)) for t in topics)


def decline_keyboard(
    suggestions: Iterable[Suggestion], kb: KnowledgeBase
) -> InlineKeyboardMarkup | None:
    """The nearest facts the engine found, if any, then every topic."""
    return _column(
        [
            *(_button(s.question, fact_data(s.fact)) for s in suggestions),
            *(_button(p.topic.title, topic_data(p.topic.id)) for p in topic_list(kb).pages),
        ]
    )
