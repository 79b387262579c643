"""The command as a whole: its first line, its summary on SIGINT/SIGTERM in each format, its
exit statuses, its recordings and ``--block-invalid``."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import orjson
import pytest

from sendcloud_contract.fake import FakeSendcloud
from tests.proxy.helpers import (
    ACCOUNT,
    AUTH,
    SIGNALS,
    ProxyProcess,
    Received,
    Reply,
    ScriptedUpstream,
    Stopped,
    fake_upstream,
    json_reply,
    order,
)

CLI = [sys.executable, "-m", "sendcloud_contract"]


def test_the_first_line_is_the_base_url_and_answers() -> None:
    with fake_upstream() as (url, _app), ProxyProcess("--upstream", url) as proxy:
        assert proxy.url.startswith("http://127.0.0.1:")
        assert proxy.url.endswith("/api/v3")
        response = httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        assert response.status_code == 200
        proxy.stop()


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_exchanges_in_flight_finish_before_the_summary(name: str, tmp_path: Path) -> None:
    arrived = threading.Semaphore(0)
    release = threading.Event()

    def slow(_: Received) -> Reply:
        arrived.release()
        release.wait(10)
        return json_reply(200, orjson.dumps({"data": []}))

    statuses: list[int] = []

    def client(url: str) -> None:
        statuses.append(httpx.get(url + "/orders", auth=AUTH, timeout=20).status_code)

    record = tmp_path / "rec"
    report = tmp_path / "report.json"
    with ScriptedUpstream(slow) as upstream:
        proxy = ProxyProcess(
            "--upstream", upstream.base_url, "--record", str(record),
            "--report", str(report), "--format", "json",
        )  # fmt: skip
        with proxy:
            clients = [threading.Thread(target=client, args=(proxy.url,)) for _ in range(4)]
            for thread in clients:
                thread.start()
            for _ in clients:
                assert arrived.acquire(timeout=10)  # all four are at the upstream now
            stopped: list[Stopped] = []
            stopping = threading.Thread(target=lambda: stopped.append(proxy.stop(SIGNALS[name])))
            stopping.start()
            time.sleep(0.5)  # the signal lands while the four wait for their answers
            release.set()
            stopping.join(30)
            for thread in clients:
                thread.join(10)
    assert statuses == [200, 200, 200, 200]
    assert stopped[0].status == 0
    summary = json.loads(report.read_text())
    assert (summary["exchanges"], summary["ok"]) == (4, 4)
    (recording,) = record.glob("*.json")
    assert len(json.loads(recording.read_text())) == 4


def test_the_summary_by_operation_and_the_exit_status(tmp_path: Path) -> None:
    with fake_upstream() as (url, _app), ProxyProcess("--upstream", url) as proxy:
        httpx.post(proxy.url + "/orders", json=[order("A-1")], auth=AUTH, timeout=10)
        httpx.post(proxy.url + "/orders", json=[{"order_id": "A-2"}], auth=AUTH, timeout=10)
        httpx.get(proxy.url + "/elsewhere", auth=AUTH, timeout=10)
        proxy.exchange(3)
        stopped = proxy.stop()
    assert stopped.status == 1
    lines = stopped.stdout.splitlines()
    assert lines[0].endswith(
        "3 exchanges with " + url + ": 1 ok, 1 broke the contract, 1 unmatched, "
        "0 without an answer from the upstream"
    )
    assert "POST /orders (create_orders): 2 exchanges, 1 broke the contract" in lines
    assert any(line.startswith("  #2 request /0: error: missing required field") for line in lines)
    assert "  #3 GET /api/v3/elsewhere 404: not an Orders API path" in lines
    coverage = next(line for line in lines if line.startswith("  POST /orders "))
    assert "201 x1" in coverage
    assert "400 x1" in coverage


@pytest.mark.parametrize("fmt", ["json", "junit", "github"])
def test_each_format_carries_violations_and_coverage(fmt: str, tmp_path: Path) -> None:
    report = tmp_path / "report"
    with (
        fake_upstream() as (url, _app),
        ProxyProcess("--upstream", url, "--format", fmt, "--report", str(report)) as proxy,
    ):
        httpx.post(proxy.url + "/orders", json=[{"order_id": "A-2"}], auth=AUTH, timeout=10)
        httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        proxy.exchange(2)
        stopped = proxy.stop()
    assert stopped.status == 1
    assert stopped.stdout == ""  # the summary went to --report
    text = report.read_text()
    if fmt == "json":
        data = json.loads(text)
        (create,) = [op for op in data["operations"] if op["name"] == "create_orders"]
        assert create["invalid"] == 1
        assert create["violations"][0]["part"] == "request"
        statuses = {op["operation"]: op["statuses"] for op in data["coverage"]["operations"]}
        assert statuses["GET /orders"]["200"] == 1
    elif fmt == "junit":
        suite = ET.fromstring(text).find("testsuite")
        assert suite is not None
        cases = {case.get("name"): case for case in suite.iter("testcase")}
        assert cases["POST /orders"].find("failure") is not None
        assert cases["GET /orders"].find("failure") is None
        assert "GET /orders" in (suite.findtext("system-out") or "")
    else:
        errors = [line for line in text.splitlines() if line.startswith("::error ")]
        assert errors
        assert all("title=sendcloud-contract required::#1 POST" in e for e in errors)
        assert any(
            line.startswith("GET /orders ") and "200 x1" in line for line in text.splitlines()
        )


def test_a_response_that_breaks_the_contract_is_caught() -> None:
    def broken(_: Received) -> Reply:
        return json_reply(201, orjson.dumps({"data": [{"id": "abc", "order_id": "A-1"}]}))

    with (
        ScriptedUpstream(broken) as upstream,
        ProxyProcess("--upstream", upstream.base_url) as proxy,
    ):
        httpx.post(proxy.url + "/orders", json=[order("A-1")], auth=AUTH, timeout=10)
        block = proxy.exchange(1)
        stopped = proxy.stop()
    assert "201 INVALID" in block
    assert "  response /data/0: error: missing required field 'order_number'" in block
    assert stopped.status == 1


def test_a_recording_made_through_the_proxy_validates(tmp_path: Path) -> None:
    record = tmp_path / "rec"
    with (
        fake_upstream() as (url, _app),
        ProxyProcess("--upstream", url, "--record", str(record)) as proxy,
    ):
        created = httpx.post(proxy.url + "/orders", json=[order("R-1")], auth=AUTH, timeout=10)
        pk = created.json()["data"][0]["id"]
        httpx.get(f"{proxy.url}/orders/{pk}", auth=AUTH, timeout=10)
        httpx.patch(f"{proxy.url}/orders/{pk}", json={"order_number": "R-2"}, auth=AUTH, timeout=10)
        httpx.get(proxy.url + "/orders", params={"page_size": "5"}, auth=AUTH, timeout=10)
        httpx.delete(f"{proxy.url}/orders/{pk}", auth=AUTH, timeout=10)
        proxy.exchange(5)
        assert proxy.stop().status == 0
    (recording,) = record.glob("*.json")
    interactions = json.loads(recording.read_text())
    assert [i["response"]["status"] for i in interactions] == [201, 200, 200, 200, 204]
    checked = subprocess.run(
        [*CLI, "validate", "--verbose", str(record)], capture_output=True, text=True, timeout=60
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "5 interactions: 5 Orders API" in checked.stdout


def test_block_invalid_keeps_a_bad_batch_out_of_the_upstreams_store() -> None:
    bad = [order("B-1"), {"order_id": "B-2"}]
    fake = FakeSendcloud([ACCOUNT])
    with (
        fake_upstream(fake) as (url, _app),
        ProxyProcess("--upstream", url, "--block-invalid") as proxy,
    ):
        refused = httpx.post(proxy.url + "/orders", json=bad, auth=AUTH, timeout=10)
        block = proxy.exchange(1)
        fine = httpx.post(proxy.url + "/orders", json=[order("B-3")], auth=AUTH, timeout=10)
        proxy.exchange(2)
        stopped = proxy.stop()
    assert refused.status_code == 400
    assert [o["order_id"] for o in fake.orders()] == ["B-3"]  # the bad batch never arrived
    assert fine.status_code == 201
    direct = FakeSendcloud([ACCOUNT]).handle(
        "POST",
        "http://x/api/v3/orders",
        {"authorization": httpx.BasicAuth(*AUTH)._auth_header, "content-type": "application/json"},
        orjson.dumps(bad),
    )
    assert refused.json() == direct.body  # the 400 the fake itself gives
    assert "400 blocked, not forwarded" in block
    assert "1 of them blocked" in stopped.stdout
    assert stopped.status == 1


def test_help_shows_the_safety_defaults() -> None:
    shown = subprocess.run(
        [*CLI, "proxy", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"COLUMNS": "200"},
    ).stdout
    for option, default in (
        ("--connect-timeout", "(default: 5)"),
        ("--read-timeout", "(default: 30)"),
        ("--idle-timeout", "(default: 30)"),
        ("--request-timeout", "(default: 15)"),
        ("--max-body-bytes", "(default: 10485760)"),
        ("--max-connections", "(default: 64)"),
    ):
        line = next(line for line in shown.splitlines() if line.strip().startswith(option))
        assert line.rstrip().endswith(default), line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--upstream", "ftp://example.com"], "expected an http(s) URL"),
        (["--upstream", "https://user:s3cret@example.com/api/v3"], "must not hold credentials"),
        (["--upstream", "ftp://user:s3cret@example.com"], "must not hold credentials"),
        (["--upstream", "https://user:s3cret@example.com:port"], "is not a URL"),
        (["--upstream", "https://example.com/api/v3?key=s3cret"], "without ? or #"),
        (["--upstream", "http://127.0.0.1:1", "--report", "/no/such/dir/r.txt"], "cannot write"),
        (["--upstream", "http://127.0.0.1:1", "--read-timeout", "0"], "more than 0"),
        (["--upstream", "http://127.0.0.1:1", "--format", "xml"], "invalid choice"),
    ],
)
def test_usage_errors_exit_2_without_a_traceback(args: list[str], message: str) -> None:
    done = subprocess.run([*CLI, "proxy", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr


def test_a_port_in_use_is_a_usage_error() -> None:
    with fake_upstream() as (url, _app):
        port = url.split(":")[2].split("/")[0]
        done = subprocess.run(
            [*CLI, "proxy", "--upstream", url, "--port", port],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr


def test_a_summary_that_cannot_be_written_exits_3() -> None:
    with (
        fake_upstream() as (url, _app),
        ProxyProcess("--upstream", url, "--report", "/dev/full") as proxy,
    ):
        httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        proxy.exchange(1)
        stopped = proxy.stop()
    assert stopped.status == 3
    assert "cannot write the summary" in stopped.stderr


def test_a_second_signal_stops_at_once() -> None:
    cut: list[Exception] = []

    def wait_in_vain(url: str) -> None:
        try:
            httpx.get(url + "/orders", auth=AUTH, timeout=30)
        except httpx.HTTPError as error:
            cut.append(error)

    with ScriptedUpstream(lambda _: None) as upstream:  # it never answers
        proxy = ProxyProcess("--upstream", upstream.base_url)
        with proxy:
            waiting = threading.Thread(target=wait_in_vain, args=(proxy.url,))
            waiting.start()
            while not upstream.received:
                time.sleep(0.02)
            proxy.send(SIGNALS["SIGTERM"])
            assert proxy.wait_for("stopping once 1 exchange(s) in flight end")
            started = time.monotonic()
            stopped = proxy.stop()  # the second signal
            assert time.monotonic() - started < 10
            waiting.join(10)
    assert len(cut) == 1  # its connection was closed, unanswered
    assert stopped.status == 0
    assert "0 exchanges" in stopped.stdout
