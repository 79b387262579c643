"""Drift as GitHub Actions workflow commands: an error per drift, a warning per stale entry.

A difference seen in several shapes is one annotation, as in the text report.
"""

from __future__ import annotations

from sendcloud_contract.drift._model import DriftReport
from sendcloud_contract.drift._text import also, grouped, summary
from sendcloud_contract.reporting.github import workflow_command


def render_github(report: DriftReport, verbose: bool = False) -> str:
    lines = []
    for group in grouped(report.findings):
        finding = group[0]
        if finding.known and not verbose:
            continue
        kind = f" ({finding.kind})" if finding.kind else ""
        message = (
            f"{finding.shape}{kind} {finding.pointer or '/'}: {finding.message}; "
            f"contract: {finding.contract}"
        )
        if len(group) > 1:
            message += f"; {also(group)}"
        if finding.deviation:
            message += f"; known: {finding.deviation}"
        lines.append(
            workflow_command(
                "notice" if finding.known else "error",
                finding.document.file,
                finding.document.line,
                finding.document.column,
                f"sendcloud-contract drift {finding.change.value}",
                message,
            )
        )
    for entry in report.stale:
        lines.append(
            workflow_command(
                "warning",
                entry.location.file,
                entry.location.line,
                entry.location.column,
                "sendcloud-contract stale deviation",
                f"deviation {entry.index} ({entry.summary}) matches no difference any more",
            )
        )
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
