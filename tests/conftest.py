"""Fixtures shared by the validator's tests."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "sendcloud-orders-v3.openapi.yml"

_ORDER: dict[str, Any] = {
    "order_id": "WEB-5501",
    "order_number": "5501",
    "order_details": {
        "integration": {"id": 4711},
        "status": {"code": "fulfilled", "message": "Fulfilled"},
        "order_created_at": "2026-10-01T10:00:00.250Z",
        "order_updated_at": "2026-10-01T12:30:00Z",
        "order_items": [
            {
                "name": "Stoneware bowl",
                "quantity": 2,
                "unit_price": {"value": 14.5, "currency": "EUR"},
                "total_price": {"value": 29.0, "currency": "EUR"},
            }
        ],
    },
    "payment_details": {
        "total_price": {"value": 29.0, "currency": "EUR"},
        "status": {"code": "paid"},
    },
    "shipping_address": {
        "name": "Sanne Jansen",
        "address_line_1": "Oudegracht",
        "house_number": "12",
        "postal_code": "3511 AB",
        "city": "Utrecht",
        "country_code": "NL",
    },
}


@pytest.fixture
def order() -> dict[str, Any]:
    """A minimal valid order, fresh for every test."""
    return copy.deepcopy(_ORDER)


@pytest.fixture(scope="session")
def reference() -> dict[str, Any]:
    """Sendcloud's published OpenAPI document, when this checkout sits beside it."""
    if not REFERENCE.is_file():
        pytest.skip(f"Sendcloud's OpenAPI document is not at {REFERENCE}")
    loaded: dict[str, Any] = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return loaded
