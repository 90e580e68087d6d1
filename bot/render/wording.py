"""Wording shared by every channel, so the console and Telegram say the same thing."""

from __future__ import annotations

from bot.model import Citation, Kind, Reply, Source

# Above a decline's nearest facts: they are what the article says, not an answer.
NEAREST = "Closest things the article does say:"
# What /about promises, and what it does not.
QUOTED = "Every answer quotes the sentence it comes from, with its paragraph number."
NOT_VERIFIED = ("I report what the article and the people in it say. I do not verify their "
                "claims, and I know nothing beyond this article.")


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


def suggestions_heading(reply: Reply) -> str | None:
    """The line above a reply's suggested facts, when they need one."""
    return NEAREST if reply.kind is Kind.DECLINE and reply.suggestions else None


def dateline(source: Source) -> str:
    """ "Publisher, date": what follows an article's title wherever it is named."""
    return ", ".join(p for p in (source.publisher, source.published) if p)


def source_line(source: Source) -> str:
    """An article in one line of plain text: title, dateline, authors, address."""
    authors = ", ".join(source.authors)
    by = f", by {authors}" if authors else ""
    return f"{source.title} \u2014 {dateline(source)}{by}. {source.url}"


def source_details(source: Source) -> tuple[tuple[str, str], ...]:
    """An article's details, labelled, for a card (/source); empty ones left out."""
    rows = (
        ("Publisher", source.publisher),
        ("Section", source.section),
        ("Authors", ", ".join(source.authors)),
        ("Published", source.published),
        ("Photo", source.photo_credit or ""),
    )
    return tuple((label, value) for label, value in rows if value)
