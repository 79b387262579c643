"""The side facing the clients: HTTP/1.1 over asyncio (h11), with every limit the proxy keeps.

A connection that sends nothing for ``idle_timeout`` is closed. A request must
arrive whole, head and body, within ``request_timeout`` of its first byte, or
it is answered 408 and its connection closed; a body over ``max_body_bytes``
is answered 413, an oversized head 431. At most ``max_connections``
connections are served at once; further clients wait in the listen backlog
until one closes. Only requests for a path are taken: the proxy forwards to
its upstream alone, never to a host a request names.

Each connection is driven by its events (a protocol, as uvicorn's are), not by
a task reading in a loop: the proxy runs on the same machine as the code it
watches, and what it spends per request is what it costs them.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import h11

from sendcloud_contract.proxy.answers import failure
from sendcloud_contract.proxy.messages import Answer, Incoming
from sendcloud_contract.proxy.settings import Limits
from sendcloud_contract.proxy.wire import MAX_HEAD_BYTES, response_bytes

__all__ = ["Clients", "Handler", "Respond"]

Respond = Callable[[Answer], Awaitable[None]]
Handler = Callable[[Incoming, Respond], Awaitable[None]]
Refused = Callable[[str, str, Answer], None]

_LINGER_SECONDS = 1.0


class Clients:
    """Accepts and serves client connections on a listening socket until :meth:`stop`.

    ``handle`` is given each complete request and a ``respond`` to answer it
    with; whatever it does after answering (checking, recording) finishes
    before the connection reads its next request. ``refused`` hears of each
    request answered here (method and target, or ``"-"`` when unknown).
    """

    def __init__(
        self, sock: socket.socket, handle: Handler, limits: Limits, refused: Refused
    ) -> None:
        self.sock = sock
        self.handle = handle
        self.limits = limits
        self.refused = refused
        self.open: set[_Connection] = set()
        self.stopping = False

    async def serve(self) -> None:
        """Accept connections until cancelled, never more than ``max_connections`` open."""
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self.limits.max_connections)
        self.sock.setblocking(False)
        while True:
            await slots.acquire()
            try:
                conn, _ = await loop.sock_accept(self.sock)
            except OSError:  # out of file descriptors, say: wait, then take the next
                slots.release()
                await asyncio.sleep(0.1)
                continue
            except BaseException:
                slots.release()
                raise
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            try:
                await loop.connect_accepted_socket(lambda: _Connection(self, slots), conn)
            except OSError:
                conn.close()
                slots.release()

    def stop(self) -> None:
        """Take no new request: idle connections close now, busy ones after their answer."""
        self.stopping = True
        for conn in list(self.open):
            conn.stop()

    def busy(self) -> int:
        """Connections with a request on its way in, or an exchange in flight."""
        return sum(1 for conn in self.open if conn.task is not None or conn.receiving)

    async def drain(self, seconds: float, hurry: asyncio.Event) -> None:
        """Wait for the exchanges in flight (at most ``seconds``, or until ``hurry`` is
        set), then end what is left."""
        closing = [conn.closed for conn in self.open]
        if closing:
            everything = asyncio.gather(*closing)
            hurried = asyncio.ensure_future(hurry.wait())
            await asyncio.wait(
                (everything, hurried), timeout=seconds, return_when=asyncio.FIRST_COMPLETED
            )
            hurried.cancel()
        for conn in list(self.open):
            conn.abort()


class _Connection(asyncio.Protocol):
    """One client connection: its h11 state, its timers, and the exchange it is in."""

    def __init__(self, clients: Clients, slots: asyncio.Semaphore) -> None:
        self.clients = clients
        self.limits = clients.limits
        self.slots = slots
        self.state = _state()
        self.keep_alive = True
        self.answered = False
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()
        self.closed: asyncio.Future[None] = self.loop.create_future()
        self.timer: asyncio.TimerHandle | None = None
        self.head: h11.Request | None = None
        self.body = bytearray()
        self.task: asyncio.Task[None] | None = None
        self.writable: asyncio.Future[None] | None = None
        self.receiving = False
        self.discarding = False

    # -- the connection's life

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.clients.open.add(self)
        self._wait(self.limits.idle_timeout, self.abort)

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_timer()
        self.clients.open.discard(self)
        if not self.closed.done():
            self.closed.set_result(None)
            self.slots.release()
        self.resume_writing()  # a writer waiting for room learns of the end from the transport

    def stop(self) -> None:
        if self.task is None and not self.receiving:
            self.abort()

    def abort(self) -> None:
        if self.transport is not None:
            self.transport.close()

    def pause_writing(self) -> None:
        self.writable = self.loop.create_future()

    def resume_writing(self) -> None:
        if self.writable is not None and not self.writable.done():
            self.writable.set_result(None)
        self.writable = None

    # -- reading a request

    def data_received(self, data: bytes) -> None:
        if self.discarding:
            return
        self.state.receive_data(data)
        if self.task is None:
            self._begin()
            self._read()

    def eof_received(self) -> bool:
        if self.discarding:
            return False
        self.state.receive_data(b"")
        if self.task is None:
            self._read()
        return True  # a half-closed client may still get the answer it is owed

    def _begin(self) -> None:
        """A request began: from its first byte it has ``request_timeout`` to arrive whole."""
        if not self.receiving:
            self.receiving = True
            seconds = self.limits.request_timeout
            self._wait(seconds, self._refuse, failure(408, _late(seconds)))

    def _read(self) -> None:
        """Take the events of the request in the buffer; start handling it once it is whole."""
        while True:
            try:
                event = self.state.next_event()
            except h11.RemoteProtocolError as error:
                self._refuse(_unreadable(error))
                return
            if event is h11.NEED_DATA:
                return
            if isinstance(event, h11.Request):
                self.head, self.body = event, bytearray()
                refusal = self._refusal(event)
                if refusal is not None:
                    self._refuse(refusal)
                    return
                if self.state.they_are_waiting_for_100_continue:
                    continuing = h11.InformationalResponse(status_code=100, headers=[])
                    self._write(self.state.send(continuing) or b"")
            elif isinstance(event, h11.Data):
                self.body += event.data
                if len(self.body) > self.limits.max_body_bytes:
                    self._refuse(_too_large(self.limits))
                    return
            elif isinstance(event, h11.EndOfMessage) and self.head is not None:
                self._cancel_timer()
                self.receiving = False
                if self.transport is not None:
                    self.transport.pause_reading()
                self.task = self.loop.create_task(self._exchange(self._incoming(self.head)))
                return
            else:  # the client closed the connection between requests
                self.abort()
                return

    def _refusal(self, head: h11.Request) -> Answer | None:
        if not head.target.startswith(b"/"):
            # A host in the target (a forward-proxy request) or "*": credentials would go
            # where the upstream is not.
            return failure(400, "only requests for a path are forwarded, to the upstream alone")
        for name, value in head.headers:
            if name == b"content-length" and int(value) > self.limits.max_body_bytes:
                return _too_large(self.limits)
        return None

    def _incoming(self, head: h11.Request) -> Incoming:
        headers = tuple(
            (name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers
        )
        return Incoming(
            head.method.decode("ascii"), head.target.decode("ascii"), headers, bytes(self.body)
        )

    def _refuse(self, answer: Answer) -> None:
        """Answer a request the proxy will not take, outside h11's bookkeeping, and close
        after a moment in which what the client still sends is read and dropped (closing at
        once could reset the connection before the client reads the answer)."""
        head = self.head
        method = head.method.decode("ascii") if head is not None else "-"
        target = head.target.decode("ascii", "replace") if head is not None else "-"
        self.clients.refused(method, target, answer)
        self._write(response_bytes(answer.status, answer.headers, answer.body, close=True))
        self.discarding = True
        self.receiving = False
        self._wait(_LINGER_SECONDS, self.abort)

    # -- answering it

    async def _exchange(self, incoming: Incoming) -> None:
        head = self.head
        assert head is not None
        self.keep_alive = _keeps_alive(head)
        self.answered = False
        try:
            await self.clients.handle(incoming, self._respond)
        finally:
            self.task = None
            self.head = None
        if (
            self.clients.stopping
            or not self.keep_alive
            or not self.answered
            or self.transport is None
            or self.transport.is_closing()
        ):
            self.abort()
            return
        # The answer was written by the proxy itself (``wire``), so h11 reads the next
        # request with a fresh state, fed what the client has sent since.
        left, closed = self.state.trailing_data
        self.state = _state()
        if left:
            self.state.receive_data(left)
        if closed:
            self.state.receive_data(b"")  # h11's word for the end of the stream
        self.transport.resume_reading()
        self._wait(self.limits.idle_timeout, self.abort)
        if left or closed:
            self._begin()
            self._read()

    async def _respond(self, answer: Answer) -> None:
        head = self.head
        close = self.clients.stopping or not self.keep_alive
        method = head.method if head is not None else b"GET"
        self.answered = True
        data = response_bytes(
            answer.status, answer.headers, answer.body, close=close, head_only=method == b"HEAD"
        )
        self._write(data)
        if self.writable is not None:
            await asyncio.wait_for(asyncio.shield(self.writable), self.limits.request_timeout)
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("the client went away before its answer was written")

    def _write(self, data: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(data)

    # -- timers

    def _wait(self, seconds: float, then: Callable[..., None], *args: object) -> None:
        self._cancel_timer()
        self.timer = self.loop.call_later(seconds, then, *args)

    def _cancel_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None


def _late(seconds: float) -> str:
    return f"the request did not arrive whole in {seconds:g} s"


def _too_large(limits: Limits) -> Answer:
    return failure(413, f"the request body is larger than {limits.max_body_bytes} bytes")


def _unreadable(error: h11.RemoteProtocolError) -> Answer:
    if error.error_status_hint == 431:
        return failure(431, f"the request's head is larger than {MAX_HEAD_BYTES} bytes")
    return failure(error.error_status_hint, "the request is not HTTP/1.1 the proxy can read")


def _state() -> h11.Connection:
    return h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)


def _keeps_alive(head: h11.Request) -> bool:
    """Whether the client lets the connection carry another request after this one."""
    tokens = {
        token.strip().lower()
        for name, value in head.headers
        if name == b"connection"
        for token in value.split(b",")
    }
    if head.http_version == b"1.1":
        return b"close" not in tokens
    return b"keep-alive" in tokens
