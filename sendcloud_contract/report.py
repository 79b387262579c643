"""Violations and reports: plain data that every front end renders.

``str(report)`` is the text report. Its renderer (:mod:`sendcloud_contract.reporting.text`)
sits above this module and hands itself in with :func:`use_text_renderer` when it is
imported, which importing the package always does; so this module never imports it.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary

__all__ = [
    "ContractViolation",
    "Report",
    "Severity",
    "Violation",
    "use_text_renderer",
]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, slots=True)
class Violation:
    """One thing wrong with a document, at one place in it.

    ``pointer`` is an RFC 6901 pointer into the document; ``sendcloud_pointer``
    names the same place the way Sendcloud's 400 answers do
    (``/data/attributes/[0]/order_details``), or is ``None`` for response kinds.
    ``rule`` is the JSON Schema keyword or the id of a domain or loading rule.
    In a recording, ``interaction`` names the interaction and side, and
    ``pointer`` points into that side's body (or query).
    """

    pointer: str
    message: str
    rule: str
    severity: Severity = Severity.ERROR
    hint: str | None = None
    sendcloud_pointer: str | None = None
    line: int | None = None
    column: int | None = None
    document: int | None = None
    interaction: InteractionPlace | None = None

    @property
    def place(self) -> str:
        """The pointer with the document or interaction it is in, as reports print it."""
        pointer = self.pointer or "/"
        if self.interaction is not None:
            return f"{self.interaction} {pointer}"
        if self.document is not None:
            return f"document {self.document + 1} {pointer}"
        return pointer

    def as_dict(self) -> dict[str, object]:
        return {
            "pointer": self.pointer,
            "sendcloud_pointer": self.sendcloud_pointer,
            "message": self.message,
            "hint": self.hint,
            "severity": self.severity.value,
            "rule": self.rule,
            "line": self.line,
            "column": self.column,
            "document": self.document,
            "interaction": None if self.interaction is None else self.interaction.as_dict(),
        }


@dataclass(frozen=True, slots=True, repr=False)
class Report:
    """Everything found in one payload (a file, a stdin stream or an in-memory value).

    ``str()`` is the text report, ``repr()`` a one-line summary.
    """

    kind: str
    violations: list[Violation] = field(default_factory=list)
    path: str | None = None
    kind_reason: str | None = None
    recording: RecordingSummary | None = None

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing is an error; warnings alone keep a payload valid."""
        return not any(v.severity is Severity.ERROR for v in self.violations)

    def strict(self) -> Report:
        """The same report with every warning counted as an error."""
        promoted = [replace(v, severity=Severity.ERROR) for v in self.violations]
        return replace(self, violations=promoted)

    def raise_for_violations(self) -> None:
        """Raise :class:`ContractViolation` (an ``AssertionError``) when there are errors."""
        if not self.ok:
            raise ContractViolation(str(self), self)

    def __str__(self) -> str:
        return _render_text(self)

    def __repr__(self) -> str:
        errors = len(self.errors)
        return (
            f"Report(kind={self.kind!r}, path={self.path!r}, errors={errors}, "
            f"warnings={len(self.violations) - errors})"
        )


class ContractViolation(AssertionError):
    """A payload broke the contract; ``str()`` is the readable report."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


_render_text: Callable[[Report], str] = repr


def use_text_renderer(render: Callable[[Report], str]) -> None:
    """Make ``str(report)`` what ``render`` writes (the text renderer calls this)."""
    global _render_text
    _render_text = render
