"""`citebot eval`: scoring, question files, baselines' sentence map, typo injection, the CLI and
the synthetic knowledge-base generator. Nothing here asserts a duration."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rapidfuzz.distance import OSA

from bot.evaluation import metrics
from bot.evaluation.baselines import build_baselines
from bot.evaluation.metrics import Candidate, Prediction, Verdict
from bot.evaluation.passages import article_passages, split_sentences
from bot.evaluation.questions import (
    Question,
    QuestionFileError,
    check_expectations,
    load_questions,
    parse_questions,
)
from bot.evaluation.typos import add_typos
from bot.loader import load_knowledge
from bot.model import Kind, KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent
DEV_QUESTIONS = ROOT / "tests" / "dev_questions.yaml"


def q(expect: str, kind: str = "paraphrase", split: str = "tune") -> Question:
    return Question(f"question about {expect}", expect, kind, split)


ANSWER_A = Prediction(Kind.ANSWER, ("a",), 90)
ANSWER_B = Prediction(Kind.ANSWER, ("b",), 80)
DECLINE = Prediction(Kind.DECLINE)
SMALL_TALK = Prediction(Kind.SMALL_TALK)
DYM_AB = Prediction(Kind.DID_YOU_MEAN, suggestions=("a", "b"))

# A hand-made run: expected → reply, with the verdict each must get.
CASES = [
    (q("a"), ANSWER_A, Verdict.RIGHT),
    (q("a"), ANSWER_B, Verdict.WRONG),
    (q("a", "typo"), DYM_AB, Verdict.CLOSE),
    (q("b", "typo"), DECLINE, Verdict.MISSED),
    (q("decline", "near_miss"), DECLINE, Verdict.RIGHT),
    (q("decline", "near_miss"), ANSWER_A, Verdict.WRONG),
    (q("decline", "off_topic"), DYM_AB, Verdict.MISSED),
    (q("small_talk", "small_talk"), SMALL_TALK, Verdict.RIGHT),
    (q("small_talk", "small_talk"), DECLINE, Verdict.MISSED),
]


@pytest.fixture
def outcomes() -> tuple[metrics.Outcome, ...]:
    return metrics.judge([c[0] for c in CASES], [c[1] for c in CASES])


def test_verdicts(outcomes: tuple[metrics.Outcome, ...]) -> None:
    assert [o.verdict for o in outcomes] == [c[2] for c in CASES]


def test_a_baseline_without_small_talk_may_decline_it() -> None:
    assert metrics.verdict(q("small_talk"), DECLINE, decline_for_small_talk=True) is Verdict.RIGHT
    assert metrics.verdict(q("decline"), SMALL_TALK, decline_for_small_talk=True) is Verdict.MISSED


def test_summary(outcomes: tuple[metrics.Outcome, ...]) -> None:
    s = metrics.summarize(outcomes)
    assert (s.total, s.answerable, s.answered_right) == (9, 4, 1)
    assert s.answer_accuracy == 1 / 4
    assert (s.answers_given, s.answer_precision) == (3, 1 / 3)
    assert (s.wrong_answers, s.false_answers) == (1, 1)
    # Declines: 3 given (one on an answerable question, one on small talk), 1 of 3 expected.
    assert (s.declines_expected, s.declines_given, s.declines_right) == (3, 3, 1)
    assert s.decline_precision == 1 / 3
    assert s.decline_recall == 1 / 3
    assert (s.small_talk_expected, s.small_talk_right) == (2, 1)
    assert (s.did_you_mean, s.did_you_mean_close) == (2, 1)
    assert (s.overall_right, s.overall_accuracy) == (3, 3 / 9)


def test_empty_denominators_are_none() -> None:
    s = metrics.summarize(metrics.judge([q("a")], [ANSWER_A]))
    assert s.decline_recall is None
    assert s.decline_precision is None


def test_by_kind(outcomes: tuple[metrics.Outcome, ...]) -> None:
    rows = {r.kind: r for r in metrics.by_kind(outcomes)}
    assert rows["typo"] == metrics.KindRow("typo", 2, 0, 1, 0, 1, 0.0)
    assert rows["paraphrase"].accuracy == 0.5
    assert rows["near_miss"].wrong == 1


def test_confusions_count_wrong_answers_most_frequent_first() -> None:
    questions = [q("a"), q("a"), q("c"), q("decline")]
    replies = [ANSWER_B, ANSWER_B, ANSWER_A, ANSWER_A]
    found = metrics.confusions(metrics.judge(questions, replies))
    assert found == (
        metrics.Confusion("a", "b", 2),
        metrics.Confusion("c", "a", 1),
        metrics.Confusion("decline", "a", 1),
    )


def test_judge_refuses_mismatched_lengths() -> None:
    with pytest.raises(ValueError, match="2 questions but 1 predictions"):
        metrics.judge([q("a"), q("b")], [ANSWER_A])


def test_decide_and_sweep_pick_the_threshold_that_separates() -> None:
    questions = [q("a"), q("b"), q("decline"), q("decline")]
    candidates = [
        Candidate(("a",), 0.9),
        Candidate(("b", "c"), 0.7),  # a sentence cited by two facts: right if b is among them
        Candidate(("a",), 0.4),
        Candidate(("c",), 0.2),
    ]
    assert metrics.decide(candidates[1], 0.7).kind is Kind.ANSWER
    assert metrics.decide(candidates[1], 0.71).kind is Kind.DECLINE
    thresholds = metrics.candidate_thresholds(candidates)
    assert thresholds == (-0.8, 0.30000000000000004, 0.55, 0.8, 1.9)
    points = metrics.sweep_candidates(questions, candidates, thresholds)
    assert [p.overall_accuracy for p in points] == [0.5, 0.75, 1.0, 0.75, 0.5]
    assert [p.coverage for p in points] == [1.0, 0.75, 0.5, 0.25, 0.0]
    assert points[0].precision == 0.5
    assert points[-1].precision is None
    assert metrics.best_point(points).threshold == 0.55


def test_best_point_takes_the_middle_of_a_plateau() -> None:
    points = [
        metrics.SweepPoint(t, 0.5, 0.9, 0.5, 0.5, acc)
        for t, acc in [(10, 0.5), (20, 0.8), (30, 0.8), (40, 0.8), (50, 0.6)]
    ]
    assert metrics.best_point(points).threshold == 30


def test_percentiles() -> None:
    assert metrics.median([3.0, 1.0, 2.0]) == 2.0
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert metrics.percentile([float(i) for i in range(101)], 95) == 95.0
    assert metrics.median([]) is None


@pytest.mark.parametrize("edits", [0, 1, 2, 3])
def test_typos_are_seeded_and_at_most_n_edits(edits: int) -> None:
    text = "How much did trade with Central Asian countries grow in 2023?"
    once = add_typos(text, edits, random.Random("x"))
    assert once == add_typos(text, edits, random.Random("x"))
    assert OSA.distance(text, once) <= edits
    assert once.split()[0][0] == "H"
    if edits:
        assert once != text


def test_typos_leave_words_without_letters_alone() -> None:
    assert add_typos("2023 ? 🙂", 3, random.Random(1)) == "2023 ? 🙂"


# --- question files -----------------------------------------------------------------------


GOOD = """\
questions:
  - q: "how big is the zone?"
    expect: ftz-area
    kind: paraphrase
    split: tune
  - q: hi
    expect: small_talk
    kind: small_talk
    split: holdout
"""


def test_parse_questions_keeps_lines() -> None:
    questions = parse_questions(GOOD, "dev.yaml")
    assert questions[0] == Question("how big is the zone?", "ftz-area", "paraphrase", "tune", 2, 3)
    assert questions[1].line == 6
    assert not questions[1].answerable


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- just a list\n", "dev.yaml:1: the file must be a mapping"),
        ("questions: []\n", "dev.yaml:1: questions: must be a non-empty list"),
        ("asks:\n  - q: x\n", "dev.yaml:1: asks: unknown key"),
        ("questions:\n  - q: x\n    expect: a\n    kind: typo\n", "dev.yaml:2: split: missing"),
        (GOOD.replace("kind: small_talk", "kind: chatty"), "dev.yaml:8: kind: 'chatty' is not one"),
        (GOOD.replace("split: tune", "split: train"), "dev.yaml:5: split: 'train' is not one"),
        (GOOD.replace("expect: ftz-area", "expected: ftz-area"), "dev.yaml:3: expected: unknown"),
        (GOOD.replace('q: "how big is the zone?"', "q:"), "dev.yaml:2: q: must be a non-empty"),
        (GOOD.replace("q: hi", "q: [hi]"), "dev.yaml:6: q: must be a non-empty string"),
        ("questions:\n  - q: 'open\n", "dev.yaml:2: not valid YAML: syntax error: this quote is never closed"),
    ],
)
def test_question_file_errors_name_the_line(text: str, message: str) -> None:
    with pytest.raises(QuestionFileError) as error:
        parse_questions(text, "dev.yaml")
    assert str(error.value).startswith(message)


def test_unknown_expected_fact_is_refused_with_its_line() -> None:
    questions = parse_questions(GOOD, "dev.yaml")
    check_expectations(questions, ["ftz-area"], "dev.yaml")
    with pytest.raises(QuestionFileError, match=r"dev.yaml:3: expect: unknown fact 'ftz-area'"):
        check_expectations(questions, ["other"], "dev.yaml")


def test_missing_question_file(tmp_path: Path) -> None:
    with pytest.raises(QuestionFileError, match="cannot read"):
        load_questions(tmp_path / "nope.yaml")


# --- passages and baselines ---------------------------------------------------------------


def test_split_sentences() -> None:
    text = 'He said "It grew." Then 49.6 billion yuan. Dec 19, 2023. [Photo/Xinhua]'
    spans = split_sentences(text)
    assert [text[a:b] for a, b in spans] == [
        'He said "It grew."',
        "Then 49.6 billion yuan.",
        "Dec 19, 2023.",
        "[Photo/Xinhua]",
    ]


def test_passages_map_to_the_facts_quoting_them(tiny_kb: KnowledgeBase) -> None:
    by_text = {s.text: s.facts for s in article_passages(tiny_kb)}
    assert by_text["The new ferry line carried 12,000 passengers in its first month."] == (
        "ferry-passengers",
    )
    assert by_text["Tickets cost 5 dollars."] == ("ticket-price",)
    assert by_text["[Photo/Test]"] == ()
    assert by_text["Title: Harbour city opens new ferry line"] == ()


def test_every_paragraph_fact_of_the_real_kb_has_a_sentence(real_kb: KnowledgeBase) -> None:
    mapped = {f for s in article_passages(real_kb) for f in s.facts}
    cited = {f.id for f in real_kb.facts if any(c.paragraph for c in f.citations)}
    assert cited <= mapped


@pytest.mark.parametrize("name", ["rapidfuzz", "BM25"])
def test_a_baseline_finds_a_verbatim_sentence(tiny_kb: KnowledgeBase, name: str) -> None:
    if name == "BM25":
        pytest.importorskip("bm25s")
    baselines, notes = build_baselines(tiny_kb, only=[name])
    assert [b.name.split()[0] for b in baselines] == [name]
    assert notes == ()
    candidate = baselines[0].candidate("Tickets cost 5 dollars.")
    assert candidate.facts == ("ticket-price",)
    assert candidate.score > 0


# --- the command line ---------------------------------------------------------------------


def citebot(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, cwd=ROOT, check=False
    )


# A slice of the dev set with both splits and a multi-part question in two languages: the
# report's shape does not need all 308 questions answered 30 times over.
SMALL_SET = """questions:
  - {q: "when did the FTZ open", expect: ftz-launch, kind: paraphrase, split: tune}
  - {q: "who wrote hamlet", expect: decline, kind: off_topic, split: tune}
  - {q: "hi there", expect: small_talk, kind: small_talk, split: holdout}
  - {q: "how big is the ftz and when did it open?", expect: [ftz-area, ftz-launch],
     kind: multi, split: holdout}
  - {q: "自由贸易区有多大？", expect: ftz-area, kind: other_language, split: holdout, lang: zh}
"""


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("eval") / "small.yaml"
    path.write_text(SMALL_SET, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def eval_json(small_set: Path) -> dict[str, Any]:
    done = citebot("eval", str(small_set), "--json", "--sweeps", "--typos")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def test_eval_json_shape(eval_json: dict[str, Any]) -> None:
    assert eval_json["split"] == "all"
    assert eval_json["passed"] is True
    systems = eval_json["systems"]
    assert isinstance(systems, list)
    citebot_result = systems[0]
    assert citebot_result["name"] == "citebot"
    summary = citebot_result["summary"]
    for key in (
        "answer_accuracy",
        "decline_precision",
        "decline_recall",
        "overall_accuracy",
        "did_you_mean",
        "did_you_mean_close",
    ):
        assert key in summary
    assert summary["total"] == eval_json["questions"] == 5
    assert {row["kind"] for row in citebot_result["kinds"]} >= {"paraphrase", "multi"}
    assert citebot_result["sweep"]
    assert "precision" in citebot_result["sweep"][0]
    assert set(citebot_result["knob_sweeps"]) == {"answer_confidence", "meaning_coverage"}
    assert [row["edits"] for row in eval_json["typos"]] == [0, 1, 2, 3]
    assert set(citebot_result["by_split"]) == {"tune", "holdout"}
    assert set(citebot_result["by_language"]) == {"en", "zh"}
    assert 0 <= summary["answered_or_suggested"] <= summary["answerable"] == 3


def test_eval_min_accuracy_sets_the_exit_code(small_set: Path) -> None:
    assert citebot("eval", str(small_set), "--split", "holdout", "--min-accuracy", "0",
                   "--lexical").returncode == 0
    # The lexical matcher alone cannot read Chinese: below 100% for sure.
    done = citebot("eval", str(small_set), "--min-accuracy", "100%", "--lexical")
    assert done.returncode == 1
    assert "FAILED" in done.stdout


def test_eval_refuses_a_bad_question_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD.replace("expect: ftz-area", "expect: no-such-fact"), encoding="utf-8")
    done = citebot("eval", str(bad))
    assert done.returncode == 2
    assert f"{bad}:3: expect: unknown fact 'no-such-fact'" in done.stderr


# --- synthetic knowledge bases ------------------------------------------------------------


def test_synthetic_kb_is_accepted_by_the_loader(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bench.synth", "50", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    root = Path(done.stdout.strip())
    kb = load_knowledge(root / "kb")
    assert len(kb.facts) == 50
    assert len({f.id for f in kb.facts}) == 50
    assert len(kb.sources) == 3
    questions = load_questions(root / "questions.yaml")
    check_expectations(questions, (f.id for f in kb.facts), "questions.yaml")
    assert {x.expect for x in questions} & {"decline"}
