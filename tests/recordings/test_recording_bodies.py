"""Bodies are decoded before they are judged: gzip, deflate, base64, both VCR layouts."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import yaml

from tests.recordings.build import BASE, CREATED, check_bytes, check_value, created_entry, rules

BROKEN_CREATED = json.dumps({"data": [{"id": "1", "order_id": "WEB-1", "order_number": "N-WEB-1"}]})


def test_gzip_bodies_are_decompressed_before_validation() -> None:
    entry = created_entry(response_headers={"Content-Encoding": ["gzip"]})
    entry["response"]["body"]["string"] = gzip.compress(BROKEN_CREATED.encode())
    cassette = yaml.safe_dump({"interactions": [entry], "version": 1}).encode()
    assert b"!!binary" in cassette
    report = check_bytes(cassette, "yaml")
    assert [(v.rule, v.pointer) for v in report.violations] == [("type", "/data/0/id")]


def test_deflate_bodies_are_decompressed_too() -> None:
    entry = created_entry(response_headers={"Content-Encoding": ["deflate"]})
    entry["response"]["body"]["string"] = zlib.compress(json.dumps(CREATED).encode())
    report = check_bytes(yaml.safe_dump({"interactions": [entry]}).encode(), "yaml")
    assert report.violations == []


def test_an_unknown_content_encoding_is_a_warning() -> None:
    entry = created_entry(response_headers={"Content-Encoding": ["br"]})
    entry["response"]["body"]["string"] = b"\x8b\x02\x80"
    report = check_bytes(yaml.safe_dump({"interactions": [entry]}).encode(), "yaml")
    assert report.ok
    assert rules(report) == [("recording.content-encoding", "response")]


def test_the_older_httpx_content_layout_is_read() -> None:
    entry = created_entry()
    entry["response"] = {
        "content": BROKEN_CREATED,
        "headers": {"content-type": ["application/json"]},
        "http_version": "HTTP/1.1",
        "status_code": 201,
    }
    report = check_value({"interactions": [entry], "version": 1})
    assert [(v.rule, v.pointer) for v in report.violations] == [("type", "/data/0/id")]


def test_har_base64_content_is_decoded() -> None:
    har = {
        "log": {
            "version": "1.2",
            "entries": [
                {
                    "request": {"method": "GET", "url": BASE + "/orders/1", "headers": []},
                    "response": {
                        "status": 200,
                        "headers": [],
                        "content": {
                            "text": base64.b64encode(b'{"data": {"id": 1}}').decode(),
                            "encoding": "base64",
                        },
                    },
                }
            ],
        }
    }
    report = check_value(har)
    assert ("required", "response") in rules(report)
    assert all(v.interaction and v.interaction.path == "/api/v3/orders/1" for v in report.errors)


def test_own_form_text_and_base64_bodies() -> None:
    text = [
        {
            "request": {"method": "GET", "url": BASE + "/orders/1"},
            "response": {"status": 404, "text": '{"errors": []}'},
        },
        {
            "request": {"method": "GET", "url": BASE + "/orders/1"},
            "response": {"status": 404, "base64": "not base64!"},
        },
    ]
    report = check_value(text)
    assert rules(report) == [("minItems", "response"), ("recording.base64", "response")]


def test_a_body_that_is_not_json_is_an_error_with_its_place_in_the_body() -> None:
    entry = created_entry()
    entry["response"]["body"]["string"] = '{"data": [}'
    report = check_value({"interactions": [entry]})
    assert [v.rule for v in report.violations] == ["load.syntax"]
    assert "of the body" in report.violations[0].message
