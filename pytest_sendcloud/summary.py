"""The end of the session: the coverage table, its JSON file and its HTML page."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from pytest_sendcloud.record import Record

__all__ = ["write_coverage"]


def write_coverage(
    config: pytest.Config, record: Record, write_line: Callable[[str], None]
) -> None:
    """What ``--sendcloud-coverage``, ``-json FILE`` and ``-html DIR`` ask for."""
    json_file = config.getoption("sendcloud_coverage_json")
    html_dir = config.getoption("sendcloud_coverage_html")
    if config.getoption("sendcloud_coverage"):
        write_line("sendcloud contract coverage")
        for line in record.coverage.table():
            write_line("  " + line)
    if json_file is None and html_dir is None:
        return
    data = {"summary": record.summary_line(), **record.coverage.as_dict()}
    if json_file is not None:
        target = Path(config.invocation_params.dir, json_file)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        write_line(f"sendcloud: contract coverage written to {json_file}")
    if html_dir is not None:
        from pytest_sendcloud.coverage_html import render_html

        folder = Path(config.invocation_params.dir, html_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(
            render_html(data, record.summary_line()), encoding="utf-8"
        )
        write_line(f"sendcloud: contract coverage page written to {Path(html_dir, 'index.html')}")
