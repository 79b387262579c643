"""The fake's error answers, shown in the report of a test that fails.

A test that sends a request the contract allows but the fake refuses (an
unknown order id, an item the order does not have, a batch while the order is
"still processing", a fault the test injected) fails with ``assert 400 == 201``
or an ``HTTPStatusError``, while only the fake knows why. A listener on every
fake of the test keeps its 4xx and 5xx answers; when the test fails (other
than on the requests' own contract report, which says it all), the plugin adds
them to its report: method, path, status and each JSON:API error's code,
detail and source.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from pytest_sendcloud.keys import ERROR_ANSWERS

if TYPE_CHECKING:
    from sendcloud_contract.fake import Exchange

__all__ = ["SECTION", "ErrorAnswers", "add_section", "error_answers_of"]

SECTION = "sendcloud fake errors"
# A loop or a Hypothesis test can collect many; the newest explain the failure.
MAX_SHOWN = 10


def error_answers_of(item: pytest.Item) -> ErrorAnswers:
    """The error answers of every fake one test uses."""
    found: ErrorAnswers | None = item.stash.get(ERROR_ANSWERS, None)
    if found is None:
        found = item.stash[ERROR_ANSWERS] = ErrorAnswers()
    return found


def add_section(item: pytest.Item, report: pytest.TestReport) -> None:
    """Add the fake's error answers to a failed test's report, when it gave any."""
    text = error_answers_of(item).render()
    if text is not None:
        report.sections.append((f"Captured {SECTION} call", text))


@dataclass
class ErrorAnswers:
    """The listener: keeps the newest of the fake's 4xx and 5xx answers, described."""

    shown: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_SHOWN))
    count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __call__(self, exchange: Exchange) -> None:
        if exchange.reply.status < 400:
            return
        text = describe(exchange)
        with self._lock:
            self.count += 1
            self.shown.append(text)

    def render(self) -> str | None:
        """The section's text, or None when the fake answered no error."""
        with self._lock:
            count, shown = self.count, list(self.shown)
        if not count:
            return None
        plural = "s" if count != 1 else ""
        head = f"sendcloud: the fake answered {count} request{plural} with an error"
        if count > len(shown):
            head += f" (the last {len(shown)} shown)"
        return "\n".join([head, *shown])


def describe(exchange: Exchange) -> str:
    """``PATCH /api/v3/orders/1 -> 404`` and a line per JSON:API error of the answer."""
    query = "&".join(f"{name}={value}" for name, value in exchange.query)
    target = f"{exchange.path}?{query}" if query else exchange.path
    lines = [f"  {exchange.method} {target} -> {exchange.reply.status}"]
    body = exchange.reply.body
    errors = body.get("errors") if isinstance(body, dict) else None
    for error in errors if isinstance(errors, list) else []:
        if isinstance(error, dict):
            lines.append(f"      {_error_line(error)}")
    return "\n".join(lines)


def _error_line(error: dict[str, Any]) -> str:
    text = f"{error.get('code', 'error')}: {error.get('detail', '')}"
    source = error.get("source")
    if isinstance(source, dict):
        for name in ("pointer", "parameter", "header"):
            if source.get(name):
                text += f" ({name} {source[name]})"
    return text
