"""The fake served over loopback HTTP in a thread, so real HTTP clients can be recorded."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn

from sendcloud_contract.fake import FakeSendcloud, asgi_app


@contextmanager
def serving(fake: FakeSendcloud) -> Iterator[str]:
    """The fake's base URL while it serves on 127.0.0.1; stopped and joined on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    config = uvicorn.Config(asgi_app(fake), log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(500):
            if server.started:
                break
            threading.Event().wait(0.01)
        port = sock.getsockname()[1]
        yield f"http://127.0.0.1:{port}/api/v3"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
