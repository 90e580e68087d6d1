"""Questions that ask a fact to single out more than it does (bot/identity.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import write_kb

from bot import identity
from bot.engine import Engine
from bot.loader import load_knowledge
from bot.matching import analyse
from bot.model import Kind
from bot.normalize import stem, tokens

SOURCE = """\
source:
  id: daily-2
  title: "Ferry line opens to the islands"
  publisher: Test Daily
  published: "2024-05-01"
  url: https://example.org/islands
  authors: [Ann Writer]
  speakers:
    - {id: article, name: Test Daily}
  paragraphs:
    - "Some neighbouring towns have criticised the ferry line."
    - "The ferry stops at four islands, including Gull Island and Rock Island."
    - "The line carried 12,000 passengers in its first month."
    - "A deckhand greets every passenger."
topics:
  - {id: ferry, title: The ferry line}
"""

FACTS = """\
facts:
  - id: critics
    topic: ferry
    speaker: article
    questions: ["Who criticised the ferry?", "ferry critics", "did anyone criticise the ferry line",
                "criticism of the ferry", "is the ferry line criticised"]
    answer: According to Test Daily, some neighbouring towns have criticised the ferry line.
    citations:
      - {source: daily-2, paragraph: 1, quote: "Some neighbouring towns have criticised the ferry line."}
  - id: islands
    topic: ferry
    speaker: article
    questions: ["Where does the ferry stop?", "ferry stops", "how many islands does the ferry serve",
                "ferry islands", "which places does the ferry call at"]
    answer: According to Test Daily, the ferry stops at four islands, including Gull Island and Rock Island.
    citations:
      - {source: daily-2, paragraph: 2, quote: "The ferry stops at four islands, including Gull Island and Rock Island."}
  - id: passengers
    topic: ferry
    speaker: article
    questions: ["How many passengers did the ferry carry?", "ferry passengers", "number of passengers",
                "passengers in the first month", "how busy was the line"]
    answer: According to Test Daily, the line carried 12,000 passengers in its first month.
    citations:
      - {source: daily-2, paragraph: 3, quote: "The line carried 12,000 passengers in its first month."}
  - id: deckhand
    topic: ferry
    speaker: article
    questions: ["Who greets the passengers?", "deckhand", "who welcomes people on board",
                "greeting on the ferry", "is anyone welcoming passengers"]
    answer: According to Test Daily, a deckhand greets every passenger.
    citations:
      - {source: daily-2, paragraph: 4, quote: "A deckhand greets every passenger."}
"""


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    return Engine(load_knowledge(write_kb(tmp_path / "kb", source=SOURCE, facts=FACTS)))


@pytest.mark.parametrize(
    ("question", "fact"),
    [
        ("Who criticised the ferry?", "critics"),  # an alternate: the operator's choice
        ("did any towns criticise the ferry line", "critics"),
        ("Which islands does the ferry stop at?", "islands"),  # named, if not all of them
        ("how many islands does the ferry stop at", "islands"),
        ("How many passengers did the ferry carry in its first month?", "passengers"),
        ("who greets passengers on the ferry", "deckhand"),
    ],
)
def test_what_the_fact_gives_is_answered(engine: Engine, question: str, fact: str) -> None:
    reply = engine.answer(question)
    assert reply.answered, reply.text
    assert reply.fact is not None
    assert reply.fact.id == fact


@pytest.mark.parametrize(
    ("question", "says"),
    [
        ("Which neighbouring towns criticised the ferry line?",
         "it speaks only of \u201cSome neighbouring towns\u201d"),
        ("what towns have criticised the ferry", "Some neighbouring towns"),
        ("What is the name of the deckhand who greets passengers?", "A deckhand"),
        ("Name all four islands the ferry stops at",
         "names only some: \u201cfour islands, including Gull Island and Rock Island\u201d"),
        ("Which island stop of the ferry is the busiest?", "\u201cbusiest\u201d"),
        ("Did anyone greet passengers before him?", "\u201cbefore\u201d"),
    ],
)
def test_what_the_fact_does_not_single_out_is_declined(engine: Engine, question: str,
                                                        says: str) -> None:
    reply = engine.answer(question)
    assert reply.kind is Kind.DECLINE, reply.text
    assert says in reply.text


@pytest.mark.parametrize(
    ("question", "which", "superlatives", "relations", "every", "part_of"),
    [
        ("which western countries imposed sanctions", ("western", "countries"), (), (), (), ()),
        ("what crops were on display", ("crops",), (), (), (), ()),
        ("what role does the zone play", (), (), (), (), ()),  # a description, not which one
        ("what kind of frontier is it", (), (), (), (), ()),
        ("what is the name of the staff member", ("staff", "member"), (), (), (), ()),
        ("which of the 18 land ports handles the most trade", ("land", "ports"), ("most",),
         (), (), ()),
        ("who was the former chairman", ("former", "chairman"), (), ("former",), (), ()),
        ("how did trade grow on the previous year", (), (), (), (), ()),  # a time, not a person
        # "Name" as a verb asks which ones too.
        ("name all eight countries", ("countries",), (), (), ("countries",), ()),
        ("how much of the 357 billion yuan was exports", (), (), (), (),
         (("357", "357 billion yuan"),)),
    ],
)
def test_what_a_question_singles_out(question: str, which: tuple[str, ...],
                                     superlatives: tuple[str, ...], relations: tuple[str, ...],
                                     every: tuple[str, ...],
                                     part_of: tuple[tuple[str, str], ...]) -> None:
    asks = identity.asks(tokens(question))
    assert (asks.which, asks.superlatives, asks.relations, asks.every, asks.part_of) == (
        tuple(map(stem, which)), superlatives, relations, tuple(map(stem, every)), part_of)
    assert bool(asks) is any((which, superlatives, relations, every, part_of))


@pytest.mark.parametrize(("question", "relation"), [
    ("Who was chairman before Erkin Tuniyaz?", True),
    ("Before Erkin Tuniyaz, who was chairman?", True),
    ("who held the job before him", True),
    ("What happened before November?", False),  # a time, not a person
    ("Did trade grow after Western countries imposed sanctions?", False),  # an event
    ("Which countries are next to Xinjiang?", False),
    ("what's next for the FTZ", False),
])
def test_who_came_before_someone(question: str, relation: bool) -> None:
    asks = identity.asks(tokens(question), people=frozenset({"erkin", "tuniyaz"}))
    assert bool(asks.relations) is relation


@pytest.mark.parametrize(("question", "superlative"), [
    ("Which country has the longest border?", True),
    ("Is most of the trade with Central Asia?", False),  # a share, not the most
    ("at most how many ports", False),
])
def test_the_most_asked(question: str, superlative: bool) -> None:
    assert bool(identity.asks(tokens(question)).superlatives) is superlative


def test_a_thing_named_anywhere_in_the_quotes_is_not_vague() -> None:
    profile = identity.profile("", ["A staff member works there.", "The staff member smiles."])
    assert stem("member") not in profile.vague
    profile = identity.profile("", ["Many people were invited by some officials."])
    assert profile.vague[stem("officials")] == "some officials"
    assert profile.vague[stem("people")] == "Many people"


@pytest.mark.parametrize(("question", "kinds"), [
    ("what crops were on display", ("crops",)),  # a plural: which ones, by kind
    ("Which countries did the diplomats come from?", ("countries",)),
    ("what is the name of the photographer", ("photographer",)),
    ("which city serves as the capital", ()),  # one, named without the word ("Urumqi")
    ("who are the reporters behind this", ()),  # a name answers
    ("which land ports handle the most trade", ("ports",)),
])
def test_the_kind_of_thing_asked_for(question: str, kinds: tuple[str, ...]) -> None:
    assert identity.asks(tokens(question)).kinds == tuple(map(stem, kinds))


def test_a_fact_that_does_not_speak_of_the_kind_asked_is_declined(engine: Engine) -> None:
    assert not engine.answer("What goods did the line carry in its first month?").answered
    assert engine.answer("What passengers did the line carry in its first month?").answered
    # A figure in another unit does not answer either.
    assert not engine.answer("How long was the line in km in its first month?").answered


@pytest.mark.parametrize(("question", "quote", "reason"), [
    ("Will the ferry add a second line next year?", "The line carried 12,000 passengers.",
     "future"),
    ("What does the town plan to build?", "The line carried 12,000 passengers.", "future"),
    ("Will the ferry keep running?", "The ferry will keep running.", None),
    ("What will happen to the ferry line?", "The line carried 12,000 passengers.", "future"),
    ("Will the ferry stop at Gull Island?", "The ferry stops at Gull Island.", None),
    ("Who invited the islanders?", "The islanders were invited to ride for free.", "agent"),
    ("Who invited the islanders?", "The islanders were invited by the mayor.", None),
    ("Which is the second island?", "Gull Island is the first stop.", "rank"),
    ("Is Gull Island the first or second stop?", "Gull Island is the first stop.", None),
    ("On what exact day did the line open?", "The line opened in May 2024.", "day"),
    ("On what date did the line open?", "The line opened on May 3, 2024.", None),
    ("Which other islands are served?", "The ferry stops at Gull Island, an island.", "others"),
    # The doer of a deed named by a word made from it, or by an irregular verb.
    ("Who sent out the invitations?", "The islanders were invited to ride for free.", "agent"),
    ("Who organised the invited rides?", "The islanders were invited to ride for free.",
     "agent"),
    ("Who sent the ferry?", "The mayor sent the ferry for islanders who were invited.", None),
    # Who leads something, of a fact that names no one who leads anything.
    ("Who runs the ferry line?", "The line carried 12,000 passengers.", "leader"),
    ("Who heads the town council?", "The council is chaired by Ann Mayor.", None),
    ("Who runs the town?", "Ann Mayor, the town's top official, said so.", None),
    # Someone who did a deed the fact does not tell, of a fact that tells a deed without
    # its doer; who paid, of a fact that speaks of no money.
    ("Who organised the rides?", "The islanders were invited to ride for free.", "agent"),
    ("Who organised the rides?", "The mayor organised free rides.", None),
    ("Who is funding the line?", "The line carried 12,000 passengers.", "payer"),
    ("Who paid for the line?", "The town paid for the line.", None),
    # A comparison, of a fact that makes none; a change over time compares with before.
    ("Is Gull Island bigger than Rock Island?", "The ferry stops at Gull Island and Rock Island.",
     "comparison"),
    ("Was the line busier than last year?", "Traffic rose 5 percent.", None),
    ("Is it more than rather small?", "The line is small.", "comparison"),
    ("Is it other than small?", "The line is small.", None),
    # What is to come, named by "soon" in a question of what will be; a yes/no "soon?" may be
    # answered by what is so now ("is the line opening soon?": it opened in May).
    ("What will be extended soon?", "The line carried 12,000 passengers.", "future"),
    ("Will the line be extended soon?", "The line carried 12,000 passengers.", None),
    ("What happens as soon as the line opens?", "The line carried 12,000 passengers.", None),
    # "Who exactly were the ...": which of those the fact mentions only indefinitely.
    ("Who exactly were the people invited?", "Many people were invited.", "which"),
    # The rank asked is the one after the question word; the article's words give the rank,
    # not the operator's answer.
    ("Gull Island came first, so which island is second?", "Gull Island is the first stop.",
     "rank"),
    # An ordinal before a thing, of a fact that ranks nothing.
    ("When were the first tickets sold?", "Tickets were sold in May.", "unranked"),
    ("Was it the first time tickets were sold?", "Tickets were sold in May.", None),
])
def test_what_is_to_come_who_did_it_and_which_rank(question: str, quote: str,
                                                   reason: str | None) -> None:
    found = identity.veto(identity.asks(tokens(question)), identity.profile("", [quote]))
    assert (found and found[0]) == reason


def test_the_words_of_someone_the_fact_only_speaks_of(engine: Engine) -> None:
    assert identity.asks(tokens("what did the towns say about the ferry")).voice == ("towns",)
    assert identity.asks(tokens("what did Xinjiang say about it")).voice == ()
    assert identity.asks(tokens("what did the top official say")).voice == ()  # one person
    # The critics fact is the paper's: the towns' own words are not given.
    reply = engine.answer("What did the neighbouring towns think of the ferry line?")
    assert not reply.answered
    assert "what they said or thought" in reply.text
    assert engine.answer("what does the paper say about the towns that criticised the ferry") \
        .answered


def test_a_count_says_how_many_not_which() -> None:
    profile = identity.profile("", ["The region has 18 land ports for trade."])
    assert profile.vague[stem("ports")] == "18 land ports"
    asks = identity.asks(tokens("What are the names of the 18 land ports?"))
    assert identity.veto(asks, profile) == ("which", "18 land ports")
    # Amounts, shares and years are not counts of things; a list names them in part.
    for quote in ("Trade reached 357 billion yuan in 2023.", "Trade rose 45.9 percent.",
                  "It shares borders with eight countries including Kazakhstan and Pakistan."):
        assert identity.profile("", [quote]).vague == {}, quote


def test_a_vague_phrase_may_join_two_modifiers() -> None:
    quote = "A worker stands in an agriculture science and technology exhibition hall."
    assert identity.profile("", [quote]).vague[stem("hall")] == (
        "an agriculture science and technology exhibition hall")
    # Two clauses joined are not one phrase.
    quote = "Some towns imposed new rules and passenger numbers rose."
    assert stem("numbers") not in identity.profile("", [quote]).vague


def test_a_word_made_from_the_vague_one_is_the_same_thing() -> None:
    profile = identity.profile("", ["The increase is the second highest registered by a "
                                    "provincial-level region in China."])
    asks = identity.asks(tokens("Which province had the highest trade growth?"))
    assert identity.veto(asks, profile) == ("which", "a provincial-level region")
    asks = identity.asks(tokens("Which provider was it?"))  # too short a common beginning
    assert identity.veto(asks, profile) is None


def test_any_ranking_in_the_fact_may_be_the_one_asked() -> None:
    asks = identity.Asks(superlatives=("most",))
    assert identity.veto(asks, identity.profile("", ["He is the region's top official."])) \
        is None
    assert identity.veto(asks, identity.profile("", ["He is an official."])) \
        == ("superlative", "most")


def test_a_part_of_the_figure_the_question_gives() -> None:
    question = "How many of the 12,000 passengers came from the neighbouring towns?"
    asks = identity.asks(tokens(question))
    whole = identity.profile("", ["The line carried 12,000 passengers in its first month."])
    assert identity.veto(asks, whole) == ("part", "12000")
    other = identity.profile("", ["Half the passengers came from the towns."])
    assert identity.veto(asks, other) is None


def test_one_half_of_a_total() -> None:
    fact = identity.profile("", ["The port's total imports and exports reached 9 billion."])
    assert fact.totals == (("import", "export", "total imports and exports"),)
    totalled = frozenset({"import", "export"})
    for question, part in [("how much did the port export", True),
                           ("what were the imports alone", True),
                           ("how much were imports and exports", False),
                           ("how big is the port's trade", False)]:
        asks = identity.asks(tokens(question), totalled=totalled)
        found = identity.veto(asks, fact)
        assert (found is not None and found[0] == "part") is part, question


def test_the_figure_a_part_is_of_is_not_a_word_to_explain(engine: Engine) -> None:
    """ "What share of the 12,000 passengers ...": the fact giving the share need not give the
    12,000 too (the one that does is vetoed: it gives only the whole)."""
    from bot.matching import analyse

    query = analyse(engine.index, "What share of the 12,000 passengers came from the towns?")
    assert "12000" not in query.content
    assert stem("passengers") in query.content


@pytest.mark.parametrize(("quote", "vague"), [
    # A bare plural after a preposition, whose modifiers are the knowledge base's own subject
    # ("ferry" is in every fact of it) or say nothing ("related"): things of a kind, unnamed.
    ("Taxes were raised on ferry-related goods.", {stem("goods"): "ferry-related goods"}),
    ("Sanctions on products hurt trade.", {stem("products"): "products"}),
    # A modifier that narrows the kind names a class; a verb is no noun; a determiner is
    # `_determiner`'s.
    ("Taxes were raised on island goods.", {}),
    ("The ferry stops at Gull Island.", {}),
    ("It shares borders with Gull Island.", {}),
    ("Taxes were raised on the goods.", {}),
])
def test_a_bare_plural_names_none_of_its_kind(quote: str, vague: dict[str, str]) -> None:
    profile = identity.profile("", [quote], ubiquitous=frozenset({stem("ferry")}))
    assert {k: v for k, v in profile.vague.items() if k not in (stem("taxes"),
                                                                stem("sanctions"))} == vague
    if vague:
        asks = identity.asks(tokens("Which goods exactly?" if "goods" in quote
                                    else "what products were hit"))
        assert identity.veto(asks, profile) == ("which", next(iter(vague.values())))


@pytest.mark.parametrize(("question", "kinds"), [
    # "Name the ferry stops" asks which ones (`which`), but a fact may name them without
    # the word ("the continents the channel links": "Asia and Europe").
    ("Can you name the ferry stops?", ()),
    ("list the islands", ()),
    ("what kind of goods are sold on board", ()),  # what they are like: a modifier may say
    ("Which city is the port in?", ()),  # a name answers it without the word
    ("what's in a name", ()),
])
def test_the_kind_of_thing_asked_for_by_verb(question: str, kinds: tuple[str, ...]) -> None:
    asks = identity.asks(tokens(question))
    assert asks.kinds == kinds
    if question.startswith(("Can you name", "list")):
        assert asks.which  # still which ones: "name the 18 ports" of "18 land ports"


@pytest.mark.parametrize(("question", "quote", "reason"), [
    # Who or which body did it, asked by kind: a fact must name one, or speak of the kind.
    ("Which company built the ferry?", "The ferry was built in 2020.", "entity"),
    ("Which company built the ferry?", "The ferry was built by Gull Shipyards.", None),
    ("Which company built the ferry?", "A company built the ferry.", "which"),  # only "a"
    ("Which official opened the line?", "The line opened in May.", "entity"),
    ("Which official opened the line?", "Ann Mayor opened the line.", None),
    ("Which authority approved the line?", "The town council approved the line.", None),
])
def test_a_person_or_body_asked_for_by_kind(question: str, quote: str,
                                            reason: str | None) -> None:
    profile = identity.profile("", [quote], people=frozenset({"ann", "mayor"}))
    found = identity.veto(identity.asks(tokens(question)), profile)
    assert (found and found[0]) == reason


def test_a_rank_is_the_articles_own_word() -> None:
    profile = identity.profile("Gull Island is second; the article does not say which is first.",
                               ["Gull Island is the second stop."])
    assert identity.veto(identity.asks(tokens("which island is first")), profile) \
        == ("rank", "second")


DATED_FACTS = FACTS + """\
  - id: protests
    topic: ferry
    speaker: article
    questions: ["Were there protests against the ferry?", "ferry protests", "protests",
                "did people protest the ferry", "ferry protesters"]
    answer: >-
      According to Test Daily, some neighbouring towns have criticised the ferry line in recent
      years; despite this, the line carried 12,000 passengers in 2023.
    citations:
      - {source: daily-2, paragraph: 1, quote: "Some neighbouring towns have criticised the ferry line."}
"""


@pytest.mark.parametrize(("question", "veto"), [
    ("when did the protests against the ferry start", "when"),  # "in recent years" only
    ("when did the line carry 12,000 passengers", None),  # the clause that gives the year
])
def test_a_time_must_belong_to_what_is_asked(tmp_path: Path, question: str,
                                             veto: str | None) -> None:
    engine = Engine(load_knowledge(write_kb(tmp_path / "kb", source=SOURCE, facts=DATED_FACTS)))
    weighed = {c.match.fact.id: c for c in engine.consider(question, analyse(engine.index,
                                                                             question))}
    assert weighed["protests"].veto == veto


def test_a_loose_time_is_quoted_when_no_date_is_given(shipped_engine: Engine) -> None:
    reply = shipped_engine.answer("when did the western sanctions on xinjiang goods start")
    assert reply.text.startswith(
        "The article does not say when: it says only \u201cin recent years\u201d.")


# Fair questions a review found declined by the first form of these rules, and near misses
# they must still decline: on the shipped engine, as a reader meets it.
@pytest.mark.parametrize(("question", "fact"), [
    ("who attended the regional sessions in january", "sco-diplomats-sessions"),
    ("who stated that people were invited last year", "visits-last-year"),
    ("which specific countries border xinjiang", "borders"),
    ("how big, specifically, is the ftz", "ftz-area"),
    ("the article says '18 land ports' - what are they for", "land-ports"),
    ("what was xinjiang's national ranking in trade growth", "trade-growth-rank"),
    ("how was the photo credited", "photo-credit"),
    ("what happens as soon as people visit xinjiang in person", "lies-collapse"),
    ("does the ftz cover more than one city", "ftz-areas-covered"),
    ("which company took the photo", "photo-credit"),
    ("what kind of ports does xinjiang have", "land-ports"),
    ("what sanctions did the west impose", "sanctions"),
    ("who paid a visit to xinjiang last year", "visits-last-year"),
    # ... and a second review's
    ("who ran this story", "article-publisher"),
    ("how did xinjiang achieve its place in the forefront of opening up", "bri-ftz-forefront"),
    ("is the xinjiang ftz opening soon", "ftz-launch"),
    ("I'd like to know exactly how big the ftz is", "ftz-area"),
    ("what exactly is the current number of land ports", "land-ports"),
    ("is central asia a bigger trade partner than the rest of the world for xinjiang",
     "central-asia-trade-share"),
    ("name the city where the photo was taken", "photo-caption"),
    ("what is up with the ftz", "ftz-overview"),
    ("who is the number one official in xinjiang", "erkin-tuniyaz-role"),
    ("what were xinjiang's '23 trade figures", "trade-total-2023"),
    # ... and a third's
    ("which national newspaper published it", "article-publisher"),
    ("how many national borders does xinjiang share", "borders"),
    ("which cities exactly does the ftz stretch across", "ftz-areas-covered"),
    ("ftz opening soon?", "ftz-launch"),
    ("name the continents the golden channel links", "golden-channel"),
    ("has human rights in xinjiang gotten better than before according to him",
     "human-rights-progress"),
    ("what exactly did the diplomats say after the sessions", None),
    # A bound is not a figure to give: the fact's own figure says whether it is above.
    ("is the ftz larger than 150 square km", "ftz-area"),
    ("does xinjiang have more than 15 land ports", "land-ports"),
    ("is xinjiang's trade over 350 billion yuan", "trade-total-2023"),
    ("did more than 100 companies join the ftz", None),
    ("did the ftz open on nov 1st", None),
    ("who organised last year's visits to xinjiang", None),
    ("which company built the land ports", None),
    ("who runs the land ports", None),
    ("is horgos bigger than kashgar", None),
    ("how do they count the 18 land ports", None),
    ("what was china's national trade growth in 2023", None),
    ("who paid for the trips of the people invited last year", None),
    # The seventh session's rules: a plural after modifiers, "as well as" in a list, the
    # halves of a total apart, and a "what reasons" that needs no word "reason".
    ("what xinjiang products exactly are under sanctions", None),
    ("which pipelines with central asia are planned, by name?", None),
    ("how did imports compare to exports last year - breakdown pls", None),
    ("what western countries imposed sanctions on xinjiang", None),
    ("what trade figures did xinjiang post in 2023", "trade-total-2023"),
    ("what words did he use to describe xinjiang", "welcome-visitors-investors"),
    ("when did the ftz start", "ftz-launch"),
    # ... and its words: a choice of figures, everyday synonyms, padding of a request.
    ("which NPC is it, the 13th or the 14th?", "npc"),
    ("was it the 12th or the 13th npc", None),
    ("Give me the rundown on the Xinjiang FTZ.", "ftz-overview"),
    ("whats the deal with the xinjiang FTZ", "ftz-overview"),
    ("where was the photo snapped and when", "photo-caption"),
    ("What was the combined value of the region's exports and imports for 2023?",
     "trade-total-2023"),
    ("How many neighbouring states does Xinjiang have?", "borders"),
    ("does the united states border xinjiang", None),
    ("I'm double-checking the byline: who are the writers?", "article-authors"),
    # A person asked for by kind, an idea's origin, the nation's figure.
    ("What's the name of the photographer who took the picture?", None),
    ("Which photographer took the picture?", None),
    ("who took the photo", "photo-credit"),
    ("which reporter wrote the article", "article-authors"),
    ("Who coined the phrase 'golden channel' between Asia and Europe?", None),
    ("who came up with the golden channel idea", None),
    ("What share of China's total foreign trade does Xinjiang account for?", None),
    ("what is the china xinjiang free trade zone", "ftz-overview"),
    ("was xinjiang's growth the second highest in china", "trade-growth-rank"),
    # The second review's findings.
    ("is urumqi or kashgar the regional capital", "regional-capital"),
    ("does xinjiang have 18 land ports or 28", "land-ports"),
    ("is the ftz in hainan or guangdong", None),
    ("what year did the sanctions start", None),
    ("which states imposed the sanctions", None),
    ("which countries does china border", None),
    ("how much foreign trade did china do altogether", None),
    ("is this the first ftz in northwest china's border areas", "ftz-first-northwest"),
    ("according to china daily, how much did trade grow", "trade-growth-2023"),
    ("which region's trade grew 45.9 percent", "trade-growth-2023"),
    ("what's the photographer's name", None),
    ("who is the vice chairman of xinjiang", None),
    ("who first said seeing is believing", None),
    ("give me the rundown on the sanctions", "sanctions"),
    ("Is cotton one of the Xinjiang products under Western sanctions?", None),
    ("is horgos part of the ftz", "ftz-areas-covered"),
    ("was the article published in 2023 or 2024", "article-date"),
    ("did Cui Jia or Li Wei write the article", "article-authors"),
    ("did trade grow 40 or 50 percent", None),
    ("does xinjiang border 8 countries", "borders"),
    ("which government made the key decision on the ftz", "ftz-milestone"),
    ("which region in china had the second highest trade growth", "trade-growth-rank"),
    ("which region was first in trade growth", None),
    ("when was the ftz established", "ftz-launch"),
    ("how was the ftz established", None),
    ("when was china daily founded", None),
    ("what does the article state about the free trade zone", "ftz-overview"),
    ("whose idea was dual circulation", None),
    ("who thought up the golden channel", None),
    ("who chose urumqi as the regional capital", None),
    ("who decided to impose sanctions on xinjiang", None),
    ("who decided to set up the ftz", "ftz-milestone"),
    ("how many land ports does china have", None),
    ("how many land ports does xinjiang have", "land-ports"),
    # The third review's findings: counts of listed names, a title, China's capital.
    ("which three areas does the ftz include", "ftz-areas-covered"),
    ("name the two reporters", "article-authors"),
    ("which four areas does the ftz include", None),
    ("what is his title", "erkin-tuniyaz-role"),
    ("what's china's capital?", None),
    ("is the article from china daily or xinhua", None),
    ("In which section of the paper did it appear?", "article-publisher"),
    ("who appears in the photo", "photo-caption"),
    # The fourth review's: a named thing to define, who invited (then) or is inviting (now).
    ("What is the Shanghai Cooperation Organization?", None),
    ("What is the Belt and Road Initiative?", None),
    ("What is Horgos known for?", None),
    ("what is the npc", "npc"),
    ("what is the xinjiang ftz", "ftz-overview"),
    ("what is the dual circulation strategy", "dual-circulation"),
    ("What is Erkin Tuniyaz's position?", "erkin-tuniyaz-role"),
    ("whats the artcle titel", "article-title"),
    ("who invited people to visit xinjiang", None),
    ("who is inviting foreigners to xinjiang", "welcome-visitors-investors"),
    ("who does he invite to xinjiang", "welcome-visitors-investors"),
    ("who was invited to xinjiang last year", "visits-last-year"),
    ("my teacher gave us this china daily article for homework and class starts in 5 minutes "
     "lol, can u sum up the main points for me", "article-summary"),
    # The eighth session's: a cause asked, half of a region's trade, someone by an office no
    # fact speaks of, a place within a city, what a hall shows, where a saying began, the
    # hour, compounds that are one thing.
    ("what drove the growth in trade with central asia", None),
    ("what was the reason for the record trade in 2023", None),
    ("why were people invited to xinjiang last year", "visits-last-year"),
    ("what does xinjiang import from central asia", None),
    ("what share of xinjiang's trade is with central asia", "central-asia-trade-share"),
    ("how much did xinjiang's imports and exports total in 2023", "trade-total-2023"),
    ("how many land ports does xinjiang have for foreign trade", "land-ports"),
    ("what did the mayor of urumqi say about the ftz", None),
    ("which district of urumqi is in the free trade zone", None),
    ("which city is the regional capital", "regional-capital"),
    ("what is on display in the exhibition hall", None),
    ("where was the photo taken", "photo-caption"),
    ("where does the saying 'seeing is believing' come from", None),
    ("what did he mean by words are but wind", "seeing-is-believing"),
    ("at what time of day was the article published", None),
    ("what did the chairman say about forced labour", None),
    ("is china daily state-run", None),
    ("give me the key facts on the free trade zone", "ftz-overview"),
    ("how much did trade with central asia go up", "central-asia-trade-growth"),
    ("what was xinjiang's trade surplus in 2023", None),
    ("did exports or imports grow faster", None),
    ("did imports and exports hit a record in 2023", "trade-total-2023"),
    ("what's the area of horgos", None),
    ("what is the total area of the ftz", "ftz-area"),
    ("which lies does he mean", None),
    ("what did he say about lies", "lies-collapse"),
    ("who originally said that lies collapse by themselves", None),
    ("what does the ftz mean for central asian countries", "ftz-central-asia-cooperation"),
    ("what did the director of the exhibition hall say", None),
    ("can u sum up what this article is about in a couple lines", "article-summary"),
    ("was one of the reporters based in urumqi", "article-authors"),
    ("who is the governor of xinjiang", "erkin-tuniyaz-role"),
    ("did xinjiang's foreign trade pass 350 billion yuan in 2023", "trade-total-2023"),
    ("will xinjiang's trade pass 400 billion yuan this year", None),
    ("was the photo taken in december 2023", "photo-caption"),
    ("what is this article mainly about", "article-summary"),
    ("pub date", "article-date"),
    ("which central asian countries account for 80 percent of its trade", None),
    ("which countries will the ftz help xinjiang cooperate with", "ftz-central-asia-cooperation"),
    ("which ethnic groups took part", None),
    ("what is the west doing in the name of human rights protection", "human-rights-progress"),
    ("what did the staff member in the photo say", None),
    ("how much did the nation's total trade increase", None),
    ("what does the sco do", None),
    ("did he give the interview during the two sessions", "interview-setting"),
    ("what adjectives did he use to describe xinjiang", "welcome-visitors-investors"),
    ("did he speak of a frontier for china's opening to the west", "golden-channel"),
    ("180 sq km refers to what", "ftz-area"),
    ("which was china's very first free trade zone", None),
    ("is the ftz the first in northwest china", "ftz-first-northwest"),
    ("what is the xinjiang ftz the first of", "ftz-first-northwest"),
    ("what does the accompanying photograph show", "photo-caption"),
    # A story before the question: its places rule a fact out only when the question names
    # none of the article's own ("Xinjiang").
    ("I'm curious about Hainan. How big is the FTZ?", None),
    ("I'm curious about Hainan. How big is the Xinjiang FTZ?", "ftz-area"),
    ("my friend and I plan to travel through central asia next year and I saw this article, "
     "does the xinjiang chairman say they want foreign tourists to come?",
     "welcome-visitors-investors"),
    ("what's the total footprint of the ftz", "ftz-area"),
    ("is the ftz the first of its kind in the nw border regions", "ftz-first-northwest"),
    ("what was the headline number for xinjiang's total trade in 2023", "trade-total-2023"),
    # The ninth session's: an attribute of two words, a clock's hours, a hedged agent, the
    # place itself, a statistic, what a body decided.
    ("what is the visa policy for tourists", None),
    ("what's the growth rate of trade with central asia", "central-asia-trade-growth"),
    ("what is the dollar value of xinjiang's trade in 2023", "trade-total-2023"),
    ("what are the opening hours of the exhibition hall", None),
    ("who exactly invited the diplomats", None),
    ("how big is xinjiang itself in square kilometres", None),
    ("what is the average trade growth", None),
    ("what did the npc decide", None),
    ("what did the central government decide", "ftz-milestone"),
    # Where something is, of a fact that names no place but the one asked in; the time of a
    # deed, of a fact dated by another.
    ("where in xinjiang are the land ports", None),
    ("where is the free trade zone", "ftz-areas-covered"),
    ("where is urumqi", "regional-capital"),
    ("where can i read the article online", "article-url"),
    ("where are the reporters based", "article-authors"),
    ("when was the exhibition hall built", None),
    ("when did the exhibition hall open", None),
    ("when did the free trade zone begin operating", "ftz-launch"),
    ("when was the photo taken", "photo-caption"),
    # A meaning asked of a thing no fact defines.
    ("what does high-level opening-up mean", None),
    ("what does dual circulation mean", "dual-circulation"),
    # "where" and "when" inside a sentence; a rank with no scope named; a word the aliases
    # rewrite is no typo of the article's ("site" is not "sit"); how fast a growth was.
    ("is central asia where most of xinjiang's trade goes", "central-asia-trade-share"),
    ("where was mao weihua based when he wrote it", "article-authors"),
    ("is the ftz the first of its kind", "ftz-first-northwest"),
    ("what's the url on the china daily site", "article-url"),
    ("how fast did trade with central asia grow", "central-asia-trade-growth"),
    # Details asked of a fact that names none.
    ("what specific human rights progress has xinjiang made", None),
    ("which people exactly were invited to xinjiang in 2023", None),
    ("what exactly did he say about the move", "ftz-milestone"),
    ("which areas exactly does the ftz include", "ftz-areas-covered"),
    # A share of a fact that "shares borders"; a size ranked of one ranked in order.
    ("what share of xinjiang's trade is with pakistan", None),
    ("is the xinjiang ftz the biggest in china", None),
    # Which part of a body the question names already.
    ("which central government department approved the ftz", None),
    ("which body decided on the ftz", "ftz-milestone"),
    # "What date" asks a day, which a month does not give.
    ("on what date did he give the interview", None),
    ("what date was the article published", "article-date"),
    ("which other regional leaders did china daily interview", None),
    ("who launched the belt and road initiative", None),
    ("who launched the smear campaigns", "human-rights-progress"),
    # Practical things only a fact naming them answers; the Party's secretary.
    ("do tourists need a visa for xinjiang", None),
    ("are the sanctions on xinjiang cotton", None),
    ("can you give me a quick rundown?", "article-summary"),
    ("which meetings did the diplomats attend", "sco-diplomats-sessions"),
    # A review's fair questions: the event's own deed, a list as details, a decision's doer,
    # a currency given, a growth asked as it goes on; a forecast for this year.
    ("when was the interview held", "interview-setting"),
    ("what specific infrastructure will the region improve", "infrastructure-links"),
    ("who established the ftz", "ftz-milestone"),
    ("what currency is used for the trade figure", "trade-total-2023"),
    ("how fast is trade with central asia growing", "central-asia-trade-growth"),
    ("will xinjiang's trade keep growing this year", None),
    ("give me a rundown of the ftz", "ftz-overview"),
    ("are there tax incentives for investors in xinjiang", None),
    ("does he welcome investors to xinjiang", "welcome-visitors-investors"),
    ("who is the party secretary of xinjiang", None),
    ("who is the chairman of xinjiang", "erkin-tuniyaz-role"),
    # A growth rate is the growth; "especially" is "in particular".
    ("what was the growth rate of trade with central asia", "central-asia-trade-growth"),
    ("which countries will the ftz especially help xinjiang work with",
     "ftz-central-asia-cooperation"),
])
def test_fair_questions_pass_and_near_misses_do_not(shipped_engine: Engine, question: str,
                                                    fact: str | None) -> None:
    reply = shipped_engine.answer(question)
    assert (reply.fact.id if reply.answered and reply.fact else None) == fact, reply.text
