"""Reloading the knowledge base: validated off to the side, swapped whole, refused when bad."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest
from conftest import TINY_FACTS, write_kb

from bot.reload import LiveEngine, Reloader, version_of

TICKET_V2 = "A ticket costs 5 dollars, the paper says (v2)."


@pytest.fixture
def kb_path(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb")


def ticket(live: LiveEngine) -> str:
    return live.engine.answer("How much is a ferry ticket?").text


def test_a_reload_swaps_in_the_new_version(kb_path: Path) -> None:
    live = LiveEngine(kb_path)
    first = live.current
    assert live.reload().changed is False  # same files, same version: nothing rebuilt
    assert live.current is first
    (kb_path / "facts.yaml").write_text(TINY_FACTS.replace("A ticket costs 5 dollars.", TICKET_V2))
    result = live.reload()
    assert result.ok
    assert result.changed
    assert result.version == version_of(kb_path) != first.version
    assert ticket(live) == TICKET_V2
    assert result.message().startswith(f"Knowledge base reloaded: version {result.version} (")


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (lambda p: (p / "facts.yaml").write_text(TINY_FACTS.replace("    topic: ferry\n", "", 1)),
         "facts.yaml:2: "),
        (lambda p: (p / "facts.yaml").write_text("facts: [\n"), "facts.yaml:"),
        (lambda p: shutil.rmtree(p), "kb"),
    ],
    ids=["missing-field", "broken-yaml", "folder-gone"],
)
def test_an_invalid_knowledge_base_is_refused_and_the_old_one_serves(
    kb_path: Path, break_it: object, problem: str
) -> None:
    live = LiveEngine(kb_path)
    before = live.current
    break_it(kb_path)  # type: ignore[operator]
    result = live.reload()
    assert not result.ok
    assert result.version == before.version
    assert problem in result.problems[0]
    assert live.current is before
    assert ticket(live) == "A ticket costs 5 dollars."
    assert result.message().startswith(
        f"Knowledge base NOT reloaded, still serving version {before.version}:\n")


def test_the_watcher_reloads_once_the_files_are_still(kb_path: Path) -> None:
    live = LiveEngine(kb_path)
    reloader = Reloader(live, watch=True, interval=0.05).start()
    try:
        (kb_path / "facts.yaml").write_text(
            TINY_FACTS.replace("A ticket costs 5 dollars.", TICKET_V2))
        deadline = time.monotonic() + 5
        while ticket(live) != TICKET_V2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        reloader.stop()
    assert ticket(live) == TICKET_V2


def test_a_requested_reload_runs_in_the_reload_thread(kb_path: Path) -> None:
    live = LiveEngine(kb_path)
    reloader = Reloader(live).start()
    results = []
    live.on_reload(lambda result, _loaded: results.append(result))
    try:
        reloader.request()
        deadline = time.monotonic() + 5
        while not results and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        reloader.stop()
    assert [r.ok for r in results] == [True]


def test_an_in_memory_knowledge_base_cannot_be_reloaded(kb_path: Path) -> None:
    from bot.loader import load_knowledge

    live = LiveEngine(None, load_knowledge(kb_path))
    result = live.reload()
    assert not result.ok
    assert "no knowledge-base path to reload from" in result.problems[0]
