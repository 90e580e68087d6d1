"""`citebot health` (the container's HEALTHCHECK) against a real local HTTP server."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.health import HEALTH_PATH, health_url

ROOT = Path(__file__).resolve().parent.parent


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == HEALTH_PATH else 404)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep the test output clean


@pytest.fixture
def server_port() -> Iterator[int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def health(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    environment["CITEBOT_OPS_ADDRESS"] = "off"  # the webhook's own health path, unless given
    # A proxy must not be used for the loopback probe.
    environment.update({"http_proxy": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9"})
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "bot", "health"], capture_output=True,
                          text=True, cwd=ROOT, env=environment, timeout=60)


def test_webhook_server_answering_the_health_path_is_healthy(server_port: int) -> None:
    done = health({"TELEGRAM_WEBHOOK_URL": "https://example.org/hook",
                   "TELEGRAM_WEBHOOK_LISTEN": "0.0.0.0", "TELEGRAM_WEBHOOK_PORT": str(server_port)})
    assert done.returncode == 0, done.stdout
    assert done.stdout == f"citebot health: http://127.0.0.1:{server_port}/healthz: 200\n"


def test_nothing_listening_is_unhealthy(server_port: int) -> None:
    done = health({"TELEGRAM_WEBHOOK_URL": "https://example.org/hook",
                   "TELEGRAM_WEBHOOK_PORT": str(server_port + 1 if server_port < 65535 else 1)})
    assert done.returncode == 1
    assert done.stdout.count("\n") == 1


def test_long_polling_has_nothing_to_probe() -> None:
    done = health({})
    assert done.returncode == 0
    assert "long polling" in done.stdout


def test_the_health_endpoint_is_asked_first(server_port: int) -> None:
    done = health({"CITEBOT_OPS_ADDRESS": f"127.0.0.1:{server_port}",
                   "TELEGRAM_WEBHOOK_URL": "https://example.org/hook"})
    assert done.returncode == 0, done.stdout
    assert done.stdout == f"citebot health: http://127.0.0.1:{server_port}/healthz: 200\n"
    # The default address, with nothing listening there: unhealthy, in one line.
    done = health({"CITEBOT_OPS_ADDRESS": f"127.0.0.1:{server_port + 1}"})
    assert done.returncode == 1
    assert done.stdout.count("\n") == 1


@pytest.mark.parametrize(("env", "url"), [
    ({}, "http://127.0.0.1:9321/healthz"),
    ({"CITEBOT_OPS_ADDRESS": "0.0.0.0:9100"}, "http://127.0.0.1:9100/healthz"),
    ({"CITEBOT_OPS_ADDRESS": "127.0.0.1:0"}, None),
    ({"CITEBOT_OPS_ADDRESS": "off", "TELEGRAM_WEBHOOK_URL": "https://h/x"},
     "http://127.0.0.1:8443/healthz"),
    ({"CITEBOT_OPS_ADDRESS": "off", "TELEGRAM_WEBHOOK_URL": "https://h/x",
      "TELEGRAM_WEBHOOK_LISTEN": "::"}, "http://[::1]:8443/healthz"),
    ({"CITEBOT_OPS_ADDRESS": "off", "TELEGRAM_WEBHOOK_URL": "https://h/x",
      "TELEGRAM_WEBHOOK_LISTEN": "10.1.2.3", "TELEGRAM_WEBHOOK_PORT": "80"},
     "http://10.1.2.3:80/healthz"),
    ({"CITEBOT_OPS_ADDRESS": "off", "TELEGRAM_WEBHOOK_URL": ""}, None),
])
def test_health_url(env: dict[str, str], url: str | None) -> None:
    assert health_url(env) == url


def test_a_bad_port_is_unhealthy_with_a_reason() -> None:
    done = health({"TELEGRAM_WEBHOOK_URL": "https://h/x", "TELEGRAM_WEBHOOK_PORT": "x"})
    assert done.returncode == 1
    assert "TELEGRAM_WEBHOOK_PORT" in done.stdout
