"""A failing run written as the HTTP calls it made, each a curl line a person can paste.

Credentials are never printed: every line reads them from the environment
(``SENDCLOUD_PUBLIC_KEY``, ``SENDCLOUD_SECRET_KEY``), URLs start at
``$SENDCLOUD_BASE_URL``, so the same lines replay against any target, and any
user name and password written in a URL is masked.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

import orjson

from sendcloud_contract.contract.client import Exchange
from sendcloud_contract.contract.origins import redact

__all__ = ["curl_line", "render_steps"]

_AUTH = '-u "$SENDCLOUD_PUBLIC_KEY:$SENDCLOUD_SECRET_KEY"'


def curl_line(exchange: Exchange, base_url: str) -> str:
    """One exchange as a curl command, its answer's status as a trailing comment."""
    base = base_url.rstrip("/")
    url = exchange.url
    if url.startswith(base):
        quoted = '"$SENDCLOUD_BASE_URL"' + shlex.quote(url[len(base) :])
    else:
        quoted = shlex.quote(redact(url))
    parts = ["curl -sS", f"-X {exchange.method}", quoted, _AUTH]
    if exchange.body is not None:
        parts.append("-H 'Content-Type: application/json'")
        parts.append("--data-raw " + shlex.quote(orjson.dumps(exchange.body).decode()))
    return " ".join(parts) + f"  # -> {exchange.status}"


def render_steps(exchanges: Sequence[Exchange], base_url: str) -> list[str]:
    """The lines of a failing run: where to point them, then every call in order."""
    lines = [f"export SENDCLOUD_BASE_URL={shlex.quote(redact(base_url.rstrip('/')))}"]
    lines.extend(curl_line(exchange, base_url) for exchange in exchanges)
    return lines
