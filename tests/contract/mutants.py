"""Deliberately broken variants of the fake, each one small change to the real one.

The contract suite is worth what it catches: each variant here breaks one of
Sendcloud's documented behaviours, and the tests hold that the suite notices,
naming the law. They override the fake's own steps, so they follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sendcloud_contract.fake import FakeSendcloud, Reply
from sendcloud_contract.fake._errors import order_index
from sendcloud_contract.fake._orders import State
from sendcloud_contract.rules import MAX_ORDERS_PER_BATCH


class _ByOrderIdOnly(dict[Any, int]):
    """An index of (order_id, integration) keys that forgets the integration."""

    def __getitem__(self, key: Any) -> int:
        return super().__getitem__(key[0])

    def __setitem__(self, key: Any, value: int) -> None:
        super().__setitem__(key[0], value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and super().__contains__(key[0])

    def get(self, key: Any, default: Any = None) -> Any:
        return super().get(key[0], default)

    def pop(self, key: Any, *default: Any) -> Any:
        return super().pop(key[0], *default)


class UpsertByOrderIdAlone(FakeSendcloud):
    """Matches upserts on order_id alone, as if the integration did not count."""

    @property
    def _state(self) -> State:
        return self.__state

    @_state.setter
    def _state(self, state: State) -> None:
        state.by_key = _ByOrderIdOnly()
        self.__state = state


class PartialBatchCommit(FakeSendcloud):
    """Stores the valid orders of a batch even when another one is refused."""

    def _upsert(self, account: Any, batch: list[Any], errors: list[Any], *, seeding: bool) -> Any:
        if errors and not seeding:
            bad = {order_index(error) for error in errors}
            good = [order for index, order in enumerate(batch) if index not in bad]
            if good:
                super()._upsert(account, good, [], seeding=seeding)
        return super()._upsert(account, batch, errors, seeding=seeding)


class PatchReplacesItems(FakeSendcloud):
    """PATCH keeps only the items it names, dropping the others."""

    def _update(self, account: Any, pk: int, patch: Any) -> Reply:
        reply = super()._update(account, pk, patch)
        details = patch.get("order_details") if isinstance(patch, dict) else None
        items = details.get("order_items") if isinstance(details, dict) else None
        if reply.status == 200 and items:
            named = {item.get("name") for item in items}
            document = self._state.orders[pk].document["order_details"]
            document["order_items"] = [i for i in document["order_items"] if i["name"] in named]
        return reply


class ExplicitIdIgnored(FakeSendcloud):
    """Upserts by (order_id, integration) even when the order names its id."""

    def _plan(self, account: Any, batch: list[Any]) -> Any:
        return super()._plan(account, [_without_id(order) for order in batch])


def _without_id(order: Any) -> Any:
    return {k: v for k, v in order.items() if k != "id"} if isinstance(order, dict) else order


class DeletedStillListed(FakeSendcloud):
    """Deleted orders are gone for retrieve, PATCH and DELETE, but lists still show them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tombstones: dict[int, Any] = {}

    def handle(self, method: str, url: str, *args: Any, **kwargs: Any) -> Reply:
        before = dict(self._state.orders)
        reply = super().handle(method, url, *args, **kwargs)
        if method.upper() == "DELETE" and reply.status == 204:
            gone = {pk: o for pk, o in before.items() if pk not in self._state.orders}
            self.tombstones.update(gone)
        return reply

    def _list(self, account: Any, query: list[tuple[str, str]], page_url: str) -> Reply:
        live = self._state.orders
        self._state.orders = {**self.tombstones, **live}
        try:
            return super()._list(account, query, page_url)
        finally:
            self._state.orders = live


class PageBoundaryOffByOne(FakeSendcloud):
    """Every page after the first starts one order too late."""

    def _list(self, account: Any, query: list[tuple[str, str]], page_url: str) -> Reply:
        reply = super()._list(account, query, page_url)
        if any(name == "cursor" for name, _ in query):
            return Reply(reply.status, {"data": reply.body["data"][1:]}, reply.headers)
        return reply


class CaseSensitiveFilters(FakeSendcloud):
    """order_id, order_number and status filters match only the exact spelling."""

    def _list(self, account: Any, query: list[tuple[str, str]], page_url: str) -> Reply:
        reply = super()._list(account, query, page_url)
        wanted = {k: v for k, v in query if k in ("order_id", "order_number", "status")}
        data = [
            order
            for order in reply.body["data"]
            if all(_text(order, k) == v for k, v in wanted.items())
        ]
        return Reply(reply.status, {"data": data}, reply.headers)


def _text(order: dict[str, Any], name: str) -> Any:
    if name == "status":
        return order["order_details"]["status"]["code"]
    return order.get(name)


class BatchLimitOffByOne(FakeSendcloud):
    """Accepts 101 orders in one batch."""

    def _create(self, account: Any, batch: Any) -> Reply:
        if isinstance(batch, list) and len(batch) == MAX_ORDERS_PER_BATCH + 1:
            head = super()._create(account, batch[:MAX_ORDERS_PER_BATCH])
            tail = super()._create(account, batch[MAX_ORDERS_PER_BATCH:])
            return Reply(201, {"data": head.body["data"] + tail.body["data"]})
        return super()._create(account, batch)


class ModifiedAtNeverMoves(FakeSendcloud):
    """Stores every change but leaves modified_at at the time of creation."""

    def _replace(self, order: Any, document: dict[str, Any], now: Any) -> None:
        kept = order.modified_at
        super()._replace(order, document, now)
        order.modified_at = kept


class OrderIdChangeableThroughId(FakeSendcloud):
    """Lets an order sent with its id take a new order_id."""

    def _plan(self, account: Any, batch: list[Any]) -> Any:
        errors, targets = super()._plan(account, batch)
        return [e for e in errors if "cannot be changed" not in e.get("detail", "")], targets


MUTANTS: dict[type[FakeSendcloud], str] = {
    UpsertByOrderIdAlone: "identity",
    PartialBatchCommit: "atomicity",
    PatchReplacesItems: "patch",
    ExplicitIdIgnored: "identity",
    DeletedStillListed: "deletion",
    PageBoundaryOffByOne: "listing",
    CaseSensitiveFilters: "listing",
    BatchLimitOffByOne: "atomicity",
    ModifiedAtNeverMoves: "timestamps",
    OrderIdChangeableThroughId: "identity",
}


def names() -> Iterator[str]:
    return (mutant.__name__ for mutant in MUTANTS)
