"""The answers the proxy gives itself, in the JSON:API error form Sendcloud (and the fake) use.

An answer the proxy makes says so in its ``detail`` (``sendcloud-contract
proxy: ...``), so nobody mistakes a 502 for Sendcloud's. A request blocked by
``--block-invalid`` gets the 400 the fake would give it: the same error
objects, built by the fake's own builders.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any

import orjson

from sendcloud_contract.exchanges import Checked
from sendcloud_contract.fake import contract_errors, error
from sendcloud_contract.pointers import MISSING
from sendcloud_contract.proxy.messages import Answer
from sendcloud_contract.report import Severity

__all__ = ["PROXY", "blocked", "failure"]

PROXY = "sendcloud-contract proxy"
_CODES = {
    400: "invalid",
    408: "request_timeout",
    413: "payload_too_large",
    431: "request_header_fields_too_large",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def _json(status: int, errors: list[dict[str, Any]], reason: str) -> Answer:
    body = orjson.dumps({"errors": errors})
    headers = (("content-type", "application/json"),)
    return Answer(status, headers, body, failure=reason)


def failure(status: int, reason: str) -> Answer:
    """The proxy's own answer: ``reason`` says what went wrong, without a secret in it."""
    phrase = HTTPStatus(status).phrase
    detail = f"{PROXY}: {reason}"
    entry = error(status, _CODES.get(status, "error"), detail, title=phrase)
    return _json(status, [entry], reason)


def blocked(parts: Sequence[Checked]) -> Answer:
    """The 400 the fake gives a request with these checked parts, not forwarded."""
    errors: list[dict[str, Any]] = []
    for part in parts:
        errors.extend(_errors(part))
    if not errors:  # a problem the fake's builders do not word (a duplicate key, say)
        found = [v for p in parts for v in (*p.problems, *p.violations)]
        first = next((v for v in found if v.severity is Severity.ERROR), None)
        detail = first.message if first is not None else "the request breaks the contract"
        errors.append(error(400, "invalid", detail))
    return _json(400, errors, "blocked: the request breaks the contract; not forwarded")


def _errors(part: Checked) -> list[dict[str, Any]]:
    if part.part == "query":
        return [
            error(400, "invalid", v.message, title="Invalid", parameter=_parameter(v.pointer))
            for v in part.violations
            if v.severity is Severity.ERROR
        ]
    if part.finding == "missing-body":
        return [_malformed("the input is empty")]
    if part.problems and part.value is MISSING:
        first = part.problems[0]
        where = f" (line {first.line}, column {first.column})" if first.line else ""
        return [_malformed(first.message + where)]
    if part.kind is None:
        return []
    return contract_errors(part.value, part.kind)


def _parameter(pointer: str) -> str | None:
    """The query parameter a pointer into the query names (``/page_size`` -> page_size)."""
    return pointer.split("/")[1] if pointer else None


def _malformed(reason: str) -> dict[str, Any]:
    return error(400, "invalid", f"JSON parse error - {reason}", title="Malformed request")
