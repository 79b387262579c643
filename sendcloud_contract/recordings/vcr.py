"""VCR.py cassettes (YAML or JSON), as vcrpy and pytest-recording write them.

Two response layouts exist: ``status: {code, message}`` with
``body: {string: ...}`` (vcrpy for every library, httpx included since vcrpy
5), and ``status_code`` with ``content`` (httpx cassettes of older vcrpy).
Bodies are strings, or bytes (YAML ``!!binary``) when they are not UTF-8,
e.g. a gzip answer recorded as the server sent it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sendcloud_contract.recordings.bodies import Inflation, decode_body
from sendcloud_contract.recordings.interaction import Body, Interaction, Problem, Side
from sendcloud_contract.recordings.shape import Shape, child, exchange

__all__ = ["read_cassette"]


def read_cassette(value: Mapping[str, Any]) -> tuple[list[Interaction], list[Problem]]:
    shape = Shape()
    entries = value.get("interactions")
    if not isinstance(entries, list):
        shape.fail("'interactions' should be a list of request/response pairs", "/interactions")
        return [], shape.problems
    inflation = Inflation()
    interactions = [
        _interaction(entry, index, child("/interactions", index), inflation)
        for index, entry in enumerate(entries)
    ]
    return interactions, shape.problems


def _interaction(entry: Any, index: int, at: str, inflation: Inflation) -> Interaction:
    parts = exchange(entry, index, at, "uri")
    shape, request, response = parts.shape, parts.request, parts.response
    raw, body_at = _body_string(request.get("body"), child(parts.request_at, "body"))
    request_body = _decoded(raw, body_at, "request", parts.encodings("request"), shape, inflation)
    status, response_body = None, None
    if response:
        response_at = parts.response_at
        if "status_code" in response or "content" in response:
            status = shape.status(response.get("status_code"), child(response_at, "status_code"))
            raw, body_at = response.get("content"), child(response_at, "content")
        else:
            code = response.get("status")
            code = code.get("code") if isinstance(code, Mapping) else code
            status = shape.status(code, child(response_at, "status", "code"))
            raw, body_at = _body_string(response.get("body"), child(response_at, "body"))
        encodings = parts.encodings("response")
        response_body = _decoded(raw, body_at, "response", encodings, shape, inflation)
    return parts.interaction(request_body, status, response_body)


def _body_string(body: Any, at: str) -> tuple[Any, str]:
    """``{string: ...}`` as vcrpy writes it; a bare string as hand-edited cassettes have it."""
    if isinstance(body, Mapping):
        return body.get("string"), child(at, "string")
    return body, at


def _decoded(
    raw: Any, at: str, side: Side, encodings: list[str], shape: Shape, inflation: Inflation
) -> Body | None:
    if raw is None:
        return None
    if not isinstance(raw, (str, bytes)):
        shape.fail("the body should be a string or !!binary data", at, side)
        return Body(at, readable=False)
    return decode_body(
        raw,
        at,
        side,
        encodings,
        decoding="declared",
        problems=shape.problems,
        inflation=inflation,
    )
