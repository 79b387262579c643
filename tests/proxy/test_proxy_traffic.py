"""One exchange through the proxy's handler, in process, with an upstream answer made up:
compressed answers, undocumented statuses, and a fault in the proxy itself."""

from __future__ import annotations

import asyncio
import gzip

import orjson
import pytest

from sendcloud_contract.proxy.messages import Answer, Incoming
from sendcloud_contract.proxy.settings import Settings, Upstream
from sendcloud_contract.proxy.tally import Tally
from sendcloud_contract.proxy.traffic import Traffic

LISTING = orjson.dumps({"data": []})


class Answering:
    """A forwarder that answers every request with ``answer``."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.forwarded: list[Incoming] = []

    async def forward(self, incoming: Incoming) -> Answer:
        self.forwarded.append(incoming)
        return self.answer


def exchange(answer: Answer, target: str = "/api/v3/orders") -> tuple[list[Answer], str, Tally]:
    """Run one GET through the handler: what the client got, the log, and the tally."""
    said: list[str] = []
    tally = Tally()
    settings = Settings(Upstream.parse("http://127.0.0.1:9/api/v3"))
    traffic = Traffic(settings, Answering(answer), tally, said.append)
    got: list[Answer] = []

    async def respond(sent: Answer) -> None:
        got.append(sent)

    asyncio.run(traffic(Incoming("GET", target, (), b""), respond))
    return got, "\n".join(said), tally


def test_a_gzip_answer_is_judged_decompressed_and_passed_back_as_it_came() -> None:
    body = gzip.compress(LISTING)
    answer = Answer(200, (("content-encoding", "gzip"),), body)
    got, log, tally = exchange(answer)
    assert got == [answer]
    assert log == "#1 GET /api/v3/orders 200 ok"
    assert tally.count("ok") == 1


def test_an_answer_in_an_unknown_coding_is_not_judged_and_says_so() -> None:
    _, log, tally = exchange(Answer(200, (("content-encoding", "br"),), b"\x1b\x00"))
    assert log.splitlines()[0] == "#1 GET /api/v3/orders 200 ok, 1 warning"
    assert "its Content-Encoding 'br' is not read here [exchange.content-encoding]" in log
    assert tally.count("ok") == 1


def test_broken_gzip_is_an_error() -> None:
    _, log, tally = exchange(Answer(200, (("content-encoding", "gzip"),), b"not gzip"))
    assert "INVALID (1 error)" in log
    assert tally.count("invalid") == 1


def test_an_undocumented_status_is_a_warning_and_its_body_is_not_judged() -> None:
    _, log, _ = exchange(Answer(503, (("content-type", "text/html"),), b"<html>busy</html>"))
    assert log.splitlines()[0] == "#1 GET /api/v3/orders 503 ok, 1 warning"
    assert "GET /orders has no documented answer 503" in log


def test_a_fault_in_the_proxy_costs_one_exchange_never_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("sendcloud_contract.proxy.traffic.check_response", broken)
    answer = Answer(200, (), LISTING)
    got, log, _ = exchange(answer)
    assert got == [answer]  # the client had its answer before the fault
    assert log == (
        "#1 GET /api/v3/orders proxy error: RuntimeError: boom "
        "(a bug in sendcloud-contract: please report it)"
    )
