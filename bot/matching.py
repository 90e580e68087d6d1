"""Scores the facts of an `Index` against one question. Pure: no I/O, no rendering.

A fact's score mixes two things: how much of the question's weight the fact explains
(its `coverage`), and how close the question is to one of the fact's alternate questions.
Words the fact does not explain are kept, so that a question about what the article does not
say (another year, another country) is declined rather than answered with the nearest fact.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.index import CUE_WORDS, TYPED_CUES, FactProfile, Index, content_stems
from bot.lexicon import JUDGEMENT_WORDS, NUMBER_WORDS, PLACES, QUANTITY_CUES, YES_NO_STARTS
from bot.text import is_number, stem, tokens
from bot.thresholds import Thresholds

PLACE_STEMS = frozenset(stem(p) for p in PLACES)


@dataclass(frozen=True)
class Query:
    text: str
    words: tuple[str, ...]  # corrected, alias-rewritten
    content: tuple[str, ...]  # stems that need explaining
    cues: frozenset[str]
    corrections: tuple[tuple[str, str], ...]  # (typed, meant)
    asks_quantity: bool
    small_talk_only: bool
    surface: dict[str, str]  # content stem -> the word as the reader typed it, for messages
    names: frozenset[str]  # unknown words written as names ("Mongolia"): weigh heavily
    places: frozenset[str] = frozenset()  # places asked about, known to the article or not
    judgement: bool = False  # asks whether a claim is true or good: not the bot's to say

    def weight(self, index: Index, word: str) -> float:
        if word in self.names:
            return index.name_weight
        long = index.thresholds.long_question
        if word not in index.idf and len(self.content) > long:
            # In a long, chatty question an unknown word is more likely padding than the point.
            return index.unknown_weight * long / len(self.content)
        return index.weight(word)

    @property
    def empty(self) -> bool:
        return not self.content

    @property
    def content_text(self) -> str:
        return " ".join(self.content)


@dataclass(frozen=True)
class Match:
    profile: FactProfile
    score: float  # 0-100
    coverage: float  # 0-1
    unexplained: tuple[str, ...]
    figure_missing: bool  # a figure was asked for and the fact gives none
    cue_missing: str | None  # "why" or "when" asked of a fact that gives no reason or time
    words: int  # content words in the question


# Country abbreviations, recognised only in capitals: folded, "US" would be the word "us".
# Not before a currency: "US dollars" is money, not the country.
_ABBREVIATIONS = re.compile(
    r"\b(?:U\.?S\.?A?|U\.?K\.?|E\.?U\.?)(?![\w.])(?!\s*(?:dollars?|\$|cents?)\b)"
)


def _expand_abbreviation(match: re.Match[str]) -> str:
    letters = match.group().replace(".", "")
    return " usa " if letters in ("US", "USA") else f" {letters.lower()} "


def analyse(index: Index, question: str) -> Query:
    words: list[str] = []
    corrections: list[tuple[str, str]] = []
    # What the reader typed, for messages: "nothing about “US”", never the inner "usa".
    typed = {_expand_abbreviation(m).strip(): m.group() for m in _ABBREVIATIONS.finditer(question)}
    question = _ABBREVIATIONS.sub(_expand_abbreviation, question)
    names = _names(question)
    for word in tokens(question):
        meant = None if word in PLACES else index.speller.correct(word)
        if meant is not None:
            corrections.append((word, meant))
            typed.setdefault(meant, word)
            word = meant
        words.append(word)
    words = index.aliases.rewrite(words)
    stems = content_stems(words)
    content = [s for s in stems if s not in index.small_talk_words]
    pairs = set(pairwise(words))
    return Query(
        text=" ".join(words),
        words=tuple(words),
        content=tuple(content),
        cues=frozenset(w for w in words if w in CUE_WORDS),
        corrections=tuple(corrections),
        asks_quantity=any(cue in pairs for cue in QUANTITY_CUES),
        small_talk_only=bool(stems) and not content,
        surface={s: typed.get(w, w) for w in reversed(words) for s in content_stems([w])},
        names=frozenset(
            s for s in content if (s in names or s in PLACE_STEMS) and not index.speller.known(s)
        ),
        places=frozenset(s for s in content if s in PLACE_STEMS),
        judgement=asks_judgement(tokens(question)),
    )


def asks_judgement(typed: list[str]) -> bool:
    """A yes/no question about truth or worth ("is it true ...", "... good?"), judged on the
    words as typed: the judgement is the predicate, not a word inside ("bad press")."""
    if len(typed) < 3 or typed[0] not in YES_NO_STARTS:
        return False
    if typed[1] in _POINTERS and typed[2] in JUDGEMENT_WORDS:
        return True
    words = list(typed)
    while words and words[-1] in _TRAILING:
        words.pop()
    return bool(words) and words[-1] in JUDGEMENT_WORDS


_POINTERS = frozenset("it this that these those they".split())
_TRAILING = frozenset("or not nah actually really at all though tho then".split())


def _names(question: str) -> frozenset[str]:
    """Words written as names (capitalised, not first): a strong sign of a specific thing asked.

    Only when the writer uses case at all; ALL CAPS and all-lowercase questions carry no signal.
    """
    words = re.findall(r"[^\W\d_]+", question)
    if not words or question.upper() == question or question.lower() == question:
        return frozenset()
    return frozenset(stem(w.casefold()) for w in words[1:] if w[0].isupper() and w[1:].islower())


def candidates(index: Index, query: Query, *, limit: int | None) -> list[int]:
    """Facts sharing at least one word with the question; with `limit`, the best by weight.

    A fact sharing no word has coverage 0 and can never be answered, so skipping it changes
    nothing; `limit` is the scale knob for large knowledge bases.
    """
    weights: dict[int, float] = {}
    # Rare words first: they find the candidates. A word in many facts ("xinjiang") only
    # re-ranks candidates already found, unless nothing rarer was asked; walking its long
    # posting list for every question is what made large knowledge bases slow.
    words = sorted(query.content, key=lambda w: len(index.postings.get(w, ())))
    for word in words:
        w = query.weight(index, word)
        postings = index.postings.get(word, ())
        if limit is not None and weights and len(postings) > index.common_postings:
            common = index.posting_sets[word]
            for i in weights:
                if i in common:
                    weights[i] += w
            continue
        for i in postings:
            weights[i] = weights.get(i, 0.0) + w
    if limit is None:
        return sorted(weights, key=lambda i: (-weights[i], i))
    return heapq.nsmallest(limit, weights, key=lambda i: (-weights[i], i))


def score(
    index: Index, query: Query, *, limit: int | None = None, also: Iterable[int] = ()
) -> list[Match]:
    """Matches for the candidate facts (and the facts at positions `also`), best first."""
    t = index.thresholds
    weights = {w: query.weight(index, w) for w in query.content}
    total = sum(weights.values())
    if total == 0:
        return []
    # The question's words as compared with alternates: question words count a little.
    compared = dict(weights) | {w: t.cue_weight for w in query.cues}
    compared_total = sum(compared.values())
    matches = []
    found = candidates(index, query, limit=limit)
    for i in [*found, *(i for i in also if i not in set(found))]:
        profile = index.profiles[i]
        explained = sum(w for word, w in weights.items() if word in profile.vocabulary)
        coverage = explained / total
        closeness = _closeness(query, compared, compared_total, profile, t)
        value = 100 * (t.coverage_share * coverage + (1 - t.coverage_share) * closeness)
        matches.append(
            Match(
                profile=profile,
                score=round(value, 1),
                coverage=coverage,
                unexplained=tuple(w for w in query.content if w not in profile.vocabulary),
                figure_missing=query.asks_quantity and not profile.has_figure,
                cue_missing=next(iter(sorted(query.cues & TYPED_CUES - profile.answers_to)),
                                 None),
                words=len(query.content),
            )
        )
    matches.sort(key=lambda m: (-m.score, m.profile.fact.id))
    return matches


def _closeness(
    query: Query, compared: dict[str, float], total: float, profile: FactProfile, t: Thresholds
) -> float:
    """How near the question is to the fact's nearest alternate question (0-1)."""
    shared: dict[int, float] = {}
    for word, w in compared.items():
        for i in profile.in_alternates.get(word, ()):
            shared[i] = shared.get(i, 0.0) + w
    alternates = profile.alternates
    best_overlap = max(
        (2 * s / (total + alternates[i].weight) for i, s in shared.items()), default=0.0
    )
    found = process.extractOne(query.content_text, profile.texts, scorer=fuzz.token_sort_ratio)
    ratio = found[1] / 100 if found else 0.0
    return t.overlap_share * best_overlap + (1 - t.overlap_share) * ratio


_NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS)


def numbers_unexplained(match: Match) -> tuple[str, ...]:
    """Figures in the question that the fact does not give: another year, another count."""
    return tuple(w for w in match.unexplained if is_number(w) or w in _NUMBER_STEMS)
