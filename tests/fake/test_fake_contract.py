"""Every answer the fake gives, success and error, validates against the response schemas.

The tests' event hook validates each response as it arrives; this module
drives one request to every (method, route, status) the fake can produce and
checks that the hook saw each one with the kind the operations table prescribes.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from sendcloud_contract.fake import RateLimit
from tests.fake.helpers import Api, Seen, contract_hook, kind_for, make_order

RICH: dict[str, Any] = make_order(
    "rich-1",
    2,
    order_updated_at="2024-04-28T11:00:00Z",
    customer_details={"name": "Jane Doe", "email": "jane@example.com"},
    billing_address={
        "name": "Jane Doe",
        "address_line_1": "Vioolstraat",
        "house_number": "118",
        "postal_code": "5391TW",
        "city": "Breda",
        "country_code": "NL",
    },
    shipping_details={
        "is_local_pickup": False,
        "delivery_indicator": "home delivery",
        "measurement": {"weight": {"value": 3, "unit": "kg"}},
        "ship_with": {
            "type": "shipping_option_code",
            "properties": {"shipping_option_code": "postnl:standard", "contract_id": 517},
        },
    },
    customs_details={
        "commercial_invoice_number": "0124-03102022",
        "shipment_type": "commercial_goods",
        "export_type": "commercial_b2c",
    },
    service_point_details={"id": "10875349", "post_number": "", "type": "servicepoint"},
)
RICH["payment_details"]["discount_granted"] = {"value": "3.99", "currency": "EUR"}
RICH["order_details"]["tags"] = ["october_campaign"]
RICH["order_details"]["notes"] = "leave at the door"

EVERY_STATUS = {
    ("POST", "/orders"): (201, 400, 401, 413, 429, 503),
    ("GET", "/orders"): (200, 400, 401, 404, 429, 502),
    ("GET", "/orders/{id}"): (200, 404, 500),
    ("PATCH", "/orders/{id}"): (200, 400, 404),
    ("DELETE", "/orders/{id}"): (204, 404, 401),
    ("PUT", "/orders"): (405,),
    ("POST", "/orders/{id}"): (405,),
    ("GET", "other"): (404,),
}
EVERY_ANSWER = {
    (method, route, status, kind_for(method, route, status))
    for (method, route), statuses in EVERY_STATUS.items()
    for status in statuses
}


def test_every_answer_validates_against_its_response_schema(api: Api) -> None:
    alice = api.alice
    api.fake.max_body_bytes = 20_000
    # POST /orders
    [rich] = api.create(RICH)
    alice.post("/orders", json=[make_order("x", 99)])
    alice.post("/orders", json={"not": "a list"})
    alice.post("/orders", json=[make_order(f"big-{n}") for n in range(60)])
    alice.post("/orders", content=b"[]", headers={"Content-Type": "text/csv"})
    api.anonymous.post("/orders", json=[])
    api.fake.inject_fault("POST /orders", status=503)
    alice.post("/orders", json=[make_order("y")])
    # GET /orders
    api.fake.seed([make_order(f"page-{n}") for n in range(3)])
    first = alice.get("/orders", params={"page_size": "2"})
    alice.get(first.links["next"]["url"])
    alice.get("/orders", params={"integration": "3"})
    alice.get("/orders", params={"cursor": "bm9wZQ=="})
    api.anonymous.get("/orders")
    api.fake.inject_fault("GET /orders", status=502)
    alice.get("/orders")
    # GET /orders/{id}
    alice.get(f"/orders/{rich}")
    alice.get("/orders/9999")
    alice.get(f"/orders/{rich}", headers={"Sendcloud-Partner-Id": "not-a-uuid"})
    api.fake.inject_fault("GET /orders/{id}", status=500)
    alice.get(f"/orders/{rich}")
    # PATCH /orders/{id}
    alice.patch(f"/orders/{rich}", json={"order_details": {"status": {"code": "shipped"}}})
    alice.patch(f"/orders/{rich}", json={"order_details": {"order_items": [{"name": "nope"}]}})
    alice.patch("/orders/9999", json={"order_number": "x"})
    alice.patch(f"/orders/{rich}", content=b"{}", headers={"Content-Type": "text/plain"})
    # DELETE /orders/{id}, wrong methods, unknown routes
    api.anonymous.delete(f"/orders/{rich}")
    alice.delete(f"/orders/{rich}")
    alice.delete(f"/orders/{rich}")
    alice.put("/orders", json=[])
    alice.post(f"/orders/{rich}", json=[])
    alice.get("/parcels")
    # 429 last: it shuts the account out
    api.fake.rate_limit = RateLimit(reads_per_minute=1, writes_per_minute=1, writes_per_second=1)
    for _ in range(2):
        alice.get("/orders")
        alice.post("/orders", json=[make_order("z")])

    assert api.seen.answers == EVERY_ANSWER


def test_the_contract_hook_rejects_an_answer_that_breaks_the_schema() -> None:
    request = httpx.Request("GET", "https://panel.sendcloud.sc/api/v3/orders/5")
    broken = httpx.Response(200, json={"data": {"id": 5}}, request=request)

    with pytest.raises(AssertionError, match="order-response answer breaks the contract"):
        contract_hook(Seen())(broken)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [("POST", "/orders", 415), ("GET", "/orders/5", 400), ("DELETE", "/orders/5", 413)],
)
def test_the_contract_hook_rejects_a_status_the_document_does_not_declare(
    method: str, path: str, status: int
) -> None:
    request = httpx.Request(method, f"https://panel.sendcloud.sc/api/v3{path}")
    answer = httpx.Response(status, json={"errors": [{"status": str(status), "code": "invalid"}]})
    answer.request = request

    with pytest.raises(AssertionError, match="which the document does not declare"):
        contract_hook(Seen())(answer)
