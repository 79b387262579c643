"""The list query: drawing filters, sort and page size, and what a walk of its pages must show.

Matching follows Sendcloud's documentation: text filters are case-insensitive,
``integration`` takes a comma-separated list, dates compare by day. Where the
documentation leaves a detail open the check accepts either reading: a
non-ASCII value may or may not match its case variants, an instant near
midnight may count for the day of its own zone or of UTC, orders whose sort
values a database collation could order otherwise are not compared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any

from hypothesis import strategies as st

from sendcloud_contract.timestamps import parse_date_time

__all__ = ["Match", "Query", "queries", "sort_inversion"]

PAGE_SIZES = (1, 2, 3, 5, 100, 200)
SORT_FIELDS = ("integration", "order_number", "order_created_at", "order_updated_at", "pk")
DEFAULT_SORT = (("pk", True),)
_TEXT_FILTERS = ("order_id", "order_number", "status")
_DATE_FIELDS = ("order_created_at", "order_updated_at")
_SAFE_TEXT = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


class Match(Enum):
    YES = "yes"
    NO = "no"
    EITHER = "either"


Filter = Callable[[dict[str, Any]], Match]


@dataclass(frozen=True)
class Query:
    """One list request: its parameters, the filter they mean, the sort and page size."""

    params: tuple[tuple[str, str], ...]
    matches: Filter
    sort: tuple[tuple[str, bool], ...]
    page_size: int

    def describe(self) -> str:
        return "&".join(f"{k}={v}" for k, v in self.params) or "(no parameters)"


def _text_value(order: dict[str, Any], name: str) -> Any:
    if name == "status":
        status = order.get("order_details", {}).get("status")
        return status.get("code") if isinstance(status, dict) else None
    return order.get(name)


def _text_match(value: Any, wanted: str) -> Match:
    if not isinstance(value, str):
        return Match.NO
    if value == wanted or (
        value.isascii() and wanted.isascii() and value.lower() == wanted.lower()
    ):
        return Match.YES
    if value.casefold() == wanted.casefold() or value.lower() == wanted.lower():
        return Match.EITHER
    return Match.NO


def _days(text: Any) -> set[date] | None:
    moment = parse_date_time(text) if isinstance(text, str) else None
    if moment is None or moment.tzinfo is None:
        return None
    return {moment.date(), moment.astimezone(timezone.utc).date()}


def _date_match(value: Any, how: str, day: date) -> Match:
    days = _days(value)
    if days is None:
        return Match.EITHER
    hits = [d == day if how == "" else d >= day if how == "_min" else d <= day for d in days]
    return Match.YES if all(hits) else Match.EITHER if any(hits) else Match.NO


def _integration_match(ids: frozenset[int], order: dict[str, Any]) -> Match:
    integration = order.get("order_details", {}).get("integration", {}).get("id")
    return Match.YES if integration in ids else Match.NO


def _text_filter(name: str, wanted: str, order: dict[str, Any]) -> Match:
    return _text_match(_text_value(order, name), wanted)


def _date_filter(name: str, how: str, day: date, order: dict[str, Any]) -> Match:
    return _date_match(order.get("order_details", {}).get(name), how, day)


def _all(checks: Sequence[Filter]) -> Filter:
    def matches(order: dict[str, Any]) -> Match:
        verdicts = {check(order) for check in checks}
        if Match.NO in verdicts:
            return Match.NO
        return Match.EITHER if Match.EITHER in verdicts else Match.YES

    return matches


def _case_variant(text: str) -> str:
    return text.swapcase() if text.isascii() else text


@st.composite
def queries(draw: st.DrawFn, known: Sequence[dict[str, Any]], integrations: Sequence[int]) -> Query:
    """A list query over ``known`` orders: each filter alone or two together, a sort, a size."""
    params: list[tuple[str, str]] = []
    checks: list[Filter] = []
    kinds = ["integration", *_TEXT_FILTERS, *_DATE_FIELDS]
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=2, unique=True)):
        sample = draw(st.sampled_from(known)) if known else None
        if kind == "integration":
            chosen = draw(st.lists(st.sampled_from(integrations), min_size=1, unique=True))
            params.append(("integration", ",".join(map(str, chosen))))
            checks.append(functools.partial(_integration_match, frozenset(chosen)))
        elif kind in _TEXT_FILTERS:
            value = _text_value(sample, kind) if sample else None
            wanted = _case_variant(value) if isinstance(value, str) else "no-such-value"
            params.append((kind, wanted))
            checks.append(functools.partial(_text_filter, kind, wanted))
        else:
            how = draw(st.sampled_from(("", "_min", "_max")))
            days = _days(sample.get("order_details", {}).get(kind)) if sample else None
            day = min(days) if days else date(2023, 1, 1)
            day += timedelta(days=draw(st.integers(-1, 1)) if how else 0)
            params.append((kind + how, day.isoformat()))
            checks.append(functools.partial(_date_filter, kind, how, day))
    sort = draw(
        st.one_of(
            st.none(),
            st.lists(
                st.tuples(st.sampled_from(SORT_FIELDS), st.booleans()),
                min_size=1,
                max_size=2,
                unique_by=lambda pair: pair[0],
            ),
        )
    )
    if sort:
        params.append(("sort", ",".join(("-" if d else "") + f for f, d in sort)))
    size = draw(st.sampled_from(PAGE_SIZES))
    # The document types page_size as a number, so generated clients send 100.0.
    params.append(("page_size", draw(st.sampled_from((str(size), f"{size}.0")))))
    return Query(tuple(params), _all(checks), tuple(sort) if sort else DEFAULT_SORT, size)


def _sort_value(order: dict[str, Any], name: str) -> Any:
    if name == "pk":
        return int(order["id"])
    if name == "integration":
        return order.get("order_details", {}).get("integration", {}).get("id")
    if name == "order_number":
        return order.get("order_number")
    text = order.get("order_details", {}).get(name)
    moment: datetime | None = parse_date_time(text) if isinstance(text, str) else None
    return moment if moment is not None and moment.tzinfo is not None else None


def _text_order(x: str, y: str) -> int | None:
    """-1, 0 or 1 where every collation agrees (ASCII letters, digits, inner hyphens), or None."""
    if not (_SAFE_TEXT.fullmatch(x) and _SAFE_TEXT.fullmatch(y)):
        return None
    for a, b in zip(x, y, strict=False):
        if a == b:
            continue
        if not (a.isalnum() and b.isalnum()) or a.lower() == b.lower():
            return None
        if (a < b) != (a.lower() < b.lower()):
            return None
        return -1 if a < b else 1
    return (len(x) > len(y)) - (len(x) < len(y))


def _order_of(x: Any, y: Any) -> int | None:
    if x is None or y is None:
        return None
    if isinstance(x, str) or isinstance(y, str):
        return _text_order(x, y) if isinstance(x, str) and isinstance(y, str) else None
    return int(x > y) - int(x < y)


def sort_inversion(
    sort: Sequence[tuple[str, bool]], first: dict[str, Any], second: dict[str, Any]
) -> str | None:
    """Why ``second`` may not follow ``first`` under ``sort``, or None when it may."""
    for name, descending in sort:
        order = _order_of(_sort_value(first, name), _sort_value(second, name))
        if order is None:
            return None
        if order == 0:
            continue
        if (order > 0) != descending:
            return (
                f"order {second['id']} follows order {first['id']} although its {name} "
                f"{_sort_value(second, name)!r} sorts {'after' if descending else 'before'} "
                f"{_sort_value(first, name)!r}"
            )
        return None
    return None
