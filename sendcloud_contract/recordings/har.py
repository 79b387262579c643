"""HAR 1.2 archives (browsers, proxies, Postman): ``log.entries[].request/response``.

Request bodies are ``postData.text``; response bodies ``content.text``,
base64 when ``content.encoding`` says so. HAR stores bodies decoded, so
``Content-Encoding`` is undone only for data that starts as gzip does.
A status of 0 is how HAR writes "no response".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sendcloud_contract.recordings.bodies import Inflation, decode_base64, decode_body
from sendcloud_contract.recordings.interaction import Body, Interaction, Problem, Side
from sendcloud_contract.recordings.shape import Exchange, Shape, child, exchange
from sendcloud_contract.report import Severity

__all__ = ["read_har"]


def read_har(value: Mapping[str, Any]) -> tuple[list[Interaction], list[Problem]]:
    shape = Shape()
    log = shape.mapping(value, "log", "")
    entries = log.get("entries") if log is not None else None
    if log is not None and not isinstance(entries, list):
        shape.fail("'log.entries' should be a list of entries", "/log/entries")
    if not isinstance(entries, list):
        return [], shape.problems
    inflation = Inflation()
    interactions = [
        _entry(entry, index, child("/log/entries", index), inflation)
        for index, entry in enumerate(entries)
    ]
    return interactions, shape.problems


def _entry(entry: Any, index: int, at: str, inflation: Inflation) -> Interaction:
    parts = exchange(entry, index, at, "url")
    shape, request, response = parts.shape, parts.request, parts.response
    post = request.get("postData")
    request_body = None
    if isinstance(post, Mapping) and isinstance(post.get("text"), str):
        at_text = child(parts.request_at, "postData", "text")
        request_body = _decoded(post["text"], at_text, "request", parts, inflation)
    status, response_body = None, None
    if response:
        status = _status(response.get("status"), child(parts.response_at, "status"), shape)
        content = response.get("content")
        text_at = child(parts.response_at, "content", "text")
        if isinstance(content, Mapping) and isinstance(content.get("text"), str):
            raw: str | bytes | None = content["text"]
            if content.get("encoding") is not None:
                raw = decode_base64(
                    content["text"], content.get("encoding"), text_at, "response", shape.problems
                )
            response_body = (
                Body(text_at, readable=False)
                if raw is None
                else _decoded(raw, text_at, "response", parts, inflation)
            )
    return parts.interaction(request_body, status, response_body)


def _status(value: Any, at: str, shape: Shape) -> int | None:
    if value == 0:
        shape.problems.append(
            Problem(
                "recording.no-response",
                "no response was recorded (status 0): the request failed or was aborted",
                "Nothing to check on the response side.",
                at,
                "response",
                Severity.WARNING,
            )
        )
        return None
    return shape.status(value, at)


def _decoded(
    raw: str | bytes, at: str, side: Side, parts: Exchange, inflation: Inflation
) -> Body | None:
    return decode_body(
        raw,
        at,
        side,
        parts.encodings(side),
        decoding="sniffed",
        problems=parts.shape.problems,
        inflation=inflation,
    )
