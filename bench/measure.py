"""One knowledge base, measured in a process of its own so that its peak memory is its own.

python -m bench.measure KB QUESTIONS [--brute N]   → one JSON object on stdout
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bot.engine import Engine
from bot.evaluation import metrics
from bot.evaluation.questions import load_questions
from bot.evaluation.runner import predict
from bot.loader import load_knowledge

WARM_UP = 20  # first questions answered untimed: imports, caches and lazy tables settle


def _rss_mb() -> float:
    """Current resident memory (Linux /proc), to subtract the interpreter and imports."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}]   {message}", file=sys.stderr, flush=True)


def _timed(engine: Engine, texts: list[str]) -> tuple[list[metrics.Prediction], list[float]]:
    predictions, millis = [], []
    for n, text in enumerate(texts, start=1):
        if n % 100 == 0:
            _log(f"{n}/{len(texts)} questions")
        started = time.perf_counter()
        reply = engine.answer(text)
        millis.append((time.perf_counter() - started) * 1000)
        predictions.append(predict(reply))
    return predictions, millis


def measure(
    kb_path: Path, questions_path: Path, brute: int | None, seed: int = 0
) -> dict[str, Any]:
    rss_before = _rss_mb()
    started = time.perf_counter()
    _log(f"loading {kb_path}")
    kb = load_knowledge(kb_path)
    loaded = time.perf_counter()
    rss_kb = _rss_mb()
    _log(f"loaded {len(kb.facts)} facts in {loaded - started:.1f} s; building the index")
    engine = Engine(kb)
    indexed = time.perf_counter()
    _log(f"index built in {indexed - loaded:.1f} s; answering")
    rss_loaded = _rss_mb()
    questions = load_questions(questions_path)
    texts = [q.q for q in questions]
    for text in texts[:WARM_UP]:
        engine.answer(text)
    predictions, millis = _timed(engine, texts)
    summary = metrics.summarize(metrics.judge(questions, predictions))
    result: dict[str, Any] = {
        "facts": len(kb.facts),
        "questions": len(questions),
        "load_s": loaded - started,
        "index_s": indexed - loaded,
        "startup_s": indexed - started,
        # RSS rarely shrinks: load MB includes the YAML node trees the loader let go of.
        "load_mb": rss_kb - rss_before,
        "index_mb": rss_loaded - rss_kb,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "median_ms": metrics.median(millis),
        "p95_ms": metrics.percentile(millis, 95),
        "answer_accuracy": summary.answer_accuracy,
        "overall_accuracy": summary.overall_accuracy,
        "candidate_limit": engine.candidate_limit,
    }
    if brute != 0:
        # Brute force scores every fact: at 100k facts a sample is all there is time for.
        picked = list(range(len(texts)))
        if brute is not None and brute < len(picked):
            picked = sorted(random.Random(seed).sample(picked, brute))
        # The limit is read on every answer and the index does not depend on it: reusing the
        # engine saves rebuilding an index (20 s at 100k facts) that would be identical.
        engine.candidate_limit = None
        _log(f"brute force on {len(picked)} questions")
        brute_predictions, brute_millis = _timed(engine, [texts[i] for i in picked])
        same = sum(brute_predictions[j] == predictions[i] for j, i in enumerate(picked))
        result.update(
            brute_questions=len(picked),
            brute_median_ms=metrics.median(brute_millis),
            brute_p95_ms=metrics.percentile(brute_millis, 95),
            brute_agreement=same / len(picked),
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kb", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--brute", type=int, default=None, help="questions to brute-force (all)")
    args = parser.parse_args()
    json.dump(measure(args.kb, args.questions, args.brute), sys.stdout)
    print()


if __name__ == "__main__":
    main()
