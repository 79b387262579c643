"""The contract coverage as one self-contained HTML page (no scripts, no external files)."""

from __future__ import annotations

from html import escape
from typing import Any

__all__ = ["render_html"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem; color: #1d2433; }
table { border-collapse: collapse; margin-bottom: 1.5rem; }
th, td { border: 1px solid #c9ced8; padding: .3rem .6rem; text-align: left; }
th { background: #eef1f6; }
td.seen { background: #d8f3dc; }
td.never { background: #fde2e1; }
code { font-size: .95em; }
"""


def _cell(count: int) -> str:
    kind = "seen" if count else "never"
    return f'<td class="{kind}">{count if count else "never"}</td>'


def render_html(data: dict[str, Any], summary: str) -> str:
    """The page for :meth:`Coverage.as_dict` data; ``summary`` is the session's summary line."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>Sendcloud contract coverage</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Sendcloud contract coverage</h1>",
        f'<p id="summary">{escape(summary)}</p>',
        "<h2>Operations and statuses</h2>",
        '<table id="operations"><thead><tr><th>operation</th><th>calls</th>'
        "<th>status</th><th>answers</th></tr></thead><tbody>",
    ]
    for entry in data["operations"]:
        statuses = entry["statuses"]
        first = True
        for status, count in statuses.items():
            head = (
                f'<td rowspan="{len(statuses)}"><code>{escape(entry["operation"])}</code></td>'
                f'<td rowspan="{len(statuses)}">{entry["calls"]}</td>'
                if first
                else ""
            )
            parts.append(f"<tr>{head}<td>{escape(status)}</td>{_cell(count)}</tr>")
            first = False
    parts.append("</tbody></table>")
    for entry in data["operations"]:
        if "fields" not in entry:
            continue
        parts.append(
            f"<h2>Request fields of <code>{escape(entry['operation'])}</code>: "
            f"{entry['fields_sent']} of {len(entry['fields'])} sent</h2>"
        )
        parts.append(
            f'<table class="fields" data-operation="{escape(entry["operation"])}">'
            "<thead><tr><th>field</th><th>requests</th></tr></thead><tbody>"
        )
        parts.extend(
            f"<tr><td><code>{escape(path)}</code></td>{_cell(count)}</tr>"
            for path, count in entry["fields"].items()
        )
        parts.append("</tbody></table>")
    if data["validated_kinds"]:
        parts.append('<h2>Validated payload kinds</h2><table id="kinds"><tbody>')
        parts.extend(
            f"<tr><td><code>{escape(kind)}</code></td><td>{count}</td></tr>"
            for kind, count in data["validated_kinds"].items()
        )
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
