"""A hostile target on loopback: the real fake answers, and a test bends what goes on the wire.

The server reads each request, lets the fake decide the reply, and hands both to
the test's ``bend``, which returns the bytes to send: the honest answer with a
header more, a body without end, one byte at a time. Every connection has its
own thread; all of them stop when the block ends, whatever the client did.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sendcloud_contract.contract import HttpTarget
from sendcloud_contract.fake import FakeSendcloud, Reply
from tests.contract.loopback import PUBLIC, SECRET, http_fake

_REASONS = {200: "OK", 201: "Created", 204: "No Content", 429: "Too Many Requests"}


@dataclass(frozen=True)
class Seen:
    """A request as the server read it; header names in lower case."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    @property
    def path(self) -> str:
        return self.target.partition("?")[0]


Bend = Callable[[Seen, Reply, threading.Event], bytes | Iterable[bytes]]


def honest(reply: Reply, *headers: tuple[str, str], body: bytes | None = None) -> bytes:
    """The reply as an HTTP/1.1 answer, with ``headers`` more and ``body`` in place of its own."""
    content = reply.content if body is None else body
    lines = [f"HTTP/1.1 {reply.status} {_REASONS.get(reply.status, 'Status')}"]
    items = [(k, v) for k, v in reply.header_items() if k.lower() != "content-length"]
    for name, value in [*items, *headers, ("content-length", str(len(content)))]:
        lines.append(f"{name}: {value}")
    lines.append("connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + content


def trickle(data: bytes, stop: threading.Event, pause: float = 0.05) -> Iterator[bytes]:
    """``data`` a byte at a time, then nothing but a byte of spaces now and then, until stopped."""
    for byte in data:
        if stop.wait(pause):
            return
        yield bytes([byte])
    while not stop.wait(pause):
        yield b" "


def as_is(seen: Seen, reply: Reply, stop: threading.Event) -> bytes:
    return honest(reply)


@dataclass
class Hostile:
    """The running server: its base URL, a target for it, and every request it read."""

    base_url: str
    seen: list[Seen] = field(default_factory=list)

    def target(self, base_url: str | None = None) -> HttpTarget:
        return HttpTarget(
            base_url=base_url or self.base_url,
            public_key=PUBLIC,
            secret_key=SECRET,
            integrations=(7, 8),
            foreign_integration=9,
        )


@contextmanager
def hostile(bend: Bend = as_is, fake: FakeSendcloud | None = None) -> Iterator[Hostile]:
    """A server on 127.0.0.1 whose answers ``bend`` writes; stopped when the block ends."""
    fake = fake or http_fake()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.05)
    port = listener.getsockname()[1]
    server = Hostile(f"http://127.0.0.1:{port}/api/v3")
    stop = threading.Event()
    threads: list[threading.Thread] = []

    def answer(connection: socket.socket) -> None:
        with connection:
            connection.settimeout(2)
            seen = _read(connection)
            if seen is None:
                return
            server.seen.append(seen)
            url = f"http://127.0.0.1:{port}{seen.target}"
            reply = fake.handle(seen.method, url, seen.headers.items(), seen.body)
            out = bend(seen, reply, stop)
            try:
                for piece in [out] if isinstance(out, bytes) else out:
                    connection.sendall(piece)
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=answer, args=(connection,), daemon=True)
            threads.append(thread)
            thread.start()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    try:
        yield server
    finally:
        stop.set()
        acceptor.join(timeout=5)
        for thread in threads:
            thread.join(timeout=5)
        listener.close()
    assert not acceptor.is_alive(), "the hostile server did not stop"
    assert not any(thread.is_alive() for thread in threads), "a connection did not stop"


def _read(connection: socket.socket) -> Seen | None:
    """One request from the connection; None when it closes or says nothing readable."""
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk or len(data) > 1 << 20:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0"))
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return None
            body += chunk
    except (OSError, ValueError):
        return None
    return Seen(method, target, headers, body)
