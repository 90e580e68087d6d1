"""Every reply of this code against another version's: the same knowledge base, the questions of
the given files and every alternate, each version in a process of its own.

    python -m bench.replies --against DIR KB [QUESTIONS ...] [--semantic]

DIR holds the other version's bot/ package (e.g. `git archive COMMIT bot | tar -x -C DIR`).
Prints how many replies differ (kind, fact, score, suggestions, unexplained words, text,
language and parts) and the first few questions that do; exit 1 when any does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.measure import CODE_ENV, _use_other_code

ROOT = Path(__file__).resolve().parent.parent


def _reply(reply: Any) -> list[Any]:
    return [reply.kind.value, reply.fact.id if reply.fact else None, reply.score,
            [s.fact for s in reply.suggestions], list(reply.unexplained), reply.text,
            reply.language, [_reply(p) for p in reply.parts]]


def dump(kb_path: Path, question_files: list[Path], semantic: bool) -> None:
    """One JSON line per question: [question, reply]."""
    _use_other_code()
    from bot.assemble import build_engine
    from bot.evaluation.questions import load_questions
    from bot.loader import load_knowledge

    kb = load_knowledge(kb_path)
    engine = build_engine(kb, kb_path, semantic=semantic)
    questions = [q.q for path in question_files for q in load_questions(path)]
    questions += [q for fact in kb.facts for q in fact.questions]
    for question in questions:
        print(json.dumps([question, _reply(engine.answer(question))]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb", type=Path)
    parser.add_argument("questions", type=Path, nargs="*")
    parser.add_argument("--against", type=Path, required=True)
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.dump:
        dump(args.kb, args.questions, args.semantic)
        return 0
    command = [sys.executable, "-m", "bench.replies", "--dump", "--against", str(args.against),
               str(args.kb), *map(str, args.questions)] + (["--semantic"] if args.semantic else [])
    outputs = []
    for code in (None, args.against.resolve()):
        env = {k: v for k, v in os.environ.items() if k != CODE_ENV}
        if code is not None:
            env[CODE_ENV] = str(code)
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env,
                              check=True)
        outputs.append(done.stdout.splitlines())
    ours, theirs = outputs
    differing = [json.loads(a)[0] for a, b in zip(ours, theirs, strict=True) if a != b]
    print(f"{len(ours)} replies compared, {len(differing)} differ")
    for question in differing[:10]:
        print(f"  {question!r}")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
