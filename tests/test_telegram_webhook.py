"""Webhook mode against raw HTTP: the secret is checked from the headers, bodies are capped,
anything that is not a JSON update is a 400, a health check needs no secret, and an update is
acknowledged only once it has been answered."""

from __future__ import annotations

import http.client
import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from fake_bot_api import TOKEN, FakeBotApiServer
from telegram_fixtures import USER, message, running_bot, text_update

from bot.telegram.app import Settings
from bot.telegram.logs import setup_logging
from bot.telegram.token import secrets_of
from bot.telegram.webhook import MAX_BODY_BYTES

SECRET = "s3cret-Token_1"
PATH = "/citebot/hook"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def webhook() -> Iterator[tuple[FakeBotApiServer, int]]:
    port = free_port()
    with FakeBotApiServer() as server:
        settings = Settings(
            token=TOKEN, api_base=server.base_url, listen="127.0.0.1", port=port,
            webhook_url=f"https://bot.example.org{PATH}", webhook_secret=SECRET,
        )
        with running_bot(server, settings=settings):
            server.api.wait_for("setWebhook")
            yield server, port


def request(
    port: int, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def post(port: int, body: bytes, secret: str | None = SECRET) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    return request(port, "POST", PATH, body, headers)[0]


def update_body(update_id: int, data: dict[str, Any]) -> bytes:
    return json.dumps({"update_id": update_id, **data}).encode()


BAD_BODIES: list[tuple[str, bytes]] = [
    ("not JSON", b"{not json"),
    ("not UTF-8", b'{"update_id": 5, "message": "\xff\xfe"}'),
    ("truncated", update_body(5, text_update("bridge"))[:-7]),
    ("a JSON list", b"[1, 2, 3]"),
    ("a JSON string", b'"update"'),
    ("no update_id", json.dumps(text_update("bridge")).encode()),
    ("update_id as text", b'{"update_id": "5"}'),
    ("empty", b""),
]


def test_bad_bodies_are_400_and_the_bot_goes_on(webhook: tuple[FakeBotApiServer, int]) -> None:
    server, port = webhook
    for name, body in BAD_BODIES:
        assert post(port, body) == 400, name
    assert post(port, update_body(900, text_update("bridge cost"))) == 200
    assert len(server.api.calls_to("sendMessage")) == 1


@pytest.mark.parametrize("secret", [None, "", "wrong-secret", SECRET + "x"])
def test_requests_without_the_secret_are_refused(
    webhook: tuple[FakeBotApiServer, int], secret: str | None
) -> None:
    server, port = webhook
    assert post(port, update_body(901, text_update("bridge cost")), secret) == 403
    assert server.api.calls_to("sendMessage") == []


def _headers_only(port: int, head: str) -> bytes:
    """Send the headers of a request but none of the body they announce; the response."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head.encode())
        response = b""
        while chunk := sock.recv(4096):
            response += chunk
    return response


@pytest.mark.parametrize(
    ("secret", "status"), [(None, 403), ("wrong", 403), (SECRET, 413)]
)
def test_a_huge_body_is_refused_from_its_headers_without_reading_it(
    webhook: tuple[FakeBotApiServer, int], secret: str | None, status: int
) -> None:
    _, port = webhook
    announced = 95 * 1024 * 1024
    head = (
        f"POST {PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {announced}\r\n"
        + (f"X-Telegram-Bot-Api-Secret-Token: {secret}\r\n" if secret else "")
        + "\r\n"
    )
    # Answered (and closed) at once: the body is never waited for.
    response = _headers_only(port, head)
    assert response.startswith(f"HTTP/1.1 {status} ".encode()), response[:80]


def test_a_chunked_body_over_the_limit_is_cut_off(webhook: tuple[FakeBotApiServer, int]) -> None:
    _, port = webhook
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    chunks = (b"x" * 65536 for _ in range(MAX_BODY_BYTES // 65536 + 2))
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET,
               "Transfer-Encoding": "chunked"}
    try:
        connection.request("POST", PATH, body=chunks, headers=headers, encode_chunked=True)
        status = connection.getresponse().status
    except (ConnectionError, http.client.HTTPException):
        status = 0  # the server hung up: also a refusal
    finally:
        connection.close()
    assert status in (0, 400, 413)


def test_an_update_the_library_cannot_read_is_acknowledged_and_skipped(
    webhook: tuple[FakeBotApiServer, int],
) -> None:
    server, port = webhook
    stream = io.StringIO()
    logs = setup_logging(secrets_of(TOKEN), stream=stream, level=logging.INFO)
    try:
        no_date = message("my secret words")
        del no_date["date"]
        assert post(port, update_body(902, {"message": no_date})) == 200
        assert post(port, update_body(903, text_update("bridge cost"))) == 200
    finally:
        logs.close()
    output = stream.getvalue()
    assert "update=902 skipped: the library cannot read it (KeyError)" in output
    assert "my secret words" not in output
    assert str(USER["id"]) not in output
    assert len(server.api.calls_to("sendMessage")) == 1


def test_an_update_is_acknowledged_once_answered_and_a_redelivery_is_not_answered_again(
    webhook: tuple[FakeBotApiServer, int],
) -> None:
    server, port = webhook
    body = update_body(904, text_update("When did the bridge open?"))
    assert post(port, body) == 200
    assert len(server.api.calls_to("sendMessage")) == 1  # already sent when acknowledged
    assert post(port, body) == 200
    assert len(server.api.calls_to("sendMessage")) == 1


def test_concurrent_deliveries_are_all_answered(webhook: tuple[FakeBotApiServer, int]) -> None:
    server, port = webhook
    statuses: list[int] = []

    def deliver(n: int) -> None:
        chat = 7000 + n % 5
        statuses.append(post(port, update_body(1000 + n, text_update("bridge cost", chat_id=chat))))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(15)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 15
    assert len(server.api.calls_to("sendMessage")) == 15


def test_health_check_needs_no_secret_and_says_nothing_else(
    webhook: tuple[FakeBotApiServer, int],
) -> None:
    _, port = webhook
    assert request(port, "GET", "/healthz") == (200, b"ok\n")
    assert request(port, "POST", "/healthz")[0] == 405
    assert request(port, "GET", PATH)[0] == 405
    assert request(port, "GET", "/")[0] == 404


def test_health_check_beside_long_polling() -> None:
    port = free_port()
    with FakeBotApiServer() as server:
        settings = Settings(token=TOKEN, api_base=server.base_url, poll_timeout=1.0,
                            health_port=port)
        with running_bot(server, settings=settings):
            assert request(port, "GET", "/healthz") == (200, b"ok\n")
            assert request(port, "POST", PATH, b"{}")[0] == 404  # no webhook here


def test_an_update_the_stop_could_not_answer_gets_503_so_telegram_delivers_it_again() -> None:
    port = free_port()
    with FakeBotApiServer() as server:
        server.api.outage(30, 502, methods=("sendMessage",))
        settings = Settings(
            token=TOKEN, api_base=server.base_url, listen="127.0.0.1", port=port,
            webhook_url=f"https://bot.example.org{PATH}", webhook_secret=SECRET,
            drain_seconds=0.3,
        )
        statuses: list[int] = []
        with running_bot(server, settings=settings):
            body = update_body(905, text_update("bridge cost"))
            delivery = threading.Thread(target=lambda: statuses.append(post(port, body)))
            delivery.start()
            server.api.wait_for("sendMessage")  # being tried; Telegram is down
        delivery.join(timeout=5)
    assert statuses == [503]
