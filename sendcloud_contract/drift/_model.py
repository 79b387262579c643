"""Drift findings and reports: plain data that every drift renderer reads."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Change", "DriftProblem", "DriftReport", "Finding", "Location", "StaleDeviation"]


class Change(str, enum.Enum):
    """The kinds of difference drift reports, named from the contract's point of view.

    *added* means the document has something the contract lacks; *removed* means the
    contract has something the document no longer states.
    """

    PROPERTY_ADDED = "property-added"
    PROPERTY_REMOVED = "property-removed"
    TYPE_CHANGED = "type-changed"
    REQUIRED_CHANGED = "required-changed"
    ENUM_VALUES_ADDED = "enum-values-added"
    ENUM_VALUES_REMOVED = "enum-values-removed"
    BOUND_CHANGED = "bound-changed"
    FORMAT_CHANGED = "format-changed"
    BRANCHES_CHANGED = "branches-changed"
    STATUS_ADDED = "status-added"
    STATUS_REMOVED = "status-removed"
    OPERATION_REMOVED = "operation-removed"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Location:
    """A place in a file: its name, an RFC 6901 pointer, and line:column when known."""

    file: str
    pointer: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        return f"{where}#{self.pointer}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "pointer": self.pointer,
            "line": self.line,
            "column": self.column,
        }


@dataclass(frozen=True)
class Finding:
    """One difference between a shape of the contract and the document.

    ``shape`` names the operation part (``POST /orders request``, ``GET /orders 200``),
    ``kind`` the contract's kind for it, ``pointer`` the place inside that kind's
    normalised schema. ``old`` is what the contract says, ``new`` what the document
    says; ``keyword`` names the bound for ``bound-changed``. ``deviation`` is the
    reason from the deviations file when the difference is a deliberate one.
    """

    change: Change
    shape: str
    kind: str | None
    pointer: str
    document: Location
    contract: Location
    old: Any = None
    new: Any = None
    keyword: str | None = None
    deviation: str | None = None

    @property
    def known(self) -> bool:
        return self.deviation is not None

    @property
    def message(self) -> str:
        """The difference in one line, without the places."""
        what = self.keyword or ""
        if self.change in (Change.ENUM_VALUES_ADDED, Change.ENUM_VALUES_REMOVED):
            old, new = set(self.old or ()), set(self.new or ())
            delta = new - old if self.change is Change.ENUM_VALUES_ADDED else old - new
            verb = "added" if self.change is Change.ENUM_VALUES_ADDED else "removed"
            return f"enum values {verb}: {', '.join(sorted(map(str, delta)))}"
        if self.change is Change.PROPERTY_ADDED:
            return f"property {self.new!r} added by the document"
        if self.change is Change.PROPERTY_REMOVED:
            return f"property {self.old!r} is no longer in the document"
        if self.change is Change.STATUS_ADDED:
            return f"status {self.new} added by the document"
        if self.change is Change.STATUS_REMOVED:
            return f"status {self.old} is not declared by the document"
        if self.change is Change.OPERATION_REMOVED:
            return f"operation {self.old} is not in the document"
        label = {
            Change.TYPE_CHANGED: "type",
            Change.REQUIRED_CHANGED: "required",
            Change.BOUND_CHANGED: what,
            Change.FORMAT_CHANGED: "format",
            Change.BRANCHES_CHANGED: "oneOf branches",
        }[self.change]
        return f"{label}: contract {_show(self.old)}, document {_show(self.new)}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "change": self.change.value,
            "shape": self.shape,
            "kind": self.kind,
            "pointer": self.pointer,
            "keyword": self.keyword,
            "old": self.old,
            "new": self.new,
            "message": self.message,
            "document": self.document.as_dict(),
            "contract": self.contract.as_dict(),
            "known": self.known,
            "deviation": self.deviation,
        }


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return repr(value) if isinstance(value, str) else str(value)


@dataclass(frozen=True)
class StaleDeviation:
    """An entry of the deviations file that matches no difference any more."""

    index: int
    summary: str
    reason: str
    location: Location

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "entry": self.summary,
            "reason": self.reason,
            "location": self.location.as_dict(),
        }


@dataclass(frozen=True)
class DriftProblem:
    """Why drift could not compare at all: an unreadable or malformed input (exit 2)."""

    message: str
    hint: str
    file: str
    line: int | None = None
    column: int | None = None
    pointer: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column}"
        if self.pointer:
            where += f" (at {self.pointer})"
        return f"{where}: {self.message}"


@dataclass
class DriftReport:
    """Everything one comparison found: drift, known deviations and stale entries."""

    document: str
    findings: list[Finding] = field(default_factory=list)
    stale: list[StaleDeviation] = field(default_factory=list)

    @property
    def drift(self) -> list[Finding]:
        return [f for f in self.findings if not f.known]

    @property
    def known(self) -> list[Finding]:
        return [f for f in self.findings if f.known]

    @property
    def ok(self) -> bool:
        """True when every difference is a known deviation (stale entries only warn)."""
        return not self.drift
