"""`citebot health`: is the running bot healthy? A container's HEALTHCHECK.

It asks the bot's health endpoint (CITEBOT_OPS_ADDRESS, default 127.0.0.1:9321), whose answer
means something: 200 when the Bot API was reached recently and the knowledge base is loaded,
503 otherwise. With that endpoint off, it asks the webhook server's health path; in long
polling with neither, there is nothing to ask. It runs every half minute, so it reads the
settings from the environment itself rather than importing python-telegram-bot each time.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import TextIO

from bot.ops.address import OPS_ADDRESS_ENV, ops_address

HEALTH_PATH = "/healthz"
# The same variables and default as the Telegram front-end (bot/telegram/app.py).
WEBHOOK_URL_ENV = "TELEGRAM_WEBHOOK_URL"
WEBHOOK_LISTEN_ENV = "TELEGRAM_WEBHOOK_LISTEN"
WEBHOOK_PORT_ENV = "TELEGRAM_WEBHOOK_PORT"
DEFAULT_PORT = 8443
TIMEOUT_SECONDS = 3.0
EXIT_UNHEALTHY = 1


def health_url(env: Mapping[str, str]) -> str | None:
    """Where the bot answers on this machine; None when nothing is there to ask."""
    ops = ops_address(env.get(OPS_ADDRESS_ENV, ""))
    if ops is not None and ops[1] != 0:  # port 0: a port chosen at start, not known here
        return _url(ops[0], ops[1])
    if not env.get(WEBHOOK_URL_ENV, "").strip():
        return None
    port = env.get(WEBHOOK_PORT_ENV, "").strip() or str(DEFAULT_PORT)
    if not port.isdecimal():
        raise ValueError(f"{WEBHOOK_PORT_ENV} is not a port number")
    return _url(env.get(WEBHOOK_LISTEN_ENV, "").strip(), int(port))


def _url(listen: str, port: int) -> str:
    # A server listening on every address is reached on the loopback one.
    host = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(listen, listen)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}{HEALTH_PATH}"


def probe(env: Mapping[str, str], *, out: TextIO) -> int:
    """0 if the health path answers 200; 1 (one line saying why) if not."""
    try:
        url = health_url(env)
    except ValueError as error:  # a bad port or address
        print(f"citebot health: {error}", file=out)
        return EXIT_UNHEALTHY
    if url is None:
        # Long polling with the endpoint off: the container stops when the bot does.
        print("citebot health: long polling and no health endpoint, nothing to probe", file=out)
        return 0
    # No proxy: the server is on this machine, whatever http_proxy says.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT_SECONDS) as response:
            status = int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
    except (OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        print(f"citebot health: {url}: {reason}", file=out)
        return EXIT_UNHEALTHY
    print(f"citebot health: {url}: {status}", file=out)
    return 0 if status == 200 else EXIT_UNHEALTHY
