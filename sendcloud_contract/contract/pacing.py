"""Staying under Sendcloud's documented rate limits, on the client side.

Sendcloud allows 1,000 reads a minute and 100 writes a minute, at most 15 a
second, per account. The pacer waits before a request would exceed them. Its
clock and its sleep are injectable, so a test can pace against the fake's
``ManualClock`` without sleeping. A 429 answer's ``Retry-After`` is honoured up
to a cap: a target may not make the suite wait for years.
"""

from __future__ import annotations

import email.utils
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

# The fake enforces the same documented figures; one definition serves both sides.
from sendcloud_contract.fake import RateLimit

__all__ = ["DEFAULT_MAX_RETRY_AFTER", "Pacer", "RateLimit", "retry_after"]

# Sendcloud's windows are a minute long: no wait it asks for should be longer.
DEFAULT_MAX_RETRY_AFTER = 60.0
# The wait when a 429 says nothing usable about how long to wait.
_UNSAID = 1.0

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


def retry_after(
    value: str | None, cap: float, now: datetime | None = None
) -> tuple[float, str | None]:
    """The seconds a 429's ``Retry-After`` asks to wait, at most ``cap``, and a note when it
    asked for more than ``cap`` or could not be read (then the wait is a second).

    The header holds seconds or an HTTP date; ``inf``, ``nan``, negative numbers
    and dates of any year are all read without an error.
    """
    if value is None:
        return _UNSAID, None
    text = value.strip()
    shown = repr(text[:40] + ("..." if len(text) > 40 else ""))
    try:
        seconds = float(text)
    except ValueError:
        until = _http_date(text)
        if until is None:
            return _UNSAID, f"the target's Retry-After {shown} is no number of seconds nor a date"
        seconds = max(0.0, (until - (now or datetime.now(timezone.utc))).total_seconds())
    if math.isnan(seconds) or seconds < 0:
        return _UNSAID, f"the target's Retry-After {shown} is no number of seconds to wait"
    if seconds > cap:
        return cap, (
            f"the target asked to wait {shown} (Retry-After) before a retry; "
            f"the wait was capped at {cap:g} s (--max-retry-after)"
        )
    return seconds, None


def _http_date(text: str) -> datetime | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)
