"""The fake as a plain ASGI application, for uvicorn, httpx.ASGITransport or any ASGI server.

No web framework: the core already routes, so this only reads the request,
calls :meth:`FakeSendcloud.handle` and writes the reply. It passes the path as
the client sent it, percent-escapes and all, as the respx adapter does. It needs asyncio (as
uvicorn and httpx's ASGI transport use by default).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote

from sendcloud_contract.fake._errors import error
from sendcloud_contract.fake.core import ROOT, FakeSendcloud
from sendcloud_contract.fake.models import Reply

__all__ = ["SendcloudASGI", "asgi_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SendcloudASGI:
    """An ASGI app serving one :class:`FakeSendcloud` under ``root`` (``/api/v3``).

    ``body_timeout`` bounds the time a request body may take to arrive, from its
    head on (None: no bound); a body that takes longer is answered 408.
    """

    def __init__(
        self, fake: FakeSendcloud, *, root: str = ROOT, body_timeout: float | None = None
    ) -> None:
        self.fake = fake
        self.root = "/" + root.strip("/")
        self.body_timeout = body_timeout
        self._stopping = False
        self._stopped: asyncio.Future[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def begin_shutdown(self) -> None:
        """Answer every waiting request now, as a server shutting down does.

        A stalled request gets its 504; a request whose body is still arriving gets
        a 503 that closes the connection. Safe to call from a signal handler or
        another thread: ``serve`` calls it on SIGTERM, so a graceful shutdown has no
        request left to cancel.
        """
        self._stopping = True
        if self._stopped is not None and self._loop is not None:
            self._loop.call_soon_threadsafe(_settle, self._stopped)

    def _stop_signal(self) -> asyncio.Future[None]:
        """The future that :meth:`begin_shutdown` settles, one for the loop this app runs in."""
        loop = asyncio.get_running_loop()
        if self._stopped is None or self._loop is not loop:
            self._loop, self._stopped = loop, loop.create_future()
            if self._stopping:
                self._stopped.set_result(None)
        return self._stopped

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1003})
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        body = await self._body(scope, receive)
        if isinstance(body, Reply):
            await _send_reply(send, body)
            return
        if body is None:
            return
        content, truncated = body
        reply = self.fake.handle(
            scope["method"],
            _url(scope, headers),
            headers,
            content,
            root=self.root,
            body_truncated=truncated,
        )
        if reply.stall is not None and not await _stall(reply.stall, receive, self._stop_signal()):
            return
        await _send_reply(send, reply)

    async def _body(self, scope: Scope, receive: Receive) -> tuple[bytes, bool] | Reply | None:
        """The request body, read no further than the fake's size limit, and whether it was cut.

        None when the client went away before sending it; a :class:`Reply` (408 or
        503, closing the connection) when it took too long or the server is stopping.
        """
        limit = self.fake.max_body_bytes
        for name, value in scope["headers"]:
            if name.lower() == b"content-length" and value.strip().isdigit() and int(value) > limit:
                return b"", True
        loop = asyncio.get_running_loop()
        deadline = None if self.body_timeout is None else loop.time() + self.body_timeout
        stop = self._stop_signal()
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await _next_message(receive, deadline, stop)
            if message is None:
                return _closing_reply(stop, self.body_timeout)
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def asgi_app(
    fake: FakeSendcloud | None = None, *, root: str = ROOT, body_timeout: float | None = None
) -> SendcloudASGI:
    """An ASGI app over ``fake`` (a fresh one when omitted); the fake is at ``app.fake``."""
    fake = fake if fake is not None else FakeSendcloud()
    return SendcloudASGI(fake, root=root, body_timeout=body_timeout)


def _url(scope: Scope, headers: list[tuple[str, str]]) -> str:
    """The absolute URL the client asked for, so Link headers point back at this server."""
    host = next((v for k, v in headers if k.lower() == "host"), None)
    if host is None:
        server = scope.get("server")
        host = f"{server[0]}:{server[1]}" if server else "localhost"
    query = scope.get("query_string", b"").decode("latin-1")
    url = f"{scope.get('scheme', 'http')}://{host}{_raw_path(scope)}"
    return f"{url}?{query}" if query else url


def _raw_path(scope: Scope) -> str:
    """The path as the client wrote it (percent-escapes kept), as respx hands it to the core.

    The core decodes it once, so both adapters route ``/orders/%31`` alike.
    """
    raw = scope.get("raw_path")
    if isinstance(raw, bytes):
        return raw.split(b"?", 1)[0].decode("latin-1")
    return quote(scope.get("path", "/"), safe="/:@!$&'()*+,;=-._~")


async def _stall(seconds: float, receive: Receive, stop: asyncio.Future[None]) -> bool:
    """Hang like a server that does not answer; False when the client gave up first.

    ``stop`` ends the stall early (the server is shutting down): the request then
    gets its answer at once instead of being cancelled mid-flight.
    """

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    waiter = asyncio.ensure_future(disconnected())
    try:
        await asyncio.wait({waiter, stop}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        return not waiter.done()
    finally:
        waiter.cancel()
        await asyncio.wait({waiter})


async def _next_message(
    receive: Receive, deadline: float | None, stop: asyncio.Future[None]
) -> Message | None:
    """The next ASGI message, or None when ``deadline`` passed or ``stop`` came first."""
    reading = asyncio.ensure_future(receive())
    if stop.done():
        await asyncio.sleep(0)  # one step: a body already received is still read
    timeout = None if deadline is None else max(0.0, deadline - asyncio.get_running_loop().time())
    either: set[asyncio.Future[Any]] = {reading, stop}
    await asyncio.wait(either, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    if reading.done():
        return reading.result()
    reading.cancel()
    await asyncio.wait({reading})
    return None


def _closing_reply(stop: asyncio.Future[None], body_timeout: float | None) -> Reply:
    """The answer to a body that did not arrive: the server is stopping, or it was too slow."""
    close = (("connection", "close"),)
    if stop.done():
        detail = "The server is shutting down; send the request again once it is back."
        entry = error(503, "service_unavailable", detail, title="Service unavailable")
        return Reply(503, {"errors": [entry]}, close)
    detail = f"The request body did not arrive within {body_timeout:g} s."
    entry = error(408, "request_timeout", detail, title="Request timeout")
    return Reply(408, {"errors": [entry]}, close)


def _settle(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


async def _send_reply(send: Send, reply: Reply) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": reply.status,
            "headers": [
                (k.encode("latin-1"), v.encode("latin-1")) for k, v in reply.header_items()
            ],
        }
    )
    await send({"type": "http.response.body", "body": reply.content})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
