"""Valid PATCH /orders/{id} bodies for a given order."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.strategies import DrawFn, SearchStrategy

from sendcloud_contract.strategies._build import (
    Order,
    OrderConfig,
    build_customs,
    build_service_point,
    build_shipping_details,
    email_for,
    line_total,
    phone_number_for,
    price_of,
    weight_of,
)
from sendcloud_contract.strategies._data import (
    COUNTRIES,
    COUNTRY_LIST,
    FIRST_NAMES,
    LAST_NAMES,
    LINE2,
    NOTES,
    ORDER_STATUSES,
    PAYMENT_STATUSES,
    PRODUCTS,
    QUANTITIES,
    TAGS,
)
from sendcloud_contract.strategies._orders import is_order_id
from sendcloud_contract.strategies._schema import schema_enum
from sendcloud_contract.strategies._source import Drawn
from sendcloud_contract.strategies._time import EPOCH, STAMP_STYLES, read_stamp, write_stamp


def _order_currency(order: Order) -> str:
    currency = order.get("payment_details", {}).get("total_price", {}).get("currency")
    return currency if currency in schema_enum("currency") else schema_enum("currency")[0]


@st.composite
def _updates(draw: DrawFn, order: Order) -> dict[str, Any]:
    src = Drawn(draw)
    details = order["order_details"]
    currency = _order_currency(order)
    items = [i for i in details.get("order_items", []) if isinstance(i, dict) and i.get("name")]
    stamps = [read_stamp(details.get(k)) for k in ("order_created_at", "order_updated_at")]
    latest = max((s for s in stamps if s is not None), default=EPOCH)
    address = order.get("shipping_address")
    code = address.get("country_code") if isinstance(address, dict) else None
    destination = COUNTRIES.get(code) if isinstance(code, str) else None

    changes = ["status", "notes", "tags", "payment", "customer", "shipping_details",
               "service_point", "customs", "order_number"]  # fmt: skip
    if items:
        changes.insert(1, "items")
    for key in ("shipping_address", "billing_address"):
        if isinstance(order.get(key), dict):
            changes.append(key)
    chosen = draw(st.lists(st.sampled_from(changes), min_size=1, max_size=4, unique=True))

    body: dict[str, Any] = {}
    if isinstance(order.get("id"), str) and src.chance(50):
        body["id"] = order["id"]
    if src.chance(30):
        body["order_id"] = order["order_id"]
    if "order_number" in chosen:
        body["order_number"] = (
            f"{order.get('order_number', order['order_id'])}-R{src.integer(1, 9)}"
        )
    patch_details: dict[str, Any] = {}
    if "status" in chosen:
        code, message = src.pick(ORDER_STATUSES)
        patch_details["status"] = {"code": code, "message": message}
        later = latest + timedelta(minutes=src.integer(1, 14 * 24 * 60))
        patch_details["order_updated_at"] = write_stamp(later, src.pick(STAMP_STYLES))
    if "items" in chosen:
        patch_details["order_items"] = _item_updates(src, draw, items, currency)
    if "notes" in chosen:
        patch_details["notes"] = None if src.chance(20) else src.pick(NOTES)
    if "tags" in chosen:
        patch_details["tags"] = None if src.chance(20) else [src.pick(TAGS)]
    if patch_details:
        body["order_details"] = patch_details
    if "payment" in chosen:
        code, message = src.pick(PAYMENT_STATUSES)
        payment: dict[str, Any] = {"status": {"code": code, "message": message}}
        if src.chance(30):
            payment["insurance_costs"] = {"value": "9.99", "currency": currency}
        if src.chance(20):
            payment["is_cash_on_delivery"] = None
        body["payment_details"] = payment
    if "customs" in chosen:
        body["customs_details"] = build_customs(
            src, order["order_id"], destination.code if destination else "NL", latest
        )
    if "customer" in chosen:
        first, last = src.pick(FIRST_NAMES), src.pick(LAST_NAMES)
        customer: dict[str, Any] = {"email": email_for(first, last)}
        if not isinstance(order.get("customer_details"), dict):
            # The PATCH creates the object, so it gives what an order's customer requires.
            customer = {"name": f"{first} {last}", **customer}
        if src.chance(50):
            customer["phone_number"] = phone_number_for(destination or COUNTRY_LIST[0], src)
        body["customer_details"] = customer
    for key in ("billing_address", "shipping_address"):
        if key in chosen:
            change: dict[str, Any] = {}
            if src.chance(50):
                change["name"] = f"{src.pick(FIRST_NAMES)} {src.pick(LAST_NAMES)}"
            if src.chance(50) or not change:
                change["address_line_2"] = src.pick(LINE2)
            if src.chance(30):
                change["phone_number"] = phone_number_for(destination or COUNTRY_LIST[0], src)
            body[key] = change
    if "shipping_details" in chosen:
        cfg = OrderConfig(destinations=None, currencies=(currency,))
        body["shipping_details"] = build_shipping_details(src, cfg, [], True)
    if "service_point" in chosen:
        body["service_point_details"] = build_service_point(src, destination)
    return body


def _item_updates(
    src: Drawn, draw: DrawFn, items: list[dict[str, Any]], currency: str
) -> list[dict[str, Any]]:
    indices = draw(
        st.lists(st.integers(0, len(items) - 1), min_size=1, max_size=len(items), unique=True)
    )
    updates = []
    for index in sorted(indices):
        item = items[index]
        update: dict[str, Any] = {"name": item["name"]}
        if src.chance(60):
            quantity = src.pick(QUANTITIES)
            product = PRODUCTS[index % len(PRODUCTS)]
            unit = product.price_cents
            update["quantity"] = quantity
            update["unit_price"] = price_of(unit, currency)
            update["total_price"] = {
                "value": line_total(unit, quantity, unit * quantity),
                "currency": currency,
            }
        if src.chance(40) or len(update) == 1:
            update["measurement"] = {"weight": weight_of(src.integer(50, 5000), "g")}
        if src.chance(20):
            product = PRODUCTS[index % len(PRODUCTS)]
            update["hs_code"] = product.hs_code
            update["country_of_origin"] = product.origin
        updates.append(update)
    return updates


def order_updates(order: Mapping[str, Any]) -> SearchStrategy[dict[str, Any]]:
    """Valid PATCH /orders/{id} bodies for ``order``: only fields PATCH may change.

    ``order`` is the stored order (as GET returns it, or as it was sent): each body, merged
    into it, makes a valid order, so the fake answers 200. Item changes address existing
    items by ``name``; an object the order lacks is sent with its required fields; a service
    point is sent whole; money stays in the order's currency and ``order_updated_at`` never
    goes back before the order's own time stamps. ``id`` and ``order_id``, when sent, are
    the order's own.
    """
    if not isinstance(order, Mapping) or not isinstance(order.get("order_details"), Mapping):
        raise InvalidArgument("order_updates() needs an order: a mapping with order_details")
    if not is_order_id(order.get("order_id")):
        raise InvalidArgument("order_updates() needs an order with a non-empty order_id")
    return _updates(copy.deepcopy(dict(order)))
