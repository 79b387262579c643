"""Failing a test on a contract violation: the assertion type and its message.

It sits above :mod:`sendcloud_contract.report` (plain data) and the text
renderer, so neither needs the other. Importing the package installs it as
what :meth:`Report.raise_for_violations` raises.
"""

from __future__ import annotations

from sendcloud_contract.report import Report, install_assertion
from sendcloud_contract.reporting.text import render_report

__all__ = ["ContractViolation", "raise_for_violations"]


class ContractViolation(AssertionError):
    """A payload broke the contract; ``str()`` is the readable report."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report

    @classmethod
    def of(cls, report: Report) -> ContractViolation:
        """The assertion for ``report``, its message the text report without colour."""
        return cls(render_report(report, color=False), report)


def raise_for_violations(report: Report) -> None:
    """Raise :class:`ContractViolation` when ``report`` has errors (warnings pass)."""
    if not report.ok:
        raise ContractViolation.of(report)


install_assertion(ContractViolation.of)
