"""Machine output: one JSON document for the whole run."""

from __future__ import annotations

from collections.abc import Sequence

import orjson

from sendcloud_contract.report import Report
from sendcloud_contract.reporting._escape import encodable
from sendcloud_contract.reporting.summary import summarize


def render_json(reports: Sequence[Report], color: bool = False) -> str:
    document = {
        "files": [
            {
                "path": None if r.path is None else encodable(r.path),
                "kind": r.kind,
                "valid": r.ok,
                "violations": [v.as_dict() for v in r.violations],
            }
            for r in reports
        ],
        "summary": summarize(reports).as_dict(),
    }
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n"
