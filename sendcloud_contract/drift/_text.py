"""Drift for people: each difference with both places, then one summary line.

One difference in a shared definition shows up in every shape that uses it (a new
currency in the price object: in every price of every order shape); it is printed once,
with the number and the shapes of the other places.
"""

from __future__ import annotations

from collections.abc import Iterable

from sendcloud_contract.drift._model import DriftReport, Finding


def grouped(findings: Iterable[Finding]) -> list[list[Finding]]:
    """Findings of the same difference at the same two places, in first-seen order."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    for f in findings:
        key = (f.change, f.keyword, f.document, f.contract, repr(f.old), repr(f.new))
        groups.setdefault(key, []).append(f)
    return list(groups.values())


def also(group: list[Finding]) -> str:
    """``also in 3 more places (GET /orders 200, ...)``, or nothing for a lone finding."""
    if len(group) == 1:
        return ""
    shapes = ", ".join(dict.fromkeys(f.shape for f in group))
    return f"also in {len(group) - 1} more place{'s' if len(group) > 2 else ''} ({shapes})"


def _finding(label: str, group: list[Finding]) -> list[str]:
    finding = group[0]
    kind = f" ({finding.kind})" if finding.kind else ""
    lines = [
        f"{label:<7}{finding.shape}{kind} {finding.pointer or '/'}: {finding.message} "
        f"[{finding.change.value}]",
        f"    document: {finding.document}",
        f"    contract: {finding.contract}",
    ]
    if len(group) > 1:
        lines.append(f"    {also(group)}")
    if finding.deviation:
        lines.append(f"    known: {finding.deviation}")
    return lines


def summary(report: DriftReport) -> str:
    """Differences counted once however many shapes share them; findings in brackets."""
    drift, known, stale = len(grouped(report.drift)), len(grouped(report.known)), len(report.stale)
    places = f" ({len(report.drift)} findings)" if len(report.drift) != drift else ""
    return (
        f"{drift} drift{places}, {known} known deviation{'s' if known != 1 else ''}, "
        f"{stale} stale deviation{'s' if stale != 1 else ''} ({report.document})"
    )


def render_text(report: DriftReport, verbose: bool = False) -> str:
    lines: list[str] = []
    for group in grouped(report.findings):
        if not group[0].known:
            lines.extend(_finding("DRIFT", group))
        elif verbose:
            lines.extend(_finding("known", group))
    for entry in report.stale:
        lines.append(
            f"warning {entry.location.file}:{entry.location.line}:{entry.location.column}: "
            f"stale deviation {entry.index} ({entry.summary}) matches no difference any more"
        )
        lines.append(f"    reason given: {entry.reason}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
