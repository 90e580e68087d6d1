"""End to end: the real PTB Application, long polling (or serving a webhook) against the fake
Bot API server over HTTP on 127.0.0.1, with the real engine."""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from fake_bot_api import TOKEN, Call, FakeBotApiServer
from telegram_fixtures import (
    GROUP_CHAT,
    PRIVATE_CHAT,
    USER,
    callback_update,
    inline_update,
    mention_update,
    running_bot,
    sticker_update,
    telegram_html_text,
    text_update,
    tiny_kb,
)

from bot.telegram import add_arguments, run
from bot.telegram.app import Settings
from bot.telegram.logs import setup_logging
from bot.telegram.ratelimit import RateLimiter
from bot.telegram.token import REDACTED, secrets_of

ROOT = Path(__file__).resolve().parent.parent


# A bot stopped by a test leaves no thread running.
pytestmark = pytest.mark.usefixtures("no_threads_left_behind")


def texts(calls: list[Call]) -> list[str]:
    return [c.params["text"] for c in calls]


def test_long_polling_conversation() -> None:
    # A roomy rate limit: this script sends more than 5 messages from one chat at once.
    with FakeBotApiServer() as server, running_bot(server, limiter=RateLimiter(50, 10.0)):
        api = server.api
        commands = api.wait_for("setMyCommands")[0].json("commands")
        assert [c["command"] for c in commands] == ["start", "topics", "source", "about", "help"]
        script = [
            text_update("/start"),
            text_update("When did the bridge open?"),
            text_update("bridge"),
            callback_update("f:bridge-cost"),
            text_update("who wrote hamlet"),
            text_update("bridge cost", chat_id=GROUP_CHAT),  # no mention: ignored
            mention_update("when did the bridge open"),
            inline_update("bridge"),
            text_update("port traffic"),
            text_update("<b>bridge</b> & <i>port</i>?"),
            sticker_update(),
            callback_update("f:gone-since-last-release"),
        ]
        for update in script:
            api.queue_update(update)
        api.wait_for("sendMessage", 9)
        api.wait_for("answerCallbackQuery", 2)
        api.wait_for("answerInlineQuery")
        # Chats run concurrently; each chat's replies come in the order of its messages.
        sent = api.calls_to("sendMessage")
        private = [c for c in sent if c.params["chat_id"] == str(PRIVATE_CHAT)]
        start, opened, did_you_mean, cost, hamlet, port, tags, sticker = texts(private)
        (group_reply,) = [c for c in sent if c.params["chat_id"] == str(GROUP_CHAT)]
        group = group_reply.params["text"]
    assert "Northport Daily, 2024-01-02" in start
    assert "<blockquote>“Northport opened a new suspension bridge in 2023” (¶1)</blockquote>" in (
        opened
    )
    assert "not sure which" in did_you_mean
    assert "Ada Lin, mayor of Northport, said:" in cost
    assert "does not say anything about" in hamlet
    assert "hamlet" in hamlet
    assert "suspension bridge" in group
    assert "&lt;record&gt;" in port
    assert "<record>" not in port
    assert "<b>" not in tags
    assert "<i>port" not in tags
    assert sticker.startswith("I can only read text")
    for text in (start, opened, did_you_mean, cost, hamlet, group, port, tags, sticker):
        telegram_html_text(text)
    pressed, stale = api.calls_to("answerCallbackQuery")
    assert "text" not in pressed.params
    assert stale.params["text"] == "This button is no longer available."
    assert api.calls_to("answerInlineQuery")[0].json("results")
    assert api.confirmed() == len(script)  # every update was fetched and acknowledged


def test_a_failed_send_is_retried_and_the_chat_keeps_its_order() -> None:
    with FakeBotApiServer() as server, running_bot(server):
        server.api.fail_next("sendMessage", 500)
        server.api.queue_update(text_update("bridge cost"))
        server.api.queue_update(text_update("When did the bridge open?"))
        server.api.wait_for("sendMessage", 3)
    failed, cost, opened = server.api.calls_to("sendMessage")
    assert failed.status == 500
    assert cost.status == opened.status == 200
    assert failed.params["text"] == cost.params["text"]
    assert "12 million" in cost.params["text"]
    assert "suspension bridge" in opened.params["text"]


def test_the_bot_runs_without_a_command_menu_if_set_my_commands_fails() -> None:
    with FakeBotApiServer() as server:
        server.api.fail_next("setMyCommands", 500)
        with running_bot(server):
            server.api.queue_update(text_update("bridge cost"))
            (call,) = server.api.wait_for("sendMessage")
    assert server.api.calls_to("setMyCommands")[0].status == 500
    assert "12 million" in call.params["text"]


def test_polling_survives_getupdates_failures(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    with FakeBotApiServer() as server, running_bot(server):
        server.api.fail_next("getUpdates", 502)
        server.api.wait_for("getUpdates", where=lambda call: call.status == 502)
        server.api.queue_update(text_update("bridge cost"))
        server.api.wait_for("sendMessage", timeout=8)  # PTB waits ~1 s before polling again
    assert "update=- error=NetworkError: Bad Gateway" in caplog.text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def post(url: str, body: dict[str, object], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return error.code


def test_webhook_mode_checks_the_secret_token() -> None:
    port = free_port()
    with FakeBotApiServer() as server:
        settings = Settings(
            token=TOKEN, api_base=server.base_url, listen="127.0.0.1", port=port,
            webhook_url="https://bot.example.org/citebot/hook", webhook_secret="s3cret-Token_1",
        )
        with running_bot(server, settings=settings):
            (set_webhook,) = server.api.wait_for("setWebhook")
            url = f"http://127.0.0.1:{port}/citebot/hook"
            wrong = {"update_id": 900, **text_update("bridge cost")}
            assert post(url, wrong, "wrong-secret") == 403
            assert post(url, wrong, None) == 403
            right = {"update_id": 901, **text_update("When did the bridge open?")}
            assert post(url, right, "s3cret-Token_1") == 200
            (call,) = server.api.wait_for("sendMessage")
    assert set_webhook.params["url"] == "https://bot.example.org/citebot/hook"
    assert set_webhook.params["secret_token"] == "s3cret-Token_1"
    assert "suspension bridge" in call.params["text"]
    assert server.api.calls_to("getUpdates") == []


@pytest.mark.parametrize("log_questions", [True, False])
def test_the_token_never_reaches_the_logs(log_questions: bool) -> None:
    stream = io.StringIO()
    logs = setup_logging(
        secrets_of(TOKEN), stream=stream, level=logging.DEBUG, log_questions=log_questions
    )
    try:
        with FakeBotApiServer() as server:
            server.api.fail_next("sendMessage", 403, "Forbidden: bot was blocked by the user")
            with running_bot(server):
                server.api.queue_update(text_update("bridge cost"))
                server.api.queue_update(text_update("/start"))
                server.api.wait_for("sendMessage", 2)
    finally:
        logs.close()
    output = stream.getvalue()
    assert TOKEN.split(":")[1] not in output
    if log_questions:
        assert REDACTED in output  # PTB logs its URL at DEBUG: scrubbed
    else:  # PTB logs whole updates at DEBUG: hidden
        assert "bridge cost" not in output
        assert str(USER["id"]) not in output
    # At the default level (INFO): one line per event, no message text.
    info = "\n".join(line for line in output.splitlines() if " DEBUG " not in line)
    assert "update=2 chat=private outcome=command_start" in info
    assert "update=1 error=Forbidden: Forbidden: bot was blocked by the user" in info
    assert "bridge cost" not in info


def namespace(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(argv)


def test_unreachable_bot_api_is_an_error_without_the_token(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", f"http://127.0.0.1:{free_port()}")
    assert run(namespace(), tiny_kb()) == 1
    err = capsys.readouterr().err
    assert "cannot start" in err
    assert TOKEN.split(":")[1] not in err


def test_a_token_the_bot_api_refuses(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    other = "987654321:" + "Z" * 35
    with FakeBotApiServer() as server:
        monkeypatch.setenv("TELEGRAM_BOT_TOKEN", other)
        monkeypatch.setenv("TELEGRAM_API_BASE_URL", server.base_url)
        assert run(namespace(), tiny_kb()) == 1
    err = capsys.readouterr().err
    assert "refused the token" in err
    assert "Z" * 35 not in err


def test_missing_or_malformed_token_exits_2_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN_FILE", raising=False)
    assert run(namespace(), tiny_kb()) == 2
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "12345:not-a-real-token")
    assert run(namespace(), tiny_kb()) == 2
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("citebot telegram: error: no bot token")
    assert lines[1].startswith("citebot telegram: error: malformed bot token")
    assert "not-a-real-token" not in lines[1]


@pytest.mark.parametrize(
    ("argv", "stop_signal"),
    [(("telegram", "--poll-timeout", "1"), signal.SIGTERM), (("run",), signal.SIGINT)],
)
def test_the_cli_runs_the_bot_until_a_stop_signal(
    argv: tuple[str, ...], stop_signal: signal.Signals
) -> None:
    """`citebot telegram` (and `citebot run` with a token set) with the real knowledge base."""
    with FakeBotApiServer() as server:
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
        for name in ("TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_WEBHOOK_URL", "CITEBOT_KB"):
            env.pop(name, None)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", *argv],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        try:
            server.api.queue_update(text_update("How big is the free trade zone?"))
            (answer,) = server.api.wait_for("sendMessage", timeout=15)
            process.send_signal(stop_signal)
            out, err = process.communicate(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 0, err
    assert "180 square kilometers" in answer.params["text"]
    assert "stopping" in err
    assert "Traceback" not in err
    assert TOKEN.split(":")[1] not in err + out
