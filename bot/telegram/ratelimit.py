"""Per-chat token bucket: a burst of `capacity` messages, refilled at capacity/period per second.

The first message over the limit gets one polite note; later ones get silence until a token is
back, so a flooding chat cannot make the bot flood it back.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum


class Admission(Enum):
    """What to do with one more message from a chat."""

    ALLOW = "allow"
    NOTE = "note"  # over the limit for the first time: say so once
    DROP = "drop"  # still over the limit: stay silent


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    noted: bool = False


class RateLimiter:
    def __init__(
        self,
        capacity: int = 5,
        period: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        if capacity < 1 or period <= 0:
            raise ValueError("capacity must be >= 1 and period > 0")
        self.capacity = capacity
        self.rate = capacity / period
        self._clock = clock
        self._max_keys = max_keys
        # Least recently seen first: forgetting an idle chat only hands it a full bucket.
        self._buckets: OrderedDict[Hashable, _Bucket] = OrderedDict()

    def check(self, key: Hashable) -> Admission:
        now = self._clock()
        bucket = self._buckets.pop(key, None)
        if bucket is None:
            bucket = _Bucket(tokens=float(self.capacity), stamp=now)
        else:
            elapsed = max(0.0, now - bucket.stamp)
            bucket.tokens = min(float(self.capacity), bucket.tokens + elapsed * self.rate)
            bucket.stamp = now
        self._buckets[key] = bucket
        while len(self._buckets) > self._max_keys:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.noted = False
            return Admission.ALLOW
        if bucket.noted:
            return Admission.DROP
        bucket.noted = True
        return Admission.NOTE
