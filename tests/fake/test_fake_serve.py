"""``serve``: options, refusals, and a real server process spoken to over loopback TCP."""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from sendcloud_contract.fake import FakeSendcloud, RateLimit, asgi_app
from sendcloud_contract.fake.server import (
    SPARE_FILES,
    add_arguments,
    build_fake,
    main,
    open_files_for,
    run,
)
from tests.fake.helpers import make_order
from tests.helpers import ROOT


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    return parser.parse_args(list(argv))


def test_defaults_describe_one_account_that_declares_no_integration() -> None:
    fake = build_fake(parse())

    assert fake.account.public_key == "fake-public-key"
    assert fake.account.secret_key == "fake-secret-key"
    assert fake.account.integrations is None
    assert fake.rate_limit is None
    assert fake.visibility_delay == 0


def test_options_set_the_account_and_the_knobs(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "- order_id: from-yaml\n"
        "  order_number: Y-1\n"
        "  order_details:\n"
        "    integration: {id: 8}\n"
        "    status: {code: fulfilled}\n"
        "    order_created_at: '2024-04-28T10:00:00Z'\n"
        "    order_items:\n"
        "      - {name: Mug, quantity: 1, total_price: {value: 4.5, currency: EUR}}\n"
        "  payment_details:\n"
        "    total_price: {value: 4.5, currency: EUR}\n"
        "    status: {code: paid}\n",
        encoding="utf-8",
    )
    args = parse(
        "--public-key", "pk", "--secret-key", "sk", "--integration", "7", "8",
        "--integration", "9", "--bearer-token", "tok", "--seed", str(seed), "--first-id", "500",
        "--rate-limit", "--visibility-delay", "2", "--still-processing", "busy",
        "--still-processing", "busy", "--fault", "POST /orders 503 2",
        "--fault", "GET /orders/{id} timeout always",
    )  # fmt: skip

    fake = build_fake(args)

    assert fake.account.integrations == (7, 8, 9)
    assert fake.account.bearer_token == "tok"
    assert fake.rate_limit == RateLimit()
    assert fake.visibility_delay == 2
    [seeded] = fake.orders()
    assert (seeded["id"], seeded["order_id"]) == ("500", "from-yaml")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fault", "POST /orders"], "expected 'METHOD PATH STATUS|timeout"),
        (["--fault", "POST /orders 404"], "5xx"),
        (["--fault", "GET /parcels 503"], "unknown route"),
        (["--fault", "POST /orders 503 many"], "invalid literal"),
        (["--integration", "0"], "positive integers"),
        (["--first-id", "0"], "--first-id"),
        (["--visibility-delay", "-1"], "cannot be negative"),
    ],
)
def test_unusable_options_exit_2_with_a_message(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(parse("--port", "0", *argv)) == 2
    assert message in capsys.readouterr().err


def test_a_seed_the_fake_refuses_exits_2_naming_the_order(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(orjson.dumps([make_order("ok"), make_order("other-account", 3)]))

    assert run(parse("--port", "0", "--integration", "1", "--seed", str(seed))) == 2
    err = capsys.readouterr().err
    assert "/data/attributes/[1]/order_details/integration/id" in err
    assert "Integration with id 3 does not exist" in err


@pytest.mark.parametrize("content", [b"[{]", b""])
def test_an_unreadable_seed_exits_2_with_its_position(
    tmp_path: Path, content: bytes, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(content)

    assert run(parse("--port", "0", "--seed", str(seed))) == 2
    assert f"{seed}:1:" in capsys.readouterr().err


def test_a_port_in_use_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]

        assert run(parse("--port", str(port))) == 2
    assert "cannot listen on" in capsys.readouterr().err


def test_module_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])

    assert exited.value.code == 0
    out = capsys.readouterr().out
    for option in ("--port", "--seed", "--rate-limit", "--visibility-delay", "--fault"):
        assert option in out


def _first_line(process: subprocess.Popen[str], timeout: float) -> str:
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout
    threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=timeout).strip()
    except queue.Empty:
        process.kill()
        pytest.fail(f"serve printed no base URL within {timeout} s")
    if not line:
        _, stderr = process.communicate(timeout=timeout)
        pytest.fail(f"serve exited with {process.returncode} before printing its URL:\n{stderr}")
    return line


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_process_talks_tcp_and_stops_cleanly(tmp_path: Path, stop: signal.Signals) -> None:
    seed = tmp_path / "seed.json"
    seed.write_bytes(orjson.dumps([make_order("seeded", 7)]))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "sendcloud_contract", "serve", "--port", "0",
        "--public-key", "pk", "--secret-key", "sk", "--integration", "7",
        "--seed", str(seed),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        base_url = _first_line(process, timeout=30)
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/api/v3")
        assert not base_url.startswith("http://127.0.0.1:0/")

        with httpx.Client(base_url=base_url, auth=("pk", "sk"), timeout=10) as client:
            seeded = client.get("/orders").json()["data"]

            def create(n: int) -> int:
                response = client.post("/orders", json=[make_order(f"tcp-{n}", 7)])
                assert response.status_code == 201, response.text
                identifier: int = response.json()["data"][0]["id"]
                return identifier

            with ThreadPoolExecutor(8) as pool:
                created = list(pool.map(create, range(24)))
            listed = client.get("/orders", params={"page_size": "200"})
            missing = client.get("/orders/99999")
            anonymous = httpx.get(f"{base_url}/orders", timeout=10)

        assert [o["order_id"] for o in seeded] == ["seeded"]
        assert len(set(created)) == 24
        assert len(listed.json()["data"]) == 25
        assert missing.status_code == 404
        assert anonymous.status_code == 401
    finally:
        process.send_signal(stop)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "stopped" in stderr


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_port_out_of_range_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], port: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--port", port])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "argument --port" in err
    assert "Traceback" not in err


def test_sigterm_with_stalled_requests_answers_them_and_exits_cleanly() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "sendcloud_contract", "serve", "--port", "0",
        "--fault", "GET /orders timeout always", "--stall-seconds", "60",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stalled: list[socket.socket] = []
    try:
        url = httpx.URL(_first_line(process, timeout=30))
        credentials = base64.b64encode(b"fake-public-key:fake-secret-key").decode()
        request = (
            f"GET /api/v3/orders HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
            f"Authorization: Basic {credentials}\r\n\r\n"
        ).encode()
        for _ in range(2):
            sock = socket.create_connection((url.host, url.port), timeout=30)
            sock.sendall(request)
            stalled.append(sock)
        # Sent before this probe connected, the stalled requests are read before it is answered.
        assert httpx.get(f"{url}/orders/1", timeout=10).status_code == 401
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            _, stderr = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    answers = []
    for sock in stalled:
        with sock:
            answers.append(sock.makefile("rb").readline())
    assert answers == [b"HTTP/1.1 504 Gateway Timeout\r\n"] * 2
    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Cancel" not in stderr


def test_the_listening_socket_is_tcp_so_answers_are_not_held_back() -> None:
    from sendcloud_contract.listening import listen

    sock = listen("127.0.0.1", 0)
    try:
        # asyncio disables Nagle's algorithm only on sockets whose protocol says TCP.
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


# --------------------------------------------------------------------------- bounds

GENEROUS = 15.0
AUTH = ("fake-public-key", "fake-secret-key")
CREDENTIALS = base64.b64encode(b"fake-public-key:fake-secret-key").decode()


@contextlib.contextmanager
def serving(
    *options: str, open_files: int | None = None
) -> Iterator[tuple[httpx.URL, Callable[[], str]]]:
    """A ``serve`` process on a free loopback port (allowed ``open_files`` at most); yields
    its base URL and a ``stop`` that sends SIGTERM, waits (bounded) and returns stderr.
    Always stopped."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "sendcloud_contract", "serve", "--port", "0", *options]

    def limit_files() -> None:
        import resource

        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit_files,
    )
    stderr: list[str] = []

    def stop() -> str:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                stderr.append(process.communicate(timeout=20)[1])
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate(timeout=20)
                pytest.fail("serve did not stop within 20 s of SIGTERM")
        return "".join(stderr)

    try:
        yield httpx.URL(_first_line(process, timeout=30)), stop
        stop()
        assert process.returncode == 0, stderr
    finally:
        if process.returncode is None:
            process.kill()
            process.communicate(timeout=20)


def _connect(url: httpx.URL, sent: bytes = b"") -> socket.socket:
    sock = socket.create_connection((url.host, url.port or 80), timeout=GENEROUS)
    if sent:
        sock.sendall(sent)
    return sock


def _read_to_eof(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; a timeout here fails the test."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except TimeoutError:
        pytest.fail(f"the server kept the connection open for {GENEROUS} s: {b''.join(chunks)!r}")
    return b"".join(chunks)


def _head(method: str, url: httpx.URL, *extra: str) -> bytes:
    lines = [
        f"{method} /api/v3/orders HTTP/1.1",
        f"Host: {url.host}:{url.port}",
        f"Authorization: Basic {CREDENTIALS}",
        *extra,
    ]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def test_idle_and_half_sent_connections_are_closed_by_the_server() -> None:
    timeouts = ["--keep-alive-timeout", "0.3", "--header-timeout", "0.3", "--body-timeout", "0.3"]
    with serving(*timeouts) as (url, stop):
        idle = _connect(url)
        half_head = _connect(url, b"GET /api/v3/orders HTTP/1.1\r\nHost: x\r\n")
        half_body = _connect(
            url,
            _head("POST", url, "Content-Type: application/json", "Content-Length: 100") + b"[",
        )
        answered = _connect(url, _head("GET", url))
        sockets = [idle, half_head, half_body, answered]
        try:
            received = [_read_to_eof(sock) for sock in sockets]
            # The server still serves, and says nothing on stderr of the closed ones.
            assert httpx.get(f"{url}/orders", auth=AUTH, timeout=GENEROUS).status_code == 200
        finally:
            for sock in sockets:
                sock.close()
        stderr = stop()

    assert received[0] == b""
    assert received[1].startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b'"code":"request_timeout"' in received[1]
    assert received[2].startswith(b"HTTP/1.1 408 Request Timeout\r\n")
    assert b"The request body did not arrive within 0.3 s." in received[2]
    assert received[3].startswith(b"HTTP/1.1 200 OK\r\n")
    assert received[3].count(b"HTTP/1.1") == 1
    assert "Traceback" not in stderr


def test_connections_past_the_limit_are_answered_503_and_logged_once() -> None:
    with serving("--max-connections", "2") as (url, stop):
        held = [_connect(url), _connect(url)]
        try:
            refused = [_connect(url, _head("GET", url)) for _ in range(3)]
            answers = [_read_to_eof(sock) for sock in refused]
            for sock in refused:
                sock.close()
            for sock in held:
                sock.close()
            statuses = _until_served(url)
        finally:
            for sock in held:
                sock.close()
        stderr = stop()

    for answer in answers:
        assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
        assert b"connections open, its limit" in answer
    assert statuses[-1] == 200
    assert set(statuses[:-1]) <= {503}
    assert _limit_episodes(stderr, 2)
    assert "Traceback" not in stderr


def _until_served(url: str) -> list[int]:
    """The statuses of lists asked for until one is served (50 at most): a place frees once
    the server has seen a connection close."""
    statuses = []
    for _ in range(50):
        statuses.append(httpx.get(f"{url}/orders", auth=AUTH, timeout=GENEROUS).status_code)
        if statuses[-1] == 200:
            break
    return statuses


def _limit_episodes(stderr: str, limit: int) -> int:
    """How often the limit was reached, when the log says so once each time: a line when it
    is reached, one when connections are accepted again (on a slow machine held connections
    may time out and free places, so the limit can be reached more than once)."""
    reached = f"Connection limit reached ({limit} open, --max-connections)"
    again = "Accepting new connections again"
    told = [line for line in stderr.splitlines() if reached in line or again in line]
    assert all((reached in line) == (index % 2 == 0) for index, line in enumerate(told)), told
    return sum(reached in line for line in told)


def test_more_connections_than_the_process_may_open_files_are_refused_cleanly() -> None:
    flood = SPARE_FILES + 100
    with serving(open_files=SPARE_FILES + 48) as (url, stop):
        opened = []
        try:
            for _ in range(flood):
                opened.append(_connect(url))
            for sock in opened:
                sock.close()
            statuses = _until_served(url)
        finally:
            for sock in opened:
                sock.close()
        stderr = stop()

    assert statuses[-1] == 200
    assert "--max-connections lowered to 48" in stderr
    assert _limit_episodes(stderr, 48)
    assert "Traceback" not in stderr
    # a burst may still find the process out of files now and then: one line says so
    assert stderr.count("Too many open files") <= 1


def test_sigterm_while_a_client_is_mid_body_answers_503_and_stops_cleanly() -> None:
    with serving() as (url, stop):
        sending = _connect(
            url,
            _head("POST", url, "Content-Type: application/json", "Content-Length: 100") + b"[",
        )
        try:
            # Sent before this probe connected, the half-sent request is read before it is.
            assert httpx.get(f"{url}/orders/1", timeout=GENEROUS).status_code == 401
            stderr = stop()
            answer = _read_to_eof(sending)
        finally:
            sending.close()

    assert answer.startswith(b"HTTP/1.1 503 Service Unavailable\r\n")
    assert b"connection: close" in answer.lower()
    assert b"The server is shutting down" in answer
    assert "Traceback" not in stderr
    assert "Cancel" not in stderr
    assert "stopped" in stderr


def _largest_send_buffer() -> int:
    """The most a socket's kernel buffer may hold of what is sent on it (Linux's autotuning)."""
    try:
        return int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
    except (OSError, IndexError, ValueError):
        return 64 * 1024 * 1024


def _big_order(n: int, size: int) -> dict[str, Any]:
    """A valid order of about ``size`` bytes of JSON: many order items."""
    order = make_order(f"big-{n}")
    item = order["order_details"]["order_items"][0]
    count = 1 + size // 320
    order["order_details"]["order_items"] = [
        dict(item, name=f"Candle {i} " + "x" * 200) for i in range(count)
    ]
    return order


def test_sigterm_while_a_client_is_not_reading_its_answers_stops_cleanly(tmp_path: Path) -> None:
    # One page is more than the kernel holds, so the server's own buffer fills and
    # its answer to the next request waits to be sent, for as long as no one reads.
    orders = 150
    seed = tmp_path / "seed.json"
    each = (_largest_send_buffer() + 1024 * 1024) // orders
    seed.write_bytes(orjson.dumps([_big_order(n, each) for n in range(orders)]))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "sendcloud_contract", "serve", "--port", "0", "--seed", str(seed),
        "--log-level", "info",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    logged: queue.Queue[str] = queue.Queue()  # uvicorn's access log goes to stdout
    assert process.stdout is not None
    assert process.stderr is not None
    stuck = socket.socket()
    try:
        url = httpx.URL(_first_line(process, timeout=30))
        lines = process.stdout

        def pump() -> None:
            for line in lines:
                logged.put(line)

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        page = f"GET /api/v3/orders?page_size={orders} HTTP/1.1\r\nHost: x\r\n"
        request = f"{page}Authorization: Basic {CREDENTIALS}\r\n\r\n".encode()
        stuck.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stuck.settimeout(GENEROUS)
        stuck.connect((url.host, url.port))
        stuck.sendall(request * 2)  # and neither answer is read
        while "GET /api/v3/orders" not in logged.get(timeout=GENEROUS):
            pass  # the first answer has begun; its body is written in the same step
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)
            pytest.fail("serve did not stop within 20 s of SIGTERM")
        finally:
            stuck.close()
    stderr = process.stderr.read()
    reader.join(timeout=GENEROUS)
    process.stdout.close()
    process.stderr.close()

    assert process.returncode == 0, stderr
    assert "Traceback" not in stderr
    assert "Cancel" not in stderr


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--header-timeout", "0", "more than 0"),
        ("--body-timeout", "-1", "more than 0"),
        ("--keep-alive-timeout", "nan", "more than 0"),
        ("--header-timeout", "inf", "more than 0"),
        ("--body-timeout", "soon", "expected a number of seconds"),
        ("--max-connections", "0", "at least 1"),
        ("--max-connections", "many", "expected a whole number"),
    ],
)
def test_unusable_bounds_are_usage_errors(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main([option, value])

    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err
    assert message in err


def test_help_describes_every_option_its_default_and_the_keys() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{action.option_strings} has no description"
        if action.default not in (None, False, [], argparse.SUPPRESS):
            assert "%(default)" in action.help or str(action.default) in action.help, (
                f"{action.option_strings} does not show its default {action.default!r}"
            )
    text = " ".join(parser.format_help().split())
    assert "Basic auth" in text
    assert "public key" in text
    assert "secret key" in text
    assert "(default: fake-public-key)" in text
    assert "(default: 256)" in text


def test_the_connection_limit_is_fitted_to_the_open_file_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import resource

    limits = {"soft": 200, "hard": SPARE_FILES + 100}

    def getrlimit(which: int) -> tuple[int, int]:
        assert which == resource.RLIMIT_NOFILE
        return limits["soft"], limits["hard"]

    def setrlimit(which: int, values: tuple[int, int]) -> None:
        soft, hard = values
        if soft > hard or hard != limits["hard"]:
            raise ValueError("not allowed to raise the limit")
        limits["soft"] = soft

    monkeypatch.setattr(resource, "getrlimit", getrlimit)
    monkeypatch.setattr(resource, "setrlimit", setrlimit)

    # Too low even when raised as far as allowed: fewer connections.
    assert open_files_for(256) == 100
    assert limits["soft"] == SPARE_FILES + 100
    # Room enough once raised: all of them.
    limits.update(soft=200, hard=SPARE_FILES + 1000)
    assert open_files_for(256) == 256
    assert limits["soft"] == 256 + SPARE_FILES


class _SlowClient:
    """An ASGI client that sends the first part of a body and then nothing."""

    def __init__(self, *messages: dict[str, Any]) -> None:
        self.messages = list(messages)
        self.sent: list[MutableMapping[str, Any]] = []
        self.waiting = asyncio.Event()

    async def receive(self) -> MutableMapping[str, Any]:
        if self.messages:
            return self.messages.pop(0)
        self.waiting.set()
        await asyncio.sleep(GENEROUS)
        raise AssertionError("the app waited for the rest of the body for ever")

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(message)

    def answer(self) -> tuple[int, dict[bytes, bytes], Any]:
        start, body = self.sent
        return start["status"], dict(start["headers"]), orjson.loads(body["body"])


def _post_scope() -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/api/v3/orders",
        "raw_path": b"/api/v3/orders",
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Basic {CREDENTIALS}".encode()),
            (b"content-type", b"application/json"),
        ],
    }


def test_a_body_that_does_not_arrive_in_time_is_answered_408() -> None:
    client = _SlowClient({"type": "http.request", "body": b"[", "more_body": True})
    app = asgi_app(FakeSendcloud(), body_timeout=0.05)

    asyncio.run(asyncio.wait_for(app(_post_scope(), client.receive, client.send), GENEROUS))

    status, headers, body = client.answer()
    assert status == 408
    assert headers[b"connection"] == b"close"
    assert body["errors"][0]["code"] == "request_timeout"


def test_shutting_down_answers_a_body_still_arriving_503_and_a_complete_request_as_usual() -> None:
    slow = _SlowClient({"type": "http.request", "body": b"[", "more_body": True})
    done = _SlowClient({"type": "http.request", "body": b"[]", "more_body": False})
    app = asgi_app(FakeSendcloud())

    async def scenario() -> None:
        waiting = asyncio.ensure_future(app(_post_scope(), slow.receive, slow.send))
        await asyncio.wait_for(slow.waiting.wait(), GENEROUS)
        app.begin_shutdown()
        await asyncio.wait_for(waiting, GENEROUS)
        await asyncio.wait_for(app(_post_scope(), done.receive, done.send), GENEROUS)

    asyncio.run(scenario())

    status, headers, body = slow.answer()
    assert status == 503
    assert headers[b"connection"] == b"close"
    assert "shutting down" in body["errors"][0]["detail"]
    assert done.answer()[0] == 400  # an empty batch: answered, not turned away
