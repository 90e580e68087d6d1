"""Puts an `Engine` together for a channel: the knowledge base plus what is read from disk for
it (the English word list, the embedding model and the alternates' vectors)."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from bot.embeddings import load_semantic
from bot.engine import Engine
from bot.model import KnowledgeBase

log = logging.getLogger("citebot")

# The most frequent English words (down to about once per million words, Zipf 3) are real
# English, never taken for a typo of a knowledge-base word.
ENGLISH_WORDS = 25_000


@cache
def english_words() -> frozenset[str]:
    """Common English words from wordfreq (its data ships in the wheel); empty if missing."""
    try:
        import wordfreq
    except ImportError:
        log.warning("wordfreq is not installed: the speller knows only the knowledge base")
        return frozenset()
    return frozenset(w for w in wordfreq.top_n_list("en", ENGLISH_WORDS) if w.isalpha())


def build_engine(kb: KnowledgeBase, kb_path: Path | None = None, *,
                 semantic: bool = True) -> Engine:
    vectors = load_semantic(kb, kb_path) if semantic else None
    return Engine(kb, english=english_words(), semantic=vectors)
