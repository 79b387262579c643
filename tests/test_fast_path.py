"""The fast path (``proof.holds``, ``rules.clean``) never hides a finding of the full check.

Valid and edge-case payloads from the strategies, and the same payloads broken the ways
real ones are (currencies mixed, totals raised, dates swapped, duplicate keys, bad EANs,
unknown states, ...): whenever the fast proof holds, the detailed path finds nothing, and
whenever it does not, validate() reports exactly what the detailed path reports.
"""

from __future__ import annotations

import collections
import copy
import decimal
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from sendcloud_contract import proof, rules, schemas, validate
from sendcloud_contract.strategies import (
    edge_case_batches,
    edge_case_orders,
    order_batches,
    order_updates,
    orders,
)
from sendcloud_contract.validation import _detailed
from tests.helpers import base_order

Order = dict[str, Any]


def _items(order: Order) -> list[Order]:
    items: list[Order] = order["order_details"]["order_items"]
    return items


def _other_currency(price: dict[str, Any]) -> None:
    price["currency"] = "GBP" if price["currency"] != "GBP" else "USD"


def _raise_total(order: Order) -> None:
    _items(order)[-1]["total_price"]["value"] += 1


def _swap_dates(order: Order) -> None:
    details = order["order_details"]
    created = details["order_created_at"]
    details["order_created_at"] = details.get("order_updated_at", created)
    details["order_updated_at"] = created


def _swap_dates_one_lowercase_t(order: Order) -> None:
    """Swapped, and the earlier stamp written with RFC 3339's lower-case ``t``."""
    _swap_dates(order)
    details = order["order_details"]
    details["order_updated_at"] = details["order_updated_at"].replace("T", "t", 1)


def _decimal_prices(node: Any) -> None:
    """Every JSON number of a price as the Decimal it spells."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "value" and isinstance(value, float):
                node[key] = decimal.Decimal(repr(value))
            else:
                _decimal_prices(value)
    elif isinstance(node, list):
        for element in node:
            _decimal_prices(element)


def _address(order: Order) -> Order:
    address: Order = order.setdefault(
        "shipping_address",
        {"name": "A", "address_line_1": "B", "postal_code": "1", "city": "C", "country_code": "NL"},
    )
    return address


ORDER_MUTATIONS: dict[str, Callable[[Order], None]] = {
    "none": lambda order: None,
    "item-currency": lambda order: _other_currency(_items(order)[0]["total_price"]),
    "payment-currency": lambda order: _other_currency(order["payment_details"]["total_price"]),
    "costs-currency": lambda order: order["payment_details"].update(
        other_costs={"value": "1.00", "currency": "XYZ"}
    ),
    "costs-currency-in-a-dict-subclass": lambda order: order["payment_details"].update(
        other_costs=collections.OrderedDict(value="1.00", currency="GBP")
    ),
    "total-raised": _raise_total,
    "dates-swapped": _swap_dates,
    "dates-swapped-lowercase-t": _swap_dates_one_lowercase_t,
    "bad-ean": lambda order: _items(order)[0].update(ean="4006381333932"),
    "good-ean": lambda order: _items(order)[0].update(ean="4006381333931"),
    "unknown-state": lambda order: _address(order).update(state_province_code="ZZ9"),
    "foreign-state": lambda order: _address(order).update(state_province_code="XX-NY"),
    "us-without-state": lambda order: (
        _address(order).update(country_code="US")
        or _address(order).pop("state_province_code", None)
    ),
    "unknown-origin": lambda order: _items(order)[0].update(country_of_origin="ZZ"),
    "bad-hs-code": lambda order: _items(order)[0].update(hs_code="12"),
    "dotted-hs-code": lambda order: _items(order)[0].update(hs_code="3406.00"),
    "image-without-product": lambda order: (
        _items(order)[0].update(image_url="https://x.test/a.jpg")
        or _items(order)[0].pop("product_id", None)
    ),
    "no-customs": lambda order: order.pop("customs_details", None),
    "letter-id": lambda order: order.update(id="66a"),
    "decimal-prices": _decimal_prices,
    "no-unit-price": lambda order: _items(order)[0].pop("unit_price", None),
}

BATCH_MUTATIONS: dict[str, Callable[[list[Order]], None]] = {
    "duplicate-key": lambda batch: batch.append(copy.deepcopy(batch[0])),
    "same-order-id-other-integration": lambda batch: batch.append(
        {
            **copy.deepcopy(batch[0]),
            "order_details": {
                **copy.deepcopy(batch[0]["order_details"]),
                "integration": {"id": batch[0]["order_details"]["integration"]["id"] + 1},
            },
        }
    ),
    "float-integration": lambda batch: batch.append(
        {
            **copy.deepcopy(batch[0]),
            "order_details": {
                **copy.deepcopy(batch[0]["order_details"]),
                "integration": {"id": float(batch[0]["order_details"]["integration"]["id"])},
            },
        }
    ),
}


def _as_tuples(value: Any) -> Any:
    """The same JSON with every array a tuple (which is JSON as much as a list)."""
    if isinstance(value, dict):
        return {key: _as_tuples(member) for key, member in value.items()}
    if isinstance(value, list):
        return tuple(_as_tuples(element) for element in value)
    return value


def _assert_no_hidden_finding(value: Any, kind: schemas.Kind) -> None:
    full = _detailed(value, kind, allow_unknown_fields=False, prove_json=True)
    assert validate(_as_tuples(value), kind).violations == full
    if proof.holds(value, kind):
        event("fast path")
        assert full == []
    else:
        event("detailed path")
    if proof.holds(value, kind, parsed=True):  # the values here all have a JSON form
        assert full == []
    assert validate(value, kind).violations == full
    if rules.clean(kind, value) and schemas.compiled(kind).is_valid(value):
        assert rules.check(kind, value) == []


_ANY_ORDER = st.one_of(orders(), edge_case_orders())


@given(_ANY_ORDER, st.sampled_from(sorted(ORDER_MUTATIONS)))
def test_orders_fast_and_full_agree(order: Order, mutation: str) -> None:
    ORDER_MUTATIONS[mutation](order)
    _assert_no_hidden_finding(order, "order")


@given(
    st.one_of(order_batches(max_size=4), edge_case_batches()),
    st.sampled_from(sorted(ORDER_MUTATIONS)),
    st.sampled_from(["none", *sorted(BATCH_MUTATIONS)]),
    st.data(),
)
def test_batches_fast_and_full_agree(
    batch: list[Order], mutation: str, batch_mutation: str, data: st.DataObject
) -> None:
    target = data.draw(st.integers(0, len(batch) - 1), label="mutated order")
    ORDER_MUTATIONS[mutation](batch[target])
    if batch_mutation != "none":
        BATCH_MUTATIONS[batch_mutation](batch)
    _assert_no_hidden_finding(batch, "order-batch")


UPDATE_MUTATIONS: dict[str, Callable[[Order], None]] = {
    "none": lambda update: None,
    "phone-twice": lambda update: update.setdefault("customer_details", {}).update(
        phone="+31100000000", phone_number="+31100000001"
    ),
    "unknown-country": lambda update: update.setdefault(
        "shipping_address",
        {"name": "A", "address_line_1": "B", "postal_code": "1", "city": "C"},
    ).update(country_code="ZZ"),
    "letter-id": lambda update: update.update(id="66a"),
    "unknown-origin": lambda update: (
        update.setdefault("order_details", {})
        .setdefault("order_items", [{"name": "x"}])[0]
        .update(country_of_origin="ZZ")
    ),
}


@given(st.data(), st.sampled_from(sorted(UPDATE_MUTATIONS)))
def test_updates_fast_and_full_agree(data: st.DataObject, mutation: str) -> None:
    order = data.draw(_ANY_ORDER, label="order")
    update = data.draw(order_updates(order), label="update")
    UPDATE_MUTATIONS[mutation](update)
    _assert_no_hidden_finding(update, "order-update")


@given(orders())
def test_valid_orders_take_the_fast_path(order: Order) -> None:
    assert proof.holds(order, "order")
    assert proof.holds([order], "order-batch")


def test_a_lowercase_t_does_not_hide_an_update_before_creation() -> None:
    order = base_order()
    order["order_details"].update(
        order_created_at="2026-10-01T12:00:00Z", order_updated_at="2026-10-01t10:00:00Z"
    )
    assert not proof.holds([order], "order-batch")
    assert [v.rule for v in validate([order]).violations] == ["updated-before-created"]


def test_the_contracts_price_currencies_are_the_rules_and_iso_4217_codes() -> None:
    """rules.clean relies on it: it checks the total's currency against PRICE_CURRENCIES
    (the engine leaves that to it), and a price's currency needs no ISO look-up of its own."""
    price = schemas.lookup(schemas.BASE_URI + "common.schema.json#/$defs/currency")
    assert set(price["enum"]) == rules.PRICE_CURRENCIES
    assert rules.currency_codes() >= rules.PRICE_CURRENCIES


def test_every_iso_country_code_is_two_capitals() -> None:
    """rules.clean relies on it: the engine leaves the order kinds' country codes to it."""
    assert all(
        len(code) == 2 and code.isascii() and code.isupper() for code in rules.country_codes()
    )


def test_what_the_proof_remembers_stays_bounded() -> None:
    order = base_order()
    item = _items(order)[0]
    for code in range(100000, 100000 + rules._PROVEN_AT_MOST + 10):
        item["hs_code"] = str(code)
        assert rules.clean("order", order)
    assert len(rules._PROVEN_HS_CODES) == rules._PROVEN_AT_MOST
    item["hs_code"] = "12"  # remembered or not, a bad code is still refused
    assert not rules.clean("order", order)


@pytest.mark.parametrize(
    ("created", "updated"),
    [
        ("2026-10-01T10:00:00.500Z", "2026-10-01T10:00:00Z"),
        ("2026-10-01T10:00:00Z", "2026-10-01T10:00:00.500Z"),
        ("2026-10-01T10:00:00.250Z", "2026-10-01T10:00:00.25Z"),
        ("2026-10-01T10:00:01Z", "2026-10-01T10:00:00.999Z"),
        ("2026-10-01T10:00:00Z", "2026-10-01T10:00:00Z"),
        ("2026-10-01T12:00:00+02:00", "2026-10-01T10:30:00Z"),
        ("2026-10-01T12:00:00.500+02:00", "2026-10-01T10:00:00Z"),
        ("2026-10-01T10:00:00.1Z", "2026-10-01T10:00:00.1000000000000Z"),
        ("2026-10-01T10:00:00.26Z", "2026-10-01T10:00:00.250Z"),
    ],
)
def test_time_stamps_in_the_same_second_or_offsets_are_compared_exactly(
    created: str, updated: str
) -> None:
    order = base_order()
    order["order_details"].update(order_created_at=created, order_updated_at=updated)
    created_at, updated_at = rules.parse_date_time(created), rules.parse_date_time(updated)
    before = created_at is not None and updated_at is not None and updated_at < created_at
    assert proof.holds([order], "order-batch") is not before
    found = [v.rule for v in validate([order]).violations]
    assert found == (["updated-before-created"] if before else [])
