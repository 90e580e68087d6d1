"""Everything the matcher precomputes from a knowledge base, built once at start-up."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.lexicon import FILLERS, NUMBER_WORDS, ORDINALS, STOPWORDS, SYNONYMS
from bot.model import Fact, KnowledgeBase
from bot.text import is_number, stem, tokens
from bot.thresholds import DEFAULT, Thresholds

# Words a question may ask with; compared with alternates but never needing an explanation.
CUE_WORDS = frozenset({"how", "much", "many", "when", "where", "who", "why", "which", "what"})
# A word in more facts than this (or 2% of them) is too common to find candidates by.
COMMON_POSTINGS = 500
# Question words that ask for a kind of answer a fact may not have: a reason, a time.
TYPED_CUES = frozenset({"why", "when"})
_MONTHS = frozenset(
    "january february march april may june july august september october november december"
    .split()
)


@dataclass(frozen=True)
class Alternate:
    text: str  # content stems joined by spaces, for rapidfuzz
    stems: frozenset[str]  # content stems and cue words
    weight: float = 0.0  # sum of the stems' weights, set once the weights are known


@dataclass(frozen=True)
class FactProfile:
    fact: Fact
    alternates: tuple[Alternate, ...]
    texts: tuple[str, ...]  # the alternates' texts, for rapidfuzz
    vocabulary: frozenset[str]  # stems that this fact can be said to be about
    has_figure: bool  # the answer gives a number
    answers_to: frozenset[str]  # of the TYPED_CUES, those this fact answers ("when", "why")
    # word -> positions of the alternates containing it: overlap is summed per shared word.
    in_alternates: dict[str, tuple[int, ...]] = field(default_factory=dict)


class AliasRewriter:
    """Rewrites every variant phrase to its canonical form, longest phrase first."""

    def __init__(self, groups: Iterable[tuple[str, Sequence[str]]]) -> None:
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for canonical, variants in groups:
            target = tuple(tokens(canonical))
            for variant in variants:
                phrase = tuple(tokens(variant))
                if phrase and phrase != target:
                    by_first[phrase[0]].append((phrase, target))
        self._by_first = {k: sorted(v, key=lambda p: -len(p[0])) for k, v in by_first.items()}

    def rewrite(self, words: Sequence[str]) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(words):
            for phrase, target in self._by_first.get(words[i], ()):
                if tuple(words[i : i + len(phrase)]) == phrase:
                    out.extend(target)
                    i += len(phrase)
                    break
            else:
                out.append(words[i])
                i += 1
        return out


class Speller:
    """Corrects a word that is not in the vocabulary to its nearest known word, if near enough."""

    def __init__(
        self, counts: Counter[str], *, thresholds: Thresholds, english: frozenset[str] = frozenset()
    ) -> None:
        self._counts = counts
        # Real words of the language: never "corrected" into a knowledge-base word they are
        # one letter away from ("grew" is not "crew").
        self._english = english
        self._stems = frozenset(stem(w) for w in counts)
        # The most used spelling of each stem that is spelled differently from its other forms.
        surface: dict[str, str] = {}
        for word, _ in counts.most_common():
            surface.setdefault(stem(word), word)
        self._surface = surface
        self._t = thresholds
        by_length: dict[int, list[str]] = defaultdict(list)
        for word in counts:
            if word.isalpha():
                by_length[len(word)].append(word)
        self._by_length = dict(by_length)
        # People repeat words and questions: remember the answer for each word seen.
        self.correct = lru_cache(maxsize=20_000)(self._correct)  # type: ignore[method-assign]

    def known(self, word: str) -> bool:
        return word in self._counts or stem(word) in self._stems

    def correct(self, word: str) -> str | None:
        """The known word meant by `word`, or None when it is known, a number, or too far."""
        return self._correct(word)

    def _correct(self, word: str) -> str | None:
        if word in self._counts or not word.isalpha():
            return None
        if stem(word) in self._stems:
            # Another form of a known word ("larg" of "large"): spelled as known, so that
            # aliases and synonyms written for the known form apply to it too.
            return self._surface.get(stem(word))
        for variant in _american(word):
            if variant in self._counts:
                return variant  # "kilometres" is the knowledge base's "kilometers"
        if word in self._english:
            return None
        short = len(word) < self._t.min_typo_length
        if short and len(word) < 3:
            return None
        limit = self._t.long_word_edits if len(word) >= 8 else 1
        lengths = range(len(word) - limit, len(word) + limit + 1)
        if short:
            # A short word is only taken as two swapped letters ("hwo", "teh") or, from four
            # letters, a dropped one ("trde"): a changed letter, or one added to a
            # three-letter word, too often makes another real word (crew/grew, old/told).
            lengths = range(len(word), len(word) + (2 if len(word) >= 4 else 1))
        best: tuple[int, int, str] | None = None
        for length in lengths:
            bucket = self._by_length.get(length)
            if not bucket:
                continue
            for candidate, distance, _ in process.extract(
                word, bucket, scorer=OSA.distance, score_cutoff=limit, limit=5
            ):
                if short and len(candidate) == len(word) and sorted(candidate) != sorted(word):
                    continue
                rank = (int(distance), -self._counts[candidate], candidate)
                if best is None or rank < best:
                    best = rank
        return best[2] if best else None


_BRITISH = (("tres", "ters"), ("tre", "ter"), ("our", "or"), ("ours", "ors"), ("ise", "ize"),
            ("ised", "ized"), ("ising", "izing"), ("isation", "ization"), ("yse", "yze"),
            ("lled", "led"), ("lling", "ling"), ("ogue", "og"), ("ence", "ense"))


def _american(word: str) -> list[str]:
    return [word[: -len(uk)] + us for uk, us in _BRITISH if word.endswith(uk)]


@dataclass(frozen=True)
class SmallTalkPattern:
    intent: str
    text: str  # normalized


class Index:
    """The knowledge base, prepared for matching: profiles, postings, weights, speller."""

    def __init__(
        self, kb: KnowledgeBase, *, thresholds: Thresholds = DEFAULT,
        english: frozenset[str] = frozenset(),
    ) -> None:
        self.kb = kb
        self.english = english
        self.thresholds = thresholds
        self.aliases = AliasRewriter(
            [(g.canonical, g.variants) for g in kb.aliases]
            + [(words[0], words[1:]) for words in SYNONYMS]
        )
        self.speller = Speller(_vocabulary(kb), thresholds=thresholds, english=english)
        self.profiles = tuple(self._profile(fact) for fact in kb.facts)
        self.position = {fact.id: i for i, fact in enumerate(kb.facts)}

        postings: dict[str, list[int]] = defaultdict(list)
        for i, profile in enumerate(self.profiles):
            for word in profile.vocabulary:
                postings[word].append(i)
        self.postings = {w: tuple(ids) for w, ids in postings.items()}
        # Words in more facts than this are only used to re-rank candidates (see candidates()).
        self.common_postings = max(COMMON_POSTINGS, len(self.profiles) // 50)
        self.posting_sets = {
            w: frozenset(ids) for w, ids in self.postings.items()
            if len(ids) > self.common_postings
        }
        n = max(len(self.profiles), 1)
        # Smoothed IDF: a word in every fact still weighs a little.
        self.idf = {w: math.log(1 + n / len(ids)) for w, ids in self.postings.items()}
        rarest = max(self.idf.values(), default=1.0)
        self.unknown_weight = thresholds.unknown_weight * rarest
        self.name_weight = thresholds.name_weight * rarest

        self.profiles = tuple(self._weighed(p) for p in self.profiles)
        self.small_talk = tuple(
            SmallTalkPattern(item.intent, " ".join(self.words(p)))
            for item in kb.small_talk
            for p in item.patterns
        )
        self.small_talk_texts = [p.text for p in self.small_talk]
        talk_words = {w for p in self.small_talk for w in p.text.split()}
        self.small_talk_words = frozenset(
            stem(w) for w in talk_words if stem(w) not in self.postings
        )

    def words(self, text: str) -> list[str]:
        """Normalized, alias-rewritten words of knowledge-base text (no spelling correction)."""
        return self.aliases.rewrite(tokens(text))

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_weight)

    def closeness_weight(self, word: str) -> float:
        """Weight of a word when comparing with alternates: question words count a little."""
        return self.thresholds.cue_weight if word in CUE_WORDS else self.weight(word)

    def _weighed(self, profile: FactProfile) -> FactProfile:
        alternates = tuple(
            Alternate(a.text, a.stems, sum(self.closeness_weight(w) for w in a.stems))
            for a in profile.alternates
        )
        in_alternates: dict[str, list[int]] = defaultdict(list)
        for i, a in enumerate(alternates):
            for word in a.stems:
                in_alternates[word].append(i)
        return replace(profile, alternates=alternates,
                       in_alternates={w: tuple(ids) for w, ids in in_alternates.items()})

    def _profile(self, fact: Fact) -> FactProfile:
        alternates = []
        vocabulary: set[str] = set()
        for question in fact.questions:
            words = self.words(question)
            content = content_stems(words)
            vocabulary.update(content)
            cues = {w for w in words if w in CUE_WORDS}
            alternates.append(Alternate(" ".join(content), frozenset(content) | cues))
        for text in (fact.answer, *(c.quote for c in fact.citations)):
            vocabulary.update(content_stems(self.words(text)))
            # The words as written too, beside their alias: a question may use part of a
            # long name ("kilometres" of "square kilometers", "pilot" of the FTZ's full name).
            vocabulary.update(content_stems(tokens(text)))
        answer_words = tokens(fact.answer)
        has_figure = any(is_figure(w) for w in answer_words)
        answers_to = {cue for a in alternates for cue in a.stems & TYPED_CUES}
        if any(w in _MONTHS or (is_number(w) and not is_figure(w)) for w in answer_words):
            answers_to.add("when")  # a dated answer says when
        return FactProfile(
            fact, tuple(alternates), tuple(a.text for a in alternates), frozenset(vocabulary),
            has_figure, frozenset(answers_to),
        )


_PADDING_STEMS = frozenset(stem(w) for w in FILLERS)


def content_stems(words: Iterable[str]) -> list[str]:
    """Stems of the words that say what a question is about, in order, without repeats.

    Padding ("tell", "article", "story") is left out, unless it is all there is: then it is
    what the question is about ("who reported this story").
    """
    seen: dict[str, None] = {}
    padding: dict[str, None] = {}
    for word in words:
        if word in STOPWORDS or (len(word) == 1 and word.isalpha()):
            continue  # a lone letter is a slip or markup ("<b>"), never the subject
        key = stem(word)
        if word in FILLERS or key in _PADDING_STEMS:  # "guessing" is padding as much as "guess"
            padding.setdefault(key, None)
        else:
            seen.setdefault(key, None)
    return list(seen or padding)


def is_figure(word: str) -> bool:
    """A count or amount; a year alone ("2023") dates a fact but does not give a figure."""
    if word in NUMBER_WORDS:
        return True
    if not is_number(word):
        return False
    return not (len(word) == 4 and word.isdigit() and 1900 <= int(word) <= 2100)


def _vocabulary(kb: KnowledgeBase) -> Counter[str]:
    counts: Counter[str] = Counter()
    texts: list[str] = [t.title for t in kb.topics]
    for fact in kb.facts:
        texts.extend(fact.questions)
        texts.append(fact.answer)
    for source in kb.sources:
        texts.extend(source.paragraphs)
        texts.extend((source.title, *source.authors, source.publisher))
    for group in kb.aliases:
        texts.append(group.canonical)
        texts.extend(group.variants)
    for item in kb.small_talk:
        texts.extend(item.patterns)
    for text in texts:
        counts.update(tokens(text))
    for word in STOPWORDS | FILLERS | NUMBER_WORDS | ORDINALS | CUE_WORDS:
        counts[word] += 1
    return counts
