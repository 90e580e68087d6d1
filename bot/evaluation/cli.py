"""`citebot eval QUESTIONS.yaml`: wired into bot/cli.py as a subcommand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.config import default_kb_path
from bot.evaluation.questions import (
    SPLITS,
    QuestionFileError,
    check_expectations,
    load_questions,
)
from bot.evaluation.report import json_report, text_report
from bot.evaluation.runner import evaluate
from bot.loader import KnowledgeError, load_knowledge
from bot.model import KnowledgeBase

EXIT_OK = 0
EXIT_BELOW_MIN = 1
EXIT_BAD_INPUT = 2


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The eval options; `--kb` comes from citebot's common options (args.kb, None = default)."""
    parser.add_argument(
        "questions", type=Path, help="question set (YAML, see tests/dev_questions.yaml)"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument(
        "--min-accuracy",
        type=_fraction,
        default=None,
        metavar="X",
        help="exit 1 when citebot's overall accuracy is below X (0-1, or a percentage)",
    )
    parser.add_argument(
        "--split",
        choices=(*SPLITS, "all"),
        default="all",
        help="questions to report on; thresholds are always chosen on tune (default: all)",
    )
    parser.add_argument(
        "--baselines",
        action="store_true",
        help="also run rapidfuzz, BM25 and MiniLM over the article's sentences (extra `bench`)",
    )
    parser.add_argument(
        "--mistakes", action="store_true", help="list citebot's misses (text output)"
    )
    parser.add_argument(
        "--sweeps", action="store_true",
        help="also sweep citebot's knobs over the tune split (answers it ~30 times)",
    )
    parser.add_argument(
        "--typos", action="store_true",
        help="also answer the questions with 1-3 random letter edits (the typo curve)",
    )
    parser.add_argument(
        "--lexical", action="store_true",
        help="judge the lexical matcher alone (as without the semantic package)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the typo injection (default: 0)"
    )


def run(args: argparse.Namespace, kb: KnowledgeBase | None = None) -> int:
    """`kb`: the knowledge base at args.kb if the caller has loaded it already."""
    kb_path: Path = getattr(args, "kb", None) or default_kb_path()
    try:
        if kb is None:
            kb = load_knowledge(kb_path)
        questions = load_questions(args.questions)
        check_expectations(questions, (f.id for f in kb.facts), str(args.questions))
    except (KnowledgeError, QuestionFileError) as exc:
        print(f"citebot eval: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    from bot.assemble import build_engine

    engine = build_engine(kb, kb_path, semantic=not args.lexical)
    evaluation = evaluate(kb, questions, split=args.split, engine=engine,
                          baselines=args.baselines, sweeps=args.sweeps, typos=args.typos,
                          seed=args.seed)
    accuracy = evaluation.systems[0].summary.overall_accuracy or 0.0
    passed = args.min_accuracy is None or accuracy >= args.min_accuracy
    if args.json:
        extra = {
            "questions_file": str(args.questions),
            "kb": str(kb_path),
            "facts": len(kb.facts),
            "min_accuracy": args.min_accuracy,
            "passed": passed,
        }
        sys.stdout.write(json_report(evaluation, extra=extra))
    else:
        header = (
            f"citebot eval: {args.questions}, split {args.split} "
            f"({evaluation.questions} questions; "
            f"thresholds chosen on {evaluation.tune_questions} tune questions), "
            f"knowledge base {kb_path} ({len(kb.facts)} facts)"
        )
        sys.stdout.write(text_report(evaluation, header=header, mistakes=args.mistakes))
        if args.min_accuracy is not None:
            verdict = "ok" if passed else "FAILED"
            print(
                f"\noverall accuracy {accuracy:.1%} vs minimum {args.min_accuracy:.1%}: {verdict}"
            )
    return EXIT_OK if passed else EXIT_BELOW_MIN


def _fraction(text: str) -> float:
    """0.8, 80 and 80% all mean 80%."""
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if text.endswith("%") or value > 1:
        value /= 100
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1 (or 0-100%): {text!r}")
    return value
