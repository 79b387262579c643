"""The validator: every field rule, precise pointers, hints, and the two strictness levels."""

from __future__ import annotations

import copy
import datetime
import decimal
import enum
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis import strategies as st

from sendcloud_contract import ContractViolation, Severity, detect_kind, pointers, schemas, validate
from sendcloud_contract.loading import load_path
from sendcloud_contract.strategies import edge_case_orders, orders
from tests.anywhere import replace_somewhere
from tests.helpers import ROOT

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    def mutate(order: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = order
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(order: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = order
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


ITEM = "order_details/order_items/0"

# (mutation, pointer inside the order, rule)
FIELD_RULES: list[tuple[str, Mutation, str, str]] = [
    ("missing order_id", _delete("order_id"), "", "required"),
    ("missing order_number", _delete("order_number"), "", "required"),
    ("missing payment_details", _delete("payment_details"), "", "required"),
    ("missing integration", _delete("order_details/integration"), "/order_details", "required"),
    ("missing item name", _delete(f"{ITEM}/name"), f"/{ITEM}", "required"),
    ("missing total_price", _delete(f"{ITEM}/total_price"), f"/{ITEM}", "required"),
    ("empty order_id", _set("order_id", ""), "/order_id", "minLength"),
    ("integer order_id", _set("order_id", 5501), "/order_id", "type"),
    (
        "string integration id",
        _set("order_details/integration/id", "7"),
        "/order_details/integration/id",
        "type",
    ),
    ("no items", _set("order_details/order_items", []), "/order_details/order_items", "minItems"),
    ("quantity 0", _set(f"{ITEM}/quantity", 0), f"/{ITEM}/quantity", "minimum"),
    ("fractional quantity", _set(f"{ITEM}/quantity", 1.5), f"/{ITEM}/quantity", "type"),
    (
        "lower-case currency",
        _set(f"{ITEM}/total_price/currency", "eur"),
        f"/{ITEM}/total_price/currency",
        "enum",
    ),
    (
        "currency outside the three",
        _set(f"{ITEM}/total_price/currency", "CHF"),
        f"/{ITEM}/total_price/currency",
        "enum",
    ),
    (
        "price as string",
        _set(f"{ITEM}/total_price/value", "29.00"),
        f"/{ITEM}/total_price/value",
        "type",
    ),
    (
        "bad date-time",
        _set("order_details/order_created_at", "2026-13-01T10:00:00Z"),
        "/order_details/order_created_at",
        "format",
    ),
    (
        "date without time",
        _set("order_details/order_created_at", "2026-10-01"),
        "/order_details/order_created_at",
        "format",
    ),
    (
        "bad email",
        _set("shipping_address/email", "sanne.example.nl"),
        "/shipping_address/email",
        "format",
    ),
    (
        "lower-case country",
        _set("shipping_address/country_code", "nl"),
        "/shipping_address/country_code",
        "pattern",
    ),
    (
        "three-letter country",
        _set("shipping_address/country_code", "NLD"),
        "/shipping_address/country_code",
        "pattern",
    ),
    ("empty city", _set("shipping_address/city", ""), "/shipping_address/city", "minLength"),
    (
        "zero weight",
        _set(f"{ITEM}/measurement", {"weight": {"value": 0, "unit": "kg"}}),
        f"/{ITEM}/measurement/weight/value",
        "exclusiveMinimum",
    ),
    (
        "bad weight unit",
        _set(f"{ITEM}/measurement", {"weight": {"value": 1, "unit": "kilo"}}),
        f"/{ITEM}/measurement/weight/unit",
        "enum",
    ),
    (
        "negative length",
        _set(
            f"{ITEM}/measurement",
            {"dimension": {"length": -1, "width": 1, "height": 1, "unit": "cm"}},
        ),
        f"/{ITEM}/measurement/dimension/length",
        "minimum",
    ),
    (
        "fractional volume",
        _set(f"{ITEM}/measurement", {"volume": {"value": 1.5, "unit": "l"}}),
        f"/{ITEM}/measurement/volume/value",
        "type",
    ),
    (
        "unanchored costs value",
        _set("payment_details/freight_costs", {"value": "abc1x", "currency": "EUR"}),
        "/payment_details/freight_costs/value",
        "pattern",
    ),
    (
        "numeric costs value",
        _set("payment_details/freight_costs", {"value": 3.99, "currency": "EUR"}),
        "/payment_details/freight_costs/value",
        "type",
    ),
    (
        "bad shipment type",
        _set("customs_details", {"shipment_type": "present"}),
        "/customs_details/shipment_type",
        "enum",
    ),
    (
        "bad invoice date",
        _set("payment_details/invoice_date", "14-07-2018"),
        "/payment_details/invoice_date",
        "format",
    ),
    (
        "contract id 0",
        _set(
            "shipping_details",
            {
                "ship_with": {
                    "type": "shipping_option_code",
                    "properties": {"shipping_option_code": "postnl:standard", "contract_id": 0},
                }
            },
        ),
        "/shipping_details/ship_with/properties/contract_id",
        "minimum",
    ),
    (
        "ship_with without properties",
        _set("shipping_details", {"ship_with": {"type": "shipping_option_code"}}),
        "/shipping_details/ship_with",
        "required",
    ),
    (
        "image url not a URL",
        _set(f"{ITEM}/image_url", "orange.jpeg"),
        f"/{ITEM}/image_url",
        "pattern",
    ),
    ("tags not strings", _set("order_details/tags", [1]), "/order_details/tags/0", "type"),
    (
        "unknown top-level field",
        _set("order_date", "2026-10-01T10:00:00Z"),
        "/order_date",
        "additionalProperties",
    ),
    (
        "unknown nested field",
        _set("shipping_address/adress_line_2", "x"),
        "/shipping_address/adress_line_2",
        "additionalProperties",
    ),
]


@pytest.mark.parametrize(
    ("mutate", "pointer", "rule"), [c[1:] for c in FIELD_RULES], ids=[c[0] for c in FIELD_RULES]
)
def test_each_field_rule_is_reported_at_its_pointer(
    order: dict[str, Any], mutate: Mutation, pointer: str, rule: str
) -> None:
    mutate(order)
    report = validate([order], "order-batch")
    assert not report.ok
    found = [(v.pointer, v.rule) for v in report.errors]
    assert (f"/0{pointer}", rule) in found
    assert len(report.errors) == 1, found


def test_a_valid_order_has_no_violation(order: dict[str, Any]) -> None:
    report = validate([order])
    assert report.ok
    assert report.violations == []
    assert report.kind == "order-batch"


def test_every_violation_of_a_document_is_reported(order: dict[str, Any]) -> None:
    del order["order_number"]
    order["order_details"]["order_items"][0]["quantity"] = 0
    order["shipping_address"]["country_code"] = "nl"
    report = validate([order, dict(copy.deepcopy(order), order_id="WEB-5502")])
    pointers = sorted(v.pointer for v in report.errors)
    assert pointers == sorted(
        [
            "/0",
            "/0/order_details/order_items/0/quantity",
            "/0/shipping_address/country_code",
            "/1",
            "/1/order_details/order_items/0/quantity",
            "/1/shipping_address/country_code",
        ]
    )


def test_sendcloud_pointer_follows_sendcloud_error_format(order: dict[str, Any]) -> None:
    order["order_details"]["order_items"][0]["quantity"] = 0
    del order["order_details"]["integration"]
    report = validate([copy.deepcopy(order), order])
    by_pointer = {v.pointer: v for v in report.errors}
    quantity = by_pointer["/1/order_details/order_items/0/quantity"]
    assert quantity.sendcloud_pointer == "/data/attributes/[1]/order_details/order_items/0/quantity"
    assert quantity.message == "Input should be greater than 0"
    missing = by_pointer["/1/order_details"]
    assert missing.sendcloud_pointer == "/data/attributes/[1]/order_details/integration"


def test_required_violation_names_the_missing_field(order: dict[str, Any]) -> None:
    del order["payment_details"]
    (violation,) = validate(order, "order").errors
    assert violation.message == "missing required field 'payment_details'"
    assert violation.pointer == ""
    assert violation.sendcloud_pointer == "/data/attributes/[0]/payment_details"


def test_integer_request_id_gets_sendclouds_message_and_a_hint(order: dict[str, Any]) -> None:
    order["id"] = 669
    (violation,) = validate([order]).errors
    assert violation.pointer == "/0/id"
    assert violation.message == "Input should be a valid string"
    assert violation.hint is not None
    assert '"669"' in violation.hint


@pytest.mark.parametrize(
    ("field", "where", "suggestion"),
    [
        ("adress_line_1", "shipping_address", "address_line_1"),
        ("postal_cod", "shipping_address", "postal_code"),
        ("zipcode", "shipping_address", "postal_code"),
        ("order_date", "order_details", "order_created_at"),
        ("Quantity", "order_details/order_items/0", "quantity"),
    ],
)
def test_unknown_field_near_a_known_one_gets_did_you_mean(
    order: dict[str, Any], field: str, where: str, suggestion: str
) -> None:
    node: Any = order
    for part in where.split("/"):
        node = node[int(part)] if part.isdigit() else node[part]
    node[field] = "x"
    unknown = [v for v in validate(order, "order").errors if v.rule == "additionalProperties"]
    assert [v.pointer for v in unknown] == [f"/{where}/{field}"]
    assert unknown[0].hint == f"did you mean '{suggestion}'?"


def test_unknown_field_without_near_miss_lists_known_fields(order: dict[str, Any]) -> None:
    order["shipping_address"]["favourite_colour"] = "green"
    (violation,) = validate(order, "order").errors
    assert violation.hint is not None
    assert "address_line_1" in violation.hint
    assert "did you mean" not in violation.hint


def test_missing_field_hint_points_at_the_renamed_field(order: dict[str, Any]) -> None:
    order["order_details"]["order_date"] = order["order_details"].pop("order_created_at")
    report = validate(order, "order")
    missing = next(v for v in report.errors if v.rule == "required")
    assert missing.hint == "'order_date' is not a contract field: rename it to 'order_created_at'"


def test_allow_unknown_fields_downgrades_them_to_warnings(order: dict[str, Any]) -> None:
    order["shipping_address"]["adress_line_2"] = "x"
    strict = validate(order, "order")
    lenient = validate(order, "order", allow_unknown_fields=True)
    assert not strict.ok
    assert lenient.ok
    assert [(v.pointer, v.severity) for v in lenient.violations] == [
        ("/shipping_address/adress_line_2", Severity.WARNING)
    ]


def test_free_form_objects_stay_open(order: dict[str, Any]) -> None:
    order["order_details"]["order_items"][0]["properties"] = {"colour": "green", "size": {"eu": 42}}
    order["service_point_details"] = {
        "id": "10875349",
        "extra_data": {"partner_name": "PostNL", "x": 1},
    }
    assert validate(order, "order").violations == []


def test_responses_tolerate_unknown_fields_but_not_wrong_known_ones(order: dict[str, Any]) -> None:
    returned = dict(
        order, id="669", created_at="2026-10-01T10:00:01Z", modified_at="2026-10-01T10:00:01Z"
    )
    returned["brand_new_field"] = {"anything": True}
    returned["shipping_address"] = dict(returned["shipping_address"], geo={"lat": 1})
    assert validate({"data": [returned]}, "order-list-response").violations == []
    returned["id"] = 669
    (violation,) = validate({"data": [returned]}, "order-list-response").errors
    assert (violation.pointer, violation.rule) == ("/data/0/id", "type")
    assert violation.sendcloud_pointer is None


@pytest.mark.parametrize(
    ("body", "kind", "ok"),
    [
        (
            {"data": [{"id": 664, "order_id": "1", "order_number": "A"}]},
            "order-batch-response",
            True,
        ),
        (
            {"data": [{"id": "664", "order_id": "1", "order_number": "A"}]},
            "order-batch-response",
            True,
        ),
        (
            {"data": [{"id": "6x", "order_id": "1", "order_number": "A"}]},
            "order-batch-response",
            False,
        ),
        (
            {"data": {"id": 669, "order_id": "1", "order_number": "A"}},
            "order-update-response",
            True,
        ),
        (
            {"data": {"id": "669", "order_id": "1", "order_number": "A"}},
            "order-update-response",
            True,
        ),
        (
            {"data": {"id": "0669", "order_id": "1", "order_number": "A"}},
            "order-update-response",
            False,
        ),
        (
            {"errors": [{"status": "400", "code": "invalid", "detail": "Field required"}]},
            "errors",
            True,
        ),
        (
            {"errors": [{"status": 400, "code": "invalid", "detail": "Field required"}]},
            "errors",
            False,
        ),
        ({"errors": []}, "errors", False),
        (
            {"integration": "41,68", "page_size": "200", "sort": "-order_number,pk"},
            "order-list-query",
            True,
        ),
        ({"page_size": "201"}, "order-list-query", False),
        ({"page_size": "100.0"}, "order-list-query", True),
        ({"page_size": "1.00"}, "order-list-query", True),
        ({"page_size": "1.5"}, "order-list-query", False),
        ({"page_size": "0"}, "order-list-query", False),
        ({"page_size": "-1"}, "order-list-query", False),
        ({"page_size": "1e2"}, "order-list-query", False),
        ({"order_created_at_min": "2023-02-30"}, "order-list-query", False),
        ({"pagesize": "20"}, "order-list-query", False),
    ],
)
def test_response_and_query_shapes(body: Any, kind: str, ok: bool) -> None:
    assert validate(body, kind).ok is ok


def test_service_point_needs_exactly_one_identifier(order: dict[str, Any]) -> None:
    order["service_point_details"] = {"post_number": "123"}
    (neither,) = validate(order, "order").errors
    assert neither.rule == "oneOf"
    assert neither.hint == "give exactly one of 'id' or 'carrier_service_point_id'"
    order["service_point_details"] = {"id": "1", "carrier_service_point_id": "2"}
    (both,) = validate(order, "order").errors
    assert both.rule == "oneOf"


def test_one_of_reports_the_closest_branch_only(order: dict[str, Any]) -> None:
    order["service_point_details"] = {"carrier_service_point_id": "91233", "latitude": 51.4}
    (violation,) = validate(order, "order").errors
    assert violation.pointer == "/service_point_details/latitude"
    assert violation.rule == "type"
    assert violation.hint is not None
    assert "By carrier id" in violation.hint


def test_batch_limits(order: dict[str, Any]) -> None:
    batch = [dict(copy.deepcopy(order), order_id=f"A{i}") for i in range(101)]
    (violation,) = validate(batch).errors
    assert violation.rule == "batch-too-large"
    assert violation.message == "Orders list should have at most 100 items, not 101"
    assert violation.sendcloud_pointer == "/data/attributes/"
    assert validate(batch[:100]).ok
    (empty,) = validate([], "order-batch").errors
    assert empty.rule == "minItems"


@pytest.mark.parametrize(
    "body",
    [
        {"created_at": "2026-10-01T10:00:01.204551+00:00", "modified_at": "2026-10-01T10:00:01Z"},
        {"customer_details": {"phone": "+31612345678"}},
        {"customer_details": {"phone_number": "+31612345678"}},
        {"payment_details": {"total_price": {"value": 20.5}}},
        {"order_details": {"order_items": [{"name": "Stoneware bowl", "unit_price": {}}]}},
    ],
)
def test_patch_accepts_what_either_part_of_the_document_sends(body: dict[str, Any]) -> None:
    assert validate(body, "order-update").violations == []


def test_patch_refuses_both_phone_names_and_checks_the_read_only_types() -> None:
    (twice,) = validate(
        {"customer_details": {"phone": "+31612345678", "phone_number": "+31612345678"}},
        "order-update",
    ).errors
    assert (twice.rule, twice.pointer) == ("patch-phone-twice", "/customer_details/phone")
    (stamp,) = validate({"created_at": "yesterday"}, "order-update").errors
    assert (stamp.rule, stamp.pointer) == ("format", "/created_at")


def test_patch_body_rules(order: dict[str, Any]) -> None:
    assert validate(
        {"order_details": {"order_items": [{"name": "Stoneware bowl", "quantity": 3}]}},
        "order-update",
    ).ok
    (nameless,) = validate(
        {"order_details": {"order_items": [{"quantity": 3}]}}, "order-update"
    ).errors
    assert (nameless.pointer, nameless.rule) == ("/order_details/order_items/0", "required")
    assert nameless.sendcloud_pointer == "/data/attributes/order_details/order_items/0/name"
    (empty,) = validate({}, "order-update").errors
    assert empty.rule == "minProperties"
    assert validate({"order_details": {"notes": None, "tags": None}}, "order-update").ok


def test_strict_promotes(order: dict[str, Any]) -> None:
    order["order_details"]["order_items"][0]["ean"] = "1234567890123"
    assert validate(order, "order").ok
    strict = validate(order, "order", strict=True)
    assert not strict.ok
    assert [v.rule for v in strict.errors] == ["ean-check-digit"]


def test_raise_for_violations_raises_an_assertion_with_the_text_report(
    order: dict[str, Any],
) -> None:
    validate(order, "order").raise_for_violations()
    del order["order_id"]
    report = validate(order, "order")
    with pytest.raises(ContractViolation) as raised:
        report.raise_for_violations()
    assert isinstance(raised.value, AssertionError)
    assert "missing required field 'order_id'" in str(raised.value)
    assert raised.value.report is report


def test_unknown_kind_is_refused(order: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        validate(order, "orders")


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        ([], "order-batch"),
        ({"errors": [{}]}, "errors"),
        ({"data": [{"id": 1, "order_id": "1", "order_number": "1"}]}, "order-batch-response"),
        ({"data": []}, "order-list-response"),
        ({"data": [{"id": "1", "order_details": {}}]}, "order-list-response"),
        ({"data": {"id": "1", "order_details": {}}}, "order-response"),
        ({"data": {"id": 1, "order_id": "1"}}, "order-update-response"),
        ({"order_id": "1", "order_details": {"status": {"code": "x"}}}, "order-update"),
        ({"order_id": "1", "order_number": "1", "order_details": {}}, "order"),
        ({"page_size": "50", "cursor": "cj0xJnA9MzAw"}, "order-list-query"),
    ],
)
def test_detect_kind(payload: Any, kind: str) -> None:
    detected, reason = detect_kind(payload)
    assert detected == kind
    assert reason


def test_wrong_top_level_type_is_a_violation_not_a_crash() -> None:
    for payload in ("text", 12, None, True, 1.5):
        report = validate(payload)
        assert not report.ok
        assert report.errors[0].rule == "type"


def test_python_values_without_a_json_form_are_violations(order: dict[str, Any]) -> None:
    order["order_details"]["order_created_at"] = datetime.datetime(2026, 10, 1, 10, 0)
    order["order_details"]["tags"] = {"gift"}
    order["shipping_address"][7] = "seven"
    report = validate([order])
    assert [(v.pointer, v.rule) for v in report.errors] == [
        ("/0/order_details/order_created_at", "not-json"),
        ("/0/order_details/tags", "not-json"),
        ("/0/shipping_address", "not-json"),
    ]
    assert "datetime.datetime is not a JSON value" in report.errors[0].message


class _Reading(float, enum.Enum):
    """A float enum, as a sensor library might hand one over."""

    MISSING = float("nan")


def _not_json(payload: Any) -> list[tuple[str, str]]:
    report = validate(payload)
    assert all(v.rule == "not-json" for v in report.violations), report.violations
    return [(v.pointer, v.message) for v in report.violations]


def test_a_list_that_contains_itself_is_not_json() -> None:
    looped: list[Any] = []
    looped.append(looped)
    assert _not_json(looped) == [("/0", "this list contains itself, and JSON cannot write a cycle")]


def test_a_very_deep_list_is_not_json_and_no_crash() -> None:
    deep: list[Any] = []
    inner = deep
    for _ in range(100_000):
        inner.append([])
        inner = inner[0]
    ((pointer, message),) = _not_json(deep)
    assert pointer == "/0" * 255
    assert message == "nesting deeper than 255 levels"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ({"gift", "wrap"}, "a set is not a JSON value"),
        (datetime.datetime(2026, 10, 1), "a datetime.datetime is not a JSON value"),
        (datetime.date(2026, 10, 1), "a datetime.date is not a JSON value"),
        (b"gift", "a bytes is not a JSON value"),
        (1j, "a complex is not a JSON value"),
        (decimal.Decimal("NaN"), "Decimal('NaN') is not a JSON number"),
        (float("nan"), "NaN is not a JSON number"),
        (float("inf"), "Infinity is not a JSON number"),
        (-float("inf"), "-Infinity is not a JSON number"),
        (10**5000, "an integer of more than 4,300 digits: Python cannot write it as JSON text"),
        (_Reading.MISSING, "NaN is not a JSON number"),
    ],
    ids=[
        "set",
        "datetime",
        "date",
        "bytes",
        "complex",
        "Decimal-NaN",
        "NaN",
        "inf",
        "-inf",
        "10**5000",
        "float-enum-NaN",
    ],
)
@pytest.mark.parametrize("beside", ["ok", None], ids=["text-beside", "null-beside"])
def test_values_without_a_json_form_inside_free_form_objects(
    order: dict[str, Any], value: Any, message: str, beside: str | None
) -> None:
    """Found alike with or without a null in the payload (whose dump then holds "null", as
    orjson writes NaN)."""
    order["order_details"]["order_items"][0]["properties"] = {"note": beside, "odd": value}
    assert _not_json([order]) == [("/0/order_details/order_items/0/properties/odd", message)]


def test_non_string_keys_inside_free_form_objects(order: dict[str, Any]) -> None:
    order["order_details"]["order_items"][0]["properties"] = {1: "one"}
    assert _not_json([order]) == [
        (
            "/0/order_details/order_items/0/properties",
            "key 1 is an integer, and JSON keys are strings",
        )
    ]


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), decimal.Decimal("NaN"), decimal.Decimal("-Infinity")],
    ids=repr,
)
def test_non_finite_prices_are_named_as_what_they_are(order: dict[str, Any], value: Any) -> None:
    order["order_details"]["order_items"][0]["unit_price"]["value"] = value
    ((violation,),) = [validate([order]).violations]
    assert violation.rule == "not-json"
    assert violation.pointer == "/0/order_details/order_items/0/unit_price/value"
    assert "None" not in violation.message
    assert violation.hint


def test_a_finite_decimal_is_the_json_number_it_holds(order: dict[str, Any]) -> None:
    item = order["order_details"]["order_items"][0]
    item["unit_price"]["value"] = decimal.Decimal("14.50")
    item["total_price"]["value"] = decimal.Decimal("29.00")
    order["order_details"]["integration"]["id"] = decimal.Decimal("4711")
    assert validate([order]).violations == []
    item["properties"] = {"weight": decimal.Decimal("0.450")}
    assert validate([order]).violations == []


@pytest.mark.parametrize(
    ("unit", "total", "quantity"),
    [
        (decimal.Decimal("14.5"), decimal.Decimal("29.006"), 2),
        (14.5, decimal.Decimal("29.01"), 2),
        (decimal.Decimal("14.5"), 29.01, 2),
        (decimal.Decimal("14.5"), 29.01, decimal.Decimal("2")),
        (decimal.Decimal("1E+999999999"), decimal.Decimal("2.00000001E+999999999"), 2),
        (decimal.Decimal("-1E-999999999"), decimal.Decimal("0.005"), 1),
    ],
    ids=["decimals", "decimal-total", "decimal-unit", "decimal-quantity", "huge", "tiny"],
)
def test_decimal_prices_are_compared_exactly(
    order: dict[str, Any], unit: Any, total: Any, quantity: Any
) -> None:
    item = order["order_details"]["order_items"][0]
    item.update(quantity=quantity)
    item["unit_price"]["value"] = unit
    item["total_price"]["value"] = total
    report = validate([order])
    assert [(v.pointer, v.rule) for v in report.violations] == [
        ("/0/order_details/order_items/0/total_price/value", "item-total-exceeds-unit-price")
    ]


def test_decimal_prices_at_the_bound_are_no_finding(order: dict[str, Any]) -> None:
    item = order["order_details"]["order_items"][0]
    item["unit_price"]["value"] = decimal.Decimal("14.5")
    item["total_price"]["value"] = decimal.Decimal("29.005")
    assert validate([order]).violations == []
    item["unit_price"]["value"] = decimal.Decimal("1E+999999999")
    item["total_price"]["value"] = decimal.Decimal("2E+999999999")
    assert validate([order]).violations == []


def test_decimal_integration_ids_are_the_integers_they_hold(order: dict[str, Any]) -> None:
    twin = copy.deepcopy(order)
    twin["order_details"]["integration"]["id"] = decimal.Decimal("4711.0")
    report = validate([order, twin])
    assert [(v.pointer, v.rule) for v in report.violations] == [("/1", "duplicate-order-key")]


def test_a_uuid_in_a_free_form_object_is_json_with_or_without_a_null_beside_it(
    order: dict[str, Any],
) -> None:
    # orjson writes a UUID as its text; the walk that runs when the payload holds a null
    # (orjson writes NaN as null) must agree, or the verdict would hang on an unrelated null.
    import uuid

    item = order["order_details"]["order_items"][0]
    item["properties"] = {"batch": uuid.UUID(int=7)}
    assert validate([order]).violations == []
    item["properties"]["note"] = None
    assert validate([order]).violations == []
    item["properties"]["odd"] = {1, 2}
    assert _not_json([order]) == [
        ("/0/order_details/order_items/0/properties/odd", "a set is not a JSON value")
    ]


def test_json_subclasses_enums_tuples_and_long_integers_are_json(order: dict[str, Any]) -> None:
    import enum

    class Colour(enum.Enum):
        RED = "red"

    class Size(str, enum.Enum):
        L = "L"

    order["order_details"]["order_items"][0]["properties"] = {
        "colour": Colour.RED,
        "size": Size.L,
        "dims": (1, 2.5, None),
        "serial": 10**400,
    }
    order["order_details"]["order_items"][0]["quantity"] = 10**30
    assert validate([order]).ok


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (
            {
                "data": [
                    {"id": 1, "order_id": "1", "order_number": "A"},
                    {"id": "664", "order_id": "2", "order_number": "B"},
                ]
            },
            "/data/1/id",
        ),
        ({"data": {"id": "669", "order_id": "1", "order_number": "A"}}, "/data/id"),
    ],
)
def test_a_digit_string_id_in_a_201_or_patch_answer_is_a_warning(body: Any, pointer: str) -> None:
    report = validate(body)
    assert report.ok
    (warning,) = report.violations
    assert (warning.pointer, warning.rule, warning.severity) == (
        pointer,
        "response-id-string",
        Severity.WARNING,
    )
    assert "an older guide" in warning.message
    assert not validate(body, strict=True).ok


# --- Values without a JSON form, at every position of an order that holds every field ---

WITHOUT_JSON_FORM: list[tuple[str, Callable[[], Any], tuple[int, ...]]] = [
    ("set", lambda: {"gift"}, ()),
    ("bytes", lambda: b"gift", ()),
    ("datetime", lambda: datetime.datetime(2026, 10, 1, 10, 0), ()),
    ("complex", lambda: 1j, ()),
    ("float-nan", lambda: float("nan"), ()),
    ("float-inf", lambda: float("inf"), ()),
    ("decimal-nan", lambda: decimal.Decimal("NaN"), ()),
    ("int-key", lambda: {1: "one"}, ()),
    ("object", object, ()),
    ("looped-list", lambda: _looped(), (0,)),
    ("int-5000-digits", lambda: 10**5000, ()),
]
"""(name, a fresh value, where its not-json finding points relative to where it was put)."""

LIST_QUERY = {
    "integration": "41,68",
    "order_number": "5501",
    "order_id": "WEB-5501",
    "status": "fulfilled",
    "order_created_at": "2026-10-01",
    "order_created_at_min": "2026-09-01",
    "order_created_at_max": "2026-10-31",
    "order_updated_at": "2026-10-02",
    "order_updated_at_min": "2026-09-02",
    "order_updated_at_max": "2026-10-30",
    "sort": "-order_created_at,order_number",
    "page_size": "50",
    "cursor": "cj0xJnA9MzAw",
}

Path = tuple[str | int, ...]


def _looped() -> list[Any]:
    looped: list[Any] = []
    looped.append(looped)
    return looped


def _schema_fields(node: Any, base: str, path: tuple[str, ...], out: set[tuple[str, ...]]) -> None:
    """Every member path the schema names (``*`` for array elements), through references."""
    if not isinstance(node, dict):
        return
    if "$ref" in node:
        uri, _, fragment = node["$ref"].partition("#")
        target = base.rsplit("/", 1)[0] + "/" + uri if uri else base
        _schema_fields(schemas.lookup(f"{target}#{fragment}"), target, path, out)
    for branch in node.get("oneOf", ()):
        _schema_fields(branch, base, path, out)
    for name, schema in node.get("properties", {}).items():
        out.add((*path, name))
        _schema_fields(schema, base, (*path, name), out)
    if "items" in node:
        _schema_fields(node["items"], base, (*path, "*"), out)


def _named_fields(kind: schemas.Kind) -> set[tuple[str, ...]]:
    uri = schemas.uri_for(kind)
    named: set[tuple[str, ...]] = set()
    _schema_fields(schemas.resource(uri), uri, (), named)
    return named


def _fields(value: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(value, dict):
        for key, member in value.items():
            yield (*path, key)
            yield from _fields(member, (*path, key))
    elif isinstance(value, list):
        for element in value:
            yield from _fields(element, (*path, "*"))


def _holds_every_field_but_a_service_point_alternative(order: dict[str, Any]) -> bool:
    """Every field but Sendcloud's ``id``, which the strategies leave out (it names an order
    already stored), and the service point's other identifier."""
    point = order.get("service_point_details")
    other = {"id", "carrier_service_point_id"} - set(point or ())
    named = {
        f
        for f in _named_fields("order")
        if f != ("id",) and not (f[0] == "service_point_details" and f[-1] in other)
    }
    return named <= set(_fields(order))


@pytest.fixture(scope="module")
def rich_order() -> dict[str, Any]:
    """An order with every optional field, the first one Hypothesis draws, and an ``id``."""
    found: dict[str, Any] = find(
        edge_case_orders(),
        _holds_every_field_but_a_service_point_alternative,
        settings=settings(database=None, max_examples=2000, phases=[Phase.generate]),
    )
    return {"id": "1", **found}


def _by_carrier_id(order: dict[str, Any]) -> dict[str, Any]:
    """The same order with the service point's other alternative, the carrier's own id."""
    other = copy.deepcopy(order)
    point = other["service_point_details"]
    point["carrier_service_point_id"] = point.pop("id")
    other["order_id"] += "-B"
    return other


@pytest.fixture(scope="module")
def rich_examples(rich_order: dict[str, Any]) -> dict[str, list[Any]]:
    """Valid examples of each request kind; together they hold every field of its schema."""
    by_carrier = _by_carrier_id(rich_order)
    update = copy.deepcopy(by_carrier)
    update["customer_details"]["phone"] = update["customer_details"].pop("phone_number")
    return {
        "order": [rich_order, by_carrier],
        "order-batch": [[rich_order, by_carrier]],
        "order-update": [rich_order, update],
        "order-list-query": [LIST_QUERY],
    }


@pytest.mark.parametrize("kind", schemas.REQUEST_KINDS)
def test_the_rich_examples_are_valid_and_hold_every_field(
    rich_examples: dict[str, list[Any]], kind: schemas.Kind
) -> None:
    for example in rich_examples[kind]:
        assert validate(example, kind).violations == []
    present = {field for example in rich_examples[kind] for field in _fields(example)}
    if kind == "order-batch":
        present = {("*", *f) for example in rich_examples[kind][0] for f in _fields(example)}
    assert _named_fields(kind) <= present


def _positions(value: Any, path: Path = ()) -> Iterator[Path]:
    """Every member and array element below ``value`` (the value itself included)."""
    yield path
    if isinstance(value, dict):
        for key, member in value.items():
            yield from _positions(member, (*path, key))
    elif isinstance(value, list):
        for index, element in enumerate(value):
            yield from _positions(element, (*path, index))


def _placements(example: Any) -> Iterator[Path]:
    """Every position of the example, then a new member of each of its objects."""
    yield from _positions(example)
    for path in list(_positions(example)):
        if isinstance(_get(example, path), dict):
            yield (*path, "zz_extra")


def _get(document: Any, path: Path) -> Any:
    for step in path:
        document = document[step]
    return document


def _put(document: Any, path: Path, value: Any) -> Any:
    """A copy of ``document`` with ``value`` at ``path`` (members added when missing)."""
    if not path:
        return value
    changed = copy.deepcopy(document)
    _get(changed, path[:-1])[path[-1]] = value
    return changed


@pytest.mark.parametrize("kind", schemas.REQUEST_KINDS)
@pytest.mark.parametrize(
    ("name", "make", "below"), WITHOUT_JSON_FORM, ids=[w[0] for w in WITHOUT_JSON_FORM]
)
def test_a_value_without_a_json_form_anywhere_is_named_at_its_pointer(
    rich_examples: dict[str, list[Any]],
    kind: schemas.Kind,
    name: str,
    make: Callable[[], Any],
    below: Path,
) -> None:
    for example in rich_examples[kind]:
        for path in list(_placements(example)):
            pointer = pointers.to_pointer(path + below)
            found = validate(_put(example, path, make()), kind).violations
            assert ("not-json", pointer) in [(v.rule, v.pointer) for v in found], pointer


def test_deeply_nested_free_form_values_are_valid(rich_order: dict[str, Any]) -> None:
    order = copy.deepcopy(rich_order)
    deep: dict[str, Any] = {"leaf": "ok"}
    for _ in range(12):
        deep = {"inner": [deep]}
    order["order_details"]["order_items"][0]["properties"] = {"nested": deep}
    assert validate(order, "order").violations == []


@pytest.mark.parametrize(
    "address",
    ["maya@example.com", "first.last+tag@mail.shop.co.uk", '"quoted"@example.com', "x@[192.0.2.1]"],
)
def test_unusual_email_addresses_are_valid(rich_order: dict[str, Any], address: str) -> None:
    order = copy.deepcopy(rich_order)
    order["shipping_address"]["email"] = address
    assert validate([order], "order-batch").violations == []


# (where in a rich order, a string the contract refuses there, the keyword that refuses it)
@pytest.mark.parametrize(
    ("path", "breach", "keyword"),
    [
        (("shipping_address", "country_code"), "nl", "pattern"),
        (("billing_address", "country_code"), "NLD", "pattern"),
        (("order_details", "order_items", 0, "country_of_origin"), "pt", "pattern"),
        (("payment_details", "total_price", "currency"), "CHF", "enum"),
        (("order_details", "order_items", 0, "unit_price", "currency"), "CHF", "enum"),
        (("order_details", "order_items", 0, "total_price", "currency"), "JPY", "enum"),
    ],
)
def test_codes_of_the_wrong_shape_are_refused_by_the_contract(
    rich_order: dict[str, Any], path: Path, breach: str, keyword: str
) -> None:
    order = _every_currency(rich_order, breach) if path[-1] == "currency" else rich_order
    order = _put(order, path, breach)
    pointer = "/0/" + "/".join(map(str, path))
    assert (pointer, keyword) in {(v.pointer, v.rule) for v in validate([order]).violations}
    assert (pointer[2:], keyword) in {
        (v.pointer, v.rule) for v in validate(order, "order").violations
    }


def _currency_paths(value: Any) -> list[Path]:
    return [path for path in _positions(value) if path and path[-1] == "currency"]


def _every_currency(order: Any, currency: str) -> Any:
    """A copy of ``order`` with every currency in it ``currency``."""
    for path in _currency_paths(order):
        order = _put(order, path, currency)
    return order


@pytest.mark.parametrize("currency", ["EUR", "GBP", "USD"])
def test_one_other_currency_at_any_price_is_a_mixed_currency(
    rich_order: dict[str, Any], currency: str
) -> None:
    order = _every_currency(rich_order, currency)
    assert validate(order, "order").violations == []
    places = _currency_paths(order)
    assert len(places) >= 10  # every price and cost of the rich order, items included
    for path in places:
        mixed = _put(order, path, "GBP" if currency != "GBP" else "USD")
        found = [(v.rule, v.severity) for v in validate(mixed, "order").violations]
        assert found == [("mixed-currencies", Severity.WARNING)], path


def test_orders_of_one_batch_may_each_use_their_own_currency(rich_order: dict[str, Any]) -> None:
    euro, pound = _every_currency(rich_order, "EUR"), _every_currency(rich_order, "GBP")
    pound = _put(pound, ("order_id",), pound["order_id"] + "-GBP")
    for batch in ([euro], [euro, pound], [pound, euro]):
        assert validate(batch).violations == []
        assert validate(tuple(batch)).violations == []
    mixed = _put(euro, ("payment_details", "freight_costs", "currency"), "GBP")
    for batch in ([mixed], [mixed, pound], [pound, mixed]):
        assert "mixed-currencies" in {v.rule for v in validate(batch).violations}


# --- A tuple is a JSON array: the same report for the same payload in tuples ---


def _as_tuples(value: Any) -> Any:
    """The same JSON with every array a tuple."""
    if isinstance(value, dict):
        return {key: _as_tuples(member) for key, member in value.items()}
    if isinstance(value, list):
        return tuple(_as_tuples(element) for element in value)
    return value


def _items(order: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = order["order_details"]["order_items"]
    return items


def _swap_dates(order: dict[str, Any]) -> None:
    details = order["order_details"]
    created = details["order_created_at"]
    details["order_created_at"] = details.get("order_updated_at", created)
    details["order_updated_at"] = created


def _other_currency(price: dict[str, Any]) -> None:
    price["currency"] = "GBP" if price["currency"] != "GBP" else "USD"


ORDER_MUTATIONS: dict[str, Mutation] = {
    "none": lambda order: None,
    "item-currency": lambda order: _other_currency(_items(order)[0]["total_price"]),
    "costs-currency": lambda order: order["payment_details"].update(
        other_costs={"value": "1.00", "currency": "XYZ"}
    ),
    "total-raised": lambda order: _items(order)[-1]["total_price"].update(value=10**6),
    "dates-swapped": _swap_dates,
    "bad-ean": lambda order: _items(order)[0].update(ean="4006381333932"),
    "bad-hs-code": lambda order: _items(order)[0].update(hs_code="12"),
    "unknown-origin": lambda order: _items(order)[0].update(country_of_origin="ZZ"),
    "letter-id": lambda order: order.update(id="66a"),
    "no-customs": lambda order: order.pop("customs_details", None),
    "wrong-type": lambda order: _items(order)[0].update(quantity="2"),
}


@settings(max_examples=100)
@given(
    st.lists(st.one_of(orders(), edge_case_orders()), min_size=1, max_size=3),
    st.sampled_from(sorted(ORDER_MUTATIONS)),
)
def test_arrays_as_tuples_give_the_same_report(batch: list[dict[str, Any]], mutation: str) -> None:
    ORDER_MUTATIONS[mutation](batch[0])
    assert validate(_as_tuples(batch), "order-batch") == validate(batch, "order-batch")
    assert validate(_as_tuples(batch[0]), "order") == validate(batch[0], "order")


# --- Hints that point to the fix ---


def _hint_at(payload: Any, kind: str, pointer: str) -> str | None:
    (violation,) = [v for v in validate(payload, kind).violations if v.pointer == pointer]
    return violation.hint


@pytest.mark.parametrize(
    ("place", "text", "hint"),
    [
        ("payment_details/total_price/value", "14.50", "send the number without quotes: 14.50"),
        (f"{ITEM}/unit_price/value", " 14.5 ", "send the number without quotes: 14.5"),
        (f"{ITEM}/total_price/value", "-1e3", "send the number without quotes: -1e3"),
        (f"{ITEM}/quantity", "2", "send the number without quotes: 2"),
        ("order_details/integration/id", "4711", "send the number without quotes: 4711"),
    ],
)
def test_a_number_sent_as_a_string_is_told_to_drop_the_quotes(
    order: dict[str, Any], place: str, text: str, hint: str
) -> None:
    _set(place, text)(order)
    assert _hint_at(order, "order", "/" + place) == hint
    assert _hint_at([order], "order-batch", "/0/" + place) == hint


def test_a_weight_sent_as_a_string_is_told_to_drop_the_quotes(order: dict[str, Any]) -> None:
    order["order_details"]["order_items"][0]["measurement"] = {
        "weight": {"value": "0.45", "unit": "kg"}
    }
    pointer = f"/{ITEM}/measurement/weight/value"
    assert _hint_at(order, "order", pointer) == "send the number without quotes: 0.45"


def test_a_price_in_a_patch_body_sent_as_a_string_is_told_to_drop_the_quotes() -> None:
    body = {"payment_details": {"total_price": {"value": "14.50", "currency": "EUR"}}}
    pointer = "/payment_details/total_price/value"
    assert _hint_at(body, "order-update", pointer) == "send the number without quotes: 14.50"


@pytest.mark.parametrize("text", ["2.5", "two", "1e3"])
def test_what_is_not_a_whole_number_is_not_offered_as_a_quantity(
    order: dict[str, Any], text: str
) -> None:
    _set(f"{ITEM}/quantity", text)(order)
    assert _hint_at(order, "order", f"/{ITEM}/quantity") is None


def test_costs_keep_their_decimal_string_hint(order: dict[str, Any]) -> None:
    costs = "payment_details/freight_costs"
    order["payment_details"]["freight_costs"] = {"value": "3,99", "currency": "EUR"}
    assert _hint_at(order, "order", f"/{costs}/value") == (
        "send costs as a decimal string such as '3.99', or null"
    )
    order["payment_details"]["freight_costs"]["value"] = 3.99
    assert _hint_at(order, "order", f"/{costs}/value") == 'quote it: "3.99"'


def test_a_price_never_gets_the_costs_hint(order: dict[str, Any]) -> None:
    order["payment_details"]["total_price"]["value"] = "fourteen"
    hint = _hint_at(order, "order", "/payment_details/total_price/value")
    assert hint is None or "costs" not in hint


def test_a_yaml_boolean_where_a_string_belongs_is_told_to_be_quoted_as_written(
    tmp_path: Any,
) -> None:
    from sendcloud_contract import validate_file

    path = tmp_path / "update.yaml"
    path.write_text('order_id: "A-1"\nshipping_address:\n  country_code: NO\n  name: ~\n')
    report = validate_file(path, "order-update")
    by_field = {v.pointer.rsplit("/", 1)[1]: v for v in report.violations}
    assert (
        by_field["country_code"].hint == 'quote it: "NO" (unquoted, YAML does not read it as text)'
    )
    assert by_field["country_code"].line == 3
    assert by_field["name"].message == "expected string, got null"
    assert by_field["name"].hint is None


def test_a_document_nested_past_the_engines_limit_is_a_violation(tmp_path: Any) -> None:
    from sendcloud_contract import validate_file

    depth = 20_000
    path = tmp_path / "deep.json"
    path.write_text("[" * depth + "]" * depth)
    report = validate_file(path, max_depth=10 * depth)
    assert not report.ok
    assert [v.message for v in report.violations] == ["nesting deeper than 255 levels"]


EXAMPLES = ROOT / "examples" / "valid"


def _bundled_examples() -> list[Any]:
    """The parsed documents of every valid example that is a JSON object or array."""
    return [
        document.value
        for path in sorted(EXAMPLES.iterdir())
        for document in load_path(path)
        if isinstance(document.value, (dict, list)) and document.value
    ]


BUNDLED = _bundled_examples()


@given(data=st.data(), kind=st.sampled_from(["auto", *schemas.KINDS]))
def test_any_kind_survives_any_json_value_at_any_place_of_an_example(
    data: st.DataObject, kind: str
) -> None:
    """Every kind's schema mapping and rules, on every bundled shape with one value made
    anything at all: a report, never an exception."""
    payload = copy.deepcopy(data.draw(st.sampled_from(BUNDLED)))
    replace_somewhere(data, payload)
    assert validate(payload, kind).kind in schemas.KINDS
