"""``serve``: options, refusals, and a real server process spoken to over loopback TCP."""

from __future__ import annotations

import argparse
import base64
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import orjson
import pytest

from sendcloud_contract.fake import RateLimit
from sendcloud_contract.fake.server import add_arguments, build_fake, main, run
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
    from sendcloud_contract.fake.server import _listen

    sock = _listen("127.0.0.1", 0)
    try:
        # asyncio disables Nagle's algorithm only on sockets whose protocol says TCP.
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
