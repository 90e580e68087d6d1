"""Prometheus metrics, in a registry of their own (several bots in one test process do not mix).

Nothing secret and nothing personal: counts by outcome, method and result, the knowledge
base's version hash, timings.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import Collector

from bot.reload import Loaded, ReloadResult
from bot.storage.recorder import RecorderStats

# Seconds to handle one update: answering is milliseconds, sending adds the network's share.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _RecorderCollector(Collector):
    def __init__(self, stats: Callable[[], RecorderStats]) -> None:
        self._stats = stats

    def collect(self) -> Iterator[Metric]:
        stats = self._stats()
        family = CounterMetricFamily(
            "citebot_records", "Questions and votes handed to the store, by result",
            labels=["result"],
        )
        family.add_metric(["written"], stats.recorded)
        family.add_metric(["failed"], stats.failed)
        family.add_metric(["dropped"], stats.dropped)
        yield family


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        ProcessCollector(registry=r)
        PlatformCollector(registry=r)
        self.questions = Counter("citebot_questions", "Questions answered, by outcome",
                                 ["outcome"], registry=r)
        self.latency = Histogram("citebot_update_seconds", "Time to handle one update",
                                 ["handler"], buckets=LATENCY_BUCKETS, registry=r)
        self.api_requests = Counter("citebot_bot_api_requests", "Bot API calls, by method",
                                    ["method"], registry=r)
        self.api_errors = Counter(
            "citebot_bot_api_errors",
            "Bot API calls that failed (error status or no answer), by method",
            ["method"], registry=r,
        )
        self.votes = Counter("citebot_votes", "Readers' votes on answers", ["vote"], registry=r)
        self.kb = Info("citebot_knowledge_base", "The knowledge base serving now", registry=r)
        self.kb_facts = Gauge("citebot_knowledge_base_facts", "Facts in the knowledge base",
                              registry=r)
        self.kb_loaded = Gauge("citebot_knowledge_base_loaded_timestamp_seconds",
                               "When the serving knowledge base was loaded", registry=r)
        self.reloads = Counter("citebot_reloads", "Knowledge-base reloads, by result",
                               ["result"], registry=r)
        for outcome in ("answer", "did_you_mean", "decline", "small_talk"):
            self.questions.labels(outcome)
        for result in ("reloaded", "unchanged", "refused"):
            self.reloads.labels(result)
        for vote in ("up", "down"):
            self.votes.labels(vote)

    def serving(self, loaded: Loaded) -> None:
        self.kb.info({"version": loaded.version})
        self.kb_facts.set(len(loaded.engine.kb.facts))
        self.kb_loaded.set(loaded.loaded_at.timestamp())

    def reloaded(self, result: ReloadResult, loaded: Loaded) -> None:
        outcome = "refused" if not result.ok else "reloaded" if result.changed else "unchanged"
        self.reloads.labels(outcome).inc()
        self.serving(loaded)

    def watch_recorder(self, stats: Callable[[], RecorderStats]) -> None:
        self.registry.register(_RecorderCollector(stats))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)

    def timer(self, handler: str) -> _Timer:
        return _Timer(self.latency.labels(handler))


class _Timer:
    def __init__(self, histogram: Histogram) -> None:
        self._histogram = histogram
        self._started = 0.0

    def __enter__(self) -> None:
        self._started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self._histogram.observe(time.perf_counter() - self._started)
