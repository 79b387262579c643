"""Domain rules beyond JSON Schema: each one fires when it should, and only then."""

from __future__ import annotations

import copy
import datetime
import fractions
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendcloud_contract import RULES, Severity, validate
from sendcloud_contract.rules import gtin_is_valid
from sendcloud_contract.strategies import edge_case_orders
from sendcloud_contract.timestamps import before, parse_date_time
from tests.anywhere import replace_somewhere


def _rules(report_payload: Any, kind: str = "order") -> list[tuple[str, str]]:
    return [(v.rule, v.pointer) for v in validate(report_payload, kind).violations]


def test_rule_ids_are_unique_and_documented() -> None:
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    for rule in RULES:
        assert rule.summary
        assert rule.hint
    page = (__import__("pathlib").Path(__file__).parent.parent / "docs" / "rules.md").read_text()
    for rule in RULES:
        assert f"`{rule.id}`" in page, rule.id


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


@given(data=st.data())
def test_rules_survive_any_json_value_at_any_place(data: st.DataObject) -> None:
    """A list where a currency belongs, a dict for a country code: the schema reports it, and
    no rule crashes on it (they look such values up in sets and dicts)."""
    order = data.draw(edge_case_orders())
    replace_somewhere(data, order)
    assert validate(order, "order").kind == "order"  # and no exception on the way


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


@pytest.mark.parametrize("offset", ["+24:00", "+23:60", "-99:00"])
def test_an_offset_of_a_day_or_more_is_a_format_violation_not_a_crash(
    order: dict[str, Any], offset: str
) -> None:
    assert parse_date_time(f"2026-10-01T12:30:00{offset}") is None
    order["order_details"]["order_updated_at"] = f"2026-10-01T12:30:00{offset}"
    assert _rules(order) == [("format", "/order_details/order_updated_at")]


# Each stamp is RFC 3339 (whose year is any four digits); its UTC instant may lie outside
# the years 1 to 9999, where Python's datetime cannot go.
EXTREME_STAMPS = [
    "9999-12-31T23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "0000-01-01T00:00:00Z",
    "0000-03-01T00:00:00.5+05:30",
]


@pytest.mark.parametrize("stamp", EXTREME_STAMPS)
def test_extreme_years_are_valid_and_compare_by_their_instant(
    order: dict[str, Any], stamp: str
) -> None:
    details = order["order_details"]
    details["order_created_at"] = details["order_updated_at"] = stamp
    assert _rules(order) == []
    details["order_updated_at"] = "2026-10-01T12:30:00Z"
    later = ("updated-before-created", "/order_details/order_updated_at")
    assert _rules(order) == ([later] if stamp.startswith("9999") else [])
    details["order_created_at"], details["order_updated_at"] = "2026-10-01T12:30:00Z", stamp
    assert _rules(order) == ([] if stamp.startswith("9999") else [later])


def test_instants_across_offsets_and_fractions() -> None:
    assert before("2025-12-31T23:29:59Z", "2026-01-01T00:30:00+01:00")
    assert not before("2025-12-31T23:30:00Z", "2026-01-01T00:30:00+01:00")
    assert before("2026-01-01T01:00:00.45+01:00", "2026-01-01T00:00:00.5Z")
    assert not before("2026-01-01T01:00:00.5+01:00", "2026-01-01T00:00:00.50Z")


def _stamp(moment: datetime.datetime, fraction: str, offset: int | None, t: str) -> str:
    """RFC 3339 text of a wall-clock moment, with fraction digits and an offset in minutes
    (None for Z)."""
    zone = (
        "Z"
        if offset is None
        else f"{'-' if offset < 0 else '+'}{abs(offset) // 60:02d}:{abs(offset) % 60:02d}"
    )
    return moment.strftime(f"%Y-%m-%d{t}%H:%M:%S") + (f".{fraction}" if fraction else "") + zone


def _exact(moment: datetime.datetime, fraction: str, offset: int | None) -> fractions.Fraction:
    utc = moment - datetime.timedelta(minutes=offset or 0)
    whole = (utc - datetime.datetime(1970, 1, 1)) // datetime.timedelta(seconds=1)
    return whole + fractions.Fraction(int(fraction or "0"), 10 ** len(fraction or "0"))


_MOMENTS = st.datetimes(datetime.datetime(1970, 1, 2), datetime.datetime(2100, 1, 1))
_FRACTIONS = st.sampled_from(
    ["", "0", "5", "50", "25", "250", "999999", "1000000000000"]
) | st.text("0123456789", min_size=1, max_size=14)
_OFFSETS = st.none() | st.sampled_from([0, 60, -60, 330, -570]) | st.integers(-1439, 1439)


@given(
    st.tuples(_MOMENTS, _FRACTIONS, _OFFSETS, st.sampled_from("Tt")),
    st.tuples(_MOMENTS, _FRACTIONS, _OFFSETS, st.sampled_from("Tt")),
    st.booleans(),
)
def test_before_is_exact_for_any_two_stamps(
    created: tuple[datetime.datetime, str, int | None, str],
    updated: tuple[datetime.datetime, str, int | None, str],
    same_second: bool,
) -> None:
    if same_second:  # the hard case: one wall-clock second, fractions and offsets decide
        updated = (created[0], updated[1], created[2], updated[3])
    earlier = _exact(*updated[:3]) < _exact(*created[:3])
    assert before(_stamp(*updated), _stamp(*created)) is earlier


def test_huge_quantities_and_prices_never_overflow(order: dict[str, Any]) -> None:
    item = order["order_details"]["order_items"][0]
    item["quantity"] = 10**400
    assert _rules(order) == []
    item["quantity"], item["total_price"]["value"] = 2, 10**400
    ((rule, pointer),) = _rules(order)
    assert (rule, pointer) == (
        "item-total-exceeds-unit-price",
        "/order_details/order_items/0/total_price/value",
    )
    message = validate(order, "order").violations[0].message
    assert "(an integer of 401 digits)" in message


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("country_of_origin", ["NL"]),
        ("country_of_origin", {"code": "NL"}),
        ("ean", "1234567\u00b2"),
    ],
)
def test_odd_item_values_are_the_schemas_finding_not_a_crash(
    order: dict[str, Any], field: str, value: Any
) -> None:
    order["order_details"]["order_items"][0][field] = value
    report = validate(order, "order")
    assert not report.ok or report.warnings
    assert all(v.rule in {"type", "pattern", "ean-check-digit"} for v in report.violations)


def test_a_lowercase_t_does_not_hide_an_update_before_creation(order: dict[str, Any]) -> None:
    order["order_details"].update(
        order_created_at="2026-10-01T12:00:00Z", order_updated_at="2026-10-01t10:00:00Z"
    )
    assert [v.rule for v in validate([order]).violations] == ["updated-before-created"]


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
    order: dict[str, Any], created: str, updated: str
) -> None:
    order["order_details"].update(order_created_at=created, order_updated_at=updated)
    created_at, updated_at = parse_date_time(created), parse_date_time(updated)
    assert created_at is not None
    assert updated_at is not None
    found = [v.rule for v in validate([order]).violations]
    assert found == (["updated-before-created"] if updated_at < created_at else [])
