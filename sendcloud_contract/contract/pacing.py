"""Staying under Sendcloud's documented rate limits, on the client side.

Sendcloud allows 1,000 reads a minute and 100 writes a minute, at most 15 a
second, per account. The pacer waits before a request would exceed them. Its
clock and its sleep are injectable, so a test can pace against the fake's
``ManualClock`` without sleeping.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# The fake enforces the same documented figures; one definition serves both sides.
from sendcloud_contract.fake import RateLimit

__all__ = ["Pacer", "RateLimit"]

# A little slack so that clock granularity on either side never tips a request over.
_MARGIN = 0.05


@dataclass
class Pacer:
    """Sliding windows of the requests sent; :meth:`wait` sleeps until one more fits."""

    limits: RateLimit = field(default_factory=RateLimit)
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], object] = time.sleep
    _sent: dict[str, deque[float]] = field(default_factory=dict)

    def wait(self, method: str) -> None:
        """Block until a request of ``method`` stays under the limits, then count it."""
        bucket = "read" if method.upper() == "GET" else "write"
        if bucket == "read":
            windows = [(60.0, self.limits.reads_per_minute)]
        else:
            windows = [(60.0, self.limits.writes_per_minute), (1.0, self.limits.writes_per_second)]
        sent = self._sent.setdefault(bucket, deque())
        while True:
            now = self.clock()
            while sent and sent[0] <= now - 60.0:
                sent.popleft()
            delay = 0.0
            for span, limit in windows:
                recent = [t for t in sent if t > now - span]
                if len(recent) >= limit:
                    delay = max(delay, recent[-limit] + span - now + _MARGIN)
            if delay <= 0:
                sent.append(now)
                return
            self.sleep(delay)
