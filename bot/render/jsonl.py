"""One JSON object per reply, for scripts (`citebot ask --json`)."""

from __future__ import annotations

import json
import re
from typing import Any

from bot.model import Kind, Reply


def reply_to_dict(reply: Reply) -> dict[str, Any]:
    answered = reply.kind is Kind.ANSWER
    source = reply.source
    return {
        "question": reply.question,
        "kind": reply.kind.value,
        "answered": answered,
        "answer": reply.text if answered else None,
        "message": None if answered else reply.text,
        "fact": reply.fact.id if reply.fact else None,
        "score": round(reply.score, 1),
        "speaker": reply.speaker.name if reply.speaker else None,
        "citations": [
            {"paragraph": c.paragraph, "quote": c.quote, "source": c.source}
            | ({"field": c.field} if c.field else {})
            for c in reply.citations
        ],
        "source": None if source is None else {
            "id": source.id, "title": source.title, "publisher": source.publisher,
            "published": source.published, "url": source.url,
        },
        "suggestions": [{"fact": s.fact, "question": s.question} for s in reply.suggestions],
        "related": [{"fact": s.fact, "question": s.question} for s in reply.related],
    }


# Left raw by json.dumps(ensure_ascii=False), yet line breaks to str.splitlines() and many JSON
# Lines readers (U+0085, U+2028, U+2029), or not encodable as UTF-8 (lone surrogates). They
# can only occur inside JSON strings, where a \uXXXX escape means the same.
_UNSAFE = re.compile("[\x85\u2028\u2029\ud800-\udfff]")


def render_json(reply: Reply) -> str:
    """A single line of UTF-8-encodable JSON: JSON Lines consumers split on newlines."""
    text = json.dumps(reply_to_dict(reply), ensure_ascii=False)
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
