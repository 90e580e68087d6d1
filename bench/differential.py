"""The array scoring against the scoring as it was (tests/reference_scoring.py), on every question
of a question file and every alternate of the knowledge base.

    python -m bench.differential KB QUESTIONS [--brute N]   → one JSON object on stdout
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from bot.evaluation.questions import load_questions
from bot.index import Index
from bot.loader import load_knowledge
from bot.matching import analyse, score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from reference_scoring import ReferenceIndex
from reference_scoring import score as reference_score

LIMIT = 50  # the engine's candidate limit


def _log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}]   {message}", file=sys.stderr, flush=True)


def compare(kb_path: Path, questions_path: Path, brute: int) -> dict[str, Any]:
    kb = load_knowledge(kb_path)
    index = Index(kb)
    reference = ReferenceIndex(index)
    asked = [q.q for q in load_questions(questions_path)]
    questions = asked + [q for f in kb.facts for q in f.questions]
    differing: list[str] = []
    runs = [(q, LIMIT) for q in questions] + [(q, None) for q in asked[:brute]]
    for n, (question, limit) in enumerate(runs, start=1):
        if n % 2000 == 0:
            _log(f"differential: {n}/{len(runs)}")
        query = analyse(index, question)
        new = [(m.fact.id, m.score, m.coverage, m.unexplained, m.figure_missing, m.cue_missing)
               for m in score(index, query, limit=limit)]
        old = [(m.fact, m.score, m.coverage, m.unexplained, m.figure_missing, m.cue_missing)
               for m in reference_score(reference, query, limit=limit)]
        if new != old:
            differing.append(question)
    return {"facts": len(kb.facts), "compared": len(runs), "brute": min(brute, len(asked)),
            "differing": len(differing), "examples": differing[:5]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kb", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--brute", type=int, default=100, help="questions also scored whole")
    args = parser.parse_args()
    json.dump(compare(args.kb, args.questions, args.brute), sys.stdout)
    print()


if __name__ == "__main__":
    main()
