"""The console front-end through the real CLI, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main
from bot.model import KnowledgeBase

ROOT = Path(__file__).resolve().parent.parent


def citebot(*args: str, stdin: str = "", env: dict[str, str] | None = None,
            ) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("CITEBOT_KB", "TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN_FILE",
                                "COLUMNS")}
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, env=environment, timeout=60)


def test_ask_one_question_prints_answer_quote_and_source() -> None:
    done = citebot("ask", "how", "big", "is", "the", "free", "trade", "zone?")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "180 square kilometers" in lines[0]
    assert "\u201c" in lines[1]
    assert "\u00b610" in lines[1]
    assert lines[2].startswith("Source: Xinjiang to open up further")
    assert "chinadaily" in lines[2]
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
    assert answer["fact"] == "ftz-area"
    assert citation["paragraph"] == 10
    source = ROOT / "knowledge" / "sources" / "china-daily-2024-03-07.yaml"
    paragraph = yaml.safe_load(source.read_text(encoding="utf-8"))["source"]["paragraphs"][9]
    assert citation["quote"] in paragraph


def test_chat_commands_and_did_you_mean_by_number() -> None:
    done = citebot("chat", stdin="/help\n/topics\n/source\ntrade\n1\n/quit\nnot reached\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "/topics" in out
    assert "Foreign trade figures" in out
    assert "Cui Jia" in out
    assert "not sure which" in out
    assert "\u00b6" in out.split("not sure which", 1)[1]  # "1" answered the first suggestion
    assert "not reached" not in out.split("/quit", 1)[1]


def test_chat_ends_cleanly_at_end_of_input() -> None:
    done = citebot(stdin="how many land ports does xinjiang have\n")
    assert done.returncode == 0
    assert "18 land ports" in done.stdout
    assert "Traceback" not in done.stderr


def test_kb_option_and_environment(tiny_kb_path: Path) -> None:
    by_option = citebot("ask", "--kb", str(tiny_kb_path), "ferry ticket price")
    by_env = citebot("ask", "ferry ticket price", env={"CITEBOT_KB": str(tiny_kb_path)})
    assert "5 dollars" in by_option.stdout
    assert by_option.stdout == by_env.stdout


def test_an_empty_question_gets_a_message() -> None:
    done = citebot("ask", "  ")
    assert done.returncode == 0
    assert "empty" in done.stdout


def test_a_closed_pipe_is_not_an_error() -> None:
    # `citebot ask ... | head -1`: the reader leaves before the answer is written.
    reader = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert reader.stdout is not None
    assert reader.stdin is not None
    reader.stdout.close()
    _, err = reader.communicate(b"how big is the ftz\n" * 2000, timeout=60)
    assert reader.returncode == 0
    assert b"Traceback" not in err


def test_check_reports_coverage() -> None:
    done = citebot("check", "--json")
    assert done.returncode == 0
    report = json.loads(done.stdout)
    assert report["valid"]
    assert report["facts"] >= 38
    assert report["uncited"] == []


def test_run_without_token_starts_the_console_and_says_so() -> None:
    done = citebot("run", stdin="hi\n")
    assert done.returncode == 0
    assert "console" in done.stderr
    assert "Hello" in done.stdout


@pytest.mark.parametrize("line", ["\udcff\n", "\x00\x07\n", "x" * 100_000 + "\n"])
def test_odd_input_keeps_the_chat_going(line: str) -> None:
    done = citebot("chat", stdin=line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                   + "how many land ports\n")
    assert done.returncode == 0
    assert "18 land ports" in done.stdout


@pytest.mark.parametrize("command", [["chat"], ["ask", "--json"]])
def test_invalid_utf8_on_stdin_is_not_fatal(command: list[str]) -> None:
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=ROOT, timeout=60,
                          input=b"abc\xff\xfe def\nhow many land ports\n", capture_output=True)
    assert done.returncode == 0, done.stderr
    assert b"18 land ports" in done.stdout
    assert b"Traceback" not in done.stderr


# --- options wherever argparse takes them ---------------------------------------------------

@pytest.mark.parametrize(("args", "code", "expected"), [
    (["--kb", "{tiny}", "ask", "ferry ticket price"], 0, "5 dollars"),
    (["ask", "--kb", "{tiny}", "ferry ticket price"], 0, "5 dollars"),
    (["ask", "ferry ticket price", "--kb", "{tiny}"], 0, "5 dollars"),
    (["--kb={tiny}", "ask", "--json", "ferry ticket price"], 0, "5 dollars"),
    (["--kb", "{tiny}", "check"], 0, "facts: 4"),
    (["--kb", "/nonexistent", "check"], 2, "/nonexistent:1: path"),
    (["check", "--kb", "/nonexistent"], 2, "/nonexistent:1: path"),
    (["--kb", "/nonexistent", "ask", "hi"], 2, "/nonexistent:1: path"),
    (["--kb", "/nonexistent", "chat"], 2, "/nonexistent:1: path"),
    (["--kb", "/nonexistent"], 2, "/nonexistent:1: path"),
    (["--json", "ask", "hi"], 2, "unrecognized arguments: --json"),
    (["ask", "--kb"], 2, "expected one argument"),
    (["--version"], 0, "citebot 0.1.0"),
    (["ask", "--version"], 0, "citebot 0.1.0"),
])
def test_global_options_work_before_or_after_the_subcommand_or_are_refused(
        tiny_kb_path: Path, args: list[str], code: int, expected: str,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITEBOT_KB", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)
    try:
        returned = main([a.replace("{tiny}", str(tiny_kb_path)) for a in args])
    except SystemExit as stop:  # argparse: --version, or a refused option
        returned = int(stop.code or 0)
    out, err = capsys.readouterr()
    assert returned == code, err
    assert expected in out + err


def test_kb_before_the_subcommand_is_not_ignored() -> None:
    # The exact report: this used to check the built-in knowledge base and exit 0.
    done = citebot("--kb", "/nonexistent", "check")
    assert done.returncode == 2
    assert "/nonexistent:1: path" in done.stderr


def test_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    assert citebot("--version").stdout.strip() == f"citebot {version('citebot')}"


# --- bad bytes and odd text -----------------------------------------------------------------

def json_lines(stdout: bytes) -> list[dict[str, object]]:
    """Each output line must be UTF-8 and one JSON object; str.splitlines also splits on
    U+2028, U+2029 and U+0085, as some JSON Lines readers do."""
    text = stdout.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert text.splitlines() == text.split("\n")[:-1]
    return [json.loads(line) for line in text.splitlines()]


def run_bytes(args: list[str | bytes], stdin: bytes, env: dict[str, str],
              ) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in ("CITEBOT_KB", "LC_ALL", "LANG", "PYTHONIOENCODING", "PYTHONUTF8",
                                "COLUMNS")}
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, cwd=ROOT,
                          capture_output=True, env=environment, timeout=60)


@pytest.mark.parametrize("env", [
    {"PYTHONIOENCODING": "utf-8"},
    {"LC_ALL": "C"},
    {"LC_ALL": "C", "PYTHONIOENCODING": "ascii"},
    {"LANG": "C.UTF-8", "PYTHONUTF8": "0"},
])
def test_ask_json_gives_one_utf8_object_per_line_whatever_the_bytes(env: dict[str, str]) -> None:
    stdin = b"how big is the FTZ\n\xff\n\n\xc3\x28 land ports \xe2\x82\n\r\nsanctions\xf0\x9f\x98\n"
    done = run_bytes(["ask", "--json"], stdin, env)
    assert done.returncode == 0
    assert done.stderr == b""
    rows = json_lines(done.stdout)
    assert [r["question"] for r in rows] == [
        "how big is the FTZ", "\ufffd", "\ufffd( land ports \ufffd", "sanctions\ufffd"]
    assert rows[0]["fact"] == "ftz-area"


def test_an_argument_that_is_not_utf8_is_replaced_not_fatal() -> None:
    done = run_bytes(["ask", "--json", b"how big is the FTZ \xff"], b"", {"LC_ALL": "C"})
    assert done.returncode == 0, done.stderr
    (row,) = json_lines(done.stdout)
    assert row["question"] == "how big is the FTZ \ufffd"


def test_line_separators_in_a_question_do_not_split_the_json_line() -> None:
    questions = [f"how big{separator}is the FTZ"
                 for separator in ("\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1e")]
    done = run_bytes(["ask", "--json"], "".join(f"{q}\n" for q in questions).encode(), {})
    rows = json_lines(done.stdout)
    assert [r["question"] for r in rows] == questions


def test_a_huge_line_is_not_read_whole() -> None:
    def max_rss_kb(chunks: list[bytes]) -> tuple[int, bytes]:
        # Written piece by piece so that this process stays small when the child is forked
        # (the child's peak includes what it shared before exec).
        child = subprocess.Popen([sys.executable, "-m", "bot", "ask", "--json"], cwd=ROOT,
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert child.stdin is not None
        assert child.stdout is not None
        for chunk in chunks:
            child.stdin.write(chunk)
        child.stdin.close()
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out = child.stdout.read()
        child.stdout.close()
        assert child.returncode == 0
        return usage.ru_maxrss, out

    small, _ = max_rss_kb([b"how many land ports\n"])
    megabyte = b"land ports " * 100_000
    huge, out = max_rss_kb([megabyte] * 64 + [b"\nhow many land ports\n"])
    # Reading the 64 MB line whole cost 120 MB more; reading what is used costs nothing visible.
    assert huge - small < 16_000
    rows = json_lines(out)
    assert len(rows) == 2
    assert "18 land ports" in str(rows[1]["answer"])
    assert 0 < len(str(rows[0]["question"])) <= 1000


# --- the console ----------------------------------------------------------------------------

def chat_transcript(lines: list[str], env: dict[str, str] | None = None) -> str:
    done = citebot("chat", stdin="".join(f"{line}\n" for line in lines), env=env)
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    return done.stdout


def turns(transcript: str) -> list[str]:
    """What the chat printed after each input line."""
    return [turn.split("\n", 1)[1] if "\n" in turn else "" for turn in
            transcript.split("you> ")[1:]]


def test_related_items_are_numbered_and_chosen_by_number() -> None:
    out = turns(chat_transcript(["how big is the ftz", "2", "9", "1"]))
    assert "Related:\n  1. Where is the FTZ?\n  2. When did the FTZ start operating?" in out[0]
    assert "November" in out[1]  # 2: when the FTZ started
    assert out[2].startswith("There is no choice 9 here")
    assert "1 to" in out[2]
    assert "180 square kilometers" in out[3]  # 1 of the list shown after answer 2


def test_a_number_is_a_question_when_no_list_is_shown() -> None:
    out = turns(chat_transcript(["180"]))
    assert "no choice" not in out[0]
    assert "FTZ" in out[0]


def test_the_source_line_is_shown_once_and_on_request() -> None:
    transcript = chat_transcript(["how big is the ftz", "where is the ftz", "/source",
                                  "how many land ports"])
    out = turns(transcript)
    assert transcript.count("chinadaily.com.cn") == 2
    assert "Source: " in out[0]
    assert "chinadaily" not in out[1]
    assert "chinadaily" in out[2]
    assert "chinadaily" not in out[3]


def test_commands() -> None:
    out = turns(chat_transcript(["/unknown", "/unknown with words", "/Topics x", "/HELP"]))
    unknown = ("Unknown command \u201c/unknown\u201d; the commands are /topics, /source, /about, "
               "/help, /quit.")
    assert out[0].strip() == out[1].strip() == unknown
    assert "/topics N (1 to 7)" in out[2]
    assert "Commands:" in out[3]


def test_help_lists_each_command_with_its_menu_line_and_about_says_what_i_am() -> None:
    from bot import commands

    help_, about, _ = turns(chat_transcript(["/help", "/about"]))
    for command in (commands.TOPICS, commands.SOURCE, commands.ABOUT, commands.HELP):
        assert f"/{command.name}" in help_
        assert command.menu in help_
    assert "only from one article" in about
    assert "do not verify" in about


def test_topics_list_every_question_of_a_topic_by_number(real_kb: KnowledgeBase) -> None:
    largest = max(range(len(real_kb.topics)),
                  key=lambda i: len(real_kb.facts_of(real_kb.topics[i].id)))
    facts = real_kb.facts_of(real_kb.topics[largest].id)
    assert len(facts) > 3
    out = turns(chat_transcript(["/topics", str(largest + 1), str(len(facts)), "/topics 99",
                                 f"/topics {largest + 1}"]))
    assert out[0].count("\n  ") == len(real_kb.topics)
    listed = [line.split(". ", 1)[1] for line in out[1].splitlines()[1:]]
    assert listed == [f.questions[0] for f in facts]
    last = facts[-1]
    assert last.citations[0].quote in out[2]
    assert out[3].startswith("There is no choice 99 here")
    assert out[4] == out[1]


def test_console_wraps_to_the_width_without_breaking_words() -> None:
    lines = ["how big is the ftz", "/topics", "/help", "is the US sanctioning xinjiang"]
    narrow = chat_transcript(lines, env={"COLUMNS": "40"})
    wide = chat_transcript(lines)
    words = [w for w in wide.split() if w != "you>"]
    assert [w for w in narrow.split() if w != "you>"] == words  # same words, none broken
    for line in narrow.splitlines():
        assert len(line) <= 40 or " " not in line.strip(), line  # only a lone long word
    assert max(len(line) for line in wide.splitlines()) > 100  # a pipe is not wrapped


def test_ask_on_a_terminal_prompts_for_the_question() -> None:
    main_side, terminal = os.openpty()
    try:
        os.write(main_side, b"how big is the ftz\n")
        done = subprocess.run([sys.executable, "-m", "bot", "ask"], stdin=terminal, cwd=ROOT,
                              capture_output=True, text=True, timeout=60,
                              env={k: v for k, v in os.environ.items() if k != "COLUMNS"})
    finally:
        os.close(terminal)
        os.close(main_side)
    assert done.returncode == 0
    assert done.stderr.startswith("Your question about the article")
    assert "180 square kilometers" in done.stdout


def test_ask_on_a_terminal_can_be_cancelled() -> None:
    main_side, terminal = os.openpty()
    try:
        os.write(main_side, b"\x04")  # Ctrl-D
        done = subprocess.run([sys.executable, "-m", "bot", "ask", "--json"], stdin=terminal,
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    finally:
        os.close(terminal)
        os.close(main_side)
    assert done.returncode == 0
    assert done.stdout == ""
    assert "Your question" in done.stderr
