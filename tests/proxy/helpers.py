"""What the proxy's tests share: the proxy as a process, the fake as its upstream, and a
small scripted upstream for the answers the fake never gives.

Everything listens on loopback; every process, server and thread is stopped by
the test that started it, with bounded waits.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import IO, Any

import h11

from pytest_sendcloud.server import LoopbackServer
from sendcloud_contract.fake import Account, FakeSendcloud, SendcloudASGI
from tests.fake.helpers import make_order

ACCOUNT = Account("proxy-public-key", "proxy-secret-key-0123456789", (1,))
AUTH = (ACCOUNT.public_key, ACCOUNT.secret_key)
START_SECONDS = 20.0
STOP_SECONDS = 30.0


def order(order_id: str = "WEB-1", **fields: Any) -> dict[str, Any]:
    return make_order(order_id, **fields)


def free_port() -> int:
    """A loopback port nothing listens on (bound, then closed)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Stopped:
    status: int
    stdout: str
    stderr: str


class ProxyProcess:
    """``sendcloud-contract proxy`` in a process of its own; :attr:`url` is its first line.

    Its output is read by two threads as it comes, so a test can wait for an
    exchange's log line; :meth:`stop` signals it and collects the rest.
    """

    def __init__(self, *args: str, cwd: str | None = None) -> None:
        self.args = args
        self._process = subprocess.Popen(
            [sys.executable, "-m", "sendcloud_contract", "proxy", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=cwd,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self._out: queue.Queue[str | None] = queue.Queue()
        self._err: list[str] = []
        self._err_lock = threading.Lock()
        self._readers = [
            threading.Thread(target=self._pump, args=(self._process.stdout, self._out.put)),
            threading.Thread(target=self._pump, args=(self._process.stderr, self._heard)),
        ]
        for reader in self._readers:
            reader.daemon = True
            reader.start()
        self.url = ""

    @staticmethod
    def _pump(stream: IO[str] | None, put: Callable[[str | None], None]) -> None:
        assert stream is not None
        for line in stream:
            put(line)
        put(None)

    def _heard(self, line: str | None) -> None:
        if line is not None:
            with self._err_lock:
                self._err.append(line)

    def start(self) -> ProxyProcess:
        try:
            first = self._out.get(timeout=START_SECONDS)
        except queue.Empty:
            first = None
        if not first:
            self.kill()
            raise AssertionError(f"the proxy did not start: {self.stderr()}")
        self.url = first.strip()
        return self

    def stderr(self) -> str:
        with self._err_lock:
            return "".join(self._err)

    def wait_for(self, text: str, seconds: float = 10.0) -> str:
        """The first stderr line holding ``text``, waited for."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in self.stderr().splitlines():
                if text in line:
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no line with {text!r} in:\n{self.stderr()}")

    def exchanges(self) -> int:
        """How many exchanges the log has told of so far."""
        return sum(1 for line in self.stderr().splitlines() if line.startswith("#"))

    def exchange(self, number: int, seconds: float = 10.0) -> str:
        """The log's block of exchange ``number``: its line and its violations' lines."""
        deadline = time.monotonic() + seconds
        while not any(line.startswith(f"#{number} ") for line in self.stderr().splitlines()):
            if time.monotonic() > deadline:
                raise AssertionError(f"no exchange #{number} in:\n{self.stderr()}")
            time.sleep(0.02)
        time.sleep(0.1)  # the block is written at once, but read line by line
        block: list[str] = []
        for line in self.stderr().splitlines():
            if line.startswith(f"#{number} ") or (block and line.startswith(" ")):
                block.append(line)
            elif block:
                break
        return "\n".join(block)

    def send(self, sig: int) -> None:
        self._process.send_signal(sig)

    def stop(self, sig: int = signal.SIGTERM) -> Stopped:
        if self._process.poll() is None:
            self._process.send_signal(sig)
        try:
            status = self._process.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError("the proxy did not stop in time") from None
        self._close()
        rest = []
        while True:
            try:
                line = self._out.get_nowait()
            except queue.Empty:
                break
            if line is not None:
                rest.append(line)
        return Stopped(status, "".join(rest), self.stderr())

    def kill(self) -> None:
        if self._process.poll() is None:
            self._process.kill()
            self._process.wait(10)
        self._close()

    def _close(self) -> None:
        """Join the readers (the pipes end with the process) and close the pipes."""
        for reader in self._readers:
            reader.join(5)
        for stream in (self._process.stdout, self._process.stderr):
            if stream is not None:
                stream.close()

    def __enter__(self) -> ProxyProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


@contextmanager
def fake_upstream(fake: FakeSendcloud | None = None) -> Iterator[tuple[str, SendcloudASGI]]:
    """The fake's ASGI app under uvicorn on loopback: its base URL and the app (whose
    ``fake`` a test may look into, or replace)."""
    app = SendcloudASGI(fake or FakeSendcloud([ACCOUNT]))
    server = LoopbackServer(app).start()
    try:
        yield server.base_url, app
    finally:
        app.begin_shutdown()
        server.stop()


@dataclass(frozen=True)
class Received:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Reply:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


Script = Callable[[Received], "Reply | None"]


class ScriptedUpstream:
    """An HTTP/1.1 server on loopback that answers as ``script`` says (None: never answer,
    until the server stops). Every request it received is kept in :attr:`received`."""

    def __init__(self, script: Script) -> None:
        self._script = script
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/v3"
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._accepting = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> ScriptedUpstream:
        self._accepting.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self._accepting.join(5)
        with self._lock:
            for conn in self._conns:
                with _quiet():
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()
        for thread in self._threads:
            thread.join(5)
        self._sock.close()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        state = h11.Connection(h11.SERVER)
        head: h11.Request | None = None
        body = b""
        with _quiet():
            while not self.stopping.is_set():
                event = state.next_event()
                if event is h11.NEED_DATA:
                    state.receive_data(conn.recv(65536))
                    continue
                if isinstance(event, h11.Request):
                    head, body = event, b""
                elif isinstance(event, h11.Data):
                    body += event.data
                elif isinstance(event, h11.EndOfMessage) and head is not None:
                    received = Received(
                        head.method.decode(),
                        head.target.decode(),
                        {k.decode(): v.decode() for k, v in head.headers},
                        body,
                    )
                    with self._lock:
                        self.received.append(received)
                    reply = self._script(received)
                    if reply is None:
                        self.stopping.wait(STOP_SECONDS)
                        return
                    headers = [(k.encode(), v.encode()) for k, v in reply.headers]
                    headers.append((b"content-length", str(len(reply.body)).encode()))
                    data = state.send(h11.Response(status_code=reply.status, headers=headers))
                    data += state.send(h11.Data(data=reply.body)) if reply.body else b""
                    data += state.send(h11.EndOfMessage())
                    conn.sendall(data)
                    state.start_next_cycle()
                else:
                    return


@contextmanager
def _quiet() -> Iterator[None]:
    with suppress(OSError, h11.ProtocolError):
        yield


def json_reply(status: int, body: bytes, *extra: tuple[str, str]) -> Reply:
    return Reply(status, [("content-type", "application/json"), *extra], body)


def raw_connection(url: str) -> socket.socket:
    """A plain socket to the proxy at ``url``, for requests no HTTP client would send."""
    host, port = url.split("//")[1].split("/")[0].split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def read_all(sock: socket.socket, seconds: float = 10.0) -> bytes:
    """Everything until the peer closes (or ``seconds`` pass)."""
    sock.settimeout(seconds)
    chunks = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


SIGNALS = {"SIGTERM": signal.SIGTERM, "SIGINT": signal.SIGINT}
