"""Each operation through the proxy, in front of the fake: the answer comes back unchanged,
and the log judges the exchange, valid or not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sendcloud_contract.fake import FakeSendcloud, SendcloudASGI
from tests.proxy.helpers import ACCOUNT, AUTH, ProxyProcess, fake_upstream, order


@pytest.fixture(scope="module")
def upstream() -> Iterator[tuple[str, SendcloudASGI]]:
    with fake_upstream() as served:
        yield served


@pytest.fixture(scope="module")
def proxy(upstream: tuple[str, SendcloudASGI]) -> Iterator[ProxyProcess]:
    with ProxyProcess("--upstream", upstream[0]) as running:
        yield running


@pytest.fixture
def fake(upstream: tuple[str, SendcloudASGI]) -> FakeSendcloud:
    """A fresh fake behind the proxy for each test, with one stored order (id 1)."""
    fresh = FakeSendcloud([ACCOUNT])
    fresh.seed([order("SEEDED-1")])
    upstream[1].fake = fresh
    return fresh


def through(
    proxy: ProxyProcess, method: str, path: str, **options: object
) -> tuple[httpx.Response, str]:
    """Send a request through the proxy; its answer, and the log's block for it."""
    number = proxy.exchanges() + 1
    options.setdefault("auth", AUTH)
    response = httpx.request(method, proxy.url + path, timeout=10, **options)
    return response, proxy.exchange(number)


VALID = [
    ("POST", "/orders", {"json": [order("WEB-9")]}, 201),
    ("GET", "/orders", {"params": {"page_size": "2"}}, 200),
    ("GET", "/orders/1", {}, 200),
    ("PATCH", "/orders/1", {"json": {"order_number": "N-2"}}, 200),
    ("DELETE", "/orders/1", {}, 204),
    ("GET", "/orders/999", {}, 404),
]


@pytest.mark.parametrize(("method", "path", "options", "status"), VALID)
def test_a_valid_exchange_of_each_operation_is_ok(
    proxy: ProxyProcess,
    fake: FakeSendcloud,
    method: str,
    path: str,
    options: dict[str, Any],
    status: int,
) -> None:
    response, block = through(proxy, method, path, **options)
    assert response.status_code == status
    assert block.endswith(f" {method} /api/v3{path} {status} ok")


INVALID = [
    (
        "POST",
        "/orders",
        {"json": [order("WEB-9", order_date="2024-01-01")]},
        "request /0/order_date: error: unknown field",
    ),
    ("GET", "/orders", {"params": {"page_size": "0"}}, "query /page_size: error:"),
    ("PATCH", "/orders/1", {"json": {"order_number": 5}}, "request /order_number: error:"),
]


@pytest.mark.parametrize(("method", "path", "options", "shown"), INVALID)
def test_an_invalid_request_of_each_operation_is_reported_with_pointer_and_hint(
    proxy: ProxyProcess,
    fake: FakeSendcloud,
    method: str,
    path: str,
    options: dict[str, Any],
    shown: str,
) -> None:
    response, block = through(proxy, method, path, **options)
    assert response.status_code == 400  # the fake refused it; the proxy passed that on
    head, *details = block.splitlines()
    assert head.split(" ", 1)[1].startswith(f"{method} /api/v3{path} 400 INVALID (")
    assert any(line.strip().startswith(shown) for line in details), block
    assert any(line.strip().startswith("hint: ") for line in details), block


def test_the_answer_comes_back_unchanged(
    proxy: ProxyProcess, fake: FakeSendcloud, upstream: tuple[str, SendcloudASGI]
) -> None:
    direct = httpx.get(upstream[0] + "/orders?page_size=1", auth=AUTH, timeout=10)
    response, _ = through(proxy, "GET", "/orders?page_size=1")
    assert (response.status_code, response.content) == (200, direct.content)
    assert response.headers["content-type"] == direct.headers["content-type"]
    # the Link header's URL is the upstream's: the answer is not rewritten
    assert response.headers.get("link") == direct.headers.get("link")


def test_401_is_a_conforming_answer(proxy: ProxyProcess, fake: FakeSendcloud) -> None:
    response, block = through(proxy, "GET", "/orders", auth=("nobody", "wrong"))
    assert response.status_code == 401
    assert response.json()["errors"][0]["status"] == "401"
    assert block.endswith("GET /api/v3/orders 401 ok")


def test_unmatched_exchanges_are_reported_as_such(proxy: ProxyProcess, fake: FakeSendcloud) -> None:
    _, elsewhere = through(proxy, "GET", "/shipments")
    assert elsewhere.endswith("GET /api/v3/shipments 404 unmatched: not an Orders API path")
    _, method = through(proxy, "PUT", "/orders", json=[])
    assert method.endswith(
        "PUT /api/v3/orders 405 unmatched: the Orders API has no operation PUT /orders"
    )


def test_a_path_with_control_characters_cannot_forge_a_log_line(
    proxy: ProxyProcess, fake: FakeSendcloud
) -> None:
    _, block = through(proxy, "GET", "/x%0a%23999%20forged")
    assert "\\n#999 forged" in block
    assert not any(line.startswith("#999") for line in proxy.stderr().splitlines())
