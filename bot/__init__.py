"""citebot: cited answers about one news article.

    from bot import build_engine, load_knowledge

    kb = load_knowledge(path)
    reply = build_engine(kb, path).answer("how big is the free trade zone?")
    reply.kind, reply.text, reply.citations

Names are imported on first use: `import bot` (as the CLI does for its version) stays light.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Engine", "Kind", "Reply", "__version__", "build_engine", "load_knowledge"]

# Where each public name lives.
_HOMES = {
    "Engine": "bot.engine",
    "Kind": "bot.model",
    "Reply": "bot.model",
    "build_engine": "bot.assemble",
    "load_knowledge": "bot.loader",
}

if TYPE_CHECKING:
    from bot.assemble import build_engine
    from bot.engine import Engine
    from bot.loader import load_knowledge
    from bot.model import Kind, Reply


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once is enough
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
