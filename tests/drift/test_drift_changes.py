"""Each kind of change, introduced once into the contract's own OpenAPI document, is one finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sendcloud_contract.drift import Change, Finding
from tests.drift.helpers import Check, schemas_of

ROOT = Path(__file__).resolve().parent.parent.parent


def only(findings: list[Finding]) -> Finding:
    assert len(findings) == 1, [f.message for f in findings]
    return findings[0]


def update_response_data(document: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = schemas_of(document)["order-update-response"]["properties"]["data"]
    return data


def patch_item_weight(document: dict[str, Any]) -> dict[str, Any]:
    item = schemas_of(document)["order-update"]["properties"]["order_details"]["properties"][
        "order_items"
    ]["items"]
    weight: dict[str, Any] = item["properties"]["measurement"]["properties"]["weight"]
    return weight


def test_the_contract_as_a_document_has_no_drift(check: Check, document: dict[str, Any]) -> None:
    report = check(document)
    assert report.findings == []
    assert report.ok


def test_property_added(check: Check, document: dict[str, Any]) -> None:
    update_response_data(document)["properties"]["status"] = {"type": "string"}
    finding = only(check(document).findings)
    assert finding.change is Change.PROPERTY_ADDED
    assert (finding.shape, finding.kind) == ("PATCH /orders/{id} 200", "order-update-response")
    assert finding.pointer == "/properties/data/properties/status"
    assert (finding.old, finding.new) == (None, "status")
    assert finding.document.pointer == (
        "/components/schemas/order-update-response/properties/data/properties/status"
    )
    assert finding.document.line is not None
    assert finding.contract.file == "schemas/v3/orders/order-update-response.schema.json"
    assert finding.contract.pointer == "/properties/data/properties/status"


def test_property_removed(check: Check, document: dict[str, Any]) -> None:
    del update_response_data(document)["properties"]["order_number"]
    finding = only(check(document).findings)
    assert finding.change is Change.PROPERTY_REMOVED
    assert finding.pointer == "/properties/data/properties/order_number"
    assert (finding.old, finding.new) == ("order_number", None)
    assert finding.contract.pointer == "/properties/data/properties/order_number"
    assert finding.contract.line is not None
    written = (ROOT / finding.contract.file).read_text(encoding="utf-8").splitlines()
    assert '"order_number"' in written[finding.contract.line - 1]


def test_type_changed(check: Check, document: dict[str, Any]) -> None:
    update_response_data(document)["properties"]["id"]["type"] = "boolean"
    finding = only(check(document).findings)
    assert finding.change is Change.TYPE_CHANGED
    assert finding.pointer == "/properties/data/properties/id"
    assert (finding.old, finding.new) == (["integer", "string"], ["boolean"])
    assert finding.message == "type: contract [integer, string], document [boolean]"


def test_required_changed(check: Check, document: dict[str, Any]) -> None:
    update_response_data(document)["required"].remove("order_number")
    finding = only(check(document).findings)
    assert finding.change is Change.REQUIRED_CHANGED
    assert finding.pointer == "/properties/data/required"
    assert (finding.old, finding.new) == (["id", "order_id", "order_number"], ["id", "order_id"])


def test_enum_value_added(check: Check, document: dict[str, Any]) -> None:
    weight = patch_item_weight(document)
    weight["properties"]["unit"] = {"type": "string", "enum": ["kg", "g", "lbs", "oz", "t"]}
    finding = only(check(document).findings)
    assert finding.change is Change.ENUM_VALUES_ADDED
    assert finding.kind == "order-update"
    assert finding.pointer.endswith("/measurement/properties/weight/properties/unit")
    assert finding.new == ["g", "kg", "lbs", "oz", "t"]
    assert finding.message == "enum values added: t"
    assert finding.contract.pointer == "/$defs/weight-unit"


def test_enum_value_removed(check: Check, document: dict[str, Any]) -> None:
    weight = patch_item_weight(document)
    weight["properties"]["unit"] = {"type": "string", "enum": ["kg", "g", "lbs"]}
    finding = only(check(document).findings)
    assert finding.change is Change.ENUM_VALUES_REMOVED
    assert finding.message == "enum values removed: oz"


def test_bound_changed(check: Check, document: dict[str, Any]) -> None:
    schemas_of(document)["order-batch"]["maxItems"] = 50
    finding = only(check(document).findings)
    assert finding.change is Change.BOUND_CHANGED
    assert (finding.shape, finding.kind, finding.pointer) == (
        "POST /orders request",
        "order-batch",
        "",
    )
    assert (finding.keyword, finding.old, finding.new) == ("maxItems", 100, 50)
    assert finding.message == "maxItems: contract 100, document 50"


def test_format_changed(check: Check, document: dict[str, Any]) -> None:
    parameters = document["paths"]["/orders"]["get"]["parameters"]
    created = next(p for p in parameters if p["name"] == "order_created_at")
    created["schema"]["format"] = "date-time"
    finding = only(check(document).findings)
    assert finding.change is Change.FORMAT_CHANGED
    assert (finding.shape, finding.kind) == ("GET /orders query", "order-list-query")
    assert finding.pointer == "/properties/order_created_at"
    assert (finding.old, finding.new) == ("date", "date-time")


def test_status_added(check: Check, document: dict[str, Any]) -> None:
    responses = document["paths"]["/orders/{id}"]["patch"]["responses"]
    responses["409"] = responses["400"]
    finding = only(check(document).findings)
    assert finding.change is Change.STATUS_ADDED
    assert (finding.shape, finding.new) == ("PATCH /orders/{id}", "409")
    assert finding.document.pointer == "/paths/~1orders~1{id}/patch/responses/409"
    assert finding.contract.file == "sendcloud_contract/operations.py"
    assert finding.contract.pointer == "/partial_update_order/responses/409"


def test_status_removed(check: Check, document: dict[str, Any]) -> None:
    del document["paths"]["/orders/{id}"]["delete"]["responses"]["404"]
    finding = only(check(document).findings)
    assert finding.change is Change.STATUS_REMOVED
    assert (finding.shape, finding.old) == ("DELETE /orders/{id}", "404")


def test_operation_removed(check: Check, document: dict[str, Any]) -> None:
    del document["paths"]["/orders/{id}"]["delete"]
    finding = only(check(document).findings)
    assert finding.change is Change.OPERATION_REMOVED
    assert finding.old == "DELETE /orders/{id}"


def test_branch_count_changed(check: Check, document: dict[str, Any]) -> None:
    point = schemas_of(document)["order-update"]["properties"]["service_point_details"]
    options = schemas_of(document)["common"]["$defs"]["service-point"]["oneOf"]
    point.clear()
    point["oneOf"] = [*options, {"type": "object", "required": ["code"]}]
    finding = only(check(document).findings)
    assert finding.change is Change.BRANCHES_CHANGED
    assert (finding.old, finding.new) == (2, 3)
