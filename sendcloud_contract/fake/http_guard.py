"""Bounds on what one client can hold of ``serve``: deadlines and a connection limit.

uvicorn closes a connection that stays idle after an answer (its keep-alive
timeout), but not one that never completes a request head: a client that opens a
connection and sends nothing, or half a request line, would hold it for ever. And
it accepts connections until the process runs out of files, after which even
valid clients wait. This HTTP/1.1 protocol, uvicorn's h11 one with two additions,
closes a connection whose request head is not complete in time, and answers a
connection beyond the limit with a 503 instead of serving it.

The body of a request is the app's to time (:class:`~sendcloud_contract.fake.asgi.
SendcloudASGI` answers 408), so it can say so in a JSON:API error.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol

from sendcloud_contract.fake._errors import error

__all__ = ["ConnectionLimits", "GuardedH11Protocol", "guarded_protocol"]

# Refused connections are answered and then drained for a moment, so the client
# reads the 503 instead of a reset; past this many at once they are cut at once.
_POLITE_REFUSALS = 64
_LINGER_SECONDS = 1.0
_log = logging.getLogger("uvicorn.error")


@dataclass(frozen=True)
class ConnectionLimits:
    """How long a client may take and how many connections may be open at once."""

    keep_alive_timeout: float = 5.0
    header_timeout: float = 10.0
    max_connections: int = 256


class _Refusals:
    """The connections refused at the moment, and whether the limit was reported."""

    def __init__(self) -> None:
        self.lingering = 0
        self.reported = False


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol, with a request-head deadline and a connection limit."""

    limits: ClassVar[ConnectionLimits] = ConnectionLimits()
    refusals: ClassVar[_Refusals] = _Refusals()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_keep_alive = self.limits.keep_alive_timeout  # type: ignore[assignment]
        self._head_deadline: asyncio.TimerHandle | None = None
        self._awaiting_head = True
        self._head_started = False
        self._refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self._refuse()
            return
        if self.refusals.reported and len(self.connections) < self.limits.max_connections:
            self.refusals.reported = False
            _log.warning("Accepting new connections again.")
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if self._awaiting_head:
            self._head_started = True
            if self._head_deadline is None:
                self._arm_head_deadline()
        super().data_received(data)

    def handle_events(self) -> None:
        cycle = self.cycle
        super().handle_events()
        if self.cycle is not cycle:  # a request head arrived; the app times its body
            self._awaiting_head = self._head_started = False
            self._disarm_head_deadline()

    def on_response_complete(self) -> None:
        # Until the next request's first byte, uvicorn's keep-alive timeout applies.
        self._awaiting_head = True
        super().on_response_complete()

    def eof_received(self) -> bool | None:  # type: ignore[override]
        if self._refused:
            return False  # the client has read the 503 and closed: close too
        super().eof_received()
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_deadline()
        if self._refused:
            self._refused = False
            self.refusals.lingering -= 1
            return
        super().connection_lost(exc)

    def shutdown(self) -> None:
        """Stop at once a connection whose client stopped reading its answer."""
        if self.cycle is not None and not self.cycle.response_complete and self.flow.write_paused:
            self.transport.abort()
            return
        super().shutdown()

    def _arm_head_deadline(self) -> None:
        self._disarm_head_deadline()
        self._head_deadline = self.loop.call_later(self.limits.header_timeout, self._head_too_slow)

    def _disarm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        _log.debug("Closed a connection: no complete request head in time.")
        if self._head_started:
            detail = f"The request head did not arrive within {self.limits.header_timeout:g} s."
            self.transport.write(_raw_answer(408, "Request Timeout", "request_timeout", detail))
        self.transport.close()

    def _refuse(self) -> None:
        """Answer 503 and close, without counting this connection as served."""
        self.connections.discard(self)
        self._disarm_head_deadline()
        if not self.refusals.reported:
            self.refusals.reported = True
            _log.warning(
                "Connection limit reached (%d open, --max-connections): new connections "
                "are answered 503 until some close.",
                self.limits.max_connections,
            )
        if self.refusals.lingering >= _POLITE_REFUSALS:
            self.transport.abort()
            return
        self._refused = True
        self.refusals.lingering += 1
        detail = (
            f"The server has {self.limits.max_connections} connections open, its limit; "
            "try again in a moment."
        )
        self.transport.write(_raw_answer(503, "Service Unavailable", "service_unavailable", detail))
        if self.transport.can_write_eof():
            try:
                self.transport.write_eof()
            except OSError:  # the client has gone already: nothing is left to tell it
                self.transport.abort()
                return
        self.loop.call_later(_LINGER_SECONDS, self.transport.close)


def guarded_protocol(limits: ConnectionLimits) -> type[GuardedH11Protocol]:
    """The protocol class for one server, with its own limits and its own refusal count."""
    return type(
        "GuardedH11Protocol",
        (GuardedH11Protocol,),
        {"limits": limits, "refusals": _Refusals()},
    )


def _raw_answer(status: int, reason: str, code: str, detail: str) -> bytes:
    """A whole HTTP/1.1 answer that closes the connection, written past h11.

    Used where h11 has no request to answer (a head that never completed, a
    connection refused before its request).
    """
    title = reason[0] + reason[1:].lower()
    body = orjson.dumps({"errors": [error(status, code, detail, title=title)]})
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body
