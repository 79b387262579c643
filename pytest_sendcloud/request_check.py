"""Request validation: a listener on the fake checks every request the code under test sends.

The fake answers a bad request with a 400, which the code under test may
swallow; the listener keeps the report, and the plugin fails the test with it
after the test body returns. It also feeds the contract coverage.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pytest

from pytest_sendcloud.keys import REQUEST_CHECKS

if TYPE_CHECKING:
    from collections.abc import Callable

    from pytest_sendcloud.hookspec import ExtraRule
    from pytest_sendcloud.options import Settings
    from pytest_sendcloud.record import Record
    from sendcloud_contract.fake import Exchange, FakeSendcloud
    from sendcloud_contract.report import Report

__all__ = [
    "Check",
    "RequestCheck",
    "RequestViolation",
    "checks_of",
    "render_failures",
    "take_failures",
]

OPT_OUT = "  sent on purpose? opt out with @pytest.mark.sendcloud(validate_requests=False)"


class RequestViolation(AssertionError):
    """Requests the code under test sent broke the contract; ``str()`` is the report."""


class Check(Protocol):
    """What watches a test's traffic: its failures so far, and how they read."""

    def take(self) -> list[str]: ...

    def render(self, failures: list[str]) -> str: ...


def checks_of(item: pytest.Item) -> list[Check]:
    """The checks of the traffic one test makes (the fakes', the live server's), failed on
    after its body returns."""
    found: list[Check] | None = item.stash.get(REQUEST_CHECKS, None)
    if found is None:
        found = item.stash[REQUEST_CHECKS] = []
    return found


@dataclass
class RequestCheck:
    """The listener: validates each exchange's request and keeps the failing reports."""

    settings: Settings
    rules: list[ExtraRule]
    record: Record
    failures: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def watching(self, fake: FakeSendcloud) -> Callable[[Exchange], None]:
        """The listener for one fake: a PATCH it refused is also checked against the order
        it holds, so the report names what the merge would break."""

        def listen(exchange: Exchange) -> None:
            self.check(exchange, current=_refused_patch_target(fake, exchange))

        return listen

    def __call__(self, exchange: Exchange) -> None:
        self.check(exchange)

    def check(self, exchange: Exchange, *, current: dict[str, Any] | None = None) -> None:
        """Validate ``exchange``'s request (a PATCH body against ``current``, the stored
        order, when given); keep the report when it breaks the contract."""
        operation = exchange.operation
        if operation is None:
            return
        checked = self._checked(exchange, current) if self.settings.validate_requests else None
        report = None if checked is None else checked[0]
        self.record.request_checked(
            operation.key,
            exchange.reply.status,
            exchange.json,
            operation.request_kind,
            None if report is None else len(report.errors),
        )
        if checked is not None and not checked[0].ok:
            from sendcloud_contract.reporting.text import render_report

            report, document = checked
            shown = (
                render_report(report)
                if document is None
                else render_report(report, document=document)
            )
            with self._lock:
                self.failures.append(f"{shown}\n  the fake answered {exchange.reply.status}")

    def _checked(
        self, exchange: Exchange, current: dict[str, Any] | None
    ) -> tuple[Report, Any] | None:
        """The report on the request, and the value its pointers point into (None: no value)."""
        from pytest_sendcloud.checking import finish
        from sendcloud_contract.exchanges import Content, check_request
        from sendcloud_contract.pointers import MISSING

        operation = exchange.operation
        assert operation is not None
        parts = check_request(
            operation, query=dict(exchange.query), body=Content(exchange.body), current=current
        )
        if not parts:
            return None
        part = parts[0]
        where = f"{exchange.method} {exchange.path}"
        if part.part == "query":
            where += "?" + "&".join(f"{k}={v}" for k, v in exchange.query)
        values = [] if part.value is MISSING else [(part.value, None)]
        document = values[0][0] if values else None
        report = finish(part.report(where), values, self.rules, strict=self.settings.strict)
        return report, document

    def take(self) -> list[str]:
        """The failures so far, forgotten once taken."""
        with self._lock:
            taken, self.failures = self.failures, []
        return taken

    def render(self, failures: list[str]) -> str:
        return render_failures(failures)


def _refused_patch_target(fake: FakeSendcloud, exchange: Exchange) -> dict[str, Any] | None:
    """The stored order a PATCH the fake refused was meant for, as GET returns it (a refused
    PATCH changed nothing, so it is the order the body was merged into)."""
    operation = exchange.operation
    if operation is None or operation.key != "PATCH /orders/{id}":
        return None
    if not 400 <= exchange.reply.status < 500 or exchange.public_key is None:
        return None
    account = next((a for a in fake.accounts if a.public_key == exchange.public_key), None)
    if account is None:
        return None
    pk = exchange.path.rstrip("/").rpartition("/")[2]
    return next((o for o in fake.orders(account) if str(o.get("id")) == pk), None)


def render_failures(failures: list[str]) -> str:
    """The failure text: a line that says what happened, each request's report, the opt-out."""
    count = len(failures)
    head = f"sendcloud: {count} request{'s' if count != 1 else ''} to the fake broke the contract"
    return "\n".join([head, *failures, OPT_OUT])


def take_failures(item: pytest.Item) -> str | None:
    """The failure text of the test's checks (each kind of check renders its own, the
    failures of one kind under one head line), taken; None when nothing failed."""
    by_kind: dict[type, tuple[Check, list[str]]] = {}
    for check in checks_of(item):
        failures = check.take()
        if failures:
            by_kind.setdefault(type(check), (check, []))[1].extend(failures)
    texts = [check.render(failures) for check, failures in by_kind.values()]
    return "\n".join(texts) if texts else None
