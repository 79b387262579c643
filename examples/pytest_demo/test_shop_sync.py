"""The demo's tests: the plugin's fixtures and assertions at work on shop_sync.

Run with ``pytest -p sendcloud examples/pytest_demo`` (``make demo`` does).
"""

from __future__ import annotations

import httpx
import pytest
from shop_sync import push_orders, to_sendcloud

from pytest_sendcloud import FakeHandle, Validator
from sendcloud_contract import assert_valid_batch

SHOP_ORDER = {
    "number": "WEB-1001",
    "created": "2026-10-01T10:00:00Z",
    "lines": [{"title": "Stoneware bowl", "qty": 2, "price": 14.5}],
    "address": {
        "name": "Sanne Jansen",
        "address_line_1": "Oudegracht",
        "house_number": "12",
        "postal_code": "3511 AB",
        "city": "Utrecht",
        "country_code": "NL",
    },
}


def test_the_mapping_keeps_the_contract(sendcloud_validator: Validator) -> None:
    batch = [to_sendcloud(SHOP_ORDER, integration=1)]
    assert_valid_batch(batch)
    sendcloud_validator.assert_valid(batch, kind="order-batch")


def test_push_stores_the_order(sendcloud_fake: FakeHandle) -> None:
    [sendcloud_id] = push_orders([SHOP_ORDER], auth=sendcloud_fake.auth)

    [stored] = sendcloud_fake.orders
    assert stored["id"] == str(sendcloud_id)
    assert stored["order_id"] == "WEB-1001"


@pytest.mark.sendcloud(integrations=[4711])
def test_push_to_another_integration(sendcloud_fake: FakeHandle) -> None:
    push_orders([SHOP_ORDER], auth=sendcloud_fake.auth, integration=4711)

    assert sendcloud_fake.orders[0]["order_details"]["integration"]["id"] == 4711


def test_a_sendcloud_outage_reaches_the_caller(sendcloud_fake: FakeHandle) -> None:
    sendcloud_fake.inject_fault("POST /orders", status=503)

    with pytest.raises(httpx.HTTPStatusError, match="503"):
        push_orders([SHOP_ORDER], auth=sendcloud_fake.auth)
