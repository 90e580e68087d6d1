"""Seeded typo injection: the robustness curve asks how accuracy falls with 1, 2, 3 edits."""

from __future__ import annotations

import random
import re

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_WORD = re.compile(r"[A-Za-z]{3,}")  # short words are left alone: "a" → "" is not a typo


def add_typos(text: str, edits: int, rng: random.Random) -> str:
    """Apply `edits` random letter edits (insert, delete, substitute, transpose) inside words."""
    for _ in range(edits):
        words = list(_WORD.finditer(text))
        if not words:
            break
        word = rng.choice(words)
        text = text[: word.start()] + _edit(word.group(), rng) + text[word.end() :]
    return text


def _edit(word: str, rng: random.Random) -> str:
    op = rng.choice(("insert", "delete", "substitute", "transpose"))
    # The first letter stays: people rarely mistype it, and it keeps the word recognisable.
    i = rng.randrange(1, len(word))
    if op == "transpose":
        i = min(i, len(word) - 2)  # needs a letter after i; words have 3+ letters, so i >= 1
        if word[i] != word[i + 1]:  # swapping "ll" would change nothing: substitute instead
            return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        op = "substitute"
    if op == "insert":
        return word[:i] + rng.choice(_LETTERS) + word[i:]
    if op == "delete":
        return word[:i] + word[i + 1 :]
    other = rng.choice(_LETTERS.replace(word[i].lower(), ""))
    return word[:i] + other + word[i + 1 :]
