"""The console front-end through the real CLI, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def citebot(*args: str, stdin: str = "", env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("CITEBOT_KB", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=environment, timeout=60)


def test_ask_one_question_prints_answer_quote_and_source() -> None:
    done = citebot("ask", "how", "big", "is", "the", "free", "trade", "zone?")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "180 square kilometers" in lines[0]
    assert "\u201c" in lines[1] and "\u00b610" in lines[1]
    assert lines[2].startswith("Source: Xinjiang to open up further") and "chinadaily" in lines[2]
    assert "\033[" not in done.stdout  # no colour when not a TTY


def test_ask_json_batch_is_one_object_per_question_in_order() -> None:
    questions = ["hi", "how big is the ftz", "", "what is the weather in paris", "trade"]
    done = citebot("ask", "--json", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in rows] == [q for q in questions if q]
    kinds = [r["kind"] for r in rows]
    assert kinds[:3] == ["small_talk", "answer", "decline"]
    for row in rows:
        assert set(row) >= {"question", "answered", "answer", "citations", "fact", "score",
                            "suggestions", "kind"}
        assert row["answered"] == (row["kind"] == "answer")
        assert 0 <= row["score"] <= 100
    answer = rows[1]
    citation = answer["citations"][0]
    assert answer["fact"] == "ftz-area" and citation["paragraph"] == 10
    source = ROOT / "knowledge" / "sources" / "china-daily-2024-03-07.yaml"
    paragraph = yaml.safe_load(source.read_text(encoding="utf-8"))["source"]["paragraphs"][9]
    assert citation["quote"] in paragraph


def test_chat_commands_and_did_you_mean_by_number() -> None:
    done = citebot("chat", stdin="/help\n/topics\n/source\ntrade\n1\n/quit\nnot reached\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "/topics" in out and "Foreign trade figures" in out and "Cui Jia" in out
    assert "not sure which" in out
    assert "\u00b6" in out.split("not sure which", 1)[1]  # "1" answered the first suggestion
    assert "not reached" not in out.split("/quit", 1)[1]


def test_chat_ends_cleanly_at_end_of_input() -> None:
    done = citebot(stdin="how many land ports does xinjiang have\n")
    assert done.returncode == 0 and "18 land ports" in done.stdout
    assert "Traceback" not in done.stderr


def test_kb_option_and_environment(tiny_kb_path: Path) -> None:
    by_option = citebot("ask", "--kb", str(tiny_kb_path), "ferry ticket price")
    by_env = citebot("ask", "ferry ticket price", env={"CITEBOT_KB": str(tiny_kb_path)})
    assert "5 dollars" in by_option.stdout and by_option.stdout == by_env.stdout


def test_an_empty_question_gets_a_message() -> None:
    done = citebot("ask", "  ")
    assert done.returncode == 0 and "empty" in done.stdout


def test_a_closed_pipe_is_not_an_error() -> None:
    # `citebot ask ... | head -1`: the reader leaves before the answer is written.
    reader = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None and reader.stdin is not None
    reader.stdout.close()
    _, err = reader.communicate(b"how big is the ftz\n" * 2000, timeout=60)
    assert reader.returncode == 0 and b"Traceback" not in err


def test_check_reports_coverage() -> None:
    done = citebot("check", "--json")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert report["valid"] and report["facts"] >= 38 and report["uncited"] == []


def test_run_without_token_starts_the_console_and_says_so() -> None:
    done = citebot("run", stdin="hi\n")
    assert done.returncode == 0
    assert "console" in done.stderr and "Hello" in done.stdout


@pytest.mark.parametrize("line", ["\udcff\n", "\x00\x07\n", "x" * 100_000 + "\n"])
def test_odd_input_keeps_the_chat_going(line: str) -> None:
    done = citebot("chat", stdin=line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                   + "how many land ports\n")
    assert done.returncode == 0 and "18 land ports" in done.stdout


@pytest.mark.parametrize("command", [["chat"], ["ask", "--json"]])
def test_invalid_utf8_on_stdin_is_not_fatal(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, timeout=60,
                          input=b"abc\xff\xfe def\nhow many land ports\n", capture_output=True)
    assert done.returncode == 0, done.stderr
    assert b"18 land ports" in done.stdout and b"Traceback" not in done.stderr
