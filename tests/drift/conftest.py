"""Fixtures for drift's tests: the contract as an OpenAPI document, edited one change at a time."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sendcloud_contract.drift import DriftProblem, DriftReport, check_drift, contract_openapi
from tests.drift.helpers import Check, write


@pytest.fixture
def document() -> dict[str, Any]:
    """The contract as an OpenAPI 3.1 document: drift finds nothing in it until a test edits it."""
    return contract_openapi()


@pytest.fixture
def no_deviations(tmp_path: Path) -> Path:
    path = tmp_path / "no-deviations.yaml"
    path.write_text("deviations: []\n", encoding="utf-8")
    return path


@pytest.fixture
def check(tmp_path: Path, no_deviations: Path) -> Check:
    """Drift of an edited document against the contract, without any deviations."""

    def run(document: dict[str, Any], *, name: str = "openapi.json") -> DriftReport:
        result = check_drift(
            str(write(tmp_path, document, name)), deviations_path=str(no_deviations)
        )
        assert not isinstance(result, DriftProblem), str(result)
        return result

    return run
