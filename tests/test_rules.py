"""Domain rules beyond JSON Schema: each one fires when it should, and only then."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sendcloud_contract import RULES, Severity, validate
from sendcloud_contract.rules import gtin_is_valid, parse_date_time


def _rules(report_payload: Any, kind: str = "order") -> list[tuple[str, str]]:
    return [(v.rule, v.pointer) for v in validate(report_payload, kind).violations]


def test_rule_ids_are_unique_and_documented() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.summary
        assert rule.hint
    readme = (__import__("pathlib").Path(__file__).parent.parent / "README.md").read_text()
    for rule in RULES:
        assert f"`{rule.id}`" in readme, rule.id


def test_duplicate_order_key_in_a_batch(order: dict[str, Any]) -> None:
    other_integration = copy.deepcopy(order)
    other_integration["order_details"]["integration"]["id"] = 4712
    assert validate([order, other_integration]).ok
    report = validate([order, other_integration, copy.deepcopy(order)])
    (violation,) = report.errors
    assert (violation.rule, violation.pointer) == ("duplicate-order-key", "/2")
    assert violation.sendcloud_pointer == "/data/attributes/[2]"
    assert "already order 0" in violation.message


def test_duplicate_order_key_reads_the_integration_id_as_the_integer_it_names(
    order: dict[str, Any],
) -> None:
    """2.0 is the integration 2, as for the fake's upsert key; the message says 4711."""
    spelled = copy.deepcopy(order)
    spelled["order_details"]["integration"]["id"] = 4711.0
    (violation,) = validate([order, spelled]).errors
    assert violation.rule == "duplicate-order-key"
    assert "for integration 4711 is" in violation.message


@pytest.mark.parametrize(
    ("value", "ok"),
    [("669", True), ("0669", True), ("abc", False), ("66 9", False), ("٦٦٩", False)],
)
def test_request_id_must_be_digits(order: dict[str, Any], value: str, ok: bool) -> None:
    order["id"] = value
    assert (("request-id-digits", "/id") not in _rules(order)) is ok


def test_unknown_country_codes(order: dict[str, Any]) -> None:
    order["shipping_address"]["country_code"] = "XK"
    assert validate(order, "order").ok  # Kosovo's user-assigned code is what carriers use
    order["shipping_address"]["country_code"] = "XX"
    order["order_details"]["order_items"][0]["country_of_origin"] = "QQ"
    assert sorted(_rules(order)) == [
        ("unknown-country-code", "/order_details/order_items/0/country_of_origin"),
        ("unknown-country-code", "/shipping_address/country_code"),
    ]


def test_unknown_currency_in_costs(order: dict[str, Any]) -> None:
    order["payment_details"]["other_costs"] = {"value": "1.00", "currency": "EUR"}
    assert _rules(order) == []
    order["payment_details"]["other_costs"] = {"value": "1.00", "currency": "EUX"}
    assert ("unknown-currency-code", "/payment_details/other_costs/currency") in _rules(order)


@pytest.mark.parametrize("country", ["AU", "CA", "IT", "US"])
def test_state_required_where_sendcloud_requires_it(order: dict[str, Any], country: str) -> None:
    order["shipping_address"]["country_code"] = country
    order["customs_details"] = {"shipment_type": "commercial_goods"}
    for item in order["order_details"]["order_items"]:
        item.update(hs_code="691200", country_of_origin="NL")
    report = validate(order, "order")
    assert [(v.rule, v.pointer, v.severity) for v in report.violations] == [
        ("state-province-required", "/shipping_address", Severity.ERROR)
    ]


@pytest.mark.parametrize(
    ("country", "state", "ok"),
    [
        ("US", "NY", True),
        ("US", "US-NY", True),
        ("CA", "ON", True),
        ("IT", "RM", True),
        ("AU", "NSW", True),
        ("US", "ZZ", False),
        ("US", "CA-ON", False),
    ],
)
def test_state_code_forms(order: dict[str, Any], country: str, state: str, ok: bool) -> None:
    order["shipping_address"].update(country_code=country, state_province_code=state)
    order["customs_details"] = {"shipment_type": "commercial_goods"}
    for item in order["order_details"]["order_items"]:
        item.update(hs_code="691200", country_of_origin="NL")
    rules = [rule for rule, _ in _rules(order)]
    assert ("unknown-state-province-code" not in rules) is ok
    assert "state-province-required" not in rules


def test_billing_address_needs_no_state(order: dict[str, Any]) -> None:
    order["billing_address"] = dict(order["shipping_address"], country_code="US")
    assert _rules(order) == []


def test_item_total_above_unit_times_quantity_warns(order: dict[str, Any]) -> None:
    item = order["order_details"]["order_items"][0]
    item["total_price"]["value"] = 29.0
    assert _rules(order) == []
    item["total_price"]["value"] = 25.0  # a discount is fine
    assert _rules(order) == []
    item["total_price"]["value"] = 29.5
    report = validate(order, "order")
    assert report.ok
    assert [(v.rule, v.severity) for v in report.violations] == [
        ("item-total-exceeds-unit-price", Severity.WARNING)
    ]


def test_mixed_currencies_warn(order: dict[str, Any]) -> None:
    order["payment_details"]["total_price"]["currency"] = "GBP"
    assert _rules(order) == [
        ("mixed-currencies", "/order_details/order_items/0/unit_price/currency")
    ]


def test_updated_before_created_warns(order: dict[str, Any]) -> None:
    details = order["order_details"]
    details["order_created_at"] = "2026-10-01T10:00:00+02:00"
    details["order_updated_at"] = "2026-10-01T09:30:00Z"  # 11:30 in +02:00: later
    assert _rules(order) == []
    details["order_updated_at"] = "2026-10-01T07:59:59Z"
    assert _rules(order) == [("updated-before-created", "/order_details/order_updated_at")]
    details["order_created_at"] = "2026-10-01T10:00:00.500Z"
    details["order_updated_at"] = "2026-10-01T10:00:00.250Z"
    assert _rules(order) == [("updated-before-created", "/order_details/order_updated_at")]


def test_image_url_without_product_id_warns(order: dict[str, Any]) -> None:
    item = order["order_details"]["order_items"][0]
    item["image_url"] = "https://img.example.com/bowl.jpg"
    assert _rules(order) == [
        ("image-url-without-product-id", "/order_details/order_items/0/image_url")
    ]
    item["product_id"] = "1458734634"
    assert _rules(order) == []


@pytest.mark.parametrize(
    ("code", "ok"),
    [
        ("0799439112766", True),
        ("5901234123457", True),
        ("5901234123458", False),
        ("96385074", True),
        ("036000291452", True),
        ("12345", False),
        ("590123412345A", False),
    ],
)
def test_ean_check_digit(code: str, ok: bool) -> None:
    assert gtin_is_valid(code) is ok


@pytest.mark.parametrize(
    ("hs_code", "ok"),
    [
        ("691200", True),
        ("6205.20", True),
        ("62.05", False),
        ("6205.20.00", True),
        ("6302600010", True),
        ("12345", False),
        ("12345678901", False),
    ],
)
def test_hs_code_shape(order: dict[str, Any], hs_code: str, ok: bool) -> None:
    order["order_details"]["order_items"][0]["hs_code"] = hs_code
    assert (("hs-code-shape", "/order_details/order_items/0/hs_code") not in _rules(order)) is ok


def test_customs_needed_outside_the_eu(order: dict[str, Any]) -> None:
    order["shipping_address"].update(country_code="CH")
    assert sorted(_rules(order)) == [
        ("customs-missing", ""),
        ("customs-missing", "/order_details/order_items/0"),
    ]
    order["customs_details"] = {
        "shipment_type": "commercial_goods",
        "export_type": "commercial_b2c",
    }
    order["order_details"]["order_items"][0].update(hs_code="691200", country_of_origin="PT")
    assert _rules(order) == []
    order["shipping_address"]["country_code"] = "DE"
    del order["customs_details"]
    assert _rules(order) == []


def test_rules_survive_schema_invalid_input() -> None:
    weird: list[Any] = [
        None,
        {"order_details": "nope", "payment_details": [], "shipping_address": 5},
        {
            "order_details": {
                "order_items": [None, {"unit_price": 1, "total_price": {"value": "x"}}]
            }
        },
        {"shipping_address": {"country_code": None, "state_province_code": 5}},
    ]
    report = validate(weird, "order-batch")
    assert not report.ok
    assert all(
        v.rule in {"type", "required", "minItems", "pattern"}
        or v.rule.startswith(("customs", "state"))
        for v in report.violations
    )


def test_parse_date_time() -> None:
    parsed = parse_date_time("2018-02-27T10:00:00.555309+01:30")
    assert parsed is not None
    assert parsed.microsecond == 555309
    assert parse_date_time("2018-02-30T10:00:00Z") is None
    assert parse_date_time("yesterday") is None


def test_order_update_rules(order: dict[str, Any]) -> None:
    assert [v.rule for v in validate({"id": "x1", "order_id": "1"}, "order-update").errors] == [
        "request-id-digits"
    ]
    report = validate({"shipping_address": {"country_code": "XX"}}, "order-update")
    assert [v.rule for v in report.errors] == ["unknown-country-code"]


def test_a_malformed_currency_is_the_schemas_finding_only(order: dict[str, Any]) -> None:
    for price in ("unit_price", "total_price"):
        order["order_details"]["order_items"][0][price]["currency"] = "eur"
    order["payment_details"]["total_price"]["currency"] = "eur"
    assert {v.rule for v in validate(order, "order").violations} == {"enum"}


def test_an_unknown_currency_is_not_also_a_mixed_currency(order: dict[str, Any]) -> None:
    order["payment_details"]["other_costs"] = {"value": "1.00", "currency": "XYZ"}
    assert _rules(order) == [("unknown-currency-code", "/payment_details/other_costs/currency")]


@pytest.mark.parametrize("currency", [["EUR"], {"code": "EUR"}, None, 7])
def test_a_currency_of_the_wrong_type_is_the_schemas_finding_only(
    order: dict[str, Any], currency: Any
) -> None:
    order["payment_details"]["total_price"]["currency"] = currency
    report = validate(order, "order")
    assert {v.rule for v in report.violations} <= {"type", "enum"}
    assert report.errors


def test_patch_phone_twice() -> None:
    both = {"customer_details": {"phone": "+31612345678", "phone_number": "+31612345678"}}
    assert ("patch-phone-twice", "/customer_details/phone") in _rules(both, "order-update")
    one = {"customer_details": {"phone_number": "+31612345678"}}
    assert _rules(one, "order-update") == []
