"""``sendcloud-contract validate`` on recordings: recognition, every output format, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.helpers import run_cli

DATA = Path(__file__).resolve().parent.parent / "data" / "recordings"
EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"
BAD = DATA / "invalid" / "vcr-bad-request-field.yaml"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status, out, _ = run_cli(capsys, *argv)
    return status, out


def test_directories_yield_har_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(DATA / "valid" / "session.har", tmp_path / "export.har")
    status, out = run(capsys, "validate", "--format", "json", str(tmp_path))
    document = json.loads(out)
    assert status == 0
    assert [(f["kind"], f["recording"]) for f in document["files"]] == [
        ("har", {"format": "har", "interactions": 8, "checked": 7, "ignored": 1})
    ]


def test_json_output_carries_the_interaction(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "validate", "--format", "json", str(BAD))
    assert status == 1
    violation = json.loads(out)["files"][0]["violations"][0]
    assert violation["interaction"] == {
        "index": 0,
        "method": "POST",
        "path": "/api/v3/orders",
        "side": "request",
    }
    assert (violation["pointer"], violation["line"]) == ("/0/shipping_address", 3)


@pytest.mark.parametrize(
    ("output_format", "expected"),
    [
        (
            "text",
            f"{BAD}:3:11: error   interaction 1 POST /api/v3/orders request /0/shipping_address",
        ),
        (
            "junit",
            f"{BAD}:3:11 error interaction 1 POST /api/v3/orders request /0/shipping_address",
        ),
        ("github", "::interaction 1 POST /api/v3/orders request /0/shipping_address: missing"),
    ],
)
def test_every_format_names_the_interaction(
    output_format: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = run(capsys, "validate", "--format", output_format, str(BAD))
    assert status == 1
    assert expected in out


def test_text_names_format_and_counts(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "validate", "--verbose", str(DATA / "valid" / "vcr-session.yaml"))
    assert status == 0
    assert "(vcr-cassette, auto: a mapping with 'interactions' is a VCR.py cassette; " in out
    assert "8 interactions: 7 Orders API, 1 on other route ignored" in out


def test_kind_recording_refuses_a_payload(capsys: pytest.CaptureFixture[str]) -> None:
    payload = str(EXAMPLES / "valid" / "basic-order.json")
    status, out = run(capsys, "validate", "--kind", "recording", "--format", "json", payload)
    assert status == 1
    assert [v["rule"] for v in json.loads(out)["files"][0]["violations"]] == ["recording.format"]


def test_payloads_are_untouched(capsys: pytest.CaptureFixture[str]) -> None:
    status, out = run(capsys, "validate", "--format", "json", str(EXAMPLES / "valid"))
    assert status == 0
    assert all("recording" not in f for f in json.loads(out)["files"])


def test_api_root_option(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    moved = (DATA / "valid" / "vcr-session.yaml").read_text().replace("/api/v3/", "/sc/api/v3/")
    (tmp_path / "moved.yaml").write_text(moved)
    _, out = run(capsys, "validate", "--format", "json", str(tmp_path / "moved.yaml"))
    assert json.loads(out)["files"][0]["recording"]["checked"] == 0
    _, out = run(capsys, "validate", "--format", "json", "--api-root", "/sc/api/v3", str(tmp_path))
    assert json.loads(out)["files"][0]["recording"]["checked"] == 7


def test_recordings_from_stdin(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    data = (DATA / "valid" / "session.recording.json").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    status, out = run(capsys, "validate", "--format", "json", "-")
    assert status == 0
    assert json.loads(out)["files"][0]["kind"] == "recording"


def test_results_are_the_same_for_any_number_of_jobs(capsys: pytest.CaptureFixture[str]) -> None:
    serial = run(capsys, "validate", "--format", "json", "--jobs", "1", str(DATA))
    parallel = run(capsys, "validate", "--format", "json", "--jobs", "2", str(DATA))
    assert serial == parallel
    assert serial[0] == 1
