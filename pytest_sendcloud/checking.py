"""One way to finish a report: add the conftest's extra rules, then apply strictness."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pytest_sendcloud.hookspec import ExtraRule
    from sendcloud_contract.report import Report

__all__ = ["finish"]


def finish(
    report: Report,
    values: Iterable[tuple[Any, int | None]],
    rules: list[ExtraRule],
    *,
    strict: bool,
) -> Report:
    """``report`` with what ``rules`` find in each ``(value, document index)``; with
    ``strict``, every warning counted as an error."""
    extra = [
        replace(violation, document=index)
        for value, index in values
        for rule in rules
        for violation in rule(value, report.kind)
    ]
    if extra:
        report = replace(report, violations=[*report.violations, *extra])
    return report.strict() if strict else report
