"""Sendcloud's JSON:API error bodies, and the refusal that carries them to the request edge.

Every check deep in the fake raises a :class:`Refusal` instead of returning an
error value, so the answer's shape is decided here once.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from sendcloud_contract.report import Violation
from sendcloud_contract.validation import validate

__all__ = [
    "ITEM_NOT_FOUND",
    "NOT_FOUND",
    "STILL_PROCESSING",
    "Refusal",
    "SeedError",
    "contract_errors",
    "error",
    "invalid",
    "order_index",
    "refuse",
    "server_error",
    "shifted",
    "violation_errors",
]

STILL_PROCESSING = "We are still processing a previous request. Please try again in a moment."
NOT_FOUND = "The order could not be found with the search criteria given"
ITEM_NOT_FOUND = "Could not find specified item."

_SERVER_ERRORS = {
    500: ("server_error", "Server error", "A server error occurred."),
    502: ("bad_gateway", "Bad gateway", "The upstream server did not answer properly."),
    503: ("service_unavailable", "Service unavailable", "The service is temporarily unavailable."),
    504: ("gateway_timeout", "Gateway timeout", "The server did not answer in time."),
}
# Sendcloud's own wording where its documentation shows it; the validator's message otherwise.
_SENDCLOUD_DETAILS = {"required": "Field required"}
_INDEX = re.compile(r"^/data/attributes/\[([0-9]+)\]")
_log = logging.getLogger("sendcloud_contract.fake")


class SeedError(ValueError):
    """Seed orders were refused; ``errors`` holds the JSON:API errors."""

    def __init__(self, errors: list[dict[str, Any]]) -> None:
        lines = [f"{e.get('source', {}).get('pointer', '/data')}: {e['detail']}" for e in errors]
        super().__init__("seed orders refused:\n  " + "\n  ".join(lines))
        self.errors = errors


class Refusal(Exception):
    """An error answer; raised deep inside and turned into a reply at the edge."""

    def __init__(
        self,
        status: int,
        errors: list[dict[str, Any]],
        headers: tuple[tuple[str, str], ...] = (),
    ) -> None:
        super().__init__(status)
        self.status = status
        self.errors = errors
        self.headers = headers


def error(
    status: int,
    code: str,
    detail: str,
    *,
    title: str | None = None,
    pointer: str | None = None,
    parameter: str | None = None,
    header: str | None = None,
) -> dict[str, Any]:
    """One JSON:API error object, shaped like Sendcloud's."""
    entry: dict[str, Any] = {"status": str(status), "code": code}
    if title:
        entry["title"] = title
    entry["detail"] = detail
    source = {
        k: v for k, v in (("pointer", pointer), ("parameter", parameter), ("header", header)) if v
    }
    if source:
        entry["source"] = source
    return entry


def server_error(status: int) -> dict[str, Any]:
    code, title, detail = _SERVER_ERRORS.get(status, _SERVER_ERRORS[500])
    return error(status, code, detail, title=title)


def invalid(detail: str, pointer: str) -> dict[str, Any]:
    return error(400, "invalid", detail, pointer=pointer)


def refuse(
    status: int,
    code: str,
    detail: str,
    *,
    headers: tuple[tuple[str, str], ...] = (),
    **extra: Any,
) -> Refusal:
    """A refusal with a single error; ``extra`` is passed to :func:`error`."""
    return Refusal(status, [error(status, code, detail, **extra)], headers)


def order_index(entry: dict[str, Any]) -> int:
    """The batch position an error points into, or -1; batch errors are sorted by it."""
    match = _INDEX.match(entry.get("source", {}).get("pointer", ""))
    return int(match.group(1)) if match else -1


def shifted(errors: list[dict[str, Any]], offset: int) -> list[dict[str, Any]]:
    """Errors of a seed chunk, renumbered to the position in the whole seed."""
    if not offset:
        return errors
    out = []
    for entry in errors:
        pointer = entry.get("source", {}).get("pointer", "")
        moved = _INDEX.sub(lambda m: f"/data/attributes/[{int(m.group(1)) + offset}]", pointer)
        out.append(
            {**entry, "source": {**entry.get("source", {}), "pointer": moved}} if pointer else entry
        )
    return out


def contract_errors(payload: Any, kind: str) -> list[dict[str, Any]]:
    """The project's validator's errors as Sendcloud 400 error objects.

    This is where a :class:`~sendcloud_contract.report.Violation` of a request body becomes
    a JSON:API error: ``detail`` is its message (Sendcloud's own wording where its
    documentation shows it) and ``source.pointer`` its Sendcloud pointer. Warnings never
    block an order, as on Sendcloud.
    """
    try:
        report = validate(payload, kind)
    except (ValueError, OverflowError, RecursionError) as problem:
        # A value the validator cannot weigh (an offset of 24 h, a 5,000-digit number) is
        # the client's mistake: a 400 naming it, never a 500.
        _log.warning("the validator failed on a %s body: %s", kind, problem)
        return [invalid(f"Invalid value: {problem}", "/data/attributes")]
    return [
        invalid(
            _SENDCLOUD_DETAILS.get(v.rule, v.message),
            v.sendcloud_pointer or "/data/attributes" + v.pointer,
        )
        for v in report.errors
    ]


def violation_errors(violations: Iterable[Violation]) -> list[dict[str, Any]]:
    """Findings told as they are: ``detail`` is the message, ``source.pointer`` the place.

    For what :func:`sendcloud_contract.patching.merge_violations` finds, whose messages are
    written for the fake's answer; warnings never block.
    """
    return [
        invalid(v.message, v.sendcloud_pointer or "/data/attributes" + v.pointer)
        for v in violations
        if v.severity == "error"
    ]
