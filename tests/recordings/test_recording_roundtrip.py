"""Round trip: record real HTTP traffic against the fake with VCR.py, then validate it.

The cassettes are what vcrpy itself writes, so the readers are held to the
real format, not to our idea of it; the same cassette broken by hand is caught.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
import yaml

from sendcloud_contract.fake import FakeSendcloud
from sendcloud_contract.recordings import validate_path
from tests.recordings.build import ORDER
from tests.recordings.live_fake import serving

UPDATE = {"order_details": {"status": {"code": "cancelled", "message": "Cancelled"}}}


def _session(client: httpx.Client, base: str) -> None:
    created = client.post(base + "/orders", json=[ORDER])
    order_id = created.json()["data"][0]["id"]
    client.get(base + "/orders", params={"page_size": "5"})
    client.get(base + f"/orders/{order_id}")
    client.patch(base + f"/orders/{order_id}", json=UPDATE)
    client.delete(base + f"/orders/{order_id}")
    client.get(base + f"/orders/{order_id}")


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with serving(FakeSendcloud()) as base:
        yield base


def record(base: str, path: Path, serializer: str) -> Path:
    recorder = vcr.VCR(serializer=serializer, filter_headers=["authorization"])
    with (
        recorder.use_cassette(str(path)),
        httpx.Client(auth=("fake-public-key", "fake-secret-key")) as client,
    ):
        _session(client, base)
    return path


@pytest.mark.parametrize("serializer", ["yaml", "json"])
def test_a_recorded_session_validates(base_url: str, tmp_path: Path, serializer: str) -> None:
    cassette = record(base_url, tmp_path / f"session.{serializer}", serializer)
    report = validate_path(cassette)
    assert report.violations == []
    assert report.kind == "vcr-cassette"
    assert report.recording is not None
    assert (report.recording.interactions, report.recording.checked) == (6, 6)


def _broken(cassette: dict[str, Any], how: str) -> dict[str, Any]:
    first = cassette["interactions"][0]
    if how == "request field":
        first["request"]["body"] = first["request"]["body"].replace('"city"', '"town"')
    elif how == "response field":
        body = first["response"]["body"]["string"]
        first["response"]["body"]["string"] = re.sub(r'"id":([0-9]+)', r'"id":"\1"', body)
    elif how == "status shape":
        first["response"]["status"]["code"] = 200
    elif how == "credentials":
        first["request"]["headers"]["authorization"] = ["Bearer sc-live-0123456789abcdef"]
    return cassette


@pytest.mark.parametrize(
    ("how", "rule", "side"),
    [
        ("request field", "additionalProperties", "request"),
        ("response field", "type", "response"),
        ("status shape", "recording.undocumented-status", "response"),
        ("credentials", "recording.credentials", "request"),
    ],
)
def test_the_recording_broken_by_hand_is_caught(
    base_url: str, tmp_path: Path, how: str, rule: str, side: str
) -> None:
    cassette = record(base_url, tmp_path / "session.yaml", "yaml")
    loaded = yaml.safe_load(cassette.read_text())
    cassette.write_text(yaml.safe_dump(_broken(loaded, how)))
    report = validate_path(cassette)
    found = [(v.rule, v.interaction and v.interaction.side) for v in report.violations]
    assert (rule, side) in found
    assert all(v.interaction is not None and v.interaction.index == 0 for v in report.violations)


def test_a_truncated_recording_is_caught(base_url: str, tmp_path: Path) -> None:
    cassette = record(base_url, tmp_path / "session.json", "json")
    text = cassette.read_text()
    cassette.write_text(text[: len(text) // 2])
    report = validate_path(cassette)
    assert report.kind == "vcr-cassette"
    assert [v.rule for v in report.violations] == ["load.syntax"]
    assert report.violations[0].line is not None
    json.loads(text)  # the untouched recording was well-formed
