"""A tiny shop integration: the code under test of the demo, as a shop would write it."""

from __future__ import annotations

from typing import Any

import httpx

SENDCLOUD = "https://panel.sendcloud.sc/api/v3"


def to_sendcloud(order: dict[str, Any], integration: int) -> dict[str, Any]:
    """One shop order in the shape of Sendcloud's Orders API."""
    return {
        "order_id": order["number"],
        "order_number": order["number"].removeprefix("WEB-"),
        "order_details": {
            "integration": {"id": integration},
            "status": {"code": "fulfilled"},
            "order_created_at": order["created"],
            "order_items": [
                {
                    "name": line["title"],
                    "quantity": line["qty"],
                    "total_price": {"value": line["qty"] * line["price"], "currency": "EUR"},
                }
                for line in order["lines"]
            ],
        },
        "payment_details": {
            "total_price": {"value": sum(x["qty"] * x["price"] for x in order["lines"]),
                            "currency": "EUR"},
            "status": {"code": "paid"},
        },
        "shipping_address": order["address"],
    }  # fmt: skip


def push_orders(
    orders: list[dict[str, Any]], auth: tuple[str, str], integration: int = 1
) -> list[int]:
    """Send the orders in one batch; returns Sendcloud's ids."""
    batch = [to_sendcloud(order, integration) for order in orders]
    response = httpx.post(f"{SENDCLOUD}/orders", json=batch, auth=auth)
    response.raise_for_status()
    return [entry["id"] for entry in response.json()["data"]]
