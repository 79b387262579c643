"""Small recordings built in tests, so each case shows only what it is about."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sendcloud_contract.loading import load_bytes
from sendcloud_contract.recordings import validate_recording
from sendcloud_contract.report import Report

BASE = "https://panel.sendcloud.sc/api/v3"

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
# The bundled example order, for the fake's default integration (1).
ORDER: dict[str, Any] = json.loads((EXAMPLES / "valid" / "basic-order.json").read_text())[0]
ORDER["order_details"]["integration"]["id"] = 1
CREATED = {
    "data": [{"id": 1, "order_id": ORDER["order_id"], "order_number": ORDER["order_number"]}]
}


def cassette_entry(
    method: str,
    url: str,
    status: int,
    body: str | bytes | None = None,
    request_body: str | None = None,
    response_headers: dict[str, list[str]] | None = None,
    request_headers: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """One interaction as vcrpy 9 writes it."""
    return {
        "request": {
            "body": request_body,
            "headers": request_headers or {},
            "method": method,
            "uri": url,
        },
        "response": {
            "body": {"string": body if body is not None else ""},
            "headers": response_headers or {"Content-Type": ["application/json"]},
            "status": {"code": status, "message": ""},
        },
    }


def created_entry(**changes: Any) -> dict[str, Any]:
    return cassette_entry(
        "POST", BASE + "/orders", 201, json.dumps(CREATED), json.dumps([ORDER]), **changes
    )


def check_value(value: Any, **options: Any) -> Report:
    """Validate a recording given as a Python value, through its JSON text."""
    return check_bytes(json.dumps(value).encode(), **options)


def check_bytes(data: bytes, fmt: str = "json", **options: Any) -> Report:
    documents = load_bytes(data, fmt="yaml" if fmt == "yaml" else "json", cassette_tags=True)
    return validate_recording(documents[0], **options)


def rules(report: Report) -> list[tuple[str, str | None]]:
    return [(v.rule, v.interaction.side if v.interaction else None) for v in report.violations]
