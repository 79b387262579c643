"""Each account's orders kept sorted in the orders a list asks for, so a page costs its size.

Sorting every stored order for every page made a page cost the whole store, and
walking every page cost its square. Here each sort order that lists ask for is
kept as a plain sorted list of encoded keys, built on first use and kept up to
date as orders come, change and go: a page is a bisection to its cursor, then a
walk over the orders it shows (and those its filters pass over). An exact
``order_id`` or ``order_number`` filter is answered from a map instead, as its
matches are few. The plain definition of a page is :func:`~sendcloud_contract.
fake._paging.paginate`; the tests hold this index to it.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from sendcloud_contract.fake._orders import StoredOrder
from sendcloud_contract.fake._paging import Cursor, ListQuery, SortSpec, paginate, sort_values

__all__ = ["VIEWS_PER_ACCOUNT", "OrderIndex", "SortedOrders"]

# Sort orders kept per account; past this, the least recently used one is dropped
# (and built again if asked for), so no client can make the store keep thousands.
VIEWS_PER_ACCOUNT = 8

Page = tuple[list[StoredOrder], list[tuple[str, Cursor]]]
Encoded = tuple[Any, ...]


def _same(value: Any) -> Any:
    return value


def _negated(value: int) -> int:
    return -value


def _text_descending(text: str) -> tuple[int, ...]:
    """A key that sorts strings backwards; the closing 1 puts "ab" after "abc"."""
    return (*(-ord(c) for c in text), 1)


def _instant_ascending(value: int | None) -> tuple[int, int]:
    return (1, 0) if value is None else (0, value)


def _instant_descending(value: int | None) -> tuple[int, int]:
    return (0, 0) if value is None else (1, -value)


def _encoder(name: str, descending: bool) -> Callable[[Any], Any]:
    """A field's value made into a key that sorts as ``_paging``'s comparison does.

    Null date-times sort last ascending and first descending, as in Postgres.
    """
    if name in ("order_created_at", "order_updated_at"):
        return _instant_descending if descending else _instant_ascending
    if name == "order_number":
        return _text_descending if descending else _same
    return _negated if descending else _same


class SortedOrders:
    """One account's orders in one sort order and in its reverse.

    ``entries`` are encoded keys (the spec's fields, then the id), ascending in the
    spec whose first field ascends; the reverse spec reads them from the end.
    Positions given and taken are in the order asked for (``reverse`` says which).
    """

    def __init__(self, spec: SortSpec, orders: Iterable[StoredOrder]) -> None:
        self.spec = spec
        self._encoders = tuple(_encoder(name, descending) for name, descending in spec)
        self._keys = {order.pk: self._key(order) for order in orders}
        self._entries = sorted(self._keys.values())

    def __len__(self) -> int:
        return len(self._entries)

    def _encoded(self, values: Iterable[Any]) -> Encoded:
        return tuple(encode(value) for encode, value in zip(self._encoders, values, strict=True))

    def _key(self, order: StoredOrder) -> Encoded:
        return (*self._encoded(sort_values(order, self.spec)), order.pk)

    def put(self, order: StoredOrder) -> None:
        """Add an order, or move it to where its changed fields now sort."""
        key = self._key(order)
        old = self._keys.get(order.pk)
        if old == key:
            return
        if old is not None:
            self._remove(old)
        bisect.insort(self._entries, key)
        self._keys[order.pk] = key

    def drop(self, pk: int) -> None:
        old = self._keys.pop(pk, None)
        if old is not None:
            self._remove(old)

    def _remove(self, key: Encoded) -> None:
        index = bisect.bisect_left(self._entries, key)
        assert self._entries[index] == key, "the sorted orders lost track of an order"
        del self._entries[index]

    def pk_at(self, index: int, reverse: bool) -> int:
        pk: int = self._entries[~index if reverse else index][-1]
        return pk

    def first_at_least(self, position: tuple[Any, ...], reverse: bool) -> int:
        """Where the first order at or after ``position`` is (a cursor's own order included)."""
        if reverse:
            return len(self._entries) - self._count_up_to(position)
        return self._count_below(position)

    def first_after(self, position: tuple[Any, ...], reverse: bool) -> int:
        """Where the first order after ``position`` is."""
        if reverse:
            return len(self._entries) - self._count_below(position)
        return self._count_up_to(position)

    def _count_below(self, position: tuple[Any, ...]) -> int:
        return bisect.bisect_left(self._entries, self._encoded(position))

    def _count_up_to(self, position: tuple[Any, ...]) -> int:
        return bisect.bisect_left(self._entries, (*self._encoded(position), math.inf))


class _AccountOrders:
    """What the index keeps of one account: its ids, exact-match maps, unseen orders, views."""

    def __init__(self, orders: Iterable[StoredOrder]) -> None:
        self.pks: set[int] = set()
        self.pending: set[int] = set()
        self.by_order_id: dict[str, set[int]] = {}
        self.by_order_number: dict[str, set[int]] = {}
        self._exact: dict[int, tuple[str | None, str | None]] = {}
        self.views: OrderedDict[SortSpec, SortedOrders] = OrderedDict()
        for order in orders:
            self.put(order)

    def put(self, order: StoredOrder) -> None:
        pk = order.pk
        self._forget_exact(pk)
        self.pks.add(pk)
        exact = (
            _folded(order.document.get("order_id")),
            _folded(order.document.get("order_number")),
        )
        self._exact[pk] = exact
        for table, value in zip((self.by_order_id, self.by_order_number), exact, strict=True):
            if value is not None:
                table.setdefault(value, set()).add(pk)
        if order.unseen_reads > 0:
            self.pending.add(pk)
        for view in self.views.values():
            view.put(order)

    def drop(self, pk: int) -> None:
        self._forget_exact(pk)
        self.pks.discard(pk)
        self.pending.discard(pk)
        for view in self.views.values():
            view.drop(pk)

    def _forget_exact(self, pk: int) -> None:
        old = self._exact.pop(pk, None)
        if old is None:
            return
        for table, value in zip((self.by_order_id, self.by_order_number), old, strict=True):
            if value is not None:
                holders = table[value]
                holders.discard(pk)
                if not holders:
                    del table[value]

    def view(self, spec: SortSpec, orders: Mapping[int, StoredOrder]) -> SortedOrders:
        """The orders sorted by ``spec`` (whose first field ascends), built if not kept."""
        found = self.views.get(spec)
        if found is None:
            found = self.views[spec] = SortedOrders(spec, (orders[pk] for pk in self.pks))
            if len(self.views) > VIEWS_PER_ACCOUNT:
                self.views.popitem(last=False)
        else:
            self.views.move_to_end(spec)
        return found

    def read_unseen(
        self, orders: Mapping[int, StoredOrder], passes: Callable[[StoredOrder], bool]
    ) -> set[int]:
        """The orders this list does not show yet; each one it would show counts the read."""
        hidden = set()
        for pk in list(self.pending):
            order = orders[pk]
            if order.unseen_reads <= 0:
                self.pending.discard(pk)
            elif passes(order):
                order.unseen_reads -= 1
                hidden.add(pk)
        return hidden


class OrderIndex:
    """Every account's orders, sorted as lists ask for; the store tells it every change.

    Accounts are indexed on their first list, from the store's orders, so a store
    that is never listed pays nothing.
    """

    def __init__(self) -> None:
        self._accounts: dict[str, _AccountOrders] = {}

    def clear(self) -> None:
        """Forget everything; it is built again from the orders when next listed."""
        self._accounts.clear()

    def sort_orders_kept(self, owner: str) -> int:
        """How many sort orders are kept for an account (at most ``VIEWS_PER_ACCOUNT``)."""
        account = self._accounts.get(owner)
        return 0 if account is None else len(account.views)

    def put(self, order: StoredOrder) -> None:
        """An order was stored or changed."""
        account = self._accounts.get(order.owner)
        if account is not None:
            account.put(order)

    def drop(self, order: StoredOrder) -> None:
        """An order was deleted."""
        account = self._accounts.get(order.owner)
        if account is not None:
            account.drop(order.pk)

    def page(self, orders: Mapping[int, StoredOrder], owner: str, query: ListQuery) -> Page:
        """One page of ``owner``'s orders that ``query`` asks for, and its neighbours' cursors.

        ``orders`` are the store's; an order not shown yet (visibility delay) that
        the filters pass counts this read, as on every list.
        """
        account = self._accounts.get(owner)
        if account is None:
            account = self._accounts[owner] = _AccountOrders(
                order for order in orders.values() if order.owner == owner
            )
        checks = query.checks

        def passes(order: StoredOrder) -> bool:
            return all(check(order) for check in checks)

        hidden = account.read_unseen(orders, passes)
        few = _exact_matches(account, query)
        if few is not None:
            found = [orders[pk] for pk in sorted(few) if pk not in hidden and passes(orders[pk])]
            return paginate(found, query.spec, query.cursor, query.size)

        def shown(pk: int) -> bool:
            return pk not in hidden and passes(orders[pk])

        reverse = query.spec[0][1]
        spec = tuple((name, descending != reverse) for name, descending in query.spec)
        view = account.view(spec, orders)

        def key_of(pk: int) -> tuple[Any, ...]:
            return sort_values(orders[pk], query.spec)

        pks, links = _walk(view, reverse, query.cursor, query.size, shown, key_of)
        return [orders[pk] for pk in pks], links


def _folded(value: Any) -> str | None:
    return value.casefold() if isinstance(value, str) else None


def _exact_matches(account: _AccountOrders, query: ListQuery) -> set[int] | None:
    """The ids an exact ``order_id``/``order_number`` filter can match, or None without one."""
    found: set[int] | None = None
    for table, wanted in (
        (account.by_order_id, query.order_id),
        (account.by_order_number, query.order_number),
    ):
        if wanted:
            matches = table.get(wanted.casefold(), set())
            found = matches if found is None else found & matches
    return found


def _after(
    view: SortedOrders, reverse: bool, index: int, shown: Callable[[int], bool]
) -> Iterator[int]:
    """The shown orders from ``index`` on, in the order asked for."""
    for at in range(index, len(view)):
        pk = view.pk_at(at, reverse)
        if shown(pk):
            yield pk


def _before(
    view: SortedOrders, reverse: bool, index: int, shown: Callable[[int], bool]
) -> Iterator[int]:
    """The shown orders before ``index``, nearest first."""
    for at in range(index - 1, -1, -1):
        pk = view.pk_at(at, reverse)
        if shown(pk):
            yield pk


def _walk(
    view: SortedOrders,
    reverse: bool,
    cursor: Cursor | None,
    size: int,
    shown: Callable[[int], bool],
    key_of: Callable[[int], tuple[Any, ...]],
) -> tuple[list[int], list[tuple[str, Cursor]]]:
    """Keyset paging over a sorted view, as ``_paging``'s window is over a sorted list.

    Only the shown orders count: the page is the first ``size`` of them past the
    cursor, and a link is given when one more is shown on that side.
    """
    links: list[tuple[str, Cursor]] = []
    if cursor is None or not cursor.reverse:
        if cursor is None:
            start = 0
        elif cursor.inclusive:
            start = view.first_at_least(cursor.position, reverse)
        else:
            start = view.first_after(cursor.position, reverse)
        later = _after(view, reverse, start, shown)
        page = list(itertools.islice(later, size))
        more_after = next(later, None) is not None
        more_before = cursor is not None and next(_before(view, reverse, start, shown), None)
        if page:
            if more_after:
                links.append(("next", Cursor(False, key_of(page[-1]))))
            if more_before:
                links.append(("prev", Cursor(True, key_of(page[0]))))
        elif cursor is not None and more_before:
            links.append(("prev", Cursor(True, cursor.position, not cursor.inclusive)))
        return page, links
    if cursor.inclusive:
        stop = view.first_after(cursor.position, reverse)
    else:
        stop = view.first_at_least(cursor.position, reverse)
    earlier = _before(view, reverse, stop, shown)
    page = list(itertools.islice(earlier, size))[::-1]
    more_before = next(earlier, None) is not None
    more_after = next(_after(view, reverse, stop, shown), None) is not None
    if page:
        if more_after:
            links.append(("next", Cursor(False, key_of(page[-1]))))
        if more_before:
            links.append(("prev", Cursor(True, key_of(page[0]))))
    elif more_after:
        links.append(("next", Cursor(False, cursor.position, not cursor.inclusive)))
    return page, links
