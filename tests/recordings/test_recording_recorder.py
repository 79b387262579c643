"""The fake writes a recording: every exchange in the own form, credentials redacted."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import respx

from sendcloud_contract.fake import FakeSendcloud
from sendcloud_contract.fake.core import PUBLIC_KEY, SECRET_KEY
from sendcloud_contract.fake.respx import mount
from sendcloud_contract.recordings import Recorder, read_recording, validate_path
from tests.recordings.build import ORDER

BASE = "https://panel.sendcloud.sc/api/v3"


def _recorded(tmp_path: Path, *requests: tuple[str, str, object]) -> Path:
    fake = FakeSendcloud()
    recorder = Recorder()
    fake.add_listener(recorder)
    router = respx.MockRouter(assert_all_called=False)
    mount(router, fake, base_url=BASE)
    with router, httpx.Client(auth=(PUBLIC_KEY, SECRET_KEY)) as client:
        for method, path, body in requests:
            client.request(method, BASE + path, json=body)
    assert len(recorder) == len(requests)
    return recorder.write(tmp_path / "deep" / "session.json")


def test_a_written_recording_validates_and_reads_back(tmp_path: Path) -> None:
    path = _recorded(tmp_path, ("POST", "/orders", [ORDER]), ("GET", "/orders", None))

    report = validate_path(path)

    assert report.violations == []
    assert report.kind == "recording"
    assert report.recording is not None
    assert (report.recording.interactions, report.recording.checked) == (2, 2)
    first, second = read_recording(path)
    assert (first.method, first.path, first.status) == ("POST", "/api/v3/orders", 201)
    assert (second.method, second.status) == ("GET", 200)


def test_bodies_are_json_values_in_the_file(tmp_path: Path) -> None:
    path = _recorded(tmp_path, ("POST", "/orders", [ORDER]))

    (entry,) = json.loads(path.read_text(encoding="utf-8"))

    assert entry["request"]["body"] == [ORDER]
    assert entry["response"]["status"] == 201
    assert entry["response"]["body"]["data"][0]["order_id"] == ORDER["order_id"]


def test_credentials_are_redacted(tmp_path: Path) -> None:
    path = _recorded(tmp_path, ("GET", "/orders", None))

    text = path.read_text(encoding="utf-8")
    (entry,) = json.loads(text)

    assert SECRET_KEY not in text
    headers = {k.lower(): v for k, v in entry["request"]["headers"].items()}
    assert headers["authorization"] == "Basic REDACTED"
    assert not [v for v in validate_path(path).violations if v.rule == "recording.credentials"]


def test_a_contract_breaking_request_is_kept_as_sent(tmp_path: Path) -> None:
    path = _recorded(tmp_path, ("POST", "/orders", [{**ORDER, "order_id": 7}]))

    report = validate_path(path)

    assert [(v.rule, v.pointer) for v in report.errors if v.rule == "type"] == [
        ("type", "/0/order_id")
    ]
