"""The listener seam: every handled request is told, through respx and ASGI alike."""

from __future__ import annotations

import logging
import threading

import pytest

from sendcloud_contract.fake import Exchange
from sendcloud_contract.operations import operation
from tests.fake.helpers import ALICE, Api, make_order


def test_a_listener_sees_every_exchange_with_what_the_fake_made_of_it(api: Api) -> None:
    seen: list[Exchange] = []
    api.fake.add_listener(seen.append)
    order = make_order("L-1")

    created = api.alice.post("/orders", json=[order], headers={"X-Trace": "t-1"})
    api.alice.get("/orders", params={"page_size": "5"})
    api.anonymous.get("/orders")
    api.alice.put("/orders", json=[])

    post, listing, anonymous, wrong = seen
    assert post.method == "POST"
    assert post.path == "/api/v3/orders"
    assert post.operation == operation("POST", "/orders")
    assert post.json == [order]
    assert post.body == created.request.content
    assert post.header("x-trace") == "t-1"
    assert post.public_key == ALICE.public_key
    assert post.reply.status == 201
    assert post.reply.body == created.json()
    assert listing.query == (("page_size", "5"),)
    assert listing.json is None
    assert listing.operation == operation("GET", "/orders")
    assert (anonymous.reply.status, anonymous.public_key) == (401, None)
    assert anonymous.operation == operation("GET", "/orders")
    assert (wrong.reply.status, wrong.operation) == (405, None)
    assert wrong.public_key == ALICE.public_key


def test_a_removed_listener_is_no_longer_told(api: Api) -> None:
    seen: list[Exchange] = []
    with api.fake.listening(seen.append):
        api.alice.get("/orders")
    api.alice.get("/orders")

    assert len(seen) == 1
    with pytest.raises(ValueError, match="not a listener"):
        api.fake.remove_listener(seen.append)


def test_a_failing_listener_leaves_the_reply_alone_and_is_recorded(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(exchange: Exchange) -> None:
        raise RuntimeError(f"cannot cope with {exchange.method}")

    later: list[Exchange] = []
    api.fake.add_listener(broken)
    api.fake.add_listener(later.append)

    with caplog.at_level(logging.ERROR, logger="sendcloud_contract.fake"):
        response = api.alice.get("/orders")

    assert response.status_code == 200
    assert len(later) == 1
    [failure] = api.fake.listener_errors
    assert failure.listener is broken
    assert failure.exchange.reply.status == 200
    assert str(failure.error) == "cannot cope with GET"
    assert "a listener of the Sendcloud fake failed" in caplog.text
    api.fake.reset()
    assert api.fake.listener_errors == ()


def test_listeners_run_outside_the_fakes_locks(api: Api) -> None:
    """Another thread can use the fake while a listener runs, so a listener cannot deadlock it."""
    counts: list[int] = []

    def read_from_another_thread(exchange: Exchange) -> None:
        reader = threading.Thread(target=lambda: counts.append(len(api.fake.orders())))
        reader.start()
        reader.join(timeout=10)
        assert not reader.is_alive(), "the fake stayed locked while a listener ran"

    api.fake.add_listener(read_from_another_thread)

    api.create(make_order("L-2"))

    assert counts == [1]
    assert api.fake.listener_errors == ()
