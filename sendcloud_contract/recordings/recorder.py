"""The fake writes a recording: a listener that keeps each exchange and writes the own form.

So that a team can diff what its code sent to the fake between two releases,
and check it with ``sendcloud-contract validate`` like any other recording.
Credentials never reach the file: the value of an ``Authorization`` header
becomes its scheme and ``REDACTED``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from sendcloud_contract.recordings.credentials import CREDENTIAL_HEADERS
from sendcloud_contract.recordings.interaction import Body, Headers, Interaction
from sendcloud_contract.recordings.simple import as_simple

if TYPE_CHECKING:
    from sendcloud_contract.fake import Exchange

__all__ = ["REDACTED", "Recorder", "redacted"]

REDACTED = "REDACTED"


def redacted(headers: Headers) -> Headers:
    """``headers`` with every credential replaced by its scheme and ``REDACTED``."""
    return tuple(
        (name, _mask(value) if name.lower() in CREDENTIAL_HEADERS else value)
        for name, value in headers
    )


def _mask(value: str) -> str:
    scheme, space, _ = value.strip().partition(" ")
    return f"{scheme} {REDACTED}" if space else REDACTED


class Recorder:
    """A listener of the fake (``fake.add_listener(recorder)``); :meth:`write` saves what it
    heard. One recorder may listen to several fakes in turn (a test's ``fresh()`` fakes)."""

    def __init__(self) -> None:
        self._exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def __call__(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)

    def __len__(self) -> int:
        with self._lock:
            return len(self._exchanges)

    def interactions(self) -> list[Interaction]:
        with self._lock:
            exchanges = list(self._exchanges)
        return [_interaction(index, exchange) for index, exchange in enumerate(exchanges)]

    def write(self, path: str | Path) -> Path:
        """Write the recording (a JSON list in the own form) to ``path``, folders made."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        data = orjson.dumps(as_simple(self.interactions()), option=orjson.OPT_INDENT_2)
        target.write_bytes(data + b"\n")
        return target


def _interaction(index: int, exchange: Exchange) -> Interaction:
    at = f"/{index}"
    reply = exchange.reply
    return Interaction(
        index=index,
        at=at,
        method=exchange.method,
        url=exchange.url,
        url_at=f"{at}/request/url",
        request_headers=redacted(exchange.headers),
        request_body=Body(f"{at}/request/body", exchange.body) if exchange.body else None,
        status=reply.status,
        response_headers=tuple(reply.header_items()),
        response_body=Body(f"{at}/response/body", reply.content) if reply.content else None,
        response_at=f"{at}/response",
    )
