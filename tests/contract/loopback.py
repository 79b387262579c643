"""A loopback server for the contract suite's tests over HTTP, started and stopped by each test."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from sendcloud_contract.contract import HttpTarget
from sendcloud_contract.fake import Account, FakeSendcloud, OrderStore, asgi_app

PUBLIC, SECRET = "http-public-key", "http-secret-key"


@contextmanager
def serving(fake: FakeSendcloud) -> Iterator[HttpTarget]:
    """The fake under uvicorn on 127.0.0.1, as an HttpTarget; stopped when the block ends."""
    # IPPROTO_TCP, not 0: asyncio then turns Nagle off on each connection (no 40 ms stalls).
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(asgi_app(fake), log_level="error", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        yield HttpTarget(
            base_url=f"http://127.0.0.1:{port}/api/v3",
            public_key=PUBLIC,
            secret_key=SECRET,
            integrations=(7, 8),
            foreign_integration=9,
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
    assert not thread.is_alive(), "the loopback server did not stop"


def http_fake(store: type[OrderStore] = OrderStore) -> FakeSendcloud:
    """A fake whose account owns 7 and 8, another account owning 9; orders in ``store``."""
    fake = FakeSendcloud(
        [Account(PUBLIC, SECRET, (7, 8)), Account("someone-else", "their-secret", (9,))]
    )
    fake.store = store()
    return fake
