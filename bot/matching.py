"""Scores the facts of an `Index` against one question. Pure: no I/O, no rendering.

A fact's score mixes two things: how much of the question's weight the fact explains
(its `coverage`), and how close the question is to one of the fact's alternate questions.
Words the fact does not explain are kept, so that a question about what the article does not
say (another year, another country) is declined rather than answered with the nearest fact.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, compress, pairwise
from operator import and_

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.index import (
    COUNT_BIT,
    CUE_BITS,
    CUE_MASK,
    CUE_WORDS,
    TYPED_CUES,
    Floats,
    Index,
    Ints,
    Offsets,
)
from bot.lexicon import (
    COUNT_CUES,
    JUDGEMENT_WORDS,
    NUMBER_WORDS,
    PLACES,
    QUANTITY_CUES,
    UNITS,
    YES_NO_STARTS,
)
from bot.model import Fact
from bot.normalize import content_stems, is_number, stem, tokens

PLACE_STEMS = frozenset(stem(p) for p in PLACES)
# People ask with the same words again and again: each is stemmed once.
_stem = lru_cache(maxsize=1 << 16)(stem)


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
    # What the question asks for by name ("the population of", "the name of"): a fact that
    # does not speak of it cannot answer, however much else it explains.
    asked: frozenset[str] = frozenset()
    # "How many countries": a count of things, which an area or a sum does not give.
    asks_count: bool = False

    @property
    def specific(self) -> frozenset[str]:
        """Words a fact must explain to answer at all: names, places, the attribute asked for."""
        return self.names | self.places | self.asked

    def weight(self, index: Index, word: str) -> float:
        if word in self.names:
            return index.name_weight
        long = index.thresholds.long_question
        if not index.knows(word) and len(self.content) > long:
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
    fact: Fact
    position: int  # of the fact in the knowledge base
    score: float  # 0-100
    coverage: float  # 0-1
    unexplained: tuple[str, ...]
    figure_missing: bool  # a figure was asked for and the fact gives none
    cue_missing: str | None  # "why" or "when" asked of a fact that gives no reason or time
    word_count: int  # content words in the question
    numbers: tuple[str, ...] = ()  # of `unexplained`, the figures (see numbers_unexplained)


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
    written = tokens(question)
    for word in written:
        meant = None if word in PLACES else index.speller.correct(word)
        if meant is not None:
            corrections.append((word, meant))
            typed.setdefault(meant, word)
            word = meant
        words.append(word)
    corrected = words
    words = _no_pronoun_one(index.aliases.rewrite(words))
    stems = content_stems(words, stem_of=_stem)
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
        surface={s: typed.get(w, w) for w in reversed(words)
                 for s in content_stems([w], stem_of=_stem)},
        names=frozenset(
            s for s in content if (s in names or s in PLACE_STEMS) and not index.speller.known(s)
        ),
        places=frozenset(s for s in content if s in PLACE_STEMS),
        judgement=asks_judgement(written),
        asked=frozenset(_stem(w) for w in asked_for(corrected)),
        asks_count=asks_count(written),
    )


# "one" after these, or before "of", stands for a thing, not a count ("which ones", "one of").
_ONE_AFTER = frozenset("which the this that each any every another no some".split())


def _no_pronoun_one(words: list[str]) -> list[str]:
    """Without "one"/"ones" where it is a pronoun: it would pass for a figure asked."""
    return [w for i, w in enumerate(words)
            if not (w == "ones" or (w == "one" and (
                (i > 0 and words[i - 1] in _ONE_AFTER)
                or (i + 1 < len(words) and words[i + 1] == "of"))))]


# "What is the (total) population of": the attribute asked. Not "the name of": a fact that
# answers "who" gives a name without the word.
_ASKED_FOR = re.compile(
    r"\b(?:what|whats|which)(?: is| was| are| were| s)? the"
    r"(?: total| exact| current| whole| overall| average| approximate)? (\w+) (?:of|for|behind)\b"
)
_NOT_ATTRIBUTES = frozenset({"name", "names"})


# Skipped before the unit: "how many square kilometres", "how many billion yuan".
_MEASURE_PREFIXES = frozenset("square sq cubic hundred thousand million billion trillion".split())


def asks_count(words: list[str]) -> bool:
    """ "How many ports", "the number of visitors": a count of things, not "how many square
    kilometers" (a measure). `words`: as typed, before aliases rewrite units ("sq km")."""
    for i, (a, b) in enumerate(pairwise(words)):
        if (a, b) in COUNT_CUES:
            after = [w for w in words[i + 2 : i + 5] if w not in _MEASURE_PREFIXES]
            return not (after and after[0] in UNITS)
    return False


def asked_for(typed: list[str]) -> list[str]:
    """The attribute a question asks for by name: "what is the population of Kashgar"."""
    text = " ".join(typed)
    return [m.group(1) for m in _ASKED_FOR.finditer(text) if m.group(1) not in _NOT_ATTRIBUTES]


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
    return frozenset(_stem(w.casefold()) for w in words[1:] if w[0].isupper() and w[1:].islower())


def candidates(index: Index, query: Query, *, limit: int | None) -> Ints:
    """Facts sharing at least one word with the question; with `limit`, the best by weight.

    A fact sharing no word has coverage 0 and can never be answered, so skipping it changes
    nothing; `limit` is the scale knob for large knowledge bases. Positions, ascending.
    """
    n = len(index.kb.facts)
    sizes = [_posting_size(index, w) for w in query.content]
    # Rare words first: they find the candidates. A word in many facts ("xinjiang") only
    # re-ranks candidates already found, unless nothing rarer was asked; walking its long
    # posting list for every question is what made large knowledge bases slow.
    order = sorted(range(len(sizes)), key=sizes.__getitem__)
    weights = np.zeros(n, dtype=np.float64)
    touched = np.zeros(n, dtype=bool)
    found: Ints | None = None  # the touched facts, once only common words are left
    some = False  # a fact touched
    for j in order:
        word = query.content[j]
        w = query.weight(index, word)
        if not sizes[j]:
            continue
        postings = index.postings[word]
        if limit is not None and some and sizes[j] > index.common_postings:
            if found is None:
                found = np.flatnonzero(touched).astype(np.int32)
            # Whichever is shorter is walked: the candidates or the word's facts.
            hits = (found[_member(postings, found)] if 4 * len(found) < len(postings)
                    else postings[touched[postings]])
            weights[hits] += w
            continue
        weights[postings] += w  # one fact at most once per word: no repeated indices
        touched[postings] = True
        some = True
    ids = found if found is not None else np.flatnonzero(touched).astype(np.int32)
    if limit is None or len(ids) <= limit:
        return ids
    # The `limit` heaviest, ties to the earlier fact: the limit-th weight, all above it, then
    # as many of those equal to it as fit, in position order.
    values = weights[ids]
    kth = np.partition(values, len(ids) - limit)[len(ids) - limit]
    above = ids[values > kth]
    level = ids[values == kth][: limit - len(above)]
    return np.sort(np.concatenate((above, level)))


def _posting_size(index: Index, word: str) -> int:
    i = index.ids.get(word)
    return 0 if i is None else int(index.posting_sizes[i])


def _member(sorted_values: Ints, values: Ints) -> npt.NDArray[np.bool_]:
    """Which of `values` are in `sorted_values` (ascending)."""
    if not len(sorted_values):
        return np.zeros(len(values), dtype=bool)
    at = np.searchsorted(sorted_values, values)
    at[at == len(sorted_values)] = 0
    found: npt.NDArray[np.bool_] = sorted_values[at] == values
    return found


def score(
    index: Index, query: Query, *, limit: int | None = None, also: Iterable[int] = (),
    top: int | None = None,
) -> list[Match]:
    """Matches for the candidate facts (and the facts at positions `also`), best first. With
    `top`, only the `top` best scored and those of `also` become Match objects: the rest are
    scored as arrays and dropped, since no decision looks that far down."""
    weights = {w: query.weight(index, w) for w in query.content}
    total = sum(weights.values())
    if total == 0:
        return []
    found = candidates(index, query, limit=limit)
    also = set(also)
    extra = sorted(also - set(found.tolist()))
    if extra:
        positions = np.sort(np.concatenate((found, np.asarray(extra, dtype=np.int32))))
    else:
        positions = found
    return _scored(index, query, positions, weights, total, top=top, also=also)


def _scored(index: Index, query: Query, positions: Ints, weights: dict[str, float],
            total: float, *, top: int | None, also: set[int]) -> list[Match]:
    """Every candidate scored at once: coverage and word overlap are array sums over the
    question's words, closeness one rapidfuzz `cdist` over all their alternates."""
    t = index.thresholds
    tables = index.tables
    m = len(positions)
    if not m:
        return []
    content = query.content
    k = len(content)
    # The question's words as compared with alternates: question words count a little. The
    # content words come first, so that row j < k of a table is content[j].
    compared = dict(weights) | dict.fromkeys(query.cues, t.cue_weight)
    # Each candidate's entries (its vocabulary, then its alternates' words) as rows of the
    # question's words (-1: a word not asked).
    entries, owners = _gather(tables.entries_ptr, positions)
    with index.rows_of(list(compared)) as row_of:
        rows = row_of[tables.entry_words[entries]]
    alternate = tables.entry_alternate[entries]
    first_alternate = tables.alt_ptr[positions]
    counts = tables.alt_ptr[positions + 1] - first_alternate
    firsts = counts.cumsum() - counts  # where each candidate's alternates start among them
    alternates = np.arange(int(counts.sum())) + (first_alternate - firsts).repeat(counts)

    # One table of the compared words (rows) against the candidates (columns 0..m-1: word j
    # is in the fact's vocabulary; only content words can be) and their alternates (columns
    # m...: the alternate contains word j), weighted, then summed down word by word in question
    # order (cumsum is sequential, as a Python sum over the words is): the same coverage and
    # overlap to the last bit.
    vocabulary = alternate < 0
    column = np.where(vocabulary, owners, m + firsts[owners] + alternate)
    keep = (rows >= 0) & ~(vocabulary & (rows >= k))
    found = np.zeros((len(compared), m + len(alternates)))
    found[rows[keep], column[keep]] = np.fromiter(compared.values(), dtype=np.float64,
                                                  count=len(compared))[rows[keep]]
    sums = found.cumsum(axis=0)[-1]
    coverage = sums[:m] / total
    overlap = 2 * sums[m:] / (sum(compared.values()) + index.alt_weight[alternates])
    # token_sort_ratio of the question and each alternate: the alternates' words are sorted
    # already (bot/index.py), so a plain ratio of sorted words is the same number, 4x faster.
    texts = index.fact_texts
    ratios = process.cdist([" ".join(sorted(content))],
                           list(chain.from_iterable(texts[p] for p in positions.tolist())),
                           scorer=fuzz.ratio, dtype=np.float64)[0] / 100
    if counts.all():
        best_overlap = np.maximum.reduceat(overlap, firsts)
        ratio = np.maximum.reduceat(ratios, firsts)
    else:  # a fact without alternates (reduceat cannot take an empty group)
        some = counts > 0
        best_overlap, ratio = np.zeros(m), np.zeros(m)
        if some.any():
            best_overlap[some] = np.maximum.reduceat(overlap, firsts[some])
            ratio[some] = np.maximum.reduceat(ratios, firsts[some])
    closeness = t.overlap_share * best_overlap + (1 - t.overlap_share) * ratio
    values = 100 * (t.coverage_share * coverage + (1 - t.coverage_share) * closeness)
    return _matches(index, query, positions, values, coverage, found[:k, :m] > 0,
                    top=top, also=also)


def _matches(index: Index, query: Query, positions: Ints, values: Floats, coverage: Floats,
             inside: npt.NDArray[np.bool_], *, top: int | None, also: set[int]) -> list[Match]:
    """The Match of each candidate (with `top`, of the best and of `also`), best first
    (score, then fact id)."""
    facts = index.kb.facts
    content = query.content
    words = len(content)
    scores = [round(value, 1) for value in values.tolist()]
    order = np.lexsort((index.tables.id_rank[positions], -np.array(scores))).tolist()
    if top is not None and len(order) > top:
        order = order[:top] + [f for f in order[top:] if int(positions[f]) in also]
    outside: list[list[bool]] = (~inside).T.tolist()
    figures = [w in _NUMBER_STEMS or is_number(w) for w in content]
    asks_figures = any(figures)
    asked = sorted(query.cues & TYPED_CUES)
    # The first typed cue asked that a fact does not answer, for each set of cues answered.
    cue_missing = [next((c for c in asked if not bits & CUE_BITS[c]), None)
                   for bits in range(CUE_MASK + 1)]
    answers_to: list[int] = index.tables.answers_to[positions].tolist()
    has_figure: list[bool] = index.tables.has_figure[positions].tolist()
    places: list[int] = positions.tolist()
    cov: list[float] = coverage.tolist()
    asks_quantity = query.asks_quantity
    asks_count = query.asks_count
    matches = []
    for f in order:
        unexplained: tuple[str, ...] = ()
        numbers: tuple[str, ...] = ()
        if True in outside[f]:
            unexplained = tuple(compress(content, outside[f]))
            if asks_figures:
                numbers = tuple(compress(content, map(and_, outside[f], figures)))
        matches.append(Match(facts[places[f]], places[f], scores[f], cov[f], unexplained,
                             (asks_quantity and not has_figure[f])
                             or (asks_count and not answers_to[f] & COUNT_BIT),
                             cue_missing[answers_to[f] & CUE_MASK],
                             words, numbers))
    return matches


def _gather(ptr: Offsets, rows: Ints) -> tuple[Offsets, Offsets]:
    """The entries of CSR rows `rows`, one row after another, and the number (0, 1, ...) of
    the row each came from."""
    starts = ptr[rows]
    counts = ptr[rows + 1] - starts
    owners = np.arange(len(rows)).repeat(counts)
    entries = np.arange(len(owners)) + (starts - counts.cumsum() + counts)[owners]
    return entries, owners


_NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS)


def numbers_unexplained(match: Match) -> tuple[str, ...]:
    """Figures in the question that the fact does not give: another year, another count."""
    return match.numbers
