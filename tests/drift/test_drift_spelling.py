"""A change of spelling is not drift: $ref, allOf, one-branch oneOf/anyOf, nullable, 3.0 bounds."""

from __future__ import annotations

import copy
from typing import Any

from sendcloud_contract.drift import Change
from sendcloud_contract.drift._normalise import Normaliser, Origin
from tests.drift.helpers import Check, schemas_of


def common(document: dict[str, Any]) -> dict[str, Any]:
    defs: dict[str, Any] = schemas_of(document)["common"]["$defs"]
    return defs


def test_a_reference_written_out_inline(check: Check, document: dict[str, Any]) -> None:
    price = copy.deepcopy(common(document)["price"])
    price["properties"]["currency"] = copy.deepcopy(common(document)["currency"])
    item = common(document)["order-item"]["properties"]
    item["total_price"] = price
    assert check(document).findings == []


def test_a_chain_of_references(check: Check, document: dict[str, Any]) -> None:
    schemas_of(document)["Price"] = {"$ref": "#/components/schemas/PriceObject"}
    schemas_of(document)["PriceObject"] = {"$ref": "#/components/schemas/common/$defs/price"}
    common(document)["order-item"]["properties"]["unit_price"] = {
        "$ref": "#/components/schemas/Price",
        "description": "annotations beside a $ref constrain nothing",
    }
    assert check(document).findings == []


def test_all_of_split_across_parts(check: Check, document: dict[str, Any]) -> None:
    address = common(document)["address"]
    required = address.pop("required")
    properties = address.pop("properties")
    address["allOf"] = [
        {"properties": properties},
        {"type": "object", "required": required[:2]},
        {"required": required[2:]},
    ]
    assert check(document).findings == []


def test_one_branch_one_of_and_any_of(check: Check, document: dict[str, Any]) -> None:
    defs = common(document)
    defs["address"] = {"oneOf": [defs["address"]], "title": "Shipping Address"}
    defs["status"] = {"anyOf": [defs["status"]]}
    assert check(document).findings == []


def test_nullable_is_a_type_list(check: Check, document: dict[str, Any]) -> None:
    dates = common(document)["delivery-dates"]["properties"]
    dates["handover_at"] = {"type": "string", "nullable": True, "format": "date-time"}
    assert check(document).findings == []


def test_openapi_3_0_exclusive_minimum_and_ignored_ref_siblings(
    check: Check, document: dict[str, Any]
) -> None:
    document["openapi"] = "3.0.3"
    common(document)["weight"]["properties"]["value"] = {
        "type": "number",
        "minimum": 0,
        "exclusiveMinimum": True,
    }
    # OpenAPI 3.0 ignores every keyword beside a $ref.
    common(document)["order-item"]["properties"]["total_price"]["maxLength"] = 3
    assert check(document).findings == []


def test_vacuous_bounds_are_no_bounds(check: Check, document: dict[str, Any]) -> None:
    numbers = common(document)["customs-details"]["properties"]["tax_numbers"]["properties"]
    numbers["sender"]["minItems"] = 0
    assert check(document).findings == []


def test_paths_under_the_api_root_with_another_parameter_name(
    check: Check, document: dict[str, Any]
) -> None:
    paths = document["paths"]
    document["paths"] = {
        "/api/v3/orders": paths["/orders"],
        "/api/v3/orders/{order_id}": paths["/orders/{id}"],
    }
    assert check(document).findings == []


def test_yaml_reads_as_json_does(check: Check, document: dict[str, Any]) -> None:
    assert check(document, name="openapi.yaml").findings == []
    update = schemas_of(document)["order-update-response"]["properties"]["data"]
    update["properties"]["id"]["minimum"] = 2
    (finding,) = check(document, name="openapi.yaml").findings
    assert (finding.change, finding.keyword, finding.old, finding.new) == (
        Change.BOUND_CHANGED,
        "minimum",
        1,
        2,
    )


def test_a_type_beside_a_reference_applies_with_it(check: Check, document: dict[str, Any]) -> None:
    payment = common(document)["payment-details"]["properties"]
    payment["other_costs"] = {"type": ["object"], "$ref": payment["other_costs"]["$ref"]}
    findings = check(document).findings
    # payment-details is part of the order in three shapes: one difference, seen in each.
    assert {f.kind for f in findings} == {"order-batch", "order-list-response", "order-response"}
    assert {(f.change, str(f.old), str(f.new), str(f.contract)) for f in findings} == {
        (
            Change.TYPE_CHANGED,
            "['null', 'object']",
            "['object']",
            str(findings[0].contract),
        )
    }
    assert findings[0].contract.pointer == "/$defs/costs"


def test_a_cycle_of_references_ends() -> None:
    tree = {
        "node": {
            "type": "object",
            "properties": {"children": {"type": "array", "items": {"$ref": "#/node"}}},
        }
    }

    def resolve(ref: str, base: str, origin: Origin) -> tuple[Any, Origin, str]:
        return tree[ref.removeprefix("#/")], Origin("tree", ref[1:]), base

    node = Normaliser(resolve).node({"$ref": "#/node"}, Origin("tree", ""))
    inner = node.properties["children"].items
    assert inner is not None
    assert inner.cycle
    assert node.origin == Origin("tree", "/node")


def test_a_recursive_document_schema_is_compared(check: Check, document: dict[str, Any]) -> None:
    schemas_of(document)["Tree"] = {
        "type": "object",
        "properties": {"parent": {"$ref": "#/components/schemas/Tree"}},
    }
    data = schemas_of(document)["order-update-response"]["properties"]["data"]
    data["properties"]["order_id"] = {"$ref": "#/components/schemas/Tree"}
    changes = {(f.change, f.pointer) for f in check(document).findings}
    assert (Change.PROPERTY_ADDED, "/properties/data/properties/order_id/properties/parent") in (
        changes
    )
    assert (Change.TYPE_CHANGED, "/properties/data/properties/order_id") in changes
