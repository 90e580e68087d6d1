"""Where things are found: the only place that reads the environment for the core's inputs."""

from __future__ import annotations

import os
from pathlib import Path


def _builtin_kb() -> Path:
    """The knowledge base shipped inside the package (the wheel maps the repository's top-level
    knowledge/ to bot/knowledge), or, in a source checkout, knowledge/ beside the package."""
    # Beside this file, as importlib.resources would find it (without importing it, and with
    # it tempfile and zipfile): a zipped package would need extracting, and citebot is only
    # installed unpacked.
    packaged = Path(__file__).parent / "knowledge"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "knowledge"


BUILTIN_KB = _builtin_kb()


def default_kb_path() -> Path:
    """CITEBOT_KB if set, else the built-in knowledge base."""
    configured = os.environ.get("CITEBOT_KB", "").strip()
    return Path(configured) if configured else BUILTIN_KB
