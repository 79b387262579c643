"""Listing orders as Sendcloud does: filters, sort, keyset cursors and the Link header.

Keyset paging keeps a page stable while orders are added or changed between
requests, which offset paging would not.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from sendcloud_contract.fake._errors import refuse
from sendcloud_contract.fake._orders import StoredOrder
from sendcloud_contract.fake.models import MAX_INTEGRATION_ID
from sendcloud_contract.ids import digit_id
from sendcloud_contract.schemas import schema

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "Cursor",
    "ListQuery",
    "SortKey",
    "SortSpec",
    "filters",
    "link_header",
    "page_size",
    "paginate",
    "parse_query",
    "parse_sort",
    "sort_values",
]

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 200

SortKey = tuple[Any, ...]
SortSpec = tuple[tuple[str, bool], ...]
Check = Callable[[StoredOrder], bool]

_SORT_FIELDS = ("integration", "order_number", "order_created_at", "order_updated_at", "pk")
_DEFAULT_SORT: SortSpec = (("pk", True),)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_DATE_FILTERS = {
    "order_created_at": ("order_created_at", "eq"),
    "order_created_at_min": ("order_created_at", "min"),
    "order_created_at_max": ("order_created_at", "max"),
    "order_updated_at": ("order_updated_at", "eq"),
    "order_updated_at_min": ("order_updated_at", "min"),
    "order_updated_at_max": ("order_updated_at", "max"),
}
_EPOCH_DAY = date(1970, 1, 1)
_MICROSECONDS_PER_DAY = 86_400 * 1_000_000


# --------------------------------------------------------------------------- filters


def filters(params: Mapping[str, str], knows: Callable[[int], bool]) -> list[Check]:
    """The list query's filters; an integration the caller may not name (``knows`` says
    which it may) or a malformed date is refused."""
    checks: list[Check] = []
    tokens = [t.strip() for t in params.get("integration", "").split(",") if t.strip()]
    wanted: set[int] = set()
    for token in tokens:
        found = digit_id(token, MAX_INTEGRATION_ID)
        if found is None or not knows(found):
            raise refuse(
                400,
                "invalid_choice",
                f"Select a valid choice. {token} is not one of the available choices.",
                title="Invalid Choice",
                parameter="integration",
            )
        wanted.add(found)
    if tokens:
        checks.append(lambda o: o.integration in wanted)
    for name in ("order_number", "order_id", "status"):
        if params.get(name):
            checks.append(_text_check(name, params[name]))
    for name, (field_name, how) in _DATE_FILTERS.items():
        if params.get(name):
            checks.append(_date_check(field_name, how, _filter_date(params[name], name)))
    return checks


def _filter_date(text: str, parameter: str) -> date:
    try:
        if not _DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise refuse(
            400, "invalid", "Enter a valid date.", title="Invalid", parameter=parameter
        ) from None


def _text_check(name: str, expected: str) -> Check:
    """Sendcloud's case-insensitive exact match on order_number, order_id or status."""
    folded = expected.casefold()

    def check(order: StoredOrder) -> bool:
        if name == "status":
            status = order.document["order_details"].get("status")
            value = status.get("code") if isinstance(status, dict) else None
        else:
            value = order.document.get(name)
        return isinstance(value, str) and value.casefold() == folded

    return check


def _date_check(field_name: str, how: str, day: date) -> Check:
    """Compare the UTC day of a stored date-time, counted in days since 1970 (any year works)."""
    wanted = (day - _EPOCH_DAY).days

    def check(order: StoredOrder) -> bool:
        instant = order.instant(field_name)
        if instant is None:
            return False
        value = instant // _MICROSECONDS_PER_DAY
        return (
            value == wanted if how == "eq" else value >= wanted if how == "min" else value <= wanted
        )

    return check


# --------------------------------------------------------------------------- sort


def parse_sort(text: str | None) -> SortSpec:
    """Sendcloud's sort rules: a later conflicting value is ignored, an unknown one means -pk."""
    if text is None or not text.strip():
        return _DEFAULT_SORT
    chosen: dict[str, bool] = {}
    for raw in text.split(","):
        token = raw.strip()
        descending = token.startswith("-")
        name = token[1:] if descending else token
        if name not in _SORT_FIELDS:
            return _DEFAULT_SORT
        chosen.setdefault(name, descending)
    spec = tuple(chosen.items())
    return spec if "pk" in chosen else (*spec, ("pk", True))


def sort_values(order: StoredOrder, spec: SortSpec) -> SortKey:
    """The order's values of the spec's fields: its position in that sort, as a cursor holds it."""
    return tuple(_sort_value(order, name) for name, _ in spec)


def _sort_value(order: StoredOrder, name: str) -> Any:
    if name == "integration":
        return order.integration
    if name == "order_number":
        return str(order.document["order_number"])
    if name == "pk":
        return order.pk
    return order.instant(name)


def _compare(spec: SortSpec, a: SortKey, b: SortKey) -> int:
    """Order two sort keys; nulls sort last ascending and first descending, as in Postgres."""
    for (_, descending), x, y in zip(spec, a, b, strict=True):
        if x == y:
            continue
        if x is None:
            result = 1
        elif y is None:
            result = -1
        else:
            result = -1 if x < y else 1
        return -result if descending else result
    return 0


def _key_fits(spec: SortSpec, key: Any) -> bool:
    if not isinstance(key, list) or len(key) != len(spec):
        return False
    for (name, _), value in zip(spec, key, strict=True):
        if name == "order_number":
            if not isinstance(value, str):
                return False
        elif value is None:
            # A date-time that is absent or not RFC 3339 (year 0000) sorts as null.
            if name not in ("order_created_at", "order_updated_at"):
                return False
        elif isinstance(value, bool) or not isinstance(value, int):
            return False
    return True


# --------------------------------------------------------------------------- pages


def page_size(text: str | None) -> int:
    """The page size asked for: what the ``order-list-query`` schema accepts, or a 400.

    The document types it as a number from 1 to 200, so ``150`` and ``150.0`` (what
    generated clients send) are 150; 0, -1, 201 or ``ten`` are refused, as the
    validator refuses them. Absent, it is the default 100.
    """
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not _page_size_pattern().fullmatch(text):
        raise refuse(
            400,
            "invalid",
            f"Ensure page_size is a whole number from 1 to {MAX_PAGE_SIZE}; got {text[:20]!r}.",
            title="Invalid",
            parameter="page_size",
        )
    return int(text.partition(".")[0])


@functools.cache
def _page_size_pattern() -> re.Pattern[str]:
    """The schema's own pattern, so the fake and the validator accept the same values."""
    return re.compile(schema("order-list-query")["properties"]["page_size"]["pattern"])


@dataclass(frozen=True)
class Cursor:
    reverse: bool
    position: SortKey
    inclusive: bool = False

    def encode(self) -> str:
        tokens = [("r", "1" if self.reverse else "0")]
        if self.inclusive:
            tokens.append(("i", "1"))
        tokens.append(("p", orjson.dumps(list(self.position)).decode()))
        return base64.b64encode(urlencode(tokens).encode()).decode("ascii")

    @classmethod
    def decode(cls, text: str, spec: SortSpec) -> Cursor:
        invalid = refuse(404, "not_found", "Invalid cursor", title="Invalid cursor")
        try:
            raw = base64.b64decode(text.encode("ascii"), validate=True).decode("utf-8")
            tokens = dict(parse_qsl(raw, keep_blank_values=True, strict_parsing=True))
            position = orjson.loads(tokens["p"])
        except (ValueError, KeyError, UnicodeError, binascii.Error):
            raise invalid from None
        if (
            set(tokens) - {"r", "i", "p"}
            or tokens.get("r", "0") not in ("0", "1")
            or tokens.get("i", "0") not in ("0", "1")
            or not _key_fits(spec, position)
        ):
            raise invalid
        return cls(tokens.get("r") == "1", tuple(position), tokens.get("i") == "1")


@dataclass(frozen=True)
class ListQuery:
    """What a list asks for: its filters, sort, cursor and page size.

    ``order_id`` and ``order_number`` repeat the exact-match filters among
    ``checks``, so an index can look them up instead of checking every order.
    """

    checks: tuple[Check, ...]
    spec: SortSpec
    cursor: Cursor | None
    size: int
    order_id: str | None = None
    order_number: str | None = None


def parse_query(params: Mapping[str, str], knows: Callable[[int], bool]) -> ListQuery:
    """The list query's parameters read, or refused as Sendcloud refuses them; ``knows``
    says which integration ids the caller may name."""
    checks = filters(params, knows)
    spec = parse_sort(params.get("sort"))
    size = page_size(params.get("page_size"))
    cursor = Cursor.decode(params["cursor"], spec) if params.get("cursor") else None
    return ListQuery(
        tuple(checks),
        spec,
        cursor,
        size,
        params.get("order_id") or None,
        params.get("order_number") or None,
    )


def paginate(
    orders: list[StoredOrder], spec: SortSpec, cursor: Cursor | None, size: int
) -> tuple[list[StoredOrder], list[tuple[str, Cursor]]]:
    """One page of ``orders`` in ``spec`` order, and the cursors of its neighbours.

    The plain definition of a page: sort them all, then find the cursor. The
    store's index gives the same pages without sorting, and uses this for the few
    orders an exact filter leaves.
    """
    compare = functools.partial(_compare, spec)
    by_key = functools.cmp_to_key(compare)
    found = [(sort_values(order, spec), order) for order in orders]
    found.sort(key=lambda pair: by_key(pair[0]))
    window, links = _window([k for k, _ in found], cursor, size, compare)
    return [found[i][1] for i in window], links


def _window(
    keys: list[SortKey],
    cursor: Cursor | None,
    size: int,
    compare: Callable[[SortKey, SortKey], int],
) -> tuple[range, list[tuple[str, Cursor]]]:
    """Keyset paging: a page is every key after (or before) a position, so no skips or repeats."""
    if cursor is None:
        start, stop = 0, min(size, len(keys))
    elif not cursor.reverse:
        limit = 0 if cursor.inclusive else 1
        start = next(
            (i for i, k in enumerate(keys) if compare(k, cursor.position) >= limit), len(keys)
        )
        stop = min(start + size, len(keys))
    else:
        limit = 0 if cursor.inclusive else -1
        stop = next(
            (i for i, k in enumerate(keys) if compare(k, cursor.position) > limit), len(keys)
        )
        start = max(0, stop - size)
    links: list[tuple[str, Cursor]] = []
    if start < stop:
        if stop < len(keys):
            links.append(("next", Cursor(False, keys[stop - 1])))
        if start > 0:
            links.append(("prev", Cursor(True, keys[start])))
    elif cursor is not None:
        if cursor.reverse and stop < len(keys):
            links.append(("next", Cursor(False, cursor.position, not cursor.inclusive)))
        if not cursor.reverse and start > 0:
            links.append(("prev", Cursor(True, cursor.position, not cursor.inclusive)))
    return range(start, stop), links


def link_header(
    page_url: str, query: list[tuple[str, str]], links: list[tuple[str, Cursor]]
) -> str:
    """The Link header naming each neighbour page: the same query with its cursor."""
    rendered = []
    for rel, cursor in links:
        params = [(k, v) for k, v in query if k != "cursor"] + [("cursor", cursor.encode())]
        rendered.append(f'<{page_url}?{urlencode(params)}>; rel="{rel}"')
    return ", ".join(rendered)
