"""Valid orders that are unusual on purpose, and batches at the limits."""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import DrawFn, SearchStrategy

from sendcloud_contract.strategies._build import (
    Order,
    OrderConfig,
    build_order,
    line_total,
    price_of,
)
from sendcloud_contract.strategies._data import COUNTRY_LIST
from sendcloud_contract.strategies._orders import (
    DEFAULT_INTEGRATIONS,
    DEFAULT_ORDER_IDS,
    MAX_BATCH,
)
from sendcloud_contract.strategies._schema import nullable_members, schema_enum
from sendcloud_contract.strategies._source import SEEDS, Drawn, Seeded
from sendcloud_contract.strategies._time import EPOCH, ODD_STAMP_STYLES, read_stamp, write_stamp

_ONE_CHARACTER = ("A", "é", "中", "Ø", "7", "😀")
_RIGHT_TO_LEFT = (
    "محمد عبد الله",
    "שרה לוי",
    "مؤسسة النور للتجارة",
    "שדרות רוטשילד 22",
    "فاطمة الزهراء",
)
_EMOJI = ("🎁 Gift for Zoë", "Family 👨‍👩‍👧‍👦", "🇳🇱 Dutch cheese", "Café ☕ & Co", "🚲")
_FULLWIDTH = "".join(chr(ord(c) + 0xFEE0) for c in "Fullwidth")
_ODD = ("Zoe\u0308", "ﬁne ﬂour", _FULLWIDTH, "ǅemal", "a\u200db", "Ω≈ç√∫", "Ⅻ", " ")
_LONG_LENGTHS = (256, 1024, 4096)
_LONG_WORDS = "Straße Łódź Ærø São Paulo Zürich naïve café 東京 "
_ANY_TEXT = st.text(min_size=1, max_size=40)


@st.composite
def _odd_text(draw: DrawFn) -> str:
    family = draw(st.sampled_from(("one", "long", "rtl", "emoji", "odd", "any")))
    if family == "one":
        return draw(st.sampled_from(_ONE_CHARACTER))
    if family == "long":
        length = draw(st.sampled_from(_LONG_LENGTHS))
        return (_LONG_WORDS * (length // len(_LONG_WORDS) + 1))[:length]
    if family == "rtl":
        return draw(st.sampled_from(_RIGHT_TO_LEFT))
    if family == "emoji":
        return draw(st.sampled_from(_EMOJI))
    if family == "odd":
        return draw(st.sampled_from(_ODD))
    return draw(_ANY_TEXT)


# Free-text members, by the object that holds them.
_TEXT_MEMBERS = {
    "address": ("name", "company_name", "address_line_1", "address_line_2", "city", "house_number"),
    "item": ("name", "description", "sku", "material_content", "intended_use"),
    "status": ("message",),
    "customer": ("name",),
    "shipping_details": ("delivery_indicator",),
}


def _texts(order: Order) -> Iterator[tuple[dict[str, Any], str]]:
    """Every free-text slot of an order as (holder, member)."""
    details = order["order_details"]
    for holder, kind in (
        (order.get("shipping_address"), "address"),
        (order.get("billing_address"), "address"),
        (order.get("customer_details"), "customer"),
        (details.get("status"), "status"),
        (order["payment_details"].get("status"), "status"),
        (order.get("shipping_details"), "shipping_details"),
        *((item, "item") for item in details["order_items"]),
    ):
        if isinstance(holder, dict):
            for member in _TEXT_MEMBERS[kind]:
                if isinstance(holder.get(member), str):
                    yield holder, member
    if isinstance(details.get("notes"), str):
        yield details, "notes"


def _reprice(order: Order, unit_cents: int | None, quantity: int | None) -> None:
    """Set item quantities/prices and keep every total consistent with them."""
    items = order["order_details"]["order_items"]
    total = 0.0
    for item in items:
        currency = item["total_price"]["currency"]
        q = quantity if quantity is not None else item["quantity"]
        unit = (
            unit_cents
            if unit_cents is not None
            else round(item["total_price"]["value"] * 100 / item["quantity"])
        )
        item["quantity"] = q
        item["unit_price"] = price_of(unit, currency)
        item["total_price"]["value"] = line_total(unit, q, unit * q)
        total += item["total_price"]["value"]
    payment = order["payment_details"]
    payment["total_price"]["value"] = total
    for key in ("subtotal_price", "estimated_shipping_price", "estimated_tax_price"):
        payment.pop(key, None)


def _walk_measurements(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if "measurement" in node and isinstance(node["measurement"], dict):
            yield node["measurement"]
        for value in node.values():
            yield from _walk_measurements(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk_measurements(value)


def _stamps(order: Order) -> Iterator[tuple[dict[str, Any], str]]:
    details = order["order_details"]
    for key in ("order_created_at", "order_updated_at"):
        if key in details:
            yield details, key
    for key in ("created_at", "modified_at"):
        if key in order:
            yield order, key
    for item in details["order_items"]:
        dates = item.get("delivery_dates")
        if isinstance(dates, dict):
            for key in ("handover_at", "deliver_at"):
                if isinstance(dates.get(key), str):
                    yield dates, key


@functools.cache
def edge_config() -> OrderConfig:
    return OrderConfig(destinations=None, currencies=schema_enum("currency"))


def _edge_key(draw: DrawFn) -> tuple[str, int]:
    return draw(DEFAULT_ORDER_IDS), draw(DEFAULT_INTEGRATIONS)


@st.composite
def _required_only(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    return build_order(Drawn(draw, optional=False), edge_config(), oid, iid)


@st.composite
def _every_field(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    return build_order(Drawn(draw, optional=True), edge_config(), oid, iid)


@st.composite
def _with_nulls(draw: DrawFn) -> Order:
    """Null wherever the contract allows it; inside the EU, where customs may be null too."""
    oid, iid = _edge_key(draw)
    cfg = OrderConfig(
        destinations=tuple(c for c in COUNTRY_LIST if c.eu), currencies=schema_enum("currency")
    )
    return build_order(Drawn(draw, optional=True, nulls=True), cfg, oid, iid)


@st.composite
def _odd_strings(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    order = build_order(Drawn(draw, optional=draw(st.booleans()) or None), edge_config(), oid, iid)
    if draw(st.booleans()):
        order["order_id"] = draw(_odd_text())
        order["order_number"] = draw(_odd_text())
    for holder, member in _texts(order):
        holder[member] = draw(_odd_text())
    names: set[str] = set()
    for item in order["order_details"]["order_items"]:
        name, serial = item["name"], 2
        while name in names:
            name, serial = f"{item['name']} ({serial})", serial + 1
        item["name"] = name
        names.add(name)
    return order


@st.composite
def _odd_numbers(draw: DrawFn) -> Order:
    oid, iid = _edge_key(draw)
    order = build_order(Drawn(draw, optional=True), edge_config(), oid, iid)
    if draw(st.booleans()):
        for measurement in _walk_measurements(order):
            if "dimension" in measurement:
                measurement["dimension"].update(length=0, width=0, height=0)
            if "volume" in measurement:
                measurement["volume"]["value"] = 0
    if draw(st.booleans()):
        smallest = draw(st.sampled_from((0.001, 1e-9, math.ulp(0.0))))
        for measurement in _walk_measurements(order):
            if "weight" in measurement:
                measurement["weight"]["value"] = smallest
    quantity = draw(st.sampled_from((None, 1_000, 65_535, 2**31 - 1, 10**12)))
    unit_cents = draw(st.sampled_from((None, 0, 1, 99_999_999, 999_999_999_99)))
    _reprice(order, unit_cents, quantity)
    return order


@st.composite
def _odd_stamps(draw: DrawFn) -> Order:
    """Offsets and fractions of every kind; updated may equal created, in another zone."""
    oid, iid = _edge_key(draw)
    order = build_order(Drawn(draw, optional=True), edge_config(), oid, iid)
    details = order["order_details"]
    created = read_stamp(details["order_created_at"]) or EPOCH
    if draw(st.booleans()):
        created = draw(
            st.sampled_from(
                (
                    datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=timezone.utc),
                    datetime(2025, 12, 31, 23, 30, tzinfo=timezone.utc),
                    datetime(2024, 3, 31, 1, 30, tzinfo=timezone.utc),
                )
            )
        )
    delay = draw(st.sampled_from((0, 0, 1, 59, 3600)))
    if delay == 0:
        # The same instant in two zones and precisions: whole tenths keep every form exact.
        created = created.replace(microsecond=created.microsecond // 100_000 * 100_000)
    details["order_created_at"] = write_stamp(created, draw(st.sampled_from(ODD_STAMP_STYLES)))
    details["order_updated_at"] = write_stamp(
        created + timedelta(seconds=delay), draw(st.sampled_from(ODD_STAMP_STYLES))
    )
    for holder, key in _stamps(order):
        if holder is not details:
            moment = read_stamp(holder[key]) or created
            holder[key] = write_stamp(moment, draw(st.sampled_from(ODD_STAMP_STYLES)))
    return order


@functools.cache
def _set_up() -> None:
    """The one-time work of the first draw, done when the strategy is built instead.

    Hypothesis builds its Unicode tables when a text strategy is first used (a second or more
    on a machine without its cache), and the schema tables are read once. Inside the first
    draw that time counts against Hypothesis' ``too_slow`` health check.
    """
    _ANY_TEXT.validate()
    edge_config()
    nullable_members("dangerous-goods")


def edge_case_orders() -> SearchStrategy[Order]:
    """Valid orders that are unusual on purpose.

    Only required fields; every optional field; null wherever allowed; 1-character, very
    long, right-to-left, emoji and arbitrary Unicode text; zero dimensions, the smallest
    positive weights, huge quantities and prices; date-times with odd offsets and fractions.

    Every optional field but Sendcloud's ``id``: it names an order already stored, so an
    order carrying a made-up one is refused. To upsert by id, add the id of an order you
    stored (``order | {"id": "669"}``) with that order's ``order_id`` and integration.
    """
    _set_up()
    return st.one_of(
        _required_only(),
        _every_field(),
        _with_nulls(),
        _odd_strings(),
        _odd_numbers(),
        _odd_stamps(),
    )


@st.composite
def _full_batch(draw: DrawFn) -> list[Order]:
    """100 orders: the same order_id under two integrations is allowed, and used."""
    integrations = draw(st.lists(DEFAULT_INTEGRATIONS, min_size=2, max_size=2, unique=True))
    first = draw(st.integers(1, 9_000_000))
    shared = draw(st.booleans())
    seeds = draw(st.lists(SEEDS, min_size=MAX_BATCH, max_size=MAX_BATCH))
    cfg = edge_config()
    batch = []
    for index, seed in enumerate(seeds):
        number = first + (index // 2 if shared else index)
        integration = integrations[index % 2] if shared else integrations[0]
        batch.append(build_order(Seeded(seed), cfg, str(number), integration))
    return batch


def edge_case_batches() -> SearchStrategy[list[Order]]:
    """Valid batches at the limits: exactly 100 orders, or one unusual order alone."""
    return st.one_of(_full_batch(), edge_case_orders().map(lambda order: [order]))
