"""GitHub Actions workflow commands, so violations show up as annotations on the diff."""

from __future__ import annotations

from collections.abc import Sequence

from sendcloud_contract.report import Report
from sendcloud_contract.reporting._escape import encodable
from sendcloud_contract.reporting.summary import describe, summarize


def _data(text: str) -> str:
    """Workflow-command escaping; undecodable bytes of a file name become ``\\xff``."""
    text = encodable(text)
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(reports: Sequence[Report], color: bool = False) -> str:
    lines = []
    for report in reports:
        for v in report.violations:
            props = [f"file={_property(report.path or '-')}"]
            if v.line is not None:
                props.append(f"line={v.line}")
                if v.column is not None:
                    props.append(f"col={v.column}")
            props.append(f"title={_property('sendcloud-contract ' + v.rule)}")
            message = f"{v.pointer or '/'}: {v.message}"
            if v.hint:
                message += f" (hint: {v.hint})"
            lines.append(f"::{v.severity.value} {','.join(props)}::{_data(message)}")
    lines.append(describe(summarize(reports)))
    return "\n".join(lines) + "\n"
