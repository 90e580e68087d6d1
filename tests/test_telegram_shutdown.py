"""Stopping mid-burst and a second instance taking over: `citebot telegram` as a process, a
burst of group questions (each reply quotes its question, so replies map to updates), SIGTERM
with a 3-second grace period before SIGKILL, as Docker would be configured."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fake_bot_api import TOKEN, Call, FakeBotApi, FakeBotApiServer
from telegram_fixtures import mention_update

ROOT = Path(__file__).resolve().parent.parent
GRACE = 3.0  # seconds between SIGTERM and SIGKILL
QUESTIONS = ("How big is the free trade zone?", "When was it set up?")


@contextmanager
def bot_process(server: FakeBotApiServer, log: Path, *args: str) -> Iterator[subprocess.Popen[bytes]]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
    for name in ("TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_WEBHOOK_URL", "CITEBOT_KB"):
        env.pop(name, None)
    with log.open("ab") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "telegram", "--poll-timeout", "1", *args],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def stop_within_grace(process: subprocess.Popen[bytes]) -> float:
    """SIGTERM, then SIGKILL after GRACE seconds; returns how long the process took."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=GRACE)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    return time.monotonic() - started


def queue_burst(api: FakeBotApi, chats: int) -> dict[int, int]:
    """Two questions in each of `chats` groups; message id -> update id."""
    asked = {}
    for chat in range(chats):
        for question in QUESTIONS:
            update = mention_update(question, chat_id=-1_000_000 - chat)
            update_id = api.queue_update(update)
            asked[update["message"]["message_id"]] = update_id
    return asked


def answered_messages(api: FakeBotApi) -> Counter[int]:
    """How many replies each question (by message id) got."""
    def replied_to(call: Call) -> int:
        return int(json.loads(call.params["reply_parameters"])["message_id"])

    return Counter(replied_to(c) for c in api.calls_to("sendMessage") if c.status == 200)


def take_over(server: FakeBotApiServer, log: Path, asked: dict[int, int]) -> Counter[int]:
    """A second instance answers whatever is left, then stops."""
    with bot_process(server, log) as second:
        deadline = time.monotonic() + 20
        while set(answered_messages(server.api)) != set(asked) and time.monotonic() < deadline:
            time.sleep(0.05)
        stop_within_grace(second)
    return answered_messages(server.api)


def test_sigterm_mid_burst_loses_nothing_and_answers_nothing_twice(tmp_path: Path) -> None:
    """120 updates, at Telegram's 30 messages a second: 4 s of sending, more than the grace.
    Fetching (and holding) them all at once would leave some unanswered at SIGKILL."""
    log = tmp_path / "bot.log"
    with FakeBotApiServer() as server:
        asked = queue_burst(server.api, chats=60)
        with bot_process(server, log) as first:
            server.api.wait_for("sendMessage", 6, timeout=20)
            took = stop_within_grace(first)
            code = first.returncode
        replies = take_over(server, log, asked)
    output = log.read_text()
    assert code == 0, output
    assert took < GRACE, output
    assert "not answered within" not in output
    assert set(replies) == set(asked)  # nothing lost
    assert max(replies.values()) == 1  # nothing twice
    assert server.api.confirmed() == len(asked)


def test_sigkill_mid_burst_loses_nothing(tmp_path: Path) -> None:
    """No grace at all: what was fetched but not answered was not confirmed either, so the
    next instance gets it. Answered twice: at most the window of updates in hand above the
    last confirmed one (4 x --max-pending)."""
    log = tmp_path / "bot.log"
    with FakeBotApiServer() as server:
        asked = queue_burst(server.api, chats=15)
        with bot_process(server, log, "--max-pending", "4") as first:
            server.api.wait_for("sendMessage", 6, timeout=20)
            first.kill()
            first.wait()
        replies = take_over(server, log, asked)
    assert set(replies) == set(asked)
    assert sum(n - 1 for n in replies.values()) <= 4 * 4


def test_a_stop_during_an_outage_is_bounded_and_the_next_instance_answers(
    tmp_path: Path,
) -> None:
    log = tmp_path / "bot.log"
    with FakeBotApiServer() as server:
        server.api.outage(60, 502, methods=("sendMessage",))
        asked = queue_burst(server.api, chats=2)
        with bot_process(server, log, "--drain-seconds", "0.5") as first:
            server.api.wait_for("sendMessage", 4, timeout=20)
            took = stop_within_grace(first)
            code = first.returncode
        server.api.outage(0)
        replies = take_over(server, log, asked)
    output = log.read_text()
    assert code == 0, output
    assert took < GRACE, output
    assert "4 update(s) not answered within 0.5 s" in output
    assert set(replies) == set(asked)
    assert max(replies.values()) == 1
