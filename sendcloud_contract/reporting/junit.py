"""JUnit XML: one test case per payload file, one failure per invalid file."""

from __future__ import annotations

from collections.abc import Sequence

from sendcloud_contract.report import Report
from sendcloud_contract.reporting.summary import summarize


def _describe(report: Report) -> str:
    lines = []
    for v in report.violations:
        where = f"{report.path or '<payload>'}"
        if v.line is not None:
            where += f":{v.line}:{v.column}"
        lines.append(f"{where} {v.severity.value} {v.place}: {v.message} [{v.rule}]")
        if v.hint:
            lines.append(f"    hint: {v.hint}")
    return "\n".join(lines)


def render_junit(reports: Sequence[Report], color: bool = False) -> str:
    import xml.etree.ElementTree as ET  # only runs that ask for JUnit pay for the XML library

    summary = summarize(reports)
    suite = ET.Element(
        "testsuite",
        name="sendcloud-contract",
        tests=str(summary.files),
        failures=str(summary.invalid),
        errors="0",
        skipped="0",
    )
    for report in reports:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"sendcloud-contract.{report.kind}",
            name=report.path or "<payload>",
        )
        if not report.ok:
            first = report.errors[0]
            failure = ET.SubElement(
                case,
                "failure",
                message=f"{len(report.errors)} error(s): {first.place}: {first.message}",
                type="ContractViolation",
            )
            failure.text = _describe(report)
        elif report.violations:
            ET.SubElement(case, "system-out").text = _describe(report)
    suites = ET.Element("testsuites", name="sendcloud-contract")
    suites.append(suite)
    ET.indent(suites)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
    )
