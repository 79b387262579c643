"""The project's own recording form: a JSON list of ``{"request": ..., "response": ...}``.

Written to be read by people and diffed between releases, so a JSON body is
kept as the JSON value itself (``body``), and violations inside it point at
their own line. A body that is not JSON is ``text``, binary data ``base64``;
no body, no key (or ``"body": null``). Headers map a name to a string or a list of strings.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from sendcloud_contract.recordings.bodies import decode_base64
from sendcloud_contract.recordings.interaction import Body, Headers, Interaction, Problem, Side
from sendcloud_contract.recordings.shape import Shape, child, exchange

__all__ = ["as_simple", "read_simple"]


def read_simple(value: Sequence[Any]) -> tuple[list[Interaction], list[Problem]]:
    return [_interaction(entry, index, child("", index)) for index, entry in enumerate(value)], []


def _interaction(entry: Any, index: int, at: str) -> Interaction:
    parts = exchange(entry, index, at, "url")
    shape, response = parts.shape, parts.response
    status = None
    if response:
        status = shape.status(response.get("status"), child(parts.response_at, "status"))
    return parts.interaction(
        _body(parts.request, parts.request_at, "request", shape),
        status,
        _body(response, parts.response_at, "response", shape),
    )


def _body(message: Mapping[str, Any], at: str, side: Side, shape: Shape) -> Body | None:
    present = [name for name in ("body", "text", "base64") if name in message]
    if len(present) > 1:
        shape.fail(f"give one of body, text and base64, not {' and '.join(present)}", at, side)
        return Body(at, readable=False)
    if not present:
        return None
    name = present[0]
    value, body_at = message[name], child(at, name)
    if name == "body":
        return None if value is None else Body(body_at, value=value, embedded=True)
    if not isinstance(value, str):
        shape.fail(f"'{name}' should be a string", body_at, side)
        return Body(body_at, readable=False)
    data = (
        value.encode()
        if name == "text"
        else decode_base64(value, "base64", body_at, side, shape.problems)
    )
    if data is None:
        return Body(body_at, readable=False)
    return Body(body_at, data) if data else None


def as_simple(interactions: Iterable[Interaction]) -> list[dict[str, Any]]:
    """Interactions of any format in the own form, ready for ``json.dumps``.

    So that two recordings (a cassette of one release, a HAR of the next) can
    be diffed as the same readable JSON, and so that tools which observe
    traffic (the fake, a proxy) can write a recording this module reads back.
    """
    return [
        {
            "request": {
                "method": interaction.method,
                "url": interaction.url,
                **_headers(interaction.request_headers),
                **_body_member(interaction.request_body),
            },
            "response": {
                **({} if interaction.status is None else {"status": interaction.status}),
                **_headers(interaction.response_headers),
                **_body_member(interaction.response_body),
            },
        }
        for interaction in interactions
    ]


def _headers(headers: Headers) -> dict[str, Any]:
    """Headers as the own form writes them; Content-Encoding goes, as bodies are decoded."""
    merged: dict[str, list[str]] = {}
    for name, value in headers:
        if name.lower() != "content-encoding":
            merged.setdefault(name, []).append(value)
    if not merged:
        return {}
    return {"headers": {k: v[0] if len(v) == 1 else v for k, v in merged.items()}}


def _body_member(body: Body | None) -> dict[str, Any]:
    if body is None or not body.readable or body.empty:
        return {}
    if body.embedded:
        return {"body": body.value}
    try:
        return {"body": orjson.loads(body.data)}
    except orjson.JSONDecodeError:
        pass
    try:
        return {"text": body.data.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body.data).decode("ascii")}
