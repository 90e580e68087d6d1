"""A corpus of malformed knowledge bases, each run through `citebot check`: exit code 2 and
`file:line: field: what is wrong` with the right file and line, never a traceback."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TINY_FACTS, TINY_SOURCE, write_kb

from bot.cli import main

Setup = Callable[[Path], None]


def _edit(name: str, old: str, new: str) -> Setup:
    def setup(root: Path) -> None:
        path = root / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return setup


def facts(old: str, new: str) -> Setup:
    return _edit("facts.yaml", old, new)


def source(old: str, new: str) -> Setup:
    return _edit("source.yaml", old, new)


def write(name: str, content: str | bytes) -> Setup:
    def setup(root: Path) -> None:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")

    return setup


def link(name: str, target: str) -> Setup:
    """A link that cannot be followed (to nowhere, or to itself): a file or folder that cannot be
    read even by root, who ignores permissions."""

    def setup(root: Path) -> None:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).symlink_to(target)

    return setup


def move(name: str, to: str) -> Setup:
    def setup(root: Path) -> None:
        (root / to).parent.mkdir(parents=True, exist_ok=True)
        (root / name).rename(root / to)

    return setup


def fifo(name: str) -> Setup:
    return lambda root: os.mkfifo(root / name)


def gone(root: Path) -> None:
    shutil.rmtree(root)


def both(*setups: Setup) -> Setup:
    def setup(root: Path) -> None:
        for one in setups:
            one(root)

    return setup


TICKET = "{source: daily-1, paragraph: 2, quote: Tickets cost 5 dollars.}"
MAYOR_QUOTE = "quote: \"The ferry is the best thing to happen to our city,\""
LAUGHS = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True)
)
BIG = "x" * 1_000_000
ALIASED = f'  paragraphs:\n    - &p "{BIG}"\n' + "    - *p\n" * 100
SECOND_SOURCE = TINY_SOURCE.split("topics:")[0].replace("daily-1", "daily-2")

# (case, how the tiny knowledge base is broken, file ("" = the folder), line, "field: message")
CASES: list[tuple[str, Setup, str, int, str]] = [
    # YAML values that used to raise a traceback
    ("date out of range", source('"2024-05-01"', "2024-13-45"), "source.yaml", 5, "source.published: '2024-13-45' is not a date"),
    ("time out of range", source('"2024-05-01"', "2024-03-07t99:99:99"), "source.yaml", 5, "source.published: '2024-03-07t99:99:99' is not a date"),
    ("unknown tag", facts("topic: ferry\n", "topic: !foo ftz\n"), "facts.yaml", 3, "facts[ferry-passengers].topic: YAML tag '!foo' is not supported"),
    ("python tag", facts("topic: ferry\n", 'topic: !!python/name:os.system ""\n'), "facts.yaml", 3, "facts[ferry-passengers].topic: YAML tag '!!python/name:os.system' is not supported"),
    ("bad timestamp", source('"2024-05-01"', "!!timestamp nonsense"), "source.yaml", 5, "source.published: 'nonsense' is not a date or time"),
    ("bad int", facts("paragraph: 2, quote: Tickets", "paragraph: !!int abc, quote: Tickets"), "facts.yaml", 26, "facts[ticket-price].citations[0].paragraph: 'abc' is not a whole number"),
    ("5,000 digits", facts("paragraph: 2, quote: Tickets", f"paragraph: {'9' * 5000}, quote: Tickets"), "facts.yaml", 26, "facts[ticket-price].citations[0].paragraph: a 5,000-digit number is too large"),
    ("set tag", facts("  - id: photo\n", "  - !!set\n    id: photo\n"), "facts.yaml", 39, "facts[photo]: YAML tag '!!set' is not supported"),
    ("string paragraph", facts("paragraph: 2, quote: Tickets", 'paragraph: "2", quote: Tickets'), "facts.yaml", 26, "facts[ticket-price].citations[0].paragraph: expected a whole number, got str '2'"),
    ("bool answer", facts("answer: A ticket costs 5 dollars.", "answer: yes"), "facts.yaml", 24, "facts[ticket-price].answer: expected a string, got bool 'yes'"),
    ("empty answer", facts("answer: A ticket costs 5 dollars.", "answer:"), "facts.yaml", 24, "facts[ticket-price].answer: expected a string, got nothing"),
    # Problems that had line 0
    ("no YAML in folder", both(move("facts.yaml", "notes.txt"), move("source.yaml", "README.md")), "", 1, "path: no *.yaml files in this folder"),
    ("only backups", both(move("facts.yaml", "facts.yaml.bak"), move("source.yaml", "source.yml~")), "", 1, "path: no *.yaml files in this folder (only names ending in .yaml or .yml are read; found facts.yaml.bak"),
    ("missing path", gone, "", 1, "path: no such knowledge-base file or folder"),
    ("dangling link", link("extra.yaml", "nowhere.yaml"), "extra.yaml", 1, "path: cannot read: No such file or directory"),
    ("pipe, not file", fifo("extra.yaml"), "extra.yaml", 1, "file: not a regular file"),
    ("empty topic list", source("topics:\n  - {id: ferry, title: The ferry line}\n  - {id: city, title: The city}\n", "topics: []\n"), "source.yaml", 15, "topics: the knowledge base has no topic (this list is empty)"),
    ("unreadable facts folder", both(move("facts.yaml", "backup/facts.yml.old"), link("facts", "facts")), "facts", 1, "path: cannot read: Too many levels of symbolic links"),
    ("unreadable subfolder", both(move("facts.yaml", "facts/ferry.yaml"), link("facts/more", "more")), "facts/more", 1, "path: cannot read: Too many levels of symbolic links"),
    # Lines that were wrong
    ("U+2028 in a value", facts("answer: A ticket costs 5 dollars.", 'answer: "A ticket\u2028costs 5 dollars."\n    bogus: 1'), "facts.yaml", 25, "facts[ticket-price].bogus: unknown key"),
    ("NUL byte", facts("answer: A ticket costs 5 dollars.", "answer: A ticket\0 costs"), "facts.yaml", 24, "yaml: character U+0000 is not allowed"),
    ("unclosed quote", facts('      - "ferry passengers"', '      - "ferry passengers'), "facts.yaml", 7, "yaml: syntax error: the quote opened here runs on to line 8"),
    ("quote open at end", write("extra.yaml", "aliases:\n  - canonical: 'ferry\n    variants: [boat]\n"), "extra.yaml", 2, "yaml: syntax error: this quote is never closed"),
    # Sizes
    ("alias bomb", write("extra.yaml", LAUGHS), "extra.yaml", 7, "yaml: aliases expand this to more than 4,000,000 characters"),
    ("1 MB paragraph x 100", source("  paragraphs:\n", ALIASED), "source.yaml", 12, "yaml: aliases expand this to more than 4,000,000 characters"),
    ("recursive alias", write("extra.yaml", "aliases: &a\n  - *a\n"), "extra.yaml", 1, "yaml: an alias refers to a value that contains it"),
    ("file too large", write("extra.yaml", "# " + "y" * 2_000_000 + "\n"), "extra.yaml", 1, "file: larger than 2,000,000 bytes"),
    ("paragraph too long", source("  paragraphs:\n", f'  paragraphs:\n    - "{"z" * 200_000}"\n'), "source.yaml", 12, "source.paragraphs[0]: 200,000 characters long; at most 20,000"),
    ("answer too long", facts("answer: A ticket costs 5 dollars.", f"answer: {'w' * 25_000}"), "facts.yaml", 24, "facts[ticket-price].answer: 25,000 characters long"),
    # Files YAML cannot read
    ("not UTF-8", write("extra.yaml", b"aliases:\n  - {canonical: x,\n     variants: [\xff]}\n"), "extra.yaml", 3, "file: not UTF-8 text (byte 0xff"),
    ("syntax error", facts("    topic: ferry\n", "    topic: [ferry\n"), "facts.yaml", 3, "yaml: syntax error: the [ opened here is not closed before line 4"),
    ("tab indent", facts("    speaker: article\n    questions:", "    speaker: article\n\tquestions:"), "facts.yaml", 5, "yaml: syntax error: while scanning a plain scalar found a tab character that violates indentation (indent with spaces, not tabs)"),
    ("unquoted colon", facts("answer: A ticket costs 5 dollars.", "answer: Price: 5 dollars."), "facts.yaml", 24, "yaml: syntax error: mapping values are not allowed in this context (put a value that contains ': ' in quotes)"),
    ("two documents", write("extra.yaml", "aliases: []\n---\naliases: []\n"), "extra.yaml", 2, "yaml: syntax error: expected a single document"),
    ("empty file", write("extra.yaml", "# nothing yet\n"), "extra.yaml", 1, "file: empty file"),
    ("list at top", write("extra.yaml", "- a\n- b\n"), "extra.yaml", 1, "file: expected a mapping with any of source, topics, facts"),
    # The schema
    ("unknown top-level key", facts("aliases:", "fact:\n  - x\naliases:"), "facts.yaml", 51, "fact: unknown key (did you mean 'facts'?)"),
    ("unknown key", facts("    topic: ferry\n", "    topik: ferry\n"), "facts.yaml", 3, "facts[ferry-passengers].topik: unknown key (did you mean 'topic'?)"),
    ("duplicate key", source("  publisher: Test Daily\n", "  publisher: Test Daily\n  publisher: Other\n"), "source.yaml", 5, "source.publisher: duplicate key"),
    ("missing field", facts("    answer: A ticket costs 5 dollars.\n", ""), "facts.yaml", 15, "facts[ticket-price].answer: missing required field"),
    ("missing topic", facts("    topic: ferry\n    speaker: article\n    questions:\n      - \"How much", "    speaker: article\n    questions:\n      - \"How much"), "facts.yaml", 15, "facts[ticket-price].topic: missing required field (give it here, or once"),
    ("wrong type", facts("    topic: ferry\n", "    topic: [ferry]\n"), "facts.yaml", 3, "facts[ferry-passengers].topic: expected a string, got a list"),
    ("bad id", facts("  - id: ticket-price", "  - id: Ticket Price"), "facts.yaml", 15, "facts[1].id: 'Ticket Price' does not match"),
    ("bad url", source("https://example.org/ferry", "ftp://example.org/ferry"), "source.yaml", 6, "source.url: 'ftp://example.org/ferry' does not match"),
    ("no speakers", source("  speakers:\n    - {id: article, name: Test Daily}\n    - {id: mayor-lee, name: Mayor Lee, role: mayor of the harbour city}\n", "  speakers: []\n"), "source.yaml", 8, "source.speakers: needs at least 1 item(s), has 0"),
    ("too few questions", facts('      - "ferry fare"\n', ""), "facts.yaml", 19, "facts[ticket-price].questions: needs at least 5 item(s), has 4"),
    ("paragraph and field", facts(TICKET, "{source: daily-1, paragraph: 2, field: title, quote: Tickets cost 5 dollars.}"), "facts.yaml", 26, "facts[ticket-price].citations[0]: give `paragraph` or `field`, not both"),
    ("file topic without facts", source("topics:", "topic: ferry\ntopics:"), "source.yaml", 15, "topic: sets the topic of this file's facts, but it has none"),
    # Across files
    ("duplicate fact id", facts("  - id: ticket-price", "  - id: ferry-passengers"), "facts.yaml", 15, "facts[ferry-passengers].id: duplicate fact id 'ferry-passengers' (first at"),
    ("duplicate source", write("zz/source.yaml", TINY_SOURCE.split("topics:")[0]), "zz/source.yaml", 2, "source.id: duplicate source id 'daily-1' (first at"),
    ("unknown topic", facts("    topic: city\n", "    topic: cty\n"), "facts.yaml", 28, "facts[mayor-view].topic: unknown topic 'cty' (did you mean 'city'?)"),
    ("unknown file topic", both(facts("    topic: ferry\n", ""), facts("facts:\n", "topic: fery\nfacts:\n")), "facts.yaml", 1, "topic: unknown topic 'fery' (did you mean 'ferry'?)"),
    ("unknown related", facts("related: [ticket-price]", "related: [ticket-prices]"), "facts.yaml", 14, "facts[ferry-passengers].related[0]: unknown fact id 'ticket-prices' (did you mean 'ticket-price'?)"),
    ("related to itself", facts("related: [ticket-price]", "related: [ferry-passengers]"), "facts.yaml", 14, "facts[ferry-passengers].related[0]: a fact cannot relate to itself"),
    ("unknown source", facts("{source: daily-1, paragraph: 2, quote: Tickets", "{source: daily-2, paragraph: 2, quote: Tickets"), "facts.yaml", 26, "facts[ticket-price].citations[0].source: unknown source 'daily-2' (did you mean 'daily-1'?)"),
    ("which source", both(write("two.yaml", SECOND_SOURCE), facts(TICKET, "{paragraph: 2, quote: Tickets cost 5 dollars.}")), "facts.yaml", 26, "facts[ticket-price].citations[0].source: missing: the knowledge base has 2 sources (daily-1, daily-2); say which"),
    ("unknown speaker", facts("speaker: mayor-lee", "speaker: mayor-li"), "facts.yaml", 29, "facts[mayor-view].speaker: unknown speaker 'mayor-li' (did you mean 'mayor-lee'?)"),
    ("unattributed claim", facts("answer: Mayor Lee said the ferry", "answer: The ferry"), "facts.yaml", 36, "facts[mayor-view].answer: a claim by Mayor Lee must name them"),
    # Quotes
    ("quote not verbatim", facts("quote: Tickets cost 5 dollars.", "quote: Tickets cost 6 dollars."), "facts.yaml", 26, "facts[ticket-price].citations[0].quote: not found verbatim in paragraph 2 of daily-1; it matches up to 'Tickets cost ', then the source has '5 dollars.'"),
    ("quote in another paragraph", facts("paragraph: 2, quote: Tickets", "paragraph: 1, quote: Tickets"), "facts.yaml", 26, "facts[ticket-price].citations[0].quote: not found verbatim in paragraph 1 of daily-1; the quote is in paragraph 2"),
    ("quote typography", facts(MAYOR_QUOTE, "quote: \"The ferry is the best thing  to happen to our city,\""), "facts.yaml", 38, "facts[mayor-view].citations[0].quote: not found verbatim in paragraph 3 of daily-1; it differs only in quote marks, dashes or spaces"),
    ("no such paragraph", facts("paragraph: 2, quote: Tickets", "paragraph: 9, quote: Tickets"), "facts.yaml", 26, "facts[ticket-price].citations[0].paragraph: paragraph 9 does not exist (1 to 3); the quote is in paragraph 2"),
    ("ambiguous quote", facts(TICKET, "{quote: ferry}"), "facts.yaml", 26, "facts[ticket-price].citations[0].quote: found in paragraph 1, paragraph 2, paragraph 3, field title and field url of daily-1: add `paragraph:`"),
    ("quote nowhere", facts(TICKET, "{quote: Tickets cost 7 dollars.}"), "facts.yaml", 26, "facts[ticket-price].citations[0].quote: not found verbatim in any paragraph or field of daily-1; closest: paragraph 2"),
    ("unknown metadata field", facts(TICKET, "{source: daily-1, field: titel, quote: Harbour city}"), "facts.yaml", 26, "facts[ticket-price].citations[0].field: unknown field 'titel' (did you mean 'title'?)"),
    ("quote not in field", facts(TICKET, "{source: daily-1, field: title, quote: Harbour town}"), "facts.yaml", 26, "facts[ticket-price].citations[0].quote: not found verbatim in field title of daily-1"),
]


@pytest.mark.parametrize(("setup", "file", "line", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_malformed_kb_exits_2_naming_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: Setup, file: str, line: int,
    expected: str,
) -> None:
    root = write_kb(tmp_path / "kb", source=TINY_SOURCE, facts=TINY_FACTS)
    setup(root)
    assert main(["check", "--kb", str(root)]) == 2
    out = capsys.readouterr()
    where = f"{root / file if file else root}:{line}: "
    assert any(problem.startswith(where + expected) for problem in out.err.splitlines()), out.err
    assert "Traceback" not in out.err + out.out


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({case[0] for case in CASES}) == len(CASES)


def test_every_problem_of_every_file_in_one_run(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A bad field does not hide the next one, and a bad file does not hide the checks across
    the others."""
    root = write_kb(tmp_path / "kb")
    for setup in (
        facts("    topic: ferry\n", "    topik: ferry\n    topic: ferry\n"),
        facts("quote: Tickets cost 5 dollars.", "quote: Tickets cost 6 dollars."),
        facts("speaker: mayor-lee", "speaker: mayor-li"),
        facts('      - "ferry fare"\n', ""),
        source("https://example.org/ferry", "example.org"),
        write("broken.yaml", "aliases: [ferry, boat\n"),
    ):
        setup(root)
    assert main(["check", "--kb", str(root)]) == 2
    err = capsys.readouterr().err
    for expected in (
        "facts.yaml:3: facts[ferry-passengers].topik: unknown key",
        "facts.yaml:20: facts[ticket-price].questions: needs at least 5",
        "facts.yaml:26: facts[ticket-price].citations[0].quote: not found verbatim",
        "facts.yaml:29: facts[mayor-view].speaker: unknown speaker",
        "broken.yaml:1: yaml: syntax error: the [ opened here is not closed before line 2",
        "source.yaml:6: source.url:",
        "citebot: the knowledge base is not valid (6 problem(s))",
    ):
        assert expected in err, err


def test_an_unreadable_folder_does_not_also_claim_there_is_no_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = write_kb(tmp_path / "kb")
    both(move("facts.yaml", "old/facts.yaml.bak"), link("facts", "facts"))(root)
    assert main(["check", "--kb", str(root)]) == 2
    err = capsys.readouterr().err
    assert "cannot read" in err
    assert "no fact" not in err
    assert "unknown" not in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their permissions (the corpus uses links)")
def test_a_file_without_read_permission(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = write_kb(tmp_path / "kb")
    (root / "facts.yaml").chmod(0)
    try:
        assert main(["check", "--kb", str(root)]) == 2
    finally:
        (root / "facts.yaml").chmod(0o644)
    assert f"{root / 'facts.yaml'}:1: file: cannot read: Permission denied" in capsys.readouterr().err
