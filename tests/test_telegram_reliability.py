"""Telegram misbehaving: updates the library cannot parse, failed sends (429, 400, 5xx),
outages, and stopping mid-burst. The real application over HTTP against the fake Bot API."""

from __future__ import annotations

import argparse
import io
import logging
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApiServer
from telegram_fixtures import (
    PRIVATE_CHAT,
    USER,
    message,
    running_bot,
    text_update,
)

from bot.telegram import add_arguments
from bot.telegram.app import settings_from
from bot.telegram.logs import setup_logging
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.token import secrets_of

SECRET_TEXT = "my secret diary entry"


def namespace(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


# A bot stopped by a test leaves no thread running.
pytestmark = pytest.mark.usefixtures("no_threads_left_behind")


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged, through the bot's own log set-up (privacy filter on)."""
    stream = io.StringIO()
    logs = setup_logging(secrets_of(TOKEN), stream=stream, level=logging.INFO)
    yield stream
    logs.close()


def _poison_message(**changes: Any) -> dict[str, Any]:
    body = message(SECRET_TEXT)
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


# Updates python-telegram-bot 22 cannot turn into an Update object.
POISON: list[tuple[str, dict[str, Any]]] = [
    ("no date", {"message": _poison_message(date=None)}),
    ("date as a string", {"message": _poison_message(date="yesterday")}),
    ("date out of range", {"message": _poison_message(date=10**20)}),
    ("poll missing fields", {"poll": {"id": "1", "question": SECRET_TEXT}}),
    ("message not an object", {"message": SECRET_TEXT}),
    ("message a list", {"message": [SECRET_TEXT, USER]}),
    ("chat not an object", {"message": _poison_message(chat=[SECRET_TEXT])}),
]


def test_unreadable_updates_are_skipped_logged_once_and_polling_goes_on(
    log_output: io.StringIO,
) -> None:
    """Every kind in POISON, each between two good questions, in one run."""
    with FakeBotApiServer() as server, running_bot(server, limiter=RateLimiter(50, 10.0)):
        api = server.api
        bad = {}
        for name, poison in POISON:
            api.queue_update(text_update("bridge cost"))
            bad[name] = api.queue_update(poison)
        api.queue_update(text_update("When did the bridge open?"))
        api.wait_for("sendMessage", len(POISON) + 1)
        time.sleep(0.3)  # a stalled poller would now be asking for a poison again and again
        polls = len(api.calls_to("getUpdates"))
        assert api.confirmed() == 2 * len(POISON) + 1
    texts = [c.params["text"] for c in api.calls_to("sendMessage")]
    assert all("12 million" in t for t in texts[:-1])
    assert "2023" in texts[-1]
    assert polls < 30
    output = log_output.getvalue()
    skipped = [line for line in output.splitlines() if "skipped" in line]
    assert len(skipped) == len(POISON)
    for name, update_id in bad.items():
        assert f"update={update_id} skipped: the library cannot read it (" in output, name
    assert SECRET_TEXT not in output
    assert str(USER["id"]) not in output


def test_an_update_that_breaks_a_handler_is_logged_without_its_content(
    log_output: io.StringIO,
) -> None:
    # Parses, but a message without a chat trips the handlers' filters.
    with FakeBotApiServer() as server, running_bot(server):
        server.api.queue_update({"message": _poison_message(chat=None)})
        server.api.queue_update(text_update("bridge cost"))
        server.api.wait_for("sendMessage")
    output = log_output.getvalue()
    assert "update=1 error=AttributeError" in output
    assert "(message hidden)" in output  # the traceback stays, its message does not
    assert SECRET_TEXT not in output
    assert str(USER["id"]) not in output


def test_flood_control_retry_after_is_honoured_and_the_answer_sent() -> None:
    with FakeBotApiServer() as server, running_bot(server):
        server.api.fail_next("sendMessage", 429, "Too Many Requests: retry after 1",
                             retry_after=1)
        server.api.queue_update(text_update("bridge cost"))
        refused, sent = server.api.wait_for("sendMessage", 2, timeout=5)
    assert (refused.status, sent.status) == (429, 200)
    assert sent.at - refused.at >= 1.0
    assert refused.params["text"] == sent.params["text"]


def test_html_telegram_cannot_parse_is_resent_as_plain_text() -> None:
    with FakeBotApiServer() as server, running_bot(server):
        server.api.fail_next(
            "sendMessage", 400,
            "Bad Request: can't parse entities: Unsupported start tag \"x\" at byte offset 0",
        )
        server.api.queue_update(text_update("bridge cost"))
        refused, sent = server.api.wait_for("sendMessage", 2)
    assert (refused.status, sent.status) == (400, 200)
    assert refused.params["parse_mode"] == "HTML"
    assert "parse_mode" not in sent.params
    text = sent.params["text"]
    assert "<" not in text.replace("<trade>", "")
    assert "&amp;" not in text
    assert "12 million dollars & took three years" in text
    assert "(https://example.com/news?id=1&lang=en)" in text  # the link survives as text
    assert "reply_markup" in sent.params  # buttons too


def test_other_bad_requests_are_not_resent() -> None:
    with FakeBotApiServer() as server, running_bot(server):
        server.api.fail_next("sendMessage", 400, "Bad Request: chat not found")
        server.api.queue_update(text_update("bridge cost"))
        server.api.queue_update(text_update("When did the bridge open?"))
        server.api.wait_for("sendMessage", 2)
        time.sleep(0.2)
    assert [c.status for c in server.api.calls_to("sendMessage")] == [400, 200]


@pytest.mark.parametrize("status", [500, 502])
def test_answers_wait_out_an_outage_and_are_sent_once_it_is_over(status: int) -> None:
    with FakeBotApiServer() as server, running_bot(server):
        server.api.outage(0.5, status, methods=("sendMessage",))
        server.api.queue_update(text_update("bridge cost"))
        server.api.queue_update(text_update("When did the bridge open?"))
        server.api.wait_for("sendMessage", 2, where=lambda c: c.status == 200, timeout=8)
        time.sleep(0.2)
    calls = server.api.calls_to("sendMessage")
    answered = [c.params["text"] for c in calls if c.status == 200]
    assert len(answered) == 2
    assert "12 million" in answered[0]
    assert "2023" in answered[1]
    assert sum(c.status == status for c in calls) >= 2


@pytest.mark.parametrize("started", [True, False], ids=["while polling", "at start-up"])
def test_polling_survives_a_total_outage(started: bool) -> None:
    with FakeBotApiServer() as server:
        if not started:  # getMe has no retries: from the first deleteWebhook on
            server.api.outage(0.3, 502, methods=("deleteWebhook", "getUpdates", "sendMessage"))
        with running_bot(server):
            if started:
                server.api.wait_for("getUpdates")
                server.api.outage(0.3, 502)
            server.api.queue_update(text_update("bridge cost"))
            (sent,) = server.api.wait_for("sendMessage", where=lambda c: c.status == 200,
                                          timeout=8)
    assert "12 million" in sent.params["text"]


def test_one_chat_waiting_on_a_failing_send_does_not_hold_up_another() -> None:
    with FakeBotApiServer() as server, running_bot(server):
        api = server.api
        api.outage(0.5, 502, methods=("sendMessage",), chat_id=PRIVATE_CHAT)
        api.queue_update(text_update("bridge cost"))
        api.queue_update(text_update("When did the bridge open?"))
        api.queue_update(text_update("bridge cost", chat_id=PRIVATE_CHAT + 1))
        api.wait_for("sendMessage", 3, where=lambda c: c.status == 200, timeout=8)
    answered = [c for c in api.calls_to("sendMessage") if c.status == 200]
    assert [c.params["chat_id"] for c in answered] == [
        str(PRIVATE_CHAT + 1), str(PRIVATE_CHAT), str(PRIVATE_CHAT)
    ]
    assert "12 million" in answered[1].params["text"]
    assert "2023" in answered[2].params["text"]


@pytest.mark.parametrize(("limit", "burst", "answered"), [("2/10", 5, 2), ("5/10", 10, 5)])
def test_the_rate_limit_is_configurable_and_notes_once(
    limit: str, burst: int, answered: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    with FakeBotApiServer() as server:
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", server.base_url)
        settings = settings_from(namespace("--rate-limit", limit, "--poll-timeout", "1"))
        with running_bot(server, settings=settings):
            for _ in range(burst):
                server.api.queue_update(text_update("bridge cost"))
            server.api.wait_for("sendMessage", answered + 1)
            time.sleep(0.3)
            assert server.api.confirmed() == burst
    texts = [c.params["text"] for c in server.api.calls_to("sendMessage")]
    assert len(texts) == answered + 1  # then silence
    assert all("12 million" in t for t in texts[:answered])
    assert texts[answered].startswith("You are sending messages faster")


def test_a_roomy_limiter_can_still_be_injected() -> None:
    with FakeBotApiServer() as server, running_bot(server, limiter=RateLimiter(50, 10.0)):
        for _ in range(8):
            server.api.queue_update(text_update("bridge cost"))
        server.api.wait_for("sendMessage", 8)
