"""What the fake's tests share: accounts, orders, the contract hook and the two ways in.

Every response any test receives is checked against the project's response
schemas by an httpx event hook, so no test can pass on a body that breaks the
contract.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import anyio.from_thread
import httpx

from sendcloud_contract.fake import Account, FakeSendcloud
from sendcloud_contract.operations import ROUTES, Operation, match, operation
from sendcloud_contract.schemas import compiled
from tests.helpers import base_order

ALICE = Account("alice-public", "alice-secret", (1, 2), bearer_token="alice-token")
BOB = Account("bob-public", "bob-secret", (3,))
START = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
ASGI_BASE_URL = "http://testserver/api/v3"

# The fake's tests keep two items, matched by name in the PATCH tests, and no
# order_updated_at, so that sorting and filtering on it meet a missing value.
_ITEMS = [
    {
        "name": "Cylinder candle",
        "quantity": 1,
        "unit_price": {"value": 3.5, "currency": "EUR"},
        "total_price": {"value": 3.5, "currency": "EUR"},
    },
    {
        "name": "Scented candle",
        "quantity": 2,
        "unit_price": {"value": 5.5, "currency": "EUR"},
        "total_price": {"value": 11.0, "currency": "EUR"},
    },
]


def json_headers(account: Account) -> dict[str, str]:
    """The headers of a JSON request signed with an account's Basic credentials."""
    token = base64.b64encode(f"{account.public_key}:{account.secret_key}".encode()).decode()
    return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}


def make_order(order_id: str, integration: int = 1, **fields: Any) -> dict[str, Any]:
    """A valid order; ``fields`` replace top-level fields, ``status`` sets the status code."""
    order = base_order()
    order["order_id"] = order_id
    order["order_number"] = f"N-{order_id}"
    details = order["order_details"]
    details["integration"]["id"] = integration
    details["order_created_at"] = "2024-04-28T10:00:00.500Z"
    del details["order_updated_at"]
    details["order_items"] = copy.deepcopy(_ITEMS)
    order["payment_details"] = {
        "total_price": {"value": 14.5, "currency": "EUR"},
        "status": {"code": "paid", "message": "Paid"},
    }
    status = fields.pop("status", None)
    if status is not None:
        order["order_details"]["status"]["code"] = status
    for name in ("order_created_at", "order_updated_at"):
        if name in fields:
            order["order_details"][name] = fields.pop(name)
    order.update(fields)
    return order


def route_of(request: httpx.Request) -> str:
    """The route template a request was sent to, or ``"other"``."""
    found = match(request.url.path)
    return found.route if found is not None else "other"


def kind_for(method: str, route: str, status: int) -> str | None:
    """The response kind the operations table prescribes for a request and status."""
    if status >= 400:
        return "errors"  # the fake's injected 5xx faults answer in JSON:API form too
    kind, documented = operation(method, route).response_kind(status)
    if not documented:
        raise AssertionError(f"unexpected {status} for {method} {route}")
    return kind


def may_answer(op: Operation, status: int) -> bool:
    """Sendcloud's declared statuses, plus 401, 429, 413 for a body and injected 5xx faults."""
    extra = {401, 429} | ({413} if op.request_kind is not None else set())
    return status in op.responses or status in extra or 500 <= status <= 599


@dataclass
class Seen:
    """Every (method, route, status, kind) the hook checked, for the coverage test."""

    answers: set[tuple[str, str, int, str | None]] = field(default_factory=set)


def contract_hook(seen: Seen) -> Callable[[httpx.Response], None]:
    def check(response: httpx.Response) -> None:
        response.read()
        request = response.request
        route = route_of(request)
        if route != "other" and request.method in ROUTES[route]:
            op = operation(request.method, route)
            assert may_answer(op, response.status_code), (
                f"{op.key} answered {response.status_code}, which the document does not declare"
            )
        kind = kind_for(request.method, route, response.status_code)
        seen.answers.add((request.method, route, response.status_code, kind))
        if kind is None:
            assert response.content == b"", "a 204 has no body"
            return
        assert response.headers["content-type"] == "application/json"
        body = response.json()
        problems = [f"{e.instance_path}: {e.message}" for e in compiled(kind).iter_errors(body)]
        assert problems == [], f"sendcloud-contract: {kind} answer breaks the contract: {body}"

    return check


class ASGIClientTransport(httpx.BaseTransport):
    """A sync transport that drives an ASGI app through httpx.ASGITransport.

    The app runs on one event loop in a helper thread (an anyio portal), the
    way a server would run it; the request's read timeout is enforced the way
    a network client would enforce it.
    """

    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=app)
        self._portal_context: Any = anyio.from_thread.start_blocking_portal()
        self._portal = self._portal_context.__enter__()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        timeout = request.extensions.get("timeout", {}).get("read")
        return self._portal.call(self._send, request, timeout)

    async def _send(self, request: httpx.Request, timeout: float | None) -> httpx.Response:
        try:
            response = await asyncio.wait_for(self._inner.handle_async_request(request), timeout)
            content = await response.aread()
        except asyncio.TimeoutError:
            raise httpx.ReadTimeout("no answer in time", request=request) from None
        return httpx.Response(response.status_code, headers=response.headers, content=content)

    def close(self) -> None:
        if self._portal_context is not None:
            self._portal_context.__exit__(None, None, None)
            self._portal_context = None


@dataclass
class Api:
    """One way in to a fake: clients that talk to it as Alice, as Bob, and anonymously."""

    adapter: str
    fake: FakeSendcloud
    base_url: str
    transport: httpx.BaseTransport | None
    seen: Seen
    clients: list[httpx.Client] = field(default_factory=list)

    def client(self, auth: Any = None, headers: dict[str, str] | None = None) -> httpx.Client:
        client = httpx.Client(
            base_url=self.base_url,
            auth=auth,
            headers=headers,
            transport=self.transport,
            event_hooks={"response": [contract_hook(self.seen)]},
        )
        self.clients.append(client)
        return client

    @functools.cached_property
    def alice(self) -> httpx.Client:
        return self.client(auth=(ALICE.public_key, ALICE.secret_key))

    @functools.cached_property
    def bob(self) -> httpx.Client:
        return self.client(auth=(BOB.public_key, BOB.secret_key))

    @functools.cached_property
    def anonymous(self) -> httpx.Client:
        return self.client()

    def create(self, *orders: dict[str, Any]) -> list[int]:
        """Create orders as Alice; returns their ids."""
        response = self.alice.post("/orders", json=list(orders))
        assert response.status_code == 201, response.text
        return [entry["id"] for entry in response.json()["data"]]

    def close(self) -> None:
        for client in self.clients:
            client.close()
