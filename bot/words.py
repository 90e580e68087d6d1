"""`python -m bot.words`: writes bot/english_words.txt, the speller's list of real English
words, from wordfreq (a development dependency: its tables are large, the list is small)."""

from __future__ import annotations

from pathlib import Path

# The most frequent English words, down to about once per million words (Zipf 3).
ENGLISH_WORDS = 25_000
TARGET = Path(__file__).resolve().parent / "english_words.txt"


def english_list() -> list[str]:
    """Most frequent first: the first few hundred are the everyday words (see
    Thresholds.common_words)."""
    import wordfreq

    return list(dict.fromkeys(w for w in wordfreq.top_n_list("en", ENGLISH_WORDS)
                              if w.isalpha()))


def render(words: list[str]) -> str:
    header = (f"# The {ENGLISH_WORDS:,} most frequent English words (letters only), most "
              "frequent first, from wordfreq; written by `python -m bot.words`, do not edit.\n")
    return header + "\n".join(words) + "\n"


if __name__ == "__main__":
    TARGET.write_text(render(english_list()), encoding="utf-8")
    print(f"wrote {TARGET}")
