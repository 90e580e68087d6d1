"""`make bench-load`: the Telegram bot under a burst of chats, over HTTP on 127.0.0.1.

The real `citebot telegram` process polls the fake Bot API server (tests/fake_bot_api.py)
running in this process. Each round, CHATS chats (half private, half groups that mention the
bot) each send QUESTIONS questions at once, a new chat every STAGGER seconds; a few questions
are 500-character rambles, the costliest the engine gets. Prints, per round: throughput,
update-to-reply time (median, p99, max), the bot's resident memory, and checks that every
update got exactly one outcome (an answer, or the rate limit's note or silence), that each
chat's replies match its outcomes, and that no group question was answered twice.

    python -m bench.load [--chats 200] [--questions 10] [--rounds 3] [--send-rate 0]

--send-rate is passed to the bot: 30 is Telegram's flood limit and the bot's default, which
then bounds throughput at 30 messages a second; 0 measures the bot itself.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from fake_bot_api import BOT_USERNAME, TOKEN, Call, FakeBotApi, FakeBotApiServer  # noqa: E402

DEV_QUESTIONS = ROOT / "tests" / "dev_questions.yaml"
EVENT = re.compile(r"update=(\d+) chat=(\S+) outcome=(\S+)")
SILENT = "rate_limited_drop"
RAMBLE = (
    "so I was reading this article about the free trade zone in xinjiang and honestly I am "
    "not sure what to make of it, my friend says it is mostly about trade with central asia "
    "but I also saw something about financial services and cross border payments and the "
    "government wanting more foreign investment, so could you tell me what the article "
    "actually says about how big the zone is and when it was set up, thanks a lot "
)[:500]


@dataclass
class Round:
    updates: int
    replies: int
    seconds: float
    latencies_ms: list[float]
    problems: list[str]
    rss_mb: float
    cpu_seconds: float
    polls: int


def questions() -> list[str]:
    data = yaml.safe_load(DEV_QUESTIONS.read_text(encoding="utf-8"))
    return [str(item["q"]) for item in data["questions"]]


def _message(chat_id: int, text: str, message_id: int) -> dict[str, Any]:
    group = chat_id < 0
    chat: dict[str, Any] = (
        {"id": chat_id, "type": "supergroup", "title": "Load"} if group
        else {"id": chat_id, "type": "private", "first_name": "Load"}
    )
    body: dict[str, Any] = {
        "message_id": message_id, "date": int(time.time()), "chat": chat,
        "from": {"id": abs(chat_id), "is_bot": False, "first_name": "Load"},
    }
    if group:
        mention = f"@{BOT_USERNAME}"
        body["text"] = f"{mention} {text}"
        body["entities"] = [{"type": "mention", "offset": 0, "length": len(mention)}]
    else:
        body["text"] = text
    return {"message": body}


def _rss_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _chat_of(call: Call) -> int:
    return int(call.params["chat_id"])


def run_round(
    api: FakeBotApi, pid: int, log: Path, first_chat: int, args: argparse.Namespace,
    pool: list[str],
) -> Round:
    calls_before = len(api.calls)
    update_chat: dict[int, int] = {}
    message_update: dict[int, int] = {}
    message_id = first_chat * 100
    cpu = _cpu_seconds(pid)
    started = time.monotonic()
    for c in range(args.chats):
        number = first_chat + c
        chat_id = -number if c % 2 else number
        for q in range(args.questions):
            text = RAMBLE if (c * args.questions + q) % 50 == 0 else pool[(c * 7 + q) % len(pool)]
            message_id += 1
            update_id = api.queue_update(_message(chat_id, text, message_id))
            update_chat[update_id] = chat_id
            message_update[message_id] = update_id
        time.sleep(args.stagger)
    deadline = time.monotonic() + args.timeout
    events: dict[int, list[str]] = {}
    while time.monotonic() < deadline:
        events = defaultdict(list)
        for update_id, _, outcome in _events(log):
            if update_id in update_chat:
                events[update_id].append(outcome)
        if len(events) == len(update_chat):
            break
        time.sleep(0.1)
    time.sleep(0.5)  # replies still in flight after the last event line, if any
    events = defaultdict(list)
    for update_id, _, outcome in _events(log):
        if update_id in update_chat:
            events[update_id].append(outcome)
    calls = [c for c in api.calls[calls_before:] if c.method == "sendMessage" and c.status == 200]
    polls = sum(c.method == "getUpdates" for c in api.calls[calls_before:])
    problems = _check(update_chat, events, calls, api)
    latencies = _latencies(update_chat, message_update, events, calls, api)
    last = max((c.at for c in calls), default=started)
    return Round(len(update_chat), len(calls), last - started, latencies, problems,
                 _rss_mb(pid, "VmRSS"), _cpu_seconds(pid) - cpu, polls)


def _events(log: Path) -> list[tuple[int, str, str]]:
    text = log.read_text(encoding="utf-8", errors="replace")
    return [(int(m[1]), m[2], m[3]) for m in EVENT.finditer(text)]


def _check(
    update_chat: dict[int, int], events: dict[int, list[str]], calls: list[Call],
    api: FakeBotApi,
) -> list[str]:
    problems = []
    missing = [u for u in update_chat if u not in events]
    doubled = [u for u, found in events.items() if len(found) > 1]
    if missing:
        problems.append(f"{len(missing)} update(s) without an outcome")
    if doubled:
        problems.append(f"{len(doubled)} update(s) with more than one outcome")
    expected: Counter[int] = Counter()
    for update_id, found in events.items():
        if found and found[0] != SILENT:
            expected[update_chat[update_id]] += 1
    got = Counter(_chat_of(c) for c in calls)
    wrong = [chat for chat in set(expected) | set(got) if expected[chat] != got[chat]]
    if wrong:
        problems.append(f"{len(wrong)} chat(s) whose replies do not match their outcomes")
    quoted = Counter(
        json.loads(c.params["reply_parameters"])["message_id"]
        for c in calls if "reply_parameters" in c.params
    )
    if quoted and max(quoted.values()) > 1:
        problems.append("a group question was answered twice")
    if api.confirmed() != max(update_chat):
        problems.append("not every update was confirmed")
    return problems


def _latencies(
    update_chat: dict[int, int], message_update: dict[int, int], events: dict[int, list[str]],
    calls: list[Call], api: FakeBotApi,
) -> list[float]:
    """Update queued → its reply sent. Group replies quote their question; a private chat's
    replies come in the order of its updates that were not silently dropped."""
    spoken: dict[int, list[int]] = defaultdict(list)
    for update_id in sorted(update_chat):
        if events.get(update_id, [SILENT])[0] != SILENT:
            spoken[update_chat[update_id]].append(update_id)
    seen: Counter[int] = Counter()
    result = []
    for call in calls:
        chat = _chat_of(call)
        if "reply_parameters" in call.params:
            update_id = message_update[json.loads(call.params["reply_parameters"])["message_id"]]
        else:
            order = spoken[chat]
            if seen[chat] >= len(order):
                continue
            update_id = order[seen[chat]]
        seen[chat] += 1
        result.append((call.at - api.queued_at[update_id]) * 1000)
    return result


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--chats", type=int, default=200)
    parser.add_argument("--questions", type=int, default=10, help="per chat, in one burst")
    parser.add_argument("--rounds", type=int, default=3, help="new chats each round")
    parser.add_argument("--stagger", type=float, default=0.01, help="seconds between chats")
    parser.add_argument("--send-rate", default="0", help="the bot's --send-rate")
    parser.add_argument("--max-pending", default="16", help="the bot's --max-pending")
    parser.add_argument("--timeout", type=float, default=180.0, help="per round")
    args = parser.parse_args(argv)
    pool = questions()
    failed = False
    with FakeBotApiServer() as server, tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "bot.log"
        env = {**os.environ, "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": server.base_url}
        for name in ("TELEGRAM_BOT_TOKEN_FILE", "TELEGRAM_WEBHOOK_URL", "CITEBOT_KB"):
            env.pop(name, None)
        with log.open("wb") as err:
            bot = subprocess.Popen(
                [sys.executable, "-m", "bot", "telegram", "--poll-timeout", "1",
                 "--send-rate", args.send_rate, "--max-pending", args.max_pending],
                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err,
            )
        try:
            server.api.wait_for("getUpdates", timeout=30)
            idle = _rss_mb(bot.pid, "VmRSS")
            print(f"citebot telegram --send-rate {args.send_rate} --max-pending "
                  f"{args.max_pending}: {args.chats} chats x "
                  f"{args.questions} questions per round, idle RSS {idle:.0f} MB")
            print(f"{'round':>5} {'updates':>7} {'replies':>7} {'seconds':>7} {'updates/s':>9} "
                  f"{'median ms':>9} {'p99 ms':>8} {'max ms':>8} {'bot CPU s':>9} {'polls':>5} "
                  f"{'RSS MB':>6}  check")
            for number in range(args.rounds):
                result = run_round(server.api, bot.pid, log, 1_000_000 * (number + 1), args, pool)
                failed |= bool(result.problems)
                lat = result.latencies_ms
                print(f"{number + 1:>5} {result.updates:>7} {result.replies:>7} "
                      f"{result.seconds:>7.1f} {result.updates / result.seconds:>9.0f} "
                      f"{statistics.median(lat) if lat else 0:>9.0f} "
                      f"{_percentile(lat, 0.99):>8.0f} {max(lat, default=0):>8.0f} "
                      f"{result.cpu_seconds:>9.1f} {result.polls:>5} {result.rss_mb:>6.0f}  "
                      f"{'; '.join(result.problems) or 'ok'}",
                      flush=True)
            peak = _rss_mb(bot.pid, "VmHWM")
            stopped = time.monotonic()
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=30)
            print(f"peak RSS {peak:.0f} MB; SIGTERM to exit {time.monotonic() - stopped:.2f} s, "
                  f"exit code {code}")
            failed |= code != 0
        finally:
            if bot.poll() is None:
                bot.kill()
                bot.wait()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
