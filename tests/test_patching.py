"""What a PATCH makes of a stored order, and what it would break, told at the body's places."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sendcloud_contract import patching
from sendcloud_contract.validation import validate
from tests.helpers import base_order


def _check(order: Any) -> list[Any]:
    return list(validate(order, "order").violations)


@pytest.fixture
def stored() -> dict[str, Any]:
    order = base_order()
    order["order_details"]["order_items"].append(
        {"name": "Vase", "quantity": 2, "total_price": {"value": 9.0, "currency": "EUR"}}
    )
    order["order_details"]["notes"] = "Ring twice"
    return order | {"id": "7", "created_at": "2024-05-01T12:00:00+00:00"}


def test_merge_is_a_merge_patch_with_items_by_name(stored: dict[str, Any]) -> None:
    before = copy.deepcopy(stored)
    body = {
        "id": "7",
        "created_at": "1999-01-01T00:00:00Z",
        "order_details": {"notes": None, "order_items": [{"name": "Vase", "quantity": 3}]},
        "customer_details": {"name": "Ann Lee", "phone": "+31612345678"},
        "payment_details": {"total_price": {"value": 12.5}},
    }

    merged = patching.merge(stored, body)

    assert stored == before
    assert merged["created_at"] == stored["created_at"]
    assert "notes" not in merged["order_details"]
    assert [i["quantity"] for i in merged["order_details"]["order_items"]] == [2, 3]
    assert merged["order_details"]["order_items"][1]["total_price"]["value"] == 9.0
    assert merged["customer_details"] == {"name": "Ann Lee", "phone_number": "+31612345678"}
    assert merged["payment_details"]["total_price"] == {"value": 12.5, "currency": "EUR"}
    assert merged["shipping_address"] == stored["shipping_address"]


def test_merge_never_adds_an_item(stored: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="'Lamp'"):
        patching.merge(stored, {"order_details": {"order_items": [{"name": "Lamp"}]}})


def test_state_rules_are_reported_before_the_merge(stored: dict[str, Any]) -> None:
    body = {
        "id": "8",
        "order_id": "other",
        "order_details": {"order_items": [{"name": "Vase"}, {"name": "Lamp"}]},
    }

    found = patching.merge_violations(stored, body, _check)

    assert [(v.pointer, v.rule, v.sendcloud_pointer) for v in found] == [
        ("/id", patching.ID_MISMATCH, "/data/attributes/id"),
        ("/order_id", patching.ORDER_ID_FIXED, "/data/attributes/order_id"),
        (
            "/order_details/order_items/1/name",
            patching.UNKNOWN_ITEM,
            "/data/attributes/order_details/order_items/1/name",
        ),
    ]
    assert found[1].message == "Order id WEB-5501 cannot be changed"
    assert {v.rule for v in found} <= patching.STATE_RULES


def test_an_id_is_compared_as_the_number_it_spells(stored: dict[str, Any]) -> None:
    assert patching.merge_violations(stored, {"id": "007"}, _check) == []
    assert patching.merge_violations(stored | {"id": None}, {"id": "8"}, _check) == []


def test_a_finding_in_an_item_points_at_the_change_that_caused_it(
    stored: dict[str, Any],
) -> None:
    body = {"order_details": {"order_items": [{"name": "Vase", "unit_price": {"value": 4.5}}]}}

    [finding] = patching.merge_violations(stored, body, _check)

    assert finding.pointer == "/order_details/order_items/0/unit_price"
    assert finding.sendcloud_pointer == (
        "/data/attributes/order_details/order_items/0/unit_price/currency"
    )
    assert finding.message == (
        "order_details.order_items[0].unit_price.currency: Field required "
        "in the order this PATCH would make"
    )
    assert finding.hint is not None
    assert "has no order_details.order_items[1].unit_price" in finding.hint


def test_only_what_the_merge_adds_is_reported(stored: dict[str, Any]) -> None:
    stored["order_details"]["order_updated_at"] = "2020-04-01T00:00:00Z"  # a warning already
    assert [v.rule for v in _check(stored)] == ["updated-before-created"]

    assert patching.merge_violations(stored, {"order_number": "F-9"}, _check) == []


def test_validate_given_the_stored_order_says_what_the_merge_would_break(
    stored: dict[str, Any],
) -> None:
    body = {"customer_details": {"email": "a@b.example"}}
    stored.pop("customer_details", None)
    alone = validate(body, "order-update")
    assert alone.ok

    given = validate(body, "order-update", current=stored)

    assert not given.ok
    assert given.violations == patching.merge_violations(stored, body, _check)
    (violation,) = given.violations
    assert violation.sendcloud_pointer == "/data/attributes/customer_details/name"
    assert "customer_details.name" in violation.message


def test_validate_given_the_stored_order_reports_the_state_rules(stored: dict[str, Any]) -> None:
    report = validate({"id": "8"}, "order-update", current=stored)
    assert [v.rule for v in report.violations] == [patching.ID_MISMATCH]
    assert validate({"id": "7"}, "order-update", current=stored).ok


def test_a_body_that_breaks_the_contract_alone_is_not_merged(stored: dict[str, Any]) -> None:
    report = validate({"order_id": 7}, "order-update", current=stored)
    assert [v.rule for v in report.violations] == ["type"]


def test_current_applies_to_patch_bodies_only(stored: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="order-update"):
        validate(stored, "order", current=stored)
