"""Drift for machines: one JSON document with every difference, known or not."""

from __future__ import annotations

import orjson

from sendcloud_contract.drift._model import DriftReport


def render_json(report: DriftReport, verbose: bool = False) -> str:
    document = {
        "document": report.document,
        "ok": report.ok,
        "findings": [f.as_dict() for f in report.findings],
        "stale": [s.as_dict() for s in report.stale],
        "summary": {
            "drift": len(report.drift),
            "known": len(report.known),
            "stale": len(report.stale),
        },
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
