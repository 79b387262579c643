"""The upstream's answers as the proxy reads them, and the messages it writes: every framing
RFC 9112 gives a response, and every way an answer can be broken, without a socket."""

from __future__ import annotations

import h11
import pytest

from sendcloud_contract.proxy.wire import (
    MAX_HEAD_BYTES,
    Parsed,
    ResponseReader,
    WireError,
    request_bytes,
    response_bytes,
)


def read(data: bytes, method: str = "GET", limit: int = 1000, pieces: int = 1) -> Parsed:
    """Feed ``data`` in ``pieces`` parts; the answer, or what ``feed_eof`` makes of it."""
    reader = ResponseReader(method, limit)
    size = max(1, len(data) // pieces)
    for start in range(0, len(data), size):
        parsed = reader.feed(data[start : start + size])
        if parsed is not None:
            return parsed
    return reader.feed_eof()


@pytest.mark.parametrize("pieces", [1, 3, 1000])
def test_a_length_framed_answer_in_any_number_of_pieces(pieces: int) -> None:
    parsed = read(
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n"
        b'{"a":1}',
        pieces=pieces,
    )
    assert parsed.status == 201
    assert parsed.body == b'{"a":1}'
    assert parsed.headers == (
        ("Content-Type", "application/json"),
        ("Content-Length", "7"),
    )
    assert parsed.keep_alive


@pytest.mark.parametrize("pieces", [1, 7, 1000])
def test_a_chunked_answer_with_extensions_and_trailers(pieces: int) -> None:
    parsed = read(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"4;name=x\r\nWiki\r\n5\r\npedia\r\n0\r\nExpires: never\r\n\r\n",
        pieces=pieces,
    )
    assert parsed.body == b"Wikipedia"


def test_interim_answers_are_skipped_and_head_and_204_have_no_body() -> None:
    parsed = read(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n")
    assert (parsed.status, parsed.body) == (204, b"")
    head = read(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n", method="HEAD")
    assert head.body == b""


def test_an_answer_read_to_the_connections_end_ends_it() -> None:
    parsed = read(b"HTTP/1.0 200 OK\r\n\r\nall of it")
    assert parsed.body == b"all of it"
    assert not parsed.keep_alive
    closing = read(b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
    assert not closing.keep_alive


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"SMTP ready\r\n\r\n", "status line"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd", "one whole"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "one whole"),
        (b"HTTP/1.1 200 OK\r\nX: a\r\n folded\r\nContent-Length: 0\r\n\r\n", "malformed"),
        (b"HTTP/1.1 200 OK\r\nX: a\x00b\r\nContent-Length: 0\r\n\r\n", "control character"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "readable size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n", "longer than"),
        (b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", "switched"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 2000\r\n\r\n", "larger than 1000 bytes"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n", "larger than"),
        (b"HTTP/1.1 200 OK\r\n\r\n" + b"x" * 1001, "larger than"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "before its answer was whole"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"y" * MAX_HEAD_BYTES, "head is larger"),
    ],
)
def test_broken_answers_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(WireError, match=reason):
        read(data)


def test_what_the_proxy_writes_reads_back_with_h11() -> None:
    server = h11.Connection(h11.SERVER)
    server.receive_data(request_bytes("POST", "/api/v3/orders?x=1", (("host", "h"),), b"[]"))
    request = server.next_event()
    assert isinstance(request, h11.Request)
    assert (request.method, request.target) == (b"POST", b"/api/v3/orders?x=1")
    assert isinstance(server.next_event(), h11.Data)

    client = h11.Connection(h11.CLIENT)
    client.send(h11.Request(method="GET", target="/", headers=[("host", "h")]))
    client.send(h11.EndOfMessage())
    client.receive_data(
        response_bytes(404, (("content-type", "application/json"),), b"{}", close=True)
    )
    response = client.next_event()
    assert isinstance(response, h11.Response)
    assert response.status_code == 404
    assert (b"connection", b"close") in list(response.headers)
    assert client.next_event() == h11.Data(data=b"{}")


def test_bodiless_statuses_and_head_answers_carry_no_body() -> None:
    assert response_bytes(204, (), b"ignored", close=False).endswith(b"\r\n\r\n")
    assert b"content-length" not in response_bytes(204, (), b"", close=False)
    head = response_bytes(200, (), b"12345", close=False, head_only=True)
    assert head.endswith(b"content-length: 5\r\n\r\n")
