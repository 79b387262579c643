"""The Hypothesis state machine: generated orders replayed against a target, checked each step.

Each rule is one of the issue's steps; each check names the law it holds the
target to. The machine keeps a :class:`Model` beside the target, and only ever
touches orders it created itself (order ids under a prefix unique to the run).
Sending requests and holding their answers to the model is its base class's,
:class:`~sendcloud_contract.contract.observer.Observer`; here are the steps.
"""

from __future__ import annotations

import itertools
import sys
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
)

from sendcloud_contract.contract.client import Exchange
from sendcloud_contract.contract.context import RunContext, sweep
from sendcloud_contract.contract.documents import patched, without_server_fields
from sendcloud_contract.contract.laws import LawBroken, require
from sendcloud_contract.contract.listing import Match, Query, queries, sort_inversion
from sendcloud_contract.contract.model import Key, Model, ModelOrder
from sendcloud_contract.contract.observer import Observer, first_error, instant
from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH
from sendcloud_contract.strategies import edge_case_orders, order_batches, order_updates, orders

__all__ = ["ContractMachine", "RunContext", "machine_for"]

# Mostly everyday orders, now and then an unusual one; shrinking goes to the first branch.
# Two items at least: matching items by name means something only among several.
_ORDERS = st.one_of(
    orders(min_items=2, max_items=3), orders(min_items=2, max_items=3), edge_case_orders()
)
_NEW_ORDERS = order_batches(min_size=1, max_size=3, min_items=2, max_items=3)
# Two at least: every example lists its first orders in pages of fewer, so the paging law
# is held in each one, not only in the examples that happen to draw page_through.
_FIRST_ORDERS = order_batches(min_size=2, max_size=3, min_items=2, max_items=3)
# Mistakes Sendcloud documents as rejected, never this project's stricter pre-flight rules.
_MISTAKES = ("missing-field", "wrong-type", "zero-quantity", "integer-id", "foreign-integration")
_REQUIRED = ("order_id", "order_number", "order_details", "payment_details")


def _keyed(order: dict[str, Any], key: Key) -> dict[str, Any]:
    """A drawn order under the suite's own key; ids and timestamps are the target's to give."""
    order = without_server_fields(order)
    order["order_id"] = key[0]
    order["order_details"]["integration"] = {"id": key[1]}
    return order


class ContractMachine(Observer, RuleBasedStateMachine):
    """Replay generated orders; :func:`machine_for` binds it to one run's context."""

    keys = Bundle("keys")

    def __init__(self) -> None:
        super().__init__()
        ctx = self.context
        ctx.examples += 1
        ctx.on_example(ctx.examples, ctx.failing)
        self.model = Model()
        self.prefix = f"{ctx.prefix}{ctx.examples}x"
        self.counter = 0
        self.full_batch_sent = False
        self.oversized_batch_sent = False
        self.started = False
        self.log: list[Exchange] = []
        ctx.client.log = self.log
        ctx.last_log = self.log
        self._example = ctx.target.example()
        self._example.__enter__()

    def teardown(self) -> None:
        """Delete what this example created on a target that keeps it (also after a failure)."""
        failure = sys.exc_info()[1]
        if isinstance(failure, LawBroken) and self.context.failing is None:
            self.context.failing = failure.law
        try:
            if self.context.target.cleans_up:
                self.client.log = []
                sweep(self.context)
        finally:
            self._example.__exit__(None, None, None)

    def fresh_key(self, integration: int | None = None) -> Key:
        self.counter += 1
        return (f"{self.prefix}{self.counter}", integration or self.integrations[0])

    def draw_order(self, data: st.DataObject, key: Key) -> dict[str, Any]:
        return _keyed(data.draw(_ORDERS, label=f"order {key[0]}"), key)

    # ------------------------------------------------------------------ the steps

    @initialize(target=keys, data=st.data())
    def first_orders(self, data: st.DataObject) -> Any:
        """Every example starts with orders of its own, so that every step has one to use,
        and follows the pages they make."""
        fresh = data.draw(_FIRST_ORDERS, label="first orders")
        new = [self.fresh_key(data.draw(st.sampled_from(self.integrations))) for _ in fresh]
        batch = [_keyed(order, key) for order, key in zip(fresh, new, strict=True)]
        self.accepted(batch, self.post(batch), "replacement")
        self.walk_in_pages(data)
        return multiple(*new)

    @rule(target=keys, data=st.data())
    def create_batch(self, data: st.DataObject) -> Any:
        """A batch mixing new orders and upserts of existing ones, from the strategies."""
        known = sorted(self.model.orders)
        upserts = (
            data.draw(st.lists(st.sampled_from(known), max_size=2, unique=True)) if known else []
        )
        fresh = (
            data.draw(_NEW_ORDERS, label="new orders")
            if not upserts or data.draw(st.booleans(), label="with new orders")
            else []
        )
        new = [self.fresh_key(data.draw(st.sampled_from(self.integrations))) for _ in fresh]
        batch = [_keyed(order, key) for order, key in zip(fresh, new, strict=True)]
        batch += [self.draw_order(data, key) for key in upserts]
        batch = data.draw(st.permutations(batch), label="batch order")
        written = self.accepted(batch, self.post(batch), "replacement")
        for order in written[:2]:
            self.observe(order, "replacement")
        return multiple(*new)

    @rule(target=keys, key=keys, data=st.data())
    def same_order_id_other_integration(self, key: Key, data: st.DataObject) -> Any:
        """The same order_id under the other integration is another order with another id."""
        other: Key = (key[0], next(i for i in self.integrations if i != key[1]))
        if key not in self.model.orders:
            return multiple()
        is_new = other not in self.model.orders
        batch = [self.draw_order(data, other)]
        (order,) = self.accepted(batch, self.post(batch), "identity")
        require(
            "identity",
            order.pk != self.model.orders[key].pk,
            f"{other} got id {order.pk}, the id of {key}: upserts must match on "
            "order_id and integration together",
        )
        self.observe(order, "replacement")
        return multiple(other) if is_new else multiple()

    @rule(key=keys, data=st.data())
    def upsert_by_explicit_id(self, key: Key, data: st.DataObject) -> None:
        """An order sent with its Sendcloud id as a string updates that very order."""
        order = self.model.orders[key]
        sent = self.draw_order(data, key) | {"id": str(order.pk)}
        answer = self.post([sent])
        self.accepted([sent], answer, "identity")
        self.observe(order, "replacement")

    @rule(key=keys, data=st.data())
    def integer_id_refused(self, key: Key, data: st.DataObject) -> None:
        """An integer id is refused ("Input should be a valid string"), and changes nothing."""
        order = self.model.orders[key]
        self.refused(
            self.post([self.draw_order(data, key) | {"id": order.pk}]),
            "atomicity",
            "an order with an integer id",
        )
        self.unchanged([order], [], "")

    @rule(key=keys, data=st.data())
    def order_id_change_through_id_refused(self, key: Key, data: st.DataObject) -> None:
        """order_id is immutable: an explicit id with another order_id is refused."""
        order = self.model.orders[key]
        moved = self.fresh_key(key[1])
        self.refused(
            self.post([self.draw_order(data, moved) | {"id": str(order.pk)}]),
            "identity",
            f"changing the order_id of order {order.pk} through its id",
        )
        self.observe(order, "identity", unchanged=True)
        self.absent([moved], "identity", f"changing order {order.pk}'s order_id was refused")

    @precondition(lambda self: self.model.deleted)
    @rule(data=st.data())
    def unknown_explicit_id_refused(self, data: st.DataObject) -> None:
        """An explicit id that names no order (one this run deleted) is refused."""
        gone = data.draw(st.sampled_from(sorted(self.model.deleted.values())), label="deleted id")
        key = self.fresh_key()
        self.refused(
            self.post([self.draw_order(data, key) | {"id": str(gone)}]),
            "identity",
            f"an order naming the deleted id {gone}",
        )
        self.absent([key], "identity", f"the batch naming deleted id {gone} was refused")

    @rule(data=st.data())
    def invalid_batch_refused(self, data: st.DataObject) -> None:
        """One order with a documented mistake: the whole batch is refused, nothing changes."""
        known = sorted(self.model.orders)
        upserts = (
            data.draw(st.lists(st.sampled_from(known), max_size=2, unique=True)) if known else []
        )
        new = [
            self.fresh_key(data.draw(st.sampled_from(self.integrations)))
            for _ in range(data.draw(st.integers(0 if upserts else 1, 2), label="valid new orders"))
        ]
        batch = [self.draw_order(data, key) for key in [*upserts, *new]]
        # An integer id names an order of this run only: never someone else's order 1.
        mistakes = [
            m
            for m in _MISTAKES
            if (m != "foreign-integration" or self.foreign()) and (m != "integer-id" or upserts)
        ]
        mistake = data.draw(st.sampled_from(mistakes), label="mistake")
        bad_key = self.fresh_key()
        bad = self.mistaken(
            data, mistake, bad_key, self.model.orders.get(upserts[0]) if upserts else None
        )
        batch.insert(data.draw(st.integers(0, len(batch)), label="position"), bad)
        self.refused(self.post(batch), "atomicity", f"a batch with one order's {mistake}")
        self.unchanged(
            [self.model.orders[k] for k in upserts],
            [*new, bad_key],
            f"the batch with a {mistake} was refused",
        )

    def foreign(self) -> int | None:
        return self.context.target.foreign_integration

    def mistaken(
        self, data: st.DataObject, mistake: str, key: Key, existing: ModelOrder | None
    ) -> dict[str, Any]:
        order = self.draw_order(data, key)
        if mistake == "missing-field":
            del order[data.draw(st.sampled_from(_REQUIRED), label="left out")]
        elif mistake == "wrong-type":
            order["order_number"] = data.draw(st.integers(1, 10**6), label="order_number")
        elif mistake == "zero-quantity":
            order["order_details"]["order_items"][0]["quantity"] = 0
        elif mistake == "integer-id":
            assert existing is not None, "an integer id is drawn only beside an upsert"
            order["id"] = existing.pk
        else:
            order["order_details"]["integration"] = {"id": self.foreign()}
        return order

    def copies(self, data: st.DataObject, keys: Sequence[Key]) -> list[dict[str, Any]]:
        """Many orders from two drawn ones: the size is the point, and it shrinks fast."""
        pair = data.draw(
            order_batches(min_size=2, max_size=2, min_items=2, max_items=2), label="templates"
        )
        return [_keyed(pair[i % 2], key) for i, key in enumerate(keys)]

    @precondition(lambda self: not self.full_batch_sent)
    @rule(target=keys, data=st.data())
    def full_batch(self, data: st.DataObject) -> Any:
        """100 orders, the documented maximum, are accepted in one batch."""
        self.full_batch_sent = True
        new = [self.fresh_key(self.integrations[i % 2]) for i in range(MAX_ORDERS_PER_BATCH)]
        batch = self.copies(data, new)
        written = self.accepted(batch, self.post(batch), "identity")
        require(
            "identity",
            len({o.pk for o in written}) == MAX_ORDERS_PER_BATCH,
            "100 new keys did not get 100 distinct ids",
        )
        self.observe(written[-1], "replacement")
        return multiple(*new)

    @precondition(lambda self: not self.oversized_batch_sent)
    @rule(data=st.data())
    def oversized_batch_refused(self, data: st.DataObject) -> None:
        """101 orders are one too many: refused whole."""
        self.oversized_batch_sent = True
        new = [self.fresh_key(self.integrations[i % 2]) for i in range(MAX_ORDERS_PER_BATCH + 1)]
        batch = self.copies(data, new)
        self.refused(self.post(batch), "atomicity", "a batch of 101 orders")
        self.absent([new[0], new[-1]], "atomicity", "the batch of 101 orders was refused")

    @rule(key=keys, data=st.data())
    def patch(self, key: Key, data: st.DataObject) -> None:
        """PATCH changes what it names, items matched by name, and nothing else."""
        order = self.model.orders[key]
        body = data.draw(order_updates(order.document | {"id": str(order.pk)}), label="patch")
        if order.created_at and order.modified_at and data.draw(st.booleans(), label="round trip"):
            # The PATCH schema declares the read-only timestamps: a client sending back
            # what GET returned includes them, and that must be no mistake.
            body["created_at"] = order.created_at.isoformat()
            body["modified_at"] = order.modified_at.isoformat()
        expected = patched(order.document, body)
        answer = self.item("PATCH", order, body)
        require(
            "patch",
            answer.status == 200,
            f"a valid PATCH of order {order.pk} was refused with {answer.status}: "
            f"{first_error(answer)}",
        )
        require(
            "identity",
            answer.body["data"].get("id") == order.pk,
            f"the PATCH answer names id {answer.body['data'].get('id')!r}, not {order.pk}",
        )
        order.write(expected)
        self.observe(order, "patch")

    @rule(key=keys, data=st.data())
    def patch_items(self, key: Key, data: st.DataObject) -> None:
        """PATCH of one item by name leaves every other item as it was."""
        order = self.model.orders[key]
        items = order.document["order_details"]["order_items"]
        item = data.draw(st.sampled_from(items), label="item")
        change = {"name": item["name"], "quantity": data.draw(st.integers(1, 50), label="quantity")}
        body = {"order_details": {"order_items": [change]}}
        answer = self.item("PATCH", order, body)
        require(
            "patch",
            answer.status == 200,
            f"a PATCH of item {item['name']!r} of order {order.pk} was refused with "
            f"{answer.status}: {first_error(answer)}",
        )
        order.write(patched(order.document, body))
        self.observe(order, "patch")

    @rule(key=keys, other=keys)
    def patch_of_an_id_alone(self, key: Key, other: Key) -> None:
        """A body of an ``id`` alone changes nothing: the order's own is accepted, another's
        refused as not the order in the URL. Both are sent whenever the other is another."""
        order, named = self.model.orders[key], self.model.orders[other]
        answer = self.item("PATCH", order, {"id": str(order.pk)})
        require(
            "patch",
            answer.status == 200,
            f"a PATCH naming only order {order.pk}'s own id was refused with "
            f"{answer.status}: {first_error(answer)}",
        )
        self.observe(order, "patch")
        if named is not order:
            answer = self.item("PATCH", order, {"id": str(named.pk)})
            self.refused(answer, "patch", f"a PATCH of order {order.pk} naming order {named.pk}")
            self.observe(order, "atomicity", unchanged=True)

    @rule(key=keys, data=st.data())
    def patch_service_point(self, key: Key, data: st.DataObject) -> None:
        """A service point in a PATCH replaces the stored one whole: named by Sendcloud's id
        with a post number, then by the carrier's id alone, nothing of the first one stays."""
        order = self.model.orders[key]
        number = data.draw(st.integers(1, 99_999), label="service point")
        by_id = {"id": str(number), "post_number": str(100_000 + number)}
        for point in (by_id, {"carrier_service_point_id": f"{number:05d}"}):
            body = {"service_point_details": point}
            answer = self.item("PATCH", order, body)
            require(
                "patch",
                answer.status == 200,
                f"a PATCH of order {order.pk} to service point {point} was refused with "
                f"{answer.status}: {first_error(answer)}",
            )
            order.write(patched(order.document, body))
            self.observe(order, "patch")

    @rule(key=keys)
    def patch_unknown_item_refused(self, key: Key) -> None:
        """An item name the order does not have is refused: PATCH never adds items."""
        order = self.model.orders[key]
        names = {i.get("name") for i in order.document["order_details"]["order_items"]}
        name = next(
            f"No such item {n}" for n in range(len(names) + 1) if f"No such item {n}" not in names
        )
        body = {"order_details": {"order_items": [{"name": name, "quantity": 1}]}}
        self.refused(self.item("PATCH", order, body), "patch", f"a PATCH of unknown item {name!r}")
        self.observe(order, "atomicity", unchanged=True)

    @rule(key=consumes(keys))
    def delete(self, key: Key) -> None:
        """DELETE, then 404 on retrieve, PATCH and DELETE."""
        order = self.model.orders[key]
        answer = self.item("DELETE", order)
        require(
            "deletion",
            answer.status == 204,
            f"DELETE order {order.pk} answered {answer.status}: {first_error(answer)}",
        )
        self.model.delete(key)
        self.context.deleted.add(order.pk)
        for method, body in (("GET", None), ("PATCH", {"order_number": "gone"}), ("DELETE", None)):
            after = self.client.call(method, "/orders/{id}", pk=order.pk, body=body)
            require(
                "deletion",
                after.status == 404,
                f"{method} of deleted order {order.pk} answered {after.status}, not 404",
            )
        listed, _ = self.walk([("order_id", key[0]), ("page_size", "200")], 200)
        require(
            "deletion",
            all(o.get("id") != str(order.pk) for o in listed),
            f"GET /orders?order_id={key[0]} still lists deleted order {order.pk}",
        )

    @precondition(lambda self: self.model.deleted)
    @rule(target=keys, data=st.data())
    def recreate_deleted(self, data: st.DataObject) -> Any:
        """A deleted key can be created again."""
        key = data.draw(st.sampled_from(sorted(self.model.deleted)), label="deleted key")
        batch = [self.draw_order(data, key)]
        (order,) = self.accepted(batch, self.post(batch), "deletion")
        self.observe(order, "replacement")
        return multiple(key)

    @rule(key=keys)
    def retrieve(self, key: Key) -> None:
        self.observe(self.model.orders[key], "replacement")

    @rule(key=keys, data=st.data())
    def find_by_each_filter(self, key: Key, data: st.DataObject) -> None:
        """Each filter, in another letter case where the value allows, finds the order."""
        order = self.model.orders[key]
        self.observe(order, "replacement")
        details = order.document["order_details"]
        both = ",".join(map(str, self.integrations))
        searches = [("integration", str(key[1])), ("integration", both)]
        for name, value in (
            ("order_id", order.document["order_id"]),
            ("order_number", order.document["order_number"]),
            ("status", details["status"]["code"]),
        ):
            if value.isascii():
                searches.append((name, value.swapcase()))
        day = instant(details["order_created_at"])
        if day is not None:
            searches.append(("order_created_at_min", (day.date() - timedelta(days=1)).isoformat()))
        for name, value in data.draw(st.permutations(searches), label="filters"):
            params = [(name, value), ("page_size", "200")]
            found, truncated = self.walk(params, 200)
            require(
                "listing",
                truncated or any(o.get("id") == str(order.pk) for o in found),
                f"GET /orders?{name}={value} leaves out order {order.pk}, whose {name} matches",
            )

    @precondition(lambda self: len(self.model.orders) >= 2)
    @rule(data=st.data())
    def page_through(self, data: st.DataObject) -> None:
        """The pages of every order the example holds now, after its changes and deletions."""
        self.walk_in_pages(data)

    def walk_in_pages(self, data: st.DataObject) -> None:
        """Pages smaller than the orders there are, followed by their Link headers, show
        every order once."""
        count = len(self.model.orders)
        fewest = min(count - 1, max(1, -(-count // (self.context.max_list_pages - 2))))
        size = data.draw(st.integers(fewest, min(count - 1, 200)), label="page_size")
        both = ",".join(map(str, self.integrations))
        params = [("integration", both), ("page_size", str(size))]
        found, truncated = self.walk(params, size)
        ids = [o.get("id") for o in found]
        twice = sorted({i for i in ids if ids.count(i) > 1}, key=str)
        require("listing", not twice, f"pages of {size} showed order(s) {twice} twice")
        if truncated:
            return
        unseen = [o for o in self.model.orders.values() if str(o.pk) not in ids]
        if self.confirm(unseen):
            found, truncated = self.walk(params, size)
            ids = [o.get("id") for o in found]
        missing = [o.pk for o in unseen if o.confirmed and str(o.pk) not in ids]
        require(
            "listing",
            truncated or not missing,
            f"pages of {size} left out order(s) {missing}",
        )

    @rule(data=st.data())
    def list_orders(self, data: st.DataObject) -> None:
        """A list query with filters, sort and page size, every page followed."""
        known = [o.document | {"id": str(o.pk)} for o in self.model.orders.values()]
        query: Query = data.draw(queries(known, self.integrations), label="query")
        seen, truncated = self.walk(query.params, query.page_size)
        where = f"GET /orders?{query.describe()}"
        ids = [o.get("id") for o in seen]
        twice = sorted({i for i in ids if ids.count(i) > 1}, key=str)
        require("listing", not twice, f"{where} showed order(s) {twice} more than once")
        ours = self.model.by_pk()
        gone = self.model.deleted.values()
        shown = []
        for got in seen:
            pk = int(got["id"])
            require(
                "deletion",
                pk not in gone or pk in ours,
                f"{where} lists order {pk}, which was deleted",
            )
            require(
                "listing",
                query.matches(got) is not Match.NO,
                f"{where} lists order {pk} ({got.get('order_id')!r}), which the filter excludes",
            )
            order = ours.get(pk)
            if order is not None:
                order.confirmed = True
                self.identified(order, got)
                self.timed(order, got)
                shown.append(got)
        for first, second in itertools.pairwise(shown):
            inversion = sort_inversion(query.sort, first, second)
            require("listing", inversion is None, f"{where}: {inversion}")
        if truncated:
            return
        listed = {int(g["id"]) for g in shown}
        wanted = [
            o
            for o in self.model.orders.values()
            if o.pk not in listed and query.matches(o.document) is Match.YES
        ]
        if self.confirm(wanted):
            again, truncated = self.walk(query.params, query.page_size)
            listed = {int(g["id"]) for g in again}
        missing = [o.pk for o in wanted if o.confirmed and o.pk not in listed]
        require("listing", truncated or not missing, f"{where} leaves out order(s) {missing}")

    @invariant()
    def ids_are_distinct(self) -> None:
        """No two keys share an id; checked after every step, so it also counts the steps
        after the first orders (an example that fails in its first step counts none)."""
        if self.started:
            self.context.steps += 1
        self.started = True
        ids = [o.pk for o in self.model.orders.values()]
        require("identity", len(ids) == len(set(ids)), f"two keys share an id: {sorted(ids)}")


def machine_for(ctx: RunContext) -> type[ContractMachine]:
    """The machine class for one run: Hypothesis builds instances without arguments."""
    return type("SendcloudContract", (ContractMachine,), {"context": ctx})
