"""The side facing the clients: HTTP/1.1 over asyncio (h11), with every limit the proxy keeps.

A connection that sends nothing for ``idle_timeout`` is closed. A request must
arrive whole, head and body, within ``request_timeout`` of its first byte, or
it is answered 408 and its connection closed; a body over ``max_body_bytes``
is answered 413, an oversized head 431. At most ``max_connections``
connections are served at once; further clients wait in the listen backlog
until one closes. Only requests for a path are taken: the proxy forwards to
its upstream alone, never to a host a request names.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Awaitable, Callable
from http import HTTPStatus

import h11

from sendcloud_contract.proxy.answers import failure
from sendcloud_contract.proxy.messages import Answer, Incoming
from sendcloud_contract.proxy.settings import Limits

__all__ = ["Clients", "Handler", "Respond"]

Respond = Callable[[Answer], Awaitable[None]]
Handler = Callable[[Incoming, Respond], Awaitable[None]]
Refused = Callable[[str, str, Answer], None]

READ_CHUNK = 64 * 1024
MAX_HEAD_BYTES = 64 * 1024


class _Refuse(Exception):
    """A request the proxy answers itself before it is complete, then closes the connection."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(answer.failure)
        self.answer = answer


class Clients:
    """Accepts and serves client connections on a listening socket until :meth:`stop`.

    ``handle`` is given each complete request and a ``respond`` to answer it
    with; whatever it does after answering (checking, recording) finishes
    before the connection reads its next request. ``refused`` hears of each
    request answered here (method and target, or ``"-"`` when unknown).
    """

    def __init__(self, sock: socket.socket, handle: Handler, limits: Limits, refused: Refused):
        self._sock = sock
        self._handle = handle
        self._limits = limits
        self._refused = refused
        self._tasks: set[asyncio.Task[None]] = set()
        self._idle: set[asyncio.Task[None]] = set()
        self._stopping = False

    async def serve(self) -> None:
        """Accept connections until cancelled; each is served by a task of its own."""
        loop = asyncio.get_running_loop()
        slots = asyncio.Semaphore(self._limits.max_connections)
        self._sock.setblocking(False)
        while True:
            await slots.acquire()
            try:
                conn, _ = await loop.sock_accept(self._sock)
            except OSError:  # out of file descriptors, say: wait, then take the next
                slots.release()
                await asyncio.sleep(0.1)
                continue
            except BaseException:
                slots.release()
                raise
            task = loop.create_task(self._connection(conn))
            self._tasks.add(task)
            task.add_done_callback(lambda done: self._finished(done, slots))

    def _finished(self, task: asyncio.Task[None], slots: asyncio.Semaphore) -> None:
        self._tasks.discard(task)
        self._idle.discard(task)
        slots.release()
        if not task.cancelled():
            task.exception()  # retrieved: a connection's end is no one else's concern

    def stop(self) -> None:
        """Take no new request: idle connections close now, busy ones after their answer."""
        self._stopping = True
        for task in list(self._idle):
            task.cancel()

    async def drain(self, seconds: float) -> None:
        """Wait for the exchanges in flight (at most ``seconds``), then end what is left."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=seconds)
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=1.0)

    async def _connection(self, conn: socket.socket) -> None:
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        reader, writer = await asyncio.open_connection(sock=conn, limit=READ_CHUNK)
        state = h11.Connection(h11.SERVER, max_incomplete_event_size=MAX_HEAD_BYTES)
        task = asyncio.current_task()
        assert task is not None
        try:
            while not self._stopping:
                self._idle.add(task)
                try:
                    arrived = await self._first_bytes(state, reader)
                finally:
                    self._idle.discard(task)
                if not arrived:
                    break
                incoming = await self._receive(state, reader, writer)
                if incoming is None:
                    break
                await self._handle(incoming, _responder(self, state, writer, incoming.method))
                if state.our_state is not h11.DONE or state.their_state is not h11.DONE:
                    break
                state.start_next_cycle()
        except (OSError, asyncio.TimeoutError, h11.ProtocolError):
            pass  # the client went away or stopped reading: nothing is left to answer
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 1.0)

    async def _first_bytes(self, state: h11.Connection, reader: asyncio.StreamReader) -> bool:
        """Wait up to ``idle_timeout`` for a request to start; False: close the connection."""
        if state.trailing_data[0]:
            return True
        try:
            data = await asyncio.wait_for(reader.read(READ_CHUNK), self._limits.idle_timeout)
        except asyncio.TimeoutError:
            return False
        state.receive_data(data)
        return bool(data)

    async def _receive(
        self, state: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> Incoming | None:
        """The whole request, or None when it was refused (and answered) or never came."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._limits.request_timeout
        method, target = "-", "-"
        try:
            head = await _next(state, reader, deadline)
            if not isinstance(head, h11.Request):
                return None
            method, target = head.method.decode("ascii"), head.target.decode("ascii")
            _refuse_target(target)
            self._refuse_length(head)
            if state.they_are_waiting_for_100_continue:
                writer.write(state.send(h11.InformationalResponse(status_code=100, headers=[])))
            body = bytearray()
            while True:
                event = await _next(state, reader, deadline)
                if isinstance(event, h11.Data):
                    body += event.data
                    if len(body) > self._limits.max_body_bytes:
                        raise _Refuse(self._too_large())
                elif isinstance(event, h11.EndOfMessage):
                    break
                else:
                    return None
        except asyncio.TimeoutError:
            seconds = f"{self._limits.request_timeout:g} s"
            answer = failure(408, f"the request did not arrive whole in {seconds}")
        except h11.RemoteProtocolError as error:
            status = error.error_status_hint
            answer = failure(status, "the request is not HTTP/1.1 the proxy can read")
            if status == 431:
                answer = failure(431, f"the request's head is larger than {MAX_HEAD_BYTES} bytes")
        except _Refuse as refusal:
            answer = refusal.answer
        else:
            headers = tuple(
                (name.decode("latin-1"), value.decode("latin-1")) for name, value in head.headers
            )
            return Incoming(method, target, headers, bytes(body))
        self._refused(method, target, answer)
        writer.write(_closing(answer))
        await asyncio.wait_for(writer.drain(), self._limits.request_timeout)
        return None

    def _refuse_length(self, head: h11.Request) -> None:
        for name, value in head.headers:
            if name == b"content-length" and int(value) > self._limits.max_body_bytes:
                raise _Refuse(self._too_large())

    def _too_large(self) -> Answer:
        limit = self._limits.max_body_bytes
        return failure(413, f"the request body is larger than {limit} bytes")

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def write_timeout(self) -> float:
        return self._limits.request_timeout


async def _next(state: h11.Connection, reader: asyncio.StreamReader, deadline: float) -> object:
    """The connection's next event, reading as needed until ``deadline`` (TimeoutError)."""
    loop = asyncio.get_running_loop()
    while True:
        event = state.next_event()
        if event is not h11.NEED_DATA:
            return event
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise asyncio.TimeoutError
        state.receive_data(await asyncio.wait_for(reader.read(READ_CHUNK), remaining))


def _refuse_target(target: str) -> None:
    """Only a path is forwarded: a request naming a host (a forward-proxy request) or
    ``*`` would send the client's credentials where the upstream is not."""
    if not target.startswith("/"):
        raise _Refuse(failure(400, "only requests for a path are forwarded, to the upstream alone"))


def _responder(
    clients: Clients, state: h11.Connection, writer: asyncio.StreamWriter, method: str
) -> Respond:
    async def respond(answer: Answer) -> None:
        writer.write(_encoded(state, answer, method, close=clients.stopping))
        await asyncio.wait_for(writer.drain(), clients.write_timeout)

    return respond


def _encoded(state: h11.Connection, answer: Answer, method: str, *, close: bool) -> bytes:
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    bodiless = answer.status < 200 or answer.status in (204, 304) or method == "HEAD"
    if not bodiless or method == "HEAD":
        headers.append((b"content-length", str(len(answer.body)).encode("ascii")))
    if close:
        headers.append((b"connection", b"close"))
    reason = _phrase(answer.status)
    data = state.send(h11.Response(status_code=answer.status, headers=headers, reason=reason))
    if answer.body and not bodiless:
        data += state.send(h11.Data(data=answer.body))
    return data + state.send(h11.EndOfMessage())


def _closing(answer: Answer) -> bytes:
    """An answer written outside h11's bookkeeping, for a request that never arrived whole;
    the connection closes after it."""
    lines = [f"HTTP/1.1 {answer.status} {_phrase(answer.status).decode('ascii')}"]
    lines.extend(f"{name}: {value}" for name, value in answer.headers)
    lines.append(f"content-length: {len(answer.body)}")
    lines.append("connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + answer.body


def _phrase(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode("ascii")
    except ValueError:
        return b""
