"""Telegram HTML rendering of an engine Reply, and splitting for Telegram's message size limit.

Everything that comes from the user or the knowledge base goes through html.escape; the only
tags produced are ones Telegram's HTML parse mode accepts (b, i, a, blockquote).
"""

from __future__ import annotations

import html
import re

from bot.model import Kind, Reply, Source
from bot.render import wording

MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one message's text


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def link(url: str, text: str) -> str:
    """An <a> only for web URLs; anything else is shown as plain text."""
    if url.startswith(("https://", "http://")):
        return f'<a href="{esc(url)}">{esc(text)}</a>'
    return esc(text)


def attribution(reply: Reply) -> str:
    """Who the quotes below belong to: a person the article quotes, or the article itself."""
    who = wording.attribution(reply)
    if not who:
        return "<i>The article says:</i>"
    speaker = reply.speaker
    role = f", {esc(speaker.role)}," if speaker is not None and speaker.role else ""
    return f"<i>{esc(who)}{role} said:</i>"


def cited_source(source: Source) -> str:
    """The article's title as a link, then its dateline."""
    details = wording.dateline(source)
    return link(source.url, source.title) + (f" ({esc(details)})" if details else "")


def source_line(source: Source) -> str:
    return f"Source: {cited_source(source)}"


def render_html(reply: Reply) -> str:
    """The message for one reply. Blocks are separated by blank lines, which is where
    split_html prefers to cut. Several questions: one block each, the source once."""
    note = f"<i>{esc(reply.note)}</i>\n\n" if reply.note else ""
    if reply.parts:
        blocks = [f"<b>{number}. {esc(part.question)}</b>\n" + _body(part, source=False)
                  for number, part in enumerate(reply.parts, 1)]
        if reply.source is not None:
            blocks.append(source_line(reply.source))
        return note + "\n\n".join(blocks)
    return note + _body(reply, source=True)


def _body(reply: Reply, *, source: bool) -> str:
    if reply.kind is not Kind.ANSWER:
        heading = wording.suggestions_heading(reply)
        return esc(reply.text) + (f"\n\n{esc(heading)}" if heading else "")
    blocks = [esc(reply.text)]
    if reply.citations:
        quotes = "\n".join(
            f"<blockquote>\u201c{esc(c.quote)}\u201d ({esc(wording.place(c))})</blockquote>"
            for c in reply.citations
        )
        blocks.append(f"{attribution(reply)}\n{quotes}")
    if reply.source is not None and source:
        blocks.append(source_line(reply.source))
    return "\n\n".join(blocks)


# A tag, an entity, a run of plain text, or a stray '<'/'&' (never produced by us, but an
# input to split_html is not trusted to be ours).
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;|[^<&]+|[<&]")
# Units for cutting: a tag, or a run of text with its entities.
_UNIT = re.compile(r"<[^<>]*>|[^<]+|<")
_ENTITY = re.compile(r"&#?\w+;")
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][\w-]*)")


def _tag(token: str) -> tuple[str, bool] | None:
    """(name, is_closing) for a tag token, None for text or entities."""
    if not token.startswith("<") or not token.endswith(">"):
        return None
    match = _TAG_NAME.match(token)
    if match is None:
        return None
    return match.group(1).lower(), token.startswith("</")


def _visible(text: str) -> str:
    return "".join(t for t in _TOKEN.findall(text) if _tag(t) is None)


def _top_level_blocks(text: str) -> list[str]:
    """Split at blank lines that are outside every tag, so each block is balanced."""
    blocks: list[str] = []
    current: list[str] = []
    depth = 0
    for token in _TOKEN.findall(text):
        tag = _tag(token)
        if tag is not None:
            depth = max(0, depth - 1) if tag[1] else depth + 1
            current.append(token)
        elif depth == 0 and "\n\n" in token:
            first, *rest = token.split("\n\n")
            current.append(first)
            for piece in rest:
                blocks.append("".join(current))
                current = [piece]
        else:
            current.append(token)
    blocks.append("".join(current))
    return blocks


def _safe_cut(word: str, room: int) -> int:
    """Where to cut an overlong word so that no entity (&...;) is split."""
    cut = room
    amp = word.rfind("&", 0, cut)
    if amp != -1 and ";" not in word[amp:cut]:
        end = word.find(";", amp)
        if end != -1 and _ENTITY.fullmatch(word[amp : end + 1]):
            cut = amp
    return cut


def _hard_split(block: str, limit: int) -> list[str]:
    """Cut one oversized block between words, closing the open tags at the end of each piece
    and reopening them at the start of the next; entities are never cut."""
    pieces: list[str] = []
    stack: list[tuple[str, str]] = []  # (name, opening tag as written)
    current = ""

    def closers() -> str:
        return "".join(f"</{name}>" for name, _ in reversed(stack))

    def reopeners() -> str:
        return "".join(opening for _, opening in stack)

    def flush() -> None:
        nonlocal current
        pieces.append(current + closers())
        current = reopeners()

    for token in _UNIT.findall(block):
        tag = _tag(token)
        if tag is not None:
            name, closing = tag
            if closing:
                current += token
                if stack and stack[-1][0] == name:
                    stack.pop()
                continue
            if len(current) + len(token) + len(closers()) + len(f"</{name}>") + 1 > limit:
                flush()
            current += token
            stack.append((name, token))
            continue
        for word in re.split(r"(\s+)", token):
            while word:
                room = limit - len(current) - len(closers())
                if len(word) <= room:
                    if not (word.isspace() and current == reopeners()):
                        current += word
                    break
                if word.isspace():  # the cut falls here: drop the space
                    flush()
                    break
                if current != reopeners():
                    flush()
                    continue
                cut = _safe_cut(word, room)
                if cut <= 0:
                    raise ValueError(f"limit {limit} is too small to split this message")
                current += word[:cut]
                word = word[cut:]
                flush()
    pieces.append(current + closers())
    return pieces


def split_html(text: str, limit: int = MAX_MESSAGE_CHARS) -> list[str]:
    """Messages of at most `limit` characters, cut at blank lines when possible, never inside
    a tag or an entity, each one well formed. Empty pieces are dropped."""
    if len(text) <= limit:
        return [text] if _visible(text).strip() else []
    chunks: list[str] = []
    current = ""
    for block in _top_level_blocks(text):
        for piece in [block] if len(block) <= limit else _hard_split(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                chunks.append(current)
                current = piece
    chunks.append(current)
    return [c.strip() for c in chunks if _visible(c).strip()]
