"""Where things are found: the only place that reads the environment for the core's inputs."""

from __future__ import annotations

import os
from pathlib import Path

BUILTIN_KB = Path(__file__).resolve().parent.parent / "knowledge"


def default_kb_path() -> Path:
    """CITEBOT_KB if set, else the knowledge base shipped beside the package."""
    configured = os.environ.get("CITEBOT_KB", "").strip()
    return Path(configured) if configured else BUILTIN_KB
