"""/healthz and /metrics: over HTTP from a running bot, /metrics parsed back with Prometheus'
own text parser."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import write_kb
from fake_bot_api import TOKEN, FakeBotApiServer
from ops_fixtures import from_admin, make_ops, running
from prometheus_client.parser import text_string_to_metric_families
from telegram_fixtures import text_update

from bot.ops.health import ApiWatch, Health, OpsServer
from bot.ops.metrics import Metrics
from bot.reload import LiveEngine
from bot.telegram.app import Settings
from bot.telegram.ops import OpsSettings, TelegramOps


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers["Content-Type"], error.read().decode()


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """(sample name, sorted labels) -> value, for every sample of the exposition."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_healthz_and_metrics_of_a_running_bot(tmp_path: Path) -> None:
    kb_path = write_kb(tmp_path / "kb")
    ops = make_ops(tmp_path, kb_path, ops_address=("127.0.0.1", 0))
    with FakeBotApiServer() as server, running(server, ops):
        assert ops.server is not None
        host, port = ops.server.address
        base = f"http://{host}:{port}"
        server.api.fail_next("sendMessage", 500)
        for question in ("How much is a ferry ticket?", "How much is a ferry ticket?",
                         "who won the football match"):
            server.api.queue_update(text_update(question))
        server.api.queue_update(from_admin("/reload"))
        # Four replies, one of them sent twice: the first attempt fails with 500 and is retried.
        server.api.wait_for("sendMessage", 5)
        status, content_type, body = get(f"{base}/healthz")
        health = json.loads(body)
        # A handler's timer stops just after its reply is sent: read once all three stopped.
        deadline = time.monotonic() + 5
        while True:
            _, metrics_type, metrics = get(f"{base}/metrics")
            timed = samples(metrics).get(("citebot_update_seconds_count", (("handler", "text"),)))
            if timed == 3 or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        missing, _, _ = get(f"{base}/nothing-here")
    assert (status, content_type) == (200, "application/json")
    assert health["status"] == "ok"
    assert health["bot_api"].startswith("reached ")
    assert health["knowledge_base"] == f"version {ops.live.current.version}, 4 facts"
    assert metrics_type.startswith("text/plain; version=")
    assert missing == 404
    got = samples(metrics)
    assert got[("citebot_questions_total", (("outcome", "answer"),))] == 2
    assert got[("citebot_questions_total", (("outcome", "decline"),))] == 1
    assert got[("citebot_questions_total", (("outcome", "did_you_mean"),))] == 0
    assert got[("citebot_update_seconds_count", (("handler", "text"),))] == 3
    assert got[("citebot_update_seconds_bucket", (("handler", "text"), ("le", "+Inf")))] == 3
    assert got[("citebot_bot_api_errors_total", (("method", "sendMessage"),))] == 1
    assert got[("citebot_bot_api_requests_total", (("method", "sendMessage"),))] == 5
    assert got[("citebot_bot_api_requests_total", (("method", "getMe"),))] >= 1
    version = ops.live.current.version
    assert got[("citebot_knowledge_base_info", (("version", version),))] == 1
    assert got[("citebot_knowledge_base_facts", ())] == 4
    assert got[("citebot_reloads_total", (("result", "unchanged"),))] == 1
    assert got[("citebot_records_total", (("result", "written"),))] <= 3
    assert TOKEN not in metrics
    assert TOKEN.split(":")[1] not in metrics
    assert "ferry ticket" not in metrics  # counts only, no questions


@pytest.fixture
def live(tmp_path: Path) -> LiveEngine:
    return LiveEngine(write_kb(tmp_path / "kb"))


@pytest.mark.parametrize(
    ("reached_ago", "ok", "bot_api"),
    [(None, False, "not reached yet"), (5.0, True, "reached 5 s ago"),
     (200.0, False, "not reached for 200 s")],
)
def test_healthz_turns_503_when_the_bot_api_is_not_reached(
    live: LiveEngine, reached_ago: float | None, ok: bool, bot_api: str
) -> None:
    now = [1000.0]
    api = ApiWatch(clock=lambda: now[0])
    if reached_ago is not None:
        api.reached()
        now[0] += reached_ago
    server = OpsServer("127.0.0.1", 0, Health(api, lambda: live.current, stale_after=180),
                       Metrics()).start()
    try:
        host, port = server.address
        status, _, body = get(f"http://{host}:{port}/healthz")
    finally:
        server.close()
    assert status == (200 if ok else 503)
    assert json.loads(body) == {"status": "ok" if ok else "unavailable", "bot_api": bot_api,
                                "knowledge_base": f"version {live.current.version}, 4 facts"}


def test_an_address_in_use_is_reported_and_the_bot_runs_on(
    tmp_path: Path, live: LiveEngine, caplog: pytest.LogCaptureFixture
) -> None:
    taken = OpsServer("127.0.0.1", 0, Health(ApiWatch(), lambda: live.current), Metrics())
    try:
        ops = make_ops(tmp_path, live.path or tmp_path, ops_address=taken.address)
        with FakeBotApiServer() as server, running(server, ops):
            server.api.queue_update(text_update("How much is a ferry ticket?"))
            server.api.wait_for("sendMessage")
    finally:
        taken.close()
    assert ops.server is None
    assert f"health and metrics endpoint not started on 127.0.0.1:{taken.address[1]}" in (
        caplog.text)


def test_an_idle_webhook_bot_checks_the_bot_api_now_and_then(tmp_path: Path) -> None:
    """No updates, no answers: getMe now and then keeps /healthz truthful."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    ops = TelegramOps(OpsSettings(record=False, ops_address=None),
                      LiveEngine(write_kb(tmp_path / "kb")), probe_seconds=0.1)
    with FakeBotApiServer() as server:
        settings = Settings(token=TOKEN, api_base=server.base_url, listen="127.0.0.1", port=port,
                            webhook_url="https://bot.example.org/hook")
        with running(server, ops, settings):
            server.api.wait_for("getMe", 3)  # one at start-up, then the probes
            assert ops.health.check().ok
        assert server.api.calls_to("getUpdates") == []
