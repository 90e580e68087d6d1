"""Understanding: language, several questions in one message, normalisation that does no harm,
the vetoes, and the semantic signal (with a small stand-in model: the real one is measured by
`citebot eval` and `make bench`, not here)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import write_kb

from bot.embeddings import cache_dir, load_semantic
from bot.engine import FOREIGN_NOTE, Engine
from bot.evaluation.fit import _logistic
from bot.index import asks_means, counts_things, measures_things, rates_only
from bot.language import detect, focus, foreign_cues, split_questions
from bot.loader import knowledge_files
from bot.matching import analyse, asked_for, asks_amount, asks_count, asks_judgement
from bot.model import Kind, KnowledgeBase
from bot.normalize import stem, tokens
from bot.semantic import Vector

ENGLISH = frozenset("how big is the what when did it open people use grew crew about zone do here".split())


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("how big is the free trade zone", "en"),
        ("hw big is teh ftz", "en"),  # typos and a known name: still English
        ("FTZ", "en"),
        ("自由贸易区有多大？", "zh"),
        ("FTZ 是什么时候开始运营的", "zh"),
        ("Когда открылась зона свободной торговли?", "ru"),
        ("Синьцзяң Орталық Азиямен саудасы қанша өсті?", "kk"),
        ("ما هي مساحة منطقة التجارة الحرة؟", "ar"),
        ("¿Cuándo empezó a funcionar la zona franca?", "es"),
        ("Quand la zone de libre-échange a-t-elle ouvert ?", "fr"),
        ("Wann wurde die Freihandelszone eröffnet?", "de"),
        ("what do I do here", "en"),  # "do" is Portuguese too: proves nothing
        ("Cuando abrio la zona franca?", "es"),  # two Spanish function words, no accents
        ("De quoi parle l'article ?", "fr"),
        ("Worum geht es in dem Artikel?", "de"),
        ("what is the article about, in a nutshell", "en"),
    ],
)
def test_language_is_detected(text: str, language: str) -> None:
    known = ENGLISH | {"free", "trade", "ftz"}
    assert detect(text, is_english_word=lambda w: w in known) == language


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("how big is the ftz and when did it open?", ["how big is the ftz", "when did it open?"]),
        ("How big is it? Who wrote the article?", ["How big is it?", "Who wrote the article?"]),
        ("when did it open; who runs it", ["when did it open;", "who runs it"]),
        ("how big is the ftz? and also who is the chairman",
         ["how big is the ftz?", "who is the chairman"]),
        # One question with "and" in it stays whole.
        ("what is the trade between Xinjiang and Central Asia",
         ["what is the trade between Xinjiang and Central Asia"]),
        ("imports and exports in 2023", ["imports and exports in 2023"]),
        # A comma before a question word, in a message that began as a question.
        ("what is the ferry fare, how many passengers", ["what is the ferry fare",
                                                        "how many passengers"]),
        ("if it opened in May, how big is it", ["if it opened in May, how big is it"]),
        # A sentence that adds a question with "also"; not one that only adds context.
        ("Send me the link. Also, who took the photo?", ["Send me the link.",
                                                         "who took the photo?"]),
        ("I read it. Also I liked it. What is the fare?",
         ["I read it. Also I liked it. What is the fare?"]),
        # A statement before "Also, ...?" is context, not a question of its own.
        ("I read the story. Also, who took the photo?",
         ["I read the story. Also, who took the photo?"]),
        ("hi? ok", ["hi? ok"]),  # fragments are not questions of their own
        ("bridge cost? " * 50, ["bridge cost? " * 50]),  # a paste, not 50 questions
    ],
)
def test_a_message_is_split_into_the_questions_it_holds(text: str, parts: list[str]) -> None:
    assert split_questions(text) == parts


@pytest.mark.parametrize(
    ("text", "narrower"),
    [
        # Context, then the question; a dash or colon leads to the question itself.
        ("My dad sent me this. I have no idea how old it is. When was it published?",
         ["When was it published?", "I have no idea how old it is. When was it published?"]),
        ("I read it on the bus. I forgot one thing - how much does a ticket cost?",
         ["how much does a ticket cost?", "I forgot one thing - how much does a ticket cost?"]),
        ("How much is a ticket? Thanks a lot.", ["How much is a ticket?"]),
        # A question asked inside a sentence, with or without context.
        ("I'm writing an essay. I need to know how many passengers it carried.",
         ["how many passengers it carried.", "I need to know how many passengers it carried."]),
        ("so I wonder when the ferry line opened", ["when the ferry line opened"]),
        # A clause that asks after a long aside; not after a short one, nor one that points
        # back into the aside.
        ("my boss sent me this thing and I have like 5 minutes before a call, could you say "
         "what the ferry costs?", ["what the ferry costs?", "could you say what the ferry costs?"]),
        ("According to the mayor, what does the ferry cost?", []),
        ("According to the mayor of the harbour city on the coast, what does the ferry "
         "cost?", []),
        ("my boss sent me this thing and I have like 5 minutes before a call, what did he "
         "say about it?", []),
        # ... also with no question mark, after "lol" or "but roughly"; not "how much was it".
        ("my teacher gave us this article for homework and class starts in 5 minutes lol, "
         "can u sum up the main points for me", ["can u sum up the main points for me"]),
        ("I know the ferry stops at the islands and I'm guessing it is busy, but roughly "
         "what share of the passengers go to Gull Island?",
         ["what share of the passengers go to Gull Island?"]),
        ("so what's the deal with the ferry's passenger numbers, how much was it", []),
        # One sentence, or nothing asked: nothing narrower.
        ("how much is a ferry ticket", []),
        ("I like the ferry. It is fast.", []),
    ],
)
def test_the_question_is_found_after_the_context(text: str, narrower: list[str]) -> None:
    assert focus(text) == narrower


def test_a_question_after_a_long_story_is_answered(tiny_engine: Engine) -> None:
    story = ("I'm visiting my aunt next month and she lives by the harbour, so she keeps "
             "telling me about boats and fish and the weather. What does the ferry cost?")
    reply = tiny_engine.answer(story)
    assert reply.answered
    assert reply.fact is not None
    assert reply.fact.id == "ticket-price"
    assert reply.question == story


def test_the_story_can_rule_out_the_fact(tiny_engine: Engine) -> None:
    question = "What does the ferry cost?"
    assert tiny_engine.answer(f"My friend took the ferry, it was cheap. {question}").answered
    # A year, or a place, the fact does not give: the story is about another ferry.
    assert not tiny_engine.answer(f"My friend took the ferry in 1987. {question}").answered
    assert not tiny_engine.answer(f"My friend took the ferry in Brazil. {question}").answered
    # A small number in passing does not.
    assert tiny_engine.answer(f"I have 2 questions for you today. {question}").answered


@pytest.mark.parametrize(
    ("text", "narrower"),
    [("How big is the FTZ. What a great article!", ["How big is the FTZ."]),
     ("Mr. Smith asked me. What did Mr. Lee say?", ["What did Mr. Lee say?"]),
     ("I live in the U.S. now. How big is it?", ["How big is it?"]),
     ("\u6211\u662f\u5b66\u751f\u3002\u81ea\u8d38\u533a\u6709\u591a\u5927\uff1f",
      ["\u81ea\u8d38\u533a\u6709\u591a\u5927\uff1f",
       "\u6211\u662f\u5b66\u751f\u3002 \u81ea\u8d38\u533a\u6709\u591a\u5927\uff1f"])],
)
def test_sentences_are_found_whatever_the_punctuation(text: str, narrower: list[str]) -> None:
    assert focus(text) == narrower


@pytest.mark.parametrize("text", ["thanks, have a nice day", "thank you very much",
                                  "thanks so much for the help"])
def test_thanks_or_goodbye_with_politeness_is_small_talk(tiny_engine: Engine, text: str) -> None:
    assert tiny_engine.answer(text).kind is Kind.SMALL_TALK


@pytest.mark.parametrize("text", ["thanks! how much is a ferry ticket",
                                  "thank you, what does the ferry cost?",
                                  "thanks, and the ticket price", "thanks, ticket price please"])
def test_thanks_before_a_question_still_answers_it(tiny_engine: Engine, text: str) -> None:
    reply = tiny_engine.answer(text)
    assert reply.answered
    assert reply.fact is not None
    assert reply.fact.id == "ticket-price"


def test_which_ones_is_not_a_figure(tiny_engine: Engine) -> None:
    assert analyse(tiny_engine.index, "which ones are in the photo").content == ("photo",)
    assert "one" in analyse(tiny_engine.index, "one or two ferries").content


def test_several_questions_get_one_answer_each(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("How much is a ferry ticket? What does the photo show?")
    assert reply.kind is Kind.ANSWER
    assert [p.fact.id for p in reply.parts if p.fact] == ["ticket-price", "photo"]
    assert all(p.citations for p in reply.parts)


def test_a_part_the_article_does_not_cover_is_named(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("How much is a ferry ticket? And who won the football match?")
    assert reply.kind is Kind.ANSWER
    answered, declined = reply.parts
    assert answered.fact is not None
    assert answered.fact.id == "ticket-price"
    assert declined.kind is Kind.DECLINE
    assert "football" in declined.text
    assert "\n" not in declined.text  # what the bot knows is said once, not per part


def test_one_question_asked_twice_is_one_answer(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("how much is a ferry ticket? what does the ferry cost?")
    assert reply.kind is Kind.ANSWER
    assert not reply.parts
    assert reply.fact is not None
    assert reply.fact.id == "ticket-price"


def test_a_pronoun_part_takes_the_previous_question(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("what does the photo show and what is in it?")
    assert reply.fact is not None
    assert reply.fact.id == "photo"


def test_all_of_them_asks_all_of_what_the_previous_part_asked(shipped_engine: Engine) -> None:
    # Not the topic's other facts ("Foreign trade figures"): all eight countries, which the
    # article does not name.
    reply = shipped_engine.answer("which 8 countries does xinjiang border? list all of them pls")
    assert [(p.kind, p.fact.id if p.fact else None) for p in reply.parts] == [
        (Kind.ANSWER, "borders"), (Kind.DECLINE, None)]


@pytest.mark.parametrize(
    ("question", "judgement"),
    [
        ("is it true there are human rights abuses", True),
        ("Is the human rights situation good?", True),
        ("are the smear campaigns true or not", True),
        ("does all the western bad press stop it", False),  # "bad" is not the predicate
        ("do visitors still believe the lies", False),
        ("what is true about the ferry", False),  # not a yes/no question
    ],
)
def test_judgement_questions(question: str, judgement: bool) -> None:
    assert asks_judgement(tokens(question)) is judgement


def test_the_bot_does_not_judge_claims(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("is it true that the ferry is good for the city?")
    assert reply.kind is Kind.DECLINE
    assert "judge" in reply.text
    assert [s.fact for s in reply.suggestions][:1] == ["mayor-view"]


def test_a_place_the_fact_does_not_name_is_declined(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("How much is a ferry ticket in Paris?")
    assert not reply.answered


def test_an_ordinal_is_not_a_figure(tiny_kb_path: Path) -> None:
    facts = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8")
    write_kb(tiny_kb_path, facts=facts.replace(
        "The photo shows a ferry leaving the harbour at dawn.",
        "The first photo shows a ferry leaving the harbour at dawn."))
    from bot.loader import load_knowledge

    engine = Engine(load_knowledge(tiny_kb_path))
    reply = engine.answer("how many photos are there")
    assert not reply.answered
    assert "figure" in reply.text


def test_a_speaker_is_named_by_their_title(tiny_kb_path: Path) -> None:
    """A fact that names the mayor ("Lee said") explains "mayor" ("what did the mayor say"),
    but not "who is the mayor of ...": that asks whose mayor, which it does not say."""
    facts = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8")
    source = (tiny_kb_path / "source.yaml").read_text(encoding="utf-8")
    write_kb(tiny_kb_path, source=source.replace("name: Mayor Lee", "name: Lee"),
             facts=facts.replace(
        "answer: Mayor Lee said the ferry is the best thing to happen to the city.",
        "answer: Lee said the ferry is the best thing to happen to the city.").replace(
        "What does the mayor think of the ferry?", "What does Lee think of the ferry?").replace(
        '"mayor opinion ferry"', '"opinion of Lee on the ferry"').replace(
        '"mayor on the ferry line"', '"Lee on the ferry line"'))
    from bot.loader import load_knowledge

    engine = Engine(load_knowledge(tiny_kb_path))
    reply = engine.answer("what did the mayor say about the ferry")
    assert reply.fact is not None
    assert reply.answered
    assert reply.fact.id == "mayor-view"
    assert not engine.answer("who is the mayor of the ferry").answered


def test_padding_that_says_how_to_answer_weighs_nothing(tiny_engine: Engine) -> None:
    for question in ("what's the direct quote about the ferry being the best thing",
                     "the ferry fare, in a couple of sentences"):
        assert tiny_engine.answer(question).answered, question
    assert tokens("tl;dr?") == tokens("TL DR") == ["tldr"]
    # Only adverbs are left out when the padding is all there is.
    assert analyse(tiny_engine.index, "what is the article basically about").content == (
        "articl",)


def test_the_speller_leaves_real_words_alone(tiny_kb: KnowledgeBase) -> None:
    plain = Engine(tiny_kb)
    guarded = Engine(tiny_kb, english=frozenset({"grew", "crew", "cost", "costs"}))
    assert plain.index.speller.correct("fery") == "ferry"  # a typo is still corrected
    assert guarded.index.speller.correct("fery") == "ferry"
    # "coast" is one letter from "cost": a real word is not a typo once the word list knows it.
    assert plain.index.speller.correct("cots") is not None
    assert Engine(tiny_kb, english=frozenset({"cots"})).index.speller.correct("cots") is None
    # Nor is a word that shares its stem with a function word ("theme": "them").
    from collections import Counter

    from bot.spelling import Speller
    from bot.thresholds import DEFAULT

    speller = Speller(Counter(["them", "cost"]), thresholds=DEFAULT,
                      english=frozenset({"theme", "costs"}))
    assert speller.correct("theme") is None
    assert speller.correct("costs") == "cost"  # another form of a known word still is


def test_british_spellings_reach_the_american_ones(tiny_kb_path: Path) -> None:
    facts = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8")
    write_kb(tiny_kb_path, facts=facts.replace('"ferry fare"', '"ferry fare in dollars per kilometer"'))
    from bot.loader import load_knowledge

    engine = Engine(load_knowledge(tiny_kb_path))
    assert engine.index.speller.correct("kilometres") == "kilometer"
    assert engine.index.speller.correct("colour") is None  # no American form known: left alone


def test_us_dollars_are_money_not_the_country(tiny_engine: Engine) -> None:
    assert "usa" not in analyse(tiny_engine.index, "a ticket in US dollars").words
    assert "usa" in analyse(tiny_engine.index, "is the US buying tickets").words


def test_a_question_made_of_padding_is_about_the_padding(tiny_engine: Engine) -> None:
    # "report" and "article" are padding in "tell me what the article reports about X", but
    # all there is in "who reported the article".
    assert analyse(tiny_engine.index, "who reported the article").content
    query = analyse(tiny_engine.index, "tell me what the article reports about the ferry fare")
    assert "report" not in query.content
    assert "ferry" in query.content


# --- the semantic signal, with a stand-in model ----------------------------------------------

# Words of several languages that mean the same, as one concept each: what a multilingual model
# does, small enough to reason about.
CONCEPTS = {
    "ferry": 0, "boat": 0, "паром": 0, "渡轮": 0,
    "ticket": 1, "fare": 1, "билет": 1, "票": 1, "price": 1, "cost": 1, "much": 1, "стоит": 1,
    "passengers": 2, "people": 2, "riders": 2, "travellers": 2, "пассажиров": 2,
    "photo": 3, "picture": 3, "image": 3, "фото": 3,
    "mayor": 4, "lee": 4, "think": 4,
}


class StandIn:
    name = "stand-in concepts"

    def __init__(self) -> None:
        self.calls = 0

    def queries(self, texts: Sequence[str]) -> Vector:
        self.calls += 1
        rows = np.zeros((len(texts), 16), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in tokens(text) + list(text):
                if word in CONCEPTS:
                    rows[i, CONCEPTS[word]] += 1.0
            rows[i, 15] += 0.3  # every text shares a little: similarities are never zero
            rows[i] /= np.linalg.norm(rows[i])
        return rows


@pytest.fixture
def semantic_engine(tiny_kb: KnowledgeBase, tiny_kb_path: Path, tmp_path: Path,
                    monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    semantic = load_semantic(tiny_kb, tiny_kb_path, embedder=StandIn())
    assert semantic is not None
    return Engine(tiny_kb, semantic=semantic)


def test_a_question_in_another_language_is_suggested_with_a_note(semantic_engine: Engine) -> None:
    reply = semantic_engine.answer("Сколько стоит билет на паром?")
    assert reply.language == "ru"
    assert reply.note == FOREIGN_NOTE
    assert not reply.answered or (reply.fact is not None and reply.fact.id == "ticket-price")
    assert "ticket-price" in [s.fact for s in reply.suggestions] or reply.answered


def test_the_meaning_is_not_weighed_when_the_words_settle_it(semantic_engine: Engine) -> None:
    assert semantic_engine.semantic is not None
    stand_in = semantic_engine.semantic.embed.__self__  # type: ignore[attr-defined]
    before = stand_in.calls
    assert semantic_engine.answer("How much is a ferry ticket?").answered
    assert stand_in.calls == before


def test_a_near_certain_meaning_lowers_the_bar_for_the_words(semantic_engine: Engine) -> None:
    """A third of the words explained is enough when the meaning is nearly the same and no
    other fact is near ("fare" of five words); a quarter is not."""
    from dataclasses import replace

    assert semantic_engine.answer("fare for grownups and toddlers").answered
    assert not semantic_engine.answer("fare for grownups seniors toddlers").answered
    strict = Engine(semantic_engine.kb, semantic=semantic_engine.semantic,
                    thresholds=replace(semantic_engine.thresholds, strong_similarity=1.01))
    assert not strict.answer("fare for grownups and toddlers").answered


def test_a_word_that_every_fact_explains_is_weighed_by_its_meaning(
        semantic_engine: Engine) -> None:
    """ "The ferry": every fact explains it fully, so the words cannot settle which one is
    meant; "ferry passengers", one of the operator's alternates, they do."""
    assert semantic_engine.semantic is not None
    stand_in = semantic_engine.semantic.embed.__self__  # type: ignore[attr-defined]
    before = stand_in.calls
    semantic_engine.answer("the ferry")
    assert stand_in.calls == before + 1
    assert semantic_engine.answer("ferry passengers").answered
    assert stand_in.calls == before + 1


def test_the_meaning_cannot_overrule_a_veto(semantic_engine: Engine) -> None:
    # Close in meaning to the passengers fact, but asks for a year the article does not give.
    reply = semantic_engine.answer("how many ferry riders were there in 2019")
    assert not reply.answered


def test_vectors_are_cached_and_a_bad_cache_file_is_rebuilt(
    tiny_kb: KnowledgeBase, tiny_kb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first = StandIn()
    load_semantic(tiny_kb, tiny_kb_path, embedder=first)
    (cached,) = cache_dir().glob("vectors-*.npy")
    second = StandIn()
    load_semantic(tiny_kb, tiny_kb_path, embedder=second)
    assert second.calls == 0  # read back, not embedded again
    cached.write_bytes(b"not numpy at all")
    third = StandIn()
    with caplog.at_level(logging.WARNING, logger="citebot.semantic"):
        assert load_semantic(tiny_kb, tiny_kb_path, embedder=third) is not None
    assert third.calls > 0
    assert "rebuilding" in caplog.text


def test_the_semantic_layer_can_be_switched_off(
    tiny_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.assemble import build_engine

    monkeypatch.setenv("CITEBOT_SEMANTIC", "0")
    with caplog.at_level(logging.INFO, logger="citebot"):
        assert build_engine(tiny_kb).semantic is None
    assert "answering from words alone" in caplog.text


def test_the_semantic_layer_is_loaded_at_the_start_only_when_warm(
    tiny_kb: KnowledgeBase, tiny_kb_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A one-shot `citebot ask` loads the model at the first question that needs it; the
    Telegram bot (warm) before its first question."""
    from bot import assemble

    loads: list[Path | None] = []

    def load(kb: KnowledgeBase, path: Path | None) -> None:
        assert kb is tiny_kb
        loads.append(path)

    monkeypatch.delenv("CITEBOT_SEMANTIC", raising=False)
    monkeypatch.setattr(assemble, "_load_semantic", load)
    lazy = assemble.build_engine(tiny_kb, tiny_kb_path)
    assert loads == []
    assemble.build_engine(tiny_kb, tiny_kb_path, warm=True)
    assert loads == [tiny_kb_path]
    assert lazy.semantic is None  # loaded now (this stand-in loads nothing)
    assert loads == [tiny_kb_path, tiny_kb_path]


def test_logistic_fit_finds_the_separating_direction() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - 0.5 * x[:, 1] > 0).astype(np.int64)
    w = _logistic(x, y)
    assert w[1] > 0 > w[2]
    assert abs(w[0]) < abs(w[1])


def test_check_reports_alternates_that_reach_another_fact(tiny_kb_path: Path) -> None:
    from bot.cli import main

    facts = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8")
    # "ticket price" also written under the photo fact: a collision, reported where it is.
    write_kb(tiny_kb_path, facts=facts.replace('      - "picture"\n', '      - "ticket price"\n'))
    lines = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == '- "ticket price"'
                and i > 40)
    from bot.kb_consistency import alternate_lines

    where = alternate_lines(knowledge_files(tiny_kb_path, []))
    assert where[("photo", "ticket price")] == (str(tiny_kb_path / "facts.yaml"), line)
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["check", "--kb", str(tiny_kb_path)]) == 0
    assert f"facts.yaml:{line}: facts[photo].questions: 'ticket price' is also an alternate " \
           "of ticket-price" in out.getvalue()


def test_every_alternate_of_the_built_in_knowledge_base_reaches_its_fact(
    shipped_engine: Engine,
) -> None:
    from bot.config import BUILTIN_KB
    from bot.kb_consistency import alternate_lines, findings

    assert findings(shipped_engine, alternate_lines(knowledge_files(BUILTIN_KB, []))) == []


def test_the_length_cap_holds_after_nfkc(tiny_engine: Engine) -> None:
    from bot.engine import MAX_QUESTION_CHARS, capped

    expanding = "\ufdfa" * 900  # one character, 18 after NFKC
    assert len(capped(expanding)) == MAX_QUESTION_CHARS
    assert capped("how much is a ticket") == "how much is a ticket"
    assert tiny_engine.answer(expanding).kind is not Kind.ANSWER


def test_the_shipped_word_list_is_wordfreqs() -> None:
    from bot.words import TARGET, english_list, render

    assert TARGET.read_text(encoding="utf-8") == render(english_list()), (
        "bot/english_words.txt is stale: run python -m bot.words")


def test_shipped_vectors_are_read_instead_of_embedding(
    tiny_kb: KnowledgeBase, tiny_kb_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import shutil

    from bot.embeddings import MODEL, ship

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shipped = ship(tiny_kb_path)  # the real model, on the tiny knowledge base's 20 alternates
    assert shipped.parent == tiny_kb_path / "vectors"
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)

    class MustNotEmbed:
        name = MODEL

        def queries(self, texts: Sequence[str]) -> Vector:
            raise AssertionError(f"embedded {len(texts)} texts instead of reading {shipped}")

    assert load_semantic(tiny_kb, tiny_kb_path, embedder=MustNotEmbed()) is not None


@pytest.mark.parametrize(("value", "expected"), [("1", 1), ("3", 3), (" 2 ", 2)])
def test_embedding_threads_are_set_by_the_environment(
        value: str, expected: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.embeddings import THREADS_ENV, embedding_threads

    monkeypatch.setenv(THREADS_ENV, value)
    assert embedding_threads() == expected


@pytest.mark.parametrize("value", ["", "zero", "0", "-1", "\u00b2", "1000"])
def test_embedding_threads_default_to_one(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.embeddings import THREADS_ENV, embedding_threads

    monkeypatch.setenv(THREADS_ENV, value)
    assert embedding_threads() == 1


@pytest.mark.parametrize(
    ("text", "counts"),
    [
        ("Xinjiang borders eight countries", True),
        ("it has 18 land ports", True),
        ("2.5 million visitors came", True),
        ("it covers nearly 180 square kilometers", False),  # a measure
        ("trade rose 45.9 percent to 357 billion yuan", False),
        ("published on 7 March 2024", False),  # a date
        ("the 14th NPC", False),  # an ordinal
        ("8 of them", False),
    ],
)
def test_an_answer_counts_things_only_with_a_number_of_something(text: str, counts: bool) -> None:
    assert counts_things(tokens(text)) is counts


@pytest.mark.parametrize(
    ("text", "measures"),
    [("It covers nearly 180 square kilometers.", True), ("Trade rose 45.9 percent.", True),
     ("Trade reached 357 billion yuan ($49.6 billion).", True), ("It took five years.", True),
     ("It borders eight countries.", False), ("It has 18 land ports.", False),
     ("It opened in November 2023.", False)],
)
def test_an_answer_measures_with_a_unit_or_an_amount(text: str, measures: bool) -> None:
    assert measures_things(tokens(text)) is measures


@pytest.mark.parametrize(("text", "rates"), [
    ("Trade rose 45.9 percent year-on-year.", True), ("It accounts for 80% of trade.", True),
    ("Trade reached 357 billion yuan, up 45.9 percent.", False), ("It opened in 2023.", False),
])
def test_an_answer_gives_only_rates(text: str, rates: bool) -> None:
    assert rates_only(tokens(text)) is rates


@pytest.mark.parametrize(("question", "amount"), [
    ("what was total trade in 2023", True), ("the value of the exports", True),
    ("what was the trade with the towns in total", True),
    ("how fast did total trade grow", False), ("what share of the total is exports", False),
    ("how much of the total is exports", False), ("what percentage of the value", False),
])
def test_an_amount_is_asked(question: str, amount: bool) -> None:
    assert asks_amount(tokens(question)) is amount


def test_a_named_thing_of_the_article_must_be_named_by_the_fact(
        shipped_engine: Engine) -> None:
    things = shipped_engine.index.things
    assert {"centralasia", "sco", "kashgar"} <= things
    # Not one that half the facts name, an English word, a unit, nor a person.
    assert things.isdisjoint({"xinjiang", "chairman", "photo", "sqkm", "yoy", "tuniyaz"})
    # The total trade fact gives yuan, but not of the trade with Central Asia.
    assert not shipped_engine.answer(
        "What was the yuan value of the trade with Central Asia?").answered
    reply = shipped_engine.answer("What share of trade is with Central Asia?")
    assert reply.fact is not None
    assert reply.fact.id == "central-asia-trade-share"


@pytest.mark.parametrize(("question", "fact"), [
    # Fair questions the vetoes must leave alone.
    ("what's the name of the newspaper?", "article-publisher"),
    ("will xinjiang welcome foreign investors?", "welcome-visitors-investors"),
    ("in what month did the ftz open?", "ftz-launch"),  # ("on what date": a day, not given)
    ("what is central asia's contribution to total trade?", "central-asia-trade-share"),
    ("what did the top official say about smear campaigns?", "smear-no-deterrent"),
    ("who borders xinjiang?", "borders"),
    ("\uff57\uff48\uff41\uff54 \uff49\uff53 \uff54\uff48\uff45 \uff26\uff34\uff3a\uff1f",
     "ftz-overview"),  # full-width letters
    # What the article does not give.
    ("how long is the border with Kazakhstan?", None),
    ("who invited the diplomats to the January sessions?", None),
    ("On what exact day in November did the FTZ open?", None),
    ("What did the diplomats think of the sessions?", None),
    ("How many new land ports does Xinjiang plan to add?", None),
])
def test_vetoes_on_the_article(shipped_engine: Engine, question: str, fact: str | None) -> None:
    reply = shipped_engine.answer(question)
    assert (reply.fact.id if reply.answered and reply.fact else None) == fact, reply.text


def test_a_count_does_not_answer_how_long(tiny_kb_path: Path) -> None:
    facts = (tiny_kb_path / "facts.yaml").read_text(encoding="utf-8")
    write_kb(tiny_kb_path, facts=facts.replace('"ferry riders first month"',
                                               '"ferry line length"'))
    from bot.loader import load_knowledge

    engine = Engine(load_knowledge(tiny_kb_path))
    assert engine.answer("how many passengers used the ferry line").answered
    # 12,000 passengers is a count: not a length, nor a size.
    assert not engine.answer("how long is the ferry line").answered
    assert not engine.answer("how big is the ferry line").answered
    assert engine.answer("how high is the ticket price").answered  # 5 dollars: an amount


@pytest.mark.parametrize(
    ("question", "count"),
    [("how many land ports are there", True), ("number of visitors", True),
     ("how many square kilometers is it", False), ("how many square kilometres is it", False),
     ("it covers how many sq km", False), ("how many km2", False),
     ("how many billion yuan was it", False), ("how much did it cost", False)],
)
def test_how_many_asks_for_a_count_unless_a_unit_follows(
        tiny_engine: Engine, question: str, count: bool) -> None:
    assert asks_count(tokens(question)) is count
    # As the engine reads it: aliases ("sq km") must not hide the unit.
    assert analyse(tiny_engine.index, question).asks_count is count


@pytest.mark.parametrize(("question", "answered"), [
    ("which vessel carried the ferry line's passengers", True),
    # Asked precisely, what is singled out is the point: one the fact does not explain is
    # another question, not padding; the asking itself ("particular") and the rest are not.
    ("which particular vessel carried the ferry line's passengers", False),
    ("how many passengers exactly did the ferry line carry in the busy month", True),
    ("which specific passengers did the ferry line carry on its busy first month", True),
])
def test_a_word_asked_precisely_must_be_explained(
        tiny_engine: Engine, question: str, answered: bool) -> None:
    reply = tiny_engine.answer(question)
    assert reply.answered is answered
    assert "specific" not in reply.text


def test_a_scope_is_a_place(tiny_engine: Engine) -> None:
    # The nation's passengers are not the line's, even where the knowledge base knows the word.
    asked = analyse(tiny_engine.index, "what was the national passenger total")
    assert stem("national") in asked.specific
    # Not of a thing the nation only qualifies: "national borders", "a national newspaper".
    assert stem("national") not in analyse(tiny_engine.index, "national ferry borders").specific
    assert stem("nationally") not in analyse(tiny_engine.index, "ranked nationally").specific


def test_a_bound_is_not_a_figure_asked(tiny_engine: Engine) -> None:
    assert "3" not in analyse(tiny_engine.index, "is a ticket more than 3 dollars").content
    assert "3" not in analyse(tiny_engine.index, "is a ticket over 3 dollars").content
    assert "3" in analyse(tiny_engine.index, "is a ticket 3 dollars").content
    assert tiny_engine.answer("does a ferry ticket cost more than 3 dollars").answered


def test_a_figure_asked_in_another_unit_is_declined(tiny_engine: Engine) -> None:
    # The fare is given in dollars: not in euros, however the question asks it.
    assert tiny_engine.answer("how much is the ticket price in dollars").answered
    assert not tiny_engine.answer("how much is the ticket price in euros").answered
    assert not tiny_engine.answer("what is the ticket price in euros").answered
    assert not tiny_engine.answer("whats the ticket price in rubles").answered
    # ... and a year after "in" is no unit to give it in (the price itself is asked).
    assert analyse(tiny_engine.index, "what is the ticket price in 2024").asked \
        == frozenset({"ticket", "pric"})


def test_a_count_asked_of_a_measure_is_declined(tiny_engine: Engine) -> None:
    # The ticket fact gives a price (5 dollars), not a number of tickets.
    reply = tiny_engine.answer("how many ferry tickets are there")
    assert not reply.answered
    assert tiny_engine.answer("how many passengers did the ferry carry").answered


@pytest.mark.parametrize(
    ("question", "asked"),
    [("whats the population of kashgar", ["population"]),
     ("what is the total population of kashgar", ["population"]),
     # A fact that answers "who" gives a name without saying "name".
     ("What is the name of the staff member", []),
     ("how big is the zone", [])],
)
def test_the_attribute_asked_for_by_name(question: str, asked: list[str]) -> None:
    assert asked_for(tokens(question)) == asked


def test_an_everyday_word_the_knowledge_base_lacks_weighs_less(tiny_kb: KnowledgeBase) -> None:
    """ "take", "top", "based" say less about what is asked than "gazebo"."""
    engine = Engine(tiny_kb, common=frozenset({"take"}))
    query = analyse(engine.index, "does the ferry take a gazebo of a gull nest")
    assert len(query.content) > engine.thresholds.common_after
    weights = query.weights(engine.index)
    assert weights["tak"] == pytest.approx(
        weights["gazebo"] * engine.thresholds.common_unknown)
    # In a short question every word is the point: "who is the wife of ...".
    short = analyse(engine.index, "take gazebo").weights(engine.index)
    assert short["tak"] == pytest.approx(short["gazebo"])


def test_it_in_a_second_question_is_the_subject_of_the_first(shipped_engine: Engine) -> None:
    reply = shipped_engine.answer(
        "What share of Xinjiang's trade is with Central Asia, and how much did it grow?")
    assert [p.fact.id for p in reply.parts if p.fact is not None] == [
        "central-asia-trade-share", "central-asia-trade-growth"]


def test_a_question_in_another_script_still_gets_the_nearest_facts(
        shipped_engine: Engine) -> None:
    """No word of it matches; below the suggestion bar, the decline still names the facts
    nearest in meaning."""
    reply = shipped_engine.answer("자유무역구 면적은?")
    assert not reply.answered
    assert "ftz-area" in [s.fact for s in reply.suggestions]


def test_it_in_a_question_after_context_is_what_the_context_names(
        shipped_engine: Engine) -> None:
    reply = shipped_engine.answer("A client keeps asking me about the new free trade zone and "
                                  "I read half of the story. Which cities are in it?")
    assert reply.fact is not None
    assert reply.fact.id == "ftz-areas-covered"


@pytest.mark.parametrize(("question", "prediction"), [
    ("Will the ferry line close next year?", True),
    ("is it gonna get cheaper", True),
    ("are fares going to rise", True),
    ("how much is a ticket", False),
    ("what will the mayor do", False),  # asks what was said, not yes or no about the future
])
def test_a_prediction_is_recognised(tiny_engine: Engine, question: str,
                                    prediction: bool) -> None:
    assert analyse(tiny_engine.index, question).prediction is prediction


@pytest.mark.parametrize("question", [
    "How old is Mayor Lee?",  # an age is a figure the fact does not give
    "What did the UN say about the ferry line?",  # an abbreviation in capitals is a name
    "Does the ferry go to the northeast of the city?",  # a compass point is a place
])
def test_what_the_fact_does_not_give_is_declined(tiny_engine: Engine, question: str) -> None:
    assert not tiny_engine.answer(question).answered


def test_it_is_not_the_region_every_fact_speaks_of(shipped_engine: Engine) -> None:
    reply = shipped_engine.answer("How many land ports does Xinjiang have? How big is it?")
    assert [p.fact.id for p in reply.parts if p.fact is not None][:1] == ["land-ports"]
    assert "trade-total-2023" not in [p.fact.id for p in reply.parts if p.fact is not None]


@pytest.mark.parametrize("question", ["Who is the wife of Erkin Tuniyaz?",
                                      "What party is Erkin Tuniyaz in?"])
def test_an_everyday_word_is_the_point_of_a_short_question(shipped_engine: Engine,
                                                           question: str) -> None:
    assert not shipped_engine.answer(question).answered


def test_another_language_asking_which_ones_exactly_is_offered_not_answered(
        semantic_engine: Engine) -> None:
    """Only the English words can tell whether a fact singles out what is asked ("which
    ones", "exactly"): in another language such a question gets the fact as a suggestion."""
    plain = semantic_engine.answer("Сколько пассажиров перевёз паром?")
    assert plain.answered
    assert plain.fact is not None
    assert plain.fact.id == "ferry-passengers"
    precise = semantic_engine.answer("Каких именно пассажиров перевёз паром?")
    assert not precise.answered
    assert "ferry-passengers" in [s.fact for s in precise.suggestions]


@pytest.mark.parametrize(("question", "cues"), [
    ("Warum hat der Westen Sanktionen verhängt?", {"why"}),
    ("为什么新疆欢迎外国游客？", {"why"}),
    ("¿Cuándo empezó a funcionar la zona?", {"when"}),
    ("Когда открылась зона?", {"when"}),
    ("Где он дал это интервью?", set()),
    ("Quiero saber cuántos puertos tiene porque voy a viajar", set()),  # "because"
])
def test_why_and_when_are_read_in_other_languages(question: str, cues: set[str]) -> None:
    assert foreign_cues(question) == cues


@pytest.mark.parametrize(("question", "means"), [
    ("How were the passengers selected?", True),
    ("how do they count the passengers", True),
    ("by what means was the line built", True),
    ("How did the line get around the rules?", True),
    ("How does the paper describe the line?", False),
    ("How is the ferry expected to help the islands?", False),
    ("how is it connected to the islands", False),
    ("how many passengers were counted", False),
])
def test_how_it_was_done_is_asked(question: str, means: bool) -> None:
    assert asks_means(tokens(question)) is means


def test_how_it_was_done_is_declined_of_a_fact_that_does_not_say(tiny_engine: Engine) -> None:
    reply = tiny_engine.answer("How were the ferry passengers counted?")
    assert not reply.answered
    assert "does not say how" in reply.text


def test_a_question_in_another_language_is_never_left_without_suggestions(
        shipped_engine: Engine) -> None:
    # Its similarities sit low and close ("自贸区" is not read as the FTZ): still the nearest
    # three facts are offered, never "not found" alone.
    reply = shipped_engine.answer("新疆自贸区面积多大？")
    assert not reply.answered
    assert len(reply.suggestions) == 3
