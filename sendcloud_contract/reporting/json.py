"""Machine output: one JSON document for the whole run."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from sendcloud_contract.report import Report
from sendcloud_contract.reporting._escape import encodable
from sendcloud_contract.reporting.summary import summarize


def _file(report: Report) -> dict[str, object]:
    entry: dict[str, object] = {
        "path": None if report.path is None else encodable(report.path),
        "kind": report.kind,
        "valid": report.ok,
        "violations": [v.as_dict() for v in report.violations],
    }
    if report.recording is not None:
        entry["recording"] = report.recording.as_dict()
    return entry


def render_json(reports: Sequence[Report], color: bool = False) -> str:
    document = {
        "files": [_file(report) for report in reports],
        "summary": summarize(reports).as_dict(),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
