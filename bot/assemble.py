"""Puts an `Engine` together for a channel: the knowledge base plus what is read from disk for
it (the English word list, the embedding model and the alternates' vectors)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import tempfile
from functools import cache
from pathlib import Path

from bot.compiled import cache_dir
from bot.embeddings import load_semantic
from bot.engine import Engine
from bot.model import KnowledgeBase

log = logging.getLogger("citebot")

# The most frequent English words (down to about once per million words, Zipf 3) are real
# English, never taken for a typo of a knowledge-base word.
ENGLISH_WORDS = 25_000


@cache
def english_words() -> frozenset[str]:
    """Common English words from wordfreq (its data ships in the wheel); empty if missing.
    Kept in the cache folder as JSON, by wordfreq's files: importing wordfreq and reading its
    lists would be most of the start-up time on a small knowledge base."""
    spec = importlib.util.find_spec("wordfreq")
    if spec is None or spec.origin is None:
        log.warning("wordfreq is not installed: the speller knows only the knowledge base")
        return frozenset()
    where = Path(spec.origin)
    stamp = f"{where}|{where.stat().st_mtime_ns}|{where.stat().st_size}|{ENGLISH_WORDS}"
    file = cache_dir() / f"english-{hashlib.sha256(stamp.encode()).hexdigest()[:24]}.json"
    try:
        words = json.loads(file.read_text(encoding="utf-8"))
        if isinstance(words, list) and all(type(w) is str for w in words):
            return frozenset(words)
    except (OSError, ValueError):
        pass
    import wordfreq

    found = [w for w in wordfreq.top_n_list("en", ENGLISH_WORDS) if w.isalpha()]
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=file.parent, prefix=".", suffix=".tmp",
                                         delete=False, encoding="utf-8") as out:
            json.dump(found, out)
        os.replace(out.name, file)
    except OSError as exc:
        log.warning("could not cache the English word list in %s: %s", file.parent, exc)
    return frozenset(found)


def build_engine(kb: KnowledgeBase, kb_path: Path | None = None, *,
                 semantic: bool = True) -> Engine:
    vectors = load_semantic(kb, kb_path) if semantic else None
    return Engine(kb, english=english_words(), semantic=vectors)
