"""``sendcloud_live``: the fake without ``--sendcloud-live``, a real server with it (here the
fake served on loopback), every exchange checked, only the run's own orders touched."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from pytest_sendcloud.server import LoopbackServer
from sendcloud_contract.fake import Account, FakeSendcloud, SendcloudASGI
from tests.plugin.helpers import Run, order, order_literal

KEYS = ("live-public-key", "live-secret-key-0123456789")

SUITE = f"""
import asyncio

import httpx
import pytest

ORDER = {order_literal()}


def test_create_read_update(sendcloud_live):
    with httpx.Client(base_url=sendcloud_live.base_url, auth=sendcloud_live.auth) as api:
        order = dict(ORDER, order_id=sendcloud_live.order_id("a"))
        created = api.post("/orders", json=[order])
        assert created.status_code == 201
        pk = created.json()["data"][0]["id"]
        assert api.get(f"/orders/{{pk}}").status_code == 200
        assert api.patch(f"/orders/{{pk}}", json={{"order_number": "N-2"}}).status_code == 200
    assert sendcloud_live.created == (pk,)


def test_async_clients_are_watched_too(sendcloud_live):
    async def push():
        async with httpx.AsyncClient(auth=sendcloud_live.auth) as client:
            order = dict(ORDER, order_id=sendcloud_live.order_id("b"))
            return await client.post(sendcloud_live.base_url + "/orders", json=[order])

    assert asyncio.run(push()).status_code == 201
    assert len(sendcloud_live.created) == 1
"""

BROKEN_REQUEST = f"""
import httpx

ORDER = {order_literal()}


def test_swallowed(sendcloud_live):
    order = dict(ORDER, order_id=sendcloud_live.order_id("c"), order_number=7)
    url = sendcloud_live.base_url + "/orders"
    assert httpx.post(url, json=[order], auth=sendcloud_live.auth).status_code == 400
"""


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, FakeSendcloud]]:
    """The fake on loopback as the 'real' server, with an order nobody's test created, and
    the keys in the environment."""
    fake = FakeSendcloud([Account(*KEYS, (1,))])
    fake.seed([order("SOMEONE-ELSES")])
    loopback = LoopbackServer(SendcloudASGI(fake)).start()
    monkeypatch.setenv("SENDCLOUD_PUBLIC_KEY", KEYS[0])
    monkeypatch.setenv("SENDCLOUD_SECRET_KEY", KEYS[1])
    try:
        yield loopback.base_url, fake
    finally:
        loopback.stop()


def test_without_the_option_the_tests_run_against_the_fake(
    pytester: pytest.Pytester, run: Run
) -> None:
    pytester.makepyfile(
        SUITE
        + """

def test_it_is_the_fake(sendcloud_live):
    assert not sendcloud_live.live
    assert sendcloud_live.base_url == "https://panel.sendcloud.sc/api/v3"
    assert sendcloud_live.order_id("x").startswith("sc-test-")
"""
    )
    run().assert_outcomes(passed=3)


def test_with_the_option_the_same_tests_run_against_the_server(
    pytester: pytest.Pytester, run: Run, server: tuple[str, FakeSendcloud]
) -> None:
    url, fake = server
    pytester.makepyfile(SUITE)

    result = run("--sendcloud-live", url, "--sendcloud-coverage")

    result.assert_outcomes(passed=2)
    # each test's orders were deleted after it, and the one nobody's test made is still there
    assert [o["order_id"] for o in fake.orders()] == ["SOMEONE-ELSES"]
    result.stdout.fnmatch_lines(
        [
            "sendcloud: 0 payloads and 4 requests validated, 0 violations",
            "  POST /orders         2      201 x2*",
            "  PATCH /orders/{id}   1      200 x1*",
        ]
    )


def test_a_request_that_breaks_the_contract_fails_the_test(
    pytester: pytest.Pytester, run: Run, server: tuple[str, FakeSendcloud]
) -> None:
    url, fake = server
    pytester.makepyfile(BROKEN_REQUEST)

    result = run("--sendcloud-live", url)

    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            f"sendcloud: 1 exchange with {url} broke the contract",
            "INVALID  POST /api/v3/orders request (order-batch)",
            "*/0/order_number: expected string, got integer 7 [[]type[]]",
            f"  {url} answered 400",
            "  sent on purpose? opt out with @pytest.mark.sendcloud(validate_requests=False)",
        ]
    )
    assert len(fake.orders()) == 1


def test_an_answer_that_breaks_the_contract_fails_the_test(
    pytester: pytest.Pytester, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Wrong:
        """An upstream whose 201 breaks the contract (and has nothing to settle at shutdown)."""

        def begin_shutdown(self) -> None:
            pass

        async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
            body = orjson.dumps({"data": [{"id": "x", "order_id": "y"}]})
            start = {"type": "http.response.start", "status": 201,
                     "headers": [(b"content-type", b"application/json")]}  # fmt: skip
            await send(start)
            await send({"type": "http.response.body", "body": body})

    monkeypatch.setenv("SENDCLOUD_PUBLIC_KEY", KEYS[0])
    monkeypatch.setenv("SENDCLOUD_SECRET_KEY", KEYS[1])
    loopback = LoopbackServer(Wrong()).start()
    try:
        pytester.makepyfile(
            SUITE.split("def test_async")[0].replace(
                "        pk = created", "        return\n        pk = created"
            )
        )
        result = run("--sendcloud-live", loopback.base_url)
    finally:
        loopback.stop()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "INVALID  POST /api/v3/orders response (order-batch-response)",
            "*/data/0: missing required field 'order_number'*",
        ]
    )


GUARDED = f"""
import httpx
import pytest

from pytest_sendcloud.live import LiveRefused

ORDER = {order_literal()}


def test_an_earlier_test_creates_an_order(sendcloud_live):
    order = dict(ORDER, order_id=sendcloud_live.order_id("earlier"))
    url, auth = sendcloud_live.base_url, sendcloud_live.auth
    assert httpx.post(url + "/orders", json=[order], auth=auth).status_code == 201


def test_an_order_of_someone_else_is_not_changed(sendcloud_live):
    # against the fake, order 1 is the earlier test's (a fresh fake counts from 1 again):
    # it is not this test's to change
    with pytest.raises(LiveRefused, match="was not created by this test run"):
        httpx.patch(sendcloud_live.base_url + "/orders/1", json={{"order_number": "X"}},
                    auth=sendcloud_live.auth)
    with pytest.raises(LiveRefused, match="was not created by this test run"):
        httpx.delete(sendcloud_live.base_url + "/orders/1", auth=sendcloud_live.auth)


def test_an_order_id_without_the_runs_prefix_is_not_sent(sendcloud_live):
    theirs = dict(ORDER, order_id="SOMEONE-ELSES")
    with pytest.raises(LiveRefused, match="is not one of this run's"):
        httpx.post(sendcloud_live.base_url + "/orders", json=[theirs], auth=sendcloud_live.auth)
"""


@pytest.mark.parametrize("live", [True, False])
def test_orders_the_run_did_not_create_are_never_touched(
    pytester: pytest.Pytester, run: Run, server: tuple[str, FakeSendcloud], live: bool
) -> None:
    url, fake = server
    before = fake.orders()
    pytester.makepyfile(GUARDED)

    result = run(*(("--sendcloud-live", url) if live else ()))

    result.assert_outcomes(passed=3)
    assert fake.orders() == before


def test_live_mode_needs_the_keys(
    pytester: pytest.Pytester, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SENDCLOUD_PUBLIC_KEY", raising=False)
    monkeypatch.delenv("SENDCLOUD_SECRET_KEY", raising=False)
    pytester.makepyfile("def test_it(sendcloud_live):\n    pass\n")

    result = run("--sendcloud-live", "http://127.0.0.1:9/api/v3")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*--sendcloud-live needs the account's keys*SENDCLOUD_PUBLIC_KEY and SENDCLOUD_SECRET_KEY"]
    )


def test_the_option_is_in_the_help(pytester: pytest.Pytester, run: Run) -> None:
    run("--help").stdout.fnmatch_lines(["*--sendcloud-live=URL*"])


def test_an_order_that_cannot_be_deleted_fails_the_teardown_with_its_id(
    pytester: pytest.Pytester, run: Run, server: tuple[str, FakeSendcloud]
) -> None:
    url, fake = server
    fake.inject_fault("DELETE /orders/{id}", status=503, times=None)
    pytester.makepyfile(SUITE.split("def test_async")[0])

    result = run("--sendcloud-live", url)

    result.assert_outcomes(passed=1, errors=1)
    (left,) = [o for o in fake.orders() if o["order_id"] != "SOMEONE-ELSES"]
    result.stdout.fnmatch_lines(
        [f"*could not delete the orders this test created: {left['id']} (answered 503)*"]
    )
    assert left["order_id"].startswith("sc-test-")
