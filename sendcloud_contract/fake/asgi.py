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

from sendcloud_contract.fake.core import ROOT, FakeSendcloud

__all__ = ["SendcloudASGI", "asgi_app"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class SendcloudASGI:
    """An ASGI app serving one :class:`FakeSendcloud` under ``root`` (``/api/v3``)."""

    def __init__(self, fake: FakeSendcloud, *, root: str = ROOT) -> None:
        self.fake = fake
        self.root = "/" + root.strip("/")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1003})
            return
        headers = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope["headers"]]
        body, truncated = await self._body(scope, receive)
        if body is None:
            return
        reply = self.fake.handle(
            scope["method"],
            _url(scope, headers),
            headers,
            body,
            root=self.root,
            body_truncated=truncated,
        )
        if reply.stall is not None and not await _stall(reply.stall, receive):
            return
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

    async def _body(self, scope: Scope, receive: Receive) -> tuple[bytes | None, bool]:
        """The request body, read no further than the fake's size limit.

        Returns ``(None, False)`` when the client went away before sending it.
        """
        limit = self.fake.max_body_bytes
        for name, value in scope["headers"]:
            if name.lower() == b"content-length" and value.strip().isdigit() and int(value) > limit:
                return b"", True
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None, False
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                return b"", True
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def asgi_app(fake: FakeSendcloud | None = None, *, root: str = ROOT) -> SendcloudASGI:
    """An ASGI app over ``fake`` (a fresh one when omitted); the fake is at ``app.fake``."""
    return SendcloudASGI(fake if fake is not None else FakeSendcloud(), root=root)


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


async def _stall(seconds: float, receive: Receive) -> bool:
    """Hang like a server that does not answer; False when the client gave up first."""

    async def disconnected() -> None:
        while (await receive())["type"] != "http.disconnect":
            pass

    waiter = asyncio.ensure_future(disconnected())
    try:
        done, _ = await asyncio.wait({waiter}, timeout=seconds)
        return not done
    finally:
        waiter.cancel()
        await asyncio.wait({waiter})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
