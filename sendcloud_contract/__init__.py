"""Contract testing and schema validation for Sendcloud's Orders API v3."""

from __future__ import annotations

from sendcloud_contract.assertions import (
    ContractViolation,
    assert_valid_batch,
    assert_valid_order,
    assert_valid_response,
)
from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary
from sendcloud_contract.report import Report, Severity, Violation
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
    "assert_valid_batch",
    "assert_valid_order",
    "assert_valid_response",
    "detect_kind",
    "schema",
    "validate",
    "validate_file",
]
