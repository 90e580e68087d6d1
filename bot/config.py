"""Where things are found: the only place that reads the environment for the core's inputs."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path


def _builtin_kb() -> Path:
    """The knowledge base shipped inside the package (the wheel maps the repository's top-level
    knowledge/ to bot/knowledge), or, in a source checkout, knowledge/ beside the package."""
    packaged = resources.files(__package__ or "bot") / "knowledge"
    # A zipped package would need extracting; citebot is only installed unpacked.
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "knowledge"


BUILTIN_KB = _builtin_kb()


def default_kb_path() -> Path:
    """CITEBOT_KB if set, else the built-in knowledge base."""
    configured = os.environ.get("CITEBOT_KB", "").strip()
    return Path(configured) if configured else BUILTIN_KB
