"""Recording files (cassettes, HAR, the own form) as payload items, checked per interaction."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.plugin.helpers import Run
from tests.recordings.build import BASE, ORDER, created_entry


def _har(request_body: object) -> str:
    entry = {
        "request": {
            "method": "POST",
            "url": BASE + "/orders",
            "headers": [],
            "postData": {"mimeType": "application/json", "text": json.dumps(request_body)},
        },
        "response": {
            "status": 201,
            "headers": [],
            "content": {"mimeType": "application/json", "text": json.dumps({"data": []})},
        },
    }
    return json.dumps({"log": {"version": "1.2", "entries": [entry]}})


def _write(pytester: pytest.Pytester, name: str, text: str) -> None:
    folder = pytester.path / "recorded"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_recordings_are_items_checked_per_interaction(pytester: pytest.Pytester, run: Run) -> None:
    good = {"interactions": [created_entry()], "version": 1}
    bad = {"interactions": [created_entry(), created_entry()], "version": 1}
    bad["interactions"][1]["request"]["body"] = json.dumps([{**ORDER, "order_id": 7}])
    _write(pytester, "good.yaml", yaml.safe_dump(good))
    _write(pytester, "bad.yaml", yaml.safe_dump(bad))
    _write(pytester, "broken.invalid.yaml", yaml.safe_dump(bad))
    _write(pytester, "checkout.har", _har([{**ORDER, "order_id": 7}]))
    own = [{"request": {"method": "GET", "url": BASE + "/orders/1"}, "response": {"status": 404}}]
    _write(pytester, "own.json", json.dumps(own))

    result = run("--sendcloud-payloads", "recorded", "-v")

    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines_random(
        [
            "recorded/bad.yaml::bad.yaml FAILED*",
            "recorded/broken.invalid.yaml::broken.invalid.yaml PASSED*",
            "recorded/checkout.har::checkout.har FAILED*",
            "recorded/good.yaml::good.yaml PASSED*",
            "recorded/own.json::own.json FAILED*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "INVALID  recorded/bad.yaml (vcr-cassette, *2 interactions: 2 Orders API*",
            "  recorded/bad.yaml:*: error   interaction 2 POST /api/v3/orders request "
            "/0/order_id: expected string, got integer 7 [[]type[]]",
        ]
    )
    result.stdout.fnmatch_lines(
        ["  recorded/checkout.har:*: error   interaction 1 POST /api/v3/orders request /0/*"]
    )
    result.stdout.fnmatch_lines(
        ["  recorded/own.json:*: error   interaction 1 GET /api/v3/orders/1 response*"]
    )
    result.stdout.fnmatch_lines(["sendcloud: 5 payloads and 0 requests validated, * violations"])
