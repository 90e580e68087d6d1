"""One JSON object per reply, for scripts (`citebot ask --json`)."""

from __future__ import annotations

import json
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
        "language": reply.language,
        "note": reply.note or None,
        # Several questions in one message: one object each, in order (answered: any of them).
        "parts": [reply_to_dict(p) for p in reply.parts],
    }


def render_json(reply: Reply) -> str:
    """A single line of ASCII: JSON Lines consumers split on newlines, some of them on U+2028,
    U+2029 or U+0085 too, and escaped text is valid UTF-8 whatever the locale's encoding."""
    return json.dumps(reply_to_dict(reply), ensure_ascii=True)
