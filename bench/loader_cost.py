"""What hostile or huge knowledge bases cost the loader: prints seconds and peak memory.

    python -m bench.loader_cost

Each row builds a knowledge base in a temporary folder and loads it; a refused one must be
refused quickly, with its one clear problem.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bot.kb_checks import _hint
from bot.loader import KnowledgeError, load_knowledge

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from conftest import TINY_FACTS, TINY_SOURCE, write_kb  # noqa: E402


def _with_paragraph(root: Path, paragraph: str) -> Path:
    source = TINY_SOURCE.replace("  paragraphs:\n", f'  paragraphs:\n    - "{paragraph}"\n')
    return write_kb(root, source=source)


def big_paragraph_bad_quote(root: Path) -> Path:
    """A 200 KB paragraph and a 2 KB quote that is not in it (the hint once took 71 s)."""
    quote = "a" * 2_000 + "b"
    facts = TINY_FACTS.replace("quote: Tickets cost 5 dollars.", f"quote: {quote}").replace(
        "paragraph: 2, quote: aaa", "paragraph: 1, quote: aaa"
    )
    _with_paragraph(root, "a" * 200_000)
    (root / "facts.yaml").write_text(facts, encoding="utf-8")
    return root


def aliased_megabyte(root: Path) -> Path:
    """A 1 MB paragraph referenced 100 times through an alias (once 100 s and 2.4 GB)."""
    aliased = f'    - &p "{"x" * 1_000_000}"\n' + "    - *p\n" * 100
    return write_kb(root, source=TINY_SOURCE.replace("topics:\n", aliased + "topics:\n"))


def many_quotes_without_paragraph(root: Path) -> Path:
    """2,000 paragraphs (1.3 MB) and 1,000 facts whose quotes name no paragraph."""
    paragraphs = [f"Paragraph {n} says that item {n} costs {n} dollars in all." for n in
                  range(2_000)]
    paragraphs = [p + " " + "Filler text of a long news paragraph. " * 15 for p in paragraphs]
    lines = [f'    - "{p}"' for p in paragraphs]
    source = TINY_SOURCE.replace("topics:\n", "\n".join(lines) + "\ntopics:\n")
    facts = ["topic: ferry", "facts:"]
    for n in range(0, 2_000, 2):
        facts += [
            f"  - id: item-{n}", "    speaker: article",
            f"    questions: [item {n}, price {n}, cost {n}, how much is {n}, {n} dollars]",
            f"    answer: Item {n} costs {n} dollars.",
            f'    citations: [{{quote: "item {n} costs {n} dollars in all."}}]',
        ]
    write_kb(root, source=source)
    (root / "many.yaml").write_text("\n".join(facts) + "\n", encoding="utf-8")
    return root


def _load(build: Callable[[Path], Path]) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        root = build(Path(tmp) / "kb")
        start = time.perf_counter()
        try:
            kb = load_knowledge(root)
            outcome = f"loaded, {len(kb.facts)} facts"
        except KnowledgeError as error:
            outcome = f"refused: {error.problems[0].message[:60]}"
        return time.perf_counter() - start, outcome


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    for build in (big_paragraph_bad_quote, aliased_megabyte, many_quotes_without_paragraph):
        seconds, outcome = _load(build)
        rows.append(((build.__doc__ or build.__name__).splitlines()[0], seconds, outcome))
    start = time.perf_counter()
    hint = _hint("a" * 2_000 + "b", "a" * 200_000)
    rows.append(("The hint alone, 2 KB quote in a 200 KB paragraph of one letter",
                 time.perf_counter() - start, hint[:60]))
    for what, seconds, outcome in rows:
        print(f"{seconds:8.3f} s  {what}\n            {outcome}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak:.0f} MB")


if __name__ == "__main__":
    main()
