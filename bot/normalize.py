"""Turns free text into comparable tokens: the same steps for questions and knowledge."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache

from bot.lexicon import FILLERS, FORM_WORDS, NUMBER_WORDS, STOPWORDS

_ASCII_NOT_WORD = {c: " " for c in range(128)
                   if not (chr(c).isalnum() or chr(c) == ".")}
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b")
_NOT_WORD = re.compile(r"[^\w.]+|_")
_LONE_DOT = re.compile(r"(?<!\d)\.|\.(?!\d)")
_TLDR = re.compile(r"\btl\W{0,2}dr\b")
_COMPASS = re.compile(r"\b(north|south)[- ](east|west)(?=(?:ern)?\b)")
# Scripts written without spaces run into numbers and Latin names ("2023年新疆"): part them, so
# that a year or "FTZ" is a word of its own.
_UNSPACED = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"


@cache
def _script_edge() -> re.Pattern[str]:
    """Compiled at the first text that is not ASCII: classes this wide take ~9 ms to compile,
    most of the time a start spends on this module, and most questions are ASCII."""
    return re.compile(
        rf"(?<=[{_UNSPACED}])(?=[^\W{_UNSPACED}])|(?<=[^\W{_UNSPACED}])(?=[{_UNSPACED}])"
    )



def normalize(text: str) -> str:
    """NFKC, case-folded, punctuation and emoji gone, numbers kept whole ("49.6", "357000")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    if not text.isascii() or "`" in text:
        text = text.translate(_APOSTROPHES)
    # A step is taken only where its character can occur: most find nothing in a question,
    # and a regular expression costs a pass over the text even then.
    if "," in text:
        text = _THOUSANDS.sub("", text)
    if not text.isascii():
        text = _script_edge().sub(" ", text)
    text = text.replace("%", " percent ").replace("$", " dollar ")
    if "tl" in text:
        text = _TLDR.sub("tldr", text)
    if "north" in text or "south" in text:
        text = _COMPASS.sub(r"\1\2", text)  # "north-western" is "northwestern"
    if "'" in text:
        text = _POSSESSIVE.sub("", text)
        text = _SHORT_YEAR.sub(_full_year, text).replace("'", "")  # "in '23" is 2023
    if _DIGIT.search(text):
        text = _NUMBERED_ORDINAL.sub(_ordinal_word, text)
    # The same as _NOT_WORD, as one table look-up per character where the text is ASCII.
    text = text.translate(_ASCII_NOT_WORD) if text.isascii() else _NOT_WORD.sub(" ", text)
    if "number" in text:
        # "Number 1" is first, but the "number one official" is the top one.
        text = _TOP_PERSON.sub(r"top \1", text)
        text = _NUMBER_RANK.sub(lambda m: _RANKS[m.group(1)], text)
    if "." in text:
        text = _LONE_DOT.sub(" ", text)
    return " ".join(text.split())


_DIGIT = re.compile(r"\d")
_TOP_PERSON = re.compile(r"\bnumber (?:1|one) (official|leader|boss|man|woman|person|guy)\b")
_NUMBER_RANK = re.compile(r"\bnumber (1|one|2|two|3|three)\b(?! of\b)")
_RANKS = {"1": "first", "one": "first", "2": "second", "two": "second", "3": "third",
          "three": "third"}
_SHORT_YEAR = re.compile(r"'(\d\d)\b(?![.,]?\d|')")
# A quote closed after a word ("ports'"), not a contraction ("don't").
_CLOSING_QUOTE = re.compile(r"\w'(?!\w)")
_NUMBERED_ORDINAL = re.compile(r"\b(10|[1-9])(?:st|nd|rd|th)\b")
_ORDINAL_WORDS = "first second third fourth fifth sixth seventh eighth ninth tenth".split()


def _ordinal_word(match: re.Match[str]) -> str:
    """ "1st" is "first", but "nov 1st", "the 5th of march" are days."""
    around = match.string[max(0, match.start() - 12) : match.end() + 12].split()
    if any(w[:3] in _MONTH_PREFIXES for w in around):
        return match.group()
    return _ORDINAL_WORDS[int(match.group(1)) - 1]


_MONTH_PREFIXES = frozenset("jan feb mar apr may jun jul aug sep oct nov dec".split())


def _full_year(match: re.Match[str]) -> str:
    if _CLOSING_QUOTE.search(match.string, match.end()):
        return match.group()  # a number quoted: "'18 land ports'"
    short = int(match.group(1))
    return str(2000 + short if short < _CENTURY_TURN else 1900 + short)


_CENTURY_TURN = 50  # "'23" is 2023, "'98" is 1998


def tokens(text: str) -> list[str]:
    words = normalize(text).split()
    return _rises(words) if "up" in words else words


def _rises(words: list[str]) -> list[str]:
    """ "Went up", "up by how much": a rise ("increased"), not a stopword; not "set up",
    "up to" nor "what is up"."""
    out: list[str] = []
    for i, word in enumerate(words):
        if word == "up" and words[i + 1 : i + 2] != ["to"] \
                and words[max(0, i - 2) : i] not in (["what", "is"], ["whats"]):
            if out and out[-1] in _GOING:
                out[-1] = "increased"
                continue
            if words[i + 1 : i + 2] == ["by"] and i + 2 < len(words) and (
                    words[i + 2] in _ABOUT or (is_number(words[i + 2])
                                               and words[i + 3 : i + 4] == ["percent"])):
                out.append("increased")
                continue
        out.append(word)
    return out


_GOING = frozenset("go goes went gone going is was are were been".split())
_ABOUT = frozenset("how what about around nearly almost".split())


# British spellings keyed as American ones ("kilometres", "centre", "labour", "organise"):
# applied to questions and knowledge alike, so a harmless over-reach stays consistent.
_BRITISH_ENDINGS = (("tres", "ters"), ("tre", "ter"), ("ours", "ors"), ("our", "or"),
                    ("ised", "ized"), ("ising", "izing"), ("isation", "ization"), ("ise", "ize"))


def stem(word: str) -> str:
    """A crude suffix stripper: only has to map a word's forms to one key, not to a real root."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if len(word) >= 6:
        for british, american in _BRITISH_ENDINGS:
            if word.endswith(british):
                word = word[: -len(british)] + american
                break
    if word.endswith("men") and len(word) >= 6 and word[-4] not in "aiou":
        word = word[:-3] + "man"  # chairmen -> chairman; not specimen, abdomen
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("sses"):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    for suffix in ("ing", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "ls":
                word = word[:-1]  # stopped -> stop
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def is_number(token: str) -> bool:
    return any(ch.isdigit() for ch in token)


_PADDING_STEMS = frozenset(stem(w) for w in FILLERS)
# How the answer should look ("in a nutshell", "a direct quote"): never what it is about.
_FORM_STEMS = frozenset(stem(w) for w in FORM_WORDS)
# Nouns that share a stem with a filler ("stated"): "member states" is what is asked.
_NOT_PADDING = frozenset("state states".split())


def content_stems(words: Iterable[str], *, stem_of: Callable[[str], str] = stem) -> list[str]:
    """Stems of the words that say what a question is about, in order, without repeats.

    Padding ("tell", "article", "story") is left out, unless it is all there is: then it is
    what the question is about ("who reported this story").
    """
    seen: dict[str, None] = {}
    padding: dict[str, None] = {}
    for word in words:
        role = word_role(word, stem_of=stem_of)
        if role is not None:
            (padding if role[1] else seen).setdefault(role[0], None)
    return content_of(seen, padding)


def content_of(seen: Iterable[str], padding: Iterable[str]) -> list[str]:
    """The content stems, from the stems that are not padding and those that are: padding
    only when there is nothing else, and then not an adverb ("basically", "briefly") nor how
    the answer should look ("nutshell"), which are never what a question is about."""
    if seen:
        return list(seen)
    padding = list(padding)
    if not _SUMMARIES.isdisjoint(padding):
        return ["gist"]  # "give me a quick rundown of the story": the gist of it, asked
    return [w for w in padding if not w.endswith("ly") and w not in _FORM_STEMS] \
        or list(padding)


# Padding elsewhere ("a rundown of the zone"), but all a question of padding asks ("can you
# give me a quick rundown?").
_SUMMARIES = frozenset("rundown lowdown recap".split())


def word_role(word: str, *, stem_of: Callable[[str], str] = stem) -> tuple[str, bool] | None:
    """A word's stem and whether it is padding (see `content_stems`); None for a word that is
    never content."""
    if word in STOPWORDS or (len(word) == 1 and word.isalpha()):
        return None  # a lone letter is a slip or markup ("<b>"), never the subject
    key = stem_of(word)
    # "guessing" is padding as much as "guess"
    return key, word in FILLERS or (key in _PADDING_STEMS and word not in _NOT_PADDING)


def is_figure(word: str) -> bool:
    """A count or amount; a year alone ("2023") dates a fact but does not give a figure."""
    if word in NUMBER_WORDS:
        return True
    if not is_number(word):
        return False
    return not (len(word) == 4 and word.isdigit() and 1900 <= int(word) <= 2100)
