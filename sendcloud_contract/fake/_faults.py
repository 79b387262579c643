"""What makes the fake misbehave on purpose: injected faults, rate limits, and their clock.

The clock is injectable so that tests of rate limits and timestamps never sleep.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sendcloud_contract.fake._errors import refuse

__all__ = [
    "Clock",
    "Fault",
    "ManualClock",
    "RateLimit",
    "system_clock",
    "take_fault",
    "throttle",
]

Clock = Callable[[], datetime]


class ManualClock:
    """A clock that only moves when told to, so tests of rate limits never sleep."""

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2024, 1, 1, tzinfo=timezone.utc)
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> datetime:
        """Move forward by ``seconds`` and return the new time."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        with self._lock:
            self._now += timedelta(seconds=seconds)
            return self._now


def system_clock() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RateLimit:
    """Sendcloud's documented limits, per account."""

    reads_per_minute: int = 1000
    writes_per_minute: int = 100
    writes_per_second: int = 15


@dataclass
class Fault:
    method: str
    route: str
    status: int
    timeout: bool
    remaining: int | None
    stall: float

    def matches(self, method: str, route: str) -> bool:
        return self.route == route and self.method in ("*", method)


def take_fault(faults: list[Fault], method: str, route: str) -> Fault | None:
    """The first fault for this request, used up once its count reaches zero."""
    for fault in faults:
        if fault.matches(method, route):
            if fault.remaining is not None:
                fault.remaining -= 1
                if fault.remaining == 0:
                    faults.remove(fault)
            return fault
    return None


def throttle(
    hits: dict[tuple[str, str], deque[float]],
    limits: RateLimit,
    public_key: str,
    method: str,
    now: float,
) -> None:
    """Sliding windows over the clock: GET per minute; writes per minute and per second."""
    if method == "GET":
        bucket, windows = "read", [(60.0, limits.reads_per_minute)]
    else:
        bucket = "write"
        windows = [(60.0, limits.writes_per_minute), (1.0, limits.writes_per_second)]
    recorded = hits.setdefault((public_key, bucket), deque())
    while recorded and recorded[0] <= now - 60.0:
        recorded.popleft()
    for span, limit in windows:
        recent = [t for t in recorded if t > now - span]
        if len(recent) >= limit:
            wait = max(1, math.ceil(recent[-limit] + span - now))
            raise refuse(
                429,
                "throttled",
                f"Request was throttled. Expected available in {wait} seconds.",
                title="Too many requests",
                headers=(("retry-after", str(wait)),),
            )
    recorded.append(now)
