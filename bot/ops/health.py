"""The operations endpoint: GET /healthz and GET /metrics, on loopback unless told otherwise.

It runs in its own thread (stdlib http.server), so it answers whatever the front-end is busy
with; /healthz still turns 503 when the front-end stops reaching the Bot API, because that is
judged from when the Bot API last answered.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST

from bot.ops.metrics import Metrics
from bot.reload import Loaded

log = logging.getLogger("citebot.ops")

# Long polling reaches the Bot API every poll (10 s); a webhook bot probes when idle (60 s).
DEFAULT_STALE_AFTER = 180.0


class ApiWatch:
    """When the Bot API last answered (any HTTP answer: it was reached)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: float | None = None

    def reached(self) -> None:
        self._last = self._clock()

    def seconds_since(self) -> float | None:
        return None if self._last is None else self._clock() - self._last


@dataclass(frozen=True)
class HealthReport:
    ok: bool
    checks: dict[str, str]

    def json(self) -> bytes:
        status = "ok" if self.ok else "unavailable"
        return json.dumps({"status": status, **self.checks}).encode()


class Health:
    def __init__(self, api: ApiWatch, serving: Callable[[], Loaded | None], *,
                 stale_after: float = DEFAULT_STALE_AFTER) -> None:
        self.api = api
        self._serving = serving
        self.stale_after = stale_after

    def check(self) -> HealthReport:
        checks: dict[str, str] = {}
        since = self.api.seconds_since()
        api_ok = since is not None and since <= self.stale_after
        if since is None:
            checks["bot_api"] = "not reached yet"
        elif api_ok:
            checks["bot_api"] = f"reached {since:.0f} s ago"
        else:
            checks["bot_api"] = f"not reached for {since:.0f} s"
        loaded = self._serving()
        kb_ok = loaded is not None and bool(loaded.engine.kb.facts)
        checks["knowledge_base"] = (
            f"version {loaded.version}, {len(loaded.engine.kb.facts)} facts"
            if loaded is not None else "not loaded"
        )
        return HealthReport(api_ok and kb_ok, checks)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/healthz":
            report = self.server.health.check()
            self._reply(200 if report.ok else 503, "application/json", report.json())
        elif path == "/metrics":
            self._reply(200, CONTENT_TYPE_LATEST, self.server.metrics.exposition())
        else:
            self._reply(404, "text/plain; charset=utf-8", b"not found: try /healthz or /metrics\n")

    def _reply(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the scraper gave up

    def log_message(self, format: str, *args: Any) -> None:
        pass  # scrapes every few seconds would drown the bot's own log


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    health: Health
    metrics: Metrics


class OpsServer:
    def __init__(self, listen: str, port: int, health: Health, metrics: Metrics) -> None:
        """Binds now (OSError if the address is taken); serves after start()."""
        self._httpd = _Server((listen, port), _Handler)
        self._httpd.health = health
        self._httpd.metrics = metrics
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05},
                                        name="citebot-ops-http", daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    def start(self) -> OpsServer:
        self._thread.start()
        host, port = self.address
        log.info("health and metrics on http://%s:%d/healthz and /metrics", host, port)
        return self

    def close(self) -> None:
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()
