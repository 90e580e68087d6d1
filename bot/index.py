"""Everything the matcher precomputes from a knowledge base: integer ids and flat arrays.

Words are interned stems numbered in order of first use; facts are their positions in the
knowledge base; alternate questions are numbered fact after fact. Postings and the words of each
alternate are CSR arrays (a pointer array into one flat int32 array), so that finding and
scoring a question's candidates costs a few numpy operations per word instead of Python loops
over facts. `IndexTables` holds what does not depend on the tuning knobs: it is what
bot/compiled.py caches on disk, and an `Index` is rebuilt from it in a fraction of a second.

A small knowledge base (up to SMALL_KB facts, such as the article's) keeps the same tables as
Python lists (`PlainTables`) and is scored in plain Python: numpy is then not imported at all,
which was a third of `citebot ask`'s start. The arrays are made from the lists when a tool asks.
"""

from __future__ import annotations

import math
import re
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from itertools import accumulate, pairwise, takewhile
from typing import TYPE_CHECKING, Any

from bot.lexicon import FILLERS, NUMBER_WORDS, ORDINALS, STOPWORDS, SYNONYMS, UNITS
from bot.model import Fact, KnowledgeBase
from bot.normalize import content_stems, is_figure, is_number, stem, tokens
from bot.spelling import AliasRewriter, Speller
from bot.thresholds import DEFAULT, Thresholds

# Words a question may ask with; compared with alternates but never needing an explanation.
CUE_WORDS = frozenset({"how", "much", "many", "when", "where", "who", "why", "which", "what"})
# A word in more facts than this (or 2% of them) is too common to find candidates by.
COMMON_POSTINGS = 500
# Question words that ask for a kind of answer a fact may not have: a reason, a time.
TYPED_CUES = frozenset({"why", "when", "means"})  # "means": how it was done (asks_means)
# Up to this many facts, each is also kept as Python sets and dicts (`FactWords`): a question's
# few candidates are then found and scored in plain Python, faster than with arrays whose cost
# per call outweighs the work at this size. (No word is common, see COMMON_POSTINGS.)
SMALL_KB = 200
# Bit of each typed cue in `IndexTables.answers_to`.
CUE_BITS = {cue: 1 << n for n, cue in enumerate(sorted(TYPED_CUES))}
CUE_MASK = (1 << len(CUE_BITS)) - 1
# Also in `IndexTables.answers_to`: the answer counts things ("eight countries", "18 land
# ports"), as "how many" asks; an area, a sum or a share is a figure but not a count.
COUNT_BIT = 1 << len(CUE_BITS)
# ... and the answer measures something ("180 square kilometers", "45.9 percent", "357 billion
# yuan"), as "how long" or "how big" asks; a count of things ("eight countries") does not.
MEASURE_BIT = COUNT_BIT << 1
# ... and its only figures are rates ("rose 45.9 percent"): no total, value or amount.
RATE_ONLY_BIT = MEASURE_BIT << 1
_MONTHS = frozenset(
    "january february march april may june july august september october november december"
    .split()
)
_MONTHS_SHORT = frozenset(m[:3] for m in _MONTHS)


# A list of names: "Urumqi, Horgos and Kashgar", "Cui Jia and Mao Weihua".
_NAME = r"[A-Z][\w'-]*(?: [A-Z][\w'-]*)*"
_NAME_LIST = re.compile(rf"{_NAME}(?:, {_NAME})*,? and {_NAME}")
_LIST_ITEM = re.compile(rf"{_NAME}")
_INCLUDING = re.compile(r"\binclud(?:ing|es|e)\s+([^.;]*)")
_LIST_NAME = re.compile(r"(?<!the )\b[A-Z][\w'-]*")
_COUNT_WORDS = "zero one two three four five six seven eight nine ten".split()


def says_when(words: Iterable[str]) -> bool:
    """Words (normalize.tokens) that give a time: a month or a year ("in 2023")."""
    return any(w in _MONTHS or (is_number(w) and not is_figure(w)) for w in words)
_NUMERAL = re.compile(r"\d+(?:[.,]\d+)*")
SCALES = frozenset("hundred thousand million billion trillion".split())

if TYPE_CHECKING:
    # numpy is imported where arrays are made (a large knowledge base, the compiled .npz
    # file, tools), never by a small knowledge base answering from words alone.
    import numpy as np
    import numpy.typing as npt

    Ints = npt.NDArray[np.int32]
    Offsets = npt.NDArray[np.int64]
    Floats = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Alternate:
    text: str  # content stems sorted and joined by spaces, for rapidfuzz
    stems: frozenset[str]  # content stems and cue words
    weight: float = 0.0  # sum of the stems' weights


@dataclass(frozen=True)
class FactProfile:
    """One fact as the matcher sees it; made on demand from the tables (for tests and tools)."""

    fact: Fact
    alternates: tuple[Alternate, ...]
    texts: tuple[str, ...]  # the alternates' texts, for rapidfuzz
    vocabulary: frozenset[str]  # stems that this fact can be said to be about
    has_figure: bool  # the answer gives a number
    answers_to: frozenset[str]  # of the TYPED_CUES, those this fact answers ("when", "why")
    # word -> positions of the alternates containing it.
    in_alternates: dict[str, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class IndexTables:
    """The knowledge base reduced to ids and arrays; independent of `Thresholds`."""

    words: tuple[str, ...]  # id -> stem (or cue word)
    postings_ptr: Offsets  # word id -> its facts: postings[ptr[w]:ptr[w + 1]], ascending
    postings: Ints
    alt_ptr: Offsets  # fact -> its alternates: alt_ptr[f]:alt_ptr[f + 1]
    # fact -> its entries, entries_ptr[f]:entries_ptr[f + 1]: first its vocabulary (the stems
    # it can be said to be about, entry_alternate -1), then the words of each alternate in
    # turn (content stems, then cue words; entry_alternate: the alternate's number in the fact).
    entries_ptr: Offsets
    entry_words: Ints
    entry_alternate: Ints
    # Every alternate's content stems, sorted and joined by spaces, one after another.
    alt_text: str
    alt_text_ptr: Offsets  # alternate -> alt_text[ptr[a]:ptr[a + 1]]
    id_rank: Ints  # per fact, the place of its id among all ids sorted (ties are broken by id)
    has_figure: npt.NDArray[np.bool_]  # per fact
    answers_to: npt.NDArray[np.uint8]  # per fact, CUE_BITS of the typed cues it answers
    spelling: tuple[str, ...]  # every word written in the knowledge base, first seen first
    spelling_counts: Ints  # how often each is written
    spelling_stems: tuple[str, ...]  # stem of each
    # The alias groups and synonyms as (phrase, canonical) pairs of words, for AliasRewriter.
    aliases: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def facts(self) -> int:
        return len(self.alt_ptr) - 1

    def arrays(self) -> dict[str, npt.NDArray[np.generic]]:
        return {name: getattr(self, name) for name in _ARRAYS}

    @staticmethod
    def array_names() -> tuple[str, ...]:
        return _ARRAYS

    def plain(self) -> PlainTables:
        lists: dict[str, Any] = {name: getattr(self, name).tolist() for name in _ARRAYS}
        return PlainTables(words=self.words, alt_text=self.alt_text, spelling=self.spelling,
                           spelling_stems=self.spelling_stems, aliases=self.aliases, **lists)


@dataclass(frozen=True, eq=False)
class PlainTables:
    """`IndexTables` as Python lists (the same fields, the same numbers): a small knowledge
    base is read and scored from these without numpy."""

    words: tuple[str, ...]
    postings_ptr: list[int]
    postings: list[int]
    alt_ptr: list[int]
    entries_ptr: list[int]
    entry_words: list[int]
    entry_alternate: list[int]
    alt_text: str
    alt_text_ptr: list[int]
    id_rank: list[int]
    has_figure: list[bool]
    answers_to: list[int]
    spelling: tuple[str, ...]
    spelling_counts: list[int]
    spelling_stems: tuple[str, ...]
    aliases: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    @property
    def facts(self) -> int:
        return len(self.alt_ptr) - 1

    def arrays(self) -> dict[str, list[int] | list[bool]]:
        return {name: getattr(self, name) for name in _ARRAYS}

    def to_arrays(self) -> IndexTables:
        import numpy as np

        arrays: dict[str, Any] = {name: np.asarray(getattr(self, name), dtype=dtype)
                                  for name, dtype in _ARRAY_TYPES.items()}
        return IndexTables(words=self.words, alt_text=self.alt_text, spelling=self.spelling,
                           spelling_stems=self.spelling_stems, aliases=self.aliases, **arrays)


Tables = IndexTables | PlainTables

# The arrays of the tables, with their types.
_ARRAY_TYPES = {
    "postings_ptr": "int64", "postings": "int32", "alt_ptr": "int64", "entries_ptr": "int64",
    "entry_words": "int32", "entry_alternate": "int32", "alt_text_ptr": "int64",
    "id_rank": "int32", "has_figure": "bool", "answers_to": "uint8", "spelling_counts": "int32",
}
_ARRAYS = tuple(_ARRAY_TYPES)
_STRINGS = ("words", "spelling", "spelling_stems")


@dataclass(frozen=True)
class SmallTalkPattern:
    intent: str
    text: str  # normalized


class Postings(Mapping[str, "Ints"]):
    """word -> the positions of the facts it is in (ascending); only words in some fact."""

    def __init__(self, ids: Mapping[str, int], ptr: Offsets, flat: Ints) -> None:
        self._ids = ids
        self._ptr = ptr
        self._flat = flat

    def __getitem__(self, word: str) -> Ints:
        i = self._ids.get(word)
        if i is None or self._ptr[i] == self._ptr[i + 1]:
            raise KeyError(word)
        return self._flat[self._ptr[i] : self._ptr[i + 1]]

    def __contains__(self, word: object) -> bool:
        i = self._ids.get(word) if isinstance(word, str) else None
        return i is not None and bool(self._ptr[i] != self._ptr[i + 1])

    def __iter__(self) -> Iterator[str]:
        return (w for w, i in self._ids.items() if self._ptr[i] != self._ptr[i + 1])

    def __len__(self) -> int:
        import numpy as np

        return int(np.count_nonzero(np.diff(self._ptr)))


class Index:
    """The knowledge base, prepared for matching: word ids, postings, weights, speller.

    A small knowledge base (SMALL_KB) is scored from Python sets and dicts (`fact_words`,
    `word_facts`); a larger one from arrays (`columns`, `posting_lists`, `rows`), which are
    made for a small one too, but only if asked for (tools and tests)."""

    def __init__(
        self, kb: KnowledgeBase, *, thresholds: Thresholds = DEFAULT,
        english: Container[str] = frozenset(), tables: Tables | None = None,
        common: Container[str] = frozenset(),
    ) -> None:
        """`tables`: those of this very knowledge base, read from a compiled cache; built when
        not given. `common`: the everyday English words (see Thresholds.common_unknown)."""
        self.kb = kb
        self.english = english
        self._listed: dict[int, frozenset[str]] = {}  # by position, see listed
        self.common = common
        self.thresholds = thresholds
        if tables is None:
            tables = _COMPILED.get(id(kb)) or build_tables(kb)
        self.aliases = AliasRewriter.of_pairs(tables.aliases)
        if tables.facts != len(kb.facts):
            raise ValueError(f"tables of {tables.facts} facts for {len(kb.facts)} facts")
        self.tables: Tables = tables
        small = tables.facts <= SMALL_KB
        t: Tables = tables.plain() if small and isinstance(tables, IndexTables) else tables
        if not small and isinstance(t, PlainTables):
            t = t.to_arrays()
        self.ids: dict[str, int] = {w: i for i, w in enumerate(t.words)}
        counts = Counter(dict(zip(t.spelling, _ints(t.spelling_counts), strict=True)))
        self.speller = Speller(counts, thresholds=thresholds, english=english,
                               stems=t.spelling_stems)
        ptr = _ints(t.postings_ptr)
        sizes = [b - a for a, b in pairwise(ptr)]
        # Words in more facts than this are only used to re-rank candidates (see candidates()).
        self.common_postings = max(COMMON_POSTINGS, len(kb.facts) // 50)
        n = max(len(kb.facts), 1)
        # Smoothed IDF: a word in every fact still weighs a little. math.log, not numpy's:
        # the same weights to the last bit as scalar code would compute.
        self._idf = idf = [math.log(1 + n / size) if size else 0.0 for size in sizes]
        # The same per word, as Python objects: a question looks up a few words, and a dict
        # look-up is much cheaper than indexing numpy arrays one scalar at a time.
        self.idf: dict[str, float] = {
            w: v for w, v, size in zip(t.words, idf, sizes, strict=True) if size}
        rarest = max((v for v, size in zip(idf, sizes, strict=True) if size), default=1.0)
        self.unknown_weight = thresholds.unknown_weight * rarest
        self.name_weight = thresholds.name_weight * rarest
        # Per fact, as Python lists: a question's matches read a few entries each.
        self.id_rank: list[int] = _ints(t.id_rank)
        self.answers_to: list[int] = _ints(t.answers_to)
        self.has_figure: list[bool] = _bools(t.has_figure)
        self._rows_lock = threading.Lock()
        self.fact_words: tuple[FactWords, ...] | None = None
        # word -> its facts (as `posting_lists`), a small knowledge base only.
        self.word_facts: dict[str, tuple[int, ...]] | None = None
        if isinstance(t, PlainTables):
            self.alt_weight: Floats | list[float] = self._plain_alternate_weights(t)
            self.fact_words = fact_words(t, self.alt_weight)
            self.word_facts = {w: tuple(t.postings[ptr[i] : ptr[i + 1]])
                               for w, i in self.ids.items() if sizes[i]}
            # Per fact, its alternates' texts for rapidfuzz (see FactColumns.texts).
            self.fact_texts = fact_texts(t.alt_text, t.alt_text_ptr, t.alt_ptr)
        else:
            self.arrays = t
            self.alt_weight = self.alternate_weights
            # The arrays are what a large knowledge base is scored with: made now, not at
            # its first question.
            self.fact_texts = self.columns.texts
            self.posting_lists  # noqa: B018
            self._rows  # noqa: B018
        self.small_talk = tuple(
            SmallTalkPattern(item.intent, " ".join(self.words(p)))
            for item in kb.small_talk
            for p in item.patterns
        )
        self.small_talk_texts = [p.text for p in self.small_talk]
        talk_words = {w for p in self.small_talk for w in p.text.split()}
        self.small_talk_words = frozenset(
            stem(w) for w in talk_words if not self.knows(stem(w))
        )

    def _cue_ids(self) -> list[int]:
        return [self.ids[w] for w in CUE_WORDS if w in self.ids]

    def _plain_alternate_weights(self, t: PlainTables) -> list[float]:
        """Each alternate's weight: the sum of its words' weights (question words count a
        little), added in entry order as `alternate_weights` adds them."""
        word_weight = list(self._idf)
        for i in self._cue_ids():
            word_weight[i] = self.thresholds.cue_weight
        weights = [0.0] * t.alt_ptr[-1]
        alternate, words, entries = t.entry_alternate, t.entry_words, t.entries_ptr
        for f, first in enumerate(t.alt_ptr[:-1]):
            for e in range(entries[f], entries[f + 1]):
                if alternate[e] >= 0:
                    weights[first + alternate[e]] += word_weight[words[e]]
        return weights

    @property
    def has_word_list(self) -> bool:
        """Whether `english` holds a word list (a bare Index, as tests make, has none)."""
        return not (isinstance(self.english, frozenset) and not self.english)

    def listed(self, position: int) -> frozenset[str]:
        """How many names the fact lists ("Urumqi, Horgos and Kashgar": "3" and "three"), as
        figure words: "which three areas" counts what it names, not a figure it must give."""
        found = self._listed.get(position)
        if found is None:
            fact = self.kb.facts[position]
            texts = (fact.answer, *(c.quote for c in fact.citations))
            sizes = {len(_LIST_ITEM.findall(m.group())) for text in texts
                     for m in _NAME_LIST.finditer(text)}
            # "areas including Urumqi, the regional capital, Horgos in the north and ...":
            # the names after "including", whatever describes them.
            sizes |= {len(_LIST_NAME.findall(m.group(1))) for text in texts
                      for m in _INCLUDING.finditer(text)}
            found = self._listed[position] = frozenset(
                w for n in sizes if 1 < n < len(_COUNT_WORDS)
                for w in (str(n), stem(_COUNT_WORDS[n])))
        return found

    @cached_property
    def totalled(self) -> frozenset[str]:
        """The stems of the halves of the totals the facts give ("total imports and exports"):
        a question that names only one asks a part (bot/identity.py)."""
        from bot.identity import totals_in

        texts = (t for f in self.kb.facts for t in (f.answer, *(c.quote for c in f.citations)))
        return frozenset(w for a, b, _ in totals_in(texts) for w in (a, b))

    @cached_property
    def typed_phrases(self) -> AliasRewriter:
        """The phrases to read before spelling (bot/matching.py analyse): those with a word
        the speller would give another form ("forced labour": "forced" is "forces"), which
        after it would no longer match."""
        return AliasRewriter.of_pairs(
            (phrase, target) for phrase, target in self.aliases.pairs
            if len(phrase) > 1 and any(self.speller.correct(w) is not None for w in phrase))

    @cached_property
    def things(self) -> frozenset[str]:
        """The article's named things, which a fact must name to answer a question about them
        ("centralasia", "sco", "kashgar"): the canonical forms of aliases that are no English
        word, less common than in half the facts ("ftz" is not), and neither a unit ("sqkm")
        nor a person (who may be asked about what the paper reports)."""
        if isinstance(self.english, frozenset) and not self.english:
            return frozenset()  # no word list to tell a name from a word
        half = math.log(1 + 2)  # the IDF of a word in half the facts
        people = {stem(w) for w in self.people} | {w for p in self.people
                                                  for w in self.aliases.rewrite([p])}
        return frozenset(
            stem(group.canonical) for group in self.kb.aliases
            if group.canonical not in UNITS and group.canonical not in _UNIT_ALIASES
            and stem(group.canonical) not in people
            and self.idf.get(stem(group.canonical), 0.0) > half
            and group.canonical not in self.english)

    @cached_property
    def ubiquitous(self) -> frozenset[str]:
        """The stems in at least half the facts ("xinjiang", "china"): what the knowledge base
        is about, which singles nothing out within it."""
        half = math.log(1 + 2)  # the IDF of a word in half the facts
        return frozenset(w for w, idf in self.idf.items() if idf <= half)

    @cached_property
    def titles(self) -> frozenset[str]:
        """The stems of what the speakers are called ("chairman"), which a fact that names
        one of them explains (build_tables)."""
        return frozenset(w for speakers in speaker_titles(self.kb).values()
                         for speaker, _, title in speakers if speaker != PUBLISHER
                         for w in content_stems(self.words(title)))

    @cached_property
    def people(self) -> frozenset[str]:
        """The words of the names of the people the sources speak of and their authors
        ("erkin", "tuniyaz"): "before Erkin Tuniyaz" asks who came before a person."""
        names = [s.name for src in self.kb.sources for s in src.speakers] \
            + [a for src in self.kb.sources for a in src.authors]
        return frozenset(w for name in names for w in tokens(name) if w not in STOPWORDS)

    @cached_property
    def arrays(self) -> IndexTables:
        """The tables as arrays (a small knowledge base's are made when first asked for)."""
        t = self.tables
        return t if isinstance(t, IndexTables) else t.to_arrays()

    @cached_property
    def idf_of(self) -> Floats:
        import numpy as np

        return np.asarray(self._idf, dtype=np.float64)

    @cached_property
    def alternate_weights(self) -> Floats:
        """Each alternate's weight: the sum of its words' weights (question words count a
        little)."""
        import numpy as np

        t = self.arrays
        cue = np.zeros(len(t.words), dtype=bool)
        cue[self._cue_ids()] = True
        word_weight = np.where(cue, self.thresholds.cue_weight, self.idf_of)
        fact_of = np.arange(t.facts).repeat(np.diff(t.entries_ptr))
        in_alternate = t.entry_alternate >= 0
        alternate = t.alt_ptr[fact_of[in_alternate]] + t.entry_alternate[in_alternate]
        # (bincount adds in entry order: each alternate's words as written)
        return np.asarray(
            np.bincount(alternate, weights=word_weight[t.entry_words[in_alternate]],
                        minlength=int(t.alt_ptr[-1])), dtype=np.float64)

    @cached_property
    def columns(self) -> FactColumns:
        return fact_columns(self.arrays, self.alternate_weights)

    @cached_property
    def postings(self) -> Postings:
        """word -> its facts, as arrays."""
        return Postings(self.ids, self.arrays.postings_ptr, self.arrays.postings)

    @cached_property
    def posting_lists(self) -> dict[str, Ints]:
        """word -> its facts (as `postings`), for the words in some fact."""
        postings = self.postings
        return {w: postings[w] for w in self.idf}

    @cached_property
    def _rows(self) -> npt.NDArray[np.int64]:
        """word id -> its row in the question being scored (-1: not asked); see rows()."""
        import numpy as np

        return np.full(len(self.ids), -1, dtype=np.int64)

    def rows(self, words: Iterable[str], ids: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """For each word id of `ids`, the position of its word in `words` (-1 for the others).
        One table from word id to position is kept for all questions, set for these words and
        reset afterwards (a lock keeps threads apart): mapping many ids costs one look-up."""
        found = [(i, row) for row, i in enumerate(map(self.ids.get, words)) if i is not None]
        keys = [i for i, _ in found]
        table = self._rows
        with self._rows_lock:
            table[keys] = [row for _, row in found]
            try:
                return table[ids]
            finally:
                table[keys] = -1

    def words(self, text: str) -> list[str]:
        """Normalized, alias-rewritten words of knowledge-base text (no spelling correction)."""
        return self.aliases.rewrite(tokens(text))

    def knows(self, word: str) -> bool:
        """The stem is in some fact's vocabulary."""
        return word in self.idf

    def weight(self, word: str) -> float:
        return self.idf.get(word, self.unknown_weight)

    def closeness_weight(self, word: str) -> float:
        """Weight of a word when comparing with alternates: question words count a little."""
        return self.thresholds.cue_weight if word in CUE_WORDS else self.weight(word)

    def alternate_text(self, alternate: int) -> str:
        t = self.tables
        a, b = (int(i) for i in t.alt_text_ptr[alternate : alternate + 2])
        return t.alt_text[a:b]

    @property
    def profiles(self) -> Sequence[FactProfile]:
        """Every fact as the matcher sees it, made on demand (the index keeps only tables)."""
        return _Profiles(self)

    def profile(self, position: int) -> FactProfile:
        t = self.tables
        words = t.words
        start, end = (int(i) for i in t.entries_ptr[position : position + 2])
        entries = list(zip(_ints(t.entry_alternate[start:end]),
                           _ints(t.entry_words[start:end]), strict=True))
        alternates = []
        in_alternates: dict[str, list[int]] = defaultdict(list)
        first, last = (int(i) for i in t.alt_ptr[position : position + 2])
        for n, a in enumerate(range(first, last)):
            stems = [words[i] for owner, i in entries if owner == n]
            for w in stems:
                in_alternates[w].append(n)
            alternates.append(
                Alternate(self.alternate_text(a), frozenset(stems), float(self.alt_weight[a])))
        vocabulary = frozenset(words[i] for owner, i in entries if owner < 0)
        bits = int(t.answers_to[position])
        return FactProfile(
            self.kb.facts[position], tuple(alternates), tuple(a.text for a in alternates),
            vocabulary, bool(t.has_figure[position]),
            frozenset(c for c, bit in (*CUE_BITS.items(), ("count", COUNT_BIT),
                                       ("measure", MEASURE_BIT), ("rate only", RATE_ONLY_BIT))
                      if bits & bit),
            {w: tuple(ids) for w, ids in in_alternates.items()},
        )


def _ints(values: list[int] | npt.NDArray[Any]) -> list[int]:
    """A list of Python ints, from a list (as it is) or an array."""
    return values if isinstance(values, list) else values.tolist()


def _bools(values: list[bool] | npt.NDArray[Any]) -> list[bool]:
    return values if isinstance(values, list) else values.tolist()


@dataclass(frozen=True, eq=False)
class FactColumns:
    """Each fact as a question's scoring reads it (bot/matching.py): one column per alternate
    question, then one for its vocabulary. Flat arrays sliced per fact (no object per fact:
    an archive of 100,000 facts would pay for 200,000 of them)."""

    count: list[int]  # per fact, its number of columns
    entry_words: Ints  # per entry (fact after fact, as IndexTables), its word id
    entry_columns: Ints  # and its column in the fact
    entries_ptr: list[int]  # fact -> its entries [ptr[f], ptr[f + 1])
    # Per column, its weight: the alternate's, and infinite for the vocabulary, whose overlap
    # with a question is then 0 (an alternate's is never less).
    weights: Floats
    columns_ptr: list[int]  # fact -> its columns [ptr[f], ptr[f + 1])
    # Per fact, its alternates' texts for rapidfuzz, each once (alternates that differ only in
    # question words read the same), then "" (a ratio of 0, which no alternate's is below).
    texts: tuple[tuple[str, ...], ...]

    def entries(self, f: int) -> tuple[Ints, Ints]:
        a, b = self.entries_ptr[f], self.entries_ptr[f + 1]
        return self.entry_words[a:b], self.entry_columns[a:b]

    def size(self, f: int) -> int:
        return self.entries_ptr[f + 1] - self.entries_ptr[f]

    def column_weights(self, f: int) -> Floats:
        return self.weights[self.columns_ptr[f] : self.columns_ptr[f + 1]]


def fact_columns(t: IndexTables, alt_weight: Floats) -> FactColumns:
    import numpy as np

    alternates = np.diff(t.alt_ptr)
    fact_of = np.arange(t.facts).repeat(np.diff(t.entries_ptr))
    column = np.where(t.entry_alternate < 0, alternates[fact_of], t.entry_alternate)
    return FactColumns(
        count=(alternates + 1).tolist(),
        entry_words=t.entry_words,
        entry_columns=column.astype(np.int32),
        entries_ptr=t.entries_ptr.tolist(),
        weights=np.insert(alt_weight, t.alt_ptr[1:], np.inf),
        columns_ptr=(t.alt_ptr + np.arange(t.facts + 1)).tolist(),
        texts=fact_texts(t.alt_text, t.alt_text_ptr.tolist(), t.alt_ptr.tolist()),
    )


def fact_texts(alt_text: str, alt_text_ptr: list[int],
               alt_ptr: list[int]) -> tuple[tuple[str, ...], ...]:
    """Per fact, its alternates' texts for rapidfuzz, each once, then "" (FactColumns.texts)."""
    texts = [alt_text[a:b] for a, b in pairwise(alt_text_ptr)]
    return tuple((*dict.fromkeys(texts[a:b]), "") for a, b in pairwise(alt_ptr))


@dataclass(frozen=True, eq=False)
class FactWords:
    """One fact's words as Python objects, for scoring it in plain Python."""

    vocabulary: frozenset[str]
    # word -> the alternates that have it, as bits of an int: alternates numbered by weight,
    # lightest first, so that the lowest bit of a set of them is its lightest.
    alternates: dict[str, int]
    weights: tuple[float, ...]  # the alternates' weights, ascending


def fact_words(t: PlainTables, alt_weight: list[float]) -> tuple[FactWords, ...]:
    out = []
    for f, (a, b) in enumerate(pairwise(t.entries_ptr)):
        weights = alt_weight[t.alt_ptr[f] : t.alt_ptr[f + 1]]
        by_weight = sorted(range(len(weights)), key=weights.__getitem__)
        bit = {alternate: 1 << n for n, alternate in enumerate(by_weight)}
        vocabulary: list[str] = []
        alternates: dict[str, int] = defaultdict(int)
        for alternate, word in zip(t.entry_alternate[a:b], t.entry_words[a:b], strict=True):
            if alternate < 0:
                vocabulary.append(t.words[word])
            else:
                alternates[t.words[word]] |= bit[alternate]
        out.append(FactWords(frozenset(vocabulary), dict(alternates),
                             tuple(weights[n] for n in by_weight)))
    return tuple(out)


class _Profiles(Sequence[FactProfile]):
    def __init__(self, index: Index) -> None:
        self._index = index

    def __len__(self) -> int:
        return len(self._index.kb.facts)

    def __getitem__(self, i: int) -> FactProfile:  # type: ignore[override]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        return self._index.profile(i % len(self))


# Tables read from a compiled knowledge base, by the identity of the KnowledgeBase read with
# them (bot/compiled.py): any Index of that very object starts from them. Dropped with it.
_COMPILED: dict[int, Tables] = {}


def remember_tables(kb: KnowledgeBase, tables: Tables) -> None:
    if tables.facts != len(kb.facts):
        raise ValueError(f"tables of {tables.facts} facts for {len(kb.facts)} facts")
    if id(kb) not in _COMPILED:
        weakref.finalize(kb, _COMPILED.pop, id(kb), None)
    _COMPILED[id(kb)] = tables


def aliases_of(kb: KnowledgeBase) -> AliasRewriter:
    return AliasRewriter(
        [(g.canonical, g.variants) for g in kb.aliases]
        + [(words[0], words[1:]) for words in SYNONYMS]
    )


def speaker_titles(kb: KnowledgeBase) -> dict[str, list[tuple[str, str, str]]]:
    """Per source id, each speaker in it: (speaker id, name, title), the title the head of
    their role ("chairman" of "chairman of the Xinjiang Uygur autonomous region", "newspaper"
    of "the newspaper, reporting"), before what it is of; "" without a role."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for source in kb.sources:
        for s in source.speakers:
            title = _ROLE_HEAD.split(s.role, maxsplit=1)[0].strip()
            out.setdefault(source.id, []).append((s.id, s.name, title))
    return out


# The speaker id of a source's own reporting ("the newspaper"): a publisher, not a person.
PUBLISHER = "article"


# Where a role's head ends: "chairman | of the region", "the newspaper | , reporting".
_ROLE_HEAD = re.compile(r",|\b(?:of|for|at|in)\b")


def build_tables(kb: KnowledgeBase) -> Tables:
    """The knowledge base's words, postings and alternates as tables (the slow, cold step):
    lists for a small knowledge base (SMALL_KB), arrays for a larger one."""
    aliases = aliases_of(kb)
    # Texts repeat (an answer is read for the speller and for the vocabulary) and so do words:
    # each is normalised and stemmed once.
    token_memo: dict[str, list[str]] = {}
    stem_memo: dict[str, str] = {}

    def tokens_of(text: str) -> list[str]:
        found = token_memo.get(text)
        if found is None:
            found = token_memo[text] = tokens(text)
        return found

    def stem_of(word: str) -> str:
        found = stem_memo.get(word)
        if found is None:
            found = stem_memo[word] = stem(word)
        return found

    ids: dict[str, int] = {}

    def word_id(word: str) -> int:
        found = ids.get(word)
        if found is None:
            found = ids[word] = len(ids)
        return found

    fact_words: list[int] = []  # every fact's vocabulary, fact after fact
    fact_ptr = [0]
    alt_ptr = [0]
    entry_words: list[int] = []
    entry_alternate: list[int] = []
    entries_ptr = [0]
    alt_texts: list[str] = []
    has_figure: list[bool] = []
    answers_to: list[int] = []
    titles = {source: [(speaker, content_stems(aliases.rewrite(tokens_of(name)), stem_of=stem_of),
                        content_stems(aliases.rewrite(tokens_of(title)), stem_of=stem_of))
                       for speaker, name, title in speakers]
              for source, speakers in speaker_titles(kb).items()}
    for fact in kb.facts:
        vocabulary: dict[int, None] = {}
        alternate_words: list[int] = []
        alternate_of: list[int] = []
        bits = 0
        for n, question in enumerate(fact.questions):
            written = aliases.rewrite(tokens_of(question))
            content = content_stems(written, stem_of=stem_of)
            content_ids = [word_id(s) for s in content]
            vocabulary.update(dict.fromkeys(content_ids))
            stems = dict.fromkeys(content_ids)
            for w in written:
                if w in CUE_WORDS:
                    stems[word_id(w)] = None
                    bits |= CUE_BITS.get(w, 0)
            if "how" in written and asks_means(written):
                bits |= CUE_BITS["means"]
            alternate_words.extend(stems)
            alternate_of.extend([n] * len(stems))
            # Sorted once here: rapidfuzz's token_sort_ratio is ratio() of sorted words.
            alt_texts.append(" ".join(sorted(content)))
        alt_ptr.append(len(alt_texts))
        for text in (fact.answer, *(c.quote for c in fact.citations)):
            written = tokens_of(text)
            for s in content_stems(aliases.rewrite(written), stem_of=stem_of):
                vocabulary[word_id(s)] = None
            # The words as written too, beside their alias: a question may use part of a
            # long name ("kilometres" of "square kilometers", "pilot" of the FTZ's full name).
            for s in content_stems(written, stem_of=stem_of):
                vocabulary[word_id(s)] = None
        # What the article calls whoever said it or is named ("what did the chairman say
        # about ..." of a fact that names him "Erkin Tuniyaz"): a reader's way to name them.
        # Only the speakers of the sources it cites: an archive has thousands.
        for source in {c.source for c in fact.citations} if titles else ():
            for speaker, name, title in titles.get(source, ()):
                if speaker == fact.speaker or (name and all(
                        ids.get(w) in vocabulary for w in name)):
                    for w in title:
                        vocabulary[word_id(w)] = None
        fact_words.extend(vocabulary)
        fact_ptr.append(len(fact_words))
        entry_words.extend(vocabulary)
        entry_alternate.extend([-1] * len(vocabulary))
        entry_words.extend(alternate_words)
        entry_alternate.extend(alternate_of)
        entries_ptr.append(len(entry_words))
        answer_words = tokens_of(fact.answer)
        has_figure.append(any(is_figure(w) for w in answer_words))
        if counts_things(answer_words):
            bits |= COUNT_BIT
        if measures_things(answer_words):
            bits |= MEASURE_BIT
        if rates_only(answer_words):
            bits |= RATE_ONLY_BIT
        if says_when(answer_words):
            bits |= CUE_BITS["when"]  # a dated answer says when
        answers_to.append(bits)

    words = tuple(ids)
    spelling = _vocabulary(kb, tokens_of)
    text_ptr = [0, *accumulate(map(len, alt_texts))]
    plain = PlainTables(
        words=words,
        postings_ptr=[],
        postings=[],
        alt_ptr=alt_ptr,
        entries_ptr=entries_ptr,
        entry_words=entry_words,
        entry_alternate=entry_alternate,
        alt_text="".join(alt_texts),
        alt_text_ptr=text_ptr,
        id_rank=_ranks([f.id for f in kb.facts]),
        has_figure=has_figure,
        answers_to=answers_to,
        spelling=tuple(spelling),
        spelling_counts=list(spelling.values()),
        spelling_stems=tuple(stem_of(w) for w in spelling),
        aliases=aliases.pairs,
    )
    if len(kb.facts) <= SMALL_KB:
        postings_ptr, postings = _transpose_plain(fact_words, fact_ptr, len(words))
        return replace(plain, postings_ptr=postings_ptr, postings=postings)
    tables = plain.to_arrays()
    postings_arrays = _transpose(fact_words, fact_ptr, len(words))
    return replace(tables, postings_ptr=postings_arrays[0], postings=postings_arrays[1])


def tables_from(arrays: Mapping[str, npt.NDArray[np.generic]], strings: Mapping[str, object],
                alt_text: str) -> IndexTables:
    """Tables read back from a compiled knowledge base; ValueError if anything is amiss."""
    fields: dict[str, object] = {name: arrays[name] for name in _ARRAYS}
    tables = IndexTables(alt_text=alt_text, **fields, **_strings_from(strings))  # type: ignore[arg-type]
    _validate(tables)
    return tables


def plain_tables_from(lists: Mapping[str, object], strings: Mapping[str, object],
                      alt_text: str) -> PlainTables:
    """As `tables_from`, from lists (a small knowledge base's compiled JSON)."""
    fields: dict[str, object] = {}
    for name, dtype in _ARRAY_TYPES.items():
        value = lists[name]
        kind = bool if dtype == "bool" else int
        if not isinstance(value, list) or not all(type(v) is kind for v in value):
            raise ValueError(f"{name}: not a list of {kind.__name__}s")
        fields[name] = value
    tables = PlainTables(alt_text=alt_text, **fields, **_strings_from(strings))  # type: ignore[arg-type]
    _validate_plain(tables)
    return tables


def _strings_from(strings: Mapping[str, object]) -> dict[str, object]:
    fields: dict[str, object] = {}
    for name in _STRINGS:
        value = strings[name]
        if not isinstance(value, list) or not all(isinstance(s, str) for s in value):
            raise ValueError(f"{name}: not a list of strings")
        fields[name] = tuple(value)
    aliases = strings["aliases"]
    if not isinstance(aliases, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(
                isinstance(side, list) and side and all(isinstance(w, str) for w in side)
                for side in pair) for pair in aliases):
        raise ValueError("aliases: not pairs of word lists")
    fields["aliases"] = tuple((tuple(phrase), tuple(target)) for phrase, target in aliases)
    return fields


def strings_of(tables: Tables) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = {name: list(getattr(tables, name)) for name in _STRINGS}
    out["aliases"] = [[list(phrase), list(target)] for phrase, target in tables.aliases]
    return out


def _validate(t: IndexTables) -> None:
    """A compiled file is read, not trusted: every id must point inside its table."""
    import numpy as np

    words, facts = len(t.words), t.facts
    alternates = int(t.alt_ptr[-1]) if len(t.alt_ptr) else 0

    def pointers(name: str, ptr: Offsets, size: int, flat: int) -> None:
        if ptr.dtype != np.int64 or ptr.ndim != 1 or len(ptr) != size + 1:
            raise ValueError(f"{name}: wrong shape")
        if ptr[0] != 0 or ptr[-1] != flat or np.any(np.diff(ptr) < 0):
            raise ValueError(f"{name}: not increasing")

    def ids(name: str, values: Ints, bound: int) -> None:
        if values.dtype != np.int32 or values.ndim != 1:
            raise ValueError(f"{name}: wrong type")
        if len(values) and (values.min() < 0 or values.max() >= bound):
            raise ValueError(f"{name}: id out of range")

    if facts < 0:
        raise ValueError("alt_ptr: empty")
    _check_layout(t, pointers, ids, words, facts, alternates)
    if t.entry_alternate.dtype != np.int32 or t.entry_alternate.shape != t.entry_words.shape:
        raise ValueError("entry_alternate: wrong shape")
    owners = np.arange(facts).repeat(np.diff(t.entries_ptr))
    if len(owners) and (t.entry_alternate.min() < -1 or np.any(
            t.entry_alternate >= np.diff(t.alt_ptr)[owners])):
        raise ValueError("entry_alternate: alternate out of range")
    for name, array, dtype, size in (
        ("id_rank", t.id_rank, np.int32, facts),
        ("has_figure", t.has_figure, np.bool_, facts),
        ("answers_to", t.answers_to, np.uint8, facts),
        ("spelling_counts", t.spelling_counts, np.int32, len(t.spelling)),
    ):
        if array.dtype != dtype or array.shape != (size,):
            raise ValueError(f"{name}: wrong shape")
    if len(t.spelling_stems) != len(t.spelling):
        raise ValueError("spelling_stems: wrong length")


def _check_layout(t: IndexTables | PlainTables, pointers: Callable[[str, Any, int, int], None],
                  ids: Callable[[str, Any, int], None], words: int, facts: int,
                  alternates: int) -> None:
    """The checks both table kinds share: every pointer array and every id's range."""
    pointers("postings_ptr", t.postings_ptr, words, len(t.postings))
    pointers("alt_ptr", t.alt_ptr, facts, alternates)
    pointers("entries_ptr", t.entries_ptr, facts, len(t.entry_words))
    pointers("alt_text_ptr", t.alt_text_ptr, alternates, len(t.alt_text))
    ids("postings", t.postings, facts)
    ids("entry_words", t.entry_words, words)
    ids("id_rank", t.id_rank, max(facts, 1))


def _validate_plain(t: PlainTables) -> None:
    """As `_validate`, for lists of Python ints (checked to be ints by the caller)."""
    words, facts = len(t.words), t.facts
    if facts < 0:
        raise ValueError("alt_ptr: empty")
    alternates = t.alt_ptr[-1]

    def pointers(name: str, ptr: list[int], size: int, flat: int) -> None:
        if len(ptr) != size + 1:
            raise ValueError(f"{name}: wrong shape")
        if ptr[0] != 0 or ptr[-1] != flat or any(a > b for a, b in pairwise(ptr)):
            raise ValueError(f"{name}: not increasing")

    def ids(name: str, values: list[int], bound: int) -> None:
        if values and (min(values) < 0 or max(values) >= bound):
            raise ValueError(f"{name}: id out of range")

    _check_layout(t, pointers, ids, words, facts, alternates)
    if len(t.entry_alternate) != len(t.entry_words):
        raise ValueError("entry_alternate: wrong shape")
    for f, (a, b) in enumerate(pairwise(t.entries_ptr)):
        count = t.alt_ptr[f + 1] - t.alt_ptr[f]
        if not all(-1 <= n < count for n in t.entry_alternate[a:b]):
            raise ValueError("entry_alternate: alternate out of range")
    for name, values, size in (
        ("id_rank", t.id_rank, facts),
        ("has_figure", t.has_figure, facts),
        ("answers_to", t.answers_to, facts),
        ("spelling_counts", t.spelling_counts, len(t.spelling)),
    ):
        if len(values) != size:
            raise ValueError(f"{name}: wrong shape")
    if not all(0 <= bits < 256 for bits in t.answers_to):
        raise ValueError("answers_to: not a byte")
    if len(t.spelling_stems) != len(t.spelling):
        raise ValueError("spelling_stems: wrong length")


def _ranks(keys: list[str]) -> list[int]:
    ranks = [0] * len(keys)
    for rank, i in enumerate(sorted(range(len(keys)), key=keys.__getitem__)):
        ranks[i] = rank
    return ranks


def _transpose_plain(flat: list[int], ptr: list[int], words: int) -> tuple[list[int], list[int]]:
    """As `_transpose`, in Python (a small knowledge base)."""
    rows: list[list[int]] = [[] for _ in range(words)]
    for row, (a, b) in enumerate(pairwise(ptr)):
        for word in flat[a:b]:
            rows[word].append(row)
    return [0, *accumulate(map(len, rows))], [row for found in rows for row in found]


def _transpose(flat: list[int], ptr: list[int], words: int) -> tuple[Offsets, Ints]:
    """Rows of word ids -> for each word, the rows containing it (ascending)."""
    import numpy as np

    ids = np.asarray(flat, dtype=np.int32)
    rows = np.repeat(np.arange(len(ptr) - 1, dtype=np.int32), np.diff(ptr))
    order = np.argsort(ids, kind="stable")  # stable: rows stay ascending within a word
    out_ptr = np.zeros(words + 1, dtype=np.int64)
    np.cumsum(np.bincount(ids, minlength=words), out=out_ptr[1:])
    return out_ptr, rows[order]


def _vocabulary(kb: KnowledgeBase, tokens_of: Callable[[str], list[str]]) -> Counter[str]:
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
        counts.update(tokens_of(text))
    for word in STOPWORDS | FILLERS | NUMBER_WORDS | ORDINALS | CUE_WORDS:
        counts[word] += 1
    return counts


def measures_things(words: list[str]) -> bool:
    """A measure in the text: a figure (not a year) in a unit ("180 square kilometers", "45.9
    percent", "five years"), an amount ("357 billion", "$49.6")."""
    for i, word in enumerate(words):
        if not is_figure(word) or not (word in NUMBER_WORDS or _NUMERAL.fullmatch(word)):
            continue
        after = words[i + 1 : i + 2]
        if (after and after[0] in SCALES) or (i > 0 and words[i - 1] in _CURRENCIES):
            return True
        rest = [w for w in words[i + 1 : i + 4] if w not in SCALES]
        if rest and rest[0] in UNITS:
            return True
    return False


def rates_only(words: list[str]) -> bool:
    """Figures in the text, and each a rate ("45.9 percent"): it gives how fast or how large a
    share, not how much."""
    figures = [i for i, w in enumerate(words)
               if is_figure(w) and (w in NUMBER_WORDS or _NUMERAL.fullmatch(w))]
    return bool(figures) and all(words[i + 1 : i + 2] == ["percent"] for i in figures)


# Aliases of units: "sqkm", "yoy" say how a figure is given, not what it is about.
_UNIT_ALIASES = frozenset({"sqkm", "yoy", "usd", "percent", "yuan", "billion"})


# Written before the figure (normalize.tokens turns "$" into "dollar").
_CURRENCIES = frozenset("dollar dollars usd us".split())


def asks_means(words: Sequence[str]) -> bool:
    """How something was done, which a fact must say ("how were the visitors selected", "how
    do they count the land ports", "by what means"), not how someone described it or what it
    did ("how does he describe ...", "how will the zone help ...")."""
    if "means" in words and any(words[i : i + 3] == ["by", "what", "means"]
                                for i in range(len(words))):
        return True
    for i, word in enumerate(words[:-2]):
        if word != "how" or words[i + 1] not in _HOW_AUXILIARIES:
            continue
        clause = list(takewhile(lambda w: w not in _CLAUSE_LINKS, words[i + 2 :]))
        if words[i + 1] in _BE and len(clause) >= 2 and clause[-1] in _MEANS_VERBS:
            return True  # "how was the boundary decided"
        if not _MEANS_VERBS.isdisjoint(clause[:_MEANS_REACH]) or any(
                pair in _GETTING_ROUND for pair in pairwise(clause[:_MEANS_REACH + 1])):
            return True
    return False


_HOW_AUXILIARIES = frozenset("did do does was were is are will would can could".split())
_BE = frozenset("was were is are".split())
_CLAUSE_LINKS = frozenset("and or but so if".split())
# Deeds of a procedure, not of a goal a fact may name the means of ("how will it achieve",
# "how did it manage to", "how will it build the channel").
_MEANS_VERBS = frozenset("""established establish created formed
count counted calculate calculated measure measured select selected
choose chose chosen decide decided fund funded finance financed pay paid organise organize
organised organized enforce enforced verify verified monitor monitored recruit
recruited""".split())
_MEANS_REACH = 4
_GETTING_ROUND = frozenset({("get", "around"), ("got", "around"), ("get", "round"),
                            ("got", "round")})


def counts_things(words: list[str]) -> bool:
    """A number of things in the text: a figure (not a year, not "14th") followed, past any
    scale word ("2.5 million"), by a word that is not a unit or a month."""
    for i, word in enumerate(words):
        if not is_figure(word) or not (word in NUMBER_WORDS or _NUMERAL.fullmatch(word)):
            continue
        rest = [w for w in words[i + 1 : i + 4] if w not in SCALES]
        thing = rest[0] if rest else ""
        if thing.isalpha() and thing not in UNITS and thing not in _MONTHS \
                and thing not in _MONTHS_SHORT and thing not in STOPWORDS \
                and thing not in FILLERS:
            return True
    return False
