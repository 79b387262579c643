"""Every request and response shape Sendcloud documents, as fixtures written by this project.

These run everywhere; tests/test_schemas.py also holds the contract against Sendcloud's own
examples when its OpenAPI document sits beside the checkout.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sendcloud_contract import validate
from tests.helpers import base_order

ITEM: dict[str, Any] = {
    "name": "Hand-poured soy candle",
    "description": "Sage & cedar, 200 g",
    "quantity": 2,
    "unit_price": {"value": 12.95, "currency": "EUR"},
    "total_price": {"value": 25.9, "currency": "EUR"},
    "measurement": {"weight": {"value": 0.35, "unit": "kg"}},
}
# The tests' base order, with the parts Sendcloud's documented examples add.
ORDER: dict[str, Any] = base_order()
ORDER["order_details"]["order_items"] = [ITEM]
ORDER["payment_details"]["total_price"] = dict(ITEM["total_price"])
ORDER["shipping_address"]["phone_number"] = "+31655501234"
ORDER["shipping_details"] = {
    "is_local_pickup": False,
    "delivery_indicator": "DPD home",
    "measurement": {"weight": {"value": 0.9, "unit": "kg"}},
}


def _order(**changes: Any) -> dict[str, Any]:
    made = copy.deepcopy(ORDER)
    for path, value in changes.items():
        node = made
        *parents, last = path.split("__")
        for part in parents:
            node = node[part]
        node[last] = value
    return made


def _returned(order: dict[str, Any], id: str) -> dict[str, Any]:
    return dict(
        order,
        id=id,
        created_at="2026-09-14T08:21:11.204551+00:00",
        modified_at="2026-09-14T08:25:41.870312+00:00",
    )


REQUESTS: dict[str, Any] = {
    "basic order with only what Sendcloud needs": [
        {
            key: ORDER[key]
            for key in ("order_id", "order_number", "order_details", "payment_details")
        }
    ],
    "international order with customs": [
        _order(
            order_details__order_items=[
                dict(
                    ITEM,
                    hs_code="340600",
                    country_of_origin="NL",
                    mid_code="NLCNDL77BRE",
                    material_content="soy wax, cotton wick",
                    intended_use="Personal use",
                )
            ],
            payment_details={
                "total_price": {"value": 33.89, "currency": "EUR"},
                "status": {"code": "paid"},
                "discount_granted": {"value": "2.00", "currency": "EUR"},
                "insurance_costs": {"value": "0.00", "currency": "EUR"},
                "freight_costs": {"value": "9.99", "currency": "EUR"},
                "other_costs": {"value": "0", "currency": "EUR"},
            },
            customs_details={
                "commercial_invoice_number": "TK-INV-88120",
                "shipment_type": "commercial_goods",
                "export_type": "commercial_b2c",
                "tax_numbers": {
                    "sender": [{"name": "VAT", "country_code": "NL", "value": "NL862231458B01"}],
                    "receiver": [{"name": "EIN", "country_code": "US", "value": "12-3456789"}],
                    "importer_of_record": [],
                },
            },
            shipping_address={
                "name": "Ava Brooks",
                "address_line_1": "Market Street",
                "house_number": "1455",
                "postal_code": "94103",
                "city": "San Francisco",
                "state_province_code": "US-CA",
                "country_code": "US",
                "phone_number": "+14155550198",
            },
        )
    ],
    "order with a product image": [
        _order(
            order_details__order_items=[
                dict(
                    ITEM,
                    image_url="https://cdn.example.com/p/candle-sage.jpg",
                    product_id="9921",
                    variant_id="9921-200",
                    sku="CNDL-SAGE-200",
                    ean="8712345678906",
                    item_id="L-1",
                    properties={"scent": "sage"},
                )
            ]
        )
    ],
    "order with specified measurements": [
        _order(
            shipping_details={
                "delivery_indicator": "PostNL mailbox",
                "measurement": {
                    "dimension": {"length": 32, "width": 22.8, "height": 3.2, "unit": "cm"},
                    "weight": {"value": 720, "unit": "g"},
                    "volume": {"value": 2, "unit": "l"},
                },
            }
        )
    ],
    "order with billing address and customer details": [
        _order(
            billing_address={
                "name": "Noor Bakker",
                "company_name": "Bakker Interieur",
                "address_line_1": "Ginnekenweg",
                "house_number": "112",
                "address_line_2": "2e verdieping",
                "postal_code": "4818 JK",
                "city": "Breda",
                "country_code": "NL",
                "email": "noor@example.nl",
            },
            customer_details={
                "name": "Noor Bakker",
                "phone_number": "+31612300000",
                "email": "noor@example.nl",
            },
        )
    ],
    "order to a Sendcloud service point": [
        _order(
            service_point_details={
                "id": "10875349",
                "post_number": "",
                "latitude": "51.5890",
                "longitude": "4.7760",
                "type": "servicepoint",
                "extra_data": {"partner_name": "PostNL"},
            }
        )
    ],
    "order to a carrier's own service point id": [
        _order(
            service_point_details={
                "carrier_service_point_id": "NL-48110",
                "extra_data": {"carrier": "dhl"},
            }
        )
    ],
    "batch update naming Sendcloud ids": [
        dict(_order(), id="1009"),
        dict(_order(order_id="TK-88121", order_number="88121"), id="1010"),
    ],
    "order with a chosen shipping option": [
        _order(
            shipping_details__ship_with={
                "type": "shipping_option_code",
                "properties": {"shipping_option_code": "dpd:home/insured=500", "contract_id": 9},
            }
        )
    ],
    "order with dangerous goods": [
        _order(
            order_details__order_items=[
                dict(
                    ITEM,
                    dangerous_goods={
                        "regulation_set": "ADR",
                        "id_number": "UN1266",
                        "class_division_number": "3",
                        "unit_of_measurement": "ML",
                        "quantity": "200",
                        "adr_packing_group_letter": "III",
                        "transportation_mode": "Highway",
                        "weight_type": "Net",
                        "commodity_regulated_level_code": "LQ",
                        "chemical_record_identifier": None,
                    },
                )
            ]
        )
    ],
}

PATCHES: dict[str, Any] = {
    "status and tags": {
        "id": "1009",
        "order_id": "TK-88120",
        "order_details": {
            "status": {"code": "shipped", "message": "Shipped"},
            "tags": ["autumn-sale"],
        },
    },
    "one item by name": {
        "order_details": {
            "order_items": [
                {
                    "name": "Hand-poured soy candle",
                    "quantity": 3,
                    "unit_price": {"value": 12.95, "currency": "EUR"},
                    "total_price": {"value": 38.85, "currency": "EUR"},
                    "measurement": {"weight": {"value": 0.35}},
                }
            ]
        }
    },
    "cleared notes": {"order_details": {"notes": None, "tags": None}},
}

RESPONSES: list[tuple[str, str, Any]] = [
    (
        "201 one order",
        "order-batch-response",
        {"data": [{"id": 1009, "order_id": "TK-88120", "order_number": "88120"}]},
    ),
    (
        "201 batch",
        "order-batch-response",
        {
            "data": [
                {"id": 1009, "order_id": "TK-88120", "order_number": "88120"},
                {"id": 1010, "order_id": "TK-88121", "order_number": "88121"},
            ]
        },
    ),
    (
        "200 list",
        "order-list-response",
        {
            "data": [
                _returned(_order(), "1009"),
                _returned(
                    _order(order_details__order_items=[dict(ITEM, delivery_dates=None)]), "1010"
                ),
            ]
        },
    ),
    ("200 empty list", "order-list-response", {"data": []}),
    (
        "200 one order",
        "order-response",
        {
            "data": _returned(
                _order(
                    order_details__order_items=[
                        dict(
                            ITEM,
                            delivery_dates={
                                "handover_at": "2026-09-15T09:00:00.000000+02:00",
                                "deliver_at": None,
                            },
                        )
                    ]
                ),
                "1009",
            )
        },
    ),
    (
        "200 PATCH",
        "order-update-response",
        {"data": {"id": 1009, "order_id": "TK-88120", "order_number": "88120"}},
    ),
    (
        "400 wrong format",
        "errors",
        {
            "errors": [
                {
                    "status": "400",
                    "code": "non_field_errors",
                    "title": "Wrong format",
                    "detail": "Wrong request format, expected list of objects",
                }
            ]
        },
    ),
    (
        "400 several fields",
        "errors",
        {
            "errors": [
                {
                    "status": "400",
                    "code": "invalid",
                    "detail": "Field required",
                    "source": {"pointer": "/data/attributes/[1]/order_details/integration"},
                },
                {
                    "status": "400",
                    "code": "invalid",
                    "detail": "Input should be greater than 0",
                    "source": {
                        "pointer": "/data/attributes/[0]/order_details/order_items/0/quantity"
                    },
                },
            ]
        },
    ),
    (
        "400 list filter",
        "errors",
        {
            "errors": [
                {
                    "status": "400",
                    "code": "invalid_choice",
                    "title": "Invalid Choice",
                    "detail": "Select a valid choice. 77 is not one of the available choices.",
                    "source": {"parameter": "integration"},
                }
            ]
        },
    ),
    (
        "401 no credentials",
        "errors",
        {
            "errors": [
                {
                    "status": "401",
                    "code": "authentication_failed",
                    "title": "No credentials",
                    "detail": "Authentication credentials were not provided.",
                }
            ]
        },
    ),
    (
        "404 not found",
        "errors",
        {
            "errors": [
                {
                    "status": "404",
                    "code": "not_found",
                    "title": "Not found",
                    "detail": "The order could not be found with the search criteria given",
                }
            ]
        },
    ),
]

QUERIES = {
    "every filter": {
        "integration": "52001,52002",
        "order_number": "88120",
        "order_id": "tk-88120",
        "status": "FULFILLED",
        "order_created_at": "2026-09-14",
        "order_created_at_min": "2026-09-01",
        "order_created_at_max": "2026-09-30",
        "order_updated_at": "2026-09-14",
        "order_updated_at_min": "2026-09-01",
        "order_updated_at_max": "2026-09-30",
        "sort": "integration,-order_created_at",
        "page_size": "150",
        "cursor": "cj0xJnA9MzAw",
    },
}


@pytest.mark.parametrize("body", REQUESTS.values(), ids=list(REQUESTS))
def test_documented_requests_are_valid_and_recognised(body: Any) -> None:
    report = validate(body)
    assert report.kind == "order-batch"
    assert report.violations == []


@pytest.mark.parametrize("body", PATCHES.values(), ids=list(PATCHES))
def test_documented_patch_bodies_are_valid(body: Any) -> None:
    assert validate(body, "order-update").violations == []


@pytest.mark.parametrize(
    ("kind", "body"), [r[1:] for r in RESPONSES], ids=[r[0] for r in RESPONSES]
)
def test_documented_responses_are_valid_and_recognised(kind: str, body: Any) -> None:
    report = validate(body)
    assert report.kind == kind
    assert report.violations == []


@pytest.mark.parametrize("query", QUERIES.values(), ids=list(QUERIES))
def test_documented_queries_are_valid(query: dict[str, str]) -> None:
    report = validate(query)
    assert report.kind == "order-list-query"
    assert report.violations == []


def test_the_fixtures_cover_every_kind() -> None:
    kinds = {"order-batch", "order-update", "order-list-query"} | {kind for _, kind, _ in RESPONSES}
    from sendcloud_contract import KINDS

    assert kinds == set(KINDS) - {"order"}
