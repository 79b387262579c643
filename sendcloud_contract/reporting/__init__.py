"""One renderer per output format, chosen by name (``--format``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sendcloud_contract.report import Report
from sendcloud_contract.reporting.github import render_github
from sendcloud_contract.reporting.json import render_json
from sendcloud_contract.reporting.junit import render_junit
from sendcloud_contract.reporting.summary import Summary, summarize
from sendcloud_contract.reporting.text import render_text

__all__ = ["FORMATS", "Renderer", "Summary", "summarize"]

Renderer = Callable[[Sequence[Report], bool], str]

FORMATS: dict[str, Renderer] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "github": render_github,
}
