"""Counts over a run, shared by every format."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sendcloud_contract.report import Report


@dataclass(frozen=True)
class Summary:
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
    valid = sum(1 for r in reports if r.ok)
    return Summary(
        files=len(reports),
        valid=valid,
        invalid=len(reports) - valid,
        errors=sum(len(r.errors) for r in reports),
        warnings=sum(len(r.warnings) for r in reports),
    )
