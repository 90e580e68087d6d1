"""Reports on what readers asked: grouping, nearest fact, stats, feedback, and the commands."""

from __future__ import annotations

import io
import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.engine import Engine
from bot.model import KnowledgeBase
from bot.ops.progress import Progress
from bot.ops.reports import feedback, group_unanswered, stats
from bot.storage import Asked, Vote, asked_of
from bot.storage.sqlite import SqliteStorage

T0 = datetime(2024, 3, 7, 9, 0, tzinfo=UTC)


def declined(question: str, *candidates: str, at: datetime = T0,
             outcome: str = "decline") -> Asked:
    return Asked(at=at, question=question, outcome=outcome, candidates=candidates)


@pytest.mark.parametrize(
    ("questions", "expected"),
    [
        (["how big is the ferry", "How big is the ferry??", "how large is the ferry"],
         [3]),
        (["what is the weather in the harbour", "weather harbour", "who won the match"],
         [2, 1]),
        (["who wrote the article", "who wrote hamlet"], [1, 1]),
        (["ferry", "ferry passengers in may"], [1, 1]),  # one word is too little to group
        (["", "   ", "?!"], []),
    ],
    ids=["typo-and-synonym", "words-inside-a-longer-one", "different", "one-word", "empty"],
)
def test_similar_questions_group(
    tiny_engine: Engine, questions: list[str], expected: list[int]
) -> None:
    groups = group_unanswered([declined(q) for q in questions], tiny_engine)
    assert [g.count for g in groups] == expected


def test_only_declines_and_suggestions_count_and_the_biggest_group_comes_first(
    tiny_engine: Engine,
) -> None:
    rows = [
        declined("who won the match"),
        declined("ticket", "ticket-price", "ferry-passengers", outcome="did_you_mean"),
        declined("ticket", "ticket-price", outcome="did_you_mean"),
        Asked(at=T0, question="How much is a ferry ticket?", outcome="answer",
              candidates=("ticket-price",)),
        Asked(at=T0, question="hi", outcome="small_talk"),
    ]
    first, second = group_unanswered(rows, tiny_engine)
    assert (first.question, first.count, first.outcomes) == ("ticket", 2, (("did_you_mean", 2),))
    assert first.nearest is not None
    assert first.nearest.fact == "ticket-price"
    assert first.nearest.question == "How much is a ferry ticket?"
    assert second.question == "who won the match"


@pytest.mark.parametrize(
    ("row", "nearest", "answered_now"),
    [
        # What the current knowledge base suggests...
        (declined("ferry"), "ticket-price", False),
        # ... or answers (someone added the alternate since)...
        (declined("How much is a ferry ticket?", "mayor-view"), "ticket-price", True),
        # ... else what the engine suggested then, if that fact still exists.
        (declined("zebra xylophone", "mayor-view"), "mayor-view", False),
        (declined("zebra xylophone", "gone-fact", "photo"), "photo", False),
        (declined("zebra xylophone quartz"), None, False),
    ],
)
def test_the_nearest_fact(
    tiny_engine: Engine, row: Asked, nearest: str | None, answered_now: bool
) -> None:
    [group] = group_unanswered([row], tiny_engine)
    assert (group.nearest.fact if group.nearest else None) == nearest
    assert group.answered_now is answered_now


def test_stats_shares_days_and_top_facts(tiny_engine: Engine) -> None:
    day2 = T0 + timedelta(days=1)
    rows = [
        Asked(T0, "How much is a ferry ticket?", "answer", 100, ("ticket-price",)),
        Asked(T0, "ticket price", "answer", 100, ("ticket-price",)),
        Asked(day2, "ferry passengers", "answer", 100, ("ferry-passengers",)),
        declined("who won the match", at=day2),
    ]
    result = stats(rows, [Vote(T0, "ticket-price", up=False)], tiny_engine)
    assert result.total == 4
    assert (result.share("answer"), result.share("decline")) == (0.75, 0.25)
    assert [(d.isoformat(), c["answer"], c["decline"]) for d, c in result.per_day] == [
        ("2024-03-07", 2, 0), ("2024-03-08", 1, 1)]
    assert [(f.fact, n) for f, n in result.top_facts] == [
        ("ticket-price", 2), ("ferry-passengers", 1)]
    assert [g.question for g in result.top_unanswered] == ["who won the match"]
    assert (result.votes_up, result.votes_down) == (0, 1)


def test_feedback_worst_first(tiny_kb: KnowledgeBase) -> None:
    votes = [Vote(T0, "ticket-price", up=True)] * 3 + [Vote(T0, "mayor-view", up=False)] * 2 + [
        Vote(T0, "photo", up=True), Vote(T0, "photo", up=False), Vote(T0, "gone", up=False)]
    rows = feedback(votes, tiny_kb)
    assert [(r.fact, r.up, r.down) for r in rows] == [
        ("mayor-view", 0, 2), ("gone", 0, 1), ("photo", 1, 1), ("ticket-price", 3, 0)]
    assert rows[1].question == "(no longer in the knowledge base)"


# -- the commands, on a real database -------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path, tiny_engine: Engine) -> Path:
    path = tmp_path / "state" / "citebot.db"
    store = SqliteStorage(path)
    now = datetime.now(UTC)
    questions = ["how much does a ferry seat cost", "how much does a ferry seat cost?",
                 "how much does the ferry seat cost", "who won the football match",
                 "How much is a ferry ticket?", "ferry"]
    store.record([asked_of(tiny_engine.answer(q), chat_type="private", at=now)
                  for q in questions])
    store.record([declined("an old question", at=now - timedelta(days=40))])
    store.vote(Vote(now, "ticket-price", up=False))
    store.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_citebot_unanswered(db: Path, tiny_kb_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "unanswered", "--kb", str(tiny_kb_path), "--db", str(db))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "Unanswered questions (everything recorded): 6 in 4 group(s)"
    assert lines[2].split() == ["3", "how", "much", "does", "a", "ferry", "seat", "cost",
                                "[declined", "3]"]
    assert "nearest: ticket-price — How much is a ferry ticket?" in out
    code, out, _ = run(capsys, "unanswered", "--kb", str(tiny_kb_path), "--db", str(db),
                       "--since", "7", "--json")
    report = json.loads(out)
    assert report["questions"] == 5
    assert report["since_days"] == 7
    assert report["groups"][0]["variants"][0] == {
        "question": "how much does a ferry seat cost", "count": 2}


def test_citebot_unanswered_yaml_is_a_snippet_for_review(
    db: Path, tiny_kb_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (tiny_kb_path / "facts.yaml").read_text()
    code, out, _ = run(capsys, "unanswered", "--kb", str(tiny_kb_path), "--db", str(db),
                       "--since", "7", "--yaml")
    assert code == 0
    assert "nothing is added to the knowledge base automatically" in out
    snippet = yaml.safe_load(out)
    # Most asked first; "ferry" was a did-you-mean whose first suggestion was the ticket price.
    assert snippet["ticket-price"] == ["how much does a ferry seat cost", "ferry",
                                       "how much does the ferry seat cost"]
    assert snippet[None] == ["who won the football match"]
    assert (tiny_kb_path / "facts.yaml").read_text() == before


def test_citebot_stats_and_feedback(db: Path, tiny_kb_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--kb", str(tiny_kb_path), "--db", str(db), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["questions"] == 7
    assert report["outcomes"]["answer"] == 1
    assert report["votes"] == {"up": 0, "down": 1}
    assert report["top_facts"] == [
        {"fact": "ticket-price", "question": "How much is a ferry ticket?", "count": 1}]
    code, out, _ = run(capsys, "stats", "--kb", str(tiny_kb_path), "--db", str(db))
    assert "answered 14% · suggested 14% · declined 71% · small talk 0%" in out
    code, out, _ = run(capsys, "feedback", "--kb", str(tiny_kb_path), "--db", str(db))
    assert code == 0
    assert "     1     0  ticket-price — How much is a ferry ticket?" in out


def test_reports_without_a_database_say_so(tmp_path: Path, tiny_kb_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nothing-yet.db"
    code, out, err = run(capsys, "stats", "--kb", str(tiny_kb_path), "--db", str(missing))
    assert (code, out) == (1, "")
    assert err == f"citebot stats: {missing}: no such database (nothing recorded yet?)\n"
    assert not missing.exists()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_only_when_a_report_takes_long() -> None:
    quick = Terminal()
    with Progress(quick, delay=60) as progress:
        progress("grouping questions", 10, 100)
    assert quick.getvalue() == ""
    slow = Terminal()
    with Progress(slow, delay=0) as progress:
        progress("grouping questions", 10, 100)
        deadline = time.monotonic() + 5
        while "10/100" not in slow.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert "\r\x1b[Kcitebot: grouping questions 10/100 (0 s)" in slow.getvalue()
    assert slow.getvalue().endswith("\r\x1b[K")  # erased at the end
