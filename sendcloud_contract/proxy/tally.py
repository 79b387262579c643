"""What the proxy saw, kept for the summary it writes when it stops.

Each exchange is counted once, by what became of it: it conformed, broke the
contract, matched no operation, or got no answer from the upstream. Violations
are kept by operation; the contract coverage counts the upstream's answers as
the pytest plugin counts the fake's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sendcloud_contract.coverage import Coverage
from sendcloud_contract.exchanges import Part
from sendcloud_contract.report import Violation

__all__ = ["Found", "Outcome", "Tally", "Unmatched"]

Outcome = Literal["ok", "invalid", "unmatched", "no-answer"]


@dataclass(frozen=True)
class Found:
    """One violation, with the exchange (numbered from 1) and the part it was found in:
    the list query, the request body or the answer's body."""

    exchange: int
    part: Part
    violation: Violation

    def as_dict(self) -> dict[str, Any]:
        return {"exchange": self.exchange, "part": self.part, **self.violation.as_dict()}


@dataclass(frozen=True)
class Unmatched:
    """An exchange no operation of the Orders API answers, and why."""

    exchange: int
    method: str
    path: str
    status: int
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "exchange": self.exchange,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "reason": self.reason,
        }


@dataclass
class Tally:
    exchanges: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=dict)
    blocked: int = 0
    refused: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    broken: dict[str, int] = field(default_factory=dict)
    found: dict[str, list[Found]] = field(default_factory=dict)
    unmatched: list[Unmatched] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)

    def count(self, outcome: Outcome) -> int:
        return self.outcomes.get(outcome, 0)

    def add(self, outcome: Outcome, operation: str | None, found: list[Found]) -> None:
        """One exchange; ``operation`` is the key of the operation it matched, if any."""
        self.exchanges += 1
        self.outcomes[outcome] = self.count(outcome) + 1
        if operation is None:
            return
        self.calls[operation] = self.calls.get(operation, 0) + 1
        if outcome == "invalid":
            self.broken[operation] = self.broken.get(operation, 0) + 1
        if found:
            self.found.setdefault(operation, []).extend(found)

    @property
    def conforming(self) -> bool:
        """Whether every exchange kept to the contract (the exit status is 0)."""
        return not self.count("invalid")
