"""Contract testing and schema validation for Sendcloud's Orders API v3.

The validator's names are imported on first use, so that importing a submodule
(the pytest plugin, which every test session of a user loads) does not pay for
the validator's engine and tables. The assertion type is imported at once: it
installs itself as what :meth:`Report.raise_for_violations` raises.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from sendcloud_contract.assertions import (
    ContractViolation,
    assert_valid_batch,
    assert_valid_order,
    assert_valid_response,
)
from sendcloud_contract.report import Report, Severity, Violation

if TYPE_CHECKING:
    from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary
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

_HOME = {
    "InteractionPlace": "recording_report",
    "RecordingSummary": "recording_report",
    "RULES": "rules",
    "Rule": "rules",
    "KINDS": "schemas",
    "Kind": "schemas",
    "schema": "schemas",
    "detect_kind": "validation",
    "validate": "validation",
    "validate_file": "validation",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
