"""Where the health and metrics endpoint listens: read by the bot and by `citebot health`
(which must not import python-telegram-bot), so it lives apart from both."""

from __future__ import annotations

OPS_ADDRESS_ENV = "CITEBOT_OPS_ADDRESS"
DEFAULT_LISTEN = "127.0.0.1"
DEFAULT_PORT = 9321


def ops_address(text: str) -> tuple[str, int] | None:
    text = text.strip()
    if not text:
        return DEFAULT_LISTEN, DEFAULT_PORT
    if text.lower() == "off":
        return None
    host, sep, port_text = text.rpartition(":")
    try:
        port = int(port_text)
    except ValueError:
        raise ValueError(f"invalid ops address {text!r}: want HOST:PORT or 'off'") from None
    if not 0 <= port < 65536:
        raise ValueError(f"invalid ops port: {port}")
    return (host.strip("[]") or DEFAULT_LISTEN) if sep else DEFAULT_LISTEN, port
