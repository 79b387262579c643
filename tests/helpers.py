"""What the tests share: where things are, and the one base order they all start from."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract.cli import main

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference" / "sendcloud-orders-v3.openapi.yml"

BASE_ORDER: dict[str, Any] = {
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


def base_order() -> dict[str, Any]:
    """A minimal valid order, a fresh copy each time."""
    return copy.deepcopy(BASE_ORDER)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The command's exit status, standard output and standard error, run in this process."""
    try:
        status = main(list(argv))
    except SystemExit as exit_:
        status = int(exit_.code or 0)
    captured = capsys.readouterr()
    return status, captured.out, captured.err
