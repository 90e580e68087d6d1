"""Plain-text rendering for the console; colour only when asked (a TTY)."""

from __future__ import annotations

from bot.model import Kind, Reply
from bot.render.common import attribution, place, source_line

_BOLD, _DIM, _CYAN, _RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"


def render_text(reply: Reply, *, color: bool = False) -> str:
    def paint(code: str, text: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    lines: list[str] = []
    if reply.kind is Kind.ANSWER:
        lines.append(paint(_BOLD, reply.text))
        # Every quote says whose words it is: the person quoted, or the paper's own reporting.
        who = attribution(reply) or (reply.source.publisher if reply.source else "")
        for c in reply.citations:
            by = f" \u2014 {who}" if who and c.paragraph is not None else ""
            lines.append(paint(_CYAN, f"  \u201c{c.quote}\u201d ({place(c)}{by})"))
        if reply.source is not None:
            lines.append(paint(_DIM, f"Source: {source_line(reply.source)}"))
        if reply.related:
            lines.append(paint(_DIM, "Related: " + " | ".join(s.question for s in reply.related)))
    else:
        lines.append(reply.text)
        if reply.suggestions:
            if reply.kind is Kind.DECLINE:
                lines.append("Closest things the article does say:")
            lines.extend(f"  {i}. {s.question}" for i, s in enumerate(reply.suggestions, 1))
    return "\n".join(lines)
