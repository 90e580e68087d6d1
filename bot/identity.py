"""What a question asks the article to single out, and whether a fact does.

"Which Western countries imposed sanctions?" shares every word with a fact that says "some
Western countries have imposed sanctions", and means nearly the same, yet the fact does not
say which. The ways a question asks for more than a fact gives, each checked on the words:
- it asks which one ("which countries", "the name of the staff member") of something the fact
  mentions only indefinitely ("some Western countries", "a staff member");
- it asks for the most, the highest, the best ... and the fact ranks nothing;
- it asks who came before or after someone ("chairman before Erkin Tuniyaz", "predecessor");
- it asks for all of a list the fact gives in part ("all eight countries": "eight countries
  including Kazakhstan, Tajikistan and Pakistan");
- it gives the fact's figure and asks a part of it ("how much of the 357 billion yuan");
- it asks what will be ("will ...", "plans to", "next year") of a fact that says nothing of
  what is to come; who did what the fact tells without its doer ("who invited" of "were
  invited"); another rank than the one the fact gives ("the second" of "the first"); or what
  someone the fact only speaks of said or thought (bot/engine.py, which knows the speakers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise, takewhile

from bot.lexicon import FILLERS, NUMBER_WORDS, ORDINALS, PLACES, STOPWORDS, SYNONYMS
from bot.normalize import stem, tokens

INDEFINITE = frozenset("a an some many several certain various numerous other few".split())
# A determiner that points at known things, or a count: "the chairman", "eight countries".
_DEFINITE = frozenset("the this that these those its his her their our".split())
# Looking back from a noun for its determiner stops at these: the noun phrase has ended.
_PHRASE_ENDS = frozenset("""of on in at to by for from with and or but as than that which who
is are was were be been has have had will would can could said says""".split())
_LOOK_BACK = 4
# How far the other windows reach, in words: the thing asked after "which" (at most three
# words, within six), a figure after "how much of", a list after "including".
_PHRASE_WORDS, _PHRASE_REACH = 3, 6
_PART_REACH = 4
_LIST_WORDS = 15
_QUESTION_WORDS = 40
_stem = lru_cache(maxsize=1 << 14)(stem)  # people ask with the same words again and again
_CLAUSE_ENDS = frozenset(";.:!?")

# "Which ... ?" stops collecting the thing asked at a verb-like word.
_AUXILIARIES = frozenset("""is are was were be been do does did has have had will would can
could should shall may might must""".split())
_KIND_OF = frozenset("kind type sort".split())
# Who or what did something, asked by kind in the singular ("which official signed off",
# "which company built"): a fact must name a person, or a body ("Xinhua", "the central
# government"), or speak of the kind; "which city" a name answers alone, whatever it is.
# Each one-word synonym's first word (bot/lexicon.py), as the facts are read.
_CANONICAL = {variant: words[0] for words in SYNONYMS if " " not in words[0]
              for variant in words[1:] if " " not in variant}
_NAMED = frozenset("name names called".split())
_PERSON_KINDS = frozenset("""official person individual minister photographer reporter
journalist spokesman spokesperson""".split())
_BODY_KINDS = frozenset("""company firm ministry department body agency organisation
organization bank contractor authority institution""".split())
# Words that make a phrase a body without a capital ("the central government").
_BODY_WORDS = frozenset(stem(w) for w in """government ministry council congress committee
party agency company department bureau commission administration""".split())
# Words without which `_which` finds nothing.
_WHICH_WORDS = frozenset("which what name names list who".split())
# Verbs that follow the thing asked ("which city serves as ..."): not its plural.
_VERBS = frozenset("""serves includes contains covers hosts holds houses leads ranks lies sits
plays accounts shares receives gets makes takes gives sends buys sells exports imports
trades borders""".split())
SUPERLATIVES = frozenset("""most least highest lowest largest biggest smallest busiest best worst
fastest slowest greatest richest poorest oldest newest longest shortest closest nearest
furthest farthest""".split())
RANKINGS = SUPERLATIVES | frozenset("top first second third record leading chief".split())
# Superlatives of a size, which only a size ranked answers ("record high" is one).
_SIZES = frozenset("""largest biggest smallest longest shortest widest richest poorest busiest
greatest""".split())
_MAGNITUDES = SUPERLATIVES | frozenset("record top".split())
RELATIONS = frozenset("""predecessor predecessors successor successors preceded succeeded
replaced""".split())
# Relations only before a role: "the former chairman", not "the previous year".
_RELATIVE = frozenset("previous former next prior vice deputy".split())
_TIMES = frozenset("""year years month months week weeks day days time times session sessions
decade quarter period round edition""".split())
_RELATION_WORDS = RELATIONS | _RELATIVE | {"before", "after"}
_EVERY = frozenset("all every each full complete entire whole rest remaining other".split())
_PART = frozenset("""much many share percentage percent proportion portion part fraction
breakdown""".split())
# "total imports and exports": a sum of two things, neither of which the fact gives alone.
_TOTAL = re.compile(r"\b((?:total|combined|overall)\s+(\w+)\s+and\s+(\w+))", re.IGNORECASE)
_BE = frozenset("is are was were be been being".split())
_MONTHS = frozenset("""january february march april may june july august september october
november december jan feb mar apr jun jul aug sep sept oct nov dec""".split())
_SPEAKS_OF_FUTURE = frozenset("""will wont expected expects plan plans planned future aims going
would shall upcoming""".split())
_AMOUNT_WORDS = frozenset("""thousand million billion trillion yuan dollars usd percent square
kilometers kilometres km times""".split())
_LISTS = ("including", "such as", "like", "among them", "among others")
_PERSONS = frozenset("him her them he she they".split())
_WORD = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*|[.;:!?,()\"\u201c\u201d]")


@dataclass(frozen=True)
class Asks:
    """What a question asks the fact to single out (stems), and the words as typed."""

    which: tuple[str, ...] = ()  # stems of the thing to single out ("countri")
    superlatives: tuple[str, ...] = ()  # as typed
    relations: tuple[str, ...] = ()  # as typed
    every: tuple[str, ...] = ()  # stems of things asked in full ("all eight countries")
    # Figures the question gives and asks a part of: (the number, as typed with its unit).
    part_of: tuple[tuple[str, str], ...] = ()
    # Of every word, when one is the half of a total the knowledge base gives (Profile.totals).
    stems: frozenset[str] = frozenset()
    # Of `which`, the things asked for by kind, which a fact must speak of to name them: a
    # plural ("what crops", "which countries") or a name ("the name of the photographer"); not
    # "which city", which a fact answers by naming one ("Urumqi") without the word, nor "who
    # are the reporters", which a name answers.
    kinds: tuple[str, ...] = ()
    ordinals: tuple[str, ...] = ()  # as typed: "the second free trade zone"
    ranked: str = ""  # as typed, an ordinal before what it ranks: "the first sanctions"
    future: bool = False  # asks what will be ("will ...", "plans to", "next year")
    agent: str = ""  # stem of the deed whose doer is asked ("who invited ...")
    # ... and of the words after it: the deed may be named there ("who sent the invitations").
    agent_of: tuple[str, ...] = ()
    agent_past: bool = False  # ... asked in the past ("who invited"), not "who is inviting"
    # Whose words are asked ("what did the diplomats say"): as typed, then (bot/matching.py)
    # as the question's content stems.
    voice: tuple[str, ...] = ()
    day: bool = False  # asks the exact day ("on what day", "the exact date")
    contents: bool = False  # asks what a place shows ("what's on display in the hall")
    hour: bool = False  # asks a clock time ("what time of day")
    scope: frozenset[str] = frozenset()  # with an ordinal, every word's canonical stem
    who_is: tuple[str, ...] = ()  # stems of "who is the X ...": a person's X, asked
    others: tuple[str, ...] = ()  # stems of things asked besides the one named ("which other")
    leader: str = ""  # as typed: who leads something is asked ("who runs the zone")
    compares: str = ""  # as typed: a comparison asked ("bigger than")
    entity: str = ""  # as typed: a person or body asked for by kind ("which official")
    origin: str = ""  # as typed: whose idea something was ("who coined", "who came up with")
    outcome: str = ""  # as typed: what a body decided is asked ("what did the session decide")
    # Where something is, asked: the words of the question, a place among which the fact's
    # places must not all be ("where are Xinjiang's land ports" of "Xinjiang has 18 ports").
    where: tuple[str, ...] = ()
    # Details asked ("what specific achievements", "who exactly was invited"): the words of
    # the question, beyond which a fact must name something (a name, a figure).
    details: tuple[str, ...] = ()
    proportion: bool = False  # a share asked ("what share of", "what percentage")
    known: frozenset[str] = frozenset()  # with `entity`, the stems of the question's words

    def __bool__(self) -> bool:
        return bool(self.which or self.superlatives or self.relations or self.every
                    or self.part_of or self.stems or self.ordinals or self.future
                    or self.agent or self.voice or self.day or self.others or self.who_is
                    or self.leader or self.compares or self.entity or self.origin
                    or self.contents or self.hour or self.outcome or self.where
                    or self.details or self.proportion)


NOTHING = Asks()


def asks(typed: Sequence[str], *, people: frozenset[str] = frozenset(),
         totalled: frozenset[str] = frozenset(), present: frozenset[str] | None = None) -> Asks:
    """`typed`: the question's words as typed (lower case, before spelling and aliases).
    `people`: the words of the names of people the knowledge base speaks of; `totalled`: the
    stems of the halves of its totals (`totals_in`); `present`: the set of `typed`, if made.
    """
    # Each way of asking is looked for only when a word it needs is there: most questions
    # have none of them, and this runs for every question.
    present = frozenset(typed) if present is None else present
    phrases = _which(typed) if not present.isdisjoint(_WHICH_WORDS) else []
    which: tuple[str, ...] = ()
    who_is: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    entity = ""
    if phrases:
        which = tuple(stem(w) for phrase, _ in phrases for w in phrase)
        # Also in the words the facts are read in: "which states" are "which countries" (the
        # head noun only: "which region's trade grew" asks no "increase").
        heads = [_CANONICAL.get(phrase[-1], "") if phrase and _plural(phrase[-1]) else ""
                 for phrase, _ in phrases]
        which += tuple(stem(h) for h in heads if h)
        phrases = [([*phrase[:-1], h] if h else phrase, how)
                   for h, (phrase, how) in zip(heads, phrases, strict=True)]
        who_is = tuple(stem(w) for phrase, how in phrases if how == "who" for w in phrase)
        kinds = tuple(stem(phrase[-1]) for phrase, how in phrases if phrase and (
            how == "name" or (how == "which" and (_plural(phrase[-1]) or phrase[-1] in _SUBPLACES)
                              and phrase[-1] not in _ABSTRACT_KINDS)))
        # Who or what did it, asked by kind in the singular; the phrase may run on into its
        # verb ("which company built the ports").
        entity = next((w for phrase, how in phrases if how in ("which", "name")
                       for w in phrase if w in _PERSON_KINDS or w in _BODY_KINDS), "")
    if not entity and not present.isdisjoint(_NAMED):
        # "What's the photographer's name", "what is the photographer called".
        entity = next((w for w, nxt in pairwise(typed) if nxt in _NAMED
                       and (w in _PERSON_KINDS or w in _BODY_KINDS)), "")
        if not entity and ("by", "name") in set(pairwise(typed)):
            # "Who's the photographer, by name?"
            entity = next((w for w in typed if w in _PERSON_KINDS or w in _BODY_KINDS), "")
    superlatives = tuple(w for i, w in enumerate(typed) if w in SUPERLATIVES
                         and typed[i + 1 : i + 2] != ["of"]  # "most of the trade": a share
                         and typed[i - 1 : i] != ["at"]  # "at most": a bound
                         ) if not present.isdisjoint(SUPERLATIVES) else ()
    relations: list[str] = []
    if not present.isdisjoint(_RELATION_WORDS):
        relations = [w for w in typed if w in RELATIONS]
        # "The former chairman", not "the previous year", "next to" or "what's next for".
        relations += [w for w, nxt in pairwise(typed) if w in _RELATIVE and nxt not in _TIMES
                      and nxt not in STOPWORDS and not nxt.isdigit()]
        # Before or after someone: a person, not an event ("after Western sanctions").
        relations += [w for w, nxt in pairwise(typed) if w in ("before", "after")
                      and (nxt in _PERSONS or nxt in people)]
    every = tuple(stem(w) for i, w in enumerate(typed) if w in _EVERY
                  for w in _phrase(typed, i + 1)) if not present.isdisjoint(_EVERY) else ()
    if "all" in present and kinds and ("all", "them") in set(pairwise(
            w for w in typed if w != "of")):
        every += kinds  # "which countries ... list all of them"
    part_of = _part_of(typed) if "of" in present else ()
    # A half of a total is looked for in a question, not in a pasted text.
    stems = frozenset(map(_stem, typed)) if totalled and len(typed) <= _QUESTION_WORDS \
        else frozenset()
    # ... and the scope of a rank asked ("China's first FTZ"), in the words the facts are read in.
    # Only a scope named: "is it the first of its kind?" names none.
    scope = frozenset(_canonical_stem(w) for w in typed) if not present.isdisjoint(ORDINALS) \
        and not _asks_scope(typed) and not (present.isdisjoint(_SCOPE_NAMES)
                                            and present.isdisjoint(PLACES)) else frozenset()
    # The ranks asked, after the last question word: "X came second, so who was first?"
    ordinals = () if present.isdisjoint(ORDINALS) else tuple(
        w for w in typed[max((i for i, w in enumerate(typed) if w in _WH), default=0):]
        if w in ORDINALS)
    ranked = next((f"{w} {nxt}" for i, (w, nxt) in enumerate(pairwise(typed))
                   if w in ORDINALS and typed[i - 1 : i] == ["the"] and nxt not in STOPWORDS
                   and nxt not in _RANK_NOT_THING), "") if ordinals else ""
    # What is to come is looked for in a question, not in the story before it ("I'm planning
    # a trip next year ... how many ports are there?").
    future = _future(typed, present) if len(typed) <= _FUTURE_QUESTION_WORDS else False
    agent, agent_of = _agent(typed) if "who" in present else ("", ())
    agent_past = bool(agent) and not any(w.endswith("ing") and stem(w) == agent for w in typed)
    origin = _origin(typed) if ("who" in present or "whose" in present) \
        and not present.isdisjoint(_ORIGIN_CUES) else ""
    if not origin and not present.isdisjoint(_SAYINGS) and not present.isdisjoint(_FROM_WHERE):
        origin = _saying_origin(typed)
    contents = not present.isdisjoint(_SHOWING) and _asks_contents(typed)
    hour = not present.isdisjoint(_CLOCK) and _asks_hour(set(pairwise(typed)))
    outcome = next((w for w in typed if w in _OUTCOMES), "") if typed[:1] in (["what"], ["which"]) \
        and not present.isdisjoint(_OUTCOMES) else ""
    details = tuple(w for w in typed if w not in STOPWORDS) \
        if not present.isdisjoint(_DETAILED) and present.isdisjoint(_QUOTED) \
        and typed[:1] and typed[0] in _DETAIL_ASKERS else ()
    proportion = not present.isdisjoint(_PROPORTIONS) \
        and not set(pairwise(typed)).isdisjoint(_PROPORTION_ASKED)
    # As a question word ("where are ...", "so where is ..."), not a relative ("is Central Asia
    # where most trade goes"); or by its nouns ("the venue", "located").
    where = tuple(w for w in typed if w not in STOPWORDS) if not present.isdisjoint(_WHERE) \
        and present.isdisjoint(_NOT_WHERE) and (
            not present.isdisjoint(_LOCATING) or "where" in typed[:_WHERE_REACH]
            or "wheres" in typed[:_WHERE_REACH]) else ()
    voice = _voice(typed) if not present.isdisjoint(_VOICED) else ()
    day = not present.isdisjoint(_DAY_WORDS) and not set(pairwise(typed)).isdisjoint(_DAY_ASKED)
    others = tuple(s for i, w in enumerate(typed) if w in ("other", "else")
                   and typed[i - 1 : i] in (["which"], ["what"], ["any"])
                   for w in _phrase(typed, i + 1)
                   for s in {stem(w), _canonical_stem(w), _canonical_stem(stem(w))}) \
        if "other" in present else ()
    leader = next((deed for i, (word, deed) in enumerate(pairwise(typed))
                   if word == "who" and deed in _LEADS
                   and _NOT_LED.isdisjoint(typed[i + 2 : i + 4])), "") \
        if "who" in present else ""
    compares = next((f"{a} than" for i, (a, b) in enumerate(pairwise(typed)) if b == "than"
                     and a in _COMPARING
                     # "more than one city", "more than a dozen": a bound, not a comparison
                     and not _bound(typed[i + 2 : i + 3])), "") if "than" in present else ""
    if not (which or superlatives or relations or every or part_of or ordinals or future
            or agent or voice or day or others or leader or compares or entity or origin
            or contents or hour or outcome or where or details or proportion) \
            and stems.isdisjoint(totalled) and stems.isdisjoint(_NET):
        return NOTHING
    return Asks(which=which, superlatives=superlatives, relations=tuple(relations),
                every=every, part_of=part_of, stems=stems, kinds=kinds, ordinals=ordinals,
                ranked=ranked, future=future, agent=agent, agent_of=agent_of,
                agent_past=agent_past, voice=voice, day=day,
                others=others, who_is=who_is, leader=leader, compares=compares,
                entity=entity, origin=origin, contents=contents, hour=hour, scope=scope,
                outcome=outcome, where=where, details=details, proportion=proportion,
                known=frozenset(map(stem, typed)) if entity else frozenset())


# Kinds of things a fact gives without naming the kind: "what reasons did he give" of "to
# come for sightseeing or to invest".
_ABSTRACT_KINDS = frozenset("""reasons ways things steps measures points ideas factors examples
details words terms aspects""".split())

# Places within a city or region, asked by kind even in the singular ("which district of
# Urumqi"): a fact names one only if it speaks of the kind; a city's name answers "which city".
_SUBPLACES = frozenset("""district districts county counties neighbourhood neighbourhoods
neighborhood neighborhoods street streets village villages township townships suburb suburbs
prefecture prefectures""".split())

# A trade surplus or deficit: one half less the other, which a total does not give.
_NET = frozenset(stem(w) for w in "surplus surpluses deficit deficits".split())
# Beside both halves of a total, these ask for them apart ("imports vs exports").
# ... and so do a choice between them and a comparison ("did exports or imports grow
# faster", "was the growth driven by exports").
_APART = frozenset(stem(w) for w in """breakdown split separately respectively versus vs apart
or faster slower bigger larger smaller higher lower driven mostly mainly""".split())

# "What date" is loose (a month may do); "what day", "the exact date" are not.
_DAY_WORDS = frozenset("day date".split())
_DAY_ASKED = frozenset({("what", "day"), ("which", "day"), ("exact", "day"), ("exact", "date"),
                        ("precise", "date"), ("precise", "day"), ("what", "date"),
                        ("which", "date")})


def _soon(typed: Sequence[str]) -> bool:
    """ "Soon" of what is to come, not "as soon as" nor "soon after"."""
    return any(w == "soon" and typed[i - 1 : i] != ["as"] and typed[i + 1 : i + 2] not in (
        ["after"], ["as"], ["before"]) for i, w in enumerate(typed))


def _future(typed: Sequence[str], present: frozenset[str]) -> bool:
    """ "What will happen to trade", "what does Xinjiang plan to add", "again next year": what
    is to come, which a fact must speak of (Profile.future). Not a yes/no "will ...?" alone:
    "will foreigners be welcome?" is answered by "he welcomes them"."""
    if not present.isdisjoint(_FUTURE_WORDS) or (
            "soon" in present and _soon(typed) and typed[0] not in _YES_NO_FUTURE
            and not present.isdisjoint(_WH)):
        return True  # "what is coming soon", not "is the zone opening soon?", "ftz open soon?"
    if not present.isdisjoint(_WILL) and typed and typed[0] not in _YES_NO_FUTURE:
        return True  # "what will happen to trade?", not "will foreigners be welcome?"
    if typed and typed[0] in _YES_NO_FUTURE and "this" in present \
            and ("this", "year") in set(pairwise(typed)):
        return True  # "will trade keep growing this year?": a forecast

    if present.isdisjoint(_FUTURE_FIRSTS):
        return False
    return not set(pairwise(typed)).isdisjoint(_FUTURE_PAIRS)


_FUTURE_ASKED = frozenset("future upcoming soon".split())
_FUTURE_WORDS = frozenset("future upcoming".split())
_WILL = frozenset("will gonna".split())
# A yes/no question about what will be may be answered by a stance stated now ("will
# foreigners be welcome?": "he welcomes them").
_YES_NO_FUTURE = frozenset("will would gonna is are does do did has have can could".split())
_FUTURE_QUESTION_WORDS = 16


_FUTURE_PAIRS = frozenset({("plan", "to"), ("plans", "to"), ("planning", "to"),
                           ("planned", "for"), ("next", "year"), ("next", "month"),
                           ("going", "forward"), ("later", "this")})
_FUTURE_FIRSTS = frozenset(a for a, _ in _FUTURE_PAIRS)


_HEDGES = frozenset("exactly actually really precisely specifically".split())


def _agent(typed: Sequence[str]) -> tuple[str, tuple[str, ...]]:
    """ "Who invited the diplomats?", "who sent out the invitations?": the deed whose doer is
    asked (a verb in the past), and the stems of the content words after it."""
    if "who" in typed and not _HEDGES.isdisjoint(typed):
        # "Who exactly invited them?" asks as "who invited them?" does.
        typed = [w for i, w in enumerate(typed) if not (w in _HEDGES and typed[i - 1] == "who")]
    for i, (word, deed) in enumerate(pairwise(typed)):
        if word != "who":
            continue
        at = i + 1
        if deed in _BE and i + 2 < len(typed) and typed[i + 2].endswith("ing") \
                and len(typed[i + 2]) > 5:
            at, deed = i + 2, typed[i + 2]  # "who is funding ..."
        if (deed in _PAYS and typed[at + 1 : at + 2] and typed[at + 1] in _PAID_IDIOMS) \
                or deed in _SAYING:
            continue  # "who paid a visit"; "who stated that people were invited": the speaker
        if deed not in _AUXILIARIES and (
                (len(deed) > 4 and deed.endswith(("ed", "ing"))) or deed in _IRREGULAR_PAST
                or deed in _PAYS):
            after = typed[at + 1 : at + 1 + _AGENT_REACH]
            return stem(deed), tuple(stem(w) for w in after
                                     if w not in STOPWORDS and w not in _PHRASE_ENDS)
    return "", ()


def _saying_origin(typed: Sequence[str]) -> str:
    """ "Where does the saying come from", "what is the phrase's origin", "who said it
    originally": where a saying began, which the one who uses it need not tell."""
    pairs = set(pairwise(typed))
    if "originally" in typed or "origin" in typed or "origins" in typed \
            or not pairs.isdisjoint(_COMES_FROM):
        return "said"
    return ""


_SAYINGS = frozenset("""saying sayings phrase expression idiom proverb quote quotation slogan
motto line""".split())
_COMES_FROM = frozenset({("come", "from"), ("comes", "from"), ("came", "from")})
_FROM_WHERE = frozenset("originally origin origins from".split())


def _asks_contents(typed: Sequence[str]) -> bool:
    """ "What's on display in the hall", "what does it exhibit", "what exhibits are there":
    what a place shows, which a fact that only names the place does not say."""
    pairs = set(pairwise(typed))
    if not pairs.isdisjoint(_ON_SHOW) or not _SHOWN.isdisjoint(typed):
        return True
    # "what exhibits", "what kind of exhibits": the noun, not "the exhibition hall".
    return any(w == "exhibits" and typed[i - 1 : i] in (["what"], ["of"], ["which"], ["any"])
               for i, w in enumerate(typed))


_ON_SHOW = frozenset({("on", "display"), ("on", "show"), ("on", "exhibit"), ("on", "view"),
                      ("does", "display"), ("does", "exhibit"), ("do", "display")})
_SHOWN = frozenset("displayed exhibited showcased showcases displays".split())
_SHOWING = frozenset(w for pair in _ON_SHOW for w in pair[1:]) | _SHOWN | {"exhibits"}
# A fact that says what a place shows.
_DISPLAY_WORDS = frozenset(stem(w) for w in "display displays showcase exhibits".split()) - {
    stem("exhibition")}
def _asks_hour(pairs: set[tuple[str, str]]) -> bool:
    """ "What time of day", "at what hour": a clock time, which no date gives (not "at the
    time of the interview")."""
    return not pairs.isdisjoint(_HOUR_ASKED) or (
        ("time", "of") in pairs and ("of", "day") in pairs)


_HOUR_ASKED = frozenset({("what", "hour"), ("which", "hour"), ("what", "oclock"),
                         ("exact", "time"), ("opening", "hours"), ("business", "hours"),
                         ("visiting", "hours"), ("working", "hours"), ("office", "hours")})
_CLOCK = frozenset("time hour hours oclock".split())
# Words with which a fact gives a clock time ("10 pm", "GMT"); not "Beijing", which in this
# article is a dateline, nor "am", which is mostly "I am".
_HOURS = frozenset("pm oclock gmt utc".split())


def _origin(typed: Sequence[str]) -> str:
    """ "Who coined the phrase", "who came up with the idea", "whose idea was it": the origin
    of something, as typed."""
    for i, word in enumerate(typed):
        if word not in ("who", "whose"):
            continue
        rest = typed[i + 1 : i + 4]
        if word == "whose" and rest[:1] in (["idea"], ["brainchild"]):
            return "had the idea for"
        if rest[:1] and rest[0] in _ORIGINATES:
            return rest[0]
        if rest[:3] in (["came", "up", "with"], ["come", "up", "with"]):
            return " ".join(rest[:3])
        if rest[:2] in (["thought", "up"], ["dreamed", "up"], ["dreamt", "up"]):
            return " ".join(rest[:2])
        if rest[:2] in (["first", "said"], ["first", "used"], ["first", "proposed"],
                        ["originally", "said"], ["originally", "used"]):
            return rest[1]
        if rest[:1] in (["said"], ["used"]) and "originally" in typed[i + 2 :]:
            return rest[0]  # "who said it originally"
    return ""


# Words with which a fact tells whose idea something was.
_ORIGIN_WORDS = frozenset(stem(w) for w in """coined invented devised originated conceived
pioneered proposed idea brainchild decision decided""".split())
_ORIGINATES = frozenset("""coined coins invented invents devised originated conceived
pioneered proposed introduced""".split())
# A word one of `_origin`'s ways of asking needs: most questions with "who" have none.
_ORIGIN_CUES = _ORIGINATES | frozenset("""idea brainchild came come thought dreamed dreamt first
originally""".split())


# "Who runs/heads/chairs ...": asks for whoever leads it, which a fact gives only with a word
# for a leader ("chairman", "top official").
_LEADS = frozenset("""runs run heads headed leads led chairs chaired governs governed manages
managed oversees oversaw directs directed controls controlled""".split())
# "Who runs this story": a paper runs a story; that is not leading it.
_NOT_LED = frozenset("story stories article articles piece it this report news".split())
LEADERS = frozenset(stem(w) for w in """chairman chairwoman chair head leader leads led official
governor director manager president secretary boss chief premier mayor minister""".split())

# "Bigger than", "more than": a comparison, which a fact must make. Not "other than", "rather
# than", nor a figure's bound ("more than 50 countries" follows a number).
_COMPARING = frozenset("""more less fewer bigger larger smaller higher lower greater faster
slower earlier later older newer longer shorter wider richer poorer busier cheaper better worse
closer farther further biger""".split())
# A change over time compares with before ("rose 45.9 percent": "higher than in 2022?").
_COMPARES = frozenset("""than compared comparison versus yoy rose risen increased increase grew
grown growth fell fallen decreased decline declined record share accounts first progress
improved improve improvement""".split()) \
    | SUPERLATIVES

def _bound(after: Sequence[str]) -> bool:
    return bool(after) and (_number(after[0]) or after[0] in ("a", "an", "half", "double"))


# Paying for something: who did it is asked of a fact that speaks of money or no one.
_PAYS = frozenset("""pays paid paying funds funded funding finances financed financing sponsors
sponsored sponsoring bankrolled bankrolls""".split())
# "Paid a visit", "paid attention": no money.
_PAID_IDIOMS = frozenset("a an attention tribute homage respects heed visit visits".split())
_PAY_STEMS = frozenset(stem(w) for w in _PAYS)
_MONEY = frozenset(stem(w) for w in """pay paid fund funds finance financed investment invest
invested budget cost costs sponsor money""".split())

# Deeds that bring about what a passive tells ("were invited"): whoever did them is its doer.
_ARRANGING = frozenset(stem(w) for w in """organised organized arranged planned selected chose
chosen sent coordinated approved authorised authorized ordered initiated decided
picked invited launched founded created proposed established""".split()) \
    | frozenset(stem(w) for w in _PAYS)

_SAYING = frozenset("""said stated claimed mentioned reported told noted announced explained
added argued wrote described called talked spoke discussed referred commented""".split())

_AGENT_REACH = 6
# "The first time", "the first half": when, not which thing of a rank.
_RANK_NOT_THING = _TIMES | frozenset("half place one ones".split())
_DEED_STEM = 5  # letters of a deed's stem that a word made from it begins with ("invit")
_IRREGULAR_PAST = frozenset("""sent made gave took wrote led ran built chose brought paid put set
drew held began sought won""".split())


def _voice(typed: Sequence[str]) -> tuple[str, ...]:
    """ "What did the diplomats say/think ...", "how did the West react": whose words or
    view are asked (the content words between the auxiliary and the verb)."""
    typed = [w for w in typed if w not in _EMPHASIS]  # "what exactly did they say"
    for i, word in enumerate(typed):
        if word in ("what", "how") and typed[i + 1 : i + 2] in (["did"], ["do"], ["does"]):
            for j in range(i + 2, min(i + 2 + _VOICE_REACH, len(typed))):
                if typed[j] in _VOICED:
                    # People in the plural ("the diplomats", "Western countries"): one
                    # person asked of may be the speaker under another name ("the official").
                    return tuple(w for w in typed[i + 2 : j]
                                 if w not in STOPWORDS and w not in FILLERS
                                 and w not in _DEFINITE and w not in _SPEAKING_FOR
                                 and (_plural(w) or w == "people" or w in _BYSTANDERS))
    return ()


_VOICE_REACH = 9
# Who may speak for a place ("what did the authorities say"): not someone else's voice.
_SPEAKING_FOR = PLACES | frozenset("authorities officials leaders governments".split())
_VOICED = frozenset("say think feel believe claim".split())
# ... or one person of a kind that speaks for no one ("what did the staff member say").
_BYSTANDERS = frozenset("""staff member worker employee visitor tourist investor diplomat
representative farmer expert scholar resident student""".split())


def _part_of(typed: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """ "How much of the 357 billion yuan", "what share of the 18 ports": a figure the reader
    already has, and a part of it asked."""
    out = []
    for i, word in enumerate(typed):
        if word == "of" and i > 0 and typed[i - 1] in _PART:
            for j in range(i + 1, min(i + 1 + _PART_REACH, len(typed))):
                if any(ch.isdigit() for ch in typed[j]):
                    unit = list(takewhile(lambda w: w in _AMOUNT_WORDS, typed[j + 1 : j + 3]))
                    out.append((typed[j], " ".join([typed[j], *unit])))
    return tuple(out)


def _which(typed: Sequence[str]) -> list[tuple[list[str], str]]:
    """The phrases naming what is to be singled out, each with how it is asked: "which",
    "name" ("the name of ...") or "who" ("who is the ...")."""
    out: list[tuple[list[str], str]] = []
    for i, word in enumerate(typed):
        if word == "which":
            out.append((_phrase(typed, i + 1), "which"))
        elif word == "what" and i + 1 < len(typed):
            nxt = typed[i + 1]
            # "What countries": a plural asks which ones; "what role" or "what kind of
            # ports" asks what it is like, which a modifier may say ("land ports").
            if nxt not in _KIND_OF and (_plural(nxt) or nxt in _SUBPLACES):
                out.append((_phrase(typed, i + 1), "which"))  # ... and "what district"
            elif nxt not in _AUXILIARIES and nxt not in STOPWORDS and nxt not in _KIND_OF \
                    and nxt.isalpha():
                # "What Xinjiang products": modifiers, then the plural that is asked for.
                phrase = _phrase(typed, i + 1)
                if len(phrase) > 1 and _plural(phrase[-1]) and phrase[0] == nxt:
                    # ... a noun, as the word after it tells: "products are", "countries
                    # imposed"; "what company runs the zone" ends in a verb.
                    after = typed[i + 1 + typed[i + 1 :].index(phrase[-1]) + 1 :][:1]
                    if not after or after[0] in _AUXILIARIES or after[0] in _EMPHASIS \
                            or after[0].endswith("ed"):
                        out.append((phrase, "which"))
        elif word in ("name", "names") and typed[i + 1 : i + 2] == ["of"] \
                and typed[max(0, i - 2) : i] != ["in", "the"]:  # not "in the name of"
            out.append((_phrase(typed, i + 2), "name"))
        elif word in ("name", "list") and (i == 0 or typed[i - 1] in _ASKING) \
                and typed[i + 1 : i + 2] != ["of"]:
            out.append((_phrase(typed, i + 1), "list"))  # "can you name the 18 ports"
        elif word == "who":
            rest = [w for w in typed[i + 1 : i + 5] if w not in _EMPHASIS]
            if rest[:2] in (["is", "the"], ["was", "the"], ["are", "the"], ["were", "the"]):
                start = typed.index(rest[1], i + 1) + 1
                out.append((_phrase(typed, start), "who"))
    return out


_WH = frozenset("who whom whose which what when where why how".split())
# Before an imperative "name"/"list": the question starts there ("can you name ...").
_ASKING = frozenset("you please pls plz".split())
_EMPHASIS = frozenset("exactly actually really precisely".split())


def _phrase(typed: Sequence[str], start: int) -> list[str]:
    """Up to three content words from `start`, to the first plural: "which (of the 18)
    Western countries"."""
    out: list[str] = []
    reach = typed[start : start + _PHRASE_REACH]
    for i, word in enumerate(reach):
        if word in _AUXILIARIES or (out and (word in STOPWORDS or word in _VERBS)):
            break
        if out and (word in _IRREGULAR_PAST or (word.endswith("ed") and len(word) > 4 and (
                reach[i + 1 : i + 2] == [] or reach[i + 1] in _AFTER_VERB))):
            break  # "which government made the decision": its verb, not the thing
        if word in STOPWORDS or word in _DEFINITE or word in INDEFINITE or _number(word):
            continue
        out.append(word)
        if len(out) == _PHRASE_WORDS or _plural(word):  # "which Western countries": the head noun
            break
    return out


# After a verb in the past, not after an adjective in -ed ("which sanctioned products").
_AFTER_VERB = frozenset("the a an by to in on at for with this that it them".split())


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is"))


def _number(word: str) -> bool:
    return word.isdigit() or word in NUMBER_WORDS


@dataclass(frozen=True)
class Profile:
    """What one fact's own text (answer and quotes) says, as far as `Asks` needs."""

    words: frozenset[str]  # every word, lower case, and its stem
    vague: dict[str, str]  # stem -> the phrase, for things mentioned only indefinitely
    # stem -> the phrase, for things listed in part ("eight countries including ...").
    partial: dict[str, str] = field(default_factory=dict)
    # The halves of a total ("total imports and exports"): (stem, stem, the phrase).
    totals: tuple[tuple[str, str, str], ...] = ()
    # Deeds told without their doer ("were invited to"): stem -> the phrase.
    passive: dict[str, str] = field(default_factory=dict)

    # Whether it gives a day of a month ("Dec 19, 2023", "7 March 2024").
    dated: bool = False
    # The ranks the article's own words give ("second highest"): not the operator's answer,
    # which may say "the article does not say which was first".
    ranks: frozenset[str] = frozenset()
    # Whether its words name a person ("Erkin Tuniyaz") or a body ("Xinhua", "the central
    # government"): who or which organisation did something.
    names_person: bool = False
    names_body: bool = False
    # stem -> (the stems of its modifiers, the phrase), for a plural named only by its kind
    # ("Central Asian countries"): it tells "which countries" (Central Asian ones), but not
    # "which Central Asian countries".
    kinds: dict[str, tuple[frozenset[str], str]] = field(default_factory=dict)
    # rank -> (the stems of its scope, the phrase): "first" "in China's northwestern border
    # regions", which "China's first FTZ" does not ask.
    scopes: dict[str, tuple[frozenset[str], str]] = field(default_factory=dict)
    # The words written as names, and addresses ("http..."), that may say where something is.
    places: frozenset[str] = frozenset()
    # In the article's own words, the names and figures: the details it gives.
    details: frozenset[str] = frozenset()
    # The bodies it names without a capital ("the central government"), when it names none
    # with one.
    bodies: frozenset[str] = frozenset()

    @property
    def future(self) -> bool:
        """Whether it speaks of what is to come ("will", "is expected to")."""
        return not self.words.isdisjoint(_SPEAKS_OF_FUTURE)


def profile(answer: str, quotes: Sequence[str], *,
            ubiquitous: frozenset[str] = frozenset(),
            people: frozenset[str] = frozenset()) -> Profile:
    """Vagueness from the article's own words (the quotes): the operator's answer may say
    "the article does not say which region", which names nothing. `ubiquitous`: the stems of
    the words of half the facts or more ("xinjiang"), which single nothing out: in a bare
    plural ("Xinjiang-related products") they say no more than "products"."""
    # Words as the question's are made (normalize.tokens: "12,000" is "12000").
    words: set[str] = {w for text in (answer, *quotes) for t in tokens(text)
                       for w in (t, stem(t))}
    vague: dict[str, str] = {}
    kinds: dict[str, tuple[frozenset[str], str]] = {}
    named: set[str] = set()
    partial: dict[str, str] = {}
    for text in quotes:
        spans = [m.span() for m in _WORD.finditer(text)]
        lower = [text[a:b].lower() for a, b in spans]
        for i, word in enumerate(lower):
            if not word[0].isalnum():
                continue
            key = stem(word)
            listed = _listed(lower, i)
            if listed is not None:
                begin = spans[_phrase_start(lower, i)][0]
                partial.setdefault(key, text[begin : spans[listed - 1][1]])
            if word in STOPWORDS:
                continue
            determiner = _determiner(lower, i)
            if determiner is None:
                generic = _generic(lower, i, ubiquitous)
                clause = _told_by_clause(lower, i) if generic is None else None
                if clause is not None:
                    # "the lies that they hear about it": which lies, the clause does not say.
                    vague.setdefault(key, text[spans[i - 1][0] : spans[clause][1]])
                elif generic is None:
                    named.add(key)
                elif key not in vague:
                    vague[key] = text[spans[generic][0] : spans[i][1]]
            elif key not in vague:
                vague[key] = text[spans[determiner][0] : spans[i][1]]
    totals = totals_in((answer, *quotes))
    passive: dict[str, str] = {}
    for text in quotes:
        lower = [w.lower() for w in _WORD.findall(text)]
        for i, word in enumerate(lower[1:], start=1):
            if lower[i - 1] in _BE and word.endswith("ed") and "by" not in lower[i + 1 : i + 5]:
                passive.setdefault(stem(word), f"{lower[i - 1]} {word}")
    # Kinds in the operator's answer too: it names no more than the article does.
    for text in (*quotes, answer):
        spans = [m.span() for m in _WORD.finditer(text)]
        lower = [text[a:b].lower() for a, b in spans]
        for i, word in enumerate(lower):
            if word[0].isalnum() and word not in STOPWORDS and _determiner(lower, i) is None \
                    and _generic(lower, i, ubiquitous) is None:
                kind = _kind_only(lower, i)
                if kind is not None:
                    kinds.setdefault(stem(word), (
                        frozenset(stem(w) for w in lower[kind:i] if w not in _SAYS_NOTHING),
                        text[spans[kind][0] : spans[i][1]]))
    dated = any(_dated(tokens(text)) for text in (answer, *quotes))
    ranks = frozenset(w for text in quotes for w in tokens(text) if w in ORDINALS)
    scopes = {o: found for text in quotes for o, found in _rank_scopes(text, ubiquitous)
              if o in ranks}
    names_person = not words.isdisjoint(people)
    # In the article's own words: the operator's answer names the paper ("According to ...").
    capitalised = any(_capitalised_name(text, ubiquitous | people) for text in quotes)
    names_body = not words.isdisjoint(_BODY_WORDS) or capitalised
    # A thing listed in part is named in part: "which countries" gets the list.
    return Profile(frozenset(words), {k: v for k, v in vague.items()
                                      if k not in named and k not in partial},
                   partial, totals, passive, dated, ranks, names_person, names_body,
                   {k: v for k, v in kinds.items() if k not in partial}, scopes,
                   _places((answer, *quotes)),
                   frozenset(w for w in _places(quotes, ubiquitous)
                             if not w.endswith(_ADJECTIVAL))
                   | {w for text in quotes for w in tokens(text)
                      if any(ch.isdigit() for ch in w)}
                   # ... and a list is details ("railway, road and civil aviation networks")
                   | ({_LISTED} if any(_ENUMERATION.search(text) for text in quotes) else set()),
                   frozenset() if capitalised else frozenset(words & _BODY_WORDS))


def _rank_scopes(text: str, ubiquitous: frozenset[str]) -> list[tuple[str, _Scope]]:
    """Each rank the text gives with the scope it holds in ("the first in China's
    northwestern border regions"): the words after its "in", less the nation's and those in
    half the facts, and the phrase."""
    spans = [m.span() for m in _WORD.finditer(text)]
    lower = [text[a:b].lower() for a, b in spans]
    out = []
    for i, word in enumerate(lower):
        if word not in ORDINALS:
            continue
        at = next((j for j in range(i + 1, min(i + _SCOPE_REACH, len(lower)))
                   if lower[j] == "in"), None)
        if at is None or any(not w[0].isalnum() for w in lower[i:at]):
            continue
        end = at + 1
        while end < len(lower) and lower[end][0].isalnum() and end <= at + _SCOPE_REACH:
            end += 1
        words = frozenset(_canonical_stem(w) for w in lower[at + 1 : end]
                          if w not in STOPWORDS and w not in _NATIONS
                          and stem(w) not in ubiquitous)
        if words:
            out.append((word, (words, text[spans[at][0] : spans[end - 1][1]])))
    return out


def _asks_scope(typed: Sequence[str]) -> bool:
    """ "What is it the first of?", "in which regions is it the first", "where is it first":
    the scope itself asked."""
    return typed[-1:] in (["of"], ["in"]) or "where" in typed \
        or not set(pairwise(typed)).isdisjoint(_SCOPE_ASKED)


_SCOPE_ASKED = frozenset({("in", "which"), ("in", "what"), ("of", "what"), ("of", "which"),
                          ("what", "first"), ("first", "what")})  # "first what, exactly?"


def _canonical_stem(word: str) -> str:
    return stem(_CANONICAL.get(word, word))


_SCOPE_REACH = 6
_Scope = tuple[frozenset[str], str]
_NATIONS = frozenset("china chinas china's country nation".split())
_SCOPE_NAMES = _NATIONS | frozenset("""countrys nations national nationally nationwide world
worlds ever history global globally xinjiang xinjiangs region regions regional province
provinces north south east west northern southern eastern western northwest northwestern
northeast southwest southeast border borders asia asian central""".split())


def _kind_only(lower: Sequence[str], i: int) -> int | None:
    """Where its modifiers begin, when the noun at `i` is a plural without a determiner,
    narrowed only by words before it ("trade between Xinjiang and Central Asian countries
    increased"): not by a name after it ("diplomats affiliated with the SCO") nor a list."""
    if not _plural(lower[i]) or not lower[i].isalpha() or (lower[i + 1 : i + 2] and (
            lower[i + 1] in _NARROWING)):
        return None
    j = i
    while j > 0 and j > i - _LOOK_BACK and lower[j - 1].isalpha() \
            and lower[j - 1] not in STOPWORDS and lower[j - 1] not in _DEFINITE \
            and not lower[j - 1].endswith(("ly", "ed")):  # a verb's, not the noun's
        j -= 1
    if j == i or (lower[j - 1 : j] and (lower[j - 1] in _DEFINITE or _number(lower[j - 1]))):
        return None
    return j


_NARROWING = frozenset("""and or of from in with affiliated who that which including such like at
on across between among""".split())

def _generic(lower: Sequence[str], i: int, ubiquitous: frozenset[str]) -> int | None:
    """Where the phrase begins, when the noun at `i` is a bare plural whose modifiers single
    nothing out ("Xinjiang-related products", "products"): things of a kind, none of them
    named. Not one with a modifier that narrows it ("Central Asian countries")."""
    if not _plural(lower[i]) or not lower[i].isalpha():
        return None
    for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
        word = lower[j]
        if word in _PREPOSITIONS or lower[j - 2 : j + 1] == ["as", "well", "as"]:
            # After a preposition: a noun, not a verb ("it shares borders"); so after "as
            # well as" in a list ("road networks, as well as pipelines").
            return j + 1
        if word in _DEFINITE or word in INDEFINITE or _number(word) or word in STOPWORDS \
                or not word[0].isalnum():
            return None  # a determiner or count (`_determiner` judges it), or no phrase
        if not all(part in _SAYS_NOTHING or stem(part) in ubiquitous for part in word.split("-")):
            return None
    return None


def _told_by_clause(lower: Sequence[str], i: int) -> int | None:
    """Where the clause ends, when the noun at `i` is a plural told only by a relative clause
    of what someone does with it, naming nothing: "the lies that they hear about it"."""
    if i == 0 or lower[i - 1] != "the" or not _plural(lower[i]) \
            or lower[i + 1 : i + 2] not in (["that"], ["which"]) \
            or lower[i + 2 : i + 3] not in [[p] for p in _CLAUSE_SUBJECTS]:
        return None
    end = i + 3
    while end < len(lower) and end < i + _PHRASE_REACH and lower[end] not in _CLAUSE_ENDS \
            and lower[end] != ",":
        end += 1
    return end - 1


_CLAUSE_SUBJECTS = frozenset("they we he she people you".split())


# Not "of": "a series of sanctions" is counted by the phrase before it.
_PREPOSITIONS = frozenset("""on in for to with about from at against over under among between
into onto""".split())
# Modifiers that do not narrow a kind of thing ("related products", "relevant departments").
_SAYS_NOTHING = frozenset("related relevant certain various different such other".split())


def _capitalised_name(text: str, known: frozenset[str]) -> bool:
    """A word written as a name, not first in its sentence, that is not the knowledge base's
    own subject nor a person: "Xinhua", "Daily", not "Xinjiang", "March"."""
    for match in _NAME_WORD.finditer(text):
        if match.start() == 0 or text[: match.start()].rstrip()[-1:] in ".!?\"":
            continue
        word = match.group().lower()
        if word not in known and stem(word) not in known and word not in _MONTHS:
            return True
    return False


_NAME_WORD = re.compile(r"\b[A-Z][a-z]+\b")


def _places(texts: Sequence[str], ubiquitous: frozenset[str] = frozenset()) -> frozenset[str]:
    """The words (lower case) written as names, not first in a sentence nor the source's
    ("According to China Daily, ..."), nor months, and any web address: where a fact may
    say something is. With `ubiquitous` (for a fact's details), a sentence may begin with
    one that half the facts name ("Xinjiang currently has ...")."""
    found = set()
    for text in texts:
        if "http" in text or "www." in text:
            found.add("http")
        text = _ATTRIBUTION.sub("", text)
        skipped = -2  # where the last name skipped ends: "Erkin Tuniyaz" goes with "Erkin"
        for match in _NAME_WORD.finditer(text):
            first = match.start() == 0 or text[: match.start()].rstrip()[-1:] in ".!?\"\u201c"
            if match.start() == skipped + 1 or (first and not (
                    stem(match.group().lower()) in ubiquitous
                    and not _NAME_WORD.match(text, match.end() + 1))):
                # (first in a sentence, a name only when the facts say it often and it stands
                # alone: "Xinjiang currently has", not "China Daily published")
                skipped = match.end()
                continue
            word = match.group().lower()
            if word not in _MONTHS:
                found.add(word)
    return frozenset(found)


_ATTRIBUTION = re.compile(r"^According to [^,]*,\s*")
_ENUMERATION = re.compile(r"\b\w+, \w+(?: \w+)?,? (?:and|or) \w+")
_LISTED = "#list"  # among a fact's details: it lists things


def _dated(words: Sequence[str]) -> bool:
    """A day of a month: a number of one or two digits beside a month ("Dec 19", "7 March")."""
    return any(w in _MONTHS and any(n.isdigit() and len(n) <= 2
                                    for n in words[max(0, i - 1) : i + 2])
               for i, w in enumerate(words))


def totals_in(texts: Iterable[str]) -> tuple[tuple[str, str, str], ...]:
    """The totals of two things the texts give: (stem, stem, the phrase)."""
    texts = list(texts)
    found = {(stem(m.group(2).lower()), stem(m.group(3).lower()), m.group(1))
             for text in texts if " and " in text for m in _TOTAL.finditer(text)}
    # A region's trade is its imports and exports together: "Xinjiang's main imports" of
    # "80 percent of Xinjiang's total foreign trade" asks half of it (not of a "free trade
    # zone", which is no sum).
    if not any(_HALVES.search(text) for text in texts):
        trade = next((m.group() for text in texts for m in _TRADE.finditer(text)
                      if _ACTIVITY.isdisjoint(text[: m.start()].lower().split()[-2:])), None)
        if trade is not None:
            found.add((_IMPORT, _EXPORT, trade))
    return tuple(sorted(found))


_HALVES = re.compile(r"\b(?:imports?|exports?)\b", re.IGNORECASE)
_TRADE = re.compile(r"\b(?:(?:total|overall)\s+)?(?:foreign\s+)?trade\b(?!\s+zones?)",
                    re.IGNORECASE)
_IMPORT, _EXPORT = stem("imports"), stem("exports")
# ... the sum, not the activity ("ports catering to foreign trade").
_ACTIVITY = frozenset({"to"})


def _listed(lower: Sequence[str], i: int) -> int | None:
    """Where the list ends, when the noun at `i` is followed by a partial one: "eight
    countries including Kazakhstan, Tajikistan and Pakistan"."""
    rest = " ".join(lower[i + 1 : i + 4]).replace(" ,", "")
    if not any(rest.startswith(cue) or rest.startswith(", " + cue) for cue in _LISTS):
        return None
    end = i + 1
    while end < len(lower) and end <= i + _LIST_WORDS and lower[end] not in _CLAUSE_ENDS:
        end += 1
    return end


def _phrase_start(lower: Sequence[str], i: int) -> int:
    """The start of the noun phrase ending at `i`: its determiner or count, if close."""
    for j in range(i - 1, max(-1, i - 1 - _LOOK_BACK), -1):
        word = lower[j]
        if word in _PHRASE_ENDS or not word[0].isalnum():
            return j + 1
        if word in INDEFINITE or word in _DEFINITE or _number(word):
            return j
    return i


def _determiner(lower: Sequence[str], i: int) -> int | None:
    """Where the indefinite determiner of the noun at `i` is, if it has one. A count is one
    too: "18 land ports" says how many, not which ("the names of the 18 land ports")."""
    reach = _LOOK_BACK
    for j in range(i - 1, -1, -1):
        if j < i - reach:
            return None
        word = lower[j]
        if word in INDEFINITE or (_count(lower, j) and j == i - 1 - _adjectives(lower, j, i)
                                  and lower[i] not in _AMOUNT_WORDS
                                  and not lower[i].endswith(("ing", "ed"))):
            return j
        if word == "and" and j > 0 and j + 2 < i and reach == _LOOK_BACK \
                and all(w[0].isalpha() and w not in STOPWORDS and w not in _PHRASE_ENDS
                        for w in (lower[j - 1], lower[j + 1])):
            # "an agriculture science and technology exhibition hall": two modifiers joined
            # inside the phrase, not two clauses ("sanctions and trade rose").
            reach += 2
            continue
        if word in _DEFINITE or word in _PHRASE_ENDS or _number(word) or not word[0].isalnum():
            return None
    return None


def _count(lower: Sequence[str], j: int) -> bool:
    """A whole number of things ("18", "eight"), not a year, an amount or a share ("45.9")."""
    word = lower[j]
    if j > 0 and lower[j - 1] in (".", ","):
        return False
    return word in _COUNT_WORDS or (word.isdigit() and len(word) < 4)


_COUNT_WORDS = frozenset("""two three four five six seven eight nine ten eleven twelve dozen
dozens hundreds""".split())


def _adjectives(lower: Sequence[str], j: int, i: int) -> int:
    """How many words between the count at `j` and the noun at `i` (at most one: "18 land
    ports"); more would be "357 billion yuan"-like amounts, not a count of things."""
    between = lower[j + 1 : i]
    if len(between) > 1 or any(w in _AMOUNT_WORDS or not w[0].isalpha() for w in between):
        return -1
    return len(between)


def _derived(key: str, vague: dict[str, str]) -> str | None:
    """The phrase of a vague word made from the same one ("province": "a provincial-level
    region"): a stem of `_DERIVED` letters or more that one begins with."""
    if len(key) < _DERIVED:
        return None
    for word, phrase in vague.items():
        for part in word.split("-"):
            if len(part) >= _DERIVED and (part.startswith(key) or key.startswith(part)):
                return phrase
    return None


# A decision tells who approved, chose or ordered it ("a key decision made by the central
# government": "who approved the FTZ").
_DECIDING = frozenset(stem(w) for w in """approved authorised authorized ordered decided chose
chosen picked selected established launched founded created""".split())
_DECISIONS = frozenset("decision decisions decided decide".split())
_PAST = {"decide": "decided", "approve": "approved", "adopt": "adopted", "agree": "agreed",
         "resolve": "resolved", "vote": "voted on", "voted": "voted on",
         "conclude": "concluded"}
_WHERE = frozenset("where wheres located location situated venue".split())
_LOCATING = _WHERE - {"where", "wheres"}
_PROPORTIONS = frozenset("share percentage proportion fraction percent portion".split())
_PROPORTION_ASKED = frozenset((a, b) for a in ("what", "which", "whats", "the")
                              for b in _PROPORTIONS)
# Words with which a fact gives a part of a whole.
_PARTS = frozenset("percent % pct half quarter third fraction proportion majority".split())
# Names of kinds, not of things: "some Western political forces", "Central Asian countries".
_ADJECTIVAL = ("ern", "ese", "ian", "ean", "ish")
_DETAILED = frozenset("""specific specifically exactly precisely concrete concretely detailed
complete full""".split())
# ... but "what exactly did he say" asks his words, which a saying gives.
_QUOTED = frozenset("""say said says saying quote quoted words word call called mean meant
describe described put""".split())
_DETAIL_ASKERS = frozenset("what whats which who whom where how list name".split())
_WHERE_REACH = 3
# "Where does it rank", "where do things stand": no place asked.
_NOT_WHERE = frozenset("rank ranks ranked ranking stand stands standing".split())


def _locates(places: frozenset[str], asked: Sequence[str]) -> bool:
    """Whether a fact's places (or an address) tell more than the question's words: "Changji"
    does, "Xinjiang" not to "where in Xinjiang", "Central Asian" not to "Central Asia"."""
    return any(not any(p == a or p == stem(a) or (len(a) >= _PLACE_PREFIX and p.startswith(a))
                       for a in asked) for p in places)


_PLACE_PREFIX = 4
# What a body does with a question put to it ("what did the congress approve").
_OUTCOMES = frozenset("""decide decided approve approved adopt adopted agree agreed resolve
resolved vote voted conclude concluded""".split())
# Deeds a fact may tell in other words: whoever "welcomes" people to come invites them (now:
# "who invited" asks who did, which a welcome does not tell).
_DEED_KIN = {stem("invited"): frozenset(stem(w) for w in "welcomes welcome welcomed".split())}
_DERIVED = 6
# Letters of a deed's stem that a word made from it shares ("decid": "decision").
_DEED_PREFIX = 4
REASONS = frozenset({"which", "superlative", "relation", "partial", "part", "rank", "agent",
                     "future", "day", "others", "leader", "unranked", "payer",
                     "comparison", "entity", "origin", "doer", "contents", "hour", "scope",
                     "outcome", "where", "details", "proportion"})


def veto(question: Asks, fact: Profile) -> tuple[str, str] | None:
    """Why the fact cannot answer what the question singles out, and the words to name: a
    reason of REASONS and the fact's phrase or the question's word."""
    # "Which region had the second highest growth?" of the fact that ranks it second: the
    # rank singles it out, however vaguely the fact names the field.
    ranked = bool(question.ordinals) and not fact.ranks.isdisjoint(question.ordinals)
    for key in () if ranked else reversed(question.which):  # the head noun comes last
        found = fact.vague.get(key) or _derived(key, fact.vague)
        if found:
            # The whole phrase: "a provincial-level region", not "a provincial-level".
            return "which", max((p for p in fact.vague.values() if p.startswith(found)), key=len)
        kind = fact.kinds.get(key)
        if kind is not None and kind[0] <= set(question.which):
            # "Which Central Asian countries ...?" of "Central Asian countries": no more.
            return "which", kind[1]
    # Any ranking in the fact may be the one asked ("most senior" and "top official").
    if question.superlatives and fact.words.isdisjoint(RANKINGS):
        return "superlative", question.superlatives[0]
    if question.superlatives and fact.words.isdisjoint(_MAGNITUDES) \
            and _SIZES.issuperset(question.superlatives):
        # "The largest FTZ in China?" of "the first in ...": an order, not a size.
        return "superlative", question.superlatives[0]
    for key in question.every:
        if key in fact.partial:
            return "partial", fact.partial[key]
    for number, typed in question.part_of:
        if number in fact.words:
            return "part", typed
    for a, b, phrase in fact.totals:
        # "How much did Xinjiang export?" of "total imports and exports": one half of it;
        # "imports vs exports", "a breakdown of imports and exports": the halves apart.
        if (a in question.stems) != (b in question.stems) or (
                a in question.stems and b in question.stems
                and not question.stems.isdisjoint(_APART)) \
                or not question.stems.isdisjoint(_NET):
            return "part", f"\u201c{phrase}\u201d"
    for word in question.relations:
        if word not in fact.words:
            return "relation", word
    if question.future and not fact.future:
        return "future", ""
    if question.day and not fact.dated:
        return "day", ""
    if question.contents and fact.words.isdisjoint(_DISPLAY_WORDS):
        return "contents", ""
    if question.hour and fact.words.isdisjoint(_HOURS):
        return "hour", ""
    if question.others and fact.words.isdisjoint(("other", "others")) \
            and not fact.words.isdisjoint(question.others):
        # "Which other regional leaders ...?" of a fact that names only the one.
        return "others", ""
    if question.entity and stem(question.entity) not in fact.words and not (
            fact.names_person if question.entity in _PERSON_KINDS else fact.names_body):
        # "Which company built the land ports?" of a fact that names no one.
        return "entity", question.entity
    if question.entity in _BODY_KINDS and stem(question.entity) not in fact.words \
            and fact.bodies and fact.bodies <= question.known:
        # "Which central government ministry approved it?" of "a decision made by the central
        # government": the body the question names already, not which part of it.
        return "entity", question.entity
    if question.proportion and fact.words.isdisjoint(_PARTS):
        # "What share of the trade is with Kazakhstan?" of a fact that "shares borders".
        return "proportion", ""
    if question.details and not _locates(fact.details, question.details):
        # "What specific improvements has Xinjiang made?" of "significant and obvious
        # progress": nothing named, no figure.
        return "details", ""
    if question.where and not _locates(fact.places, question.where):
        # "Where are Xinjiang's 18 land ports?" of "Xinjiang has 18 land ports": no place
        # but the one asked in.
        return "where", ""
    if question.outcome and fact.words.isdisjoint(_DECISIONS) \
            and stem(question.outcome) not in fact.words:
        # "What did the January session decide?" of a fact that tells only who sat in on it.
        return "outcome", _PAST.get(question.outcome, question.outcome)
    if question.origin and fact.words.isdisjoint(_ORIGIN_WORDS):
        # "Who coined the phrase 'golden channel'?" of a fact in which someone uses it.
        return "origin", question.origin
    if question.compares and fact.words.isdisjoint(_COMPARES):
        # "Is Horgos bigger than Kashgar?" of a fact that names both and compares nothing.
        return "comparison", question.compares
    if question.leader and fact.words.isdisjoint(LEADERS) \
            and stem(question.leader) not in fact.words:
        # "Who runs the zone?" of a fact that names no one who leads anything (but "who runs
        # the campaigns" of one in which forces "run smear campaigns" may say who).
        return "leader", question.leader
    if question.agent in _PAY_STEMS and fact.words.isdisjoint(_MONEY):
        # "Who paid for the trips?" of a fact that speaks of no money.
        return "payer", ""
    if question.agent in _ARRANGING and fact.passive and question.agent not in fact.words:
        # "Who organised the visits?" of a fact that tells only that people "were invited":
        # neither that deed nor its doer is given (not "who attended": those it may name).
        return "agent", next(iter(fact.passive.values()))
    if question.agent in _ARRANGING and not any(
            w.startswith(question.agent[:_DEED_PREFIX]) for w in fact.words) and not (
            question.agent in _DECIDING and not fact.words.isdisjoint(_DECISIONS)) and (
            question.agent_past or fact.words.isdisjoint(_DEED_KIN.get(question.agent, ()))):
        # "Who chose Urumqi as the capital?" of a fact that tells of no choosing at all.
        return "doer", ""
    for deed in (question.agent, *question.agent_of) if question.agent else ():
        for done, phrase in fact.passive.items():
            # The deed or a word made from it: "invitations" of "were invited".
            if deed == done or (len(done) >= _DEED_STEM and deed.startswith(done)):
                return "agent", phrase
    for rank in fact.ranks.intersection(question.ordinals) if question.scope else ():
        held = fact.scopes.get(rank)
        if held is not None and held[0].isdisjoint(question.scope):
            # "China's very first free trade zone" of "the first in China's northwestern
            # border regions": first only there.
            return "scope", held[1]
    if question.ordinals and fact.ranks.isdisjoint(question.ordinals):
        # "The second free trade zone" of a fact about "the first" ...
        ranks = sorted(fact.ranks)
        if ranks:
            return "rank", ranks[0]
        # ... or "the first sanctions" of a fact that ranks nothing.
        if question.ranked:
            return "unranked", question.ranked
    return None
