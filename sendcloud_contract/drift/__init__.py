"""Drift: hold the shipped schemas against Sendcloud's published OpenAPI document."""

from __future__ import annotations

from sendcloud_contract.drift._check import check_drift
from sendcloud_contract.drift._export import contract_openapi
from sendcloud_contract.drift._model import (
    Change,
    DriftProblem,
    DriftReport,
    Finding,
    Location,
    StaleDeviation,
)

__all__ = [
    "Change",
    "DriftProblem",
    "DriftReport",
    "Finding",
    "Location",
    "StaleDeviation",
    "check_drift",
    "contract_openapi",
]
