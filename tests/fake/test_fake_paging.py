"""The indexed listing held to the plain definition of a page: filter, sort, find the cursor.

The store keeps each account's orders sorted (``fake._index``) so that a page
costs its size. A model written here the straightforward way, sorting every
order for every page, must give the same pages and the same links, for any
orders, filters, sort, page size and cursor, while orders come, change and go.
"""

from __future__ import annotations

import copy
import functools
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendcloud_contract.fake import ManualClock, OrderStore, SeedError
from sendcloud_contract.fake._index import VIEWS_PER_ACCOUNT, OrderIndex
from sendcloud_contract.fake._orders import StoredOrder
from sendcloud_contract.fake._paging import Cursor, ListQuery, SortSpec, parse_query
from tests.fake.helpers import ALICE, BOB, START, make_order

MOMENT = datetime(2024, 5, 1, tzinfo=timezone.utc)
OWNERS = ("alice", "bob")
INTEGRATIONS = (1, 2, 3)
TEXTS = ("a", "A", "a\x00", "ab", "aB", "b", "ä", "")
STATUSES = ("paid", "PAID", "fulfilled")
STAMPS = (
    None,
    "0000-01-01T00:00:00Z",  # not RFC 3339: sorts as null
    "2024-04-30T23:30:00-01:00",
    "2024-05-01T00:30:00Z",
    "2024-05-01T00:30:00.000001Z",
    "2024-05-02T10:00:00+02:00",
)
SORT_TOKENS = (
    "integration", "-integration", "order_number", "-order_number", "order_created_at",
    "-order_created_at", "order_updated_at", "-order_updated_at", "pk", "-pk", "bogus",
)  # fmt: skip
DAYS = ("2024-04-30", "2024-05-01", "2024-05-02")


# --------------------------------------------------------------------------- the model


def _compare_field(descending: bool, x: Any, y: Any) -> int:
    if x == y:
        return 0
    # Nulls sort last ascending, first descending.
    before = y is None if x is None or y is None else x < y
    result = -1 if before else 1
    return -result if descending else result


def _compare(spec: SortSpec, a: tuple[Any, ...], b: tuple[Any, ...]) -> int:
    for (_, descending), x, y in zip(spec, a, b, strict=True):
        found = _compare_field(descending, x, y)
        if found:
            return found
    return 0


def _key(order: StoredOrder, spec: SortSpec) -> tuple[Any, ...]:
    values = {
        "integration": order.integration,
        "order_number": str(order.document["order_number"]),
        "pk": order.pk,
        "order_created_at": order.instant("order_created_at"),
        "order_updated_at": order.instant("order_updated_at"),
    }
    return tuple(values[name] for name, _ in spec)


def model_page(
    orders: dict[int, StoredOrder], owner: str, query: ListQuery
) -> tuple[list[int], list[tuple[str, Cursor]]]:
    """Every order filtered and sorted, then the page the cursor points at."""
    shown = []
    for order in sorted(orders.values(), key=lambda o: o.pk):
        if order.owner != owner or not all(check(order) for check in query.checks):
            continue
        if order.unseen_reads > 0:
            order.unseen_reads -= 1
            continue
        shown.append(order)
    spec = query.spec
    keyed = sorted(
        ((_key(o, spec), o.pk) for o in shown),
        key=functools.cmp_to_key(lambda a, b: _compare(spec, a[0], b[0])),
    )
    cursor, size = query.cursor, query.size
    if cursor is None:
        before: list[tuple[tuple[Any, ...], int]] = []
        page, after = keyed[:size], keyed[size:]
    elif not cursor.reverse:
        behind = [k for k in keyed if _compare(spec, k[0], cursor.position) < 0]
        at = [k for k in keyed if _compare(spec, k[0], cursor.position) == 0]
        ahead = [k for k in keyed if _compare(spec, k[0], cursor.position) > 0]
        before, rest = (behind, at + ahead) if cursor.inclusive else (behind + at, ahead)
        page, after = rest[:size], rest[size:]
    else:
        behind = [k for k in keyed if _compare(spec, k[0], cursor.position) < 0]
        at = [k for k in keyed if _compare(spec, k[0], cursor.position) == 0]
        ahead = [k for k in keyed if _compare(spec, k[0], cursor.position) > 0]
        rest, after = (behind + at, ahead) if cursor.inclusive else (behind, at + ahead)
        before, page = rest[: max(0, len(rest) - size)], rest[max(0, len(rest) - size) :]
    links = []
    if page:
        if after:
            links.append(("next", Cursor(False, page[-1][0])))
        if before:
            links.append(("prev", Cursor(True, page[0][0])))
    elif cursor is not None:
        if cursor.reverse and after:
            links.append(("next", Cursor(False, cursor.position, not cursor.inclusive)))
        if not cursor.reverse and before:
            links.append(("prev", Cursor(True, cursor.position, not cursor.inclusive)))
    return [pk for _, pk in page], links


# --------------------------------------------------------------------------- the data


def _document(
    order_id: str, number: str, integration: int, status: str, stamps: tuple[Any, Any]
) -> dict[str, Any]:
    details: dict[str, Any] = {"integration": {"id": integration}, "status": {"code": status}}
    for name, stamp in zip(("order_created_at", "order_updated_at"), stamps, strict=True):
        if stamp is not None:
            details[name] = stamp
    return {"order_id": order_id, "order_number": number, "order_details": details}


documents = st.builds(
    _document,
    st.sampled_from(TEXTS),
    st.sampled_from(TEXTS),
    st.sampled_from(INTEGRATIONS[:2]),
    st.sampled_from(STATUSES),
    st.tuples(st.sampled_from(STAMPS), st.sampled_from(STAMPS)),
)


@st.composite
def list_params(draw: st.DrawFn) -> dict[str, str]:
    params = {
        "sort": ",".join(draw(st.lists(st.sampled_from(SORT_TOKENS), max_size=3))),
        "page_size": str(draw(st.integers(1, 4))),
    }
    for name, values in (
        ("integration", ("1", "2", "1,3", " 2 , 3")),
        ("order_id", TEXTS[:-1]),
        ("order_number", TEXTS[:-1]),
        ("status", STATUSES),
        ("order_created_at_min", DAYS),
        ("order_updated_at_max", DAYS),
        ("order_created_at", DAYS),
    ):
        if draw(st.integers(0, 5)) == 0:
            params[name] = draw(st.sampled_from(values))
    return params


@st.composite
def positions(draw: st.DrawFn, spec: SortSpec) -> tuple[Any, ...]:
    """A cursor position of any values the spec's fields take, stored or not."""
    values: list[Any] = []
    for name, _ in spec:
        if name == "order_number":
            values.append(draw(st.sampled_from(TEXTS)))
        elif name in ("order_created_at", "order_updated_at"):
            values.append(draw(st.none() | st.integers(1714520000, 1714700000).map(_micro)))
        else:
            values.append(draw(st.integers(-1, 40)))
    return tuple(values)


def _micro(seconds: int) -> int:
    return seconds * 1_000_000


@dataclass
class Twins:
    """The same orders twice: one set the index reads, one the model reads."""

    index: OrderIndex = field(default_factory=OrderIndex)
    real: dict[int, StoredOrder] = field(default_factory=dict)
    model: dict[int, StoredOrder] = field(default_factory=dict)

    def put(self, pk: int, owner: str, document: dict[str, Any], unseen: int) -> None:
        order = self.real.get(pk)
        if order is None or order.owner != owner:
            if order is not None:
                self.drop(pk)
            order = StoredOrder(pk, owner, document, MOMENT, MOMENT, unseen)
            self.real[pk] = order
        else:
            order.document = document
        self.model[pk] = copy.deepcopy(order)
        self.index.put(order)

    def drop(self, pk: int) -> None:
        order = self.real.pop(pk, None)
        if order is not None:
            del self.model[pk]
            self.index.drop(order)

    def both(self, owner: str, query: ListQuery) -> tuple[Any, Any]:
        pks, links = self.index.page(self.real, owner, query)
        return ([o.pk for o in pks], links), model_page(self.model, owner, query)


puts = st.tuples(
    st.just("put"), st.integers(1, 16), st.sampled_from(OWNERS), documents, st.integers(0, 2)
)
steps = st.one_of(
    puts,
    st.tuples(st.just("drop"), st.integers(1, 16)),
    st.tuples(st.just("list"), st.sampled_from(OWNERS), list_params()),
    st.tuples(st.just("list"), st.just("alice"), list_params()),
)


@given(st.lists(puts, max_size=16), st.lists(steps, min_size=1, max_size=12), st.data())
def test_indexed_pages_are_the_plain_pages(
    first: list[tuple[Any, ...]], steps: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    """Orders stored, then changes and lists in any order; the index is built on the
    first list of an account and kept up to date after it."""
    twins = Twins()
    for step in first + steps:
        if step[0] == "put":
            twins.put(*step[1:])
        elif step[0] == "drop":
            twins.drop(step[1])
        else:
            _, owner, params = step
            query = parse_query(params, INTEGRATIONS.__contains__)
            # From the first page, follow the links one way and back, as a client does.
            for rel in ("next", "prev"):
                for _ in range(12):
                    got, expected = twins.both(owner, query)
                    assert got == expected, (params, query.cursor)
                    link = dict(got[1]).get(rel)
                    if link is None:
                        break
                    query = ListQuery(**{**query.__dict__, "cursor": link})
            # And from anywhere: a cursor at any position, either way, either bound.
            cursor = Cursor(data.draw(st.booleans()), data.draw(positions(query.spec)))
            cursor = Cursor(cursor.reverse, cursor.position, data.draw(st.booleans()))
            anywhere = ListQuery(**{**query.__dict__, "cursor": cursor})
            got, expected = twins.both(owner, anywhere)
            assert got == expected, (params, cursor)


def _rich_twins() -> Twins:
    """Every text, stamp and integration, on orders of one account, so every sort has ties."""
    twins = Twins()
    combos = itertools.product(TEXTS[:4], STAMPS, INTEGRATIONS[:2])
    for pk, (text, stamp, integration) in enumerate(combos, start=1):
        later = STAMPS[(pk * 5) % len(STAMPS)]
        document = _document(f"o{pk}", text, integration, "paid", (stamp, later))
        twins.put(pk, "alice", document, 0)
    return twins


@pytest.mark.parametrize("first", [t for t in SORT_TOKENS if t != "bogus"])
def test_every_sort_of_one_or_two_fields_pages_as_the_plain_pages(first: str) -> None:
    twins = _rich_twins()
    for second in ("", *SORT_TOKENS):
        query = parse_query(
            {"sort": f"{first},{second}", "page_size": "7"}, INTEGRATIONS.__contains__
        )
        stored = [_key(order, query.spec) for order in twins.real.values()]
        cursors = [None] + [
            Cursor(reverse, position, inclusive)
            for position in stored[::9]
            for reverse in (False, True)
            for inclusive in (False, True)
        ]
        for cursor in cursors:
            asked = ListQuery(**{**query.__dict__, "cursor": cursor})
            got, expected = twins.both("alice", asked)
            assert got == expected, (query.spec, cursor)


def test_an_account_keeps_a_bounded_number_of_sort_orders() -> None:
    twins = Twins()
    for pk in range(1, 6):
        twins.put(
            pk, "alice", _document(f"o{pk}", f"n{pk % 3}", pk % 3 + 1, "paid", (None, None)), 0
        )
    specs = [
        ",".join(p)
        for p in itertools.permutations(("integration", "order_number", "order_created_at"))
    ] + ["-integration,order_number", "order_updated_at", "-order_updated_at,integration"]
    for sort in specs * 2:
        query = parse_query({"sort": sort, "page_size": "2"}, INTEGRATIONS.__contains__)
        got, expected = twins.both("alice", query)
        assert got == expected

    assert len(specs) > VIEWS_PER_ACCOUNT
    assert twins.index.sort_orders_kept("alice") == VIEWS_PER_ACCOUNT


# --------------------------------------------------------------------------- the store


def _walk(store: OrderStore, params: dict[str, str]) -> list[str]:
    """The order ids of every page, following next links from the first."""
    seen: list[str] = []
    data, links = store.list_orders(ALICE, params)
    while True:
        seen.extend(order["order_id"] for order in data)
        following = dict(links).get("next")
        if following is None:
            return seen
        data, links = store.list_orders(ALICE, params | {"cursor": following.encode()})


def test_the_store_keeps_its_index_through_every_change() -> None:
    store = OrderStore(clock=ManualClock(START), ids=itertools.count(1))
    store.create(
        ALICE, [make_order(f"S-{n}", 1 + n % 2, order_number=f"N{n % 4}") for n in range(9)]
    )
    store.create(BOB, [make_order("bob-1", 3)])
    by_number = {"sort": "-order_number,integration", "page_size": "2"}

    def expected() -> list[str]:
        orders = store.orders(ALICE)
        orders.sort(key=lambda o: -int(o["id"]))
        orders.sort(key=lambda o: o["order_details"]["integration"]["id"])
        orders.sort(key=lambda o: o["order_number"], reverse=True)
        return [o["order_id"] for o in orders]

    assert _walk(store, by_number) == expected()
    assert _walk(store, {"page_size": "4"}) == [f"S-{n}" for n in reversed(range(9))]

    store.update(ALICE, 3, {"order_number": "Z"})  # S-2 moves to the front
    store.delete(ALICE, 5)
    assert _walk(store, {"order_id": "s-4"}) == []
    store.create(ALICE, [make_order("S-late", 2, order_number="N2")])
    store.create(ALICE, [make_order("S-1", 2, order_number="A")])  # an upsert: moves to the end
    assert _walk(store, by_number) == expected()
    numbered_n2 = {o["order_id"] for o in store.orders(ALICE) if o["order_number"] == "N2"}
    assert numbered_n2 == {"S-6", "S-late"}  # S-2 (id 3) is "Z" now
    assert _walk(store, by_number | {"order_number": "n2"}) == [
        o for o in expected() if o in numbered_n2
    ]

    store.seed([make_order("S-seeded", 1, order_number="ZZ")], ALICE)
    assert _walk(store, by_number)[0] == "S-seeded"
    assert _walk(store, by_number) == expected()

    store.reset()
    assert _walk(store, by_number) == []
    store.create(ALICE, [make_order("S-again")])
    assert _walk(store, by_number) == ["S-again"]


def test_a_refused_seed_leaves_the_listing_as_it_was() -> None:
    store = OrderStore(clock=ManualClock(START), ids=itertools.count(1))
    store.create(ALICE, [make_order("kept")])
    assert _walk(store, {}) == ["kept"]

    with pytest.raises(SeedError):
        store.seed([make_order("new"), make_order("foreign", 3)], ALICE)

    assert _walk(store, {}) == ["kept"]


def test_an_order_not_visible_yet_is_left_out_of_lists_for_its_reads() -> None:
    store = OrderStore(clock=ManualClock(START), ids=itertools.count(1), visibility_delay=2)
    store.create(ALICE, [make_order("late")])
    store.create(ALICE, [make_order("other", status="cancelled")])

    assert _walk(store, {"status": "cancelled"}) == []  # counts a read of "other" only
    assert _walk(store, {}) == []  # "late"'s first read, "other"'s second
    assert _walk(store, {}) == ["other"]  # "late"'s second read
    assert _walk(store, {"sort": "pk"}) == ["late", "other"]


def test_a_page_reads_about_its_own_orders_not_the_whole_store(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = OrderStore(clock=ManualClock(START), ids=itertools.count(1))
    created = [f"2024-04-{1 + n % 28:02d}T{n % 24:02d}:00:00Z" for n in range(600)]
    store.seed([make_order(f"S-{n}", order_created_at=at) for n, at in enumerate(created)], ALICE)
    reads = [0]
    instant = StoredOrder.instant

    def counted(order: StoredOrder, name: str) -> int | None:
        reads[0] += 1
        return instant(order, name)

    monkeypatch.setattr(StoredOrder, "instant", counted)
    params = {"sort": "-order_created_at", "page_size": "10"}
    data, links = store.list_orders(ALICE, params)  # sorts the store once
    seen = [order["order_id"] for order in data]
    reads[0] = 0
    for _ in range(20):
        data, links = store.list_orders(ALICE, params | {"cursor": dict(links)["next"].encode()})
        seen.extend(order["order_id"] for order in data)

    # A page reads its cursor's neighbours' dates, not the 600 orders' (12,600 for 21 pages).
    assert reads[0] <= 20 * 4
    assert len(seen) == len(set(seen)) == 210
    by_date = sorted(range(600), key=lambda n: (created[n], n), reverse=True)
    assert seen == [f"S-{n}" for n in by_date[:210]]
