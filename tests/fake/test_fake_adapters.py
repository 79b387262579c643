"""What each adapter adds over the core: respx mounting, and ASGI's side of the protocol."""

from __future__ import annotations

import asyncio
from collections.abc import MutableMapping
from typing import Any

import httpx
import pytest
import respx

from sendcloud_contract.fake import (
    BASE_URL,
    FakeSendcloud,
    asgi_app,
    mock_sendcloud,
    mount,
    respx_router,
)
from tests.fake.helpers import ALICE, make_order

AUTH = (ALICE.public_key, ALICE.secret_key)


def test_mount_on_a_router_of_your_own_keeps_your_routes() -> None:
    fake = FakeSendcloud([ALICE])
    with respx.mock(assert_all_called=False) as router:
        router.get("https://shop.example/health").respond(204)
        route = mount(router, fake)

        with httpx.Client(auth=AUTH) as client:
            created = client.post(f"{BASE_URL}/orders", json=[make_order("a")])
            health = client.get("https://shop.example/health")

    assert created.status_code == 201
    assert health.status_code == 204
    assert route.call_count == 1
    assert len(fake.orders()) == 1


def test_respx_router_at_another_base_url() -> None:
    fake = FakeSendcloud([ALICE])
    base = "https://sendcloud.test/custom/api"

    with respx_router(fake, base_url=base), httpx.Client(base_url=base, auth=AUTH) as client:
        created = client.post("/orders", json=[make_order("a")])
        listed = client.get("/orders", params={"page_size": "1"})

    assert created.status_code == 201
    assert listed.json()["data"][0]["order_id"] == "a"


def test_mock_sendcloud_makes_a_fake_and_refuses_other_hosts() -> None:
    with (
        mock_sendcloud() as fake,
        httpx.Client(auth=("fake-public-key", "fake-secret-key")) as client,
    ):
        assert client.get(f"{BASE_URL}/orders").json() == {"data": []}
        with pytest.raises(respx.models.AllMockedAssertionError):
            client.get("https://elsewhere.example/")
    assert fake.account.public_key == "fake-public-key"


def test_mock_sendcloud_serves_async_clients_too() -> None:
    async def scenario(fake: FakeSendcloud) -> list[int]:
        async with httpx.AsyncClient(base_url=BASE_URL, auth=AUTH) as client:
            created = await client.post("/orders", json=[make_order("a")])
            fetched = await client.get("/orders/1")
        return [created.status_code, fetched.status_code]

    with mock_sendcloud(FakeSendcloud([ALICE])) as fake:
        assert asyncio.run(scenario(fake)) == [201, 200]


def test_respx_timeout_fault_raises_at_once() -> None:
    with mock_sendcloud(FakeSendcloud([ALICE])) as fake, httpx.Client(auth=AUTH) as client:
        fake.inject_fault("POST /orders", timeout=True)
        with pytest.raises(httpx.ReadTimeout):
            client.post(f"{BASE_URL}/orders", json=[make_order("a")])
        assert fake.orders() == []


class _Recorder:
    """Feeds an ASGI app scripted messages and keeps what it sends."""

    def __init__(self, incoming: list[MutableMapping[str, Any]]) -> None:
        self.incoming = incoming
        self.sent: list[MutableMapping[str, Any]] = []

    async def receive(self) -> MutableMapping[str, Any]:
        if self.incoming:
            return self.incoming.pop(0)
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    async def send(self, message: MutableMapping[str, Any]) -> None:
        self.sent.append(message)


def _scope(method: str = "GET", path: str = "/api/v3/orders", **extra: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "headers": [(b"authorization", b"Basic ZmFrZS1wdWJsaWMta2V5OmZha2Utc2VjcmV0LWtleQ==")],
    }
    scope.update(extra)
    return scope


def test_asgi_lifespan_starts_and_stops() -> None:
    recorder = _Recorder([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])

    asyncio.run(asgi_app()({"type": "lifespan"}, recorder.receive, recorder.send))

    assert recorder.sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.complete"},
    ]


def test_asgi_closes_websockets() -> None:
    recorder = _Recorder([{"type": "websocket.connect"}])

    asyncio.run(asgi_app()({"type": "websocket", "path": "/"}, recorder.receive, recorder.send))

    assert recorder.sent == [{"type": "websocket.close", "code": 1003}]


def test_asgi_sends_nothing_to_a_client_that_left_before_its_body() -> None:
    fake = FakeSendcloud()
    recorder = _Recorder([{"type": "http.disconnect"}])
    scope = _scope("POST", headers=[(b"content-type", b"application/json")])

    asyncio.run(asgi_app(fake)(scope, recorder.receive, recorder.send))

    assert recorder.sent == []


def test_asgi_stops_reading_a_chunked_body_past_the_limit() -> None:
    fake = FakeSendcloud(max_body_bytes=100)
    chunks = [{"type": "http.request", "body": b"[" + b" " * 60, "more_body": True}] * 2
    recorder = _Recorder([*chunks, {"type": "http.request", "body": b"]"}])
    scope = _scope("POST", headers=[*_scope()["headers"], (b"content-type", b"application/json")])

    asyncio.run(asgi_app(fake)(scope, recorder.receive, recorder.send))

    assert recorder.sent[0]["status"] == 413
    assert len(recorder.incoming) == 1, "the rest of the body was not read"


def test_asgi_links_point_at_the_host_the_client_used() -> None:
    fake = FakeSendcloud()
    fake.seed([make_order(f"o{n}") for n in range(3)])
    headers = [*_scope()["headers"], (b"host", b"fake.internal:9000")]
    recorder = _Recorder([{"type": "http.request", "body": b""}])
    scope = _scope(query_string=b"page_size=2", headers=headers)

    asyncio.run(asgi_app(fake)(scope, recorder.receive, recorder.send))

    start = recorder.sent[0]
    link = dict(start["headers"])[b"link"].decode()
    assert link.startswith("<http://fake.internal:9000/api/v3/orders?page_size=2&cursor=")


def test_asgi_timeout_fault_gives_up_when_the_client_does() -> None:
    fake = FakeSendcloud()
    fake.inject_fault("GET /orders", timeout=True, stall_seconds=3600)
    recorder = _Recorder([{"type": "http.request", "body": b""}, {"type": "http.disconnect"}])

    asyncio.run(asgi_app(fake)(_scope(), recorder.receive, recorder.send))

    assert recorder.sent == []


def test_asgi_timeout_fault_answers_504_after_the_stall() -> None:
    fake = FakeSendcloud()
    fake.inject_fault("GET /orders", timeout=True, stall_seconds=0.01)
    recorder = _Recorder([{"type": "http.request", "body": b""}])

    asyncio.run(asgi_app(fake)(_scope(), recorder.receive, recorder.send))

    assert recorder.sent[0]["status"] == 504


def test_asgi_app_under_another_root() -> None:
    fake = FakeSendcloud()
    app = asgi_app(fake, root="/sendcloud/api/v3/")
    recorder = _Recorder([{"type": "http.request", "body": b""}])

    asyncio.run(app(_scope(path="/sendcloud/api/v3/orders"), recorder.receive, recorder.send))

    assert app.fake is fake
    assert recorder.sent[0]["status"] == 200
