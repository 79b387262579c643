"""The proxy's promises: credentials only to the upstream's origin, redirects passed back,
nothing secret logged or recorded, bounded bodies, time and connections, and its own
502/504 (never a hang) when the upstream fails."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from pathlib import Path

import httpx
import orjson

from tests.proxy.helpers import (
    AUTH,
    ProxyProcess,
    Received,
    Reply,
    ScriptedUpstream,
    fake_upstream,
    free_port,
    json_reply,
    order,
    raw_connection,
    read_all,
)

LIST = orjson.dumps({"data": []})


def listing(_: Received) -> Reply:
    return json_reply(200, LIST)


def proxy_error(response: httpx.Response, status: int) -> str:
    """The detail of the proxy's own JSON:API error, after checking its form."""
    assert response.status_code == status
    (entry,) = response.json()["errors"]
    assert entry["status"] == str(status)
    detail: str = entry["detail"]
    assert detail.startswith("sendcloud-contract proxy: ")
    return detail


def test_an_upstream_that_is_down_gives_a_502_from_the_proxy() -> None:
    port = free_port()
    with ProxyProcess("--upstream", f"http://127.0.0.1:{port}/api/v3") as proxy:
        started = time.monotonic()
        response = httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        assert time.monotonic() - started < 5
        assert "could not connect to the upstream" in proxy_error(response, 502)
        line = proxy.exchange(1)
        assert "502 no answer from the upstream: could not connect" in line
        stopped = proxy.stop()
    assert stopped.status == 0  # the upstream failed; no exchange broke the contract
    assert "1 without an answer from the upstream" in stopped.stdout
    assert "Traceback" not in stopped.stderr


def test_a_slow_upstream_gives_a_504_after_the_read_timeout() -> None:
    with (
        ScriptedUpstream(lambda _: None) as upstream,
        ProxyProcess("--upstream", upstream.base_url, "--read-timeout", "0.5") as proxy,
    ):
        started = time.monotonic()
        response = httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        waited = time.monotonic() - started
        assert 0.4 < waited < 5
        assert proxy_error(response, 504).endswith("the upstream did not answer in 0.5 s")
        assert proxy.stop().status == 0


def test_a_redirect_is_passed_back_and_credentials_do_not_follow_it() -> None:
    with ScriptedUpstream(listing) as elsewhere:

        def moved(_: Received) -> Reply:
            return Reply(302, [("location", elsewhere.base_url + "/orders")])

        with (
            ScriptedUpstream(moved) as upstream,
            ProxyProcess("--upstream", upstream.base_url) as proxy,
        ):
            response = httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
            assert response.status_code == 302
            assert response.headers["location"] == elsewhere.base_url + "/orders"
            assert "302" in proxy.exchange(1)
            proxy.stop()
        assert [r.target for r in upstream.received] == ["/api/v3/orders"]
        assert upstream.received[0].headers["authorization"].startswith("Basic ")
        assert elsewhere.received == []


def test_credentials_reach_the_upstream_and_no_log_or_recording(tmp_path: Path) -> None:
    secret = AUTH[1]
    token = base64.b64encode(f"{AUTH[0]}:{secret}".encode()).decode()
    record = tmp_path / "rec"
    with (
        ScriptedUpstream(lambda _: json_reply(200, LIST, ("set-cookie", "session=s3cr3t"))) as up,
        ProxyProcess("--upstream", up.base_url, "--record", str(record)) as proxy,
    ):
        response = httpx.get(
            proxy.url + "/orders", auth=AUTH, headers={"cookie": "session=s3cr3t"}, timeout=10
        )
        assert response.headers["set-cookie"] == "session=s3cr3t"  # the client still gets it
        stopped = proxy.stop()
    assert up.received[0].headers["authorization"] == f"Basic {token}"
    (recording,) = record.glob("*.json")
    text = recording.read_text()
    for leaked in (secret, token, "s3cr3t"):
        assert leaked not in stopped.stdout + stopped.stderr + text
    (exchange,) = json.loads(text)
    assert exchange["request"]["headers"]["authorization"] == "Basic REDACTED"
    assert exchange["request"]["headers"]["cookie"] == "REDACTED"


def test_hop_by_hop_headers_stay_on_their_hop() -> None:
    def answer(_: Received) -> Reply:
        return json_reply(200, LIST, ("x-request-id", "abc"), ("keep-alive", "timeout=5"))

    with (
        ScriptedUpstream(answer) as upstream,
        ProxyProcess("--upstream", upstream.base_url) as proxy,
    ):
        response = httpx.get(
            proxy.url + "/orders",
            auth=AUTH,
            headers={
                "connection": "keep-alive, x-secret-hop",
                "x-secret-hop": "1",
                "proxy-authorization": "Basic cHJveHk6cHJveHk=",
                "te": "trailers",
                "x-shop": "kept",
            },
            timeout=10,
        )
        proxy.stop()
    sent = upstream.received[0].headers
    assert sent["x-shop"] == "kept"
    assert sent["host"] == f"127.0.0.1:{upstream.port}"
    for hop in ("x-secret-hop", "proxy-authorization", "te", "keep-alive"):
        assert hop not in sent
    assert response.headers["x-request-id"] == "abc"
    assert "keep-alive" not in response.headers


def test_an_oversized_answer_gives_a_502_and_an_oversized_request_a_413() -> None:
    big = b"[" + b"0," * 300_000 + b"0]"
    with (
        ScriptedUpstream(lambda _: json_reply(200, big)) as upstream,
        ProxyProcess("--upstream", upstream.base_url, "--max-body-bytes", "100000") as proxy,
    ):
        response = httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10)
        assert "larger than 100000 bytes" in proxy_error(response, 502)
        posted = httpx.post(proxy.url + "/orders", content=big, auth=AUTH, timeout=10)
        assert "request body is larger than 100000 bytes" in proxy_error(posted, 413)
        assert proxy.wait_for("413 refused by the proxy")
        stopped = proxy.stop()
    assert [r.method for r in upstream.received] == ["GET"]  # the big POST was not forwarded
    assert "1 request refused by the proxy" in stopped.stdout


def test_idle_and_half_sent_connections_are_closed_after_their_timeouts() -> None:
    with (
        ScriptedUpstream(listing) as upstream,
        ProxyProcess(
            "--upstream", upstream.base_url, "--idle-timeout", "0.5", "--request-timeout", "0.5"
        ) as proxy,
    ):
        idle = raw_connection(proxy.url)
        started = time.monotonic()
        assert read_all(idle) == b""  # closed without a word
        assert time.monotonic() - started < 5
        idle.close()
        for partial in (
            b"GET /api/v3/orders HTTP/1.1\r\nhost: x\r\n",
            b"POST /api/v3/orders HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n[{",
        ):
            half = raw_connection(proxy.url)
            half.sendall(partial)
            answer = read_all(half)
            half.close()
            assert answer.startswith(b"HTTP/1.1 408 ")
            assert b"did not arrive whole in 0.5 s" in answer
        proxy.stop()
    assert upstream.received == []


def test_concurrent_connections_are_bounded() -> None:
    with (
        ScriptedUpstream(listing) as upstream,
        ProxyProcess("--upstream", upstream.base_url, "--max-connections", "1") as proxy,
    ):
        holder = raw_connection(proxy.url)  # takes the one place, and says nothing
        done = threading.Event()
        statuses: list[int] = []

        def request() -> None:
            statuses.append(httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10).status_code)
            done.set()

        waiting = threading.Thread(target=request)
        waiting.start()
        assert not done.wait(0.7)  # accepted only when a place is free
        holder.close()
        assert done.wait(10)
        waiting.join(10)
        proxy.stop()
    assert statuses == [200]


def test_a_request_naming_another_host_is_refused() -> None:
    with (
        ScriptedUpstream(listing) as upstream,
        ProxyProcess("--upstream", upstream.base_url) as proxy,
    ):
        sock = raw_connection(proxy.url)
        sock.sendall(b"GET http://example.com/api/v3/orders HTTP/1.1\r\nhost: example.com\r\n\r\n")
        answer = read_all(sock)
        sock.close()
        proxy.stop()
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"only requests for a path are forwarded" in answer
    assert upstream.received == []


def test_429_with_retry_after_is_passed_back_and_conforms() -> None:
    throttled = orjson.dumps(
        {"errors": [{"status": "429", "code": "throttled", "detail": "Request was throttled."}]}
    )
    with (
        ScriptedUpstream(lambda _: json_reply(429, throttled, ("retry-after", "7"))) as upstream,
        ProxyProcess("--upstream", upstream.base_url) as proxy,
    ):
        response = httpx.post(proxy.url + "/orders", json=[order()], auth=AUTH, timeout=10)
        assert (response.status_code, response.headers["retry-after"]) == (429, "7")
        assert response.content == throttled
        assert proxy.exchange(1).endswith("POST /api/v3/orders 429 ok")
        stopped = proxy.stop()
    assert "429 x1" in stopped.stdout  # the coverage table saw it


def test_a_client_that_leaves_does_not_stop_the_proxy() -> None:
    with (
        fake_upstream() as (url, _app),
        ProxyProcess("--upstream", url) as proxy,
    ):
        sock = raw_connection(proxy.url)
        sock.sendall(b"GET /api/v3/orders HTTP/1.1\r\nhost: x\r\n\r\n")
        sock.shutdown(socket.SHUT_RDWR)
        sock.close()
        proxy.exchange(1)
        assert httpx.get(proxy.url + "/orders", auth=AUTH, timeout=10).status_code == 200
        stopped = proxy.stop()
    assert "Traceback" not in stopped.stderr
