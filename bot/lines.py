"""Lines of user input from a byte stream: any bytes decode, and a huge line costs no more memory
than the part of it that is used."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

# What is left of an over-long line is read and dropped in pieces of this size.
SKIP_CHUNK = 64 * 1024
# UTF-8 needs at most this many bytes for one character.
_MAX_UTF8_BYTES = 4


def read_lines(stream: BinaryIO, *, max_chars: int) -> Iterator[str]:
    """Each line decoded as UTF-8, an invalid byte becoming U+FFFD, without its line ending and
    cut to `max_chars`. Reads stop at each newline, so a line is answered as soon as it arrives."""
    while (line := read_line(stream, max_chars=max_chars)) is not None:
        yield line


def read_line(stream: BinaryIO, *, max_chars: int) -> str | None:
    """The next line (see read_lines), or None at the end of the stream."""
    limit = _MAX_UTF8_BYTES * max_chars + _MAX_UTF8_BYTES
    raw = stream.readline(limit)
    if not raw:
        return None
    if len(raw) == limit and not raw.endswith(b"\n"):
        _skip_line(stream)
    return clean(raw.decode("utf-8", "replace").rstrip("\r\n"), max_chars=max_chars)


def clean(text: str, *, max_chars: int) -> str:
    """`text` cut to `max_chars`, any lone surrogate replaced (a command-line argument's bytes
    that were not UTF-8 arrive as such), so that it can always be written out as UTF-8."""
    text = text[:max_chars]
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that no bytes produced
        return text.encode("utf-8", "replace").decode("utf-8")


def _skip_line(stream: BinaryIO) -> None:
    while chunk := stream.readline(SKIP_CHUNK):
        if chunk.endswith(b"\n"):
            return
