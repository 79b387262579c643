"""Every recording fixture, valid and broken, gives the report it should, per interaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendcloud_contract.recordings import validate_path
from sendcloud_contract.report import Report, Severity, Violation

DATA = Path(__file__).resolve().parent.parent / "data" / "recordings"

# file -> (format, interactions, Orders API interactions)
VALID = {
    "vcr-session.yaml": ("vcr-cassette", 8, 7),
    "vcr-session.json": ("vcr-cassette", 8, 7),
    "vcr-gzip.yaml": ("vcr-cassette", 2, 2),
    "vcr-httpx-content.yaml": ("vcr-cassette", 5, 5),
    "session.har": ("har", 8, 7),
    "session.recording.json": ("recording", 8, 7),
    "vcr-undocumented-statuses.yaml": ("vcr-cassette", 2, 2),
}

# file -> (format, [(rule, severity, interaction index or None, side, line), ...])
BROKEN: dict[str, tuple[str, list[tuple[str, Severity, int | None, str | None, int | None]]]] = {
    "vcr-bad-request-field.yaml": (
        "vcr-cassette",
        [
            ("required", Severity.ERROR, 0, "request", 3),
            ("additionalProperties", Severity.ERROR, 0, "request", 3),
        ],
    ),
    "har-bad-response-field.har": ("har", [("type", Severity.ERROR, 0, "response", 57)]),
    "recording-wrong-status-shape.json": (
        "recording",
        [
            ("type", Severity.ERROR, 2, "response", 185),
            ("recording.unexpected-body", Severity.ERROR, 4, "response", 239),
        ],
    ),
    "vcr-truncated.yaml": (
        "vcr-cassette",
        [("recording.shape", Severity.ERROR, 1, "response", 36)],
    ),
    "har-truncated.har": ("har", [("load.syntax", Severity.ERROR, None, None, 164)]),
    "vcr-malformed.yaml": ("vcr-cassette", [("load.syntax", Severity.ERROR, None, None, 15)]),
    "vcr-base64-garbage.yaml": (
        "vcr-cassette",
        [("load.syntax", Severity.ERROR, 0, "response", 19)],
    ),
    "har-base64-garbage.har": ("har", [("recording.base64", Severity.ERROR, 0, "response", 45)]),
    "vcr-gzip-garbage.yaml": (
        "vcr-cassette",
        [("recording.content-encoding", Severity.ERROR, 0, "response", 19)],
    ),
    "vcr-credentials-left-in.yaml": (
        "vcr-cassette",
        [("recording.credentials", Severity.WARNING, 0, "request", 12)],
    ),
    "har-credentials-left-in.har": (
        "har",
        [("recording.credentials", Severity.WARNING, 0, "request", 24)],
    ),
    "vcr-python-tag.yaml": ("vcr-cassette", [("load.syntax", Severity.ERROR, None, None, 19)]),
    "vcr-bad-query-and-missing-status.yaml": (
        "vcr-cassette",
        [
            ("recording.shape", Severity.ERROR, 0, "response", 18),
            ("pattern", Severity.ERROR, 1, "request", 31),
        ],
    ),
}


def _summary(v: Violation) -> tuple[str, Severity, int | None, str | None, int | None]:
    place = v.interaction
    return (
        v.rule,
        v.severity,
        None if place is None else place.index,
        None if place is None else place.side,
        v.line,
    )


def check(name: str, folder: str) -> Report:
    return validate_path(DATA / folder / name)


@pytest.mark.parametrize("name", sorted(VALID))
def test_valid_recordings_pass(name: str) -> None:
    report = check(name, "valid")
    fmt, total, checked = VALID[name]
    assert report.errors == []
    assert report.recording is not None
    assert (report.kind, report.recording.interactions, report.recording.checked) == (
        fmt,
        total,
        checked,
    )


def test_every_fixture_is_listed() -> None:
    assert sorted(p.name for p in (DATA / "valid").iterdir()) == sorted(VALID)
    assert sorted(p.name for p in (DATA / "invalid").iterdir()) == sorted(BROKEN)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_recordings_are_caught_where_they_break(name: str) -> None:
    report = check(name, "invalid")
    fmt, expected = BROKEN[name]
    assert report.kind == fmt
    assert [_summary(v) for v in report.violations] == expected


def test_a_recording_too_broken_to_read_has_no_counts() -> None:
    report = check("har-truncated.har", "invalid")
    assert (report.kind, report.recording) == ("har", None)


def test_undocumented_statuses_are_warnings_not_errors() -> None:
    report = check("vcr-undocumented-statuses.yaml", "valid")
    assert report.ok
    assert [(w.rule, w.interaction and w.interaction.index) for w in report.warnings] == [
        ("recording.undocumented-status", 0),
        ("recording.undocumented-status", 1),
    ]
    assert "500" in report.warnings[0].message
    assert "302" in report.warnings[1].message


def test_a_violation_names_method_path_and_side() -> None:
    report = check("vcr-bad-request-field.yaml", "invalid")
    first = report.violations[0]
    assert first.interaction is not None
    assert str(first.interaction) == "interaction 1 POST /api/v3/orders request"
    assert first.pointer == "/0/shipping_address"
    assert first.place == "interaction 1 POST /api/v3/orders request /0/shipping_address"


def test_embedded_bodies_point_at_the_violating_line() -> None:
    """The own form keeps JSON bodies as JSON, so a violation has its own line."""
    report = check("recording-wrong-status-shape.json", "invalid")
    lines = (DATA / "invalid" / "recording-wrong-status-shape.json").read_text().splitlines()
    first = report.violations[0]
    assert first.line is not None
    assert lines[first.line - 1].strip().startswith('"data"')


def test_python_tags_never_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    report = check("vcr-python-tag.yaml", "invalid")
    assert not report.ok
    assert "never constructed" in (report.violations[0].hint or "")
    assert list(tmp_path.iterdir()) == []
