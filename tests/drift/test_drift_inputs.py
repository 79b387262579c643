"""Unreadable documents and deviations files are problems (values), never tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract.drift import DriftProblem, DriftReport, check_drift
from tests.drift.helpers import schemas_of, write


def problem(path: Path, deviations: Path | None = None) -> DriftProblem:
    result = check_drift(str(path), deviations_path=None if deviations is None else str(deviations))
    assert isinstance(result, DriftProblem)
    return result


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the input is empty"),
        ("openapi: [3.1\n", "expected"),
        ("- just\n- a list\n", "mapping at the top level"),
        ("swagger: '2.0'\npaths: {}\n", "not an OpenAPI 3.0 or 3.1 document"),
        ("openapi: 3.1.0\ninfo: {}\n", "the document has no paths"),
        ("openapi: 3.1.0\nopenapi: 3.0.0\npaths: {}\n", "duplicate"),
        ("openapi: 3.1.0\npaths: {}\n---\nopenapi: 3.1.0\n", "2 YAML documents"),
    ],
)
def test_malformed_documents(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "openapi.yaml"
    path.write_text(text, encoding="utf-8")
    found = problem(path)
    assert message in found.message
    assert found.file == str(path)
    assert found.hint


def test_a_missing_file(tmp_path: Path) -> None:
    found = problem(tmp_path / "missing.yaml")
    assert "No such file" in found.message


def test_invalid_json_has_a_position(tmp_path: Path) -> None:
    path = tmp_path / "openapi.json"
    path.write_text('{"openapi": "3.1.0",\n "paths": {,}}', encoding="utf-8")
    found = problem(path)
    assert (found.line, found.column) == (2, 12)


def test_an_external_reference(
    tmp_path: Path, document: dict[str, Any], no_deviations: Path
) -> None:
    schemas_of(document)["order-batch"]["items"] = {"$ref": "orders.yaml#/Order"}
    found = problem(write(tmp_path, document, "openapi.yaml"), no_deviations)
    assert "only local references" in found.message
    assert found.pointer == "/components/schemas/order-batch/items/$ref"
    assert found.line is not None


def test_a_broken_reference(tmp_path: Path, document: dict[str, Any], no_deviations: Path) -> None:
    schemas_of(document)["order-batch"]["items"] = {"$ref": "#/components/schemas/Nowhere"}
    found = problem(write(tmp_path, document), no_deviations)
    assert "nothing at /components/schemas/Nowhere" in found.message


def test_a_malformed_keyword(tmp_path: Path, document: dict[str, Any], no_deviations: Path) -> None:
    schemas_of(document)["order-batch"]["required"] = "order_id"
    found = problem(write(tmp_path, document), no_deviations)
    assert found.message == "required must be a list of names"
    assert found.pointer == "/components/schemas/order-batch/required"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]\n", "a mapping with a list 'deviations'"),
        ("deviations:\n  - change: type-changed\n", "contract must be"),
        (
            "deviations:\n  - {change: renamed, contract: 'a#', quirk: q, reason: r}\n",
            "unknown change 'renamed'",
        ),
        (
            "deviations:\n  - {change: type-changed, contract: 'a#', quirk: q, reason: r, x: 1}\n",
            "unknown field 'x'",
        ),
        ("deviations:\n  - {change: type-changed, contract: 'a#', quirk: q}\n", "no reason"),
        (
            "deviations:\n  - {change: bound-changed, contract: 'a#', quirk: q, reason: r}\n",
            "names its keyword",
        ),
    ],
)
def test_malformed_deviations(
    tmp_path: Path, document: dict[str, Any], text: str, message: str
) -> None:
    deviations = tmp_path / "deviations.yaml"
    deviations.write_text(text, encoding="utf-8")
    found = problem(write(tmp_path, document), deviations)
    assert message in found.message
    assert found.file == str(deviations)


def deviations_file(tmp_path: Path, entry: str) -> Path:
    path = tmp_path / "deviations.yaml"
    path.write_text("deviations:\n" + entry, encoding="utf-8")
    return path


ENTRY = """  - change: bound-changed
    keyword: maxItems
    contract: "order-batch.schema.json#"
    new: {new}
    quirk: the 100-orders limit is in the prose only
    reason: the limit is in the prose only
"""


def test_a_deviation_marks_its_finding_known(tmp_path: Path, document: dict[str, Any]) -> None:
    del schemas_of(document)["order-batch"]["maxItems"]
    report = check_drift(
        str(write(tmp_path, document)),
        deviations_path=str(deviations_file(tmp_path, ENTRY.format(new="null"))),
    )
    assert isinstance(report, DriftReport)
    (finding,) = report.findings
    assert finding.known
    assert finding.deviation == "the limit is in the prose only"
    assert report.ok
    assert report.stale == []


def test_a_deviation_pinned_to_other_values_is_stale(
    tmp_path: Path, document: dict[str, Any]
) -> None:
    schemas_of(document)["order-batch"]["maxItems"] = 500
    report = check_drift(
        str(write(tmp_path, document)),
        deviations_path=str(deviations_file(tmp_path, ENTRY.format(new="null"))),
    )
    assert isinstance(report, DriftReport)
    (finding,) = report.drift
    assert finding.new == 500
    assert not report.ok
    (stale,) = report.stale
    assert (stale.index, stale.location.pointer, stale.location.line) == (0, "/deviations/0", 2)
    assert stale.summary == "bound-changed maxItems at order-batch.schema.json#"


@pytest.mark.parametrize(
    ("extra", "known"),
    [
        ('    document: "#/components/schemas/order-batch"\n', True),
        ('    document: "#/components/schemas/order"\n', False),
        ("    kinds: [order-batch]\n", True),
        ("    kinds: [order-update]\n", False),
        ("    old: 100\n", True),
        ("    old: 99\n", False),
    ],
)
def test_every_field_an_entry_names_must_match(
    tmp_path: Path, document: dict[str, Any], extra: str, known: bool
) -> None:
    del schemas_of(document)["order-batch"]["maxItems"]
    entry = ENTRY.format(new="null") + extra
    report = check_drift(
        str(write(tmp_path, document)), deviations_path=str(deviations_file(tmp_path, entry))
    )
    assert isinstance(report, DriftReport)
    (finding,) = report.findings
    assert finding.known is known
    assert len(report.stale) == (0 if known else 1)
