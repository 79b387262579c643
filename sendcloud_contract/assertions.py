"""Failing a test on a contract violation: the assertion helpers and their message.

The helpers' message is the report with the offending value at each pointer, so pytest
shows what is wrong before any traceback; ``__tracebackhide__`` keeps their frames out of it.
"""

from __future__ import annotations

from typing import Any

from sendcloud_contract.report import ContractViolation, Report
from sendcloud_contract.reporting.text import render_report
from sendcloud_contract.schemas import RESPONSE_KINDS
from sendcloud_contract.validation import validate

__all__ = [
    "ContractViolation",
    "assert_valid",
    "assert_valid_batch",
    "assert_valid_order",
    "assert_valid_response",
    "fail_unless_ok",
]


def fail_unless_ok(report: Report, payload: Any) -> Report:
    """Raise :class:`ContractViolation` with the text report (values shown) unless ``report.ok``."""
    __tracebackhide__ = True
    if not report.ok:
        raise ContractViolation(render_report(report, document=payload), report)
    return report


def assert_valid(
    payload: Any,
    kind: str = "auto",
    *,
    allow_unknown_fields: bool = False,
    strict: bool = False,
) -> Report:
    """Validate ``payload``; raise :class:`ContractViolation` when it has errors."""
    __tracebackhide__ = True
    report = validate(
        payload,
        kind,
        allow_unknown_fields=allow_unknown_fields,
        strict=strict,
    )
    return fail_unless_ok(report, payload)


def assert_valid_order(order: Any, **options: bool) -> Report:
    """One order as ``POST /orders`` takes it (inside its batch)."""
    __tracebackhide__ = True
    return assert_valid(order, "order", **options)


def assert_valid_batch(batch: Any, **options: bool) -> Report:
    """A ``POST /orders`` body: 1 to 100 orders, each (order_id, integration) once."""
    __tracebackhide__ = True
    return assert_valid(batch, "order-batch", **options)


def assert_valid_response(kind: str, body: Any, **options: bool) -> Report:
    """An answer of the API, as its ``kind`` says (``"order-list-response"``, ``"errors"``, ...).

    ``body`` is the decoded JSON, or a response object with a ``json()``
    method (httpx, requests), which is decoded first.
    """
    __tracebackhide__ = True
    if kind not in RESPONSE_KINDS:
        expected = ", ".join(RESPONSE_KINDS)
        raise ValueError(f"{kind!r} is no response kind; expected one of {expected}")
    decode = getattr(body, "json", None)
    if callable(decode):
        body = decode()
    return assert_valid(body, kind, **options)
