"""The validator: every field rule, precise pointers, hints, and the two strictness levels."""

from __future__ import annotations

import copy
import datetime
import decimal
from collections.abc import Callable
from typing import Any

import pytest

from sendcloud_contract import ContractViolation, Severity, detect_kind, validate

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
    ],
)
def test_values_without_a_json_form_inside_free_form_objects(
    order: dict[str, Any], value: Any, message: str
) -> None:
    order["order_details"]["order_items"][0]["properties"] = {"note": "ok", "odd": value}
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
