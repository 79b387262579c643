"""Human output: file:line:col, pointer, message and hint, a summary line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from sendcloud_contract import pointers
from sendcloud_contract.redaction import shorten
from sendcloud_contract.report import Report, Severity, Violation, use_text_renderer
from sendcloud_contract.reporting._escape import visible
from sendcloud_contract.reporting.summary import describe, summarize

_RED, _YELLOW, _GREEN, _DIM, _BOLD, _RESET = (
    "\033[31m",
    "\033[33m",
    "\033[32m",
    "\033[2m",
    "\033[1m",
    "\033[0m",
)


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _place(report: Report, violation: Violation) -> str:
    where = visible(report.path or "<payload>")
    if violation.line is not None:
        where += f":{violation.line}"
        if violation.column is not None:
            where += f":{violation.column}"
    return where


_NO_DOCUMENT = object()
_VALUE_WIDTH = 80


def _value_at(document: Any, pointer: str) -> str | None:
    """The JSON text of the value at ``pointer``, shortened and redacted; None when nothing
    is there."""
    value = pointers.resolve(document, pointer)
    if value is pointers.MISSING:
        return None
    try:
        text = orjson.dumps(value).decode()
    except TypeError:
        text = repr(value)
    return shorten(text, _VALUE_WIDTH)


def _violation_lines(
    report: Report, violation: Violation, color: bool, document: Any = _NO_DOCUMENT
) -> list[str]:
    code = _RED if violation.severity is Severity.ERROR else _YELLOW
    label = _paint(f"{violation.severity.value:<7}", code, color)
    lines = [
        f"  {_place(report, violation)}: {label} {visible(violation.place)}: "
        f"{visible(violation.message)} " + _paint(f"[{violation.rule}]", _DIM, color)
    ]
    if violation.hint:
        lines.append(f"      hint: {visible(violation.hint)}")
    if document is not _NO_DOCUMENT:
        shown = _value_at(document, violation.pointer)
        if shown is not None:
            lines.append(f"      value: {visible(shown)}")
    if violation.sendcloud_pointer and violation.sendcloud_pointer != violation.pointer:
        where = visible(violation.sendcloud_pointer)
        lines.append(_paint(f"      Sendcloud source.pointer: {where}", _DIM, color))
    return lines


def render_report(
    report: Report, *, color: bool = False, verbose: bool = False, document: Any = _NO_DOCUMENT
) -> str:
    """One payload's verdict and its violations; with ``document``, the value at each pointer."""
    if not report.violations and not verbose:
        return ""  # a quiet run prints only what is wrong
    name = visible(report.path or "<payload>")
    kind = report.kind
    if report.kind_reason:
        kind += f", auto: {report.kind_reason}"
    if report.recording:
        kind += f"; {report.recording}"
    if not report.violations:
        return f"{_paint('ok', _GREEN, color)}       {name} ({kind})"
    verdict = (
        _paint("valid", _GREEN, color) if report.ok else _paint("INVALID", _RED + _BOLD, color)
    )
    lines = [f"{verdict}  {name} ({kind})"]
    for violation in report.violations:
        lines.extend(_violation_lines(report, violation, color, document))
    return "\n".join(lines)


def _as_text(report: Report) -> str:
    return render_report(report, verbose=True)


use_text_renderer(_as_text)


def render_text(reports: Sequence[Report], color: bool = False, verbose: bool = False) -> str:
    blocks = [render_report(r, color=color, verbose=verbose) for r in reports]
    summary = summarize(reports)
    tail = _paint(describe(summary), _GREEN if summary.invalid == 0 else _RED, color)
    return "\n".join([b for b in blocks if b] + [tail]) + "\n"
