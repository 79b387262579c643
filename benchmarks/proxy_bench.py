"""How much the proxy costs: requests per second through it against straight to ``serve``.

``benchmarks/run.py`` calls :func:`measure`; run this file alone for the same rows. Both
``sendcloud-contract serve`` and ``sendcloud-contract proxy`` run in processes of their own
on loopback, as a team would run them. The load comes from a few threads on kept-alive
connections sending prepared requests (a one-order POST /orders and a GET /orders/{id}, in
turn), so that the client costs little next to the servers; each round measures straight
to serve and through the proxy in turn, and the best round of each counts.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
from base64 import b64encode
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BIN = Path(sys.executable).parent
KEYS = ("bench-public-key", "bench-secret-key")
CONNECTIONS = 4
SECONDS = 2.0
ROUNDS = 5
TARGET = 0.5


@contextmanager
def running(*args: str) -> Iterator[str]:
    """A ``sendcloud-contract`` server command on a free loopback port; yields its URL."""
    process = subprocess.Popen(
        [str(BIN / "sendcloud-contract"), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait(timeout=60)
        if process.stdout is not None:
            process.stdout.close()


def _requests(base_url: str, pk: int) -> list[bytes]:
    """The prepared requests, in the order each connection sends them."""
    host = base_url.split("//")[1].split("/")[0]
    root = "/" + base_url.split("//")[1].split("/", 1)[1]
    auth = b64encode(f"{KEYS[0]}:{KEYS[1]}".encode()).decode()
    order = json.loads((ROOT / "examples" / "valid" / "basic-order.json").read_text())
    body = json.dumps(order).encode()
    head = f"Host: {host}\r\nAuthorization: Basic {auth}\r\n"
    post = (
        f"POST {root}/orders HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    get = f"GET {root}/orders/{pk} HTTP/1.1\r\n{head}\r\n".encode()
    return [post, get]


def _answer(sock: socket.socket, buffer: bytearray) -> int:
    """Read one answer off a kept-alive connection; its status."""
    while b"\r\n\r\n" not in buffer:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        buffer += chunk
    head, _, rest = bytes(buffer).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        rest += chunk
    buffer[:] = rest[length:]
    return int(lines[0].split()[1])


def _load(base_url: str, pk: int, seconds: float) -> float:
    """Requests per second that ``CONNECTIONS`` connections get answered in ``seconds``."""
    requests = _requests(base_url, pk)
    host, port = base_url.split("//")[1].split("/")[0].split(":")
    counts = [0] * CONNECTIONS
    failures: list[str] = []
    start = threading.Barrier(CONNECTIONS + 1, timeout=30)
    stop = threading.Event()

    def client(index: int) -> None:
        try:
            answer_all(index)
        except (OSError, threading.BrokenBarrierError) as error:
            failures.append(f"a connection failed: {error!r}")
            start.abort()

    def answer_all(index: int) -> None:
        with socket.create_connection((host, int(port)), timeout=30) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffer = bytearray()
            start.wait()
            while not stop.is_set():
                for request in requests:
                    sock.sendall(request)
                    status = _answer(sock, buffer)
                    if status not in (200, 201):
                        failures.append(f"{request.split()[0].decode()} answered {status}")
                        return
                    counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    try:
        start.wait()
        began = time.perf_counter()
        time.sleep(seconds)
    except threading.BrokenBarrierError:
        pass  # a connection failed: its failure is raised below
    stop.set()
    for thread in threads:
        thread.join(60)
    elapsed = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"{base_url}: {failures[0]}")
    return sum(counts) / elapsed


def _seed(base_url: str) -> int:
    """Store the order once, so that every GET finds it; its Sendcloud id."""
    import httpx

    order = json.loads((ROOT / "examples" / "valid" / "basic-order.json").read_text())
    response = httpx.post(base_url + "/orders", json=order, auth=KEYS, timeout=30)
    response.raise_for_status()
    pk: int = response.json()["data"][0]["id"]
    return pk


def measure(seconds: float = SECONDS, rounds: int = ROUNDS) -> list[dict[str, str]]:
    serve = ["serve", "--port", "0", "--integration", "4711",
             "--public-key", KEYS[0], "--secret-key", KEYS[1]]  # fmt: skip
    with running(*serve) as direct, running("proxy", "--upstream", direct) as proxied:
        pk = _seed(direct)
        best_direct = best_proxied = 0.0
        for _ in range(rounds):
            best_direct = max(best_direct, _load(direct, pk, seconds))
            best_proxied = max(best_proxied, _load(proxied, pk, seconds))
    ratio = best_proxied / best_direct
    verdict = "met" if ratio >= TARGET else "MISSED"
    return [
        {"name": "proxy in front of serve, POST + GET mix", "value": f"{best_proxied:,.0f}",
         "unit": "req/s", "peer": f"serve direct {best_direct:,.0f} req/s",
         "ratio": f"{ratio:.2f}x of direct (target >= {TARGET}x): {verdict}"}
    ]  # fmt: skip


if __name__ == "__main__":
    for row in measure():
        print(" | ".join(row.get(k, "") for k in ("name", "value", "unit", "peer", "ratio")))
