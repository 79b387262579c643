"""Forwarding a request to the upstream, and bringing its answer back unchanged.

Every request goes to the upstream's origin and nowhere else, so credentials
reach no other host: a redirect is passed back to the client, never followed.
Hop-by-hop headers stay on their own hop. An upstream that cannot be reached,
answers too slowly or answers too much gets the proxy's own 502 or 504.

A small HTTP/1.1 client of its own (asyncio, and :mod:`~sendcloud_contract.proxy.wire`)
rather than a general one: it has one origin to talk to, and per request it
costs a fraction of what a client built for every case does.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections.abc import Callable

from sendcloud_contract.proxy.answers import failure
from sendcloud_contract.proxy.messages import Answer, Headers, Incoming
from sendcloud_contract.proxy.settings import Limits, Upstream
from sendcloud_contract.proxy.wire import Parsed, ResponseReader, WireError, request_bytes

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


class _Connection(asyncio.Protocol):
    """One connection to the upstream, driven by its events: an answer is read as it arrives,
    without a task or a timer per read."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.transport: asyncio.Transport | None = None
        self.idle_since = time.monotonic()
        self.reusable = True
        self._waiter: asyncio.Future[Parsed] | None = None
        self._reader: ResponseReader | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self._reader is not None:
            self._read(self._reader.feed_eof)

    def eof_received(self) -> bool:
        self.connection_lost(None)
        return False

    def data_received(self, data: bytes) -> None:
        if self._reader is None:
            self.reusable = False  # bytes nobody asked for: this connection is out of step
            return
        self._arm()
        self._read(self._reader.feed, data)

    @property
    def usable(self) -> bool:
        """Whether it may carry the next request: kept alive, open, not idle too long."""
        return (
            self.reusable
            and not self._lost
            and self.transport is not None
            and not self.transport.is_closing()
            and time.monotonic() - self.idle_since < KEEPALIVE_SECONDS
        )

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()

    async def exchange(self, data: bytes, method: str) -> Parsed:
        """Send a request, and wait for its whole answer."""
        assert self.transport is not None
        self._waiter = asyncio.get_running_loop().create_future()
        self._reader = ResponseReader(method, self.limits.max_body_bytes)
        self.transport.write(data)
        self._arm()
        try:
            parsed = await self._waiter
        finally:
            self._waiter = self._reader = None
            if self._timer is not None:
                self._timer.cancel()
        self.reusable = parsed.keep_alive
        return parsed

    def _read(self, step: Callable[..., Parsed | None], *args: bytes) -> None:
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        try:
            parsed = step(*args)
        except WireError as error:
            waiter.set_exception(_Broken(failure(502, str(error))))
            return
        if parsed is not None:
            waiter.set_result(parsed)

    def _arm(self) -> None:
        """(Re)start the clock: the upstream may be silent ``read_timeout`` at most."""
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.limits.read_timeout, self._late)

    def _late(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            seconds = self.limits.read_timeout
            answer = failure(504, f"the upstream did not answer in {seconds:g} s")
            self._waiter.set_exception(_Broken(answer))


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
        headers = (*end_to_end(incoming.headers), ("host", self._host))
        request = request_bytes(incoming.method, incoming.target, headers, incoming.body)
        try:
            parsed = await conn.exchange(request, incoming.method)
        except _Broken as broken:
            conn.close()
            return broken.answer
        except BaseException:
            conn.close()
            raise
        self._release(conn)
        return Answer(parsed.status, end_to_end(parsed.headers), parsed.body)

    async def _connection(self) -> _Connection:
        while self._idle:
            conn = self._idle.pop()
            if conn.usable:
                return conn
            conn.close()
        seconds = self.limits.connect_timeout
        loop = asyncio.get_running_loop()
        try:
            _, conn = await asyncio.wait_for(
                loop.create_connection(
                    lambda: _Connection(self.limits),
                    self.upstream.host,
                    self.upstream.port,
                    ssl=self._tls,
                    server_hostname=self.upstream.host if self._tls else None,
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
        return conn

    def _release(self, conn: _Connection) -> None:
        if not conn.usable:
            conn.close()
            return
        conn.idle_since = time.monotonic()
        self._idle.append(conn)
        if len(self._idle) > self.limits.max_connections:
            self._idle.pop(0).close()

    async def aclose(self) -> None:
        for conn in self._idle:
            conn.close()
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
