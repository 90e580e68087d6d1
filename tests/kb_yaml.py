"""A knowledge base written as dataclasses, put through the loader like any other: written out
in the knowledge format and read back, so that every check an editor's files meet applies."""

from __future__ import annotations

import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import yaml

from bot.loader import load_knowledge
from bot.model import Citation, Fact, KnowledgeBase, Source


def checked(kb: KnowledgeBase) -> KnowledgeBase:
    """`kb` as the loader reads it back; a KnowledgeError names what the loader refuses."""
    with tempfile.TemporaryDirectory(prefix="citebot-kb-") as folder:
        root = Path(folder)
        for source in kb.sources:
            _write(root / f"source-{source.id}.yaml", {"source": _source(source)})
        _write(root / "topics.yaml", {"topics": [asdict(t) for t in kb.topics]})
        _write(root / "facts.yaml", {"facts": [_fact(f) for f in kb.facts]})
        if kb.aliases:
            _write(root / "aliases.yaml", {"aliases": [asdict(a) for a in kb.aliases]})
        if kb.small_talk:
            _write(root / "small_talk.yaml", {"small_talk": [asdict(s) for s in kb.small_talk]})
        loaded = load_knowledge(root)
    assert loaded == kb, "the loader read back something else than was written"
    return loaded


def _write(path: Path, content: dict[str, Any]) -> None:
    path.write_text(yaml.safe_dump(content, allow_unicode=True, sort_keys=False),
                    encoding="utf-8")


def _source(source: Source) -> dict[str, Any]:
    fields = asdict(source)
    if source.photo_credit is None:
        del fields["photo_credit"]
    return fields


def _fact(fact: Fact) -> dict[str, Any]:
    fields = asdict(fact)
    fields["citations"] = [_citation(c) for c in fact.citations]
    return fields


def _citation(citation: Citation) -> dict[str, Any]:
    return {key: value for key, value in asdict(citation).items() if value is not None}
