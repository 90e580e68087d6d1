"""Normalisation, stemming and spelling correction."""

from __future__ import annotations

import pytest

from bot.engine import Engine
from bot.matching import analyse
from bot.normalize import normalize, stem, tokens


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("Xinjiang\u2019s TOTAL trade!!", "xinjiang total trade"),
        ("357,000 yuan ($49.6 billion)", "357000 yuan dollar 49.6 billion"),
        ("45.9%", "45.9 percent"),
        ("ｆｕｌｌ－ｗｉｄｔｈ", "full width"),  # NFKC
        ("free-trade zone 🇨🇳🤔", "free trade zone"),
        ("e.g. Dec. 19", "e g dec 19"),
        # A year written short, a rank written with digits.
        ("trade in '23, since '98", "trade in 2023 since 1998"),
        ("the '18 land ports' and '45.9 percent'", "the 18 land ports and 45.9 percent"),
        ("xinjiang's '23 figures, dec '23", "xinjiang 2023 figures dec 2023"),
        ("open on nov 1st or the 2nd of may", "open on nov 1st or the 2nd of may"),
        ("the number one official", "the top official"),
        ("the 1st zone, the 2nd and 10th; the 21st", "the first zone the second and tenth the 21st"),
        ("rock 'n' roll", "rock n roll"),
        ("was it number 1 or number two", "was it first or second"),
        ("the number of ports", "the number of ports"),
    ],
)
def test_normalize(raw: str, normal: str) -> None:
    assert normalize(raw) == normal


@pytest.mark.parametrize(
    ("forms", "key"),
    [(["countries", "country"], "country"), (["border", "borders", "bordering"], "border"),
     (["trade", "trading", "traded"], "trad"), (["open", "opened", "opening"], "open"),
     (["chairman", "chairmen"], "chairman"), (["spokesman", "spokesmen"], "spokesman"),
     (["specimen", "specimens"], "specimen")],
)
def test_stem_maps_forms_to_one_key(forms: list[str], key: str) -> None:
    assert {stem(f) for f in forms} == {key}


def test_typos_are_corrected_against_the_vocabulary(tiny_engine: Engine) -> None:
    query = analyse(tiny_engine.index, "pasengers on the fery tikcet")
    assert dict(query.corrections) == {
        "pasengers": "passengers", "fery": "ferry", "tikcet": "ticket",
    }


def test_a_short_word_is_only_completed_never_swapped(tiny_engine: Engine) -> None:
    # "rest" is one letter from "best" and "test" (both known), but a real word: swapping
    # would invent a question nobody asked. "fery" lacks a letter of "ferry": a typo.
    assert tiny_engine.index.speller.known("best")
    query = analyse(tiny_engine.index, "rest cost")
    assert query.corrections == ()


def test_numbers_and_places_are_never_corrected(tiny_engine: Engine) -> None:
    query = analyse(tiny_engine.index, "ferry 2019 paris")
    assert query.corrections == ()
    assert "pari" in query.names or "paris" in query.names


@pytest.mark.parametrize(("typed", "meant"), [("hwo", "how"), ("teh", "the"), ("wsa", "was")])
def test_swapped_letters_in_short_words_are_fixed(tiny_engine: Engine, typed: str,
                                                  meant: str) -> None:
    query = analyse(tiny_engine.index, f"{typed} many passengers")
    assert (typed, meant) in query.corrections


def test_a_three_letter_word_is_not_lengthened(tiny_engine: Engine) -> None:
    # "old" is a word of its own, not a typo of "told" or "bold".
    assert analyse(tiny_engine.index, "how old is the ferry").corrections == ()


def test_a_number_in_words_is_read_as_the_facts_write_it(tiny_engine: Engine) -> None:
    # The ticket fact says "5 dollars": "five" the knowledge base does not know, "5" it does.
    assert "5" in analyse(tiny_engine.index, "a ticket costs five dollars").content
    assert "first" in analyse(tiny_engine.index, "the 1st month").content


def test_how_the_answer_should_look_is_never_the_subject(tiny_engine: Engine) -> None:
    assert analyse(tiny_engine.index, "the article, in a nutshell?").content == ("articl",)
    # Nor is how long it should be a figure asked.
    assert "2" not in analyse(tiny_engine.index, "the ferry in a sentence or 2").content
    assert "3" not in analyse(tiny_engine.index, "the ferry in 3 bullet points").content
    assert "3" in analyse(tiny_engine.index, "the ferry in 3 ports").content


@pytest.mark.parametrize(("raw", "words"), [
    # A rise is no stopword; a phrasal verb and "up to" are left alone.
    ("trade went up by how much", "trade increased by how much"),
    ("up by 53%", "increased by 53 percent"),
    ("set up by 2023, up to them", "set up by 2023 up to them"),
    ("opening up further", "opening up further"),
])
def test_a_rise_is_read_as_one(raw: str, words: str) -> None:
    assert " ".join(tokens(raw)) == words


@pytest.mark.parametrize(
    ("question", "rewritten"),
    [
        # Where an article appeared is where it was published; who appears in a photo is shown.
        ("in which section of the paper did it appear",
         "in which section of the newspaper did it published"),
        ("who appears in the photo", "who shown in the photo"),
        ("when was this posted", "when was this published"),
        ("whats the deal with the ftz", "whats about the ftz"),
        ("which central asian states", "which centralasia countries"),
    ],
)
def test_everyday_synonyms_are_phrases(shipped_engine: Engine, question: str,
                                       rewritten: str) -> None:
    assert " ".join(shipped_engine.index.aliases.rewrite(tokens(question))) == rewritten
