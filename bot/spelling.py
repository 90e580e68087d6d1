"""Words as the matcher reads them: aliases rewritten to their canonical form, and a speller
that corrects a typo to a knowledge-base word but never a real English word into one."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Container, Iterable, Sequence
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.lexicon import STOPWORDS
from bot.normalize import stem, tokens
from bot.thresholds import Thresholds


class AliasRewriter:
    """Rewrites every variant phrase to its canonical form, longest phrase first."""

    def __init__(self, groups: Iterable[tuple[str, Sequence[str]]]) -> None:
        pairs = []
        for canonical, variants in groups:
            target = tuple(tokens(canonical))
            for variant in variants:
                phrase = tuple(tokens(variant))
                if phrase and phrase != target:
                    pairs.append((phrase, target))
        self._set(pairs)

    @classmethod
    def of_pairs(cls, pairs: Iterable[tuple[tuple[str, ...], tuple[str, ...]]]) -> AliasRewriter:
        """From (phrase, target) pairs already tokenized (a compiled knowledge base)."""
        rewriter = cls.__new__(cls)
        rewriter._set(list(pairs))
        return rewriter

    def _set(self, pairs: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> None:
        self.pairs = tuple(pairs)
        by_first: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = defaultdict(list)
        for phrase, target in pairs:
            by_first[phrase[0]].append((phrase, target))
        self._by_first = {k: sorted(v, key=lambda p: -len(p[0])) for k, v in by_first.items()}

    def rewrites(self, word: str) -> bool:
        """Whether the word alone is a variant ("site" of "website")."""
        return any(len(phrase) == 1 for phrase, _ in self._by_first.get(word, ()))

    def rewrite(self, words: Sequence[str], *,
                joined: dict[str, str] | None = None) -> list[str]:
        """`words`, each variant phrase replaced by its canonical form; into `joined`, each
        one-word form of a phrase of several ("forcedlabour": "forced labour"), as typed."""
        by_first = self._by_first
        if by_first.keys().isdisjoint(words):
            return list(words)  # no phrase starts here, as in most questions
        out: list[str] = []
        done = 0  # words before this are in `out`
        n = len(words)
        for i, word in enumerate(words):
            if i < done or word not in by_first:
                continue
            nxt = words[i + 1] if i + 1 < n else None
            for phrase, target in by_first[word]:
                # The second word first: most phrases that start alike part there.
                if (len(phrase) == 1 or phrase[1] == nxt) \
                        and tuple(words[i : i + len(phrase)]) == phrase:
                    out.extend(words[done:i])
                    out.extend(target)
                    done = i + len(phrase)
                    if joined is not None and len(target) == 1 < len(phrase):
                        joined.setdefault(target[0], " ".join(phrase))
                    break
        out.extend(words[done:])
        return out


class Speller:
    """Corrects a word that is not in the vocabulary to its nearest known word, if near enough."""

    def __init__(
        self, counts: Counter[str], *, thresholds: Thresholds,
        english: Container[str] = frozenset(), stems: Sequence[str] | None = None,
    ) -> None:
        """`counts`: every word written in the knowledge base, in the order first seen;
        `stems`: their stems in the same order, when already known (a compiled knowledge base)."""
        self._counts = counts
        # Real words of the language: never "corrected" into a knowledge-base word they are
        # one letter away from ("grew" is not "crew").
        self._english = english
        stem_of = dict(zip(counts, stems if stems is not None else map(stem, counts),
                           strict=True))
        self._stems = frozenset(stem_of.values())
        # The most used spelling of each stem that is spelled differently from its other forms.
        surface: dict[str, str] = {}
        for word, _ in counts.most_common():
            surface.setdefault(stem_of[word], word)
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
        known = self._surface.get(stem(word))
        if known is not None and known not in STOPWORDS:
            # Another form of a known word ("larg" of "large"): spelled as known, so that
            # aliases and synonyms written for the known form apply to it too. Not a function
            # word whose stem it happens to share ("theme" is not "them").
            return known
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
