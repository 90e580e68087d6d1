"""One knowledge base, measured in a process of its own so that its memory is its own.

    python -m bench.measure cold KB                  → build from the YAML files, into the cache
    python -m bench.measure start KB                 → start from the cache, first answer only
    python -m bench.measure warm KB QUESTIONS...     → start from the cache, answer, time
    python -m bench.measure embed KB --texts N       → cold embedding time of N alternates

Each prints one JSON object on stdout; progress goes to stderr. The cache folder is
$XDG_CACHE_HOME, set by the caller. `warm` takes --spawned (the caller's clock just before
starting this process) to report the time from process start to the first answer. Runs on the
code before the compiled cache too (it then loads the YAML files every time), so that the same
command measures before and after.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

# Another version's bot/ package to measure (python -m bench --code): ahead of the installed one.
CODE_ENV = "CITEBOT_BENCH_CODE"
FIRST_QUESTION = "How much is the trade between Xinjiang and Central Asia?"
WARM_UP = 20  # questions answered untimed first: lazy tables and caches settle
# Passes over the questions when the meaning is not weighed: each question's fastest is kept,
# since a busy machine only ever adds time. One pass with the meaning: a second would be
# answered from the question cache.
PASSES = 3
LONG_WORDS = 500
LONG_QUESTIONS = 7


def _rss_mb() -> float:
    """Resident memory now (Linux /proc)."""
    import os

    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}]   {message}", file=sys.stderr, flush=True)


def _load(kb_path: Path) -> Any:
    """The knowledge base through the compiled cache, or from YAML (code before the cache)."""
    try:
        from bot.compiled import load_compiled
    except ImportError:
        from bot.loader import load_knowledge

        return load_knowledge(kb_path)
    return load_compiled(kb_path)


def _engine(kb: Any, kb_path: Path) -> Any:
    from bot.assemble import build_engine

    return build_engine(kb, kb_path)


def cold(kb_path: Path) -> dict[str, Any]:
    started = time.perf_counter()
    kb = _load(kb_path)
    loaded = time.perf_counter()
    engine = _engine(kb, kb_path)
    built = time.perf_counter()
    engine.answer(FIRST_QUESTION)
    return {
        "facts": len(kb.facts),
        "alternates": sum(len(f.questions) for f in kb.facts),
        "cold_s": built - started,
        "cold_load_s": loaded - started,
        "cold_peak_mb": _peak_mb(),
    }


def long_questions(kb: Any, seed: int = 0) -> list[str]:
    """Pastes of LONG_WORDS words taken from the alternates: all words the index knows."""
    rng = random.Random(seed)
    words = [w for f in rng.sample(list(kb.facts), min(200, len(kb.facts)))
             for q in f.questions for w in q.split()]
    return [" ".join(rng.choice(words) for _ in range(LONG_WORDS)) for _ in range(LONG_QUESTIONS)]


def _timed(engine: Any, texts: list[str], what: str, *, passes: int = 1) -> list[float]:
    """Milliseconds per text: the fastest of `passes` passes over all of them."""
    best = [float("inf")] * len(texts)
    for done in range(passes):
        for n, text in enumerate(texts, start=1):
            if n % 200 == 0:
                _log(f"{what}: {n}/{len(texts)}" + (f", pass {done + 1}" if passes > 1 else ""))
            started = time.perf_counter()
            engine.answer(text)
            best[n - 1] = min(best[n - 1], (time.perf_counter() - started) * 1000)
    return best


def start(kb_path: Path, spawned: float | None) -> dict[str, Any]:
    """Only the start: from the process starting to the first answer."""
    kb = _load(kb_path)
    _engine(kb, kb_path).answer(FIRST_QUESTION)
    return {"first_answer_s": time.time() - spawned if spawned is not None else None}


def warm(kb_path: Path, question_files: list[Path], spawned: float | None) -> dict[str, Any]:
    imported = time.time()
    kb = _load(kb_path)
    engine = _engine(kb, kb_path)
    engine.answer(FIRST_QUESTION)
    first = time.time()
    serving = _rss_mb()
    from bot.evaluation.questions import load_questions

    texts = [q.q for path in question_files for q in load_questions(path)]
    for text in texts[:WARM_UP]:
        engine.answer(text)
    semantic = getattr(engine, "semantic", None) is not None
    passes = 1 if semantic else PASSES
    millis = sorted(_timed(engine, texts, "questions", passes=passes))
    long = sorted(_timed(engine, long_questions(kb), "500-word questions", passes=passes))
    return {
        "facts": len(kb.facts),
        "semantic": semantic,
        "first_answer_s": first - spawned if spawned is not None else None,
        "in_process_s": first - imported,
        "serving_mb": serving,
        "peak_mb": _peak_mb(),
        "questions": len(texts),
        "passes": passes,
        "median_ms": millis[len(millis) // 2],
        "p95_ms": millis[min(len(millis) - 1, round(0.95 * (len(millis) - 1)))],
        "long_ms": long[len(long) // 2],
    }


def embed(kb_path: Path, texts: int) -> dict[str, Any]:
    """Seconds to embed `texts` alternates with the shipped model, one thread, cold."""
    from bot.embeddings import E5Embedder, embed_all

    kb = _load(kb_path)
    alternates = [q for f in kb.facts for q in f.questions]
    sample = random.Random(0).sample(alternates, min(texts, len(alternates)))
    embedder = E5Embedder()
    embedder.queries(sample[:2])  # the model's first call sets up its buffers
    started = time.perf_counter()
    embed_all(embedder, sample, progress=False)
    seconds = time.perf_counter() - started
    return {"texts": len(sample), "seconds": seconds,
            "per_1k_alternates_s": seconds * 1000 / max(len(sample), 1)}


def _use_other_code() -> None:
    import os

    code = os.environ.get(CODE_ENV)
    if code:
        # An editable install finds `bot` before sys.path is searched: set it aside.
        sys.meta_path[:] = [f for f in sys.meta_path
                            if not type(f).__module__.startswith("__editable__")]
        sys.path.insert(0, code)


def main() -> None:
    _use_other_code()
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("cold", "start", "warm", "embed"))
    parser.add_argument("kb", type=Path)
    parser.add_argument("questions", type=Path, nargs="*")
    parser.add_argument("--spawned", type=float, default=None)
    parser.add_argument("--texts", type=int, default=200)
    args = parser.parse_args()
    if args.mode == "cold":
        result = cold(args.kb)
    elif args.mode == "start":
        result = start(args.kb, args.spawned)
    elif args.mode == "warm":
        result = warm(args.kb, args.questions, args.spawned)
    else:
        result = embed(args.kb, args.texts)
    json.dump(result, sys.stdout)
    print(flush=True)
    # The numbers are out: skip tearing down a large heap object by object.
    gc.disable()
    sys.stdout.flush()
    import os

    os._exit(0)


if __name__ == "__main__":
    main()
