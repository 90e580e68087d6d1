"""The README's figures are copied from what the benchmarks wrote, never typed: each figure
between the README's figure marks must appear in one of the bench/*.md result files."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START, END = "<!-- Every figure between these marks", "<!-- end of figures -->"
# A measured figure: a fraction, a percentage, or a number with a unit of time or memory.
FIGURE = re.compile(r"\d+/\d+ \(\d+%\)|\d+(?:\.\d+)?%|\d+(?:\.\d+)? (?:ms|s|MB)\b")


def figures(text: str) -> list[str]:
    return FIGURE.findall(text)


def test_the_readme_states_only_figures_the_benchmarks_wrote() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert START in readme
    assert END in readme
    section = readme[readme.index(START):readme.index(END)]
    section = section[section.index("-->") + 3:]  # the mark's own words are not figures
    results = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "bench").glob("*.md"))
    stated = figures(section)
    assert len(stated) >= 20, stated  # the section does state the measured numbers
    # A figure may be written without its unit in a results table ("0.28" in an "s" column).
    missing = [f for f in stated if f not in results and f.split(" ")[0] not in results]
    assert missing == [], f"README figures not in bench/*.md: {missing}"


def test_a_typed_figure_is_caught() -> None:
    assert figures("answered 86/110 (78%) in 0.77 ms, 54 MB, 93%") == [
        "86/110 (78%)", "0.77 ms", "54 MB", "93%"]
