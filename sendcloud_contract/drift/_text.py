"""Drift for people: each difference with both places, then one summary line."""

from __future__ import annotations

from sendcloud_contract.drift._model import DriftReport, Finding


def _finding(label: str, finding: Finding) -> list[str]:
    kind = f" ({finding.kind})" if finding.kind else ""
    lines = [
        f"{label:<7}{finding.shape}{kind} {finding.pointer or '/'}: {finding.message} "
        f"[{finding.change.value}]",
        f"    document: {finding.document}",
        f"    contract: {finding.contract}",
    ]
    if finding.deviation:
        lines.append(f"    known: {finding.deviation}")
    return lines


def summary(report: DriftReport) -> str:
    drift, known, stale = len(report.drift), len(report.known), len(report.stale)
    return (
        f"{drift} drift, {known} known deviation{'s' if known != 1 else ''}, "
        f"{stale} stale deviation{'s' if stale != 1 else ''} ({report.document})"
    )


def render_text(report: DriftReport, verbose: bool = False) -> str:
    lines: list[str] = []
    for finding in report.findings:
        if not finding.known:
            lines.extend(_finding("DRIFT", finding))
        elif verbose:
            lines.extend(_finding("known", finding))
    for entry in report.stale:
        lines.append(
            f"warning {entry.location.file}:{entry.location.line}:{entry.location.column}: "
            f"stale deviation {entry.index} ({entry.summary}) matches no difference any more"
        )
        lines.append(f"    reason given: {entry.reason}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
