"""The scoring as it was before the array index (dict postings, one fact at a time), kept as the
reference the vectorised scoring is compared with (tests/test_compiled.py, bench/differential.py).

Only what the array index rewrote is here: fact profiles, postings, the candidate step and the
per-fact score. The speller, alias rewriting and question analysis are the shipped ones.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from bot import calibration
from bot.decision import SIMILARITY_CENTRE, SIMILARITY_SCALE, veto
from bot.index import (
    _MONTHS,
    COMMON_POSTINGS,
    CUE_WORDS,
    TYPED_CUES,
    Index,
    counts_things,
    measures_things,
    rates_only,
    speaker_titles,
)
from bot.matching import Match, Query
from bot.model import Fact, KnowledgeBase
from bot.normalize import content_stems, is_figure, is_number, tokens
from bot.thresholds import Thresholds


@dataclass(frozen=True)
class Alternate:
    text: str
    stems: frozenset[str]
    written: tuple[str, ...]  # the stems in the order written
    weight: float = 0.0


@dataclass(frozen=True)
class Profile:
    fact: Fact
    alternates: tuple[Alternate, ...]
    texts: tuple[str, ...]
    vocabulary: frozenset[str]
    has_figure: bool
    answers_to: frozenset[str]
    in_alternates: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class OldMatch:
    fact: str
    score: float
    coverage: float
    unexplained: tuple[str, ...]
    figure_missing: bool
    cue_missing: str | None
    words: int


class ReferenceIndex:
    """Profiles and dict postings, as the index kept them; the shipped index lends the rest."""

    def __init__(self, index: Index) -> None:
        self._titles = speaker_titles(index.kb)
        kb: KnowledgeBase = index.kb
        self.index = index
        self.thresholds: Thresholds = index.thresholds
        profiles = [self._profile(fact) for fact in kb.facts]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, profile in enumerate(profiles):
            for word in profile.vocabulary:
                postings[word].append(i)
        self.postings = {w: tuple(ids) for w, ids in postings.items()}
        self.common_postings = max(COMMON_POSTINGS, len(profiles) // 50)
        self.posting_sets = {w: frozenset(ids) for w, ids in self.postings.items()
                             if len(ids) > self.common_postings}
        n = max(len(profiles), 1)
        self.idf = {w: math.log(1 + n / len(ids)) for w, ids in self.postings.items()}
        rarest = max(self.idf.values(), default=1.0)
        self.unknown_weight = self.thresholds.unknown_weight * rarest
        self.name_weight = self.thresholds.name_weight * rarest
        self.profiles = tuple(self._weighed(p) for p in profiles)

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_weight)

    def query_weight(self, query: Query, word: str) -> float:
        if word in query.names:
            return self.name_weight
        long = self.thresholds.long_question
        if word not in self.idf and len(query.content) > long:
            return self.unknown_weight * long / len(query.content)
        return self.weight(word)

    def closeness_weight(self, word: str) -> float:
        return self.thresholds.cue_weight if word in CUE_WORDS else self.weight(word)

    def _weighed(self, profile: Profile) -> Profile:
        alternates = tuple(
            # Summed in the order written (it was the set's order, which changes from one
            # process to the next, and with it the last bit of the sum).
            Alternate(a.text, a.stems, a.written, _total(self.closeness_weight(w)
                                                         for w in a.written))
            for a in profile.alternates
        )
        in_alternates: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(alternates):
            for word in a.stems:
                in_alternates[word].append(i)
        return Profile(profile.fact, alternates, profile.texts, profile.vocabulary,
                       profile.has_figure, profile.answers_to,
                       {w: tuple(ids) for w, ids in in_alternates.items()})

    def _profile(self, fact: Fact) -> Profile:
        alternates = []
        vocabulary: set[str] = set()
        for question in fact.questions:
            words = self.index.words(question)
            content = content_stems(words)
            vocabulary.update(content)
            written = tuple(dict.fromkeys([*content, *(w for w in words if w in CUE_WORDS)]))
            alternates.append(Alternate(" ".join(content), frozenset(written), written))
        for text in (fact.answer, *(c.quote for c in fact.citations)):
            vocabulary.update(content_stems(self.index.words(text)))
            vocabulary.update(content_stems(tokens(text)))  # the words behind the aliases too
        titles = self._titles
        for source in {c.source for c in fact.citations}:
            for speaker, name, title in titles.get(source, ()):
                named = content_stems(self.index.words(name))
                if speaker == fact.speaker or (named and vocabulary.issuperset(named)):
                    vocabulary.update(content_stems(self.index.words(title)))
        answer_words = tokens(fact.answer)
        has_figure = any(is_figure(w) for w in answer_words)
        answers_to = {cue for a in alternates for cue in a.stems & TYPED_CUES}
        if any(w in _MONTHS or (is_number(w) and not is_figure(w)) for w in answer_words):
            answers_to.add("when")
        if counts_things(answer_words):
            answers_to.add("count")
        if measures_things(answer_words):
            answers_to.add("measure")
        if rates_only(answer_words):
            answers_to.add("rate only")
        return Profile(fact, tuple(alternates), tuple(a.text for a in alternates),
                       frozenset(vocabulary), has_figure, frozenset(answers_to))


def _total(values: Iterable[float]) -> float:
    """Summed one after another, as Python's sum() did up to 3.11 (3.12 compensates)."""
    total = 0.0
    for value in values:
        total += value
    return total


def candidates(index: ReferenceIndex, query: Query, *, limit: int | None) -> list[int]:
    weights: dict[int, float] = {}
    words = sorted(query.content, key=lambda w: len(index.postings.get(w, ())))
    for word in words:
        w = index.query_weight(query, word)
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


def score(index: ReferenceIndex, query: Query, *, limit: int | None = None,
          also: tuple[int, ...] = ()) -> list[OldMatch]:
    t = index.thresholds
    weights = {w: index.query_weight(query, w) for w in query.content}
    total = sum(weights.values())
    if total == 0:
        return []
    compared = dict(weights) | dict.fromkeys(query.cues, t.cue_weight)
    compared_total = sum(compared.values())
    matches = []
    found = candidates(index, query, limit=limit)
    for i in [*found, *(i for i in also if i not in set(found))]:
        profile = index.profiles[i]
        # A choice the fact answers ("2023 or 2024") and a count of the names it lists
        # ("which three areas") count as explained (bot/matching.py _chosen, _counted).
        given = {w for w in query.content
                 if w in profile.vocabulary and w not in index.index.ubiquitous}
        credited = {a for a, b in query.either if b in given} | (
            query.counts & index.index.listed(i))
        explained = _total(w for word, w in weights.items()
                           if word in profile.vocabulary or word in credited)
        coverage = explained / total
        closeness = _closeness(query, compared, compared_total, profile, t)
        value = 100 * (t.coverage_share * coverage + (1 - t.coverage_share) * closeness)
        matches.append(OldMatch(
            fact=profile.fact.id,
            score=round(value, 1),
            coverage=coverage,
            unexplained=tuple(w for w in query.content
                              if w not in profile.vocabulary and w not in credited),
            # (one intended change since: "how many" needs a count, see bot/index.py COUNT_BIT)
            figure_missing=(query.asks_quantity and not profile.has_figure)
            or (query.asks_count and "count" not in profile.answers_to)
            # (and another: "how long" needs a measure, see bot/index.py MEASURE_BIT)
            or (query.asks_measure and "measure" not in profile.answers_to)
            # (and a fourth: an amount is not answered by a rate, see RATE_ONLY_BIT)
            or (query.asks_amount and "rate only" in profile.answers_to),
            cue_missing=next(iter(sorted(query.cues & TYPED_CUES - profile.answers_to)), None),
            words=len(query.content),
        ))
    matches.sort(key=lambda m: (-m.score, m.fact))
    return matches


def _closeness(query: Query, compared: dict[str, float], total: float, profile: Profile,
               t: Thresholds) -> float:
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


def considered(matches: Sequence[Match], similarities: Any,
               runner_up: Sequence[float], names: frozenset[str],
               judgement: bool, singles_out: Callable[[Match], str | None] | None = None,
               ) -> list[tuple[str, tuple[float, ...], str | None, float]]:
    """The engine's weighing as it was, one match at a time: (fact, features, veto,
    confidence), most confident first. `singles_out`: the further veto of bot/identity."""
    scores = [m.score for m in matches[:2]] + [0.0, 0.0]
    out = []
    for rank, m in enumerate(matches):
        sim = float(similarities[m.position]) if similarities is not None else None
        best_score = scores[1] if rank == 0 else scores[0]
        values: tuple[float, ...] = (m.score / 100, m.coverage, (m.score - best_score) / 100)
        if sim is not None:
            other = runner_up[1] if sim >= runner_up[0] else runner_up[0]
            values = (*values, (sim - SIMILARITY_CENTRE) * SIMILARITY_SCALE,
                      (sim - other) * SIMILARITY_SCALE,
                      1.0 if rank == 0 and sim >= runner_up[0] else 0.0)
        weights = calibration.COMBINED if len(values) == 6 else calibration.LEXICAL
        z = weights[0] + _total(w * x for w, x in zip(weights[1:], values, strict=True))
        confidence = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        reason = veto(m, names, judgement=judgement)
        if reason is None and singles_out is not None:
            reason = singles_out(m)  # it judges itself what an alternate's words ask
        out.append((m.fact.id, values, reason, confidence))
    out.sort(key=lambda c: (-c[3], c[0]))
    return out
