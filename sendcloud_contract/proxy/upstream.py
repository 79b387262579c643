"""Forwarding a request to the upstream, and bringing its answer back unchanged.

Every request goes to the upstream's origin and nowhere else, so credentials
reach no other host: a redirect is passed back to the client, never followed.
Hop-by-hop headers stay on their own hop. An upstream that cannot be reached,
answers too slowly or answers too much gets the proxy's own 502 or 504.

A small HTTP/1.1 client of its own (h11 over asyncio, the same parser as the
clients' side) rather than a general one: it has one origin to talk to, and
per request it costs a fraction of what a client built for every case does.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import time

import h11

from sendcloud_contract.proxy.answers import failure
from sendcloud_contract.proxy.messages import Answer, Headers, Incoming
from sendcloud_contract.proxy.settings import Limits, Upstream

__all__ = ["HOP_BY_HOP", "KEEPALIVE_SECONDS", "Forwarder", "end_to_end"]

HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
    }
)
"""Headers that belong to one connection (RFC 9110, 7.6.1), never forwarded either way."""

KEEPALIVE_SECONDS = 4.0
"""An idle connection to the upstream older than this is not reused: servers close theirs
after a few seconds (uvicorn after 5), and a request must not meet a closing one."""

# Set again for each hop: the length of what this hop carries, the host it is sent to.
_FRAMING = frozenset({"content-length", "host", "expect"})
_READ_CHUNK = 64 * 1024


def end_to_end(headers: Headers) -> Headers:
    """``headers`` without the hop-by-hop ones, those that ``Connection`` names included,
    and without the framing each hop sets for itself."""
    named = {
        token.strip().lower()
        for name, value in headers
        if name.lower() == "connection"
        for token in value.split(",")
    }
    dropped = HOP_BY_HOP | _FRAMING | named
    return tuple((name, value) for name, value in headers if name.lower() not in dropped)


class _Broken(Exception):
    """The upstream's answer could not be had; ``answer`` is the proxy's own instead."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.failure)
        self.answer = answer


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.state = h11.Connection(h11.CLIENT)
        self.idle_since = time.monotonic()

    @property
    def usable(self) -> bool:
        """Whether it may carry the next request: kept alive, open, not idle too long."""
        return (
            not self.writer.is_closing()
            and not self.reader.at_eof()
            and time.monotonic() - self.idle_since < KEEPALIVE_SECONDS
        )

    def close(self) -> None:
        self.writer.close()


class Forwarder:
    """The upstream's one client: connections kept alive for the next request, nothing read
    from the environment (no proxy settings, no ``.netrc``), certificates verified."""

    def __init__(self, upstream: Upstream, limits: Limits) -> None:
        self.upstream = upstream
        self.limits = limits
        default = 443 if upstream.scheme == "https" else 80
        host = f"[{upstream.host}]" if ":" in upstream.host else upstream.host
        self._host = host if upstream.port == default else f"{host}:{upstream.port}"
        self._tls = _tls_context() if upstream.scheme == "https" else None
        self._idle: list[_Connection] = []

    async def forward(self, incoming: Incoming) -> Answer:
        """The upstream's answer to ``incoming``, or the proxy's 502/504 saying why there is
        none. Never raises for anything the network or the upstream does."""
        try:
            conn = await self._connection()
        except _Broken as broken:
            return broken.answer
        try:
            answer = await self._exchange(conn, incoming)
        except _Broken as broken:
            conn.close()
            return broken.answer
        except BaseException:
            conn.close()
            raise
        self._release(conn)
        return answer

    async def _connection(self) -> _Connection:
        while self._idle:
            conn = self._idle.pop()
            if conn.usable:
                return conn
            conn.close()
        seconds = self.limits.connect_timeout
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    self.upstream.host,
                    self.upstream.port,
                    ssl=self._tls,
                    server_hostname=self.upstream.host if self._tls else None,
                    limit=_READ_CHUNK,
                ),
                seconds,
            )
        except asyncio.TimeoutError:
            raise _Broken(
                failure(504, f"could not connect to the upstream in {seconds:g} s")
            ) from None
        except OSError as error:  # refused, unknown host, a certificate that does not verify
            raise _Broken(
                failure(502, f"could not connect to the upstream ({_reason(error)})")
            ) from None
        return _Connection(reader, writer)

    def _release(self, conn: _Connection) -> None:
        state = conn.state
        if state.our_state is h11.DONE and state.their_state is h11.DONE:
            state.start_next_cycle()
            conn.idle_since = time.monotonic()
            self._idle.append(conn)
            if len(self._idle) > self.limits.max_connections:
                self._idle.pop(0).close()
        else:
            conn.close()

    async def _exchange(self, conn: _Connection, incoming: Incoming) -> Answer:
        state = conn.state
        headers = [*end_to_end(incoming.headers), ("host", self._host)]
        if incoming.body or incoming.method in ("POST", "PUT", "PATCH"):
            headers.append(("content-length", str(len(incoming.body))))
        request = h11.Request(
            method=incoming.method,
            target=incoming.target,
            headers=[(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers],
        )
        data = state.send(request) or b""
        if incoming.body:
            data += state.send(h11.Data(data=incoming.body)) or b""
        data += state.send(h11.EndOfMessage()) or b""
        seconds = self.limits.read_timeout
        try:
            conn.writer.write(data)
            await asyncio.wait_for(conn.writer.drain(), seconds)
            head = await self._event(conn)
            while isinstance(head, h11.InformationalResponse):
                head = await self._event(conn)
            if not isinstance(head, h11.Response):
                raise _Broken(failure(502, "the upstream closed the connection without answering"))
            body = await self._body(conn)
        except asyncio.TimeoutError:
            raise _Broken(failure(504, f"the upstream did not answer in {seconds:g} s")) from None
        except (OSError, h11.ProtocolError) as error:
            reason = f"the upstream's answer broke off ({_reason(error)})"
            raise _Broken(failure(502, reason)) from None
        answer_headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers
        )
        return Answer(head.status_code, end_to_end(answer_headers), body)

    async def _body(self, conn: _Connection) -> bytes:
        limit = self.limits.max_body_bytes
        chunks = []
        size = 0
        while True:
            event = await self._event(conn)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > limit:
                    raise _Broken(
                        failure(502, f"the upstream's answer is larger than {limit} bytes")
                    )
                chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return b"".join(chunks)
            else:
                raise _Broken(failure(502, "the upstream's answer broke off"))

    async def _event(self, conn: _Connection) -> object:
        """The next event of the answer; the upstream may be silent ``read_timeout`` at most."""
        state = conn.state
        while True:
            event = state.next_event()
            if event is not h11.NEED_DATA:
                return event
            data = await asyncio.wait_for(conn.reader.read(_READ_CHUNK), self.limits.read_timeout)
            state.receive_data(data)

    async def aclose(self) -> None:
        for conn in self._idle:
            conn.close()
        for conn in self._idle:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(conn.writer.wait_closed(), 1.0)
        self._idle.clear()


def _tls_context() -> ssl.SSLContext:
    """Certificates checked against certifi's authorities when it is installed (as with
    httpx), else against the system's."""
    try:
        import certifi
    except ImportError:
        return ssl.create_default_context()
    return ssl.create_default_context(cafile=certifi.where())


def _reason(error: Exception) -> str:
    """What went wrong, in a few words: the error's own text, or its type's name."""
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
