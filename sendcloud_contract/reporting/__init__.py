"""One renderer per output format, chosen by name (``--format``).

Each format's module is imported when it first renders, so that importing one
renderer (the text report, which the assertions use) loads none of the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence

from sendcloud_contract.report import Report
from sendcloud_contract.reporting.summary import Summary, summarize

__all__ = ["FORMATS", "Renderer", "Summary", "summarize"]

Renderer = Callable[[Sequence[Report], bool], str]


def _on_first_use(module: str, name: str) -> Renderer:
    def render(reports: Sequence[Report], color: bool) -> str:
        found: Renderer = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        return found(reports, color)

    return render


FORMATS: dict[str, Renderer] = {
    "text": _on_first_use("text", "render_text"),
    "json": _on_first_use("json", "render_json"),
    "junit": _on_first_use("junit", "render_junit"),
    "github": _on_first_use("github", "render_github"),
}
