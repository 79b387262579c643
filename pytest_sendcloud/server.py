"""The fake's ASGI app served by uvicorn on a loopback port, in a thread of the test session."""

from __future__ import annotations

import socket
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sendcloud_contract.fake.asgi import SendcloudASGI

from sendcloud_contract.extras import needs_extra

__all__ = ["LoopbackServer"]

_START_SECONDS = 10.0
_STOP_SECONDS = 10.0


class LoopbackServer:
    """uvicorn on ``127.0.0.1:<free port>``; :meth:`stop` ends it and joins its thread."""

    def __init__(self, app: SendcloudASGI) -> None:
        with needs_extra("the sendcloud_server fixture"):
            import uvicorn

        from sendcloud_contract.fake.http_guard import ConnectionLimits, guarded_protocol

        self._app = app
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        host, port = self._sock.getsockname()[:2]
        self.base_url = f"http://{host}:{port}/api/v3"
        config = uvicorn.Config(
            app,
            http=guarded_protocol(ConnectionLimits()),
            ws="none",
            log_level="warning",
            access_log=False,
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def start(self) -> LoopbackServer:
        self._thread.start()
        deadline = time.monotonic() + _START_SECONDS
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("sendcloud: the loopback server did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        self._app.begin_shutdown()  # a request still sending its body is answered, not cancelled
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(_STOP_SECONDS)
        self._sock.close()
