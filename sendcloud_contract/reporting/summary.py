"""Counts over a run, shared by every format."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sendcloud_contract.report import Report


class Summary(NamedTuple):
    """The counts of a run."""

    files: int
    valid: int
    invalid: int
    errors: int
    warnings: int

    def as_dict(self) -> dict[str, int]:
        return {
            "files": self.files,
            "valid": self.valid,
            "invalid": self.invalid,
            "errors": self.errors,
            "warnings": self.warnings,
        }


def summarize(reports: Sequence[Report]) -> Summary:
    valid = errors = warnings = 0
    for report in reports:
        if not report.violations:  # most files of a run: nothing to count
            valid += 1
            continue
        found = len(report.errors)
        errors += found
        warnings += len(report.violations) - found
        valid += not found
    return Summary(
        files=len(reports),
        valid=valid,
        invalid=len(reports) - valid,
        errors=errors,
        warnings=warnings,
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def describe(summary: Summary) -> str:
    """The summary line: ``1 file: 0 valid, 1 invalid; 4 errors, 0 warnings``."""
    return (
        f"{_count(summary.files, 'file')}: {summary.valid} valid, {summary.invalid} invalid; "
        f"{_count(summary.errors, 'error')}, {_count(summary.warnings, 'warning')}"
    )
