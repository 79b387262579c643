"""The shipped deviations account for every difference from Sendcloud's published document."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sendcloud_contract.drift import DriftReport, check_drift
from tests.helpers import REFERENCE

ROOT = Path(__file__).resolve().parent.parent.parent
DEVIATIONS = ROOT / "schemas" / "v3" / "orders" / "deviations.yaml"


@pytest.fixture(scope="module")
def reference_drift() -> DriftReport:
    if not REFERENCE.is_file():
        pytest.skip(f"Sendcloud's OpenAPI document is not at {REFERENCE}")
    report = check_drift(str(REFERENCE))
    assert isinstance(report, DriftReport), str(report)
    return report


def test_no_unknown_drift(reference_drift: DriftReport) -> None:
    assert [f"{f.shape} {f.pointer}: {f.message}" for f in reference_drift.drift] == []
    assert reference_drift.ok


def test_every_deviation_is_in_use(reference_drift: DriftReport) -> None:
    assert [s.summary for s in reference_drift.stale] == []


def test_the_known_quirks_show_up_as_known(reference_drift: DriftReport) -> None:
    known = {(f.change.value, f.keyword, f.contract.pointer) for f in reference_drift.known}
    assert ("bound-changed", "maxItems", "") in known
    assert ("type-changed", None, "/$defs/costs") in known
    assert ("status-removed", None, "/create_orders/responses/401") in known
    assert all(f.deviation for f in reference_drift.known)


def test_every_deviation_names_a_decided_quirk() -> None:
    decisions = (ROOT / "schemas" / "README.md").read_text(encoding="utf-8")
    entries = yaml.safe_load(DEVIATIONS.read_text(encoding="utf-8"))["deviations"]
    assert entries
    for entry in entries:
        assert entry["quirk"] in decisions, entry
        assert len(entry["reason"]) > 20, entry


def test_the_shipped_file_is_the_default(reference_drift: DriftReport, tmp_path: Path) -> None:
    assert check_drift(str(REFERENCE), deviations_path=str(DEVIATIONS)) == reference_drift
    empty = tmp_path / "deviations.yaml"
    empty.write_text("deviations: []\n", encoding="utf-8")
    unexplained = check_drift(str(REFERENCE), deviations_path=str(empty))
    assert isinstance(unexplained, DriftReport)
    assert not unexplained.ok, "without the shipped deviations, the known quirks are drift"
