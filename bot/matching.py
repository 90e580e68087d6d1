"""Scores the facts of an `Index` against one question. Pure: no I/O, no rendering.

A fact's score mixes two things: how much of the question's weight the fact explains
(its `coverage`), and how close the question is to one of the fact's alternate questions.
Words the fact does not explain are kept, so that a question about what the article does not
say (another year, another country) is declined rather than answered with the nearest fact.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import accumulate, chain, compress, pairwise
from operator import and_
from typing import TYPE_CHECKING, NamedTuple

from rapidfuzz import fuzz, process

from bot import identity
from bot.identity import NOTHING, Asks
from bot.index import (
    COUNT_BIT,
    CUE_BITS,
    CUE_MASK,
    CUE_WORDS,
    MEASURE_BIT,
    RATE_ONLY_BIT,
    SCALES,
    TYPED_CUES,
    FactWords,
    Index,
    asks_means,
)
from bot.lexicon import (
    CONCRETE,
    COUNT_CUES,
    FORM_WORDS,
    JUDGEMENT_WORDS,
    MEASURE_CUES,
    NUMBER_WORDS,
    PLACES,
    QUANTITY_CUES,
    ROLES,
    STOPWORDS,
    UNITS,
    YES_NO_STARTS,
)
from bot.model import Fact
from bot.normalize import content_of, is_figure, is_number, stem, tokens, word_role
from bot.thresholds import Thresholds

if TYPE_CHECKING:
    # numpy: only for a large knowledge base (see bot/index.py SMALL_KB), imported there.
    import numpy as np
    import numpy.typing as npt

    from bot.index import Ints

PLACE_STEMS = frozenset(stem(p) for p in PLACES)
# Offices of people no fact speaks of, named as a name is (bot/lexicon.py ROLES).
ROLE_STEMS = frozenset(stem(r) for r in ROLES)
NAMING_STEMS = PLACE_STEMS | ROLE_STEMS
# A scope is a place too: "China's national trade" is not the region's. Only of a figure: a
# "national newspaper", "national borders" or a region's "national ranking" are not the
# nation's own, and the "National People's Congress" is a name.
_SCOPED = frozenset("""trade growth total exports imports gdp economy output income population
figures figure data statistics budget investment capital president premier""".split())
_NOT_SCOPED = frozenset("""rank ranking rankings ranked ranks level position standing list table
people peoples congress legislature""".split())


def _scopes(typed: Sequence[str]) -> tuple[str, ...]:
    return tuple("national" for i, w in enumerate(typed) if w == "national"
                  and not _SCOPED.isdisjoint(typed[i + 1 : i + 4])
                  and _NOT_SCOPED.isdisjoint(typed[i + 1 : i + 4]))


def _nation_figure(typed: Sequence[str]) -> str:
    """"China's total foreign trade", "the country's exports", "nationwide growth": the
    nation's figure (as typed, for messages), the figure's own word next or after its
    modifiers (not "China (Xinjiang) Pilot Free Trade Zone", nor "trade with China")."""
    if ("does", "the", "country") in set(zip(typed, typed[1:], typed[2:], strict=False)) \
            and _REGION.isdisjoint(typed) and "how" in typed:
        return "the country's"  # "how many land ports does the country have"
    for i, w in enumerate(typed):
        if w in _NATION and (w not in _COMMON_NATION or typed[i - 1 : i] in (
                ["the"], ["whole"], ["entire"])):
            after = typed[i + 1 : i + 4]
            n = next((j for j, a in enumerate(after) if a not in _FIGURE_MODIFIERS), len(after))
            if after[n : n + 1] and after[n] in _SCOPED:
                return " ".join(typed[i : i + n + 2])
    # "How much foreign trade did China do?": China's own figure, the region unnamed.
    if "china" in typed and _REGION.isdisjoint(typed) and any(
            w == "china" and typed[i - 1 : i] and typed[i - 1] in _DOES
            for i, w in enumerate(typed)):
        found = next((w for i, w in enumerate(typed) if w in _SCOPED
                      and typed[i - 1 : i] != ["free"]), "")  # not the free trade zone
        if found:
            return f"China's {found}"
        if "how" in typed and ("many" in typed or "much" in typed):
            return "China's"  # "how many land ports does China have"
    # "Which countries border China?": the nation's borders, not the region's.
    if "china" in typed and _REGION.isdisjoint(typed) and any(
            w == "china" and _borders_china(typed, i) for i, w in enumerate(typed)):
        return "China's borders"
    return ""


def _borders_china(typed: Sequence[str], i: int) -> bool:
    """"Border China", "China borders": not "northwest China's border areas"."""
    before = typed[i - 1] if i else ""
    if before in _BORDERS:
        return True
    return typed[i + 1 : i + 2] != [] and typed[i + 1] in _BORDERS and before not in PLACES


_BORDERS = frozenset("""border borders bordering neighbour neighbours neighbor neighbors
neighbouring neighboring surround surrounds surrounding""".split())


_DOES = frozenset("did does do has have had is was".split())


_NATION = frozenset("china chinas country nationwide nation nations".split())
# Words that name the region itself ("Xinjiang's trade", "the region's exports").
_REGION = frozenset("xinjiang xinjiangs region regional regions xj uygur uyghur".split())
# "The country", "the nation": the nation only with its article ("a country" is any).
_COMMON_NATION = frozenset("country nation nations".split())
_FIGURE_MODIFIERS = frozenset("total overall foreign annual whole entire combined".split())
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
    # "How long", "how big": a measure, which a count of things does not give.
    asks_measure: bool = False
    # "The total", "the value": an amount, which a rate ("rose 45.9 percent") does not give.
    asks_amount: bool = False
    # The article's named things it asks about ("Central Asia", "the SCO": Index.things).
    things: frozenset[str] = frozenset()
    # "Which countries", "the most", "before him": what a fact must single out (bot/identity).
    singles_out: Asks = NOTHING
    # "Will the West lift ...?": asks what will happen, which the article must say in words.
    prediction: bool = False
    # "Which specific products", "what exactly ...": every word is the point, but the asking
    # itself and everyday words ("today", "current").
    precisely: frozenset[str] = frozenset()
    # Figures offered as a choice ("the 13th or the 14th"): (stem, stem), each either way.
    either: tuple[tuple[str, str], ...] = ()
    # "Is cotton one of the sanctioned products?": the member asked about must be named.
    members: frozenset[str] = frozenset()
    # "Which three areas", "name the two reporters": a count of the things asked for, which
    # a fact that lists that many names gives (Index.listed).
    counts: frozenset[str] = frozenset()
    # "What is the SCO?", "what does dual circulation mean": the content stems of the thing
    # to define, which only a fact the knowledge base says defines it answers (Engine).
    defines: frozenset[str] = frozenset()
    # The deed whose time is asked ("when was the hall built"): a fact that does not tell of
    # it gives the date of another (bot/engine.py).
    dated_deeds: frozenset[str] = frozenset()
    # `defines` asked by its meaning ("what does X mean", "define X"), not "what is X".
    defines_meaning: bool = False

    @property
    def specific(self) -> frozenset[str]:
        """Words a fact must explain to answer at all: names, places, the attribute asked for."""
        return self.names | self.places | self.asked | self.things

    @property
    def vetoing(self) -> frozenset[str]:
        """The words a fact must explain to answer at all (`specific`), and, asked precisely,
        `precisely`."""
        found = self.specific | self.precisely if self.precisely else self.specific
        return found | self.members if self.members else found

    def weight(self, index: Index, word: str) -> float:
        if word in self.names:
            return index.name_weight
        if index.knows(word):
            return index.weight(word)
        weight = index.unknown_weight
        if len(self.content) > index.thresholds.common_after \
                and self.surface.get(word, word) in index.common:
            weight *= index.thresholds.common_unknown
        long = index.thresholds.long_question
        if len(self.content) > long:
            # In a long, chatty question an unknown word is more likely padding than the point.
            return weight * long / len(self.content)
        return weight

    def weights(self, index: Index) -> dict[str, float]:
        """Each content word's weight, in question order."""
        return {w: self.weight(index, w) for w in self.content}

    @property
    def empty(self) -> bool:
        return not self.content

    @property
    def figures(self) -> tuple[bool, ...]:
        """Of `content`, which are figures (numbers, number words)."""
        return tuple(map(_is_figure, self.content))

    @property
    def content_text(self) -> str:
        return " ".join(self.content)


class Match(NamedTuple):
    """One fact scored for one question. A named tuple, not a frozen dataclass: a question
    makes several, and a tuple is a fraction of the cost to make."""

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


_NUMBER_VALUES = {w: str(i) for i, w in enumerate("""zero one two three four five six seven
eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen
twenty""".split())} | {w: str(10 * i) for i, w in enumerate(
    "thirty forty fifty sixty seventy eighty ninety".split(), start=3)}
# From 2 up: "1" is often "one" of "which one".
_NUMBER_NAMES = {v: k for k, v in _NUMBER_VALUES.items() if int(v) > 1}
_DIGITS_NAMED = frozenset(_NUMBER_NAMES)
_NONE: frozenset[str] = frozenset()


def _no_form_figures(words: list[str]) -> list[str]:
    """Without the figures that say how long the answer should be ("in a sentence or two",
    "in 3 bullet points"): they are not figures asked about."""
    return [w for i, w in enumerate(words)
            if not (is_figure(w) and not FORM_WORDS.isdisjoint(words[max(0, i - 2) : i + 3]))]


def _no_bounds(words: list[str]) -> list[str]:
    """Without a figure given as a bound ("more than 150 square km", "over 350 billion"):
    the fact's own figure answers whether it is above or below, so the bound is not a figure
    the fact must give."""
    out: list[str] = []
    bounded = False
    for i, word in enumerate(words):
        if is_figure(word) and word not in NUMBER_WORDS and (
                (words[i - 1 : i] == ["than"] and words[i - 2 : i - 1]
                 and words[i - 2] in _BOUNDING) or words[i - 1 : i] in _BOUND_BEFORE):
            bounded = True
            continue
        if bounded and word in SCALES:
            continue  # "350 billion": the scale goes with its figure
        bounded = False
        out.append(word)
    return out


_BOUNDING = frozenset("""more less fewer larger bigger smaller higher lower greater faster
slower over under above below""".split())
_BOUNDS = frozenset("""over under above below exceed exceeds exceeded pass passed surpass
surpassed cross crossed beyond""".split())
_BOUND_BEFORE = [[w] for w in _BOUNDS]


def analyse(index: Index, question: str) -> Query:
    words: list[str] = []
    corrections: list[tuple[str, str]] = []
    # What the reader typed, for messages: "nothing about “US”", never the inner "usa".
    abbreviations = list(_ABBREVIATIONS.finditer(question))
    typed = {_expand_abbreviation(m).strip(): m.group() for m in abbreviations}
    if abbreviations:
        question = _ABBREVIATIONS.sub(_expand_abbreviation, question)
    names = _names(question)
    written = tokens(question)
    present = frozenset(written)
    if not present.isdisjoint(FORM_WORDS):
        written = _no_form_figures(written)
        present = frozenset(written)
    # What the question singles out is read with its bounds ("more than 15" is no comparison).
    asked_words, asked_present = written, present
    if ("than" in present or not present.isdisjoint(_BOUNDS)) and written[:1] != ["will"] \
            and written[:1] != ["would"] and written[:1] != ["gonna"]:
        # (not in a forecast: "will trade pass 400 billion" asks a figure no fact gives)
        written = _no_bounds(written)
        present = frozenset(written)
    numbers = not present.isdisjoint(NUMBER_WORDS)
    digits = not present.isdisjoint(_DIGITS_NAMED)
    # Phrases are read as typed and again once corrected: "forced labour" before "forced"
    # becomes the knowledge base's "forces", "reporters" after "reportrs" is corrected.
    joined: dict[str, str] = {}
    for word in index.typed_phrases.rewrite(written, joined=joined):
        if numbers and word in _NUMBER_VALUES and not index.knows(word) \
                and index.knows(_NUMBER_VALUES[word]):
            word = _NUMBER_VALUES[word]  # "eighteen" of a fact that says "18"
        elif digits and word in _NUMBER_NAMES and not index.knows(word) \
                and index.knows(_NUMBER_NAMES[word]):
            word = _NUMBER_NAMES[word]  # "8" of a fact that says "eight"
        # (not a variant the aliases rewrite: "site" is no form of the article's "sit")
        meant = None if word in PLACES or index.aliases.rewrites(word) \
            else index.speller.correct(word)
        if meant is not None:
            corrections.append((word, meant))
            typed.setdefault(meant, word)
            word = meant
        words.append(word)
    corrected = words
    words = _no_pronoun_one(index.aliases.rewrite(words, joined=joined))
    # The content stems (as `content_stems`), and the surface of each for messages: the first
    # word with that stem, as the reader typed it.
    seen: dict[str, None] = {}
    padding: dict[str, None] = {}
    surface: dict[str, str] = {}
    for w in words:
        role = _role(w)
        if role is not None:
            (padding if role[1] else seen).setdefault(role[0], None)
            surface.setdefault(role[0], typed.get(w) or joined.get(w, w))
    stems = content_of(seen, padding)
    content = [s for s in stems if s not in index.small_talk_words]
    nation = _nation_figure(written) if "national" not in present \
        and not present.isdisjoint(_NATION) else ""
    if nation:
        # The nation's scope is a place the fact must name, as "national" is.
        content.append("national")
        surface["national"] = nation
    singles_out = identity.asks(asked_words, people=index.people, totalled=index.totalled,
                                present=asked_present)
    if singles_out.voice:
        # Compared with a fact's words, as the content is: "towns" is "cities" there.
        roles = (_role(w) for w in index.aliases.rewrite(list(singles_out.voice)))
        singles_out = replace(singles_out, voice=tuple(r[0] for r in roles if r is not None))
    if singles_out.part_of:
        # "What share of the 357 billion yuan ...": the figure given is what the part is of,
        # not a word a fact must explain (the one that gives it is vetoed: bot/identity.py).
        given = {_stem(w) for _, phrase in singles_out.part_of for w in phrase.split()}
        content = [s for s in content if s not in given]
    pairs = set(pairwise(words))
    either = _either(words, index, names) if "or" in present else ()
    members = _members(written, content) if written and written[0] in _YES_NO \
        and not present.isdisjoint(_MEMBERSHIP) else _NONE
    return Query(
        text=" ".join(words),
        words=tuple(words),
        content=tuple(content),
        cues=_no_clause_when(CUE_WORDS.intersection(words) if "how" not in present
                             and present.isdisjoint(_WHEN_WORDS)
                             and present.isdisjoint(_CAUSE_WORDS)
                             else _cues(words, corrected, present, pairs), words),
        corrections=tuple(corrections),
        asks_quantity=not pairs.isdisjoint(QUANTITY_CUES),
        small_talk_only=bool(stems) and not content,
        surface=surface,
        names=frozenset(
            s for s in content if (s in names or s in NAMING_STEMS) and not index.speller.known(s)
        ),
        places=frozenset(s for s in content if s in PLACE_STEMS).union(_scopes(written))
        if "national" in present
        else frozenset(s for s in content if s in PLACE_STEMS).union(("national",) if nation
                                                                     else ()),
        judgement=asks_judgement(written),
        # ... and the things it asks which ones are ("what crops", "which countries").
        asked=frozenset(_stem(w) for w in asked_for(corrected)).union(
            singles_out.kinds,
            # ... a statistic no plain figure is ("the national average"), and the place
            # meant "itself" (not a zone in it)
            (s for s in content if s in _STATISTICS or s in _CONCRETE),
            (s for w, after in pairs if after == "itself" for s in (_stem(w),)
             if s in PLACE_STEMS or s in index.things or s in index.ubiquitous)
            if "itself" in present else (),
            # ... and the unit of the figure asked ("how long ... in km").
            (s for s in content if s in _MEASURES) if not pairs.isdisjoint(QUANTITY_CUES)
            # ... or named as the unit to give it in ("the total in euros").
            else (s for a, b in pairs if a == "in" for s in (_stem(b),) if s in _MEASURES)
            if not present.isdisjoint(_MEASURE_WORDS) else ()),
        asks_count=asks_count(written),
        asks_measure=not pairs.isdisjoint(MEASURE_CUES) or (
            ("area", "of") in pairs and not pairs.isdisjoint(_AREA_ASKED)),
        asks_amount=asks_amount(written),
        things=index.things.intersection(content),
        singles_out=singles_out,
        prediction=_predicts(written),
        precisely=_singled_precisely(written, singles_out, content, index)
        if len(written) <= _PRECISE_WORDS and not present.isdisjoint(_PRECISELY) else frozenset(),
        either=either,
        members=members,
        counts=frozenset(_counts(words)) if singles_out.kinds or singles_out.which else _NONE,
        defines=defined(definition(written), index) if written and written[0] in _DEFINE_STARTS
        else _NONE,
        dated_deeds=frozenset(_dated_deeds(written)) if written[:1] == ["when"] else _NONE,
        defines_meaning=bool(written) and written[0] in _DEFINE_STARTS
        and not present.isdisjoint(_MEANING),
    )


def definition(typed: Sequence[str]) -> list[str] | None:
    """The words of the thing a question asks to define, as typed ("what is the SCO", "what
    does dual circulation mean", "what is meant by X", "define X", "what is Horgos known
    for"), or None for any other question ("what is the article about" is not one)."""
    words = [w for w in typed if w not in _POLITE]
    if not words:
        return None
    if words[0] == "define":
        rest = words[1:]
    elif words[0] == "whats" or words[:2] in (["what", "is"], ["what", "are"], ["wat", "is"]):
        rest = words[2:] if words[0] != "whats" else words[1:]
        if rest[:2] == ["meant", "by"]:
            rest = rest[2:]
        elif rest[-2:] == ["known", "for"]:
            rest = rest[:-2]
    elif words[:2] == ["what", "does"] and words[-1:] == ["do"] and len(words) > 3:
        rest = words[2:-1]  # "what does the SCO do": what it is
    elif words[:2] == ["what", "does"] and ("mean" in words or "means" in words):
        # "what does X mean", "... mean in policy terms", "... mean legally"; not "what does
        # X mean for Y", which asks what it brings
        end = words.index("mean" if "mean" in words else "means")
        if words[end + 1 : end + 2] in (["for"], ["to"]):
            return None
        rest = words[2:end]
    else:
        return None
    while rest[:1] and rest[0] in ("the", "a", "an"):
        rest = rest[1:]
    if not rest or len(rest) > _DEFINED_WORDS or any(
            w in STOPWORDS and w not in ("of", "and", "up") for w in rest):
        return None
    return rest


def defined(words: Sequence[str] | None, index: Index) -> frozenset[str]:
    """The content stems of the thing to define (`definition`), as the facts are read."""
    if words is None:
        return _NONE
    return frozenset(r[0] for w in index.aliases.rewrite(words) for r in (_role(w),)
                     if r is not None and not r[1])


_DEFINE_STARTS = frozenset("what whats wat define".split())
_MEANING = frozenset("mean means meant define".split())
_POLITE = frozenset("exactly actually please pls plz".split())
_DEFINED_WORDS = 6



def _counts(typed: list[str]) -> list[str]:
    """The count before what is asked which or named ("which three areas", "the two
    reporters"), as a content stem."""
    return [r[0] for w, nxt in pairwise(typed) if (w.isdigit() or w in _NUMBER_VALUES)
            and nxt.isalpha() and nxt not in UNITS for r in (_role(w),) if r is not None]


def _members(typed: list[str], content: Sequence[str]) -> frozenset[str]:
    """ "Is cotton one of the products ...?", "are tomatoes among them", "is horgos part of
    the zone": the words between the verb and "one of" / "among" / "part of", as content."""
    ends = [i for i, pair in enumerate(pairwise(typed)) if pair in (("one", "of"), ("part", "of"))]
    ends += [i for i, w in enumerate(typed) if w in ("among", "amongst")]
    if not ends:
        return frozenset()
    stems = {r[0] for w in typed[1 : min(ends)] for r in (_role(w),) if r is not None}
    return frozenset(s for s in content if s in stems)


_YES_NO = frozenset("is are was were does do did".split())
_MEMBERSHIP = frozenset("one part among amongst".split())


def _cues(words: list[str], corrected: list[str], present: frozenset[str],
          pairs: set[tuple[str, str]]) -> frozenset[str]:
    """The question words asked with; "what year", "which date" ask "when", and some "how"s
    the means (asks_means, of the words before synonyms: "how was it established")."""
    cues = CUE_WORDS.intersection(words)
    if "how" in present and (asks_means(words)
                             or (corrected != words and asks_means(corrected))):
        cues = cues | {"means"}
    if not present.isdisjoint(_WHEN_WORDS) and not pairs.isdisjoint(_WHEN_PAIRS):
        cues = cues | {"when"}
    if not present.isdisjoint(_CAUSE_WORDS) and (
            not pairs.isdisjoint(_CAUSE_PAIRS)
            or (("what", "is") in pairs and ("is", "behind") in pairs)
            # "what is the reason ...", not "is it one of the reasons ..."
            or (("the", "reason") in pairs and ("what" in present or "whats" in present))
            or words[:1] in (["reason"], ["reasons"])):  # "reason horgos was picked?"
        cues = cues | {"why"}  # "what drove the growth", "the reason for": a cause asked
    return cues


def _no_clause_when(cues: frozenset[str], words: list[str]) -> frozenset[str]:
    """The cues, less a "when" that opens a clause of a question asked with another word
    ("where was she based when filing this?"), not "... and when?"."""
    if "when" not in cues or words[:1] == ["when"] or "when" not in words:
        return cues  # (or asked as "what year")
    at = words.index("when")
    if any(w in _OTHER_WH for w in words[:at]) and words[at - 1] not in ("and", "or", "but"):
        return cues - {"when"}
    return cues


_OTHER_WH = frozenset("where what whats who whos which how why".split())
# "What is the area of Horgos": a measure, as "how big" is (not "which area of the city").
_AREA_ASKED = frozenset({("the", "area"), ("total", "area"), ("whole", "area")})
_WHEN_WORDS = frozenset(("year", "date", "month"))
_WHEN_PAIRS = frozenset((a, b) for a in ("what", "which") for b in _WHEN_WORDS)
_CAUSING = ("caused", "causes", "cause", "drove", "drives", "driving", "fuelled", "fueled",
            "fuels", "spurred", "triggered", "prompted", "explains", "behind")
_CAUSE_PAIRS = frozenset([*(("what", w) for w in _CAUSING), *(("whats", w) for w in _CAUSING),
                          ("reason", "for"), ("reasons", "for"),
                          ("reason", "why"), ("reason", "that"), ("factors", "explain"),
                          ("factors", "behind"), ("factors", "drove"),
                          ("cause", "of"), ("causes", "of"), ("led", "to"), ("due", "to")])
_CAUSE_WORDS = frozenset(_CAUSING) | frozenset("reason reasons led due factors".split())


def _either(words: list[str], index: Index,
            names: frozenset[str] = frozenset()) -> tuple[tuple[str, str], ...]:
    """The words of a choice ("2023 or 2024", "the 13th or the 14th", "Cui Jia or Li Wei"),
    paired both ways round: the fact that gives one side answers it. A choice is between
    figures, places or names on both sides ("big or small", "2024 or older" are none)."""
    out: list[tuple[str, str]] = []
    for i, word in enumerate(words):
        if word != "or" or not i:
            continue
        left = _side(reversed(words[max(0, i - 3) : i]), index, names)
        right = _side(iter(words[i + 1 : i + 4]), index, names)
        if left and right and not _offered(left[0], index, names) and _is_figure(right[0]):
            # "18 land ports or 28": the figure before the thing it counts.
            left = [r[0] for w in reversed(words[max(0, i - 3) : i]) for r in (_role(w),)
                    if r is not None and _is_figure(r[0])][:1]
        if left and right and _offered(left[0], index, names) \
                and _offered(right[0], index, names):
            out += [(a, b) for a in left for b in right] + [(b, a) for a in left for b in right]
    return tuple(out)


def _side(words: Iterator[str], index: Index, names: frozenset[str]) -> list[str]:
    """The content stem next to "or" (over "the"), and the one beyond it when both offer a
    name ("Cui Jia or Li Wei"): "grew 40 or 50 percent" offers 40 or 50, nothing else."""
    out: list[str] = []
    for w in words:
        if w == "the" and not out:
            continue
        role = _role(w)
        if role is None or role[1] or (out and not (_offered(out[0], index, names)
                                                    and _offered(role[0], index, names))):
            break
        out.append(role[0])
        if len(out) == 2:
            break
    return out


def _offered(word: str, index: Index, names: frozenset[str] = frozenset()) -> bool:
    """A figure, a place or one of the article's named things, which a choice offers: "18
    or 28", "Urumqi or Kashgar"; or a name, written as one or no English word ("Cui Jia or
    Li Wei")."""
    return _is_figure(word) or word in PLACE_STEMS or word in index.things \
        or word in names or (word not in index.english and index.has_word_list)


def _singled_precisely(written: list[str], asks: Asks, content: Sequence[str],
                       index: Index) -> frozenset[str]:
    """What a question asked precisely singles out, which a fact must then explain: the thing
    after "specific" or "particular" ("which specific products"), or asked by "which"; not
    every word of it ("which cities exactly does the zone stretch across")."""
    wanted = {stem(w) for i, m in enumerate(written) if m in _SINGLING
              for w in [w for w in written[i + 1 : i + 4] if w not in STOPWORDS][:1]}
    wanted.update(asks.which)
    return frozenset(s for s in content if s in wanted and s not in PRECISE_STEMS
                     and s not in _NOW and s not in index.common)


_SINGLING = frozenset("specific particular".split())
# "Which specific ...", "... exactly?", in a question, not in a story around it ("I'm trying
# to remember it exactly for a post").
_PRECISELY = frozenset("specific specifically precisely exactly particular".split())
PRECISE_STEMS = frozenset(stem(w) for w in _PRECISELY)  # the asking, not what is asked
_NOW = frozenset(stem(w) for w in "today nowadays currently current now present".split())
_PRECISE_WORDS = 16


# Units a figure is measured in (as stemmed, after aliases): a figure in another unit, or a
# count, does not answer "how long ... in km".
_MEASURE_WORDS = frozenset("""percent yuan usd rmb euro euros km kilometer kilometers kilometre
kilometres sqkm meter meters metre metres mile miles hectare hectares acre acres ton tons tonne
tonnes kg ruble rubles rouble roubles pound pounds sterling yen rupee rupees tenge lira
francs""".split())
_MEASURES = frozenset(map(stem, _MEASURE_WORDS))


def asks_amount(typed: list[str]) -> bool:
    """ "What was total trade in 2023", "the value of ...": an amount, not how fast it grew nor
    what share it is (no word of change or of a part). `typed`: the words as typed."""
    if _AMOUNT.isdisjoint(typed):
        return False  # most questions: nothing to look at
    # "Total" after "to", "of", "in" and before a noun is what a part is of ("its contribution
    # to total trade"); "in total" at the end asks the amount.
    words = {w for i, w in enumerate(typed)
             if w != "total" or i == 0 or typed[i - 1] not in _PART_OF
             or i + 1 == len(typed) or typed[i + 1] in STOPWORDS}
    if words.isdisjoint(_AMOUNT) or not words.isdisjoint(_RATE):
        return False
    # "What part of the total", "how much of it", "how much did it grow": not the amount.
    return "much" not in words and not any(
        w == "of" and "total" in typed[i + 1 : i + 3] for i, w in enumerate(typed))


_AMOUNT = frozenset("""total value worth volume turnover sum amount yuan dollar dollars usd
rmb money""".split())
_RATE = frozenset("""grow grew grown growing growth increase increased increasing rise rose
risen rising jump jumped climb climbed fast faster quickly quick percent percentage rate yoy
share proportion portion fraction change changed up compared compare expand expanded boost
surge surged per cent contribution contributes part important importance""".split())
_PART_OF = frozenset("to of in with from for".split())


@lru_cache(maxsize=1 << 16)
def _role(word: str) -> tuple[str, bool] | None:
    """`word_role`, once per word (as `_stem`)."""
    return word_role(word, stem_of=_stem)


# "one" after these, or before "of", stands for a thing, not a count ("which ones", "one of").
_ONE_AFTER = frozenset("which the this that each any every another no some".split())


def _no_pronoun_one(words: list[str]) -> list[str]:
    """Without "one"/"ones" where it is a pronoun: it would pass for a figure asked."""
    if "one" not in words and "ones" not in words:
        return words
    return [w for i, w in enumerate(words)
            if not (w == "ones" or (w == "one" and (
                (i > 0 and words[i - 1] in _ONE_AFTER)
                or (i + 1 < len(words) and words[i + 1] == "of"))))]


# "What is the (total) population of": the attribute asked. Not "the name of": a fact that
# answers "who" gives a name without the word.
_ASKED_FOR = re.compile(
    r"\b(?:what|whats|which)(?: is| was| are| were| s)? the"
    r"(?: total| exact| current| whole| overall| average| approximate)?"
    # ... with the word before it ("the visa policy for", "the opening hours of")
    r"(?: (\w+))? (\w+) (?:of|for|behind)\b"
)
_NOT_ATTRIBUTES = frozenset({"name", "names"})
def _dated_deeds(typed: list[str]) -> list[str]:
    """The stems of the deeds a "when" question asks the time of: past forms after its
    subject ("when was the hall built", "when were they invited"), or the verb after "did"
    and its subject, last ("when did the zone open")."""
    if typed[1:2] in (["did"], ["does"], ["do"], ["will"]) and len(typed) > 3:
        # ... or the verb that begins or ends the deed ("start running", "open its doors")
        last = [w for w in typed[3:] if w in _ASPECTS][:1] \
            or [w for w in typed[3:] if w not in STOPWORDS][-1:]
        return [_stem(w) for w in last]
    return [_stem(w) for w in typed[3:] if w not in _EVENTS
            and ((len(w) > 4 and w.endswith("ed")) or w in _PAST_PARTICIPLES)]


_ASPECTS = frozenset("start begin open stop end finish close".split())
_PAST_PARTICIPLES = frozenset("""built made written begun founded shot""".split())
# Deeds that are the event itself ("when was the interview held"): its date is theirs.
_EVENTS = frozenset("""held conducted organised organized staged hosted happened occurred
given done""".split())
_CONCRETE = frozenset(_stem(w) for w in CONCRETE)
_STATISTICS = frozenset(_stem(w) for w in "average median averages medians".split())
_FIGURE_HEADS = frozenset("""rate figure figures number numbers amount value equivalent level size
volume total sum""".split())


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
    if "of" not in typed and "for" not in typed and "behind" not in typed:
        return []  # each way of asking ends in one of these words: most questions have none
    text = " ".join(typed)
    # A figure's generic head is its modifier's: "the growth rate of" asks the growth.
    return [word for m in _ASKED_FOR.finditer(text)
            for word in (m.group(1) if m.group(1) and m.group(2) in _FIGURE_HEADS
                         else m.group(2),)
            if word not in _NOT_ATTRIBUTES]


def asks_judgement(typed: list[str]) -> bool:
    """A yes/no question about truth or worth ("is it true ...", "... good?"), judged on the
    words as typed: the judgement is the predicate, not a word inside ("bad press")."""
    if len(typed) < 3 or typed[0] not in YES_NO_STARTS:
        return False
    if typed[1] in _POINTERS and typed[2] in JUDGEMENT_WORDS:
        return True
    # "Is the chairman right that ...", "are the sanctions fair to ...": a claim judged.
    for i in range(2, min(5, len(typed))):
        if typed[i] in JUDGEMENT_WORDS and (i + 1 == len(typed) or typed[i + 1] in _CLAIM_LINKS):
            return True
    words = list(typed)
    while words and words[-1] in _TRAILING:
        words.pop()
    return bool(words) and words[-1] in JUDGEMENT_WORDS


_POINTERS = frozenset("it this that these those they".split())
_PREDICTION_STARTS = frozenset({"will", "would", "gonna"})


def _predicts(typed: list[str]) -> bool:
    """A yes/no question about the future: "will ...", "is it gonna ...", "are fares going
    to ..."."""
    if not typed:
        return False
    if typed[0] in _PREDICTION_STARTS:
        return True
    head = typed[1:5]
    return typed[0] in ("is", "are", "am") and (
        "gonna" in head or ("going", "to") in set(pairwise(head)))
_CLAIM_LINKS = frozenset("that about to in when or".split())
_TRAILING = frozenset("or not nah actually really at all though tho then".split())


def _names(question: str) -> frozenset[str]:
    """Words written as names (capitalised, not first): a strong sign of a specific thing asked.

    Only when the writer uses case at all; ALL CAPS and all-lowercase questions carry no signal.
    """
    if question.upper() == question or question.lower() == question:
        return frozenset()
    words = re.findall(r"[^\W\d_]+", question)
    if not words:
        return frozenset()
    # "Mongolia", and an abbreviation in capitals anywhere ("UN"; the article's own, "FTZ",
    # are known words and so never taken for another subject).
    return frozenset(_stem(w.casefold()) for i, w in enumerate(words)
                     if (i and w[0].isupper() and w[1:].islower())
                     or (2 <= len(w) <= 5 and w.isupper()))


def candidates(index: Index, query: Query, *, limit: int | None,
               weights: dict[str, float] | None = None) -> Ints:
    """Facts sharing at least one word with the question; with `limit`, the best by weight.

    A fact sharing no word has coverage 0 and can never be answered, so skipping it changes
    nothing; `limit` is the scale knob for large knowledge bases. Positions, ascending.
    `weights`: the query's word weights (`Query.weights`), when the caller has them already.
    """
    import numpy as np

    n = len(index.kb.facts)
    lists = index.posting_lists
    # Rare words first: they find the candidates. A word in many facts ("xinjiang") only
    # re-ranks candidates already found, unless nothing rarer was asked; walking its long
    # posting list for every question is what made large knowledge bases slow.
    asked = sorted((w for w in query.content if w in lists), key=lambda w: len(lists[w]))
    if not asked:
        return np.zeros(0, dtype=np.int32)
    # How many of them find candidates: with a limit, not the common ones after the first.
    finding = len(asked) if limit is None else 1 + sum(
        1 for w in asked[1:] if len(lists[w]) <= index.common_postings)
    ids = np.flatnonzero(np.bincount(np.concatenate([lists[w] for w in asked[:finding]]),
                                     minlength=n)).astype(np.int32)
    if limit is None or len(ids) <= limit:
        return ids
    # The weights, summed word after word in the same order, choose among them.
    if weights is None:
        weights = query.weights(index)
    totals = np.zeros(n, dtype=np.float64)
    touched = np.zeros(n, dtype=bool)
    touched[ids] = True
    for word in asked[:finding]:
        totals[lists[word]] += weights[word]  # one fact at most once per word: no repeats
    for word in asked[finding:]:
        postings = lists[word]
        # Whichever is shorter is walked: the candidates or the word's facts.
        hits = (ids[_member(postings, ids)] if 4 * len(ids) < len(postings)
                else postings[touched[postings]])
        totals[hits] += weights[word]
    # The `limit` heaviest, ties to the earlier fact: the limit-th weight, all above it, then
    # as many of those equal to it as fit, in position order.
    values = totals[ids]
    kth = np.partition(values, len(ids) - limit)[len(ids) - limit]
    above = ids[values > kth]
    level = ids[values == kth][: limit - len(above)]
    return np.sort(np.concatenate((above, level)))


def _candidates_plain(word_facts: dict[str, tuple[int, ...]], query: Query,
                      weights: dict[str, float], limit: int | None) -> set[int]:
    """As `candidates`, in plain Python (a small knowledge base, where no word is common)."""
    asked = sorted((w for w in query.content if w in word_facts),
                   key=lambda w: len(word_facts[w]))
    found: set[int] = set().union(*(word_facts[w] for w in asked))
    if limit is None or len(found) <= limit:
        return found
    totals = dict.fromkeys(found, 0.0)
    for word in asked:  # rare words first, as `candidates` adds them
        for fact in word_facts[word]:
            totals[fact] += weights[word]
    return set(heapq.nsmallest(limit, found, key=lambda f: (-totals[f], f)))


def _member(sorted_values: Ints, values: Ints) -> npt.NDArray[np.bool_]:
    """Which of `values` are in `sorted_values` (ascending)."""
    import numpy as np

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
    scored and dropped, since no decision looks that far down. A small knowledge base is
    scored in plain Python (`_scored_plain`), a larger one with arrays (`_scored`)."""
    weights = query.weights(index)
    total = sum(weights.values())
    if total == 0:
        return []
    also = set(also)
    if index.fact_words is not None and index.word_facts is not None:
        places = sorted(also.union(_candidates_plain(index.word_facts, query, weights, limit)))
        return _scored_plain(index, index.fact_words, query, places, weights, total, top=top,
                             also=also)
    import numpy as np

    found = candidates(index, query, limit=limit, weights=weights)
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
    import numpy as np

    t = index.thresholds
    columns = index.columns
    m = len(positions)
    if not m:
        return []
    content = query.content
    k = len(content)
    # The question's words as compared with alternates: question words count a little. The
    # content words come first, so that row j < k of a table is content[j].
    compared = dict(weights) | dict.fromkeys(query.cues, t.cue_weight)
    places = positions.tolist()
    # The candidates' columns side by side (see FactColumns): each one's alternates, then
    # its vocabulary, from `starts[i]` on for candidate i.
    starts = list(accumulate((columns.count[p] for p in places), initial=0))
    vocabulary = [start - 1 for start in starts[1:]]
    # Each candidate's entries: a word, and its column in the fact.
    pieces = [columns.entries(p) for p in places]
    rows = index.rows(compared, np.concatenate([words for words, _ in pieces]))
    at = np.concatenate([column for _, column in pieces]) \
        + np.repeat(starts[:-1], [columns.size(p) for p in places])
    # One table of the compared words (rows) against the columns: the word's weight where
    # the column has the word. Summed down word by word in question order, as a Python sum
    # over the words is: the same coverage and overlap to the last bit. The content words
    # alone explain a fact (its vocabulary). Entries of words not asked (row -1) land in a
    # spare last row, never summed.
    c = len(compared)
    found = np.zeros((c + 1, starts[-1]))
    found[rows, at] = np.fromiter(compared.values(), dtype=np.float64, count=c)[rows]
    sums = found[0].copy()
    for row in found[1:c]:
        sums += row
    overlap = 2 * sums / (sum(compared.values())
                          + np.concatenate([columns.column_weights(p) for p in places]))
    # token_sort_ratio of the question and each alternate: the alternates' words are sorted
    # already (bot/index.py), so a plain ratio of sorted words is the same number, 4x faster.
    texts = [columns.texts[p] for p in places]
    ratios = process.cdist([" ".join(sorted(content))], list(chain.from_iterable(texts)),
                           scorer=fuzz.ratio, dtype=np.float64)[0]
    # The best of each candidate's columns (the vocabulary's 0 is never above an alternate's)
    # and texts.
    best_overlap = np.maximum.reduceat(overlap, starts[:-1]).tolist()
    best_ratio = np.maximum.reduceat(
        ratios, list(accumulate(map(len, texts[:-1]), initial=0))).tolist()
    # Per candidate, the weight of each content word its vocabulary has (0.0: not had).
    explained: list[list[float]] = found[:k, vocabulary].T.tolist()
    if query.either:
        explained = [_chosen(query, had, weights, index.ubiquitous) for had in explained]
    if query.counts:
        explained = [_counted(query, had, weights, index.listed(p))
                     for had, p in zip(explained, places, strict=True)]
    coverage = [_sum(had) / total for had in explained]
    values = _values(t, coverage, best_overlap, best_ratio)
    return _matches(index, query, places, values, coverage, explained, top=top, also=also)


def _scored_plain(index: Index, facts: Sequence[FactWords], query: Query, places: list[int],
                  weights: dict[str, float], total: float, *, top: int | None,
                  also: set[int]) -> list[Match]:
    """As `_scored`, one candidate after another in plain Python (a small knowledge base, see
    bot/index.py SMALL_KB): the same sums, in the same order, so the same scores to the bit."""
    if not places:
        return []
    t = index.thresholds
    compared = dict(weights) | dict.fromkeys(query.cues, t.cue_weight)
    compared_total = sum(compared.values())
    # Each candidate's best token_sort_ratio (see `_scored`): extractOne finds the best of a
    # fact's texts in one call, the numbers cdist gives, without numpy.
    text = " ".join(sorted(query.content))
    best_ratios = [process.extractOne(text, index.fact_texts[p], scorer=fuzz.ratio)[1]
                   for p in places]
    asked = list(weights.items())
    both = list(compared.items())
    explained, coverage, overlaps = [], [], []
    either, counts = query.either, query.counts
    for p in places:
        fact = facts[p]
        vocabulary, alternates, alternate_weights = fact.vocabulary, fact.alternates, fact.weights
        had = [w if word in vocabulary else 0.0 for word, w in asked]
        if either:
            had = _chosen(query, had, weights, index.ubiquitous)
        if counts:
            had = _counted(query, had, weights, index.listed(p))
        explained.append(had)
        coverage.append(_sum(had) / total)
        # The alternates sharing words, grouped by the words they share (each group's weight
        # added word by word in question order, as for one alternate): the best overlap of a
        # group is that of its lightest alternate, its lowest bit.
        groups: list[tuple[int, float]] = []
        for word, w in both:
            have = alternates.get(word, 0)
            if not have:
                continue
            split = []
            for group, shared in groups:
                if group & have:
                    split.append((group & have, shared + w))
                    if group & ~have:
                        split.append((group & ~have, shared))
                    have &= ~group
                else:
                    split.append((group, shared))
            if have:  # alternates that share no earlier word
                split.append((have, w))
            groups = split
        overlaps.append(max([
            2 * shared / (compared_total + alternate_weights[(group & -group).bit_length() - 1])
            for group, shared in groups], default=0.0))
    values = _values(t, coverage, overlaps, best_ratios)
    return _matches(index, query, places, values, coverage, explained, top=top, also=also)


def _chosen(query: Query, had: list[float], weights: dict[str, float],
            ubiquitous: frozenset[str]) -> list[float]:
    """`had` (the weight of each content word a fact explains), with a choice it answers
    ("2023 or 2024" of a fact that gives 2024) as explained: the other is no other subject.
    Not by a word half the facts give ("China Daily or Xinhua": every fact cites the paper)."""
    given = {w for w, h in zip(query.content, had, strict=True) if h and w not in ubiquitous}
    offered = {a for a, b in query.either if b in given}
    return [weights[w] if not h and w in offered else h
            for w, h in zip(query.content, had, strict=True)]


def _counted(query: Query, had: list[float], weights: dict[str, float],
             listed: frozenset[str]) -> list[float]:
    """`had`, with a count of things asked for by name ("which three areas", "name the two
    reporters") as explained by a fact that lists that many names."""
    if not listed:
        return had
    return [weights[w] if not h and w in query.counts and w in listed else h
            for w, h in zip(query.content, had, strict=True)]


def _sum(values: list[float]) -> float:
    """Added one after another (as the table's rows are, and as Python's sum() did before
    3.12), whatever the Python version."""
    total = 0.0
    for value in values:
        total += value
    return total


def _values(t: Thresholds, coverage: list[float], overlap: list[float],
            ratio: list[float]) -> list[float]:
    """Each fact's score (0-100) from its coverage, best word overlap and best ratio (0-100)."""
    o, c = t.overlap_share, t.coverage_share
    return [100 * (c * cov + (1 - c) * (o * lap + (1 - o) * (r / 100)))
            for cov, lap, r in zip(coverage, overlap, ratio, strict=True)]


def _matches(index: Index, query: Query, places: list[int], values: list[float],
             coverage: list[float], explained: list[list[float]], *, top: int | None,
             also: set[int]) -> list[Match]:
    """The Match of each candidate (with `top`, of the best and of `also`), best first
    (score, then fact id). `explained`: per candidate, the weight of each content word that
    its vocabulary has, 0.0 for the others."""
    facts = index.kb.facts
    content = query.content
    words = len(content)
    order, scores = _ranked(index, places, values, top=top, also=also)
    figures = query.figures
    asks_figures = True in figures
    cue_missing = _cue_missing(query.cues & TYPED_CUES)
    answers_to = index.answers_to
    has_figure = index.has_figure
    asks_quantity = query.asks_quantity
    asks_count = query.asks_count
    asks_measure = query.asks_measure
    asks_amount = query.asks_amount
    matches = []
    for f in order:
        place = places[f]
        unexplained: tuple[str, ...] = ()
        numbers: tuple[str, ...] = ()
        if 0.0 in explained[f]:
            outside = [w == 0.0 for w in explained[f]]
            unexplained = tuple(compress(content, outside))
            if asks_figures:
                numbers = tuple(compress(content, map(and_, outside, figures)))
        matches.append(Match(facts[place], place, scores[f], coverage[f], unexplained,
                             (asks_quantity and not has_figure[place])
                             or (asks_count and not answers_to[place] & COUNT_BIT)
                             or (asks_measure and not answers_to[place] & MEASURE_BIT)
                             or (asks_amount and bool(answers_to[place] & RATE_ONLY_BIT)),
                             cue_missing[answers_to[place] & CUE_MASK],
                             words, numbers))
    return matches


def _ranked(index: Index, places: list[int], values: list[float], *, top: int | None,
            also: set[int]) -> tuple[list[int], dict[int, float]]:
    """The candidates (numbers into `places`) by score rounded as shown, then fact id: with
    `top`, the `top` first and then those of `also`. With each, its rounded score.

    Rounding keeps the order of the values, so the `top` first are among the candidates of
    the highest values down to the last one rounding as the `top`-th does: only those (and
    those of `also`) are rounded and sorted, not every candidate."""
    rank = index.id_rank
    scores: dict[int, float] = {}
    least = math.inf  # the last score rounded
    for f in sorted(range(len(places)), key=values.__getitem__, reverse=True):
        score = round(values[f], 1)
        if top is not None and len(scores) >= top and score < least:
            break
        scores[f] = least = score

    def key(f: int) -> tuple[float, int]:
        return -scores[f], rank[places[f]]

    order = sorted(scores, key=key)[:top]
    if top is not None:
        chosen = set(order)
        extra = [f for f, p in enumerate(places) if p in also and f not in chosen]
        scores.update((f, round(values[f], 1)) for f in extra)
        order += sorted(extra, key=key)
    return order, scores


@cache
def _cue_missing(asked: frozenset[str]) -> tuple[str | None, ...]:
    """For each set of typed cues a fact answers (its CUE_BITS), the first cue asked that it
    does not answer. Few questions ask a typed cue: a handful of tables serve them all."""
    ordered = sorted(asked)
    return tuple(next((c for c in ordered if not bits & CUE_BITS[c]), None)
                 for bits in range(CUE_MASK + 1))


_NUMBER_STEMS = frozenset(stem(w) for w in NUMBER_WORDS)


@lru_cache(maxsize=1 << 16)
def _is_figure(word: str) -> bool:
    """A number or a number word: once per word, as `_stem`."""
    return word in _NUMBER_STEMS or is_number(word)


def numbers_unexplained(match: Match) -> tuple[str, ...]:
    """Figures in the question that the fact does not give: another year, another count."""
    return match.numbers
