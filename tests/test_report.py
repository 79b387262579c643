"""Violation and Report: frozen data, a text report as ``str()``, a short ``repr()``."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from sendcloud_contract import ContractViolation, Report, Severity, Violation, validate
from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary
from sendcloud_contract.reporting.text import render_report

VIOLATIONS = [
    Violation("/a", "m", "r"),
    Violation(
        "/b/0", "it's", "enum", Severity.WARNING, "a hint", "/data/attributes/[0]/b", 3, 7, 1
    ),
    Violation(
        "",
        "x",
        "not-json",
        interaction=InteractionPlace(2, "POST", "/api/v3/orders", "response"),
    ),
]


@pytest.mark.parametrize("violation", VIOLATIONS)
def test_a_violation_is_frozen_hashable_and_survives_pickling(violation: Violation) -> None:
    assert violation == copy.deepcopy(violation)
    assert pickle.loads(pickle.dumps(violation)) == violation
    assert {violation, dataclasses.replace(violation)} == {violation}
    assert violation != dataclasses.replace(violation, message="other")
    with pytest.raises(dataclasses.FrozenInstanceError):
        violation.rule = "other"  # type: ignore[misc]  # the breach under test: a frozen field
    assert not hasattr(violation, "__dict__")  # slots: a report of 100k violations stays small


def test_a_report_is_frozen_and_changed_by_replace() -> None:
    report = Report(
        "order-batch", list(VIOLATIONS), "a.json", "a list", RecordingSummary("har", 2, 1)
    )
    assert pickle.loads(pickle.dumps(report)) == report
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.path = "b.json"  # type: ignore[misc]  # the breach under test: a frozen field
    moved = dataclasses.replace(report, path="b.json")
    assert (moved.path, moved.violations, report.path) == ("b.json", report.violations, "a.json")
    assert Report("order").violations is not Report("order").violations


def test_repr_is_one_short_line_of_counts() -> None:
    report = Report("order-batch", list(VIOLATIONS), "a.json")
    assert repr(report) == "Report(kind='order-batch', path='a.json', errors=2, warnings=1)"
    assert repr(Report("order")) == "Report(kind='order', path=None, errors=0, warnings=0)"


def test_str_is_the_text_report() -> None:
    report = validate([{"order_id": "A"}], "order-batch")
    assert str(report) == render_report(report)
    assert str(report).startswith("INVALID  <payload> (order-batch)")
    assert "missing required field 'order_number'" in str(report)
    clean = Report("order", path="good.json")
    assert str(clean) == "ok       good.json (order)"


def test_raise_for_violations_raises_the_text_report() -> None:
    report = validate([{"order_id": "A"}], "order-batch")
    with pytest.raises(ContractViolation) as raised:
        report.raise_for_violations()
    assert str(raised.value) == str(report)
    assert raised.value.report is report
    Report("order", [dataclasses.replace(VIOLATIONS[1])]).raise_for_violations()  # warnings pass


def test_strict_counts_warnings_as_errors() -> None:
    report = Report("order", [VIOLATIONS[1]])
    assert report.ok
    strict = report.strict()
    assert not strict.ok
    assert [v.severity for v in strict.violations] == [Severity.ERROR]
    assert report.violations[0].severity is Severity.WARNING
