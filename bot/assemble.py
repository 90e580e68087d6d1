"""Puts an `Engine` together for a channel: the knowledge base plus what is read from disk for
it (the English word list, the embedding model and the alternates' vectors)."""

from __future__ import annotations

import logging
import os
from functools import cache
from importlib import resources
from pathlib import Path

from bot.engine import Engine
from bot.model import KnowledgeBase
from bot.thresholds import DEFAULT

log = logging.getLogger("citebot")

WORDS_FILE = "english_words.txt"
# Off switch for operators who want the lexical matcher alone (lighter, no model in memory).
SEMANTIC_ENV = "CITEBOT_SEMANTIC"


def semantic_switched_off() -> bool:
    return os.environ.get(SEMANTIC_ENV, "").strip().lower() in ("0", "off", "no", "false")


@cache
def _english_list() -> tuple[str, ...]:
    try:
        text = resources.files("bot").joinpath(WORDS_FILE).read_text(encoding="utf-8")
    except OSError as exc:
        log.warning("no English word list (%s): the speller knows only the knowledge base", exc)
        return ()
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


@cache
def english_words() -> frozenset[str]:
    """The most frequent English words (bot/english_words.txt, made from wordfreq's lists by
    `python -m bot.words`): real English, never taken for a typo of a knowledge-base word."""
    return frozenset(_english_list())


@cache
def common_words(n: int = DEFAULT.common_words) -> frozenset[str]:
    """The everyday words among them ("take", "top", "based"): unknown to the knowledge base,
    they say less about what is asked than a rarer one ("footprint")."""
    return frozenset(_english_list()[:n])


def build_engine(kb: KnowledgeBase, kb_path: Path | None = None, *,
                 semantic: bool = True) -> Engine:
    vectors = None
    if semantic and not semantic_switched_off():
        from bot.embeddings import load_semantic  # numpy and the model: only when used

        vectors = load_semantic(kb, kb_path)
    elif semantic:
        log.info("semantic layer off (%s=0): answering from words alone", SEMANTIC_ENV)
    return Engine(kb, english=english_words(), common=common_words(), semantic=vectors)
