"""Plain-text rendering for the console; colour only when asked (a TTY), wrapping only when given
a width (a terminal's), never inside a word."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from bot.model import Kind, Reply
from bot.render.wording import attribution, place, source_line, suggestions_heading

_BOLD, _DIM, _CYAN, _RESET = "\033[1m", "\033[2m", "\033[36m", "\033[0m"
# Narrower than this, indents would leave no room for words.
MIN_WIDTH = 20


def render_text(
    reply: Reply, *, color: bool = False, width: int | None = None, source: bool = True,
    lists: bool = True,
) -> str:
    """The reply as lines of text; `source=False` leaves out the long source line (a chat shows
    it once). Related facts and suggestions are numbered, so a chat can offer them by number;
    `lists=False` bullets them instead (the parts of a message with several questions)."""

    def add(text: str, *, code: str = "", indent: str = "", hang: str = "") -> None:
        for line in wrap(text, width, indent=indent, hang=hang):
            lines.append(f"{code}{line}{_RESET}" if color and code else line)

    lines: list[str] = []
    if reply.note:
        add(reply.note, code=_DIM)
    if reply.parts:
        # Several questions: each answered under its own heading; the source once at the end.
        for number, part in enumerate(reply.parts, 1):
            add(f"{number}. {part.question}", code=_BOLD)
            lines.append(render_text(part, color=color, width=width, source=False, lists=False))
        if reply.source is not None and source:
            add(f"Source: {source_line(reply.source)}", code=_DIM, hang="  ")
        return "\n".join(lines)
    if reply.kind is Kind.ANSWER:
        add(reply.text, code=_BOLD)
        # Every quote says whose words it is: the person quoted, or the paper's own reporting.
        who = attribution(reply) or (reply.source.publisher if reply.source else "")
        for c in reply.citations:
            by = f" \u2014 {who}" if who and c.paragraph is not None else ""
            add(f"\u201c{c.quote}\u201d ({place(c)}{by})", code=_CYAN, indent="  ", hang="   ")
        if reply.source is not None and source:
            add(f"Source: {source_line(reply.source)}", code=_DIM, hang="  ")
        if reply.related:
            add("Related:", code=_DIM)
            for line in numbered([s.question for s in reply.related], width, lists):
                lines.append(f"{_DIM}{line}{_RESET}" if color else line)
    else:
        add(reply.text)
        heading = suggestions_heading(reply)
        if heading:
            add(heading)
        if reply.suggestions:
            lines.extend(numbered([s.question for s in reply.suggestions], width, lists))
    return "\n".join(lines)


def numbered(items: Sequence[str], width: int | None, numbers: bool = True) -> list[str]:
    """ "  1. item" lines; a wrapped item continues under its own text, not under the number."""
    lines: list[str] = []
    for number, item in enumerate(items, 1):
        label = f"  {number}. " if numbers else "  - "
        lines.extend(wrap(item, width, indent=label, hang=" " * len(label)))
    return lines


def wrap(text: str, width: int | None, *, indent: str = "", hang: str = "") -> list[str]:
    """`text` broken at spaces to fit `width` (None: not at all); a word longer than the width,
    such as a URL, stays whole on a line of its own. Existing line breaks are kept."""
    lines: list[str] = []
    for number, paragraph in enumerate(text.split("\n")):
        first = indent if number == 0 else hang
        if not paragraph.strip():
            lines.append("")
            continue
        if width is None:
            lines.append(f"{first}{paragraph}")
            continue
        lines.extend(textwrap.wrap(
            paragraph, max(width, MIN_WIDTH), initial_indent=first, subsequent_indent=hang,
            break_long_words=False, break_on_hyphens=False,
        ))
    return lines
