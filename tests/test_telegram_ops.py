"""Telegram in operation, end to end through the fake Bot API server: every reply recorded,
👍/👎 feedback, admin-only commands, and reloads while questions are being answered."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import TINY_FACTS, TINY_SOURCE, write_kb
from fake_bot_api import Call, FakeBotApiServer
from ops_fixtures import ADMIN, from_admin, make_ops, running
from telegram_fixtures import GROUP_CHAT, PRIVATE_CHAT, USER, message, text_update

from bot.engine import Engine
from bot.loader import load_knowledge
from bot.reload import LiveEngine
from bot.storage import Vote
from bot.storage.sqlite import SqliteStorage
from bot.telegram import votes
from bot.telegram.ops import OpsSettings, ops_settings_from

TICKET_V1 = "A ticket costs 5 dollars."
TICKET_V2 = "A ticket costs 5 dollars, the paper says (v2)."


def v2_facts() -> str:
    return TINY_FACTS.replace(TICKET_V1, TICKET_V2)


def v2_source() -> str:
    return TINY_SOURCE.replace("title: The ferry line}", "title: The ferry line v2}").replace(
        "title: The city}", "title: The city v2}")


@pytest.fixture
def kb_path(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb")


def keyboard(call: Call) -> list[list[dict[str, str]]]:
    if "reply_markup" not in call.params:
        return []
    return list(call.json("reply_markup")["inline_keyboard"])


def vote_rows(call: Call) -> list[list[dict[str, str]]]:
    return [row for row in keyboard(call) if any(votes.parse(b.get("callback_data"))
                                                  for b in row)]


def test_every_reply_is_recorded_and_answers_carry_vote_buttons(
    tmp_path: Path, kb_path: Path
) -> None:
    ops = make_ops(tmp_path, kb_path)
    with FakeBotApiServer() as server, running(server, ops):
        for text in ("How much is a ferry ticket?", "who won the football match", "ferry",
                     "/help"):
            server.api.queue_update(text_update(text))
        answer, decline, did_you_mean, _ = server.api.wait_for("sendMessage", 4)
        assert ops.recorder is not None
        ops.recorder.flush()
    assert vote_rows(answer) == [[{"text": "👍", "callback_data": "v:+:ticket-price"},
                                  {"text": "👎", "callback_data": "v:-:ticket-price"}]]
    assert vote_rows(decline) == vote_rows(did_you_mean) == []
    store = SqliteStorage(tmp_path / "state" / "citebot.db")
    recorded = store.questions()
    store.close()
    assert [(a.question, a.outcome, a.chat_type) for a in recorded] == [
        ("How much is a ferry ticket?", "answer", "private"),
        ("who won the football match", "decline", "private"),
        ("ferry", "did_you_mean", "private"),
    ]
    expected = Engine(load_knowledge(kb_path)).answer("How much is a ferry ticket?")
    assert recorded[0].candidates == ("ticket-price",)
    assert recorded[0].score == round(expected.score, 2) > 0
    assert len(recorded[2].candidates) >= 2
    raw = b"".join(p.read_bytes() for p in (tmp_path / "state").iterdir())
    assert b"tess" not in raw.lower()
    assert str(USER["id"]).encode() not in raw


def test_a_corrupt_database_does_not_stop_the_answers(
    tmp_path: Path, kb_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "state" / "citebot.db"
    db.parent.mkdir()
    db.write_bytes(b"garbage, not SQLite " * 300)
    ops = make_ops(tmp_path, kb_path)
    with FakeBotApiServer() as server, running(server, ops):
        for i in range(3):
            server.api.queue_update(text_update("How much is a ferry ticket?", chat_id=i + 1))
        sent = server.api.wait_for("sendMessage", 3)
        assert ops.recorder is not None
        ops.recorder.flush()
    assert all(TICKET_V1 in c.params["text"] for c in sent)
    warnings = [r.getMessage() for r in caplog.records if r.name == "citebot.storage"]
    assert warnings == [f"cannot record questions, answering goes on: {db}: file is not a "
                        "database"]
    assert ops.recorder.stats().failed == 3


def test_a_vote_is_stored_and_its_buttons_edited_away(
    tmp_path: Path, kb_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "citebot.telegram")
    ops = make_ops(tmp_path, kb_path)
    with FakeBotApiServer() as server, running(server, ops):
        server.api.queue_update(text_update("How many passengers did the ferry carry?"))
        (answer,) = server.api.wait_for("sendMessage")
        related = [row for row in keyboard(answer) if row not in vote_rows(answer)]
        assert related, "the answer has related-fact buttons to keep"
        bot_message = {**message("the answer"), "reply_markup": {
            "inline_keyboard": keyboard(answer)}}
        press = {"callback_query": {"id": "cb-vote", "from": USER, "chat_instance": "ci",
                                    "message": bot_message, "data": "v:-:ferry-passengers"}}
        server.api.queue_update(press)
        (edit,) = server.api.wait_for("editMessageReplyMarkup")
        (answered,) = server.api.wait_for("answerCallbackQuery")
        assert ops.recorder is not None
        ops.recorder.flush()
    assert answered.params["text"] == "Thanks for your feedback!"
    assert keyboard(edit) == related
    assert server.api.calls_to("sendMessage") == [answer]  # no "stale button" message
    store = SqliteStorage(tmp_path / "state" / "citebot.db")
    [vote] = store.votes()
    store.close()
    assert (vote.fact, vote.up) == ("ferry-passengers", False)
    assert isinstance(vote, Vote)
    assert "chat=private outcome=vote_down fact=ferry-passengers" in caplog.text


def test_admin_commands_answer_only_admins(
    tmp_path: Path, kb_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "citebot.telegram")
    ops = make_ops(tmp_path, kb_path)
    with FakeBotApiServer() as server, running(server, ops):
        server.api.queue_update(text_update("who won the football match"))
        server.api.wait_for("sendMessage")
        assert ops.recorder is not None
        ops.recorder.flush()
        # A reader: the same reply as for a command that does not exist.
        for text in ("/nosuchcommand", "/stats", "/unanswered", "/reload"):
            server.api.queue_update(text_update(text))
        strangers = server.api.wait_for("sendMessage", 5)[1:]
        # An admin in a group: nothing (reports are not for the group's eyes).
        server.api.queue_update(from_admin("/stats", chat_id=GROUP_CHAT))
        server.api.queue_update(from_admin("/stats"))
        server.api.queue_update(from_admin("/unanswered"))
        server.api.queue_update(from_admin("/reload"))
        admin = server.api.wait_for("sendMessage", 8)[5:]
    texts = [c.params["text"] for c in strangers]
    assert texts[0].startswith("Send me a question about the article")
    assert texts == [texts[0]] * 4
    assert [c.params["chat_id"] for c in admin] == ["9001"] * 3
    stats, unanswered, reload = (c.params["text"] for c in admin)
    assert stats.startswith("Questions (last 7 day(s)): 1\n")
    assert unanswered.startswith("Unanswered questions (last 7 day(s)): 1 in 1 group(s)")
    assert "who won the football match" in unanswered
    assert reload.startswith("Knowledge base unchanged (version ")
    assert all("parse_mode" not in c.params for c in admin)  # plain text: nothing to escape
    events = [r.getMessage() for r in caplog.records if "outcome=admin_" in r.getMessage()]
    assert [e.split()[2] for e in events] == [
        "outcome=admin_stats", "outcome=admin_unanswered", "outcome=admin_reload"]
    assert all(str(ADMIN["id"]) not in e for e in events)


def test_an_invalid_knowledge_base_is_refused_and_the_old_one_keeps_answering(
    tmp_path: Path, kb_path: Path
) -> None:
    ops = make_ops(tmp_path, kb_path)
    with FakeBotApiServer() as server, running(server, ops):
        (kb_path / "facts.yaml").write_text(TINY_FACTS.replace("    topic: ferry\n", "", 1))
        server.api.queue_update(from_admin("/reload"))
        (refused,) = server.api.wait_for("sendMessage")
        server.api.queue_update(text_update("How much is a ferry ticket?"))
        answer = server.api.wait_for("sendMessage", 2)[1]
    text = refused.params["text"]
    assert text.startswith("Knowledge base NOT reloaded, still serving version "
                           f"{ops.live.current.version}:\n")
    assert f"{kb_path / 'facts.yaml'}:2: " in text
    assert "topic" in text
    assert TICKET_V1 in answer.params["text"]


def test_sighup_reloads_and_the_next_question_gets_the_new_answer(
    tmp_path: Path, kb_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "citebot.reload")
    ops = make_ops(tmp_path, kb_path)
    old = ops.live.current.version
    with FakeBotApiServer() as server, running(server, ops):
        (kb_path / "facts.yaml").write_text(v2_facts())
        os.kill(os.getpid(), signal.SIGHUP)
        deadline = time.monotonic() + 5
        while ops.live.current.version == old and time.monotonic() < deadline:
            time.sleep(0.01)
        server.api.queue_update(text_update("How much is a ferry ticket?"))
        (answer,) = server.api.wait_for("sendMessage")
    assert TICKET_V2 in answer.params["text"]
    assert f"Knowledge base reloaded: version {ops.live.current.version}" in caplog.text


def test_questions_during_reloads_see_one_knowledge_base_or_the_other(
    tmp_path: Path, kb_path: Path
) -> None:
    """Reloads flip between two versions while questions are answered. A decline names the
    topics in its text (from the engine) and in its buttons (from the handler): both from the
    same version, every time."""
    ops = make_ops(tmp_path, kb_path)
    v1 = ((kb_path / "source.yaml").read_text(), TINY_FACTS)
    v2 = (v2_source(), v2_facts())
    flips = 0
    stop = threading.Event()

    def flip() -> None:
        nonlocal flips
        while not stop.is_set():
            source, facts = (v1, v2)[flips % 2]
            (kb_path / "source.yaml").write_text(source)
            (kb_path / "facts.yaml").write_text(facts)
            assert ops.live.reload().ok
            flips += 1

    questions = ["who won the football match", "How much is a ferry ticket?"] * 10
    with FakeBotApiServer() as server, running(server, ops):
        flipper = threading.Thread(target=flip)
        flipper.start()
        try:
            # Questions in rounds, each after another reload, so that the answers meet both
            # versions however fast a round is answered; reloads go on during each round.
            rounds = 10
            per_round = len(questions) // rounds
            sent = []
            for r in range(rounds):
                deadline = time.monotonic() + 10
                seen_flips = flips
                while flips == seen_flips and time.monotonic() < deadline:
                    time.sleep(0.005)
                for i in range(r * per_round, (r + 1) * per_round):  # one chat each
                    server.api.queue_update(text_update(questions[i], chat_id=PRIVATE_CHAT + i))
                sent = server.api.wait_for("sendMessage", (r + 1) * per_round, timeout=20)
        finally:
            stop.set()
            flipper.join()
    assert flips >= 3
    seen = set()
    # Chats are answered concurrently: pair each reply with its chat's question, not by order.
    by_chat = {int(call.params["chat_id"]): call for call in sent}
    assert len(by_chat) == len(questions)
    for i, question in enumerate(questions):
        call = by_chat[PRIVATE_CHAT + i]
        text = call.params["text"]
        if question.startswith("How much"):
            version = 2 if TICKET_V2 in text else 1
            assert TICKET_V1 in text if version == 1 else True
        else:
            buttons = {b["text"] for row in keyboard(call) for b in row}
            version = 2 if "The ferry line v2" in text else 1
            suffix = " v2" if version == 2 else ""
            assert {f"The ferry line{suffix}", f"The city{suffix}"} <= buttons, (text, buttons)
        seen.add(version)
    assert seen == {1, 2}


def test_live_engine_swaps_under_concurrent_questions(kb_path: Path) -> None:
    """Many threads answer while the engine is reloaded: every reply is one version's."""
    live = LiveEngine(kb_path)
    stop = threading.Event()
    answers: list[str] = []
    errors: list[BaseException] = []

    def ask() -> None:
        try:
            while not stop.is_set():
                answers.append(live.engine.answer("How much is a ferry ticket?").text)
        except BaseException as exc:
            errors.append(exc)

    askers = [threading.Thread(target=ask) for _ in range(3)]
    for t in askers:
        t.start()
    for i in range(4):
        (kb_path / "facts.yaml").write_text(v2_facts() if i % 2 == 0 else TINY_FACTS)
        assert live.reload().changed
    stop.set()
    for t in askers:
        t.join()
    assert not errors
    assert set(answers) == {TICKET_V1, TICKET_V2}


@pytest.mark.parametrize(
    ("argv", "env", "expected"),
    [
        ([], {}, OpsSettings()),
        (["--admins", "1, 22,333", "--no-record", "--ops-address", "off", "--watch-kb"], {},
         OpsSettings(record=False, admins=frozenset({1, 22, 333}), ops_address=None,
                     watch_kb=True)),
        ([], {"CITEBOT_ADMINS": "7", "CITEBOT_OPS_ADDRESS": "0.0.0.0:9100",
              "CITEBOT_RECORD": "0", "CITEBOT_RETENTION_DAYS": "14", "CITEBOT_WATCH_KB": "1"},
         OpsSettings(record=False, admins=frozenset({7}), ops_address=("0.0.0.0", 9100),
                     retention_days=14, watch_kb=True)),
        (["--ops-address", "9100"], {}, OpsSettings(ops_address=("127.0.0.1", 9100))),
        (["--admins", "alice"], {}, "invalid admin user id: 'alice'"),
        (["--ops-address", "host:port"], {}, "invalid ops address"),
    ],
)
def test_ops_settings(argv: list[str], env: dict[str, str],
                      expected: OpsSettings | str) -> None:
    import argparse

    from bot.telegram import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(argv)
    if isinstance(expected, OpsSettings):
        assert ops_settings_from(args, env) == expected
    else:
        with pytest.raises(ValueError, match=expected):
            ops_settings_from(args, env)


def test_vote_callback_data_fits_and_round_trips() -> None:
    long_id = "f" * 60  # the longest id the loader allows
    for up in (True, False):
        data = votes.data(up, long_id)
        assert len(data.encode()) <= 64
        assert votes.parse(data) == (up, long_id)
    for bad in (None, "", "v:", "v:+:", "v:x:fact", "f:fact"):
        assert votes.parse(bad) is None
    assert json.dumps(votes.row("x")[0].to_dict()) == (
        '{"callback_data": "v:+:x", "text": "\\ud83d\\udc4d"}')
