"""Contract testing and schema validation for Sendcloud's Orders API v3."""

from __future__ import annotations

from sendcloud_contract.assertions import ContractViolation
from sendcloud_contract.report import (
    InteractionPlace,
    RecordingSummary,
    Report,
    Severity,
    Violation,
)
from sendcloud_contract.rules import RULES, Rule
from sendcloud_contract.schemas import KINDS, Kind, schema
from sendcloud_contract.validation import detect_kind, validate, validate_file

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "RULES",
    "ContractViolation",
    "InteractionPlace",
    "Kind",
    "RecordingSummary",
    "Report",
    "Rule",
    "Severity",
    "Violation",
    "__version__",
    "detect_kind",
    "schema",
    "validate",
    "validate_file",
]
