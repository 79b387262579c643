"""The session's tally: payloads and requests validated, violations found, coverage.

One per pytest process, kept in the config's stash; under xdist each worker
sends its record to the controller, which merges them into one summary.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

from pytest_sendcloud.keys import RECORD
from sendcloud_contract.coverage import Coverage

if TYPE_CHECKING:
    from sendcloud_contract.report import Report

__all__ = ["Record", "record_of"]


@dataclass
class Record:
    payloads: int = 0
    requests: int = 0
    violations: int = 0
    coverage: Coverage = field(default_factory=Coverage)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def payload_checked(self, report: Report) -> None:
        with self._lock:
            self.payloads += 1
            self.violations += len(report.errors)
            self.coverage.record_validation(report.kind)

    def request_checked(
        self,
        operation: str,
        status: int,
        body: Any,
        request_kind: str | None,
        violations: int | None,
    ) -> None:
        """One request the fake answered (``violations`` None: not validated); the
        server's thread records too."""
        with self._lock:
            if violations is not None:
                self.requests += 1
                self.violations += violations
            self.coverage.record_exchange(operation, status, body, request_kind)

    def as_dict(self) -> dict[str, Any]:
        return {
            "payloads": self.payloads,
            "requests": self.requests,
            "violations": self.violations,
            "coverage": self.coverage.as_dict(),
        }

    def merge(self, data: dict[str, Any]) -> None:
        with self._lock:
            self.payloads += data["payloads"]
            self.requests += data["requests"]
            self.violations += data["violations"]
            self.coverage.merge(Coverage.from_dict(data["coverage"]))

    def summary_line(self) -> str:
        return (
            f"sendcloud: {self.payloads} payload{'s' if self.payloads != 1 else ''} and "
            f"{self.requests} request{'s' if self.requests != 1 else ''} validated, "
            f"{self.violations} violation{'s' if self.violations != 1 else ''}"
        )


def record_of(config: pytest.Config) -> Record:
    """This process's record, made on first use."""
    found: Record | None = config.stash.get(RECORD, None)
    if found is None:
        found = config.stash[RECORD] = Record()
    return found
