"""Violations and reports: plain data that every front end renders.

Both are dataclasses whose ``__init__``, ``__repr__`` and ``__eq__`` (and ``Violation``'s
``__hash__``) are written out instead of generated: generating them cost every process that
imports the package, and so every test session through the plugin, about 6 M instructions
(2 ms). ``tests/test_report.py`` holds them to what ``@dataclass`` generates.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendcloud_contract.recording_report import InteractionPlace, RecordingSummary

__all__ = [
    "Report",
    "Severity",
    "Violation",
    "install_assertion",
]


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True, init=False, repr=False, eq=False)
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

    def __init__(
        self,
        pointer: str,
        message: str,
        rule: str,
        severity: Severity = Severity.ERROR,
        hint: str | None = None,
        sendcloud_pointer: str | None = None,
        line: int | None = None,
        column: int | None = None,
        document: int | None = None,
        interaction: InteractionPlace | None = None,
    ) -> None:
        define = object.__setattr__
        define(self, "pointer", pointer)
        define(self, "message", message)
        define(self, "rule", rule)
        define(self, "severity", severity)
        define(self, "hint", hint)
        define(self, "sendcloud_pointer", sendcloud_pointer)
        define(self, "line", line)
        define(self, "column", column)
        define(self, "document", document)
        define(self, "interaction", interaction)

    def _values(self) -> tuple[object, ...]:
        return (
            self.pointer,
            self.message,
            self.rule,
            self.severity,
            self.hint,
            self.sendcloud_pointer,
            self.line,
            self.column,
            self.document,
            self.interaction,
        )

    def __repr__(self) -> str:
        members = ", ".join(
            f"{n}={v!r}" for n, v in zip(_VIOLATION_FIELDS, self._values(), strict=True)
        )
        return f"{type(self).__qualname__}({members})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            return self._values() == other._values()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values())

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


_VIOLATION_FIELDS = tuple(f.name for f in fields(Violation))


_NEW_LIST: Any = object()
"""The default of ``Report.violations``: a new list for each report."""


@dataclass(init=False, repr=False, eq=False)
class Report:
    """Everything found in one payload (a file, a stdin stream or an in-memory value)."""

    kind: str
    violations: list[Violation] = field(default_factory=list)
    path: str | None = None
    kind_reason: str | None = None
    recording: RecordingSummary | None = None

    def __init__(
        self,
        kind: str,
        violations: list[Violation] = _NEW_LIST,
        path: str | None = None,
        kind_reason: str | None = None,
        recording: RecordingSummary | None = None,
    ) -> None:
        self.kind = kind
        self.violations = [] if violations is _NEW_LIST else violations
        self.path = path
        self.kind_reason = kind_reason
        self.recording = recording

    def __repr__(self) -> str:
        return (
            f"{type(self).__qualname__}(kind={self.kind!r}, violations={self.violations!r}, "
            f"path={self.path!r}, kind_reason={self.kind_reason!r}, "
            f"recording={self.recording!r})"
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is self.__class__:
            mine = (self.kind, self.violations, self.path, self.kind_reason, self.recording)
            theirs = (other.kind, other.violations, other.path, other.kind_reason, other.recording)
            return mine == theirs
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable, as @dataclass leaves it

    @property
    def errors(self) -> list[Violation]:
        return [v for v in self.violations if v.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Violation]:
        return [v for v in self.violations if v.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        """True when nothing is an error; warnings alone keep a payload valid."""
        violations = self.violations
        return not violations or not any(v.severity is Severity.ERROR for v in violations)

    def strict(self) -> Report:
        """The same report with every warning counted as an error."""
        promoted = [replace(v, severity=Severity.ERROR) for v in self.violations]
        return replace(self, violations=promoted)

    def raise_for_violations(self) -> None:
        """Raise :class:`~sendcloud_contract.assertions.ContractViolation` when there are errors.

        The assertion type lives above this module (it renders the report);
        it installs itself here when the package is imported.
        """
        if not self.ok:
            raise _assertion(self)


def _plain_assertion(report: Report) -> AssertionError:
    return AssertionError(f"{len(report.errors)} contract error(s) in {report.path or 'payload'}")


_assertion: Callable[[Report], AssertionError] = _plain_assertion


def install_assertion(factory: Callable[[Report], AssertionError]) -> None:
    """Make :meth:`Report.raise_for_violations` raise what ``factory`` builds."""
    global _assertion
    _assertion = factory
