"""Wording shared by every channel, so the console and Telegram say the same thing."""

from __future__ import annotations

from bot.model import Citation, Reply, Source


def place(citation: Citation) -> str:
    """Where a quote stands: "¶7", or the metadata field it comes from."""
    if citation.paragraph is not None:
        return f"\u00b6{citation.paragraph}"
    return (citation.field or "metadata").replace("_", " ")


def attribution(reply: Reply) -> str:
    """Who the quote is from: the person quoted, or the article itself."""
    if reply.speaker is not None and reply.speaker.id != "article":
        return reply.speaker.name
    return ""


def source_line(source: Source) -> str:
    authors = ", ".join(source.authors)
    return (f"{source.title} \u2014 {source.publisher}, {source.published}, by {authors}. "
            f"{source.url}")
