"""Any recording converts to the own JSON form, which reads back to the same verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendcloud_contract.recordings import as_simple, read_recording, validate_path

DATA = Path(__file__).resolve().parent.parent / "data" / "recordings"


def _verdicts(path: Path) -> list[tuple[str, int | None, str | None, str]]:
    report = validate_path(path)
    return [
        (
            v.rule,
            v.interaction.index if v.interaction else None,
            v.interaction.side if v.interaction else None,
            v.pointer,
        )
        for v in report.violations
        if not v.rule.startswith(("recording.", "load."))
    ]


@pytest.mark.parametrize(
    "path",
    [
        DATA / "valid" / "vcr-session.yaml",
        DATA / "valid" / "vcr-gzip.yaml",
        DATA / "valid" / "vcr-httpx-content.yaml",
        DATA / "valid" / "session.har",
        DATA / "invalid" / "vcr-bad-request-field.yaml",
        DATA / "invalid" / "har-bad-response-field.har",
    ],
    ids=lambda p: p.name,
)
def test_converted_recordings_keep_their_verdicts(path: Path, tmp_path: Path) -> None:
    interactions = read_recording(path)
    assert interactions
    converted = tmp_path / "converted.json"
    converted.write_text(json.dumps(as_simple(interactions), indent=2))
    report = validate_path(converted)
    assert report.kind == "recording"
    assert report.recording is not None
    assert report.recording.interactions == len(interactions)
    assert _verdicts(converted) == _verdicts(path)


def test_bodies_keep_their_form() -> None:
    simple = as_simple(read_recording(DATA / "valid" / "vcr-gzip.yaml"))
    assert simple[0]["response"]["body"]["data"][0]["id"] == 1  # decompressed, parsed
    assert "content-encoding" not in simple[0]["response"]["headers"]
    page = as_simple(read_recording(DATA / "valid" / "vcr-undocumented-statuses.yaml"))
    assert page[0]["response"]["text"].startswith("<html>")
    assert "body" not in page[1]["response"]  # the empty 302 body


def test_a_file_that_is_no_recording_has_no_interactions() -> None:
    examples = Path(__file__).resolve().parent.parent.parent / "examples"
    assert read_recording(examples / "valid" / "basic-order.json") == []
    assert read_recording(DATA / "invalid" / "har-truncated.har") == []
