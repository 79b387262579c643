"""GitHub Actions workflow commands, so violations show up as annotations on the diff."""

from __future__ import annotations

from collections.abc import Sequence

from sendcloud_contract.report import Report
from sendcloud_contract.reporting.summary import summarize

__all__ = ["render_github", "workflow_command"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(
    level: str, file: str, line: int | None, column: int | None, title: str, message: str
) -> str:
    """One ``::error``/``::warning`` line, with its properties and message escaped."""
    props = [f"file={_property(file)}"]
    if line is not None:
        props.append(f"line={line}")
        if column is not None:
            props.append(f"col={column}")
    props.append(f"title={_property(title)}")
    return f"::{level} {','.join(props)}::{_data(message)}"


def render_github(reports: Sequence[Report], color: bool = False) -> str:
    lines = []
    for report in reports:
        for v in report.violations:
            message = f"{v.place}: {v.message}"
            if v.hint:
                message += f" (hint: {v.hint})"
            lines.append(
                workflow_command(
                    v.severity.value,
                    report.path or "-",
                    v.line,
                    v.column,
                    "sendcloud-contract " + v.rule,
                    message,
                )
            )
    s = summarize(reports)
    lines.append(
        f"{s.files} files: {s.valid} valid, {s.invalid} invalid; "
        f"{s.errors} errors, {s.warnings} warnings"
    )
    return "\n".join(lines) + "\n"
