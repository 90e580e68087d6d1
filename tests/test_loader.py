"""The loader: a good knowledge base loads; a bad one is refused with file:line: field: what."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_FACTS, TINY_SOURCE, write_kb

from bot.loader import KnowledgeError, load_knowledge


def test_tiny_kb_loads(tiny_kb_path: Path) -> None:
    kb = load_knowledge(tiny_kb_path)
    assert [f.id for f in kb.facts] == ["ferry-passengers", "ticket-price", "mayor-view", "photo"]
    assert kb.sources[0].paragraph(2).startswith("The new ferry line")
    assert kb.fact("mayor-view") is not None
    assert kb.aliases[0].canonical == "ferry"


def _swap(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# (what is broken, file, facts text, source text, expected line, expected fragment)
MALFORMED = [
    ("yaml syntax", "facts.yaml", _swap(TINY_FACTS, "    topic: ferry\n", "    topic: [ferry\n"),
     None, 3, "yaml: syntax error"),
    ("unknown key", "facts.yaml", _swap(TINY_FACTS, "    topic: ferry\n", "    topik: ferry\n"),
     None, 3, "facts[ferry-passengers].topik: unknown key"),
    ("missing field", "facts.yaml", _swap(TINY_FACTS, "    answer: A ticket costs 5 dollars.\n", ""),
     None, 15, "facts[ticket-price].answer: missing required field"),
    ("wrong type", "facts.yaml", _swap(TINY_FACTS, "    topic: ferry\n", "    topic: [ferry]\n"),
     None, 3, "facts[ferry-passengers].topic: expected a string, got a list"),
    ("duplicate id", "facts.yaml", _swap(TINY_FACTS, "  - id: ticket-price", "  - id: ferry-passengers"),
     None, 15, "duplicate fact id 'ferry-passengers'"),
    ("quote not verbatim", "facts.yaml", _swap(TINY_FACTS, "quote: Tickets cost 5 dollars.",
                                               "quote: Tickets cost 6 dollars."),
     None, 26, "quote: not found verbatim in paragraph 2"),
    ("bad paragraph", "facts.yaml", _swap(TINY_FACTS, "paragraph: 2, quote: Tickets",
                                          "paragraph: 9, quote: Tickets"),
     None, 26, "paragraph 9 does not exist (1 to 3)"),
    ("unknown related", "facts.yaml", _swap(TINY_FACTS, "related: [ticket-price]", "related: [fare]"),
     None, 14, "related[0]: unknown fact id 'fare'"),
    ("unknown source", "facts.yaml", _swap(TINY_FACTS, "{source: daily-1, paragraph: 2, quote: Tickets",
                                           "{source: daily-2, paragraph: 2, quote: Tickets"),
     None, 26, "unknown source 'daily-2'"),
    ("unknown topic", "facts.yaml", _swap(TINY_FACTS, "    topic: city\n", "    topic: town\n"),
     None, 28, "unknown topic 'town'"),
    ("too few questions", "facts.yaml", _swap(TINY_FACTS, '      - "ferry fare"\n', ""),
     None, 19, "needs at least 5 item(s), has 4"),
    ("unattributed claim", "facts.yaml",
     _swap(TINY_FACTS, "answer: Mayor Lee said the ferry", "answer: The ferry"),
     None, 36, "a claim by Mayor Lee must name them"),
    ("unknown speaker", "facts.yaml", _swap(TINY_FACTS, "speaker: mayor-lee", "speaker: mayor-kim"),
     None, 29, "unknown speaker 'mayor-kim'"),
    ("duplicate key", "source.yaml", None, _swap(TINY_SOURCE, "  publisher: Test Daily\n",
                                                 "  publisher: Test Daily\n  publisher: Other\n"),
     5, "source.publisher: duplicate key"),
    ("bad date", "source.yaml", None, _swap(TINY_SOURCE, '"2024-05-01"', '"May 1st"'),
     5, "source.published: 'May 1st' is not a date"),
    ("top-level key", "facts.yaml", "fact:\n  - id: x\n", None, 1, "fact: unknown key"),
]


@pytest.mark.parametrize(
    ("file", "facts", "source", "line", "fragment"),
    [case[1:] for case in MALFORMED],
    ids=[case[0] for case in MALFORMED],
)
def test_malformed_kb_is_refused_with_file_line_field(
    tmp_path: Path, file: str, facts: str | None, source: str | None, line: int, fragment: str
) -> None:
    root = write_kb(tmp_path / "kb", source=source or TINY_SOURCE, facts=facts or TINY_FACTS)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    messages = [str(p) for p in caught.value.problems]
    expected_prefix = f"{root / file}:{line}: "
    assert any(m.startswith(expected_prefix) and fragment in m for m in messages), messages


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path) -> None:
    facts = _swap(TINY_FACTS, "quote: Tickets cost 5 dollars.", "quote: Tickets cost 6 dollars.")
    facts = _swap(facts, "related: [ticket-price]", "related: [fare]")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(write_kb(tmp_path / "kb", facts=facts))
    assert len(caught.value.problems) == 2


def test_missing_folder_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="no such knowledge-base"):
        load_knowledge(tmp_path / "nope")


def test_not_utf8_is_a_problem(tmp_path: Path) -> None:
    root = write_kb(tmp_path / "kb")
    (root / "facts.yaml").write_bytes(b"facts: \xff\xfe\n")
    with pytest.raises(KnowledgeError, match="not UTF-8"):
        load_knowledge(root)


def test_cli_refuses_bad_kb_with_exit_2_and_no_traceback(tmp_path: Path) -> None:
    facts = _swap(TINY_FACTS, "related: [ticket-price]", "related: [fare]")
    root = write_kb(tmp_path / "kb", facts=facts)
    for command in (["check"], ["ask", "hi"], ["chat"]):
        done = subprocess.run(
            [sys.executable, "-m", "bot", *command, "--kb", str(root)],
            capture_output=True, text=True, input="", timeout=60,
        )
        assert done.returncode == 2, (command, done.stderr)
        assert f"{root / 'facts.yaml'}:14: facts[ferry-passengers].related[0]" in done.stderr
        assert "Traceback" not in done.stderr


def test_a_knowledge_base_made_in_code_meets_the_same_checks() -> None:
    """Fixtures written as dataclasses (tests/telegram_fixtures.py) go through kb_yaml.checked:
    what the loader refuses in a file, it refuses there too."""
    from dataclasses import replace

    from kb_yaml import checked
    from telegram_fixtures import tiny_kb

    kb = tiny_kb()
    fact = replace(kb.facts[0], questions=kb.facts[0].questions[:2], related=("no-such-fact",))
    with pytest.raises(KnowledgeError) as refused:
        checked(replace(kb, facts=(fact, *kb.facts[1:])))
    messages = [p.message for p in refused.value.problems]
    assert any("at least 5" in m for m in messages), messages
    assert any("no-such-fact" in m for m in messages), messages
