"""Bodies are decoded before they are judged: gzip, deflate, base64, both VCR layouts."""

from __future__ import annotations

import base64
import gzip
import json
import tracemalloc
import zlib

import pytest
import yaml

from sendcloud_contract.recordings.bodies import Inflation, decode_body
from sendcloud_contract.recordings.interaction import Problem
from tests.recordings.build import BASE, CREATED, check_bytes, check_value, created_entry, rules

BROKEN_CREATED = json.dumps(
    {"data": [{"id": True, "order_id": "WEB-1", "order_number": "N-WEB-1"}]}
)


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


def zeros_gzip(mebibytes: int) -> bytes:
    """gzip of ``mebibytes`` MiB of zero bytes, compressed a MiB at a time (about 1 KiB each)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = bytes(1 << 20)
    return b"".join([*(packer.compress(chunk) for _ in range(mebibytes)), packer.flush()])


def test_twice_gzipped_bodies_stop_at_the_body_limit_with_a_violation() -> None:
    bomb = gzip.compress(zeros_gzip(16))
    assert len(bomb) < 6000
    entry = created_entry(response_headers={"Content-Encoding": ["gzip, gzip"]})
    entry["response"]["body"]["string"] = bomb
    report = check_bytes(yaml.safe_dump({"interactions": [entry], "version": 1}).encode(), "yaml")
    (found,) = report.violations
    assert (found.rule, found.interaction and found.interaction.side) == (
        "recording.too-large",
        "response",
    )
    assert found.message == (
        "the body inflates to more than 10485760 bytes (Content-Encoding gzip, gzip); "
        "it is not checked"
    )


def test_inflating_stops_at_the_limit_without_inflating_the_rest() -> None:
    problems: list[Problem] = []
    tracemalloc.start()
    try:
        body = decode_body(
            zeros_gzip(64),
            "/at",
            "response",
            ["gzip"],
            decoding="declared",
            problems=problems,
            inflation=Inflation(per_body=1 << 20),
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert body is not None
    assert not body.readable
    assert [p.rule for p in problems] == ["recording.too-large"]
    assert peak < 8 << 20, "inflating went on past the limit"


def test_the_bodies_of_one_recording_share_a_total_limit() -> None:
    inflation = Inflation(per_body=1000, total=2500)
    problems: list[Problem] = []
    bodies = [
        decode_body(
            gzip.compress(bytes(900)),
            f"/{n}",
            "response",
            ["gzip"],
            decoding="declared",
            problems=problems,
            inflation=inflation,
        )
        for n in range(3)
    ]
    assert [b is not None and b.readable for b in bodies] == [True, True, False]
    (problem,) = problems
    assert problem.message.startswith("the recording's bodies inflate to more than 2500 bytes")


def test_gzip_members_one_after_another_and_zero_padding_are_read() -> None:
    data = gzip.compress(b'{"data": ') + gzip.compress(b"[]}") + bytes(8)
    problems: list[Problem] = []
    body = decode_body(data, "/", "response", ["gzip"], decoding="declared", problems=problems)
    assert (body and body.data, problems) == (b'{"data": []}', [])


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (gzip.compress(b"{}", mtime=0)[:-12], "ends before the end of the compressed stream"),
        (gzip.compress(b"{}", mtime=0) + b"junk", "not a gzip member at byte"),
        (b"\x1f\x8bnot gzip at all", "not valid gzip data"),
    ],
    ids=["cut-short", "junk-after", "not-gzip"],  # the same in every xdist worker
)
def test_broken_gzip_is_a_content_encoding_error(data: bytes, reason: str) -> None:
    problems: list[Problem] = []
    body = decode_body(data, "/", "response", ["gzip"], decoding="declared", problems=problems)
    assert body is not None
    assert not body.readable
    (problem,) = problems
    assert problem.rule == "recording.content-encoding"
    assert reason in problem.message
