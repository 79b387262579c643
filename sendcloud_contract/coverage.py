"""Contract coverage: which operations, statuses and request fields the tests exercised.

Plain counts that merge (xdist workers send theirs to the controller as a
dict) and render as a terminal table or JSON; ``coverage_html`` renders the
page. What could have been exercised comes from the operations table and the
request schemas, so "never" is as visible as "seen".
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from sendcloud_contract.schemas import Kind

__all__ = ["Coverage", "field_paths", "request_fields"]

FIELD_DEPTH = 3
TABLE_DEPTH = 2
THROTTLED = 429


@dataclass
class Coverage:
    """Counts of what the tests did through the plugin's fakes and validators."""

    calls: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    fields: dict[str, Counter[str]] = field(default_factory=dict)
    kinds: Counter[str] = field(default_factory=Counter)

    def record_exchange(
        self, operation: str, status: int, sent: Any, request_kind: str | None
    ) -> None:
        """One request the fake answered: its operation key, status and JSON body."""
        self.calls[operation] += 1
        self.statuses.setdefault(operation, Counter())[status] += 1
        if request_kind is not None:
            self.fields.setdefault(operation, Counter()).update(
                set(request_fields(sent, request_kind))
            )

    def record_validation(self, kind: str) -> None:
        self.kinds[kind] += 1

    def merge(self, other: Coverage) -> None:
        self.calls.update(other.calls)
        self.kinds.update(other.kinds)
        for name, statuses in other.statuses.items():
            self.statuses.setdefault(name, Counter()).update(statuses)
        for name, sent in other.fields.items():
            self.fields.setdefault(name, Counter()).update(sent)

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: every operation with its statuses and fields, seen or not."""
        from sendcloud_contract.operations import OPERATIONS

        operations = []
        for op in OPERATIONS:
            seen = self.statuses.get(op.key, Counter())
            expected = sorted({*op.responses, THROTTLED})
            entry: dict[str, Any] = {
                "operation": op.key,
                "name": op.name,
                "calls": self.calls.get(op.key, 0),
                "statuses": {str(s): seen.get(s, 0) for s in sorted({*expected, *seen})},
                "documented_statuses_not_seen": [s for s in expected if not seen.get(s)],
                "server_errors_seen": sum(n for s, n in seen.items() if s >= 500),
            }
            if op.request_kind is not None:
                sent = self.fields.get(op.key, Counter())
                universe = field_paths(op.request_kind)
                entry["fields"] = {path: sent.get(path, 0) for path in universe}
                entry["fields_sent"] = sum(1 for path in universe if sent.get(path))
            operations.append(entry)
        return {"operations": operations, "validated_kinds": dict(sorted(self.kinds.items()))}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Coverage:
        coverage = cls(kinds=Counter(data.get("validated_kinds", {})))
        for entry in data.get("operations", []):
            key = entry["operation"]
            if entry["calls"]:
                coverage.calls[key] = entry["calls"]
            statuses = Counter({int(s): n for s, n in entry["statuses"].items() if n})
            if statuses:
                coverage.statuses[key] = statuses
            sent = Counter({p: n for p, n in entry.get("fields", {}).items() if n})
            if sent:
                coverage.fields[key] = sent
        return coverage

    def table(self) -> list[str]:
        """The terminal table: one row per operation, then the fields never sent."""
        data = self.as_dict()
        rows = [("operation", "calls", "statuses seen", "documented, never seen")]
        for entry in data["operations"]:
            seen = ", ".join(f"{s} x{n}" for s, n in entry["statuses"].items() if n) or "-"
            never = ", ".join(str(s) for s in entry["documented_statuses_not_seen"]) or "-"
            rows.append((entry["operation"], str(entry["calls"]), seen, never))
        widths = [max(len(row[i]) for row in rows) for i in range(4)]
        lines = [
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
            for row in rows
        ]
        for entry in data["operations"]:
            if "fields" not in entry:
                continue
            unsent = _unsent(entry["fields"])
            lines.append(
                f"{entry['operation']} request fields: {entry['fields_sent']} of "
                f"{len(entry['fields'])} sent"
                + (f"; never sent: {', '.join(unsent)}" if unsent else "")
            )
        if data["validated_kinds"]:
            kinds = ", ".join(f"{k} x{n}" for k, n in data["validated_kinds"].items())
            lines.append(f"validated payload kinds: {kinds}")
        return lines


def _unsent(sent: dict[str, int]) -> list[str]:
    """Fields never sent, to ``TABLE_DEPTH`` names deep, each under a parent that was sent."""
    unsent = []
    for path, count in sent.items():
        parent, _, _ = path.rpartition(".")
        if count or path.count(".") >= TABLE_DEPTH:
            continue
        if not parent or sent.get(parent):
            unsent.append(path)
    return unsent


def request_fields(value: Any, kind: str) -> Iterator[str]:
    """The field paths present in a request body (``order_details.order_items[].name``)."""
    if kind == "order-batch" and isinstance(value, list):
        for order in value:
            yield from _present(order, "", 1)
    else:
        yield from _present(value, "", 1)


def _present(value: Any, prefix: str, depth: int) -> Iterator[str]:
    if isinstance(value, list):
        for item in value:
            yield from _present(item, prefix + "[]", depth)
        return
    if not isinstance(value, dict) or depth > FIELD_DEPTH:
        return
    for name, inner in value.items():
        path = f"{prefix}.{name}" if prefix else str(name)
        yield path
        yield from _present(inner, path, depth + 1)


@functools.cache
def field_paths(kind: str) -> tuple[str, ...]:
    """Every field path the request schema of ``kind`` defines, to ``FIELD_DEPTH`` names deep."""
    from sendcloud_contract import schemas

    uri = schemas.uri_for("order" if kind == "order-batch" else cast("Kind", kind))
    found: dict[str, None] = {}
    _walk(schemas.lookup(uri), uri, "", 1, found)
    return tuple(found)


def _walk(node: Any, base: str, prefix: str, depth: int, found: dict[str, None]) -> None:
    from sendcloud_contract import schemas

    if not isinstance(node, dict) or depth > FIELD_DEPTH:
        return
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref.startswith("#"):
            target = base + ref
        else:
            target = ref if "://" in ref else schemas.BASE_URI + ref
        uri = target.partition("#")[0]
        _walk(schemas.lookup(target), uri, prefix, depth, found)
    for keyword in ("oneOf", "anyOf", "allOf"):
        for branch in node.get(keyword, []):
            _walk(branch, base, prefix, depth, found)
    if "items" in node:
        _walk(node["items"], base, prefix + "[]", depth, found)
    for name, inner in node.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        found[path] = None
        _walk(inner, base, path, depth + 1, found)
