"""Credentials in recordings are flagged, and no report ever prints them."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from sendcloud_contract.cli import main
from tests.recordings.build import check_value, created_entry, rules

DATA = Path(__file__).resolve().parent.parent / "data" / "recordings" / "invalid"
LIVE_BASIC = base64.b64encode(b"live-public-key:live-secret-key").decode()


def _with_header(value: str) -> dict[str, object]:
    return {"interactions": [created_entry(request_headers={"Authorization": [value]})]}


@pytest.mark.parametrize(
    "value",
    [f"Basic {LIVE_BASIC}", "Bearer sc-live-7f3a9c2e41b84d0e", "bearer eyJhbGciOiJIUzI1NiJ9.x.y"],
)
def test_unredacted_credentials_are_a_warning(value: str) -> None:
    report = check_value(_with_header(value))
    assert report.ok
    assert rules(report) == [("recording.credentials", "request")]
    assert value.split()[1] not in report.warnings[0].message


@pytest.mark.parametrize(
    "value",
    [
        "Basic REDACTED",
        "Bearer <token>",
        "Bearer ********",
        "Bearer DUMMY-TOKEN-VALUE",
        "Basic " + base64.b64encode(b"public:").decode(),
        "Basic " + base64.b64encode(b"public:[FILTERED]").decode(),
    ],
)
def test_placeholders_are_not_flagged(value: str) -> None:
    assert check_value(_with_header(value)).violations == []


def test_a_password_in_the_url_is_flagged_and_not_shown() -> None:
    entry = created_entry()
    entry["request"]["uri"] = "https://key:hunter2secret@panel.sendcloud.sc/api/v3/orders"
    report = check_value({"interactions": [entry]})
    assert rules(report) == [("recording.credentials", "request")]
    assert all("hunter2" not in v.place + v.message for v in report.violations)


@pytest.mark.parametrize("output_format", ["text", "json", "junit", "github"])
def test_no_report_format_prints_a_secret(
    output_format: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        [
            "validate",
            "--format",
            output_format,
            "--verbose",
            str(DATA / "vcr-credentials-left-in.yaml"),
            str(DATA / "har-credentials-left-in.har"),
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "recording.credentials" in out
    for secret in (LIVE_BASIC, "live-secret-key", "sc-live-7f3a9c2e41b84d0e"):
        assert secret not in out


def test_strict_fails_a_recording_with_credentials(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(DATA / "vcr-credentials-left-in.yaml")
    assert main(["validate", "--warnings-as-errors", path]) == 1
    capsys.readouterr()
